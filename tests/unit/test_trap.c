/* Traps (sim/trap.c) against the privileged spec 1.12: entry to M and S (delegation, never
 * downwards), direct and vectored vectors, mret/sret, ecall causes, privileged instructions below
 * their level, and a trapping instruction that does not retire. */
#include "cpu_fixture.h"

TestSuite(trap, .init = cpu_setup, .fini = cpu_teardown);

static bool can_write(unsigned no, uint64_t v)
{
    return csr_write(h, no, v);
}

static void set_mstatus(uint64_t set, uint64_t clear)
{
    h->csr.mstatus = (h->csr.mstatus | set) & ~clear;
}

/* ---- Traps ---- */

Test(trap, exception_to_m_mode)
{
    cr_assert(can_write(CSR_MTVEC, 0x80004000));
    set_priv(PRIV_S);
    set_mstatus(MSTATUS_MIE, MSTATUS_MPIE | MSTATUS_MPP);
    h->pc = 0x80001234;
    hart_trap(h, CAUSE_LOAD_PAGE_FAULT, 0xdeadbeef);
    cr_expect_eq(h->priv, PRIV_M);
    cr_expect_eq(h->pc, 0x80004000);
    cr_expect_eq(h->csr.mepc, 0x80001234);
    cr_expect_eq(h->csr.mcause, CAUSE_LOAD_PAGE_FAULT);
    cr_expect_eq(h->csr.mtval, 0xdeadbeef);
    uint64_t s = h->csr.mstatus;
    cr_expect_eq((s & MSTATUS_MPP) >> 11, PRIV_S, "MPP = the trapped privilege");
    cr_expect(s & MSTATUS_MPIE, "MPIE = the old MIE");
    cr_expect_not(s & MSTATUS_MIE, "MIE cleared");
}

/* medeleg sends an exception from S or U to S; traps never go to a lower privilege. */
Test(trap, delegation_to_s_mode)
{
    cr_assert(can_write(CSR_MEDELEG, 1ULL << CAUSE_BREAKPOINT));
    cr_assert(can_write(CSR_STVEC, 0x80005000));
    cr_assert(can_write(CSR_MTVEC, 0x80004000));

    set_priv(PRIV_U);
    set_mstatus(MSTATUS_SIE, MSTATUS_SPIE | MSTATUS_SPP);
    h->pc = 0x10010;
    hart_trap(h, CAUSE_BREAKPOINT, 0x10010);
    cr_expect_eq(h->priv, PRIV_S);
    cr_expect_eq(h->pc, 0x80005000);
    cr_expect_eq(h->csr.sepc, 0x10010);
    cr_expect_eq(h->csr.scause, CAUSE_BREAKPOINT);
    cr_expect_eq(h->csr.stval, 0x10010);
    cr_expect_not(h->csr.mstatus & MSTATUS_SPP, "SPP = U");
    cr_expect(h->csr.mstatus & MSTATUS_SPIE, "SPIE = the old SIE");
    cr_expect_not(h->csr.mstatus & MSTATUS_SIE);
    cr_expect_eq(h->csr.mcause, 0, "M-mode trap state touched");

    /* From S: to S, with SPP = S. */
    h->pc = 0x80005010;
    hart_trap(h, CAUSE_BREAKPOINT, 0);
    cr_expect_eq(h->priv, PRIV_S);
    cr_expect(h->csr.mstatus & MSTATUS_SPP, "SPP = S");
    cr_expect_not(h->csr.mstatus & MSTATUS_SPIE, "SPIE = SIE, which the first trap cleared");

    /* From M: stays in M although delegated. */
    set_priv(PRIV_M);
    h->pc = 0x80000100;
    hart_trap(h, CAUSE_BREAKPOINT, 0);
    cr_expect_eq(h->priv, PRIV_M);
    cr_expect_eq(h->pc, 0x80004000);
    cr_expect_eq(h->csr.mcause, CAUSE_BREAKPOINT);
    cr_expect_eq(h->csr.mepc, 0x80000100);

    /* An undelegated cause from U goes to M. */
    set_priv(PRIV_U);
    h->pc = 0x10020;
    hart_trap(h, CAUSE_ECALL_U, 0);
    cr_expect_eq(h->priv, PRIV_M);
    cr_expect_eq(h->csr.mcause, CAUSE_ECALL_U);
    cr_expect_eq((h->csr.mstatus & MSTATUS_MPP) >> 11, PRIV_U);
}

