/* CSRs (sim/csr.c) and traps (sim/trap.c) against the privileged spec 1.12: access by CSR
 * number, read-only CSRs, WARL fields, counter enables, delegation, direct and vectored trap
 * vectors, mret/sret, and which interrupt is taken when. */
#include "cpu_fixture.h"

TestSuite(csr, .init = cpu_setup, .fini = cpu_teardown);
TestSuite(trap, .init = cpu_setup, .fini = cpu_teardown);
TestSuite(irq, .init = cpu_setup, .fini = cpu_teardown);

static bool can_read(unsigned no)
{
    uint64_t v;
    return csr_read(h, no, &v);
}

static bool can_write(unsigned no, uint64_t v)
{
    return csr_write(h, no, v);
}

/* ---- Access by number: bits 9:8 are the lowest privilege, bits 11:10 = 3 read-only ---- */

Test(csr, privilege_is_encoded_in_the_number)
{
    static const unsigned implemented[] = {
        CSR_SSTATUS,   CSR_SIE,     CSR_STVEC, CSR_SCOUNTEREN, CSR_SSCRATCH,   CSR_SEPC,
        CSR_SCAUSE,    CSR_STVAL,   CSR_SIP,   CSR_SATP,       CSR_MSTATUS,    CSR_MISA,
        CSR_MEDELEG,   CSR_MIDELEG, CSR_MIE,   CSR_MTVEC,      CSR_MCOUNTEREN, CSR_MSCRATCH,
        CSR_MEPC,      CSR_MCAUSE,  CSR_MTVAL, CSR_MIP,        CSR_MCYCLE,     CSR_MINSTRET,
        CSR_MVENDORID, CSR_MHARTID,
    };
    for (unsigned priv = PRIV_U; priv <= PRIV_M; priv++) {
        if (priv == 2)
            continue;
        set_priv(priv);
        for (size_t i = 0; i < sizeof implemented / sizeof implemented[0]; i++) {
            unsigned no = implemented[i];
            bool allowed = priv >= ((no >> 8) & 3);
            cr_expect_eq(can_read(no), allowed, "priv %u read 0x%03x", priv, no);
        }
    }
}

Test(csr, unimplemented_numbers_are_illegal)
{
    static const unsigned missing[] = {0x000, 0x004, 0x200, 0x600, 0x7b0, 0xb01, 0x5ff, 0xfff};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        cr_expect_not(can_read(missing[i]), "0x%03x read", missing[i]);
        cr_expect_not(can_write(missing[i], 0), "0x%03x written", missing[i]);
    }
}

Test(csr, read_only_numbers_refuse_writes_even_in_m_mode)
{
    static const unsigned read_only[] = {CSR_MVENDORID, CSR_MHARTID, CSR_CYCLE, CSR_TIME,
                                         CSR_INSTRET,   0xf12,       0xf13};
    set_priv(PRIV_M);
    for (size_t i = 0; i < sizeof read_only / sizeof read_only[0]; i++) {
        cr_expect(can_read(read_only[i]), "0x%03x not readable", read_only[i]);
        cr_expect_not(can_write(read_only[i], 1), "0x%03x written", read_only[i]);
    }
    cr_expect_eq(csr(CSR_MHARTID), 0);
}

/* csrrs/csrrc with x0 do not write, so they read a read-only CSR; csrrw traps on it with the
 * instruction bits in mtval (the spec's illegal-instruction tval). */
Test(csr, instructions_on_read_only_csrs)
{
    uint32_t bad = CSRRW(X0, CSR_MHARTID, A1);
    PROGRAM(CODE, LI(A0, 77), CSRRS(A0, CSR_MHARTID, X0), bad, EBREAK);
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(h->x[A0], 0, "csrr a0, mhartid");
    cr_expect_eq(h->csr.mcause, CAUSE_ILLEGAL_INSN);
    cr_expect_eq(h->csr.mepc, CODE + 8);
    cr_expect_eq(h->csr.mtval, bad);
}

/* ---- WARL fields ---- */

