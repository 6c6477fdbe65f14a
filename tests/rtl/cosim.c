/* Co-simulation of the RTL engine (rtl/, Verilated) against the C engine (sim/xpc) and the cycle
 * model (sim/timing): the same random stream of instructions, CSR accesses, memory writes and
 * segment translations goes to both, and after every operation the harness compares the
 * outcome (cause and tval, the new pc and satp), all XPC CSRs, every word of memory, and for each
 * successful instruction the cycle the RTL retires it against the cycles the model charges.
 *
 * Memory is 16 KiB at physical address 0, the size of the model's D-cache, warmed before the
 * run, so every engine word is a D-cache hit (xpc_word_cycles) on both sides; addresses above
 * it are bus errors (access faults). Usage: cosim [--ops N] [--seed S] [--verbose]. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtl_model.h"
#include "timing.h"
#include "xpc/engine.h"

#define MEM_BYTES  0x4000u
#define MEM_WORDS  (MEM_BYTES / 8)
#define XTBL       0x0000u /* 64 x-entries */
#define XENTRIES   64u
#define CAPS       0x0800u /* cap bitmaps, one word each */
#define NCAPS      8u
#define SEGLISTS   0x0A00u /* seg-lists: 4 of 8 entries */
#define LINK_BASE  0x1000u
#define LINK_LIMIT 0x3800u
#define MAX_CYCLES 1000u

struct sides {
    struct xpc_engine c;
    struct timing *t;
    uint64_t cmem[MEM_WORDS], rmem[MEM_WORDS];
    struct rtl_model *r;
    struct rtl_pins p;
    uint64_t rng;
    unsigned long mismatches, ops, checks;
    unsigned long insns, successes, cycle_checks;
    bool verbose;
};

static uint64_t rnd(struct sides *s)
{ /* xorshift64* */
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return s->rng * 0x2545F4914F6CDD1DULL;
}
static unsigned below(struct sides *s, unsigned n)
{
    return (unsigned)(rnd(s) % n);
}
static bool chance(struct sides *s, unsigned percent)
{
    return below(s, 100) < percent;
}

static bool mismatch(struct sides *s, const char *what, uint64_t c, uint64_t r)
{
    s->checks++;
    if (c == r)
        return false;
    s->mismatches++;
    if (s->mismatches <= 10)
        fprintf(stderr, "cosim: op %lu: %s: C %#" PRIx64 ", RTL %#" PRIx64 "\n", s->ops, what, c,
                r);
    return true;
}

/* ---- the C side's memory */
static bool c_load(void *opaque, uint64_t pa, uint64_t *v)
{
    struct sides *s = opaque;
    if (pa >= MEM_BYTES || (pa & 7))
        return false;
    *v = s->cmem[pa / 8];
    return true;
}
static bool c_store(void *opaque, uint64_t pa, uint64_t v)
{
    struct sides *s = opaque;
    if (pa >= MEM_BYTES || (pa & 7))
        return false;
    s->cmem[pa / 8] = v;
    return true;
}

/* ---- the RTL side: memory and PMA answer what the engine asks for this cycle */
static void serve(struct sides *s)
{
    struct rtl_pins *p = &s->p;
    rtl_model_eval(s->r, p);
    p->mem_ack = p->mem_req;
    p->mem_err = p->mem_req && (p->mem_addr >= MEM_BYTES || (p->mem_addr & 7));
    p->mem_rdata = 0;
    if (p->mem_req && !p->mem_err) {
        if (p->mem_we)
            s->rmem[p->mem_addr / 8] = p->mem_wdata;
        else
            p->mem_rdata = s->rmem[p->mem_addr / 8];
    }
    p->pma_ok = true;
    p->pma_bad_addr = 0;
    for (unsigned i = 0; i < p->pma_words; i++) {
        uint64_t a = p->pma_base + 8 * i;
        if (a >= MEM_BYTES || (a & 7)) {
            p->pma_ok = false;
            p->pma_bad_addr = a;
            break;
        }
    }
    rtl_model_eval(s->r, p);
}

