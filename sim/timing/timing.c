/* The per-instruction charging that is not inline in timing.h: creation, TLB misses and page
 * walks, branches and jumps, pipeline flushes, and the XPC engine's costs. */
#include <stdlib.h>
#include <string.h>

#include "timing.h"

static void error(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

struct timing *timing_create(const struct timing_params *p, char *err, size_t errlen)
{
    if (timing_params_check(p, err, errlen) < 0)
        return NULL;
    struct timing *t = calloc(1, sizeof *t);
    if (!t) {
        error(err, errlen, "cycle model: out of memory");
        return NULL;
    }
    t->p = *p;
    bool ok = cache_init(&t->icache, p->icache_sets, (unsigned)p->icache_ways, p->icache_line) &&
              cache_init(&t->dcache, p->dcache_sets, (unsigned)p->dcache_ways, p->dcache_line) &&
              tlb_model_init(&t->itlb, p->itlb_sets, p->itlb_ways, p->itlb_superpages) &&
              tlb_model_init(&t->dtlb, p->dtlb_sets, p->dtlb_ways, p->dtlb_superpages) &&
              bpred_init(&t->bp, p);
    if (!ok) {
        timing_destroy(t);
        error(err, errlen, "cycle model: out of memory");
        return NULL;
    }
    t->icache_line_shift = t->icache.line_shift;
    t->last_fetch_line = CACHE_EMPTY;
    return t;
}

void timing_destroy(struct timing *t)
{
    if (!t)
        return;
    cache_free(&t->icache);
    cache_free(&t->dcache);
    tlb_model_free(&t->itlb);
    tlb_model_free(&t->dtlb);
    bpred_free(&t->bp);
    timing_phases_free(t->phases);
    free(t);
}

void timing_set_walker(struct timing *t, timing_walk_fn walk, void *opaque)
{
    t->walk = walk;
    t->walk_opaque = opaque;
}

static unsigned satp_levels(uint64_t satp)
{
    switch (satp >> 60) {
    case 9: return 4;  /* Sv48 */
    case 10: return 5; /* Sv57 */
    default: return 3; /* Sv39 */
    }
}

/* Rocket's page-table walker reads PTEs through the D-cache, so a walk both costs D-cache
 * latency and changes what the D-cache holds. */
void timing_tlb_miss(struct timing *t, struct tlb_model *tlb, uint64_t key, uint64_t va,
                     uint64_t satp, bool fetch)
{
    (void)fetch;
    uint64_t asid = key >> TLB_ASID_SHIFT;
    if (tlb_model_lookup(tlb, key, va, asid))
        return;
    unsigned levels = satp_levels(satp);
    uint64_t pte_pa[5] = {0};
    unsigned n = levels;
    bool found = true;
    if (t->walk) {
        n = 0;
        found = t->walk(t->walk_opaque, va, satp, pte_pa, &n);
        if (n == 0) {
            /* Not translated by the page table after all (bare, or the relay segment):
             * there is nothing to walk and nothing to cache. */
            tlb->misses--;
            return;
        }
        if (n > 5)
            n = 5;
    }
    uint64_t cost = t->p.tlb_miss_cycles;
    for (unsigned i = 0; i < n; i++) {
        cost += t->p.ptw_hit_cycles;
        if (!t->walk)
            continue; /* no addresses: assume the PTEs hit */
        enum cache_result r = cache_access(&t->dcache, pte_pa[i], false);
        if (r != CACHE_HIT)
            cost += t->p.mem_latency + (r == CACHE_MISS_WRITEBACK ? t->p.writeback_cycles : 0);
    }
    t->n.page_walks++;
    t->n.walk_pte_reads += n;
    t->n.cycles_page_walk += cost;
    t->cycle += cost;
    if (!found || n == 0 || n > levels) {
        t->n.walk_faults++;
        tlb->last_key = CACHE_EMPTY;
        return;
    }
    tlb_model_fill(tlb, va, asid, 12 + 9 * (levels - n));
}

static void charge_mispredict(struct timing *t)
{
    t->cycle += t->p.mispredict_penalty;
    t->n.cycles_mispredict += t->p.mispredict_penalty;
}

void timing_branch(struct timing *t, uint64_t pc, unsigned rs1, unsigned rs2, bool taken,
                   uint64_t target)
{
    timing_wait(t, rs1, rs2);
    t->n.branches++;
    if (bpred_branch(&t->bp, pc, taken, target)) {
        t->n.branch_mispredicts++;
        charge_mispredict(t);
    }
}

void timing_jump(struct timing *t, uint64_t pc, uint64_t target, uint64_t link_pc, unsigned rd,
                 unsigned rs1, unsigned flags)
{
    timing_wait(t, rs1, 0);
    timing_write_reg(t, rd, timing_issue(t) + t->p.alu_latency, PRODUCER_ALU);
    t->n.jumps++;
    if (bpred_jump(&t->bp, pc, target, link_pc, flags)) {
        t->n.jump_mispredicts++;
        charge_mispredict(t);
    }
}

void timing_flush(struct timing *t, enum timing_flush_reason reason)
{
    if ((unsigned)reason >= TIMING_FLUSH_COUNT)
        reason = TIMING_FLUSH_CSR;
    if (reason == TIMING_FLUSH_TRAP && t->phases)
        timing_phase_trap(t);
    t->cycle += t->p.flush_cycles;
    t->n.cycles_flush += t->p.flush_cycles;
    t->n.flushes[reason]++;
    if (reason == TIMING_FLUSH_FENCE_I) {
        /* Rocket's fence.i invalidates the whole instruction cache. */
        cache_invalidate_all(&t->icache);
        t->last_fetch_line = CACHE_EMPTY;
    }
}

static void flush_tlbs(struct timing *t)
{
    tlb_model_flush(&t->itlb);
    tlb_model_flush(&t->dtlb);
    t->n.tlb_flushes++;
}

void timing_sfence(struct timing *t, bool all_va, uint64_t va, bool all_asid, uint64_t asid)
{
    if (!t->p.asid_tlb)
        all_asid = true; /* entries carry no ASID to select by */
    tlb_model_sfence(&t->itlb, all_va, va, all_asid, asid & 0xffff);
    tlb_model_sfence(&t->dtlb, all_va, va, all_asid, asid & 0xffff);
    if (all_va && all_asid)
        t->n.tlb_flushes++;
    timing_flush(t, TIMING_FLUSH_SFENCE);
}

void timing_satp_write(struct timing *t, uint64_t old_satp, uint64_t new_satp)
{
    timing_flush(t, TIMING_FLUSH_SATP);
    if (!t->p.asid_tlb && old_satp != new_satp)
        flush_tlbs(t);
}

/* ---- XPC engine ---- */

/* The engine's own accesses go through the D-cache, a word at a time; `charge` says whether the
 * instruction waits for them (a background write does not, but still fills the cache). */
static uint64_t engine_words(struct timing *t, uint64_t pa, unsigned words, bool write, bool charge)
{
    uint64_t cost = 0;
    for (unsigned i = 0; i < words; i++) {
        enum cache_result r = cache_access(&t->dcache, pa + 8 * i, write);
        cost += t->p.xpc_word_cycles;
        if (r != CACHE_HIT)
            cost += t->p.mem_latency + (r == CACHE_MISS_WRITEBACK ? t->p.writeback_cycles : 0);
    }
    return charge ? cost : 0;
}

static void link_buffer_push(struct timing *t, uint64_t pa)
{
    unsigned cap = (unsigned)t->p.link_buffer_entries;
    if (cap == 0)
        return;
    if (t->link_buffer_count == cap) {
        memmove(t->link_buffer, t->link_buffer + 1, (cap - 1) * sizeof t->link_buffer[0]);
        t->link_buffer_count--;
    }
    t->link_buffer[t->link_buffer_count++] = pa;
}

/* xret pops the youngest record; anything else (another thread's stack) empties the buffer. */
static bool link_buffer_pop(struct timing *t, uint64_t pa)
{
    if (t->link_buffer_count && t->link_buffer[t->link_buffer_count - 1] == pa) {
        t->link_buffer_count--;
        return true;
    }
    t->link_buffer_count = 0;
    return false;
}

static void switch_address_space(struct timing *t, uint64_t old_satp, uint64_t new_satp)
{
    /* With ASID tags both address spaces stay cached; without, the callee refills. */
    if (!t->p.asid_tlb && old_satp != new_satp)
        flush_tlbs(t);
}

void timing_xpc(struct timing *t, const struct timing_xpc_event *ev)
{
    uint64_t cost = 0;
    struct timing_xpc_split *split = &t->n.xpc_split;
    switch (ev->op) {
    case TIMING_XPC_XCALL: {
        timing_wait(t, ev->rs1, 0);
        t->n.xcalls++;
        if (t->p.engine_cache && ev->engine_cache_hit) {
            t->n.engine_cache_hits++;
        } else {
            t->n.engine_cache_misses++;
            uint64_t entry = engine_words(t, ev->entry_pa, TIMING_XENTRY_WORDS, false, true);
            uint64_t cap = engine_words(t, ev->cap_pa, 1, false, true);
            split->xcall_entry += entry;
            split->xcall_cap += cap;
            cost += entry + cap;
        }
        bool background = t->p.nonblocking_link && ev->link_nonblocking;
        if (!background)
            t->n.link_blocking++;
        uint64_t link = engine_words(t, ev->link_pa, TIMING_LINK_WORDS, true, !background);
        split->xcall_link += link;
        if (background)
            link_buffer_push(t, ev->link_pa);
        switch_address_space(t, ev->old_satp, ev->new_satp);
        split->xcall_switch += t->p.xpc_redirect_cycles;
        split->xcall_engine += t->p.xcall_cycles;
        cost += link + t->p.xcall_cycles + t->p.xpc_redirect_cycles;
        break;
    }
    case TIMING_XPC_XRET: {
        t->n.xrets++;
        uint64_t link = 0;
        if (link_buffer_pop(t, ev->link_pa))
            t->n.link_buffer_hits++;
        else
            link = engine_words(t, ev->link_pa, TIMING_LINK_WORDS, false, true);
        switch_address_space(t, ev->old_satp, ev->new_satp);
        split->xret_link += link;
        split->xret_switch += t->p.xpc_redirect_cycles;
        split->xret_engine += t->p.xret_cycles;
        cost += link + t->p.xret_cycles + t->p.xpc_redirect_cycles;
        break;
    }
    case TIMING_XPC_SWAPSEG:
        timing_wait(t, ev->rs1, 0);
        t->n.swapsegs++;
        cost += engine_words(t, ev->seg_pa, TIMING_SEG_WORDS, false, true);
        cost += engine_words(t, ev->seg_pa, TIMING_SEG_WORDS, true, true);
        cost += t->p.swapseg_cycles;
        break;
    case TIMING_XPC_PREFETCH:
        /* Fills the engine cache in the background: the D-cache sees the reads, nobody waits. */
        timing_wait(t, ev->rs1, 0);
        t->n.xcall_prefetches++;
        if (t->p.engine_cache) {
            engine_words(t, ev->entry_pa, TIMING_XENTRY_WORDS, false, false);
            engine_words(t, ev->cap_pa, 1, false, false);
        }
        break;
    }
    t->cycle += cost;
    t->n.cycles_xpc += cost;
}
