/* The cycle model: a deterministic Rocket-like single-issue in-order core (docs/cycle-model.md).
 *
 * With `--timing=rocket` the interpreter reports every retired instruction here, and the model
 * advances a cycle counter: the base CPI, operand interlocks through a per-register ready-cycle
 * scoreboard (load-use, multiply/divide, CSR reads), L1 instruction and data caches, L1 TLBs
 * whose misses walk the page table through the data cache, a branch predictor, pipeline flushes
 * and the XPC engine. With `--timing=off` none of this is called and cycles == instructions.
 *
 * Calling convention, per retired instruction, in this order:
 *   1. timing_itlb()  always, with the instruction's virtual PC (satp 0 when the fetch is not
 *                     translated: M-mode, bare); it also marks the instruction boundary for the
 *                     phase profiler (phase.h), so it must come first
 *   2. timing_fetch() always, with the physical PC: it charges the base CPI
 *   3. at most one class call for what the instruction does: timing_alu / _load / _store / _amo /
 *      _muldiv / _csr / _branch / _jump / _xpc (plus timing_dtlb() before a translated access)
 *   4. timing_flush() / _sfence() / _satp_write() when the instruction (or a trap) redirects or
 *      drains the pipeline.
 * An instruction with no class call costs the base CPI and waits for nothing.
 *
 * Register numbers index the scoreboard: 0-31 integer, 32-63 free for the caller (say, floating
 * point); register 0 never makes anyone wait. Everything is plain integer arithmetic on state
 * set at creation: no host time, no allocation after timing_create(), no division per
 * instruction, so the same input gives the same cycles on every run and every host. */
#ifndef SIM_TIMING_H
#define SIM_TIMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "phase.h"
#include "../../include/riscv/spec.h"

/* ---------------------------------------------------------------- parameters (params.c) */

/* Every figure of the model. All are unsigned integers (booleans are 0/1); the table in params.c
 * gives each a name, a default, a range and the source of its default. */
struct timing_params {
    uint64_t core_hz;              /* modeled core clock: converts cycles to mtime */
    uint64_t base_cpi;             /* cycles per instruction with no stall */
    uint64_t alu_latency;          /* result latency of ALU ops, jumps' links */
    uint64_t load_latency;         /* result latency of LW/LWU/LD on a D-cache hit */
    uint64_t load_subword_latency; /* result latency of LB/LBU/LH/LHU on a hit */
    uint64_t csr_read_latency;     /* result latency of a CSR read */
    uint64_t mul_latency;          /* MUL/MULH* (64-bit) */
    uint64_t mulw_latency;         /* MULW */
    uint64_t div_latency;          /* DIV/DIVU/REM/REMU (64-bit), worst case */
    uint64_t divw_latency;         /* the W forms, worst case */
    uint64_t mispredict_penalty;   /* cycles lost to a mispredicted branch or jump */
    uint64_t bht_entries;          /* 2-bit counters (power of two) */
    uint64_t bht_history_bits;     /* global history bits hashed into the BHT index */
    uint64_t btb_entries;          /* fully associative, LRU */
    uint64_t ras_entries;          /* return-address stack depth (0 = none) */
    uint64_t icache_sets, icache_ways, icache_line;
    uint64_t dcache_sets, dcache_ways, dcache_line;
    uint64_t mem_latency;      /* L1 miss: cycles to refill a line from memory */
    uint64_t writeback_cycles; /* extra cycles when a D-cache refill evicts a dirty line */
    uint64_t itlb_sets, itlb_ways, itlb_superpages;
    uint64_t dtlb_sets, dtlb_ways, dtlb_superpages;
    uint64_t tlb_miss_cycles;     /* fixed cost of a TLB miss: walker hand-off and replay */
    uint64_t ptw_hit_cycles;      /* one PTE read that hits in the D-cache */
    uint64_t flush_cycles;        /* pipeline refill after a trap, xRET, satp write, fence.i */
    uint64_t asid_tlb;            /* 1: TLB entries carry the ASID; a satp switch flushes nothing */
    uint64_t engine_cache;        /* 1: XPC x-entries come from the engine cache on a hit */
    uint64_t nonblocking_link;    /* 1: the linkage record is written in the background */
    uint64_t link_buffer_entries; /* records the non-blocking link stack still holds for xret */
    uint64_t xcall_cycles;        /* engine work of xcall on the fast path */
    uint64_t xret_cycles;         /* engine work of xret on the fast path */
    uint64_t swapseg_cycles;      /* engine work of swapseg besides its seg-list access */
    uint64_t xpc_redirect_cycles; /* pipeline refill after xcall/xret changed pc and satp */
    uint64_t xpc_word_cycles;     /* one engine word access that hits in the D-cache */
    /* Devices (charged with the model on or off: they set when a completion interrupt comes). */
    uint64_t blk_request_cycles; /* virtio-blk: fixed cost of every request */
    uint64_t blk_sector_cycles;  /* virtio-blk: each 512-byte sector read or written */
    uint64_t net_packet_cycles;  /* virtio-net: fixed cost of every frame sent or received */
    uint64_t net_byte_cycles;    /* virtio-net: each byte of a frame moved */
};

