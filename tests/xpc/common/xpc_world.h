/* The little system every bare-metal XPC test runs in, built by xpc_world_init() in M-mode:
 *
 *   three address spaces A (the test's own, ASID 1), B (ASID 2) and C (ASID 3), Sv39 (and two
 *   more, ASIDs 4 and 5, laid out the same without the U bit, for S-mode calls). Each maps
 *   the devices (VA 0..1 GiB) and the program image (the DRAM gigapage) identically with U set,
 *   so test code, callees, the UART and the finisher are reachable from U-mode everywhere, plus
 *   one private page at PRIV_VA holding PRIV_WORD(space): reading it tells which space runs.
 *   Relay segment windows lie at SEG_VA and above, which no page table maps.
 *
 *   x-entries (callees in callees.S):
 *     0 ENTRY_RECORD   in B: logs what it sees in slot 0, returns
 *     1 ENTRY_CHAIN    in B: logs (slot 1), sets xsegmask = chain_mask, calls 2, logs (slot 2)
 *     2 ENTRY_LEAF     in C: logs (slot 3), returns
 *     3 ENTRY_SWAPSEG  in B: swapseg 0 then xret (relay-seg mismatch), swapseg 0 again, xret
 *     4 ENTRY_INVALID  valid bit clear (A may call it)
 *     5 ENTRY_FORBIDDEN valid, but A may not call it
 *     6 ENTRY_BENCH    in B: reads cycle on entry and before xret
 *     7 ENTRY_CHAIN_SWAP in B: swaps in its own segment, calls 2 with chain_mask over it (C logs
 *                      in slot 3), logs (slot 2), swaps back, returns
 *     8 ENTRY_S_RECORD as 0, in SPACE_S_CALLEE, for S-mode callers
 *   A may call 0, 1, 3, 4, 6, 7, 8; B may call 2; C nothing.
 *   A's active segment: SEG_VA, seg_main, 4 KiB RW; A's seg-list: {SEG2_VA, seg_two, 2 KiB R},
 *   {empty}. B's seg-list: {SEG3_VA, seg_three, 4 KiB RW}. */
#ifndef XPC_WORLD_H
#define XPC_WORLD_H

#include <stdint.h>

#include "test.h"
#include "xpc/isa.h"

#define PRIV_VA          0xC0000000ULL
#define PRIV_WORD(space) (0x5FACE000ULL + (space))
#define SPACE_A          1
#define SPACE_B          2
#define SPACE_C          3
/* The same layout without the U bit, for calls made in S-mode (S may not run U pages). */
#define SPACE_S_CALLER 4
#define SPACE_S_CALLEE 5

#define SEG_VA  0x100000000ULL
#define SEG2_VA 0x100010000ULL
#define SEG3_VA 0x100020000ULL
#define SEG_RW  (XPC_SEG_PERM_R | XPC_SEG_PERM_W)

enum {
    ENTRY_RECORD,
    ENTRY_CHAIN,
    ENTRY_LEAF,
    ENTRY_SWAPSEG,
    ENTRY_INVALID,
    ENTRY_FORBIDDEN,
    ENTRY_BENCH,
    ENTRY_CHAIN_SWAP,
    ENTRY_S_RECORD,
    ENTRY_COUNT
};

#define LINK_RECORDS 8

struct xpc_world {
    uint64_t xtbl[ENTRY_COUNT][4] __attribute__((aligned(32)));
    uint64_t cap_a, cap_b, cap_c, cap_none;
    uint64_t link[LINK_RECORDS][16] __attribute__((aligned(128)));
    uint64_t seglist_a[2][3];
    uint64_t seglist_b[1][3];
};
extern struct xpc_world world;
extern uint8_t seg_main[4096], seg_two[4096], seg_three[4096];

/* What the callees saw (callees.S). Slot 0 ENTRY_RECORD, 1/2 ENTRY_CHAIN before/after its
 * call, 3 ENTRY_LEAF, 4 ENTRY_SWAPSEG after its faulting xret. A callee with a readable segment
 * logs its first word, and one with a writable segment then writes SLOT_MARK(slot) there. */
