/* Debug triggers (sim/trigger.c) against the debug specification 1.0 (Sdtrig): the CSRs' WARL
 * rules, execute/load/store matching in each mode, the breakpoint exception with the address in
 * tval, the soft TLB's fast path seeing a trigger armed after it filled, and the debugger's
 * triggers (dmode, action 1) halting the hart instead of trapping. */
#include "cpu_fixture.h"
#include "trigger.h"

TestSuite(trigger, .init = cpu_setup, .fini = cpu_teardown);

#define MCONTROL ((uint64_t)TRIGGER_TYPE_MCONTROL << TDATA1_TYPE_SHIFT)

static void arm(unsigned index, uint64_t tdata1, uint64_t addr)
{
    unsigned priv = h->priv;
    set_priv(PRIV_M);
    cr_assert(csr_write(h, CSR_TSELECT, index));
    cr_assert(csr_write(h, CSR_TDATA2, addr));
    cr_assert(csr_write(h, CSR_TDATA1, tdata1));
    set_priv(priv);
}

Test(trigger, csrs_are_m_mode_only)
{
    uint64_t v;
    set_priv(PRIV_S);
    cr_expect_not(csr_read(h, CSR_TSELECT, &v));
    cr_expect_not(csr_write(h, CSR_TDATA1, 0));
    set_priv(PRIV_M);
    cr_expect(csr_read(h, CSR_TSELECT, &v));
    cr_expect(csr_read(h, CSR_TDATA3, &v));
}

Test(trigger, tselect_is_warl_over_the_triggers)
{
    set_priv(PRIV_M);
    cr_assert(csr_write(h, CSR_TSELECT, TRIGGER_COUNT - 1));
    cr_expect_eq(csr(CSR_TSELECT), TRIGGER_COUNT - 1);
    cr_assert(csr_write(h, CSR_TSELECT, TRIGGER_COUNT));
    cr_expect_eq(csr(CSR_TSELECT), TRIGGER_COUNT - 1, "an index past the last is ignored");
    cr_expect_eq(csr(CSR_TINFO), (1u << 2) | (1u << 6), "mcontrol and mcontrol6");
    cr_expect_eq(csr(CSR_TDATA1), MCONTROL, "disarmed mcontrol at reset");
}

Test(trigger, tdata1_keeps_only_what_is_implemented)
{
    set_priv(PRIV_M);
    uint64_t wanted = MCONTROL | MCONTROL_M | MCONTROL_U | MCONTROL_LOAD | (1ULL << 16);
    uint64_t junk = TDATA1_DMODE | (1ULL << MCONTROL_ACTION_SHIFT) | (2ULL << 7) | (1ULL << 11);
    cr_assert(csr_write(h, CSR_TDATA1, wanted | junk));
    cr_expect_eq(csr(CSR_TDATA1), wanted, "dmode, action, match and chain are the debugger's");
    cr_assert(csr_write(h, CSR_TDATA1, 3ULL << TDATA1_TYPE_SHIFT)); /* icount: not here */
    cr_expect_eq(csr(CSR_TDATA1), wanted, "a type this hart lacks is ignored");
    cr_assert(csr_write(h, CSR_TDATA1, 0));
    cr_expect_eq(csr(CSR_TDATA1), MCONTROL, "type 0 disarms");
    uint64_t six = (6ULL << TDATA1_TYPE_SHIFT) | MCONTROL_S | MCONTROL_STORE | (5ULL << 16);
    cr_assert(csr_write(h, CSR_TDATA1, six));
    cr_expect_eq(csr(CSR_TDATA1), six, "mcontrol6 with size 8");
}

Test(trigger, none_armed_costs_nothing)
{
    cr_expect_not(h->debug_step);
    cr_expect_eq(h->trig.execute | h->trig.load | h->trig.store, 0);
    arm(0, MCONTROL | MCONTROL_M | MCONTROL_EXECUTE, CODE);
    cr_expect(h->debug_step, "an execute trigger makes the loop look at each instruction");
    arm(0, MCONTROL, 0);
    cr_expect_not(h->debug_step);
}

Test(trigger, execute_fires_before_the_instruction)
{
    PROGRAM(CODE, LI(A0, 1), LI(A0, 2), LI(A0, 3), EBREAK);
    arm(1, MCONTROL | MCONTROL_M | MCONTROL_EXECUTE, CODE + 8);
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(csr(CSR_MCAUSE), CAUSE_BREAKPOINT);
    cr_expect_eq(csr(CSR_MEPC), CODE + 8);
    cr_expect_eq(csr(CSR_MTVAL), CODE + 8, "tval is the trigger's address");
    cr_expect_eq(h->x[A0], 2, "the instruction at the trigger did not run");
}

Test(trigger, execute_matches_only_its_modes)
{
    PROGRAM(CODE, LI(A0, 1), LI(A0, 2), EBREAK);
    arm(0, MCONTROL | MCONTROL_U | MCONTROL_EXECUTE, CODE + 4);
    run_at(CODE, PRIV_S, 1000);
    cr_expect_eq(csr(CSR_MEPC), CODE + 8, "S ran past a U-only trigger to the ebreak");
    run_at(CODE, PRIV_U, 1000);
    cr_expect_eq(csr(CSR_MEPC), CODE + 4, "U stopped at it");
    cr_expect_eq(csr(CSR_MCAUSE), CAUSE_BREAKPOINT);
}