/* Vectored mode: interrupts go to BASE + 4 * cause, exceptions to BASE. */
Test(trap, vectored_and_direct_vectors)
{
    cr_assert(can_write(CSR_MTVEC, 0x80004001));
    set_priv(PRIV_M);
    hart_trap(h, (1ULL << 63) | IRQ_M_TIMER, 0);
    cr_expect_eq(h->pc, 0x80004000 + 4 * IRQ_M_TIMER);
    cr_expect_eq(h->csr.mcause, (1ULL << 63) | IRQ_M_TIMER);
    hart_trap(h, CAUSE_ILLEGAL_INSN, 0);
    cr_expect_eq(h->pc, 0x80004000, "an exception used the vector table");

    cr_assert(can_write(CSR_MIDELEG, MIP_SEIP));
    cr_assert(can_write(CSR_STVEC, 0x80006001));
    set_priv(PRIV_U);
    hart_trap(h, (1ULL << 63) | IRQ_S_EXT, 0);
    cr_expect_eq(h->priv, PRIV_S);
    cr_expect_eq(h->pc, 0x80006000 + 4 * IRQ_S_EXT);
    cr_expect_eq(h->csr.scause, (1ULL << 63) | IRQ_S_EXT);

    set_priv(PRIV_M);
    cr_assert(can_write(CSR_MTVEC, 0x80004000));
    hart_trap(h, (1ULL << 63) | IRQ_M_EXT, 0);
    cr_expect_eq(h->pc, 0x80004000, "direct mode used the vector table");
}

Test(trap, mret_restores_state)
{
    cr_assert(can_write(CSR_MEPC, 0x80007000));
    set_priv(PRIV_M);
    set_mstatus(MSTATUS_MPIE | MSTATUS_MPRV | (1ULL << 11), MSTATUS_MIE | (2ULL << 11));
    hart_mret(h);
    cr_expect_eq(h->priv, PRIV_S);
    cr_expect_eq(h->pc, 0x80007000);
    uint64_t s = h->csr.mstatus;
    cr_expect(s & MSTATUS_MIE, "MIE = MPIE");
    cr_expect(s & MSTATUS_MPIE, "MPIE = 1");
    cr_expect_eq((s & MSTATUS_MPP) >> 11, PRIV_U, "MPP = U");
    cr_expect_not(s & MSTATUS_MPRV, "MPRV cleared on a return below M");

    /* To M: MPRV stays. */
    set_priv(PRIV_M);
    set_mstatus(MSTATUS_MPRV | MSTATUS_MPP, MSTATUS_MPIE);
    hart_mret(h);
    cr_expect_eq(h->priv, PRIV_M);
    cr_expect(h->csr.mstatus & MSTATUS_MPRV);
    cr_expect_not(h->csr.mstatus & MSTATUS_MIE, "MIE = MPIE = 0");
}

Test(trap, sret_restores_state)
{
    cr_assert(can_write(CSR_SEPC, 0x10100));
    set_priv(PRIV_S);
    set_mstatus(MSTATUS_SPIE | MSTATUS_MPRV, MSTATUS_SIE | MSTATUS_SPP);
    hart_sret(h);
    cr_expect_eq(h->priv, PRIV_U);
    cr_expect_eq(h->pc, 0x10100);
    cr_expect(h->csr.mstatus & MSTATUS_SIE, "SIE = SPIE");
    cr_expect(h->csr.mstatus & MSTATUS_SPIE, "SPIE = 1");
    cr_expect_not(h->csr.mstatus & MSTATUS_MPRV);

    set_priv(PRIV_S);
    set_mstatus(MSTATUS_SPP, MSTATUS_SPIE);
    hart_sret(h);
    cr_expect_eq(h->priv, PRIV_S);
    cr_expect_not(h->csr.mstatus & MSTATUS_SPP, "SPP = U after sret");
    cr_expect_not(h->csr.mstatus & MSTATUS_SIE);
}

