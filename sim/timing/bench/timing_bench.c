/* Throughput of the cycle model alone. A synthetic trace with a typical mix (30% loads/stores,
 * mostly to a hot 4 KiB with some spread over 64 KiB, 15% branches, calls and returns, a few
 * multiplies, translated through Sv39) is replayed twice: once through the model and once
 * through an empty dispatch loop, and the difference is the model's cost per instruction. The
 * machine must run 50 M instructions/s with the model on, interpreter included, so the model
 * should stay well under 10 ns per instruction. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timing.h"

enum op { OP_ALU, OP_LOAD, OP_STORE, OP_BRANCH, OP_MUL, OP_CALL, OP_RET };

struct insn {
    uint8_t op, rd, rs1, rs2;
    bool taken;
    uint64_t pc, va;
};

#define TRACE   65536
#define PROGRAM 128

static bool walk(void *opaque, uint64_t va, uint64_t satp, uint64_t pte_pa[5], unsigned *n)
{
    (void)opaque;
    uint64_t root = (satp & ((1ULL << 44) - 1)) << 12;
    pte_pa[0] = root + 8 * ((va >> 30) & 511);
    pte_pa[1] = root + 0x1000 + 8 * ((va >> 21) & 511);
    pte_pa[2] = root + 0x2000 + 8 * ((va >> 12) & 511);
    *n = 3;
    return true;
}

/* A 128-instruction static program (each pc always the same kind of instruction, as in real
 * code) run over and over; data addresses and branch outcomes vary per dynamic instance. */
static void make_trace(struct insn *tr)
{
    uint64_t x = 12345;
    uint8_t kinds[PROGRAM], regs[PROGRAM][3];
    for (unsigned i = 0; i < PROGRAM; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(x >> 57); /* 0..127 */
        regs[i][0] = (x >> 20) & 31;
        regs[i][1] = (x >> 25) & 31;
        regs[i][2] = (x >> 30) & 31;
        kinds[i] = r < 26   ? OP_LOAD
                   : r < 38 ? OP_STORE
                   : r < 58 ? OP_BRANCH
                   : r < 60 ? OP_MUL
                   : r < 63 ? OP_CALL
                   : r < 66 ? OP_RET
                            : OP_ALU;
    }
    for (unsigned i = 0; i < TRACE; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        struct insn *in = &tr[i];
        in->pc = 0x10000 + (i & (PROGRAM - 1)) * 4;
        in->op = kinds[i & (PROGRAM - 1)];
        in->rd = regs[i & (PROGRAM - 1)][0];
        in->rs1 = regs[i & (PROGRAM - 1)][1];
        in->rs2 = regs[i & (PROGRAM - 1)][2];
        bool spread = ((x >> 40) & 15) == 0;
        in->va = 0x200000 + (spread ? ((x >> 44) & 0xfff8) : ((x >> 44) & 0xff8));
        in->taken = ((x >> 50) & 7) != 0; /* 7 in 8 taken */
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* the host is shared: CPU time, not wall time */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const uint64_t satp = 8ULL << 60 | 1ULL << 44 | 0x80100;

static double run_model(struct timing *t, const struct insn *tr, uint64_t n)
{
    double a = now();
    for (uint64_t i = 0; i < n; i++) {
        const struct insn *in = &tr[i & (TRACE - 1)];
        timing_itlb(t, in->pc, satp);
        timing_fetch(t, 0x80400000 + in->pc);
        switch (in->op) {
        case OP_LOAD:
            timing_dtlb(t, in->va, satp);
            timing_load(t, 0x80800000 + in->va, 8, in->rd, in->rs1);
            break;
        case OP_STORE:
            timing_dtlb(t, in->va, satp);
            timing_store(t, 0x80800000 + in->va, in->rs1, in->rs2);
            break;
        case OP_BRANCH: timing_branch(t, in->pc, in->rs1, in->rs2, in->taken, in->pc - 64); break;
        case OP_MUL: timing_muldiv(t, TIMING_MUL, in->rd, in->rs1, in->rs2); break;
        case OP_CALL: timing_jump(t, in->pc, 0x20000, in->pc + 4, 1, 0, TIMING_JUMP_CALL); break;
        case OP_RET:
            timing_jump(t, in->pc, 0x20000, 0, 0, 1, TIMING_JUMP_RETURN | TIMING_JUMP_INDIRECT);
            break;
        default: timing_alu(t, in->rd, in->rs1, in->rs2); break;
        }
    }
    return now() - a;
}

/* The same dispatch with no model: what an interpreter pays anyway. */
static double run_empty(const struct insn *tr, uint64_t n, uint64_t *sink)
{
    double a = now();
    uint64_t acc = 0;
    for (uint64_t i = 0; i < n; i++) {
        const struct insn *in = &tr[i & (TRACE - 1)];
        switch (in->op) {
        case OP_LOAD: acc += in->va; break;
        case OP_STORE: acc ^= in->va; break;
        case OP_BRANCH: acc += in->taken; break;
        case OP_MUL: acc *= 3; break;
        case OP_CALL: acc += in->pc; break;
        case OP_RET: acc -= in->pc; break;
        default: acc += in->rd; break;
        }
    }
    *sink = acc;
    return now() - a;
}

int main(void)
{
    struct timing_params p;
    timing_params_defaults(&p);
    char err[200];
    struct timing *t = timing_create(&p, err, sizeof err);
    struct insn *tr = malloc(TRACE * sizeof *tr);
    if (!t || !tr) {
        fprintf(stderr, "timing_bench: %s\n", t ? "out of memory" : err);
        return 1;
    }
    timing_set_walker(t, walk, NULL);
    make_trace(tr);
    const uint64_t n = getenv("BENCH_N") ? strtoull(getenv("BENCH_N"), NULL, 0) : 50000000;
    uint64_t sink;
    double empty = run_empty(tr, n, &sink);
    double model = run_model(t, tr, n);
    struct sim_stats s = {0};
    timing_stats(t, &s);
    printf("%llu instructions, CPI %.3f, D-cache miss %.2f%%, mispredicts %.2f%%\n",
           (unsigned long long)s.instructions, (double)s.cycles / (double)s.instructions,
           100.0 * (double)s.dcache_misses / (double)(s.dcache_hits + s.dcache_misses),
           100.0 * (double)s.branch_mispredicts / (double)(s.branches ? s.branches : 1));
    printf("model %.2f ns/instruction (%.2f with dispatch, %.2f dispatch alone; sink %llu)\n",
           (model - empty) * 1e9 / (double)n, model * 1e9 / (double)n, empty * 1e9 / (double)n,
           (unsigned long long)(sink & 1));
    free(tr);
    timing_destroy(t);
    return 0;
}