/* The modeled clock when no flag sets it, with the model on (core_hz) or off (--core-hz). */
#define TIMING_DEFAULT_CORE_HZ 1000000000ULL

void timing_params_defaults(struct timing_params *p);
/* Set one parameter from text. Returns 0, or -1 with a one-line message in err. */
int timing_params_set(struct timing_params *p, const char *key, const char *value, char *err,
                      size_t errlen);
/* The argument of `--timing-param key=value`. */
int timing_params_set_arg(struct timing_params *p, const char *key_eq_value, char *err,
                          size_t errlen);
/* A config file of `key = value` lines; `#` starts a comment. Stops at the first bad line. */
int timing_params_load(struct timing_params *p, const char *path, char *err, size_t errlen);
/* Cross-parameter checks (done by timing_create too). */
int timing_params_check(const struct timing_params *p, char *err, size_t errlen);
/* Every parameter as a loadable config file, with its documentation. */
void timing_params_print(const struct timing_params *p, FILE *f);

/* mtime (MEMMAP_TIMEBASE_HZ) from modeled cycles, and the first cycle at which mtime reaches a
 * value (for timer deadlines). Exact integer arithmetic, no overflow for core_hz <= 10 GHz. */
uint64_t timing_cycles_to_mtime(const struct timing_params *p, uint64_t cycles);
uint64_t timing_mtime_to_cycles(const struct timing_params *p, uint64_t mtime);

/* ---------------------------------------------------------------- caches (cache.c) */

/* A set-associative cache of line addresses with true LRU. Tags are whole line numbers, so the
 * model does not depend on an address width; CACHE_EMPTY marks a free way. The TLB reuses it
 * with line_shift 0 and a (VPN, ASID) key as the "address". */
#define CACHE_EMPTY UINT64_MAX

struct cache_model {
    uint64_t *tags;   /* sets * ways line numbers */
    uint64_t *stamps; /* last-use tick per way: the smallest in a set is the LRU victim */
    uint8_t *dirty;
    uint64_t set_mask;
    unsigned line_shift, ways;
    uint64_t tick;
    uint64_t last_line; /* the line of the previous access: it is already MRU in its set */
    size_t last_slot;
    uint64_t hits, misses, writebacks;
};

enum cache_result { CACHE_HIT, CACHE_MISS, CACHE_MISS_WRITEBACK };

bool cache_init(struct cache_model *c, uint64_t sets, unsigned ways, uint64_t line_bytes);
void cache_free(struct cache_model *c);
void cache_invalidate_all(struct cache_model *c);
/* The miss path: choose the LRU way of the set, fill it. */
enum cache_result cache_fill(struct cache_model *c, uint64_t line, size_t base, bool write);

