/* The prefetch form of xcall and the engine cache rules as software sees them: a prefetch never
 * faults and changes nothing; after xctl.FLUSH a changed x-entry or bitmap takes effect; a new
 * caller identity (xcap) never uses another's cap bit, flush or not. */
#include "xpc_world.h"

static struct xpc_snapshot before, after;

static void prefetch(uint64_t id, const char *what)
{
    snapshot(&before);
    trap_arm();
    xcall(~id);
    check_no_trap(what);
    snapshot(&after);
    check_same(what, &before, &after);
}

static void prefetches(void)
{
    uint64_t runs = callee_log.slot[0].runs;
    prefetch(ENTRY_RECORD, "prefetch entry 0");
    check("  the callee did not run", callee_log.slot[0].runs, runs);
    prefetch(ENTRY_COUNT, "prefetch an ID past the table");
    prefetch(ENTRY_FORBIDDEN, "prefetch an entry A may not call");
    prefetch(ENTRY_INVALID, "prefetch an invalid entry");
    prefetch(0x7fffffffffffffffULL, "prefetch ID 2^63-1");
    IN_M(csr_write(XPC_CSR_XTBL, UNMAPPED_PADDR));
    prefetch(0, "prefetch with the table off the bus");
    IN_M(csr_write(XPC_CSR_XTBL, (uintptr_t)world.xtbl));
    xcall(ENTRY_RECORD);
    check("a call after prefetching it", callee_log.slot[0].runs, runs + 1);
}

static void flush_rule(void)
{
    xcall(ENTRY_RECORD); /* cached now */
    IN_M(world.xtbl[ENTRY_RECORD][0] = (uintptr_t)entry_alt; csr_set(XPC_CSR_XCTL, XPC_XCTL_FLUSH));
    IN_M(check("xctl.FLUSH reads as 0", csr_read(XPC_CSR_XCTL) & XPC_XCTL_FLUSH, 0));
    uint64_t alt = entry_alt_runs;
    xcall(ENTRY_RECORD);
    check("after a flush the rewritten entry is used", entry_alt_runs, alt + 1);
    IN_M(world.xtbl[ENTRY_RECORD][0] = (uintptr_t)entry_record;
         csr_set(XPC_CSR_XCTL, XPC_XCTL_FLUSH));

    xcall(ENTRY_RECORD);
    IN_M(world.cap_a &= ~(1ULL << ENTRY_RECORD); csr_set(XPC_CSR_XCTL, XPC_XCTL_FLUSH));
    trap_arm();
    xcall(ENTRY_RECORD);
    check_trap("a revoked cap bit after a flush", &trap_m, XPC_CAUSE_INVALID_XCALLCAP,
               ENTRY_RECORD);
    IN_M(world.cap_a |= 1ULL << ENTRY_RECORD; csr_set(XPC_CSR_XCTL, XPC_XCTL_FLUSH));

    xcall(ENTRY_RECORD);
    IN_M(world.xtbl[ENTRY_RECORD][3] &= ~XPC_XENTRY_VALID; csr_set(XPC_CSR_XCTL, XPC_XCTL_FLUSH));
    trap_arm();
    xcall(ENTRY_RECORD);
    check_trap("an invalidated entry after a flush", &trap_m, XPC_CAUSE_INVALID_XENTRY,
               ENTRY_RECORD);
    IN_M(world.xtbl[ENTRY_RECORD][3] |= XPC_XENTRY_VALID; csr_set(XPC_CSR_XCTL, XPC_XCTL_FLUSH));
}

static void caller_identity(void)
{
    xcall(ENTRY_RECORD); /* A's cap bit for entry 0 may now be cached */
    IN_M(csr_write(XPC_CSR_XCAP, (uintptr_t)&world.cap_none));
    trap_arm();
    xcall(ENTRY_RECORD);
    check_trap("another identity, no flush: its own bitmap decides", &trap_m,
               XPC_CAUSE_INVALID_XCALLCAP, ENTRY_RECORD);
    IN_M(csr_write(XPC_CSR_XCAP, (uintptr_t)&world.cap_a));
    uint64_t runs = callee_log.slot[0].runs;
    xcall(ENTRY_RECORD);
    check("back to A's identity: the call works", callee_log.slot[0].runs, runs + 1);
}

int main(void)
{
    xpc_world_init();
    enter_user();
    prefetches();
    flush_rule();
    caller_identity();
    return 0;
}