Test(csr, mtvec_and_stvec_modes)
{
    for (unsigned i = 0; i < 2; i++) {
        unsigned no = i ? CSR_STVEC : CSR_MTVEC;
        cr_assert(can_write(no, 0x80001000));
        cr_expect_eq(csr(no), 0x80001000);
        cr_assert(can_write(no, 0x80002001)); /* vectored */
        cr_expect_eq(csr(no), 0x80002001);
        cr_assert(can_write(no, 0x80003002)); /* mode 2 is reserved */
        cr_expect_lt(csr(no) & 3, 2, "0x%03x holds a reserved mode", no);
        cr_assert(can_write(no, 0x80003003));
        cr_expect_lt(csr(no) & 3, 2, "0x%03x holds a reserved mode", no);
    }
}

Test(csr, mpp_holds_only_implemented_modes)
{
    static const unsigned modes[] = {PRIV_U, PRIV_S, PRIV_M};
    for (size_t i = 0; i < 3; i++) {
        uint64_t s = (csr(CSR_MSTATUS) & ~MSTATUS_MPP) | ((uint64_t)modes[i] << 11);
        cr_assert(can_write(CSR_MSTATUS, s));
        cr_expect_eq((csr(CSR_MSTATUS) & MSTATUS_MPP) >> 11, modes[i]);
    }
    cr_assert(can_write(CSR_MSTATUS, csr(CSR_MSTATUS) | MSTATUS_MPP)); /* M */
    cr_assert(can_write(CSR_MSTATUS, (csr(CSR_MSTATUS) & ~MSTATUS_MPP) | (2ULL << 11)));
    cr_expect_neq((csr(CSR_MSTATUS) & MSTATUS_MPP) >> 11, 2, "MPP holds the reserved mode 2");
}

Test(csr, mstatus_fixed_fields)
{
    uint64_t s = csr(CSR_MSTATUS);
    cr_expect_eq((s >> 32) & 3, 2, "UXL: U-mode is 64-bit");
    cr_expect_eq((s >> 34) & 3, 2, "SXL: S-mode is 64-bit");
    cr_assert(can_write(CSR_MSTATUS, 0));
    s = csr(CSR_MSTATUS);
    cr_expect_eq((s >> 32) & 0xf, 0xa, "UXL/SXL are not writable");
    cr_expect_eq(s & MSTATUS_UBE, 0, "little-endian only");
    /* SD summarises FS/XS/VS = dirty. */
    cr_assert(can_write(CSR_MSTATUS, MSTATUS_FS));
    cr_expect(csr(CSR_MSTATUS) & MSTATUS_SD);
    cr_expect(csr(CSR_SSTATUS) & MSTATUS_SD);
    cr_assert(can_write(CSR_MSTATUS, 0));
    cr_expect_not(csr(CSR_MSTATUS) & MSTATUS_SD);
}

/* sstatus is a restricted view of mstatus: the M-only fields neither show nor change. */
Test(csr, sstatus_is_a_view_of_mstatus)
{
    cr_assert(can_write(CSR_MSTATUS, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM |
                                         MSTATUS_SIE | MSTATUS_SUM));
    uint64_t ss = csr(CSR_SSTATUS);
    cr_expect_eq(ss & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM), 0);
    cr_expect_eq(ss & (MSTATUS_SIE | MSTATUS_SUM), MSTATUS_SIE | MSTATUS_SUM);
    cr_expect_eq((ss >> 32) & 3, 2, "sstatus shows UXL");
    cr_assert(can_write(CSR_SSTATUS, MSTATUS_SPP | MSTATUS_MXR)); /* clears SIE and SUM */
    uint64_t ms = csr(CSR_MSTATUS);
    cr_expect_eq(ms & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM),
                 MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM,
                 "an sstatus write changed M-only fields: 0x%llx", (unsigned long long)ms);
    cr_expect_eq(ms & (MSTATUS_SPP | MSTATUS_MXR | MSTATUS_SIE | MSTATUS_SUM),
                 MSTATUS_SPP | MSTATUS_MXR);
}