static inline enum cache_result cache_access(struct cache_model *c, uint64_t addr, bool write)
{
    uint64_t line = addr >> c->line_shift;
    if (line == c->last_line) {
        c->dirty[c->last_slot] |= write;
        c->hits++;
        return CACHE_HIT;
    }
    size_t base = (size_t)(line & c->set_mask) * c->ways;
    for (unsigned w = 0; w < c->ways; w++) {
        if (c->tags[base + w] == line) {
            c->stamps[base + w] = ++c->tick;
            c->dirty[base + w] |= write;
            c->last_line = line;
            c->last_slot = base + w;
            c->hits++;
            return CACHE_HIT;
        }
    }
    return cache_fill(c, line, base, write);
}

/* ---------------------------------------------------------------- branch prediction (bpred.c) */

struct bpred {
    uint8_t *bht; /* 2-bit saturating counters, >= 2 predicts taken */
    uint64_t bht_mask;
    uint64_t history, history_mask;
    uint64_t *btb_pc, *btb_target, *btb_stamp;
    unsigned btb_entries, btb_used;
    uint64_t btb_tick;
    uint16_t *btb_index; /* open-addressed hash pc -> entry: a lookup without a scan */
    uint64_t btb_index_mask;
    uint64_t *ras;
    unsigned ras_entries, ras_top, ras_count;
};

#define BTB_NO_ENTRY 0xffff

bool bpred_init(struct bpred *b, const struct timing_params *p);
void bpred_free(struct bpred *b);
/* Predict, then train; true when the prediction was wrong. */
bool bpred_branch(struct bpred *b, uint64_t pc, bool taken, uint64_t target);
bool bpred_jump(struct bpred *b, uint64_t pc, uint64_t target, uint64_t link_pc, unsigned flags);

/* ---------------------------------------------------------------- TLBs (tlb_model.c) */

/* A translation is cached under (VPN, ASID): the 4 KiB array in a cache_model, superpages in a
 * small fully associative array, as in Rocket's L1 TLBs. Without ASID tagging the ASID is 0. */
struct tlb_superpage {
    uint64_t tag;   /* (va >> shift) | asid << 48, CACHE_EMPTY if free */
    unsigned shift; /* 21, 30, 39 or 48 */
    uint64_t stamp;
};

#define TLB_HINTS 64

struct tlb_model {
    struct cache_model pages;
    struct tlb_superpage *super;
    unsigned n_super;
    uint64_t super_tick;
    uint64_t last_key; /* the 4 KiB key of the previous hit */
    /* Where a VPN was last found in `pages`, by its low bits: checked against the tag before
     * use, so a stale hint only costs the scan it would have saved. */
    size_t hint[TLB_HINTS];
    uint64_t hits, misses;
};

/* The CPU's page walker, asked on a model miss: the physical addresses of the PTEs a hardware
 * walk of `va` under `satp` reads, root first (at most 5), and whether it found a valid leaf
 * (false: a page fault, nothing is cached). n = 0 means the access is not translated by the
 * page table at all (e.g. it falls in the XPC relay segment): it costs nothing. */
typedef bool (*timing_walk_fn)(void *opaque, uint64_t va, uint64_t satp, uint64_t pte_pa[5],
                               unsigned *n);

bool tlb_model_init(struct tlb_model *t, uint64_t sets, uint64_t ways, uint64_t n_super);
void tlb_model_free(struct tlb_model *t);
void tlb_model_flush(struct tlb_model *t);
/* sfence.vma: all_va / all_asid when rs1 / rs2 is x0. */
void tlb_model_sfence(struct tlb_model *t, bool all_va, uint64_t va, bool all_asid, uint64_t asid);
/* Lookup after the one-entry shortcut missed; true on a hit. */
bool tlb_model_lookup(struct tlb_model *t, uint64_t key, uint64_t va, uint64_t asid);
void tlb_model_fill(struct tlb_model *t, uint64_t va, uint64_t asid, unsigned leaf_shift);

#define TLB_VPN_MASK   ((1ULL << 45) - 1) /* Sv57's 45 VPN bits */
#define TLB_ASID_SHIFT 48

/* ---------------------------------------------------------------- the core (timing.c) */