static void tick(struct sides *s)
{
    serve(s);
    rtl_model_tick(s->r, &s->p);
    s->p.mem_ack = false; /* a write happens once */
}

/* ---- operations */
static void csr_access(struct sides *s, unsigned num, unsigned priv, bool write, uint64_t val)
{
    uint64_t cval = 0;
    enum xpc_csr_result cr =
        write ? xpc_csr_write(&s->c, num, priv, val) : xpc_csr_read(&s->c, num, priv, &cval);
    struct rtl_pins *p = &s->p;
    p->csr_valid = true;
    p->csr_write = write;
    p->csr_num = num;
    p->csr_priv = priv;
    p->csr_wdata = val;
    serve(s);
    unsigned rr = !p->csr_mine ? XPC_CSR_NOT_MINE : p->csr_illegal ? XPC_CSR_ILLEGAL : XPC_CSR_OK;
    uint64_t rval = p->csr_rdata;
    tick(s);
    p->csr_valid = false;
    p->csr_write = false;
    mismatch(s, "csr result", cr, rr);
    if (!write && cr == XPC_CSR_OK)
        mismatch(s, "csr read value", cval, rval);
}

static void warm_dcache(struct sides *s)
{
    for (uint64_t pa = 0; pa < MEM_BYTES; pa += 64)
        timing_dcache(s->t, pa, false);
}

/* What the CPU's glue (sim/xpc_glue.c) tells the cycle model about a successful instruction. */
static uint64_t model_cycles(struct sides *s, const struct xpc_cost *cost, uint64_t old_satp,
                             uint64_t new_satp)
{
    struct timing_xpc_event ev = {
        .op = cost->is_prefetch                  ? TIMING_XPC_PREFETCH
              : cost->kind == XPC_FUNCT7_XRET    ? TIMING_XPC_XRET
              : cost->kind == XPC_FUNCT7_SWAPSEG ? TIMING_XPC_SWAPSEG
                                                 : TIMING_XPC_XCALL,
        .rs1 = 0,
        .engine_cache_hit = cost->cache_lookup && cost->entry_hit && cost->cap_hit,
        .entry_pa = cost->entry_pa,
        .cap_pa = cost->cap_pa,
        .link_pa = cost->link_pa,
        .link_nonblocking = cost->link_nonblocking,
        .seg_pa = cost->seg_pa,
        .old_satp = old_satp,
        .new_satp = new_satp,
    };
    uint64_t before = timing_cycles(s->t);
    timing_xpc(s->t, &ev);
    uint64_t spent = timing_cycles(s->t) - before;
    /* A prefetch whose read faulted still shows the model its address, outside memory. */
    if (cost->is_prefetch && (cost->cap_pa >= MEM_BYTES || cost->entry_pa >= MEM_BYTES))
        warm_dcache(s);
    return spent;
}

