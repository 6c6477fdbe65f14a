/* TLB models: walks through the D-cache, ASID tagging on satp changes, sfence.vma, superpages,
 * faults and replacement. */
#include <criterion/criterion.h>

#include "timing.h"

/* A page table whose PTE addresses follow from the VA like Sv39's do: root page, then one
 * level-1 and one level-0 page. `leaf_level` 1 makes the walk stop at a 2 MiB megapage. */
struct fake_walker {
    unsigned calls;
    unsigned leaf_level;
    bool fault;
};

#define ROOT 0x90000000ULL

static bool walk(void *opaque, uint64_t va, uint64_t satp, uint64_t pte_pa[5], unsigned *n)
{
    struct fake_walker *w = opaque;
    (void)satp;
    w->calls++;
    pte_pa[0] = ROOT + 8 * ((va >> 30) & 511);
    pte_pa[1] = ROOT + 0x1000 + 8 * ((va >> 21) & 511);
    pte_pa[2] = ROOT + 0x2000 + 8 * ((va >> 12) & 511);
    *n = 3 - w->leaf_level;
    return !w->fault;
}

static uint64_t satp_sv39(uint64_t asid)
{
    return 8ULL << 60 | asid << 44 | (ROOT >> 12);
}

static struct timing *model(struct timing_params *p, struct fake_walker *w)
{
    char err[200] = "";
    struct timing *t = timing_create(p, err, sizeof err);
    cr_assert_not_null(t, "timing_create: %s", err);
    timing_set_walker(t, walk, w);
    timing_fetch(t, 0x1000); /* warm fetch line */
    return t;
}

/* The cycles one translated load takes, PA chosen in an always-warm line. */
static uint64_t access(struct timing *t, uint64_t va, uint64_t satp)
{
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x1000);
    timing_dtlb(t, va, satp);
    timing_load(t, 0x8000, 8, 5, 0);
    return timing_cycles(t) - c0;
}

static struct timing_params params(void)
{
    struct timing_params p;
    timing_params_defaults(&p);
    p.mem_latency = 40;
    p.tlb_miss_cycles = 3;
    p.ptw_hit_cycles = 2;
    return p;
}

Test(tlb, untranslated_accesses_cost_nothing)
{
    struct timing_params p = params();
    struct fake_walker w = {0};
    struct timing *t = model(&p, &w);
    access(t, 0x1234, 0); /* warms 0x8000 */
    uint64_t c = access(t, 0x5000, 0);
    cr_assert_eq(c, p.base_cpi);
    cr_assert_eq(w.calls, 0);
    cr_assert_eq(t->dtlb.hits + t->dtlb.misses, 0);
    timing_destroy(t);
}

Test(tlb, miss_walks_through_the_dcache)
{
    struct timing_params p = params();
    struct fake_walker w = {0};
    struct timing *t = model(&p, &w);
    timing_fetch(t, 0x1000);
    timing_load(t, 0x8000, 8, 0, 0); /* warm the data line */
    const uint64_t satp = satp_sv39(1);
    /* Cold: three PTE reads, each a D-cache miss (three different lines). */
    uint64_t cold = access(t, 0x40000000, satp);
    cr_assert_eq(cold, p.base_cpi + p.tlb_miss_cycles + 3 * (p.ptw_hit_cycles + p.mem_latency));
    cr_assert_eq(w.calls, 1);
    cr_assert_eq(access(t, 0x40000ff8, satp), p.base_cpi, "same page: TLB hit");
    /* The neighbouring page: same root and level-1 PTEs, its leaf PTE in the same line. */
    uint64_t warm = access(t, 0x40001000, satp);
    cr_assert_eq(warm, p.base_cpi + p.tlb_miss_cycles + 3 * p.ptw_hit_cycles);
    cr_assert_eq(t->n.page_walks, 2);
    cr_assert_eq(t->n.walk_pte_reads, 6);
    cr_assert_eq(t->n.cycles_page_walk, cold + warm - 2 * p.base_cpi);
    /* The walk left the PTE lines in the D-cache: a load of one is a hit. */
    uint64_t misses = t->dcache.misses;
    timing_fetch(t, 0x1000);
    timing_load(t, ROOT + 0x2000, 8, 6, 0);
    cr_assert_eq(t->dcache.misses, misses);
    timing_destroy(t);
}