enum timing_flush_reason {
    TIMING_FLUSH_TRAP,    /* exception or interrupt taken */
    TIMING_FLUSH_XRET,    /* mret / sret */
    TIMING_FLUSH_SATP,    /* satp write (timing_satp_write charges it) */
    TIMING_FLUSH_FENCE_I, /* also empties the I-cache model */
    TIMING_FLUSH_SFENCE,  /* sfence.vma (timing_sfence charges it) */
    TIMING_FLUSH_CSR,     /* another CSR write that drains the pipe */
    TIMING_FLUSH_XPC,     /* an XPC instruction redirected outside timing_xpc (e.g. emulation) */
    TIMING_FLUSH_COUNT
};

enum timing_muldiv_kind { TIMING_MUL, TIMING_MULW, TIMING_DIV, TIMING_DIVW };

/* Jump flags: RISC-V's hint for the return-address stack (rd/rs1 in {ra, t0}). */
#define TIMING_JUMP_CALL     1u
#define TIMING_JUMP_RETURN   2u
#define TIMING_JUMP_INDIRECT 4u /* jalr: the target comes from a register */

/* Where the XPC engine's cycles went (E2's XPC breakdown): the x-entry and cap-bit reads on an
 * engine-cache miss, the linkage record's words the instruction waits for, the pipeline refill
 * after pc and satp changed (the address-space switch), and the fixed engine work. */
struct timing_xpc_split {
    uint64_t xcall_entry, xcall_cap, xcall_link, xcall_switch, xcall_engine;
    uint64_t xret_link, xret_switch, xret_engine;
};

/* What the producer of a register was, to attribute operand stalls. */
enum timing_producer { PRODUCER_ALU, PRODUCER_LOAD, PRODUCER_MULDIV, PRODUCER_CSR, PRODUCERS };

struct timing_counters {
    uint64_t instructions;
    uint64_t branches, branch_mispredicts, jumps, jump_mispredicts;
    uint64_t stall[PRODUCERS];  /* operand interlock cycles, by what produced the operand */
    uint64_t stall_muldiv_busy; /* waiting for the iterative multiplier/divider to be free */
    uint64_t cycles_icache_miss, cycles_dcache_miss, cycles_page_walk, cycles_mispredict;
    uint64_t cycles_flush, cycles_xpc;
    uint64_t page_walks, walk_pte_reads, walk_faults, tlb_flushes;
    uint64_t flushes[TIMING_FLUSH_COUNT];
    uint64_t xcalls, xrets, swapsegs, xcall_prefetches;
    uint64_t engine_cache_hits, engine_cache_misses, link_blocking, link_buffer_hits;
    struct timing_xpc_split xpc_split;
};

#define TIMING_NREGS           64
#define TIMING_LINK_BUFFER_MAX 16

/* The model's clock is one number, `cycle`: the cycle at which the next instruction can issue.
 * The current instruction issued at cycle - base_cpi until its last charge (a mispredict, a
 * flush, the XPC engine's work), which therefore comes after its operand waits. One variable
 * keeps the chain of dependent host loads and stores per instruction short: the emulator's
 * speed with the model on is bounded by it. */
struct timing {
    uint64_t cycle;
    uint64_t issue; /* unused: kept while sim/cpu.c still writes it (use timing_idle_until) */
    struct timing_params p;
    uint64_t reg_ready[TIMING_NREGS];
    uint8_t reg_producer[TIMING_NREGS];
    uint64_t muldiv_free; /* Rocket's multiplier/divider is iterative: one operation at a time */
    uint64_t last_fetch_line;
    unsigned icache_line_shift;
    struct cache_model icache, dcache;
    struct tlb_model itlb, dtlb;
    struct bpred bp;
    timing_walk_fn walk;
    void *walk_opaque;
    uint64_t link_buffer[TIMING_LINK_BUFFER_MAX]; /* PAs of records pushed in the background */
    unsigned link_buffer_count;
    struct timing_phases *phases; /* the phase profiler, NULL unless --phase-map */
    struct timing_counters n;
};

/* NULL with a message in err when a parameter combination is unusable. */
struct timing *timing_create(const struct timing_params *p, char *err, size_t errlen);
void timing_destroy(struct timing *t);
void timing_set_walker(struct timing *t, timing_walk_fn walk, void *opaque);

