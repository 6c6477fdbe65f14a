/* Every XPC exception, in the order the engine checks (brief 3.4), each with its cause and tval,
 * and every XPC CSR, satp and the engine's memory exactly as before it. */
#include "xpc_world.h"

static struct xpc_snapshot before, after;

extern char entry_swapseg_bad_xret[];

#define EXPECT_FAULT(what, stmt, cause, tval)                                                      \
    do {                                                                                           \
        uint64_t runs_ = callee_log.slot[0].runs;                                                  \
        snapshot(&before);                                                                         \
        trap_arm();                                                                                \
        stmt;                                                                                      \
        check_trap(what, &trap_m, cause, tval);                                                    \
        snapshot(&after);                                                                          \
        check_same(what, &before, &after);                                                         \
        check("  no callee ran", callee_log.slot[0].runs, runs_);                                  \
    } while (0)

static void set_mask(uint64_t mask)
{
    xpc_csrw(XPC_CSR_XSEGMASK, mask);
}

static void xcall_checks(void)
{
    /* 1: ID < xtblsz */
    EXPECT_FAULT("xcall 7 (= xtblsz)", xcall(ENTRY_COUNT), XPC_CAUSE_INVALID_XENTRY, ENTRY_COUNT);
    EXPECT_FAULT("xcall 2^63-1", xcall(0x7fffffffffffffffULL), XPC_CAUSE_INVALID_XENTRY,
                 0x7fffffffffffffffULL);
    /* 2: the cap bit, before the valid bit */
    EXPECT_FAULT("xcall 5 (not in A's bitmap)", xcall(ENTRY_FORBIDDEN), XPC_CAUSE_INVALID_XCALLCAP,
                 ENTRY_FORBIDDEN);
    EXPECT_FAULT("xcall 2 (B's, not A's)", xcall(ENTRY_LEAF), XPC_CAUSE_INVALID_XCALLCAP,
                 ENTRY_LEAF);
    /* 3: the valid bit, before the mask */
    set_mask(XPC_SEGMASK(0, 0x10000));
    EXPECT_FAULT("xcall 4 (invalid entry, bad mask too)", xcall(ENTRY_INVALID),
                 XPC_CAUSE_INVALID_XENTRY, ENTRY_INVALID);
    /* 4: the mask, before the link stack */
    EXPECT_FAULT("xcall 0 with a mask longer than the segment", xcall(ENTRY_RECORD),
                 XPC_CAUSE_INVALID_SEGMASK, ENTRY_RECORD);
    set_mask(XPC_SEGMASK(8, 0));
    EXPECT_FAULT("xcall 0 with an empty mask", xcall(ENTRY_RECORD), XPC_CAUSE_INVALID_SEGMASK,
                 ENTRY_RECORD);
    set_mask(XPC_SEGMASK(4096 - 8, 16));
    uint64_t xlink = (uintptr_t)world.link[1];
    IN_M(csr_write(XPC_CSR_XLINKLIM, xlink + 127));
    EXPECT_FAULT("xcall 0 with a mask past the end, stack full too", xcall(ENTRY_RECORD),
                 XPC_CAUSE_INVALID_SEGMASK, ENTRY_RECORD);
    set_mask(0);
    /* 5: the link stack */
    EXPECT_FAULT("xcall 0 with 127 bytes of link stack", xcall(ENTRY_RECORD),
                 XPC_CAUSE_LINK_OVERFLOW, ENTRY_RECORD);
    IN_M(csr_write(XPC_CSR_XLINKLIM, xlink + 128));
    callee_log.slot[0].runs = 0;
    xcall(ENTRY_RECORD);
    check("xcall 0 with exactly one record of room", callee_log.slot[0].runs, 1);
    IN_M(csr_write(XPC_CSR_XLINKLIM, (uintptr_t)world.link[LINK_RECORDS]));
}

static void xret_checks(void)
{
    /* 1: a valid record on top */
    EXPECT_FAULT("xret at the bottom of the stack", xret(), XPC_CAUSE_INVALID_LINKAGE, 0);
    /* 2: the segment handed over, checked in the callee (entry 3 swaps before returning) */
    snapshot(&before);
    trap_arm();
    xcall(ENTRY_SWAPSEG);
    check_trap("xret after swapseg in the callee", &trap_m, XPC_CAUSE_SEG_MISMATCH, 0);
    check("  it was the callee's first xret", trap_m.epc, (uintptr_t)entry_swapseg_bad_xret);
    const struct callee_slot *at = &callee_log.slot[4];
    check("  after it the callee still ran", at->runs, 1);
    check("  in its own address space", at->priv, PRIV_WORD(SPACE_B));
    check("  with the segment it swapped in", at->segva, SEG3_VA);
    check("  and its length", at->seglen, 4096 | SEG_RW);
    check("  serving the same caller", at->xcaller, (uintptr_t)&world.cap_a);
    snapshot(&after);
    check_same_csrs("  after swapping back and returning", &before, &after);
}

static void swapseg_checks(void)
{
    EXPECT_FAULT("swapseg 2 (= xseglistsz)", swapseg(2), XPC_CAUSE_INVALID_SWAPSEG, 2);
    EXPECT_FAULT("swapseg -1", swapseg(~0ULL), XPC_CAUSE_INVALID_SWAPSEG, ~0ULL);
}

/* Memory the engine cannot reach: the fault is the access fault of its word, and precise. */
static void access_faults(void)
{
    IN_M(csr_write(XPC_CSR_XCAP, UNMAPPED_PADDR));
    EXPECT_FAULT("xcall with the bitmap off the bus", xcall(ENTRY_RECORD), CAUSE_LOAD_ACCESS,
                 UNMAPPED_PADDR);
    IN_M(csr_write(XPC_CSR_XCAP, (uintptr_t)&world.cap_a));
    IN_M(csr_write(XPC_CSR_XLINK, UNMAPPED_PADDR);
         csr_write(XPC_CSR_XLINKLIM, UNMAPPED_PADDR + 0x1000));
    EXPECT_FAULT("xcall with the link stack off the bus", xcall(ENTRY_RECORD), CAUSE_STORE_ACCESS,
                 UNMAPPED_PADDR);
    IN_M(csr_write(XPC_CSR_XLINK, UNMAPPED_PADDR + 128));
    EXPECT_FAULT("xret with the link stack off the bus", xret(), CAUSE_LOAD_ACCESS,
                 UNMAPPED_PADDR + XPC_LINK_XCALLER);
    IN_M(csr_write(XPC_CSR_XLINK, (uintptr_t)world.link[1]);
         csr_write(XPC_CSR_XLINKLIM, (uintptr_t)world.link[LINK_RECORDS]));
}

int main(void)
{
    xpc_world_init();
    enter_user();
    xcall_checks();
    xret_checks();
    swapseg_checks();
    access_faults();
    /* Still working after all that. */
    callee_log.slot[0].runs = 0;
    xcall(ENTRY_RECORD);
    check("a good call after the faults", callee_log.slot[0].runs, 1);
    return 0;
}
