/* Who may touch what: the CSR access rules per privilege, the reserved encodings, and
 * xctl.ENABLE clear turning the whole extension into illegal instructions (so a kernel can
 * emulate it). */
#include "xpc_world.h"

#define TRY(what, stmt)                                                                            \
    do {                                                                                           \
        trap_arm();                                                                                \
        stmt;                                                                                      \
        check_illegal(what, &trap_m);                                                              \
    } while (0)

static void csr_rules_in_u(void)
{
    TRY("U reads xtbl", (void)xpc_csrr(XPC_CSR_XTBL));
    TRY("U writes xcap", xpc_csrw(XPC_CSR_XCAP, 0));
    TRY("U reads xctl", (void)xpc_csrr(XPC_CSR_XCTL));
    TRY("U reads xsegpa", (void)xpc_csrr(XPC_CSR_XSEGPA));
    TRY("U writes xcaller", xpc_csrw(XPC_CSR_XCALLER, 0));
    TRY("U writes usegva", xpc_csrw(XPC_CSR_USEGVA, 0));
    TRY("U writes sxcaller", xpc_csrw(XPC_CSR_SXCALLER, 0));
    trap_arm();
    xpc_csrw(XPC_CSR_XSEGMASK, XPC_SEGMASK(0x10, 0x20));
    check("U writes and reads xsegmask", xpc_csrr(XPC_CSR_XSEGMASK), XPC_SEGMASK(0x10, 0x20));
    xpc_csrw(XPC_CSR_XSEGMASK, 0);
    check("U reads usegva", xpc_csrr(XPC_CSR_USEGVA), SEG_VA);
    check("U reads usegpa as 0", xpc_csrr(XPC_CSR_USEGPA), 0);
    check("U reads useglen", xpc_csrr(XPC_CSR_USEGLEN), 4096 | SEG_RW);
    check("U reads xcaller", xpc_csrr(XPC_CSR_XCALLER), 0);
    check_no_trap("U-mode CSRs from U");
}

static void csr_rules_in_m(void)
{
    raise_priv();
    check("M reads usegpa: the physical base", csr_read(XPC_CSR_USEGPA), (uintptr_t)seg_main);
    trap_arm();
    csr_write(XPC_CSR_USEGLEN, 0);
    check_illegal("M writes useglen (read-only number)", &trap_m);
    csr_write(XPC_CSR_XTBL, (uintptr_t)world.xtbl | 7);
    check("xtbl keeps 8-byte alignment", csr_read(XPC_CSR_XTBL), (uintptr_t)world.xtbl);
    csr_write(XPC_CSR_XSEGLEN, ~0ULL);
    check("xseglen keeps length and R/W", csr_read(XPC_CSR_XSEGLEN),
          XPC_SEG_LEN_MASK | XPC_SEG_PERM_MASK);
    csr_write(XPC_CSR_XSEGLEN, 4096 | SEG_RW);
    csr_write(XPC_CSR_SXCALLER, (uintptr_t)&world.cap_c);
    check("sxcaller writes xcaller", csr_read(XPC_CSR_XCALLER), (uintptr_t)&world.cap_c);
    csr_write(XPC_CSR_SXCALLER, 0);
    m_enter(PRIV_U);
}

static void csr_rules_in_s(void)
{
    raise_priv();
    csr_write(satp, 0); /* S runs the program untranslated: its pages are U pages */
    m_enter(PRIV_S);
    trap_arm();
    check("S reads xtbl", csr_read(XPC_CSR_XTBL), (uintptr_t)world.xtbl);
    check("S reads usegpa: the physical base", csr_read(XPC_CSR_USEGPA), (uintptr_t)seg_main);
    csr_write(XPC_CSR_XSEGMASK, 0);
    check_no_trap("S reads and writes its own and the U-mode CSRs");
    trap_arm();
    csr_write(XPC_CSR_XCALLER, 0);
    check_illegal("S writes xcaller (read-only number)", &trap_m);
    raise_priv();
    enter_user();
}

static void reserved_encodings(void)
{
    TRY("funct7 3", asm volatile(".insn r 0x0b, 0, 3, x0, x0, x0"));
    TRY("funct7 0x7f", asm volatile(".insn r 0x0b, 0, 0x7f, x0, x0, x0"));
    TRY("xcall with funct3 1", asm volatile(".insn r 0x0b, 1, 0, x0, a0, x0"));
    TRY("xcall with rd", asm volatile(".insn r 0x0b, 0, 0, a1, a0, x0" ::: "a1"));
    TRY("xcall with rs2", asm volatile(".insn r 0x0b, 0, 0, x0, a0, a1"));
    TRY("xret with rs1", asm volatile(".insn r 0x0b, 0, 1, x0, a0, x0"));
}

static void disabled(void)
{
    IN_M(csr_write(XPC_CSR_XCTL, 0));
    uint64_t runs = callee_log.slot[0].runs;
    TRY("xcall with the engine off", xcall(ENTRY_RECORD));
    TRY("prefetch with the engine off", xcall(~0ULL));
    TRY("xret with the engine off", xret());
    TRY("swapseg with the engine off", swapseg(0));
    TRY("U reads xcaller with the engine off", (void)xpc_csrr(XPC_CSR_XCALLER));
    TRY("U writes xsegmask with the engine off", xpc_csrw(XPC_CSR_XSEGMASK, 0));
    check("no callee ran", callee_log.slot[0].runs, runs);
    IN_M(check("S-level CSRs still work for the kernel", csr_read(XPC_CSR_XTBL),
               (uintptr_t)world.xtbl);
         csr_write(XPC_CSR_XCTL, XPC_XCTL_ENABLE));
    xcall(ENTRY_RECORD);
    check("enabled again: the call works", callee_log.slot[0].runs, runs + 1);
}

int main(void)
{
    xpc_world_init();
    enter_user();
    csr_rules_in_u();
    csr_rules_in_m();
    csr_rules_in_s();
    reserved_encodings();
    disabled();
    return 0;
}