static void instruction(struct sides *s, uint32_t insn, uint64_t rs1)
{
    s->insns++;
    uint64_t pc = 0x80000000ULL + 4 * (rnd(s) & 0xFFFF), satp = rnd(s) >> 4;
    struct xpc_hart h = {.pc = pc, .next_pc = pc + 4, .satp = satp};
    struct xpc_mem mem = {.opaque = s, .load64 = c_load, .store64 = c_store};
    struct xpc_cost cost;
    uint64_t ctval = 0;
    unsigned ccause = xpc_engine_execute(&s->c, insn, rs1, &h, &mem, &ctval, &cost);
    uint64_t expect_cycles = ccause ? 0 : model_cycles(s, &cost, h.satp, h.new_satp);

    struct rtl_pins *p = &s->p;
    p->insn_valid = true;
    p->insn = insn;
    p->rs1_value = rs1;
    p->pc_next = pc + 4;
    p->satp = satp;
    tick(s); /* cycle 0: the engine takes the instruction */
    p->insn_valid = false;
    unsigned cycle = 0;
    while (!p->done && cycle < MAX_CYCLES) {
        tick(s);
        cycle++;
    }
    if (mismatch(s, "instruction retired", 1, p->done))
        return;
    mismatch(s, "cause", ccause, p->cause);
    mismatch(s, "tval", ctval, p->tval);
    if (ccause == 0) {
        s->successes++;
        s->cycle_checks++;
        mismatch(s, "new pc", h.new_pc, p->new_pc);
        mismatch(s, "new satp", h.new_satp, p->new_satp);
        mismatch(s, "satp changed", h.satp_changed, p->satp_changed);
        mismatch(s, "retire cycle vs model", expect_cycles, cycle);
    }
    /* A prefetch keeps the engine busy after it retires. */
    for (unsigned n = 0; p->busy && n < MAX_CYCLES; n++)
        tick(s);
    mismatch(s, "engine idle", 0, p->busy);
}

static void translate(struct sides *s)
{
    uint64_t va = s->c.csr.xsegva, len = s->c.csr.xseglen & XPC_SEG_LEN_MASK;
    switch (below(s, 4)) {
    case 0: va += rnd(s) % (len + 16); break;
    case 1: va -= below(s, 16); break;
    case 2: va += len - below(s, 16); break;
    default: va = rnd(s); break;
    }
    unsigned size = 1u << below(s, 4);
    bool store = chance(s, 50), cfault = false;
    uint64_t cpa = 0;
    bool chit = xpc_seg_translate(&s->c, va, size, store, &cpa, &cfault);
    struct rtl_pins *p = &s->p;
    p->d_va = va;
    p->d_size = size;
    p->d_store = store;
    rtl_model_eval(s->r, p);
    mismatch(s, "segment hit", chit, p->d_hit);
    if (chit) {
        mismatch(s, "segment fault", cfault, p->d_fault);
        if (!cfault)
            mismatch(s, "segment pa", cpa, p->d_pa);
    }
}

static void compare_state(struct sides *s)
{
    static const unsigned nums[] = {
        XPC_CSR_XTBL,     XPC_CSR_XTBLSZ,     XPC_CSR_XCAP,     XPC_CSR_XLINK,  XPC_CSR_XLINKLIM,
        XPC_CSR_XSEGLIST, XPC_CSR_XSEGLISTSZ, XPC_CSR_XCTL,     XPC_CSR_XSEGVA, XPC_CSR_XSEGPA,
        XPC_CSR_XSEGLEN,  XPC_CSR_XSEGMASK,   XPC_CSR_SXCALLER,
    };
    static const char *names[] = {"xtbl",     "xtblsz",     "xcap",   "xlink",  "xlinklim",
                                  "xseglist", "xseglistsz", "xctl",   "xsegva", "xsegpa",
                                  "xseglen",  "xsegmask",   "xcaller"};
    struct rtl_pins *p = &s->p;
    for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        uint64_t cv = 0;
        xpc_csr_read(&s->c, nums[i], 3, &cv);
        p->csr_num = nums[i];
        p->csr_priv = 3;
        rtl_model_eval(s->r, p);
        mismatch(s, names[i], cv, p->csr_rdata);
    }
    for (unsigned i = 0; i < MEM_WORDS; i++)
        if (s->cmem[i] != s->rmem[i]) {
            char what[64];
            snprintf(what, sizeof what, "memory word %#x", 8 * i);
            mismatch(s, what, s->cmem[i], s->rmem[i]);
            break;
        }
    s->checks++;
}

/* ---- the random stream: mostly well-formed structures, with every kind of error mixed in */
static uint64_t any_cap(struct sides *s)
{
    return CAPS + 8 * below(s, NCAPS);
}
static uint64_t any_seglist(struct sides *s)
{
    return SEGLISTS + 8 * 24 * below(s, 4);
}

