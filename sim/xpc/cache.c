/* The engine cache: fully associative with LRU replacement, as small as the paper's (a handful
 * of x-entries), so a linear search is also what the hardware's parallel compare would do. */
#include "cache.h"

#include <string.h>

bool xpc_cache_active(const struct xpc_engine *e)
{
    return e->cfg.cache_enabled && e->cfg.cache_entries > 0;
}

struct xpc_cache_line *xpc_cache_lookup(struct xpc_engine *e, uint64_t id)
{
    if (!xpc_cache_active(e))
        return NULL;
    for (unsigned i = 0; i < e->cfg.cache_entries; i++) {
        struct xpc_cache_line *l = &e->cache[i];
        if (l->valid && l->id == id && l->xtbl == e->csr.xtbl)
            return l;
    }
    return NULL;
}

void xpc_cache_touch(struct xpc_engine *e, struct xpc_cache_line *line)
{
    line->last_use = ++e->lru_clock;
}

void xpc_cache_fill(struct xpc_engine *e, uint64_t id, const uint64_t word[4], uint64_t xcap,
                    bool cap)
{
    if (!xpc_cache_active(e))
        return;
    /* The same entry if present (a new cap bit), else a free line, else the least recent. */
    struct xpc_cache_line *victim = xpc_cache_lookup(e, id);
    for (unsigned i = 0; !victim && i < e->cfg.cache_entries; i++)
        if (!e->cache[i].valid)
            victim = &e->cache[i];
    if (!victim) {
        victim = &e->cache[0];
        for (unsigned i = 1; i < e->cfg.cache_entries; i++)
            if (e->cache[i].last_use < victim->last_use)
                victim = &e->cache[i];
    }
    victim->valid = true;
    victim->xtbl = e->csr.xtbl;
    victim->id = id;
    memcpy(victim->word, word, sizeof victim->word);
    victim->cap_valid = true;
    victim->cap_xcap = xcap;
    victim->cap = cap;
    victim->last_use = ++e->lru_clock;
}

void xpc_cache_flush(struct xpc_engine *e)
{
    for (unsigned i = 0; i < XPC_CACHE_MAX_ENTRIES; i++)
        e->cache[i].valid = false;
    e->stats.flushes++;
}