Test(csr, delegation_registers)
{
    cr_assert(can_write(CSR_MEDELEG, ~0ULL));
    uint64_t e = csr(CSR_MEDELEG);
    cr_expect_eq(e & (1ULL << CAUSE_ECALL_M), 0, "ecall from M cannot be delegated");
    cr_expect_eq(e & 0xb3ff, 0xb3ff, "the standard S-handled causes are delegable: 0x%llx",
                 (unsigned long long)e);
    cr_assert(can_write(CSR_MIDELEG, ~0ULL));
    cr_expect_eq(csr(CSR_MIDELEG) & ~MIP_S_MASK, 0, "M-level interrupts cannot be delegated");
    cr_expect_eq(csr(CSR_MIDELEG), MIP_S_MASK);
}

Test(csr, epc_is_halfword_aligned_and_misa_fixed)
{
    cr_assert(can_write(CSR_MEPC, 0x80000003));
    cr_expect_eq(csr(CSR_MEPC), 0x80000002);
    cr_assert(can_write(CSR_SEPC, 0xffffffffffffffffULL));
    cr_expect_eq(csr(CSR_SEPC), 0xfffffffffffffffeULL);
    uint64_t misa = csr(CSR_MISA);
    cr_expect_eq(misa >> 62, 2, "MXL = 64");
    for (const char *ext = "ACIMSU"; *ext; ext++)
        cr_expect(misa & (1ULL << (*ext - 'A')), "misa lacks %c", *ext);
    cr_assert(can_write(CSR_MISA, 0));
    cr_expect_eq(csr(CSR_MISA), misa, "misa is not writable here");
}

/* sie/sip are views of mie/mip through mideleg; only SSIP is writable in sip, MTIP never by
 * software. */
Test(csr, interrupt_enable_and_pending_views)
{
    cr_assert(can_write(CSR_MIDELEG, MIP_SSIP | MIP_STIP));
    cr_assert(can_write(CSR_MIE, MIP_ALL));
    cr_expect_eq(csr(CSR_MIE), MIP_ALL);
    cr_expect_eq(csr(CSR_SIE), MIP_SSIP | MIP_STIP);
    cr_assert(can_write(CSR_SIE, 0));
    cr_expect_eq(csr(CSR_MIE), MIP_ALL & ~(MIP_SSIP | MIP_STIP), "sie wrote undelegated bits");

    cr_assert(can_write(CSR_MIP, MIP_ALL));
    cr_expect_eq(csr(CSR_MIP), MIP_SSIP | MIP_STIP | MIP_SEIP, "mip: 0x%llx",
                 (unsigned long long)csr(CSR_MIP));
    cr_expect_eq(csr(CSR_SIP), MIP_SSIP | MIP_STIP);
    cr_assert(can_write(CSR_SIP, 0));
    cr_expect_eq(csr(CSR_MIP), MIP_STIP | MIP_SEIP, "sip may clear SSIP only");
    /* A device line shows in mip. */
    hart_set_mip(h, MIP_MTIP, true);
    cr_expect(csr(CSR_MIP) & MIP_MTIP);
    hart_set_mip(h, MIP_MTIP, false);
    cr_expect_not(csr(CSR_MIP) & MIP_MTIP);
}

/* satp from S-mode with mstatus.TVM: illegal; from M-mode: fine. */
Test(csr, tvm_traps_satp_in_s_mode)
{
    cr_assert(can_write(CSR_MSTATUS, MSTATUS_TVM));
    set_priv(PRIV_S);
    cr_expect_not(can_read(CSR_SATP));
    cr_expect_not(can_write(CSR_SATP, 0));
    set_priv(PRIV_M);
    cr_expect(can_read(CSR_SATP));
    cr_expect(can_write(CSR_SATP, 0));
}

/* ---- Counters (§3.1.11, §4.1.4 and the Zicntr chapter) ---- */