Test(trigger, load_fires_after_the_tlb_was_filled)
{
    poke64(DATA + 8, 0x1111);
    PROGRAM(CODE, LA(A0, DATA), LD(A1, A0, 8), EBREAK);
    run_at(CODE, PRIV_M, 1000); /* the fast path now holds the page */
    cr_assert_eq(h->x[A1], 0x1111);
    h->x[A1] = 0;
    arm(0, MCONTROL | MCONTROL_M | MCONTROL_LOAD, DATA + 8);
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(csr(CSR_MCAUSE), CAUSE_BREAKPOINT);
    cr_expect_eq(csr(CSR_MEPC), CODE + 20, "at the load");
    cr_expect_eq(csr(CSR_MTVAL), DATA + 8);
    cr_expect_eq(h->x[A1], 0, "the load did not complete");
}

Test(trigger, store_fires_before_memory_changes_and_not_on_loads)
{
    poke64(DATA + 16, 7);
    PROGRAM(CODE, LA(A0, DATA), LI(A1, 9), LD(A2, A0, 16), SD(A1, A0, 16), EBREAK);
    arm(2, MCONTROL | MCONTROL_S | MCONTROL_STORE, DATA + 16);
    run_at(CODE, PRIV_S, 1000);
    cr_expect_eq(h->x[A2], 7, "a load does not fire a store trigger");
    cr_expect_eq(csr(CSR_MEPC), CODE + 28, "at the store");
    cr_expect_eq(csr(CSR_MTVAL), DATA + 16);
    cr_expect_eq(peek64(DATA + 16), 7, "memory unchanged");
}

Test(trigger, store_sized_watch_covers_its_bytes)
{
    /* mcontrol6 size 2 (16 bits) at DATA + 2: a word store at DATA overlaps it */
    PROGRAM(CODE, LA(A0, DATA), SW(X0, A0, 8), SW(X0, A0, 0), EBREAK);
    arm(0, (6ULL << TDATA1_TYPE_SHIFT) | MCONTROL_M | MCONTROL_STORE | (2ULL << 16), DATA + 2);
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(csr(CSR_MEPC), CODE + 24);
    cr_expect_eq(csr(CSR_MTVAL), DATA + 2, "the first watched byte the store touches");
}

Test(trigger, debugger_trigger_halts_without_a_trap)
{
    poke64(DATA, 5);
    PROGRAM(CODE, LA(A0, DATA), LI(A1, 6), SD(A1, A0, 0), EBREAK);
    trigger_set_debugger(h, TRIGGER_COUNT - 1, DATA, 8, MCONTROL_STORE);
    m->exit.requested = false;
    h->pc = CODE;
    set_priv(PRIV_M);
    uint64_t traps = h->trap_count[CAUSE_BREAKPOINT];
    hart_run(h, 1000);
    cr_expect(h->debug_halt);
    cr_expect_not(m->exit.requested, "no trap reached the halt stub");
    cr_expect_eq(h->pc, CODE + 24, "stopped at the store");
    cr_expect_eq(h->trig.hit, TRIGGER_COUNT - 1);
    cr_expect_eq(h->trig.hit_addr, DATA);
    cr_expect_eq(peek64(DATA), 5);
    cr_expect_eq(h->trap_count[CAUSE_BREAKPOINT], traps);
    /* M-mode software cannot take the debugger's trigger away */
    cr_assert(csr_write(h, CSR_TSELECT, TRIGGER_COUNT - 1));
    uint64_t before = csr(CSR_TDATA1);
    cr_assert(csr_write(h, CSR_TDATA1, 0));
    cr_expect_eq(csr(CSR_TDATA1), before);
    cr_expect(before & TDATA1_DMODE);
}

Test(trigger, one_at_a_time_across_a_page_boundary)
{
    /* a 4-byte instruction straddling two pages is decoded alone into the loop's scratch */
    PROGRAM(CODE, JAL(X0, 0xffe));
    poke32(CODE + 0xffe - 2, 0x00010001); /* c.nop c.nop before it, never run */
    uint32_t li = LI(A0, 5), ebreak = EBREAK;
    memcpy(ram(CODE + 0xffe), &li, 4);
    memcpy(ram(CODE + 0x1002), &ebreak, 4);
    machine_store_hook(m, CODE + 0xffe);
    arm(0, MCONTROL | MCONTROL_M | MCONTROL_EXECUTE, CODE + 0x2000); /* never reached */
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(h->x[A0], 5);
    cr_expect_eq(csr(CSR_MEPC), CODE + 0x1002, "at the ebreak");
    arm(0, MCONTROL | MCONTROL_M | MCONTROL_EXECUTE, CODE + 0xffe);
    h->x[A0] = 0;
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(csr(CSR_MEPC), CODE + 0xffe, "the trigger on the straddling instruction");
    cr_expect_eq(h->x[A0], 0);
}
