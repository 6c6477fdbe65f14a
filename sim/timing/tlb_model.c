/* L1 TLB model, after Rocket's: a set-associative array of 4 KiB translations (fully
 * associative by default) and a few fully associative superpage entries, both LRU.
 *
 * A translation is identified by (VPN, ASID); with ASID tagging off the ASID is always 0, so a
 * change of address space must empty the model (timing.c does). Global mappings are not treated
 * specially: with ASIDs each address space caches its own copy, which a real TLB with G bits
 * would share (a small pessimism for kernel pages).
 *
 * A fully associative array of 32 is searched through a small table of hints (where each VPN
 * was last found) before the scan: it changes no outcome, only the emulator's speed. */
#include <stdlib.h>
#include <string.h>

#include "timing.h"

bool tlb_model_init(struct tlb_model *t, uint64_t sets, uint64_t ways, uint64_t n_super)
{
    memset(t, 0, sizeof *t);
    if (!cache_init(&t->pages, sets, (unsigned)ways, 1))
        return false;
    t->super = calloc(n_super ? n_super : 1, sizeof *t->super);
    if (!t->super) {
        cache_free(&t->pages);
        return false;
    }
    t->n_super = (unsigned)n_super;
    tlb_model_flush(t);
    return true;
}

void tlb_model_free(struct tlb_model *t)
{
    cache_free(&t->pages);
    free(t->super);
    memset(t, 0, sizeof *t);
}

void tlb_model_flush(struct tlb_model *t)
{
    cache_invalidate_all(&t->pages);
    for (unsigned i = 0; i < t->n_super; i++) {
        t->super[i].tag = CACHE_EMPTY;
        t->super[i].stamp = 0;
    }
    t->last_key = CACHE_EMPTY;
}

static uint64_t super_tag(uint64_t va, unsigned shift, uint64_t asid)
{
    return ((va >> shift) & (TLB_VPN_MASK >> (shift - 12))) | asid << TLB_ASID_SHIFT;
}

void tlb_model_sfence(struct tlb_model *t, bool all_va, uint64_t va, bool all_asid, uint64_t asid)
{
    if (all_va && all_asid) {
        tlb_model_flush(t);
        return;
    }
    struct cache_model *c = &t->pages;
    size_t n = (size_t)(c->set_mask + 1) * c->ways;
    uint64_t vpn = (va >> PAGE_SHIFT) & TLB_VPN_MASK;
    for (size_t i = 0; i < n; i++) {
        uint64_t key = c->tags[i];
        if (key == CACHE_EMPTY)
            continue;
        if ((all_va || (key & TLB_VPN_MASK) == vpn) &&
            (all_asid || key >> TLB_ASID_SHIFT == asid)) {
            c->tags[i] = CACHE_EMPTY;
            c->stamps[i] = 0;
        }
    }
    c->last_line = CACHE_EMPTY;
    for (unsigned i = 0; i < t->n_super; i++) {
        struct tlb_superpage *s = &t->super[i];
        if (s->tag == CACHE_EMPTY)
            continue;
        uint64_t s_asid = s->tag >> TLB_ASID_SHIFT;
        bool va_match = all_va || super_tag(va, s->shift, s_asid) == s->tag;
        if (va_match && (all_asid || s_asid == asid)) {
            s->tag = CACHE_EMPTY;
            s->stamp = 0;
        }
    }
    t->last_key = CACHE_EMPTY;
}

bool tlb_model_lookup(struct tlb_model *t, uint64_t key, uint64_t va, uint64_t asid)
{
    struct cache_model *c = &t->pages;
    size_t *hint = &t->hint[key & (TLB_HINTS - 1)];
    size_t base = (size_t)(key & c->set_mask) * c->ways;
    size_t slot = *hint;
    bool found = slot - base < c->ways && c->tags[slot] == key;
    for (unsigned w = 0; !found && w < c->ways; w++) {
        slot = base + w;
        found = c->tags[slot] == key;
    }
    if (found) {
        c->stamps[slot] = ++c->tick;
        *hint = slot;
        t->last_key = key;
        t->hits++;
        return true;
    }
    for (unsigned i = 0; i < t->n_super; i++) {
        struct tlb_superpage *s = &t->super[i];
        if (s->tag != CACHE_EMPTY && s->tag == super_tag(va, s->shift, asid)) {
            s->stamp = ++t->super_tick;
            t->last_key = key;
            t->hits++;
            return true;
        }
    }
    t->misses++;
    return false;
}

void tlb_model_fill(struct tlb_model *t, uint64_t va, uint64_t asid, unsigned leaf_shift)
{
    uint64_t key = ((va >> PAGE_SHIFT) & TLB_VPN_MASK) | asid << TLB_ASID_SHIFT;
    t->last_key = key;
    if (leaf_shift <= 12 || t->n_super == 0) {
        /* Without superpage entries a large page is cached one 4 KiB piece at a time. */
        struct cache_model *c = &t->pages;
        cache_fill(c, key, (size_t)(key & c->set_mask) * c->ways, false);
        t->hint[key & (TLB_HINTS - 1)] = c->last_slot;
        return;
    }
    unsigned victim = 0;
    for (unsigned i = 0; i < t->n_super; i++) {
        if (t->super[i].tag == CACHE_EMPTY) {
            victim = i;
            break;
        }
        if (t->super[i].stamp < t->super[victim].stamp)
            victim = i;
    }
    t->super[victim].tag = super_tag(va, leaf_shift, asid);
    t->super[victim].shift = leaf_shift;
    t->super[victim].stamp = ++t->super_tick;
}
