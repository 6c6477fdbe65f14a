/* Zicsr: the six CSR instructions (old value to rd, then write/set/clear), the x0 rules
 * (csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with uimm = 0 do not write, so they may read a
 * read-only CSR; any other form writing one traps even when the value is unchanged), unknown and
 * too-privileged CSRs trap, and a few WARL fields keep legal values. */
#include "test.h"

#define CSR_OP(op, csr, val)                                                                       \
    ({                                                                                             \
        uint64_t old_;                                                                             \
        asm volatile(op " %0, " STR(csr) ", %1" : "=r"(old_) : "r"((uint64_t)(val)) : "memory");   \
        old_;                                                                                      \
    })
#define CSR_OPI(op, csr, imm)                                                                      \
    ({                                                                                             \
        uint64_t old_;                                                                             \
        asm volatile(op " %0, " STR(csr) ", %1" : "=r"(old_) : "K"(imm) : "memory");               \
        old_;                                                                                      \
    })

int main(void)
{
    csr_write(mscratch, 0xf0f0);
    check("csrrw returns old", CSR_OP("csrrw", mscratch, 0x1234), 0xf0f0);
    check("  new value", csr_read(mscratch), 0x1234);
    check("csrrs returns old", CSR_OP("csrrs", mscratch, 0xff00), 0x1234);
    check("  bits set", csr_read(mscratch), 0xff34);
    check("csrrc returns old", CSR_OP("csrrc", mscratch, 0x0f0f), 0xff34);
    check("  bits cleared", csr_read(mscratch), 0xf030);
    check("csrrwi returns old", CSR_OPI("csrrwi", mscratch, 31), 0xf030);
    check("  new value", csr_read(mscratch), 31);
    check("csrrsi", CSR_OPI("csrrsi", mscratch, 0x20 >> 1), 31);
    check("  bits set", csr_read(mscratch), 31);
    check("csrrci", CSR_OPI("csrrci", mscratch, 5), 31);
    check("  bits cleared", csr_read(mscratch), 26);
    uint64_t r;
    asm volatile("li t0, -1\n csrrw x0, mscratch, t0\n csrr %0, mscratch" : "=r"(r)::"t0");
    check("csrrw with rd=x0 writes", r, ~0ULL);
    /* mscratch is an M-mode stack pointer for the harness: put it back */
    extern char __trap_stack_top[];
    csr_write(mscratch, (uint64_t)__trap_stack_top);

    /* read-only CSRs: reading forms do not trap */
    trap_arm();
    asm volatile("csrrs %0, mhartid, x0" : "=r"(r));
    check("csrrs mhartid, x0 reads", r, 0);
    asm volatile("csrrc %0, mhartid, x0" : "=r"(r));
    asm volatile("csrrsi %0, mhartid, 0" : "=r"(r));
    asm volatile("csrrci %0, mvendorid, 0" : "=r"(r));
    check_no_trap("csrrs/csrrc x0 and csrrsi/csrrci 0 on read-only CSRs");

    /* writing forms trap, with the instruction in mtval */
    trap_arm();
    asm volatile("csrrw x0, mhartid, zero");
    check_illegal("csrrw to mhartid", &trap_m);
    /* (csrrs with rs1 != x0 holding 0 should trap too; QEMU 7.2 does not: see docs.) */
    trap_arm();
    asm volatile("csrrci %0, mimpid, 1" : "=r"(r));
    check_illegal("csrrci to mimpid", &trap_m);
    trap_arm();
    asm volatile("csrrwi x0, cycle, 0");
    check_illegal("csrrwi to cycle (read-only user counter)", &trap_m);

    /* CSRs that do not exist */
    trap_arm();
    asm volatile("csrr %0, 0x0ff" : "=r"(r));
    check_illegal("read of unassigned CSR 0x0ff", &trap_m);
    trap_arm();
    asm volatile("csrw 0x7ff, zero");
    check_illegal("write of unassigned CSR 0x7ff", &trap_m);

    /* F and D exist, but with mstatus.FS = Off their CSRs trap; writing one once FS is on
     * marks the state Dirty (FS = 3, and the summary bit SD) */
    trap_arm();
    asm volatile("csrr %0, fcsr" : "=r"(r));
    check_illegal("fcsr with mstatus.FS = Off", &trap_m);
    csr_set(mstatus, 1ULL << 13); /* FS = Initial */
    trap_arm();
    asm volatile("csrw fcsr, zero");
    check_no_trap("fcsr with mstatus.FS = Initial");
    check("  FS after writing fcsr (Dirty)", (csr_read(mstatus) >> 13) & 3, 3);
    check("  SD summarises it", csr_read(mstatus) >> 63, 1);
    csr_clear(mstatus, 3ULL << 13);

    /* too little privilege: the CSR number's bits 9:8 give the lowest mode */
    m_enter(PRIV_S);
    trap_arm();
    asm volatile("csrr %0, mscratch" : "=r"(r));
    check_illegal("mscratch from S", &trap_m);
    asm volatile("csrw sscratch, %0" ::"r"(0x55ULL));
    raise_priv();
    check("sscratch written from S", csr_read(sscratch), 0x55);
    extern char __strap_stack_top[];
    csr_write(sscratch, (uint64_t)__strap_stack_top);
    m_enter(PRIV_U);
    trap_arm();
    asm volatile("csrr %0, sscratch" : "=r"(r));
    check_illegal("sscratch from U", &trap_m);
    raise_priv();

    /* Fixed and WARL fields */
    uint64_t misa = csr_read(misa);
    check("misa.MXL is 64-bit", misa >> 62, 2);
    uint64_t need = 0;
    for (const char *e = "IMACSU"; *e; e++)
        need |= 1ULL << (*e - 'A');
    check("misa has I, M, A, C, S, U", misa & need, need);
    /* misa may be read-only (QEMU 7.2's is): C stays on, so misaligned fetch stays unreachable */
    csr_clear(misa, 1ULL << ('C' - 'A'));
    check("misa.C after trying to clear it", (csr_read(misa) >> ('C' - 'A')) & 1, 1);
    uint64_t ms = csr_read(mstatus);
    check("mstatus.UXL is 64-bit", (ms >> 32) & 3, 2);
    check("mstatus.SXL is 64-bit", (ms >> 34) & 3, 2);
    csr_write(mideleg, ~0ULL);
    check("mideleg delegates SSIP, STIP, SEIP", csr_read(mideleg) & 0x222, 0x222);
    check("mideleg cannot delegate M interrupts", csr_read(mideleg) & 0x888, 0);
    csr_write(mideleg, 0);
    uint64_t mtvec = csr_read(mtvec);
    csr_write(mtvec, 0x80000000ULL | 2);
    check("mtvec mode stays legal after writing reserved mode 2", (csr_read(mtvec) & 3) < 2, 1);
    csr_write(mtvec, mtvec);
    /* sstatus is a window on mstatus that hides the M fields */
    csr_set(sstatus, MSTATUS_SIE | MSTATUS_MIE);
    check("sstatus.SIE shows in mstatus", csr_read(mstatus) & MSTATUS_SIE, MSTATUS_SIE);
    check("sstatus cannot set MIE", csr_read(mstatus) & MSTATUS_MIE, 0);
    csr_set(mstatus, MSTATUS_MIE | MSTATUS_MPP);
    check("sstatus hides MIE and MPP", csr_read(sstatus) & (MSTATUS_MIE | MSTATUS_MPP), 0);
    csr_clear(mstatus, MSTATUS_MIE | MSTATUS_SIE | MSTATUS_MPP);
    /* sie is mie restricted to the delegated interrupts */
    csr_write(mideleg, 0x222);
    csr_write(sie, 0x222);
    check("sie writes delegated bits of mie", csr_read(mie) & 0x222, 0x222);
    csr_write(mie, 0);
    csr_write(mideleg, 0);
    csr_write(mie, 0x222);
    check("sie reads 0 for undelegated interrupts", csr_read(sie), 0);
    csr_write(mie, 0);
    return 0;
}
