/* The decoded-block cache: basic blocks of decoded instructions keyed by the physical address
 * of their first instruction. A block never crosses a page, so one translation covers it. */
#ifndef SIM_BLOCK_H
#define SIM_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

#define BLOCK_MAX_INSNS 64

/* A block remembers up to two successors it jumped to, so that hot loops go from block to block
 * without translating the PC again. A link holds only while the cache's generation is the one
 * it was made in: the generation moves on whenever the fetch translation context may have
 * changed (privilege, satp, TLB flush) or blocks were dropped. */
struct block_link {
    uint64_t va;
    uint64_t gen;
    struct block *to;
};

struct block {
    uint64_t pa;      /* hash key; UINT64_MAX for an uncached block */
    uint64_t code_pa; /* physical address of the first instruction (for the cycle model) */
    struct block *hash_next;
    struct block *page_next; /* the next block in the same page_hash chain */
    struct block_link next[2];
    uint32_t n; /* instructions, not counting the END sentinel */
    uint32_t next_victim;
    struct insn insns[];
};

struct block_cache {
    struct block **hash;
    unsigned hash_mask;
    uint8_t *pool;
    size_t pool_size;
    size_t used;
    /* The blocks by physical page, so that a store to code drops only that page's blocks. */
    struct block **page_hash;
    unsigned page_mask;
    uint64_t gen; /* starts at 1; links with another value are stale */
    uint64_t flushes;
    uint64_t page_drops; /* pages whose blocks were dropped by a store to their code */
    uint64_t translations;
    uint64_t chained; /* block-to-block transfers that skipped the lookup */
};

struct hart;

struct block_cache *block_cache_create(size_t pool_bytes, unsigned hash_bits);
void block_cache_destroy(struct block_cache *c);
void block_cache_flush(struct block_cache *c);
/* Drop the blocks that start in the physical page at page_pa (its code was written). Returns
 * whether there were any. */
bool block_cache_drop_page(struct block_cache *c, uint64_t page_pa);
/* The fetch translation context changed: every link is stale. */
static inline void block_cache_unlink_all(struct block_cache *c)
{
    c->gen++;
}
/* Remember that `from` went on to `to` at virtual address va. */
void block_link(struct block_cache *c, struct block *from, uint64_t va, struct block *to);

static inline struct block *block_lookup(const struct block_cache *c, uint64_t pa)
{
    struct block *b = c->hash[(pa >> 1) & c->hash_mask];
    while (b && b->pa != pa)
        b = b->hash_next;
    return b;
}

/* Decode the block starting at virtual pc / physical pa. Returns NULL with the exception in
 * h->exc_cause/exc_tval when the fetch faults. A block whose first instruction straddles a page
 * boundary is decoded into `scratch` and not cached. */
struct block *block_translate(struct hart *h, uint64_t pc, uint64_t pa, struct block *scratch);

#endif