static uint64_t segment_len(struct sides *s)
{
    uint64_t perm = (uint64_t)below(s, 4) << 62;
    return chance(s, 10) ? 0 : ((rnd(s) & 0xFFFF) | perm);
}

static void mem_write(struct sides *s, uint64_t pa, uint64_t v)
{
    s->cmem[pa / 8] = s->rmem[pa / 8] = v;
}

static void write_xentry(struct sides *s, unsigned id)
{
    uint64_t base = XTBL + 32 * id;
    mem_write(s, base + XPC_XENTRY_PC, rnd(s));
    mem_write(s, base + XPC_XENTRY_SATP, chance(s, 30) ? 0x8000000000000005ULL : rnd(s));
    mem_write(s, base + XPC_XENTRY_XCAP, any_cap(s) | below(s, 8));
    uint64_t seg = XPC_XENTRY_SEGLIST_WORD(any_seglist(s), below(s, 10));
    mem_write(s, base + XPC_XENTRY_SEGLIST, chance(s, 90) ? seg : seg & ~XPC_XENTRY_VALID);
}

static void write_segent(struct sides *s, uint64_t pa)
{
    mem_write(s, pa + XPC_SEGENT_VA, 0x40000000ULL + (rnd(s) & 0xFFFFF));
    mem_write(s, pa + XPC_SEGENT_PA, 0x90000000ULL + (rnd(s) & 0xFFFFF));
    mem_write(s, pa + XPC_SEGENT_LEN, segment_len(s));
}

static void init_memory(struct sides *s)
{
    for (unsigned i = 0; i < MEM_WORDS; i++)
        mem_write(s, 8 * i, rnd(s));
    for (unsigned id = 0; id < XENTRIES; id++)
        write_xentry(s, id);
    for (unsigned i = 0; i < NCAPS; i++)
        mem_write(s, CAPS + 8 * i, rnd(s) | rnd(s)); /* mostly allowed */
    for (unsigned i = 0; i < 4 * 8; i++)
        write_segent(s, SEGLISTS + 24 * i);
}

static const unsigned csr_numbers[] = {
    XPC_CSR_XTBL,       XPC_CSR_XTBLSZ,
    XPC_CSR_XCAP,       XPC_CSR_XLINK,
    XPC_CSR_XLINKLIM,   XPC_CSR_XSEGLIST,
    XPC_CSR_XSEGLISTSZ, XPC_CSR_XCTL,
    XPC_CSR_XSEGVA,     XPC_CSR_XSEGPA,
    XPC_CSR_XSEGLEN,    XPC_CSR_SXCALLER,
    XPC_CSR_XSEGMASK,   XPC_CSR_XCALLER,
    XPC_CSR_USEGVA,     XPC_CSR_USEGPA,
    XPC_CSR_USEGLEN,    0x5CC,
    0x180 /* satp */,   0xCC1,
};