/* End to end: ecall's cause names the privilege it came from; xRET and WFI are privileged. */
Test(trap, ecall_causes_by_privilege)
{
    static const struct {
        unsigned priv;
        uint64_t cause;
    } cases[] = {{PRIV_U, 8}, {PRIV_S, 9}, {PRIV_M, 11}};
    PROGRAM(CODE, NOP, ECALL);
    for (size_t i = 0; i < 3; i++) {
        run_at(CODE, cases[i].priv, 1000);
        cr_expect_eq(h->csr.mcause, cases[i].cause, "ecall from %u", cases[i].priv);
        cr_expect_eq(h->csr.mepc, CODE + 4);
        cr_expect_eq(h->csr.mtval, 0);
        cr_expect_eq((h->csr.mstatus & MSTATUS_MPP) >> 11, cases[i].priv);
    }
}

static void expect_illegal_at(uint32_t insn, unsigned priv)
{
    PROGRAM(CODE, insn, EBREAK);
    run_at(CODE, priv, 1000);
    cr_expect_eq(h->csr.mcause, CAUSE_ILLEGAL_INSN, "0x%08x in priv %u: cause %llu", insn, priv,
                 (unsigned long long)h->csr.mcause);
    cr_expect_eq(h->csr.mepc, CODE);
    cr_expect_eq(h->csr.mtval, insn);
}

Test(trap, privileged_instructions_below_their_level)
{
    expect_illegal_at(MRET, PRIV_S);
    expect_illegal_at(MRET, PRIV_U);
    expect_illegal_at(SRET, PRIV_U);
    expect_illegal_at(0x10500073 /* wfi */, PRIV_U);
    expect_illegal_at(0x12000073 /* sfence.vma */, PRIV_U);
    expect_illegal_at(CSRRS(A0, CSR_MSTATUS, X0), PRIV_S);
    expect_illegal_at(CSRRS(A0, CSR_SSTATUS, X0), PRIV_U);
    h->csr.mstatus |= MSTATUS_TSR;
    expect_illegal_at(SRET, PRIV_S);
    h->csr.mstatus |= MSTATUS_TVM;
    expect_illegal_at(0x12000073, PRIV_S);
    h->csr.mstatus |= MSTATUS_TW;
    expect_illegal_at(0x10500073, PRIV_S);
}

/* An mret in a program: down to U at mepc, which then traps back with its own ecall. */
Test(trap, mret_program_drops_to_user_mode)
{
    uint64_t user = CODE + 0x100;
    PROGRAM(user, ECALL);
    PROGRAM(CODE, LA(A0, user), CSRRW(X0, CSR_MEPC, A0), MRET);
    h->csr.mstatus &= ~MSTATUS_MPP; /* MPP = U */
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(h->csr.mcause, CAUSE_ECALL_U);
    cr_expect_eq(h->csr.mepc, user);
}

Test(trap, trapping_instruction_does_not_retire)
{
    uint64_t handler = CODE + 0x800;
    PROGRAM(handler, CSRRS(A5, CSR_MINSTRET, X0), JAL(X0, (int32_t)(HALT - (handler + 4))));
    cr_assert(csr_write(h, CSR_MTVEC, handler));
    PROGRAM(CODE, CSRRW(X0, CSR_MINSTRET, X0), NOP, NOP, ECALL);
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(h->csr.mcause, CAUSE_ECALL_M);
    cr_expect_eq(h->x[A5], 2, "minstret in the handler: %llu", (unsigned long long)h->x[A5]);
}
