/* The decoded-block cache: basic blocks of decoded instructions keyed by the physical address
 * of their first instruction. A block never crosses a page, so one translation covers it. */
#ifndef SIM_BLOCK_H
#define SIM_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

#define BLOCK_MAX_INSNS 64

struct block {
    uint64_t pa;
    struct block *hash_next;
    uint32_t n; /* instructions, not counting the END sentinel */
    struct insn insns[];
};

struct block_cache {
    struct block **hash;
    unsigned hash_mask;
    uint8_t *pool;
    size_t pool_size;
    size_t used;
    uint64_t flushes;
    uint64_t translations;
};

struct hart;

struct block_cache *block_cache_create(size_t pool_bytes, unsigned hash_bits);
void block_cache_destroy(struct block_cache *c);
void block_cache_flush(struct block_cache *c);

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
