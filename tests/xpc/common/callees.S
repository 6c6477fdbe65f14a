/* The callees of the bare-metal XPC tests (see xpc_world.h). They run in U-mode in another
 * address space, use only temporaries and argument registers and no stack, and record what the
 * engine handed them in callee_log, which every address space maps at the same address. */
#include "xpc/isa.h"

#define SLOT_SIZE        56
#define LOG_CHAIN_MASK   (5 * SLOT_SIZE)
#define LOG_BENCH_ENTRY  (LOG_CHAIN_MASK + 8)
#define LOG_BENCH_LEAVE  (LOG_CHAIN_MASK + 16)

    .option norvc /* segment accesses must be full-size loads and stores (see xpc_world.h) */
    .text

/* runs++, xcaller, the segment views, the private word of the space, then the first word of a
 * readable segment, and SLOT_MARK(slot) into a writable one. */
.macro RECORD slot
    la t0, callee_log + \slot * SLOT_SIZE
    ld t1, 0(t0)
    addi t1, t1, 1
    sd t1, 0(t0)
    csrr t1, XPC_CSR_XCALLER
    sd t1, 8(t0)
    csrr t2, XPC_CSR_USEGVA
    sd t2, 16(t0)
    csrr t1, XPC_CSR_USEGPA
    sd t1, 24(t0)
    csrr t3, XPC_CSR_USEGLEN
    sd t3, 32(t0)
    li t1, 0xC0000000
    ld t1, 0(t1)
    sd t1, 40(t0)
    li t4, 0xFFFFFFFFFFFF
    and t4, t3, t4
    beqz t4, 1f
    srli t5, t3, 62
    andi t5, t5, 1
    beqz t5, 2f
    ld t1, 0(t2)
    sd t1, 48(t0)
2:  bgez t3, 1f /* bit 63: W */
    li t1, 0xCA11EE00 + \slot
    sd t1, 0(t2)
1:
.endm

    .globl entry_record
entry_record:
    RECORD 0
    XPC_S_XRET

    .globl entry_chain
entry_chain:
    RECORD 1
    la t0, callee_log
    ld t1, LOG_CHAIN_MASK(t0)
    csrw XPC_CSR_XSEGMASK, t1
    li a0, 2
    XPC_S_XCALL(a0)
    RECORD 2
    XPC_S_XRET

/* A chain that hands on a segment of its own: B swaps its seg-list segment in, passes part of it
 * to C, and swaps the caller's back before returning. */
    .globl entry_chain_swap
entry_chain_swap:
    li a0, 0
    XPC_S_SWAPSEG(a0)
    la t0, callee_log
    ld t1, LOG_CHAIN_MASK(t0)
    csrw XPC_CSR_XSEGMASK, t1
    li a0, 2
    XPC_S_XCALL(a0)
    RECORD 2
    li a0, 0
    XPC_S_SWAPSEG(a0)
    XPC_S_XRET

    .globl entry_leaf
entry_leaf:
    RECORD 3
    XPC_S_XRET

/* Returns with another segment than it was given: the first xret must fault (relay-seg
 * mismatch, the handler skips it), the second, after swapping back, must succeed. */
    .globl entry_swapseg
entry_swapseg:
    li a0, 0
    XPC_S_SWAPSEG(a0)
    .globl entry_swapseg_bad_xret
entry_swapseg_bad_xret:
    XPC_S_XRET
    RECORD 4 /* what the failed xret left: still here, still with the swapped-in segment */
    li a0, 0
    XPC_S_SWAPSEG(a0)
    XPC_S_XRET

    .globl entry_bench
entry_bench:
    rdcycle t0
    la t1, callee_log
    sd t0, LOG_BENCH_ENTRY(t1)
    rdcycle t0
    sd t0, LOG_BENCH_LEAVE(t1)
    XPC_S_XRET

    .globl entry_alt
entry_alt:
    la t0, entry_alt_runs
    ld t1, 0(t0)
    addi t1, t1, 1
    sd t1, 0(t0)
    XPC_S_XRET