Test(tlb, itlb_is_separate_from_dtlb)
{
    struct timing_params p = params();
    struct fake_walker w = {0};
    struct timing *t = model(&p, &w);
    const uint64_t satp = satp_sv39(1);
    access(t, 0x40000000, satp);
    cr_assert_eq(w.calls, 1);
    timing_itlb(t, 0x40000000, satp);
    cr_assert_eq(w.calls, 2, "the ITLB misses on its own");
    timing_itlb(t, 0x40000004, satp);
    cr_assert_eq(w.calls, 2);
    cr_assert_eq(t->itlb.hits, 1);
    cr_assert_eq(t->itlb.misses, 1);
    timing_destroy(t);
}

static unsigned walks_after_switch(bool asid_tlb)
{
    struct timing_params p = params();
    p.asid_tlb = asid_tlb;
    struct fake_walker w = {0};
    struct timing *t = model(&p, &w);
    const uint64_t a = satp_sv39(1), b = satp_sv39(2);
    access(t, 0x40000000, a);
    timing_satp_write(t, a, b);
    access(t, 0x50000000, b);
    timing_satp_write(t, b, a);
    unsigned before = w.calls;
    access(t, 0x40000000, a); /* back in the first address space */
    unsigned walks = w.calls - before;
    cr_assert_eq(t->n.flushes[TIMING_FLUSH_SATP], 2);
    timing_destroy(t);
    return walks;
}

Test(tlb, asid_tags_keep_translations_across_satp_writes)
{
    cr_assert_eq(walks_after_switch(true), 0, "tagged: the old translation is still there");
    cr_assert_eq(walks_after_switch(false), 1, "untagged: the satp write emptied the TLB");
}

Test(tlb, asid_tags_separate_address_spaces)
{
    struct timing_params p = params();
    struct fake_walker w = {0};
    struct timing *t = model(&p, &w);
    access(t, 0x40000000, satp_sv39(1));
    access(t, 0x40000000, satp_sv39(2));
    cr_assert_eq(w.calls, 2, "same VA, other ASID: its own walk");
    timing_destroy(t);
}

Test(tlb, sfence_by_address_and_by_asid)
{
    struct timing_params p = params();
    struct fake_walker w = {0};
    struct timing *t = model(&p, &w);
    const uint64_t a = satp_sv39(1), b = satp_sv39(2);
    access(t, 0x40000000, a);
    access(t, 0x40001000, a);
    access(t, 0x40000000, b);
    cr_assert_eq(w.calls, 3);
    timing_sfence(t, false, 0x40000000, false, 1); /* one page of ASID 1 */
    access(t, 0x40001000, a);
    access(t, 0x40000000, b);
    cr_assert_eq(w.calls, 3, "other page and other ASID survive");
    access(t, 0x40000000, a);
    cr_assert_eq(w.calls, 4);
    timing_sfence(t, true, 0, false, 2); /* all of ASID 2 */
    access(t, 0x40000000, a);
    cr_assert_eq(w.calls, 4);
    access(t, 0x40000000, b);
    cr_assert_eq(w.calls, 5);
    timing_sfence(t, true, 0, true, 0); /* everything */
    access(t, 0x40001000, a);
    cr_assert_eq(w.calls, 6);
    cr_assert_eq(t->n.flushes[TIMING_FLUSH_SFENCE], 3);
    timing_destroy(t);
}

Test(tlb, superpage_covers_its_whole_range)
{
    struct timing_params p = params();
    struct fake_walker w = {.leaf_level = 1};
    struct timing *t = model(&p, &w);
    const uint64_t satp = satp_sv39(1);
    access(t, 0x40000000, satp);
    cr_assert_eq(t->n.walk_pte_reads, 2);
    access(t, 0x401ff000, satp); /* other 4 KiB page of the same 2 MiB page */
    access(t, 0x40123000, satp);
    cr_assert_eq(w.calls, 1);
    access(t, 0x40200000, satp); /* the next megapage */
    cr_assert_eq(w.calls, 2);
    timing_sfence(t, false, 0x40100000, true, 0); /* an address inside the first one */
    access(t, 0x40000000, satp);
    cr_assert_eq(w.calls, 3);
    timing_destroy(t);
}

