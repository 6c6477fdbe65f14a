/* The phase profiler (sim/timing/phase.c): map parsing and its errors, first-match lookup,
 * per-instruction charging (stalls go to the instruction that waits, a trap's refill to the
 * handler), and the start/stop window. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "timing.h"

static struct timing *model(void)
{
    struct timing_params p;
    timing_params_defaults(&p);
    char err[200] = "";
    struct timing *t = timing_create(&p, err, sizeof err);
    cr_assert_not_null(t, "timing_create: %s", err);
    return t;
}

static struct timing_phases *parse(const char *text)
{
    char err[200] = "";
    struct timing_phases *ph = timing_phases_parse(text, "map", err, sizeof err);
    cr_assert_not_null(ph, "parse failed: %s", err);
    return ph;
}

static void parse_fails(const char *text, const char *expect)
{
    char err[200] = "";
    struct timing_phases *ph = timing_phases_parse(text, "map", err, sizeof err);
    cr_assert_null(ph, "'%s' was accepted", text);
    cr_assert(strstr(err, expect), "message '%s' lacks '%s'", err, expect);
}

static unsigned index_of(const struct timing_phases *ph, const char *name)
{
    for (unsigned i = 0; i < ph->n_names; i++)
        if (!strcmp(ph->names[i], name))
            return i;
    cr_assert_fail("no phase %s", name);
    return 0;
}

Test(phase, bad_maps_are_refused_with_the_line)
{
    parse_fails("a 10 20\nb 30\n", "map:2: expected 'name start_pc end_pc'");
    parse_fails("a 10 20 30\n", "map:1: expected");
    parse_fails("a 10 zz\n", "map:1: addresses must be hexadecimal");
    parse_fails("a -10 20\n", "hexadecimal");
    parse_fails("a 20 20\n", "map:1: range a is empty");
    parse_fails("a 30 20\n", "is empty");
    parse_fails("a 10 ffffffffffffffffff\n", "hexadecimal");
    parse_fails("a_name_that_is_far_too_long_for_the_table 10 20\n", "longer than");
    char many[4096] = "";
    for (int i = 0; i < PHASE_MAX_NAMES; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "p%d %x %x\n", i, i * 16,
                 i * 16 + 16);
    parse_fails(many, "more than 31 phase names");
    char err[200] = "";
    cr_assert_null(timing_phases_load("/nonexistent/phase.map", err, sizeof err));
    cr_assert(strstr(err, "cannot open phase map /nonexistent/phase.map"), "%s", err);
}

Test(phase, first_range_in_file_order_wins_and_the_rest_is_other)
{
    struct timing_phases *ph = parse("# comment line\n"
                                     "\n"
                                     "x 0x100 0x200   # trailing comment\n"
                                     "y 150 300\n"
                                     "x 1000 1010\n"
                                     "top fffffffffffff000 ffffffffffffffff\n");
    unsigned x = index_of(ph, "x"), y = index_of(ph, "y"), top = index_of(ph, "top");
    cr_assert_eq(ph->n_names, 4); /* other, x, y, top: x's two ranges share one phase */
    cr_assert_eq(timing_phases_lookup(ph, 0), PHASE_OTHER);
    cr_assert_eq(timing_phases_lookup(ph, 0xff), PHASE_OTHER);
    cr_assert_eq(timing_phases_lookup(ph, 0x100), x);
    cr_assert_eq(timing_phases_lookup(ph, 0x150), x); /* overlap: x comes first */
    cr_assert_eq(timing_phases_lookup(ph, 0x1ff), x);
    cr_assert_eq(timing_phases_lookup(ph, 0x200), y);
    cr_assert_eq(timing_phases_lookup(ph, 0x2ff), y);
    cr_assert_eq(timing_phases_lookup(ph, 0x300), PHASE_OTHER); /* half-open */
    cr_assert_eq(timing_phases_lookup(ph, 0x1008), x);
    cr_assert_eq(timing_phases_lookup(ph, 0x1010), PHASE_OTHER);
    cr_assert_eq(timing_phases_lookup(ph, 0xfffffffffffff800), top);
    cr_assert_eq(timing_phases_lookup(ph, UINT64_MAX), PHASE_OTHER);
    cr_assert_eq(timing_phases_lookup(ph, 0x150), x); /* the cached segment changes back */
    timing_phases_free(ph);
}

/* One instruction of the synthetic stream: its PC, and what it does. */
enum op { OP_ALU, OP_LOAD_R5, OP_USE_R5, OP_TRAP };