/* A value a kernel might write to CSR `num`, or now and then anything at all. */
static uint64_t csr_value(struct sides *s, unsigned num)
{
    if (chance(s, 8))
        return rnd(s);
    switch (num) {
    case XPC_CSR_XTBL: return chance(s, 90) ? XTBL : 0x20 * below(s, 1024);
    case XPC_CSR_XTBLSZ: return below(s, XENTRIES + 2);
    case XPC_CSR_XCAP: return any_cap(s);
    case XPC_CSR_XLINK:
        return chance(s, 10) ? MEM_BYTES - 8 * below(s, 20) : LINK_BASE + 8 * below(s, 0x400);
    case XPC_CSR_XLINKLIM: return chance(s, 10) ? MEM_BYTES + 0x100 : LINK_LIMIT;
    case XPC_CSR_XSEGLIST: return chance(s, 5) ? MEM_BYTES - 16 : any_seglist(s);
    case XPC_CSR_XSEGLISTSZ: return below(s, 10);
    case XPC_CSR_XCTL:
        return XPC_XCTL_ENABLE * chance(s, 95) | XPC_XCTL_NONBLOCK_LINK * chance(s, 70) |
               XPC_XCTL_FLUSH * chance(s, 10);
    case XPC_CSR_XSEGVA: return 0x40000000ULL + (rnd(s) & 0xFFFFF);
    case XPC_CSR_XSEGPA: return 0x90000000ULL + (rnd(s) & 0xFFFFF);
    case XPC_CSR_XSEGLEN: return segment_len(s);
    case XPC_CSR_XSEGMASK: {
        uint64_t len = s->c.csr.xseglen & XPC_SEG_LEN_MASK;
        uint64_t off = len ? rnd(s) % (len + 2) : below(s, 4);
        return XPC_SEGMASK(off, below(s, (unsigned)(len - (off > len ? len : off)) + 2));
    }
    default: return rnd(s) & ~7ULL;
    }
}

static void step(struct sides *s)
{
    unsigned r = below(s, 100);
    if (r < 34) {                                   /* xcall, now and then beyond the table */
        uint64_t id = chance(s, 60)   ? below(s, 8) /* a few hot servers */
                      : chance(s, 80) ? below(s, (unsigned)s->c.csr.xtblsz + 1)
                                      : rnd(s) >> 1;
        if (chance(s, 15)) /* a segment mask for this call */
            csr_access(s, XPC_CSR_XSEGMASK, 0, true, csr_value(s, XPC_CSR_XSEGMASK));
        instruction(s, XPC_ENCODE_XCALL(10), id);
    } else if (r < 58) {
        instruction(s, XPC_ENCODE_XRET, 0);
    } else if (r < 64) {
        instruction(s, XPC_ENCODE_SWAPSEG(11), below(s, (unsigned)s->c.csr.xseglistsz + 2));
    } else if (r < 70) { /* prefetch */
        instruction(s, XPC_ENCODE_XCALL(12), ~(uint64_t)below(s, chance(s, 50) ? 8 : XENTRIES + 2));
    } else if (r < 72) { /* reserved fields, unknown funct7 or funct3, not custom-0 */
        uint32_t insn = XPC_ENCODE(below(s, 4), below(s, 32));
        insn ^= (uint32_t)1 << below(s, 32);
        instruction(s, insn, rnd(s));
    } else if (r < 84) {
        unsigned num = csr_numbers[below(s, sizeof csr_numbers / sizeof csr_numbers[0])];
        unsigned priv = (unsigned[]){0, 1, 3, 3}[below(s, 4)];
        bool write = chance(s, 70);
        csr_access(s, num, priv, write, write ? csr_value(s, num) : 0);
    } else if (r < 92) { /* software rewrites engine structures (without flushing, sometimes) */
        switch (below(s, 4)) {
        case 0: write_xentry(s, below(s, XENTRIES)); break;
        case 1: mem_write(s, CAPS + 8 * below(s, NCAPS), rnd(s) | rnd(s)); break;
        case 2: write_segent(s, SEGLISTS + 24 * below(s, 32)); break;
        default: mem_write(s, 8 * below(s, MEM_WORDS), rnd(s)); break;
        }
    } else if (r < 96) { /* a thread switch: a fresh link stack and identity */
        csr_access(s, XPC_CSR_XLINK, 1, true, csr_value(s, XPC_CSR_XLINK));
        csr_access(s, XPC_CSR_XCAP, 1, true, any_cap(s));
    } else {
        csr_access(s, XPC_CSR_XCTL, 1, true, csr_value(s, XPC_CSR_XCTL));
    }
    translate(s);
    compare_state(s);
}