/* The phase profiler (phase.c): the model takes ownership of ph (NULL detaches); counting
 * starts at the current cycle. */
void timing_attach_phases(struct timing *t, struct timing_phases *ph);
/* An instruction at pc is about to issue: the previous one's cycles are complete. */
void timing_phase_step(struct timing *t, uint64_t pc);
/* A trap is being taken: its refill goes to the handler's first instruction. */
void timing_phase_trap(struct timing *t);

static inline uint64_t timing_cycles(const struct timing *t)
{
    return t->cycle;
}

/* The hart sleeps (WFI) until `cycle`: the model's clock jumps there; nothing else changes. */
static inline void timing_idle_until(struct timing *t, uint64_t cycle)
{
    if (cycle > t->cycle)
        t->cycle = cycle;
}

/* The cycle at which the current instruction issued (see struct timing). */
static inline uint64_t timing_issue(const struct timing *t)
{
    return t->cycle - t->p.base_cpi;
}

/* Issue waits until the operands are ready (the scoreboard interlock). */
static inline void timing_wait(struct timing *t, unsigned rs1, unsigned rs2)
{
    unsigned a = rs1 & (TIMING_NREGS - 1), b = rs2 & (TIMING_NREGS - 1);
    uint64_t ra = t->reg_ready[a], rb = t->reg_ready[b];
    uint64_t ready = ra > rb ? ra : rb, issue = timing_issue(t);
    if (ready > issue) { /* the common case is no stall, and then nothing is stored */
        uint64_t stall = ready - issue;
        t->cycle += stall;
        t->n.stall[ra > rb ? t->reg_producer[a] : t->reg_producer[b]] += stall;
    }
}

static inline void timing_write_reg(struct timing *t, unsigned rd, uint64_t ready,
                                    enum timing_producer producer)
{
    rd &= TIMING_NREGS - 1;
    t->reg_ready[rd] = ready;
    t->reg_producer[rd] = (uint8_t)producer;
    t->reg_ready[0] = 0; /* x0 is never busy, whatever was written to it */
}

/* Data-cache access: a miss blocks the pipeline for the refill (Rocket's blocking D-cache). */
static inline uint64_t timing_dcache(struct timing *t, uint64_t pa, bool write)
{
    enum cache_result r = cache_access(&t->dcache, pa, write);
    if (r == CACHE_HIT)
        return 0;
    uint64_t penalty = t->p.mem_latency + (r == CACHE_MISS_WRITEBACK ? t->p.writeback_cycles : 0);
    t->cycle += penalty;
    t->n.cycles_dcache_miss += penalty;
    return penalty;
}

/* One instruction, fetched from physical address pc_pa: the base CPI, plus an I-cache refill
 * when it opens a line the front end was not already streaming from. */
static inline void timing_fetch(struct timing *t, uint64_t pc_pa)
{
    t->n.instructions++;
    uint64_t line = pc_pa >> t->icache_line_shift;
    if (line != t->last_fetch_line) {
        t->last_fetch_line = line;
        if (cache_access(&t->icache, pc_pa, false) != CACHE_HIT) {
            t->cycle += t->p.mem_latency;
            t->n.cycles_icache_miss += t->p.mem_latency;
        }
    }
    t->cycle += t->p.base_cpi;
}

static inline void timing_alu(struct timing *t, unsigned rd, unsigned rs1, unsigned rs2)
{
    timing_wait(t, rs1, rs2);
    timing_write_reg(t, rd, timing_issue(t) + t->p.alu_latency, PRODUCER_ALU);
}

/* size in bytes (1, 2, 4, 8): narrower loads go through Rocket's slower sign-extension path. */
static inline void timing_load(struct timing *t, uint64_t pa, unsigned size, unsigned rd,
                               unsigned rs1)
{
    timing_wait(t, rs1, 0);
    timing_dcache(t, pa, false);
    uint64_t latency = size >= 4 ? t->p.load_latency : t->p.load_subword_latency;
    timing_write_reg(t, rd, timing_issue(t) + latency, PRODUCER_LOAD);
}

