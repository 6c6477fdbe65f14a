/* Interrupts against the privileged spec 1.12 (section 3.1.9): which one is taken when (enables,
 * priority, delegation), taken by a running program, and WFI. */
#include "cpu_fixture.h"

TestSuite(irq, .init = cpu_setup, .fini = cpu_teardown);

static bool can_write(unsigned no, uint64_t v)
{
    return csr_write(h, no, v);
}

static void set_mstatus(uint64_t set, uint64_t clear)
{
    h->csr.mstatus = (h->csr.mstatus | set) & ~clear;
}

static void pending(uint64_t mip)
{
    h->mip_hw = 0;
    h->csr.mip = 0;
    hart_set_mip(h, mip, true);
}

/* ---- Interrupts: which one is taken (§3.1.9) ---- */

Test(irq, m_level_needs_mie_in_m_mode_only)
{
    cr_assert(can_write(CSR_MIE, MIP_MTIP));
    pending(MIP_MTIP);
    set_priv(PRIV_M);
    set_mstatus(0, MSTATUS_MIE);
    cr_expect_eq(hart_pending_irq(h), -1, "taken with mstatus.MIE = 0 in M-mode");
    set_mstatus(MSTATUS_MIE, 0);
    cr_expect_eq(hart_pending_irq(h), IRQ_M_TIMER);
    set_mstatus(0, MSTATUS_MIE);
    set_priv(PRIV_S);
    cr_expect_eq(hart_pending_irq(h), IRQ_M_TIMER, "an M interrupt is always enabled below M");
    set_priv(PRIV_U);
    cr_expect_eq(hart_pending_irq(h), IRQ_M_TIMER);
    /* mie gates it everywhere. */
    h->csr.mie = 0;
    cr_expect_eq(hart_pending_irq(h), -1);
}

Test(irq, priority_order)
{
    cr_assert(can_write(CSR_MIE, MIP_ALL));
    set_priv(PRIV_M);
    set_mstatus(MSTATUS_MIE, 0);
    pending(MIP_ALL);
    cr_expect_eq(hart_pending_irq(h), IRQ_M_EXT);
    pending(MIP_ALL & ~MIP_MEIP);
    cr_expect_eq(hart_pending_irq(h), IRQ_M_SOFT);
    pending(MIP_ALL & ~(MIP_MEIP | MIP_MSIP));
    cr_expect_eq(hart_pending_irq(h), IRQ_M_TIMER);
    pending(MIP_SEIP | MIP_SSIP | MIP_STIP);
    cr_expect_eq(hart_pending_irq(h), IRQ_S_EXT, "undelegated S interrupts are M-level");
    pending(MIP_SSIP | MIP_STIP);
    cr_expect_eq(hart_pending_irq(h), IRQ_S_SOFT);
    pending(MIP_STIP);
    cr_expect_eq(hart_pending_irq(h), IRQ_S_TIMER);
}

Test(irq, delegated_interrupts_go_to_s_mode)
{
    cr_assert(can_write(CSR_MIDELEG, MIP_S_MASK));
    cr_assert(can_write(CSR_MIE, MIP_ALL));
    pending(MIP_SEIP | MIP_SSIP | MIP_STIP);

    set_priv(PRIV_M);
    set_mstatus(MSTATUS_MIE | MSTATUS_SIE, 0);
    cr_expect_eq(hart_pending_irq(h), -1, "a delegated interrupt was taken in M-mode");

    set_priv(PRIV_S);
    set_mstatus(0, MSTATUS_SIE);
    cr_expect_eq(hart_pending_irq(h), -1, "taken in S-mode with SIE = 0");
    set_mstatus(MSTATUS_SIE, 0);
    cr_expect_eq(hart_pending_irq(h), IRQ_S_EXT);
    pending(MIP_SSIP | MIP_STIP);
    cr_expect_eq(hart_pending_irq(h), IRQ_S_SOFT);

    set_priv(PRIV_U);
    set_mstatus(0, MSTATUS_SIE);
    cr_expect_eq(hart_pending_irq(h), IRQ_S_SOFT, "S interrupts are always enabled in U-mode");

    /* An M-level interrupt comes before any S-level one, whatever the numbers. */
    set_priv(PRIV_S);
    set_mstatus(MSTATUS_SIE, 0);
    pending(MIP_SEIP | MIP_MTIP);
    cr_expect_eq(hart_pending_irq(h), IRQ_M_TIMER);
}

/* End to end: a software interrupt raised through mip is taken at the next block boundary,
 * vectored, with mepc at the instruction that did not run. */
Test(irq, taken_by_the_running_hart)
{
    /* Vector table at HALT - 4: interrupt 1 lands on the halt stub. */
    cr_assert(can_write(CSR_MTVEC, (HALT - 4 * IRQ_S_SOFT) | 1));
    cr_assert(can_write(CSR_MIE, MIP_SSIP));
    PROGRAM(CODE, LI(A0, 2), CSRRS(X0, CSR_MIP, A0), LI(A1, 5), LI(A1, 6), EBREAK);
    h->csr.mstatus |= MSTATUS_MIE;
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(h->csr.mcause, (1ULL << 63) | IRQ_S_SOFT);
    cr_expect_eq(h->csr.mepc, CODE + 8, "mepc 0x%llx", (unsigned long long)h->csr.mepc);
    cr_expect_eq(h->x[A1], 0, "an instruction after the enabling write ran first");
    cr_expect_not(h->csr.mstatus & MSTATUS_MIE);
    cr_expect(h->csr.mstatus & MSTATUS_MPIE);
}

/* mip.SEIP reads as the OR of the software bit and the PLIC's line, but only the software bit
 * takes part in the read-modify-write of csrrs/csrrc (§3.1.9). Setting SSIP while the line is
 * high must not latch SEIP into the software bit.
 * (A regression test: do_csr used to build the new value from csr_read's OR of both.) */
Test(irq, csrrs_on_mip_does_not_latch_the_external_line)
{
    hart_set_mip(h, MIP_SEIP, true);
    PROGRAM(CODE, LI(A0, (int32_t)MIP_SSIP), CSRRS(A1, CSR_MIP, A0), EBREAK);
    run_at(CODE, PRIV_M, 1000);
    cr_expect(h->x[A1] & MIP_SEIP, "the line did not show in the read");
    hart_set_mip(h, MIP_SEIP, false);
    cr_expect_eq(csr(CSR_MIP) & MIP_SEIP, 0, "SEIP stayed pending after the PLIC lowered it");
    cr_expect(csr(CSR_MIP) & MIP_SSIP);
}

/* mcountinhibit: a bit that reads back as set stops its counter (§3.1.13). xpcsim hardwires the
 * register to zero; this holds whichever way an implementation goes. */

Test(irq, wfi_resumes_with_interrupts_globally_disabled)
{
    cr_assert(csr_write(h, CSR_MIE, MIP_SSIP));
    cr_assert(csr_write(h, CSR_MIP, MIP_SSIP));
    h->csr.mstatus &= ~MSTATUS_MIE;
    PROGRAM(CODE, 0x10500073 /* wfi */, LI(A0, 1), EBREAK);
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(h->csr.mcause, CAUSE_BREAKPOINT);
    cr_expect_eq(h->csr.mepc, CODE + 8);
    cr_expect_eq(h->x[A0], 1);
}

/* An instruction that raises an exception does not retire: minstret read by the trap handler
 * counts the instructions before the ecall only. */