struct callee_slot {
    uint64_t runs, xcaller, segva, segpa, seglen, priv, segword;
};
#define SLOT_MARK(slot) (0xCA11EE00ULL + (slot))
struct callee_log {
    struct callee_slot slot[5];
    uint64_t chain_mask; /* the mask ENTRY_CHAIN applies to its call of ENTRY_LEAF */
    uint64_t bench_entry, bench_leave;
};
extern struct callee_log callee_log;
/* Callee code (for tests that rewrite an x-entry). */
void entry_record(void);
void entry_alt(void);
extern uint64_t entry_alt_runs;

uint64_t satp_of(int space);

/* Builds everything above, enables the engine (xctl = ENABLE | NONBLOCK_LINK) and the cycle
 * counter for U-mode. Call in M-mode, first thing. */
void xpc_world_init(void);
/* From M: continue in U-mode in address space A. */
void enter_user(void);

/* Everything an XPC fault must not change: all XPC CSRs, satp and the engine's memory. */
struct xpc_snapshot {
    uint64_t csr[16];
    uint64_t satp;
    struct xpc_world world;
    uint8_t seg[3][4096];
};
/* Callable from U-mode: goes up to M for the CSRs and comes back. */
void snapshot(struct xpc_snapshot *s);
/* The same from S-mode. */
void snapshot_in_s(struct xpc_snapshot *s);
/* A check (counted on failure) that two snapshots agree; names the first differing part. */
void check_same(const char *what, const struct xpc_snapshot *a, const struct xpc_snapshot *b);
/* The same for the CSRs and satp only (a call and its return leave a record in memory). */
void check_same_csrs(const char *what, const struct xpc_snapshot *a, const struct xpc_snapshot *b);

/* Runs `body` in M-mode from U-mode code (for S-level CSR changes), then back to U. */
#define IN_M(body)                                                                                 \
    do {                                                                                           \
        raise_priv();                                                                              \
        body;                                                                                      \
        m_enter(PRIV_U);                                                                           \
    } while (0)

/* The instructions. The callees clobber only temporaries and argument registers. */
#define XPC_CLOBBERS                                                                               \
    "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a1", "a2", "a3", "a4", "a5", "a6", "a7",      \
        "memory"
static inline void xcall(uint64_t id)
{
    register uint64_t a0 asm("a0") = id;
    asm volatile(XPC_ASM_XCALL("a0") : "+r"(a0) : : XPC_CLOBBERS);
}
static inline void xret(void)
{
    asm volatile(XPC_ASM_XRET ::: XPC_CLOBBERS);
}
static inline void swapseg(uint64_t index)
{
    register uint64_t a0 asm("a0") = index;
    asm volatile(XPC_ASM_SWAPSEG("a0") : "+r"(a0) : : "memory");
}

/* Data accesses with full-size encodings (never compressed), so that an emulator sees exactly
 * one kind of load and store. */
#define SEG_ACCESS_LOAD(name, insn, type)                                                          \
    static inline uint64_t name(uint64_t va)                                                       \
    {                                                                                              \
        uint64_t v;                                                                                \
        asm volatile(".option push\n.option norvc\n" insn " %0, 0(%1)\n.option pop"                \
                     : "=r"(v)                                                                     \
                     : "r"(va)                                                                     \
                     : "memory");                                                                  \
        return v;                                                                                  \
    }
#define SEG_ACCESS_STORE(name, insn)                                                               \
    static inline void name(uint64_t va, uint64_t v)                                               \
    {                                                                                              \
        asm volatile(".option push\n.option norvc\n" insn " %0, 0(%1)\n.option pop" ::"r"(v),      \
                     "r"(va)                                                                       \
                     : "memory");                                                                  \
    }
SEG_ACCESS_LOAD(ld64, "ld", uint64_t)
SEG_ACCESS_LOAD(lw32, "lw", int32_t)
SEG_ACCESS_LOAD(lbu8, "lbu", uint8_t)
SEG_ACCESS_STORE(sd64, "sd")
SEG_ACCESS_STORE(sw32, "sw")
SEG_ACCESS_STORE(sb8, "sb")

void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
int memcmp(const void *a, const void *b, unsigned long n);

#endif