static inline void timing_store(struct timing *t, uint64_t pa, unsigned rs1, unsigned rs2)
{
    timing_wait(t, rs1, rs2);
    timing_dcache(t, pa, true);
}

/* AMOs and SC: performed in the D-cache, result when a load's would be. LR is a load. */
static inline void timing_amo(struct timing *t, uint64_t pa, unsigned rd, unsigned rs1,
                              unsigned rs2)
{
    timing_wait(t, rs1, rs2);
    timing_dcache(t, pa, true);
    timing_write_reg(t, rd, timing_issue(t) + t->p.load_latency, PRODUCER_LOAD);
}

static inline void timing_csr(struct timing *t, unsigned rd, unsigned rs1)
{
    timing_wait(t, rs1, 0);
    timing_write_reg(t, rd, timing_issue(t) + t->p.csr_read_latency, PRODUCER_CSR);
}

static inline void timing_muldiv(struct timing *t, enum timing_muldiv_kind kind, unsigned rd,
                                 unsigned rs1, unsigned rs2)
{
    timing_wait(t, rs1, rs2);
    if (t->muldiv_free > timing_issue(t)) { /* structural hazard: the unit is still busy */
        uint64_t stall = t->muldiv_free - timing_issue(t);
        t->cycle += stall;
        t->n.stall_muldiv_busy += stall;
    }
    uint64_t latency = kind == TIMING_MUL    ? t->p.mul_latency
                       : kind == TIMING_MULW ? t->p.mulw_latency
                       : kind == TIMING_DIV  ? t->p.div_latency
                                             : t->p.divw_latency;
    t->muldiv_free = timing_issue(t) + latency;
    timing_write_reg(t, rd, timing_issue(t) + latency, PRODUCER_MULDIV);
}

/* Translation lookups. satp is the one in force for the access; pass 0 when the access is not
 * translated (M-mode, MPRV off, or bare), which costs nothing. */
void timing_tlb_miss(struct timing *t, struct tlb_model *tlb, uint64_t key, uint64_t va,
                     uint64_t satp, bool fetch);

static inline uint64_t timing_tlb_key(const struct timing *t, uint64_t va, uint64_t satp)
{
    uint64_t asid = t->p.asid_tlb ? (satp >> 44) & 0xffff : 0;
    return ((va >> PAGE_SHIFT) & TLB_VPN_MASK) | asid << TLB_ASID_SHIFT;
}

static inline void timing_itlb(struct timing *t, uint64_t va, uint64_t satp)
{
    if (t->phases)
        timing_phase_step(t, va);
    if ((satp >> 60) == 0)
        return;
    uint64_t key = timing_tlb_key(t, va, satp);
    if (key == t->itlb.last_key) {
        t->itlb.hits++;
        return;
    }
    timing_tlb_miss(t, &t->itlb, key, va, satp, true);
}

static inline void timing_dtlb(struct timing *t, uint64_t va, uint64_t satp)
{
    if ((satp >> 60) == 0)
        return;
    uint64_t key = timing_tlb_key(t, va, satp);
    if (key == t->dtlb.last_key) {
        t->dtlb.hits++;
        return;
    }
    timing_tlb_miss(t, &t->dtlb, key, va, satp, false);
}

/* Conditional branch at pc; target is where it goes when taken. */
void timing_branch(struct timing *t, uint64_t pc, unsigned rs1, unsigned rs2, bool taken,
                   uint64_t target);
/* jal / jalr: link_pc is the address of the next instruction (what rd receives). */
void timing_jump(struct timing *t, uint64_t pc, uint64_t target, uint64_t link_pc, unsigned rd,
                 unsigned rs1, unsigned flags);
void timing_flush(struct timing *t, enum timing_flush_reason reason);
/* sfence.vma rs1, rs2: all_va when rs1 is x0, all_asid when rs2 is x0. Charges a flush. */
void timing_sfence(struct timing *t, bool all_va, uint64_t va, bool all_asid, uint64_t asid);
/* A CSR write to satp: a pipeline flush; without ASID tagging the TLB models empty too. */
void timing_satp_write(struct timing *t, uint64_t old_satp, uint64_t new_satp);

