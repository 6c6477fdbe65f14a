/* The pipeline: base CPI, operand interlocks (load-use, mul/div, CSR), flushes, mtime,
 * parameter checks at creation, and determinism. */
#include <criterion/criterion.h>
#include <string.h>

#include "timing.h"

static struct timing *model(struct timing_params *p)
{
    char err[200] = "";
    struct timing *t = timing_create(p, err, sizeof err);
    cr_assert_not_null(t, "timing_create: %s", err);
    return t;
}

/* A model whose fetch line and the data line at 0x8000 are already cached. */
static struct timing *warm_model(struct timing_params *p)
{
    struct timing *t = model(p);
    timing_fetch(t, 0x1000);
    timing_load(t, 0x8000, 8, 0, 0);
    timing_fetch(t, 0x1000);
    timing_alu(t, 0, 0, 0); /* let everything settle */
    for (unsigned r = 0; r < TIMING_NREGS; r++)
        cr_assert_leq(t->reg_ready[r], timing_cycles(t));
    return t;
}

static uint64_t alu(struct timing *t, unsigned rd, unsigned rs1, unsigned rs2)
{
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x1000);
    timing_alu(t, rd, rs1, rs2);
    return timing_cycles(t) - c0;
}

static uint64_t load(struct timing *t, unsigned size, unsigned rd, unsigned rs1)
{
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x1000);
    timing_load(t, 0x8000, size, rd, rs1);
    return timing_cycles(t) - c0;
}

Test(core, base_cpi_without_dependences)
{
    struct timing_params p;
    timing_params_defaults(&p);
    p.base_cpi = 2;
    struct timing *t = warm_model(&p);
    uint64_t c0 = timing_cycles(t);
    for (unsigned i = 0; i < 10; i++)
        alu(t, 5 + (i & 3), 1, 2);
    cr_assert_eq(timing_cycles(t) - c0, 10 * p.base_cpi);
    cr_assert_eq(t->n.instructions, 12);
    timing_destroy(t);
}

Test(core, load_use_stalls_and_an_independent_instruction_hides_it)
{
    struct timing_params p;
    timing_params_defaults(&p);
    p.load_latency = 4;
    struct timing *t = warm_model(&p);
    /* The dependent instruction right behind the load waits load_latency - base_cpi cycles. */
    cr_assert_eq(load(t, 8, 5, 0), p.base_cpi);
    cr_assert_eq(alu(t, 6, 5, 0), p.base_cpi + (p.load_latency - p.base_cpi));
    cr_assert_eq(t->n.stall[PRODUCER_LOAD], p.load_latency - p.base_cpi);
    /* One independent instruction in between hides one cycle of it. */
    load(t, 8, 5, 0);
    cr_assert_eq(alu(t, 7, 1, 2), p.base_cpi);
    cr_assert_eq(alu(t, 6, 0, 5), p.base_cpi + (p.load_latency - 2 * p.base_cpi));
    /* Far enough away: no stall at all. */
    load(t, 8, 5, 0);
    for (unsigned i = 0; i < 4; i++)
        alu(t, 7, 1, 2);
    cr_assert_eq(alu(t, 6, 5, 5), p.base_cpi);
    timing_destroy(t);
}

Test(core, default_load_use_is_one_bubble_and_subword_two)
{
    struct timing_params p;
    timing_params_defaults(&p);
    struct timing *t = warm_model(&p);
    load(t, 8, 5, 0);
    cr_assert_eq(alu(t, 6, 5, 0), p.base_cpi + p.load_latency - p.base_cpi);
    load(t, 1, 5, 0);
    cr_assert_eq(alu(t, 6, 5, 0), p.base_cpi + p.load_subword_latency - p.base_cpi);
    cr_assert_gt(p.load_subword_latency, p.load_latency);
    timing_destroy(t);
}

Test(core, loads_into_x0_never_stall)
{
    struct timing_params p;
    timing_params_defaults(&p);
    p.load_latency = 10;
    struct timing *t = warm_model(&p);
    load(t, 8, 0, 0);
    cr_assert_eq(alu(t, 6, 0, 0), p.base_cpi);
    timing_destroy(t);
}

Test(core, multiply_divide_latency_and_busy_unit)
{
    struct timing_params p;
    timing_params_defaults(&p);
    struct timing *t = warm_model(&p);
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x1000);
    timing_muldiv(t, TIMING_MUL, 5, 1, 2);
    alu(t, 6, 5, 0);
    cr_assert_eq(timing_cycles(t) - c0, p.mul_latency + p.base_cpi,
                 "the dependent add waits for the product");
    /* Two independent multiplies: the second waits for the iterative unit to be free. */
    for (unsigned i = 0; i < 10; i++)
        alu(t, 7, 0, 0);
    c0 = timing_cycles(t);
    timing_fetch(t, 0x1000);
    timing_muldiv(t, TIMING_MUL, 5, 1, 2);
    timing_fetch(t, 0x1000);
    timing_muldiv(t, TIMING_DIVW, 6, 3, 4);
    cr_assert_eq(timing_cycles(t) - c0, p.mul_latency + p.base_cpi);
    cr_assert_eq(t->n.stall_muldiv_busy, p.mul_latency - p.base_cpi);
    c0 = timing_cycles(t);
    alu(t, 7, 6, 0);
    cr_assert_eq(timing_cycles(t) - c0, p.divw_latency, "waits the whole divide");
    timing_destroy(t);
}

