/* Cache model: LRU in a set, write-back, and what the core charges for I- and D-cache misses. */
#include <criterion/criterion.h>

#include "timing.h"

static struct timing *model(struct timing_params *p)
{
    char err[200] = "";
    struct timing *t = timing_create(p, err, sizeof err);
    cr_assert_not_null(t, "timing_create: %s", err);
    return t;
}

Test(cache, lru_eviction_in_a_two_way_set)
{
    struct cache_model c;
    cr_assert(cache_init(&c, 4, 2, 64));
    const uint64_t stride = 4 * 64; /* same set, different tags */
    const uint64_t a = 0x1000, b = a + stride, x = a + 2 * stride;
    cr_assert_eq(cache_access(&c, a, false), CACHE_MISS);
    cr_assert_eq(cache_access(&c, b, false), CACHE_MISS);
    cr_assert_eq(cache_access(&c, a + 8, false), CACHE_HIT); /* same line as a: a is now MRU */
    cr_assert_eq(cache_access(&c, x, false), CACHE_MISS);    /* evicts b, the LRU way */
    cr_assert_eq(cache_access(&c, a, false), CACHE_HIT);
    cr_assert_eq(cache_access(&c, b, false), CACHE_MISS); /* b was evicted; now x is LRU */
    cr_assert_eq(cache_access(&c, a, false), CACHE_HIT);
    cr_assert_eq(cache_access(&c, x, false), CACHE_MISS);
    /* Another set is untouched by all this. */
    cr_assert_eq(cache_access(&c, a + 64, false), CACHE_MISS);
    cr_assert_eq(c.hits, 3);
    cr_assert_eq(c.misses, 6);
    cache_free(&c);
}

Test(cache, dirty_victim_is_written_back)
{
    struct cache_model c;
    cr_assert(cache_init(&c, 1, 1, 64));
    cr_assert_eq(cache_access(&c, 0x0, true), CACHE_MISS);
    cr_assert_eq(cache_access(&c, 0x40, false), CACHE_MISS_WRITEBACK);
    cr_assert_eq(cache_access(&c, 0x0, false), CACHE_MISS); /* 0x40 was clean */
    cr_assert_eq(cache_access(&c, 0x0, true), CACHE_HIT);   /* a store hit dirties the line */
    cr_assert_eq(cache_access(&c, 0x40, false), CACHE_MISS_WRITEBACK);
    cr_assert_eq(c.writebacks, 2);
    cache_free(&c);
}

Test(cache, invalidate_all_empties_and_geometry_is_checked)
{
    struct cache_model c;
    cr_assert_not(cache_init(&c, 3, 2, 64), "3 sets is not a power of two");
    cr_assert_not(cache_init(&c, 4, 0, 64), "0 ways");
    cr_assert(cache_init(&c, 2, 2, 32));
    cr_assert_eq(cache_access(&c, 0x100, false), CACHE_MISS);
    cr_assert_eq(cache_access(&c, 0x100, false), CACHE_HIT);
    cache_invalidate_all(&c);
    cr_assert_eq(cache_access(&c, 0x100, false), CACHE_MISS);
    cache_free(&c);
}

Test(cache, dcache_miss_costs_the_memory_latency)
{
    struct timing_params p;
    timing_params_defaults(&p);
    p.mem_latency = 37;
    struct timing *t = model(&p);
    timing_fetch(t, 0x80000000); /* warm the fetch line first */
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x80000004);
    timing_load(t, 0x80100000, 8, 5, 0);
    cr_assert_eq(timing_cycles(t) - c0, p.base_cpi + p.mem_latency);
    c0 = timing_cycles(t);
    timing_fetch(t, 0x80000008);
    timing_load(t, 0x80100038, 8, 6, 0); /* same 64-byte line */
    cr_assert_eq(timing_cycles(t) - c0, p.base_cpi);
    c0 = timing_cycles(t);
    timing_fetch(t, 0x8000000c);
    timing_store(t, 0x80100040, 0, 0); /* next line: a store miss also refills */
    cr_assert_eq(timing_cycles(t) - c0, p.base_cpi + p.mem_latency);
    cr_assert_eq(t->dcache.misses, 2);
    cr_assert_eq(t->dcache.hits, 1);
    timing_destroy(t);
}

Test(cache, dirty_eviction_adds_writeback_cycles)
{
    struct timing_params p;
    timing_params_defaults(&p);
    p.dcache_sets = 1;
    p.dcache_ways = 1;
    p.mem_latency = 20;
    p.writeback_cycles = 6;
    struct timing *t = model(&p);
    timing_fetch(t, 0x1000);
    timing_store(t, 0x2000, 0, 0);
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x1004);
    timing_load(t, 0x3000, 8, 1, 0);
    cr_assert_eq(timing_cycles(t) - c0, p.base_cpi + p.mem_latency + p.writeback_cycles);
    timing_destroy(t);
}

Test(cache, icache_charges_once_per_new_line_and_fence_i_empties_it)
{
    struct timing_params p;
    timing_params_defaults(&p);
    p.mem_latency = 25;
    struct timing *t = model(&p);
    const uint64_t line = p.icache_line;
    timing_fetch(t, 0x80000000);
    cr_assert_eq(timing_cycles(t), p.mem_latency + p.base_cpi, "cold line");
    for (uint64_t pc = 0x80000004; pc < 0x80000000 + line; pc += 4)
        timing_fetch(t, pc);
    cr_assert_eq(timing_cycles(t), p.mem_latency + (line / 4) * p.base_cpi);
    cr_assert_eq(t->icache.misses, 1);
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x80000000 + line); /* new line: miss */
    timing_fetch(t, 0x80000000);        /* back to the first line: still cached */
    cr_assert_eq(timing_cycles(t) - c0, p.mem_latency + 2 * p.base_cpi);
    timing_flush(t, TIMING_FLUSH_FENCE_I);
    c0 = timing_cycles(t);
    timing_fetch(t, 0x80000000);
    cr_assert_eq(timing_cycles(t) - c0, p.mem_latency + p.base_cpi, "fence.i emptied the I-cache");
    cr_assert_eq(t->n.flushes[TIMING_FLUSH_FENCE_I], 1);
    timing_destroy(t);
}