/* ---------------------------------------------------------------- XPC engine (timing.c) */

enum timing_xpc_op { TIMING_XPC_XCALL, TIMING_XPC_XRET, TIMING_XPC_SWAPSEG, TIMING_XPC_PREFETCH };

/* Words of the engine's structures it touches (brief §3.3): an x-entry is 4 words, the engine
 * writes and reads words 0-8 of a linkage record, a seg-list entry is 3 words. */
#define TIMING_XENTRY_WORDS 4
#define TIMING_LINK_WORDS   9
#define TIMING_SEG_WORDS    3

/* One successful XPC instruction, as the engine saw it (a faulting one is a TIMING_FLUSH_TRAP). */
struct timing_xpc_event {
    enum timing_xpc_op op;
    unsigned rs1;          /* register operand (xcall, swapseg), for the interlock */
    bool engine_cache_hit; /* xcall: the x-entry and its cap bit came from the engine cache */
    uint64_t entry_pa;     /* xcall, prefetch: the x-entry */
    uint64_t cap_pa;       /* xcall, prefetch: the bitmap word holding the cap bit */
    uint64_t link_pa;      /* xcall: the record pushed; xret: the record popped */
    bool link_nonblocking; /* xctl bit 1 when the record was pushed */
    uint64_t seg_pa;       /* swapseg: the seg-list entry */
    uint64_t old_satp, new_satp;
};

void timing_xpc(struct timing *t, const struct timing_xpc_event *ev);

/* ---------------------------------------------------------------- statistics (stats.c) */

#define SIM_STATS_CAUSES 64

/* Everything --stats prints. The lead fills the fields the model does not know (mode,
 * instructions and cycles when the model is off, traps); timing_stats() fills the rest. */
struct sim_stats {
    bool timing_model; /* false: --timing=off, the model's counters are all zero */
    uint64_t instructions, cycles;
    uint64_t icache_hits, icache_misses;
    uint64_t dcache_hits, dcache_misses, dcache_writebacks;
    uint64_t itlb_hits, itlb_misses, dtlb_hits, dtlb_misses;
    uint64_t page_walks, walk_pte_reads, walk_faults, tlb_flushes;
    uint64_t branches, branch_mispredicts, jumps, jump_mispredicts;
    uint64_t stall_load_use, stall_muldiv, stall_csr, stall_other;
    uint64_t cycles_icache_miss, cycles_dcache_miss, cycles_page_walk, cycles_mispredict;
    uint64_t cycles_flush, cycles_xpc;
    uint64_t flushes[TIMING_FLUSH_COUNT];
    uint64_t exceptions[SIM_STATS_CAUSES]; /* by mcause code */
    uint64_t interrupts[SIM_STATS_CAUSES];
    uint64_t xcalls, xrets, swapsegs, xcall_prefetches;
    uint64_t engine_cache_hits, engine_cache_misses, link_blocking, link_buffer_hits;
    struct timing_xpc_split xpc_split;
    /* --phase-map: named phases in map order, then `other` (phase_count 0: no profile). */
    unsigned phase_count;
    bool phase_windowed;
    uint64_t phase_windows;
    char phase_names[PHASE_MAX_NAMES][PHASE_NAME_BYTES];
    uint64_t phase_cycles[PHASE_MAX_NAMES], phase_instructions[PHASE_MAX_NAMES];
};

/* Copy the model's counters (and its instruction and cycle counts) into s. */
void timing_stats(const struct timing *t, struct sim_stats *s);
/* The phase profile into s (phase.c; timing_stats calls it). */
void timing_phases_report(const struct timing *t, struct sim_stats *s);
void stats_print_text(const struct sim_stats *s, FILE *f);
/* One JSON object, keys always present and always in the same order. */
void stats_print_json(const struct sim_stats *s, FILE *f);
const char *timing_flush_reason_name(enum timing_flush_reason r);

#endif