static void issue(struct timing *t, uint64_t pc, enum op op)
{
    timing_itlb(t, pc, 0);
    timing_fetch(t, 0x80000000 + pc);
    switch (op) {
    case OP_ALU: timing_alu(t, 6, 1, 2); break;
    case OP_LOAD_R5: timing_load(t, 0x80800000 + pc * 64, 8, 5, 1); break;
    case OP_USE_R5: timing_alu(t, 7, 5, 0); break;
    case OP_TRAP: timing_flush(t, TIMING_FLUSH_TRAP); break;
    }
}

struct step {
    uint64_t pc;
    enum op op;
};

static const struct step stream[] = {
    {0x100, OP_ALU},    {0x104, OP_LOAD_R5}, /* x: a load (a D-cache miss) */
    {0x200, OP_USE_R5},                      /* y: waits for the load: the stall is y's */
    {0x204, OP_TRAP},                        /* y: traps; its refill belongs to the handler */
    {0x400, OP_ALU},    {0x404, OP_ALU},     /* handler (other) */
    {0x108, OP_ALU},                         /* x again; the last one is still in flight */
};
#define STREAM_LEN (sizeof stream / sizeof stream[0])

Test(phase, every_cycle_goes_to_the_instruction_that_spent_it)
{
    /* The reference: the same stream on a model without a profiler, cycle by cycle. */
    struct timing *ref = model();
    uint64_t start[STREAM_LEN + 1];
    for (unsigned i = 0; i < STREAM_LEN; i++) {
        start[i] = timing_cycles(ref);
        issue(ref, stream[i].pc, stream[i].op);
    }
    start[STREAM_LEN] = timing_cycles(ref);
    /* Charged to each instruction: from its issue to the next one's, except that a trap's
     * refill (flush_cycles at the end of the trapping instruction) moves to the next one. */
    uint64_t flush = ref->p.flush_cycles;
    uint64_t cost[STREAM_LEN];
    for (unsigned i = 0; i < STREAM_LEN; i++)
        cost[i] = start[i + 1] - start[i];
    cost[3] -= flush;
    cost[4] += flush;
    cr_assert_gt(cost[2], ref->p.base_cpi, "the use of the load must stall in this stream");

    struct timing *t = model();
    struct timing_phases *ph = parse("x 100 200\ny 200 300\n");
    timing_attach_phases(t, ph);
    for (unsigned i = 0; i < STREAM_LEN; i++)
        issue(t, stream[i].pc, stream[i].op);
    cr_assert_eq(timing_cycles(t), start[STREAM_LEN], "the profiler changed the cycle count");
    struct sim_stats s;
    memset(&s, 0, sizeof s);
    timing_stats(t, &s);
    cr_assert_eq(s.phase_count, 3);
    cr_assert_str_eq(s.phase_names[0], "x");
    cr_assert_str_eq(s.phase_names[1], "y");
    cr_assert_str_eq(s.phase_names[2], "other");
    cr_assert_eq(s.phase_cycles[0], cost[0] + cost[1] + cost[6]);
    cr_assert_eq(s.phase_cycles[1], cost[2] + cost[3]);
    cr_assert_eq(s.phase_cycles[2], cost[4] + cost[5]);
    cr_assert_eq(s.phase_instructions[0], 3);
    cr_assert_eq(s.phase_instructions[1], 2);
    cr_assert_eq(s.phase_instructions[2], 2);
    cr_assert_eq(s.phase_cycles[0] + s.phase_cycles[1] + s.phase_cycles[2], timing_cycles(t));
    cr_assert(!s.phase_windowed);
    timing_destroy(ref);
    timing_destroy(t);
}

Test(phase, two_traps_in_a_row_carry_both_refills_to_the_handler)
{
    struct timing *t = model();
    timing_attach_phases(t, parse("x 100 200\ny 200 300\n"));
    issue(t, 0x100, OP_ALU);
    issue(t, 0x104, OP_TRAP);
    timing_flush(t, TIMING_FLUSH_TRAP); /* a second trap before the handler's first fetch */
    uint64_t before_handler = timing_cycles(t);
    issue(t, 0x200, OP_ALU);
    struct sim_stats s;
    memset(&s, 0, sizeof s);
    timing_stats(t, &s);
    cr_assert_eq(s.phase_cycles[0] + s.phase_cycles[1], timing_cycles(t), "a cycle was lost");
    cr_assert_geq(s.phase_cycles[1], timing_cycles(t) - before_handler + 2 * t->p.flush_cycles,
                  "y must hold both refills");
    timing_destroy(t);
}