static void setup(struct sides *s)
{
    struct rtl_pins *p = &s->p;
    p->rst = true;
    tick(s);
    tick(s);
    p->rst = false;
    init_memory(s);
    csr_access(s, XPC_CSR_XTBL, 1, true, XTBL);
    csr_access(s, XPC_CSR_XTBLSZ, 1, true, XENTRIES);
    csr_access(s, XPC_CSR_XCAP, 1, true, CAPS);
    csr_access(s, XPC_CSR_XLINK, 1, true, LINK_BASE);
    csr_access(s, XPC_CSR_XLINKLIM, 1, true, LINK_LIMIT);
    csr_access(s, XPC_CSR_XSEGLIST, 1, true, SEGLISTS);
    csr_access(s, XPC_CSR_XSEGLISTSZ, 1, true, 8);
    csr_access(s, XPC_CSR_XCTL, 1, true, XPC_XCTL_ENABLE | XPC_XCTL_NONBLOCK_LINK);
}

static int usage(const char *argv0, int status)
{
    fprintf(status ? stderr : stdout,
            "usage: %s [--ops N] [--seed S] [--verbose]\n"
            "Co-simulates the RTL XPC engine (this build: %u cache entries) against sim/xpc and\n"
            "the cycle model on a random stream of N operations (default 100000) from seed S.\n"
            "Prints \"N passed, N failed\" (operations) and exits 1 on any mismatch.\n",
            argv0, rtl_model_cache_entries());
    return status;
}

int main(int argc, char **argv)
{
    unsigned long nops = 100000;
    uint64_t seed = 1;
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        if (!strcmp(argv[i], "--ops") && i + 1 < argc)
            nops = strtoul(argv[++i], &end, 0);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], &end, 0);
        else if (!strcmp(argv[i], "--verbose"))
            verbose = true;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage(argv[0], 0);
        else
            return usage(argv[0], 2);
        if (end && *end) {
            fprintf(stderr, "cosim: not a number: %s\n", argv[i]);
            return 2;
        }
    }
    static struct sides s;
    s.verbose = verbose;
    s.rng = seed * 0x9E3779B97F4A7C15ULL + 1;
    struct xpc_config cfg = {.cache_entries = rtl_model_cache_entries(),
                             .cache_enabled = true,
                             .nonblocking_link = true};
    const char *err = xpc_engine_init(&s.c, &cfg);
    if (err) {
        fprintf(stderr, "cosim: %s\n", err);
        return 2;
    }
    struct timing_params tp;
    timing_params_defaults(&tp);
    char terr[200];
    s.t = timing_create(&tp, terr, sizeof terr);
    if (!s.t) {
        fprintf(stderr, "cosim: %s\n", terr);
        return 2;
    }
    s.r = rtl_model_new();
    warm_dcache(&s);
    setup(&s);
    unsigned long failed = 0;
    for (s.ops = 0; s.ops < nops; s.ops++) {
        unsigned long before = s.mismatches;
        step(&s);
        if (s.mismatches != before)
            failed++;
    }
    printf("cosim: cache %u entries, seed %" PRIu64 ": %lu operations, %lu instructions (%lu "
           "retired, cycles compared), %lu comparisons, %lu mismatches\n",
           rtl_model_cache_entries(), seed, s.ops, s.insns, s.successes, s.checks, s.mismatches);
    if (verbose)
        printf("cosim: C engine: %" PRIu64 " xcalls, %" PRIu64 " xrets, %" PRIu64
               " swapsegs, %" PRIu64 " prefetches, %" PRIu64 " cache hits, %" PRIu64
               " misses, %" PRIu64 " cap misses\n",
               s.c.stats.xcalls, s.c.stats.xrets, s.c.stats.swapsegs, s.c.stats.prefetches,
               s.c.stats.cache_hits, s.c.stats.cache_misses, s.c.stats.cache_cap_miss);
    printf("%lu passed, %lu failed\n", s.ops - failed, failed);
    rtl_model_free(s.r);
    timing_destroy(s.t);
    return failed ? 1 : 0;
}
