/* The phase profiler on a real program: a hart with the cycle model runs a known M-mode program
 * through the timed interpreter, and its cycles split into the mapped phases as expected. */
#include "cpu_fixture.h"
#include "timing/timing.h"

static struct timing_params params;

static void timed_setup(void)
{
    cr_assert_not_null(freopen("/dev/null", "r", stdin));
    m = calloc(1, sizeof *m);
    cr_assert_not_null(m);
    struct machine_config cfg = {
        .ram_size = RAM_SIZE,
        .bios = "none",
        .core_hz = 1000000000ULL,
        .xpc = true,
        .xpc_cache_entries = 16,
        .xpc_cache = true,
        .xpc_nonblocking = true,
        .timing = true,
        .timing_params = &params,
    };
    char err[256] = "";
    cr_assert_eq(machine_init(m, &cfg, err, sizeof err), 0, "machine_init: %s", err);
    h = &m->hart;
    cr_assert_not_null(h->timing);
    PROGRAM(HALT, LUI(31, FINISHER >> 12), LUI(30, 5), ADDI(30, 30, 0x555), SW(30, 31, 0),
            JAL(X0, 0));
    cr_assert(csr_write(h, CSR_MTVEC, HALT));
}

#define TAIL        (CODE + 0x100)
#define SETUP_INSNS 10
#define TAIL_INSNS  2

/* setup: ten instructions with a load and its use; tail: two, the last an ebreak into the halt
 * stub (outside the map: `other`). */
static void put_test_program(void)
{
    PROGRAM(CODE, LI(A0, 5), LI(A1, 7), LA(A2, DATA), LD(A3, A2, 0), ADD(A4, A3, A0),
            JAL(X0, (int32_t)(TAIL - (CODE + 36))));
    PROGRAM(TAIL, ADDI(A5, A4, 1), EBREAK);
}

struct split {
    uint64_t cycles[3], insns[3], windows, total;
};

/* Runs the program with flush_cycles = flush; a window from `start` to `stop` unless both 0. */
static struct split run(uint64_t flush, uint64_t start, uint64_t stop)
{
    timing_params_defaults(&params);
    params.flush_cycles = flush;
    timed_setup();
    put_test_program();
    char text[200], err[200] = "";
    snprintf(text, sizeof text, "setup %llx %llx\ntail %llx %llx\n", (unsigned long long)CODE,
             (unsigned long long)TAIL, (unsigned long long)TAIL, (unsigned long long)TAIL + 0x100);
    struct timing_phases *ph = timing_phases_parse(text, "test", err, sizeof err);
    cr_assert_not_null(ph, "%s", err);
    if (start || stop)
        cr_assert_eq(timing_phases_set_window(ph, start, stop, err, sizeof err), 0, "%s", err);
    uint64_t c0 = timing_cycles(h->timing);
    timing_attach_phases(h->timing, ph);
    run_at(CODE, PRIV_M, 10000);
    struct sim_stats s;
    machine_stats(m, &s);
    cr_assert_eq(s.phase_count, 3);
    cr_assert_str_eq(s.phase_names[0], "setup");
    cr_assert_str_eq(s.phase_names[1], "tail");
    cr_assert_str_eq(s.phase_names[2], "other");
    struct split r = {.windows = s.phase_windows, .total = timing_cycles(h->timing) - c0};
    for (int i = 0; i < 3; i++) {
        r.cycles[i] = s.phase_cycles[i];
        r.insns[i] = s.phase_instructions[i];
    }
    machine_destroy(m);
    free(m);
    return r;
}

Test(phase_program, instructions_and_cycles_land_in_their_phases)
{
    struct split a = run(3, 0, 0);
    cr_assert_eq(a.insns[0], SETUP_INSNS);
    cr_assert_eq(a.insns[1], TAIL_INSNS);
    cr_assert_geq(a.insns[2], 4, "the halt stub runs in `other`");
    cr_assert_eq(a.cycles[0] + a.cycles[1] + a.cycles[2], a.total,
                 "every cycle is charged exactly once");
    cr_assert_geq(a.cycles[0], SETUP_INSNS * params.base_cpi + params.mem_latency,
                  "setup holds the load's miss");
}

Test(phase_program, a_trap_refill_is_the_handlers)
{
    struct split a = run(3, 0, 0), b = run(50, 0, 0);
    cr_assert_eq(b.cycles[1], a.cycles[1], "the ebreak's refill must not stay in `tail`");
    cr_assert_eq(b.cycles[2] - a.cycles[2], 50 - 3, "the handler (`other`) takes the refill");
    cr_assert_eq(b.cycles[0], a.cycles[0]);
}

Test(phase_program, a_window_counts_only_its_code)
{
    struct split all = run(3, 0, 0), w = run(3, TAIL, HALT);
    cr_assert_eq(w.windows, 1);
    cr_assert_eq(w.insns[0], 0);
    cr_assert_eq(w.insns[1], TAIL_INSNS);
    cr_assert_eq(w.insns[2], 0);
    cr_assert_eq(w.cycles[0], 0);
    cr_assert_eq(w.cycles[1], all.cycles[1]);
    cr_assert_eq(w.cycles[2], 0);
}
