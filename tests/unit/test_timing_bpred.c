/* Branch prediction: BHT learning, mispredict charges, BTB targets and LRU, the RAS. */
#include <criterion/criterion.h>

#include "timing.h"

static struct timing *model(struct timing_params *p)
{
    char err[200] = "";
    struct timing *t = timing_create(p, err, sizeof err);
    cr_assert_not_null(t, "timing_create: %s", err);
    return t;
}

/* One branch instruction, fetched from an already warm line; returns the cycles it took. */
static uint64_t branch(struct timing *t, uint64_t pc, bool taken, uint64_t target)
{
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x1000);
    timing_branch(t, pc, 0, 0, taken, target);
    return timing_cycles(t) - c0;
}

static uint64_t jump(struct timing *t, uint64_t pc, uint64_t target, unsigned flags)
{
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x1000);
    timing_jump(t, pc, target, pc + 4, flags & TIMING_JUMP_CALL ? 1 : 0,
                flags & TIMING_JUMP_RETURN ? 1 : 0, flags);
    return timing_cycles(t) - c0;
}

static void simple_predictor(struct timing_params *p)
{
    timing_params_defaults(p);
    p->bht_history_bits = 0; /* a bimodal BHT: each branch trains its own counter */
    p->mispredict_penalty = 5;
}

Test(bpred, bht_learns_a_loop)
{
    struct timing_params p;
    simple_predictor(&p);
    struct timing *t = model(&p);
    timing_fetch(t, 0x1000); /* warm the fetch line */
    const uint64_t pc = 0x2000, top = 0x1f00;
    const unsigned trips = 10, runs = 4;
    uint64_t per_run[4];
    for (unsigned r = 0; r < runs; r++) {
        uint64_t before = t->n.branch_mispredicts;
        for (unsigned i = 0; i < trips; i++)
            branch(t, pc, i + 1 < trips, top); /* taken back to the top, but not on the exit */
        per_run[r] = t->n.branch_mispredicts - before;
    }
    /* First run: the first taken instance is unknown to the BTB, and the exit is mispredicted.
     * Afterwards the counter stays "taken" through the exit: only the exit mispredicts. */
    cr_assert_eq(per_run[0], 2);
    for (unsigned r = 1; r < runs; r++)
        cr_assert_eq(per_run[r], 1, "run %u", r);
    cr_assert_eq(t->n.branches, trips * runs);
    cr_assert_eq(t->n.cycles_mispredict, (2 + runs - 1) * p.mispredict_penalty);
    timing_destroy(t);
}

Test(bpred, mispredict_charges_the_penalty)
{
    struct timing_params p;
    simple_predictor(&p);
    p.mispredict_penalty = 7;
    struct timing *t = model(&p);
    timing_fetch(t, 0x1000);
    cr_assert_eq(branch(t, 0x2100, false, 0x3000), p.base_cpi, "unknown, not taken: right");
    cr_assert_eq(branch(t, 0x2000, true, 0x3000), p.base_cpi + p.mispredict_penalty);
    cr_assert_eq(branch(t, 0x2000, true, 0x3000), p.base_cpi, "now in the BTB, counter taken");
    cr_assert_eq(branch(t, 0x2000, true, 0x3100), p.base_cpi + p.mispredict_penalty,
                 "right direction, wrong target");
    cr_assert_eq(branch(t, 0x2000, true, 0x3100), p.base_cpi, "target relearned");
    timing_destroy(t);
}

Test(bpred, branch_waits_for_its_operands)
{
    struct timing_params p;
    simple_predictor(&p);
    p.load_latency = 4;
    struct timing *t = model(&p);
    timing_fetch(t, 0x1000);
    timing_load(t, 0x8000, 8, 10, 0); /* cold D-cache: the miss is charged to the load */
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x1004);
    timing_branch(t, 0x1004, 10, 0, false, 0x1100);
    cr_assert_eq(timing_cycles(t) - c0, p.load_latency);
    timing_destroy(t);
}

Test(bpred, btb_replaces_the_least_recently_used_entry)
{
    struct timing_params p;
    simple_predictor(&p);
    p.btb_entries = 2;
    struct timing *t = model(&p);
    timing_fetch(t, 0x1000);
    const uint64_t a = 0x2000, b = 0x2100, c = 0x2200;
    jump(t, a, 0x5000, 0); /* learn a, b */
    jump(t, b, 0x5000, 0);
    cr_assert_eq(jump(t, a, 0x5000, 0), p.base_cpi, "a hits and becomes MRU");
    cr_assert_eq(jump(t, c, 0x5000, 0), p.base_cpi + p.mispredict_penalty, "c evicts b");
    cr_assert_eq(jump(t, a, 0x5000, 0), p.base_cpi, "a survived");
    cr_assert_eq(jump(t, b, 0x5000, 0), p.base_cpi + p.mispredict_penalty, "b was evicted");
    cr_assert_eq(t->n.jump_mispredicts, 4);
    timing_destroy(t);
}