Test(phase, a_window_counts_from_start_to_stop_only)
{
    struct timing *t = model();
    struct timing_phases *ph = parse("x 100 200\ny 200 300\n");
    char err[200] = "";
    cr_assert_eq(timing_phases_set_window(ph, 0x104, 0x104, err, sizeof err), -1);
    cr_assert(strstr(err, "must differ"), "%s", err);
    cr_assert_eq(timing_phases_set_window(ph, 0x104, 0x204, err, sizeof err), 0);
    timing_attach_phases(t, ph);
    /* Two passes: 0x100 (before start), 0x104 0x108 (x, in), 0x200 (y, in), 0x204 (stop, out);
     * a stop while closed and a second start while open change nothing. */
    static const uint64_t pcs[] = {0x204, 0x100, 0x104, 0x108, 0x104, 0x200, 0x204,
                                   0x208, 0x100, 0x104, 0x108, 0x200, 0x204};
    enum { N = sizeof pcs / sizeof pcs[0] };
    static const bool counted[N] = {0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0};
    struct timing *ref = model();
    uint64_t expect = 0;
    for (unsigned i = 0; i < N; i++) {
        uint64_t c0 = timing_cycles(ref);
        issue(ref, pcs[i], OP_ALU);
        expect += counted[i] ? timing_cycles(ref) - c0 : 0;
    }
    timing_destroy(ref);
    for (unsigned i = 0; i < N; i++)
        issue(t, pcs[i], OP_ALU);
    struct sim_stats s;
    memset(&s, 0, sizeof s);
    timing_stats(t, &s);
    cr_assert(s.phase_windowed);
    cr_assert_eq(s.phase_windows, 2);
    cr_assert_eq(s.phase_instructions[0], 3 + 2); /* x: 0x104 0x108 0x104 | 0x104 0x108 */
    cr_assert_eq(s.phase_instructions[1], 1 + 1); /* y: 0x200 | 0x200 */
    cr_assert_eq(s.phase_instructions[2], 0);
    uint64_t in_window = s.phase_cycles[0] + s.phase_cycles[1] + s.phase_cycles[2];
    cr_assert_eq(in_window, expect, "window cycles %llu, expected %llu",
                 (unsigned long long)in_window, (unsigned long long)expect);
    cr_assert_lt(in_window, timing_cycles(t), "cycles outside the window were counted");
    timing_destroy(t);
}

Test(phase, stats_text_and_json_show_the_phases)
{
    struct timing *t = model();
    timing_attach_phases(t, parse("x 100 200\n"));
    issue(t, 0x100, OP_ALU);
    issue(t, 0x300, OP_ALU);
    struct sim_stats s;
    memset(&s, 0, sizeof s);
    timing_stats(t, &s);
    char *text = NULL, *json = NULL;
    size_t tn = 0, jn = 0;
    FILE *f = open_memstream(&text, &tn);
    stats_print_text(&s, f);
    fclose(f);
    f = open_memstream(&json, &jn);
    stats_print_json(&s, f);
    fclose(f);
    cr_assert(strstr(text, "phases (--phase-map), whole run"), "%s", text);
    cr_assert(strstr(text, "  x "), "%s", text);
    cr_assert(strstr(json, "\"phases\": [{\"name\": \"x\", \"cycles\": "), "%s", json);
    cr_assert(strstr(json, "\"instructions\": 1}, {\"name\": \"other\""), "%s", json);
    free(text);
    free(json);
    timing_destroy(t);
}

/* A `caller` range is charged to the phase of the return address (x1): a shared leaf function
 * called from x counts as x, called from elsewhere as other, and without the hart's x1 as other. */
Test(phase, caller_ranges_go_to_the_phase_of_the_return_address)
{
    struct timing *t = model();
    struct timing_phases *ph = parse("x 100 200\ncaller 300 400\n");
    unsigned x = index_of(ph, "x"), caller = index_of(ph, "caller");
    uint64_t ra = 0x180;
    ph->ra = &ra;
    timing_attach_phases(t, ph);
    issue(t, 0x100, OP_ALU);
    issue(t, 0x300, OP_ALU); /* called from x: x's */
    issue(t, 0x304, OP_ALU);
    ra = 0x500;
    issue(t, 0x308, OP_ALU); /* called from other code: other's */
    ra = 0x310;
    issue(t, 0x30c, OP_ALU); /* x1 inside a caller range: other's, not a loop */
    issue(t, 0x100, OP_ALU);
    cr_assert_eq(ph->instructions[x], 4);
    cr_assert_eq(ph->instructions[PHASE_OTHER], 2);
    cr_assert_eq(ph->instructions[caller], 0, "nothing stays with `caller` itself");
    ph->ra = NULL;
    issue(t, 0x300, OP_ALU);
    cr_assert_eq(ph->instructions[PHASE_OTHER], 3, "without x1 a caller range is other");
    timing_destroy(t);
}
