/* Translation of guest code into decoded blocks, and the cache that holds them. */
#include "block.h"

#include <stdlib.h>

#include "machine.h"
#include "mmu.h"

struct block_cache *block_cache_create(size_t pool_bytes, unsigned hash_bits)
{
    struct block_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->hash_mask = (1u << hash_bits) - 1;
    c->gen = 1;
    c->hash = calloc((size_t)c->hash_mask + 1, sizeof *c->hash);
    c->page_mask = (1u << (hash_bits > 4 ? hash_bits - 4 : 1)) - 1;
    c->page_hash = calloc((size_t)c->page_mask + 1, sizeof *c->page_hash);
    c->pool = malloc(pool_bytes);
    c->pool_size = pool_bytes;
    if (!c->hash || !c->page_hash || !c->pool) {
        block_cache_destroy(c);
        return NULL;
    }
    return c;
}

void block_cache_destroy(struct block_cache *c)
{
    if (!c)
        return;
    free(c->hash);
    free(c->page_hash);
    free(c->pool);
    free(c);
}

void block_cache_flush(struct block_cache *c)
{
    memset(c->hash, 0, ((size_t)c->hash_mask + 1) * sizeof *c->hash);
    memset(c->page_hash, 0, ((size_t)c->page_mask + 1) * sizeof *c->page_hash);
    c->used = 0;
    c->flushes++;
    c->gen++;
}

static unsigned page_slot(const struct block_cache *c, uint64_t pa)
{
    return (unsigned)(pa >> PAGE_SHIFT) & c->page_mask;
}

bool block_cache_drop_page(struct block_cache *c, uint64_t page_pa)
{
    bool dropped = false;
    struct block **pp = &c->page_hash[page_slot(c, page_pa)];
    while (*pp) {
        struct block *b = *pp;
        if (PAGE_BASE(b->pa) != page_pa) {
            pp = &b->page_next;
            continue;
        }
        *pp = b->page_next;
        struct block **hp = &c->hash[(b->pa >> 1) & c->hash_mask];
        while (*hp != b)
            hp = &(*hp)->hash_next;
        *hp = b->hash_next;
        dropped = true;
    }
    /* Its memory stays in the pool until the next flush; links to it must die now. */
    if (dropped) {
        c->page_drops++;
        c->gen++;
    }
    return dropped;
}

void block_link(struct block_cache *c, struct block *from, uint64_t va, struct block *to)
{
    unsigned slot;
    if (from->next[0].gen != c->gen)
        slot = 0;
    else if (from->next[1].gen != c->gen)
        slot = 1;
    else
        slot = from->next_victim ^= 1; /* both live: replace them in turn */
    from->next[slot] = (struct block_link){.va = va, .gen = c->gen, .to = to};
}

/* Fetch 16 bits of code at a physical address: RAM directly, else through the bus (the ROM). */
static bool fetch16(struct machine *m, uint64_t pa, uint32_t *half)
{
    const uint8_t *p = bus_ram_ptr(m, pa);
    if (p && bus_ram_ptr(m, pa + 1)) {
        *half = (uint32_t)p[0] | ((uint32_t)p[1] << 8);
        return true;
    }
    uint64_t v;
    if (!bus_read(m, pa, 2, &v))
        return false;
    *half = (uint32_t)v;
    return true;
}

static void mark_code(struct machine *m, uint64_t pa, uint32_t len)
{
    uint64_t off = pa - m->ram_base;
    if (off >= m->ram_size)
        return;
    bool first_on_page = m->code_page[off >> PAGE_SHIFT] == 0;
    machine_mark_code(m, pa, len);
    /* Stores to this page must now reach the slow path, which invalidates the blocks. */
    if (first_on_page)
        tlb_flush_write_page(&m->hart, PAGE_BASE(pa));
}

static struct block *straddling(struct hart *h, uint64_t pc, uint32_t low, struct block *b)
{
    uint64_t pa2;
    uint32_t high;
    if (!mmu_translate(h, pc + 2, ACCESS_EXEC, h->priv, &pa2))
        return NULL; /* tval already names the second page */
    if (!fetch16(h->machine, pa2, &high)) {
        hart_exception(h, CAUSE_FETCH_ACCESS, pc + 2);
        return NULL;
    }
    decode(low | (high << 16), &b->insns[0]);
    b->insns[1] = (struct insn){.op = OP_END, .off = 4};
    b->n = 1;
    b->pa = UINT64_MAX;
    b->code_pa = h->last_fetch_pa;
    memset(b->next, 0, sizeof b->next); /* never linked: it is not in the cache */
    return b;
}

struct block *block_translate(struct hart *h, uint64_t pc, uint64_t pa, struct block *scratch)
{
    struct machine *m = h->machine;
    struct block_cache *c = h->blocks;
    size_t need = sizeof(struct block) + (BLOCK_MAX_INSNS + 1) * sizeof(struct insn);
    if (c->used + need > c->pool_size) {
        block_cache_flush(c);
        machine_clear_code_marks(m);
    }
    struct block *b = (struct block *)(c->pool + c->used);

    uint32_t off = 0, n = 0;
    uint32_t page_left = (uint32_t)(PAGE_SIZE - (pa & PAGE_OFFSET_MASK));
    while (n < BLOCK_MAX_INSNS && off < page_left) {
        uint32_t low, raw;
        if (!fetch16(m, pa + off, &low)) {
            if (n > 0)
                break; /* end the block here; the fault is taken when execution gets there */
            hart_exception(h, CAUSE_FETCH_ACCESS, pc);
            return NULL;
        }
        raw = low;
        if (insn_length(low) == 4) {
            if (off + 4 > page_left) {
                if (n > 0)
                    break;
                h->last_fetch_pa = pa;
                return straddling(h, pc, low, scratch);
            }
            uint32_t high;
            if (!fetch16(m, pa + off + 2, &high)) {
                if (n > 0)
                    break;
                hart_exception(h, CAUSE_FETCH_ACCESS, pc);
                return NULL;
            }
            raw |= high << 16;
        }
        struct insn *in = &b->insns[n++];
        decode(raw, in);
        in->off = (uint16_t)off;
        off += in->len;
        if (insn_ends_block(in))
            break;
    }
    b->insns[n] = (struct insn){.op = OP_END, .off = (uint16_t)off};
    b->n = n;
    b->pa = pa;
    b->code_pa = pa;
    memset(b->next, 0, sizeof b->next); /* gen 0 is never current: no links yet */
    b->next_victim = 0;
    c->used += sizeof(struct block) + (n + 1) * sizeof(struct insn);
    c->used = (c->used + 15) & ~(size_t)15;
    unsigned slot = (pa >> 1) & c->hash_mask;
    b->hash_next = c->hash[slot];
    c->hash[slot] = b;
    b->page_next = c->page_hash[page_slot(c, pa)];
    c->page_hash[page_slot(c, pa)] = b;
    c->translations++;
    mark_code(m, pa, off);
    return b;
}
