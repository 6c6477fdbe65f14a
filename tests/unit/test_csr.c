/* CSRs (sim/csr.c) against the privileged spec 1.12: access by CSR number and privilege, read-only
 * CSRs, WARL fields, views (sstatus, sie, sip), counter enables and the counters themselves. */
#include "cpu_fixture.h"

TestSuite(csr, .init = cpu_setup, .fini = cpu_teardown);

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