Test(csr, counters_gated_by_mcounteren_and_scounteren)
{
    static const unsigned counters[] = {CSR_CYCLE, CSR_TIME, CSR_INSTRET, CSR_HPMCOUNTER3};
    for (size_t i = 0; i < 4; i++) {
        unsigned no = counters[i], bit = 1u << (no - CSR_CYCLE);
        cr_assert(can_write(CSR_MCOUNTEREN, 0));
        cr_assert(can_write(CSR_SCOUNTEREN, 0));
        set_priv(PRIV_M);
        cr_expect(can_read(no), "M reads 0x%03x without enables", no);
        set_priv(PRIV_S);
        cr_expect_not(can_read(no), "S read 0x%03x with mcounteren = 0", no);
        set_priv(PRIV_U);
        cr_expect_not(can_read(no), "U read 0x%03x", no);
        set_priv(PRIV_M);
        cr_assert(can_write(CSR_MCOUNTEREN, bit));
        set_priv(PRIV_S);
        cr_expect(can_read(no), "S cannot read 0x%03x with its mcounteren bit", no);
        set_priv(PRIV_U);
        cr_expect_not(can_read(no), "U read 0x%03x with scounteren = 0", no);
        set_priv(PRIV_M);
        cr_assert(can_write(CSR_SCOUNTEREN, bit));
        set_priv(PRIV_U);
        cr_expect(can_read(no), "U cannot read 0x%03x with both bits", no);
        set_priv(PRIV_M);
        cr_assert(can_write(CSR_MCOUNTEREN, ~bit));
        set_priv(PRIV_U);
        cr_expect_not(can_read(no), "U read 0x%03x without the mcounteren bit", no);
        set_priv(PRIV_M);
    }
}

/* A write to minstret is done instead of the writing instruction's increment, so the next
 * instruction reads the value written (unprivileged spec, "Zicntr"). */
Test(csr, instret_counts_retired_instructions)
{
    PROGRAM(CODE, CSRRW(X0, CSR_MINSTRET, X0), NOP, NOP, NOP, CSRRS(A1, CSR_MINSTRET, X0),
            LI(A2, 1000), CSRRW(X0, CSR_MINSTRET, A2), CSRRS(A3, CSR_MINSTRET, X0), EBREAK);
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(h->x[A1], 3, "three nops after zeroing minstret: %llu",
                 (unsigned long long)h->x[A1]);
    cr_expect_eq(h->x[A3], 1000, "read right after writing 1000: %llu",
                 (unsigned long long)h->x[A3]);
}

/* U-mode rdcycle without the enables traps with illegal instruction. */
Test(csr, user_counter_read_traps_when_disabled)
{
    uint32_t rdcycle = CSRRS(A0, CSR_CYCLE, X0);
    PROGRAM(CODE, rdcycle, EBREAK);
    run_at(CODE, PRIV_U, 1000);
    cr_expect_eq(h->csr.mcause, CAUSE_ILLEGAL_INSN);
    cr_expect_eq(h->csr.mepc, CODE);
    cr_expect_eq(h->csr.mtval, rdcycle);
    cr_assert(can_write(CSR_MCOUNTEREN, 1));
    cr_assert(can_write(CSR_SCOUNTEREN, 1));
    run_at(CODE, PRIV_U, 1000);
    cr_expect_eq(h->csr.mcause, CAUSE_BREAKPOINT, "rdcycle trapped although enabled");
}

/* ---- Traps ---- */

static void set_mstatus(uint64_t set, uint64_t clear)
{
    h->csr.mstatus = (h->csr.mstatus | set) & ~clear;
}

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

/* ---- Interrupts: which one is taken (§3.1.9) ---- */

static void pending(uint64_t mip)
{
    h->mip_hw = 0;
    h->csr.mip = 0;
    hart_set_mip(h, mip, true);
}

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
Test(csr, counter_inhibit_stops_the_counters_it_keeps)
{
    PROGRAM(CODE, LI(A0, 5), CSRRW(X0, 0x320, A0), CSRRS(A1, CSR_MINSTRET, X0),
            CSRRS(A2, CSR_MCYCLE, X0), NOP, NOP, NOP, CSRRS(A3, CSR_MINSTRET, X0),
            CSRRS(A4, CSR_MCYCLE, X0), EBREAK);
    run_at(CODE, PRIV_M, 1000);
    uint64_t inhibit = csr(0x320);
    if (inhibit & 4)
        cr_expect_eq(h->x[A3], h->x[A1], "minstret counted while inhibited");
    if (inhibit & 1)
        cr_expect_eq(h->x[A4], h->x[A2], "mcycle counted while inhibited");
}

/* WFI wakes on a pending interrupt enabled in mie even when mstatus.MIE is 0; the interrupt is
 * not taken, execution just continues after the wfi (§3.3.3). */
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
