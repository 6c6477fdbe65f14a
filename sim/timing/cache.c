/* Set-associative cache model with true LRU: the L1 I- and D-caches, and the TLBs' page arrays.
 *
 * Only tags are modeled, never data: the functional memory is always right, the model only says
 * whether the hardware would have had the line. LRU is kept with a per-way last-use tick (the
 * smallest tick in a set is the victim); free ways are used first, lowest index first, so the
 * choice never depends on anything but the access sequence. */
#include <stdlib.h>
#include <string.h>

#include "timing.h"

static unsigned log2_exact(uint64_t v)
{
    unsigned n = 0;
    while ((1ULL << n) < v)
        n++;
    return n;
}

bool cache_init(struct cache_model *c, uint64_t sets, unsigned ways, uint64_t line_bytes)
{
    memset(c, 0, sizeof *c);
    if (sets == 0 || ways == 0 || (sets & (sets - 1)) || (line_bytes & (line_bytes - 1)))
        return false;
    size_t n = (size_t)sets * ways;
    c->tags = malloc(n * sizeof *c->tags);
    c->stamps = calloc(n, sizeof *c->stamps);
    c->dirty = calloc(n, 1);
    if (!c->tags || !c->stamps || !c->dirty) {
        cache_free(c);
        return false;
    }
    c->set_mask = sets - 1;
    c->ways = ways;
    c->line_shift = log2_exact(line_bytes);
    cache_invalidate_all(c);
    return true;
}

void cache_free(struct cache_model *c)
{
    free(c->tags);
    free(c->stamps);
    free(c->dirty);
    memset(c, 0, sizeof *c);
}

void cache_invalidate_all(struct cache_model *c)
{
    size_t n = (size_t)(c->set_mask + 1) * c->ways;
    for (size_t i = 0; i < n; i++) {
        c->tags[i] = CACHE_EMPTY;
        c->stamps[i] = 0;
        c->dirty[i] = 0;
    }
    c->last_line = CACHE_EMPTY;
    c->last_slot = 0;
}

enum cache_result cache_fill(struct cache_model *c, uint64_t line, size_t base, bool write)
{
    /* Free ways first; else the smallest tick, kept in a register so that the scan is a chain
     * of independent loads rather than of dependent ones. */
    size_t victim = base;
    uint64_t oldest = UINT64_MAX;
    for (unsigned w = 0; w < c->ways; w++) {
        size_t slot = base + w;
        if (c->tags[slot] == CACHE_EMPTY) {
            victim = slot;
            break;
        }
        if (c->stamps[slot] < oldest) {
            oldest = c->stamps[slot];
            victim = slot;
        }
    }
    bool writeback = c->tags[victim] != CACHE_EMPTY && c->dirty[victim];
    c->tags[victim] = line;
    c->stamps[victim] = ++c->tick;
    c->dirty[victim] = write;
    c->last_line = line;
    c->last_slot = victim;
    c->misses++;
    if (writeback) {
        c->writebacks++;
        return CACHE_MISS_WRITEBACK;
    }
    return CACHE_MISS;
}