Test(core, csr_read_latency)
{
    struct timing_params p;
    timing_params_defaults(&p);
    struct timing *t = warm_model(&p);
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x1000);
    timing_csr(t, 5, 0);
    alu(t, 6, 5, 0);
    cr_assert_eq(timing_cycles(t) - c0, p.base_cpi + p.csr_read_latency);
    cr_assert_eq(t->n.stall[PRODUCER_CSR], p.csr_read_latency - p.base_cpi);
    timing_destroy(t);
}

Test(core, flushes_cost_their_cycles_and_are_counted)
{
    struct timing_params p;
    timing_params_defaults(&p);
    p.flush_cycles = 9;
    struct timing *t = warm_model(&p);
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x1000);
    timing_flush(t, TIMING_FLUSH_TRAP);
    timing_fetch(t, 0x1000);
    timing_flush(t, TIMING_FLUSH_XRET);
    cr_assert_eq(timing_cycles(t) - c0, 2 * (p.base_cpi + p.flush_cycles));
    cr_assert_eq(t->n.flushes[TIMING_FLUSH_TRAP], 1);
    cr_assert_eq(t->n.flushes[TIMING_FLUSH_XRET], 1);
    timing_flush(t, (enum timing_flush_reason)99); /* nonsense is counted, not a crash */
    cr_assert_eq(t->n.flushes[TIMING_FLUSH_CSR], 1);
    timing_destroy(t);
}

Test(core, mtime_follows_cycles)
{
    struct timing_params p;
    timing_params_defaults(&p);
    cr_assert_eq(timing_cycles_to_mtime(&p, 0), 0);
    cr_assert_eq(timing_cycles_to_mtime(&p, 99), 0);
    cr_assert_eq(timing_cycles_to_mtime(&p, 100), 1, "1 GHz core, 10 MHz mtime");
    cr_assert_eq(timing_cycles_to_mtime(&p, 3000000000ULL), 30000000);
    const uint64_t clocks[] = {1000000000, 333333333, 10000000, 12345678, 10000000000ULL};
    const uint64_t times[] = {0, 1, 7, 9999999, 10000001, 123456789, 1ULL << 40};
    for (unsigned c = 0; c < 5; c++) {
        p.core_hz = clocks[c];
        for (unsigned i = 0; i < 7; i++) {
            uint64_t cyc = timing_mtime_to_cycles(&p, times[i]);
            cr_assert_geq(timing_cycles_to_mtime(&p, cyc), times[i], "hz %llu m %llu",
                          (unsigned long long)clocks[c], (unsigned long long)times[i]);
            if (cyc)
                cr_assert_lt(timing_cycles_to_mtime(&p, cyc - 1), times[i]);
        }
    }
    timing_params_defaults(&p);
    cr_assert_eq(timing_mtime_to_cycles(&p, UINT64_MAX), UINT64_MAX, "saturates");
}

Test(core, create_rejects_unusable_parameters)
{
    struct timing_params p;
    timing_params_defaults(&p);
    p.dcache_sets = 48;
    char err[200] = "";
    cr_assert_null(timing_create(&p, err, sizeof err));
    cr_assert(strstr(err, "dcache_sets") != NULL, "%s", err);
    timing_params_defaults(&p);
    p.base_cpi = 0;
    cr_assert_null(timing_create(&p, err, sizeof err));
    cr_assert(strstr(err, "base_cpi") != NULL, "%s", err);
}

/* A pseudo-random instruction stream, the same on every call. */
static void run_stream(struct timing *t)
{
    uint64_t x = 99;
    for (unsigned i = 0; i < 20000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t pc = 0x80000000 + ((x >> 20) & 0x3ffc);
        unsigned rd = (x >> 30) & 31, rs1 = (x >> 35) & 31, rs2 = (x >> 40) & 31;
        uint64_t pa = 0x80100000 + ((x >> 44) & 0xfff8);
        timing_fetch(t, pc);
        switch ((x >> 60) & 7) {
        case 0: timing_load(t, pa, 8, rd, rs1); break;
        case 1: timing_store(t, pa, rs1, rs2); break;
        case 2: timing_branch(t, pc, rs1, rs2, (x >> 50) & 1, pc - 32); break;
        case 3: timing_muldiv(t, TIMING_DIV, rd, rs1, rs2); break;
        case 4: timing_jump(t, pc, pc + 64, pc + 4, 1, 0, TIMING_JUMP_CALL); break;
        default: timing_alu(t, rd, rs1, rs2); break;
        }
    }
}

Test(core, same_input_same_cycles)
{
    struct timing_params p;
    timing_params_defaults(&p);
    struct timing *a = model(&p), *b = model(&p);
    run_stream(a);
    run_stream(b);
    struct sim_stats sa, sb;
    memset(&sa, 0, sizeof sa);
    memset(&sb, 0, sizeof sb);
    timing_stats(a, &sa);
    timing_stats(b, &sb);
    cr_assert_eq(memcmp(&sa, &sb, sizeof sa), 0);
    cr_assert_gt(sa.cycles, sa.instructions, "the stream does stall");
    cr_assert_gt(sa.dcache_misses, 0);
    timing_destroy(a);
    timing_destroy(b);
}

Test(core, idle_moves_the_clock_forward_only)
{
    struct timing_params p;
    timing_params_defaults(&p);
    struct timing *t = warm_model(&p);
    uint64_t c0 = timing_cycles(t);
    timing_idle_until(t, c0 + 1000);
    cr_assert_eq(timing_cycles(t), c0 + 1000);
    timing_idle_until(t, c0); /* the past: nothing happens */
    cr_assert_eq(timing_cycles(t), c0 + 1000);
    cr_assert_eq(alu(t, 5, 6, 7), p.base_cpi, "everything is ready after a sleep");
    timing_destroy(t);
}