Test(tlb, faulting_walk_fills_nothing)
{
    struct timing_params p = params();
    struct fake_walker w = {.fault = true};
    struct timing *t = model(&p, &w);
    const uint64_t satp = satp_sv39(1);
    access(t, 0x40000000, satp);
    access(t, 0x40000000, satp);
    cr_assert_eq(w.calls, 2);
    cr_assert_eq(t->n.walk_faults, 2);
    timing_destroy(t);
}

Test(tlb, lru_replacement)
{
    struct timing_params p = params();
    p.dtlb_ways = 2;
    p.dtlb_superpages = 0;
    struct fake_walker w = {0};
    struct timing *t = model(&p, &w);
    const uint64_t satp = satp_sv39(1);
    access(t, 0x10000, satp); /* A */
    access(t, 0x20000, satp); /* B */
    access(t, 0x10000, satp); /* A again: B is LRU */
    access(t, 0x30000, satp); /* C evicts B */
    cr_assert_eq(w.calls, 3);
    access(t, 0x10000, satp);
    cr_assert_eq(w.calls, 3, "A survived");
    access(t, 0x20000, satp);
    cr_assert_eq(w.calls, 4, "B was evicted");
    timing_destroy(t);
}

static bool no_walk(void *opaque, uint64_t va, uint64_t satp, uint64_t pte_pa[5], unsigned *n)
{
    (void)opaque, (void)va, (void)satp, (void)pte_pa;
    *n = 0;
    return false;
}

Test(tlb, walker_reporting_no_walk_costs_nothing)
{
    /* The CPU says the address is not page-translated (the relay segment): no charge. */
    struct timing_params p = params();
    struct fake_walker w = {0};
    struct timing *t = model(&p, &w);
    timing_set_walker(t, no_walk, NULL);
    access(t, 0x1234, 0); /* warm the data line */
    cr_assert_eq(access(t, 0x40000000, satp_sv39(1)), p.base_cpi);
    cr_assert_eq(t->n.page_walks, 0);
    cr_assert_eq(t->dtlb.misses, 0);
    timing_destroy(t);
}

/* Many pages over a small fully associative TLB, and over a 2-set one: every lookup must agree
 * with a plain LRU list per set (the lookup hints must never change an outcome). */
static void check_against_lru(uint64_t sets, uint64_t ways)
{
    struct timing_params p = params();
    p.dtlb_sets = sets;
    p.dtlb_ways = ways;
    p.dtlb_superpages = 0;
    struct fake_walker w = {0};
    struct timing *t = model(&p, &w);
    uint64_t lru[2][8] = {{0}};
    unsigned used[2] = {0, 0}, wrong = 0;
    uint64_t x = 3;
    for (unsigned i = 0; i < 4000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t vpn = (x >> 33) % 13 + 0x100 * ((x >> 50) & 1);
        unsigned set = (unsigned)(vpn & (sets - 1));
        uint64_t *l = lru[set];
        unsigned pos = used[set];
        for (unsigned k = 0; k < used[set]; k++)
            if (l[k] == vpn)
                pos = k;
        bool expect_hit = pos < used[set];
        if (!expect_hit && used[set] < ways)
            pos = used[set]++;
        else if (!expect_hit)
            pos = 0; /* evict the least recently used */
        for (unsigned k = pos; k + 1 < used[set]; k++)
            l[k] = l[k + 1];
        l[used[set] - 1] = vpn;
        unsigned before = w.calls;
        timing_dtlb(t, vpn << 12, satp_sv39(1));
        if ((w.calls == before) != expect_hit)
            wrong++;
    }
    cr_assert_eq(wrong, 0, "%u of 4000 lookups disagree (sets %llu, ways %llu)", wrong,
                 (unsigned long long)sets, (unsigned long long)ways);
    timing_destroy(t);
}

Test(tlb, lookups_agree_with_a_reference_lru)
{
    check_against_lru(1, 8);
    check_against_lru(2, 4);
    check_against_lru(1, 3);
}