Test(bpred, btb_index_survives_heavy_replacement)
{
    /* Many more jump sites than entries, in an order that wraps the hash index: every lookup
     * must agree with a plain LRU list. */
    struct timing_params p;
    simple_predictor(&p);
    p.btb_entries = 5;
    struct timing *t = model(&p);
    timing_fetch(t, 0x1000);
    uint64_t order[5] = {0}; /* the model of the BTB: pcs, most recent last */
    unsigned n = 0, wrong = 0;
    uint64_t x = 7;
    for (unsigned i = 0; i < 5000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t pc = 0x4000 + ((x >> 33) % 9) * 0x40;
        unsigned pos = n;
        for (unsigned k = 0; k < n; k++)
            if (order[k] == pc)
                pos = k;
        bool expect_hit = pos < n;
        if (expect_hit) {
            for (unsigned k = pos; k + 1 < n; k++)
                order[k] = order[k + 1];
            order[n - 1] = pc;
        } else if (n < 5) {
            order[n++] = pc;
        } else {
            for (unsigned k = 0; k + 1 < n; k++)
                order[k] = order[k + 1];
            order[n - 1] = pc;
        }
        uint64_t cost = jump(t, pc, 0x9000, 0);
        if ((cost == p.base_cpi) != expect_hit)
            wrong++;
    }
    cr_assert_eq(wrong, 0);
    timing_destroy(t);
}

Test(bpred, return_address_stack)
{
    struct timing_params p;
    simple_predictor(&p);
    p.ras_entries = 2;
    struct timing *t = model(&p);
    timing_fetch(t, 0x1000);
    const uint64_t miss = p.base_cpi + p.mispredict_penalty, hit = p.base_cpi;
    cr_assert_eq(jump(t, 0x2000, 0x8000, TIMING_JUMP_CALL), miss, "cold call site");
    cr_assert_eq(jump(t, 0x8010, 0x9000, TIMING_JUMP_CALL), miss);
    cr_assert_eq(jump(t, 0x9020, 0x8014, TIMING_JUMP_RETURN | TIMING_JUMP_INDIRECT), hit);
    cr_assert_eq(jump(t, 0x8030, 0x2004, TIMING_JUMP_RETURN | TIMING_JUMP_INDIRECT), hit);
    cr_assert_eq(jump(t, 0x8030, 0x2004, TIMING_JUMP_RETURN | TIMING_JUMP_INDIRECT), miss,
                 "empty stack");
    /* Three nested calls on a two-entry stack: the outermost return address is lost. */
    jump(t, 0x2000, 0x8000, TIMING_JUMP_CALL);
    jump(t, 0x8010, 0x9000, TIMING_JUMP_CALL);
    jump(t, 0x9010, 0xa000, TIMING_JUMP_CALL);
    cr_assert_eq(jump(t, 0xa020, 0x9014, TIMING_JUMP_RETURN), hit);
    cr_assert_eq(jump(t, 0x9020, 0x8014, TIMING_JUMP_RETURN), hit);
    cr_assert_eq(jump(t, 0x8020, 0x2004, TIMING_JUMP_RETURN), miss, "overwritten");
    cr_assert_eq(jump(t, 0x9020, 0x1234, TIMING_JUMP_RETURN), miss);
    timing_destroy(t);
}

Test(bpred, jump_link_register_is_ready_next_cycle)
{
    struct timing_params p;
    simple_predictor(&p);
    struct timing *t = model(&p);
    timing_fetch(t, 0x1000);
    jump(t, 0x1000, 0x1010, TIMING_JUMP_CALL); /* writes x1 */
    uint64_t c0 = timing_cycles(t);
    timing_fetch(t, 0x1010);
    timing_alu(t, 2, 1, 0);
    cr_assert_eq(timing_cycles(t) - c0, p.base_cpi);
    timing_destroy(t);
}

Test(bpred, bht_unlearns_a_branch_that_stops_being_taken)
{
    struct timing_params p;
    simple_predictor(&p);
    struct timing *t = model(&p);
    timing_fetch(t, 0x1000);
    branch(t, 0x2000, true, 0x3000); /* into the BTB, counter now weakly taken */
    cr_assert_eq(branch(t, 0x2000, false, 0x3000), p.base_cpi + p.mispredict_penalty);
    for (unsigned i = 0; i < 5; i++)
        cr_assert_eq(branch(t, 0x2000, false, 0x3000), p.base_cpi, "instance %u", i);
    timing_destroy(t);
}

static unsigned alternating_mispredicts(unsigned history_bits)
{
    struct timing_params p;
    simple_predictor(&p);
    p.bht_history_bits = history_bits;
    struct timing *t = model(&p);
    timing_fetch(t, 0x1000);
    for (unsigned i = 0; i < 40; i++) /* warm up */
        branch(t, 0x2000, i & 1, 0x3000);
    uint64_t before = t->n.branch_mispredicts;
    for (unsigned i = 0; i < 40; i++)
        branch(t, 0x2000, i & 1, 0x3000);
    unsigned wrong = (unsigned)(t->n.branch_mispredicts - before);
    timing_destroy(t);
    return wrong;
}

Test(bpred, global_history_learns_an_alternating_branch)
{
    cr_assert_eq(alternating_mispredicts(4), 0, "two histories, two counters");
    /* One counter: it swings between 0 and 1, so every taken instance is mispredicted. */
    cr_assert_eq(alternating_mispredicts(0), 20);
}
