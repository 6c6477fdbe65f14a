/* libxpc's two halves of a call: xpc_call on the caller's side, and the entry stubs and the
 * trampoline on the callee's. The register convention is in include/xpc/xpc.h. */
#include <xpc/isa.h>

#define ERR_XPC_BUSY        (-31)
#define SYS_XPC_CALL_TIMEOUT 44

/* struct xpc_local_entry (libxpc.c keeps the same layout) */
#define E_FREE     0  /* bit i set: context i is free */
#define E_CTX_BASE 8
#define E_CTX_SIZE 16
#define E_TLS_OFF  24 /* from a context's base to its TLS block: the context's tp */
#define E_HANDLER  32
#define E_SHIFT    6  /* 64 bytes each */

/* A context: [stack | pad, free-mask address, index, caller sp, gp, tp | TLS]; tp points at TLS,
 * so the header is at tp-40..tp-8 (XPC_CTX_* in sys.h: the kernel reads it too). */
#define C_MASK  (-40)
#define C_INDEX (-32)
#define C_SP    (-24)
#define C_GP    (-16)
#define C_TP    (-8)

/* FP registers (the lp64d flavour of this file only: an integer program's threads run with FP
 * off, and the kernel gives a thread's first FP instruction zeroed registers). Nothing FP crosses
 * a call in either direction: the caller keeps fs0-fs11 and fcsr on its stack and clears all
 * 32 registers before xcall; the trampoline clears them before xret. */
#if defined(__riscv_flen)
#define FRAME 224
.macro CLEAR_FP
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fmv.d.x f\r, zero
    .endr
    fscsr zero
.endm
.macro SAVE_FP
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11
    fsd fs\r, 112+8*\r(sp)
    .endr
    frcsr t0
    sd t0, 208(sp)
    CLEAR_FP
.endm
.macro RESTORE_FP
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11
    fld fs\r, 112+8*\r(sp)
    .endr
    ld t0, 208(sp)
    fscsr t0
.endm
#else
#define FRAME 112
.macro CLEAR_FP
.endm
.macro SAVE_FP
.endm
.macro RESTORE_FP
.endm
#endif

/* What the calling convention needs kept across a call the callee may clobber everything in:
 * ra and s0-s11, and the message pointer (a1) to store the results through. */
.macro SAVE_CALLER
    addi sp, sp, -FRAME
    sd ra, 0(sp)
    sd s0, 8(sp)
    sd s1, 16(sp)
    sd s2, 24(sp)
    sd s3, 32(sp)
    sd s4, 40(sp)
    sd s5, 48(sp)
    sd s6, 56(sp)
    sd s7, 64(sp)
    sd s8, 72(sp)
    sd s9, 80(sp)
    sd s10, 88(sp)
    sd s11, 96(sp)
    sd a1, 104(sp)
    SAVE_FP
.endm

/* a0-a6 from the message at t5. */
.macro LOAD_MESSAGE
    ld a0, 0(t5)
    ld a1, 8(t5)
    ld a2, 16(t5)
    ld a3, 24(t5)
    ld a4, 32(t5)
    ld a5, 40(t5)
    ld a6, 48(t5)
.endm

/* The engine passes every register to the callee: everything but the message (and sp, gp, tp,
 * which the trampoline replaces) is cleared, so nothing of the caller's leaks (t6 holds the ID). */
.macro CLEAR_CALLER
    li ra, 0
    li t0, 0
    li t1, 0
    li t2, 0
    li t3, 0
    li t4, 0
    li t5, 0
    li s0, 0
    li s1, 0
    li s2, 0
    li s3, 0
    li s4, 0
    li s5, 0
    li s6, 0
    li s7, 0
    li s8, 0
    li s9, 0
    li s10, 0
    li s11, 0
.endm

    .text
/* int64_t xpc_call(uint64_t id, struct xpc_msg *m) */
    .globl xpc_call
    .balign 4
xpc_call:
    SAVE_CALLER
    mv t6, a0
    mv t5, a1
    LOAD_MESSAGE
    CLEAR_CALLER
    XPC_S_XCALL(t6)
    /* Back here from the callee's xret, or from the kernel (an error in a0). */
call_return:
    ld t5, 104(sp)
    sd a0, 0(t5)
    sd a1, 8(t5)
    sd a2, 16(t5)
    sd a3, 24(t5)
    sd a4, 32(t5)
    sd a5, 40(t5)
    sd a6, 48(t5)
    ld ra, 0(sp)
    ld s0, 8(sp)
    ld s1, 16(sp)
    ld s2, 24(sp)
    ld s3, 32(sp)
    ld s4, 40(sp)
    ld s5, 48(sp)
    ld s6, 56(sp)
    ld s7, 64(sp)
    ld s8, 72(sp)
    ld s9, 80(sp)
    ld s10, 88(sp)
    ld s11, 96(sp)
    RESTORE_FP
    addi sp, sp, FRAME
    ret

/* int64_t xpc_call_timeout(uint64_t id, struct xpc_msg *m, uint64_t ns): the kernel makes the
 * xcall (t0 = id, t1 = ns) and records the time limit. */
    .globl xpc_call_timeout
    .balign 4
xpc_call_timeout:
    SAVE_CALLER
    mv t0, a0
    mv t1, a2
    mv t5, a1
    LOAD_MESSAGE
    li a7, SYS_XPC_CALL_TIMEOUT
    ecall
    j call_return

/* The entry stubs: x-entry i of this process starts at xpc_entry_stubs + 8 * i, so the
 * trampoline knows which entry was called from where it was entered, not from anything the
 * caller says. */
    .globl xpc_entry_stubs
    .balign 8
    .option push
    .option norvc
xpc_entry_stubs:
    .set i, 0
    .rept 64
    addi t0, zero, i
    j xpc_trampoline
    .set i, i + 1
    .endr
    .option pop

/* Runs on the caller's registers in the callee's address space. Takes a free context (or
 * answers ERR_XPC_BUSY at once), switches to its stack and TLS, keeps the caller's sp/gp/tp in
 * it, runs the handler, gives the context back and returns. */
    .balign 4
xpc_trampoline:
    la t1, xpc_local_entries
    slli t0, t0, E_SHIFT
    add t1, t1, t0
1:  lr.d t2, (t1)
    beqz t2, busy
    neg t3, t2
    and t3, t2, t3          /* the lowest free context */
    xor t4, t2, t3
    sc.d t4, t4, (t1)
    bnez t4, 1b
    li t4, 0                /* its index */
2:  srli t3, t3, 1
    beqz t3, 3f
    addi t4, t4, 1
    j 2b
3:  ld t2, E_CTX_SIZE(t1)
    mul t2, t2, t4
    ld t3, E_CTX_BASE(t1)
    add t2, t2, t3
    ld t3, E_TLS_OFF(t1)
    add t3, t2, t3          /* the context's tp */
    sd t1, C_MASK(t3)
    sd t4, C_INDEX(t3)
    sd sp, C_SP(t3)
    sd gp, C_GP(t3)
    sd tp, C_TP(t3)
    mv tp, t3
    addi sp, t3, C_MASK - 64
    andi sp, sp, -16
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    sd a0, 0(sp)
    sd a1, 8(sp)
    sd a2, 16(sp)
    sd a3, 24(sp)
    sd a4, 32(sp)
    sd a5, 40(sp)
    sd a6, 48(sp)
    sd t1, 56(sp)
    mv a0, sp
    ld t5, E_HANDLER(t1)
    jalr t5
    ld t1, 56(sp)
    ld a0, 0(sp)
    ld a1, 8(sp)
    ld a2, 16(sp)
    ld a3, 24(sp)
    ld a4, 32(sp)
    ld a5, 40(sp)
    ld a6, 48(sp)
    ld t2, C_SP(tp)
    ld t3, C_GP(tp)
    ld t4, C_TP(tp)
    ld t5, C_INDEX(tp)
    li t6, 1
    sll t6, t6, t5
    amoor.d zero, t6, (t1)  /* the context is free again: nothing below touches it */
    mv sp, t2
    mv gp, t3
    mv tp, t4
    li ra, 0                /* the callee's addresses are none of the caller's business */
    li t0, 0
    li t1, 0
    li t5, 0
    li t6, 0
    CLEAR_FP
    XPC_S_XRET
    j xret_failed
busy:
    li a0, ERR_XPC_BUSY
    CLEAR_FP
    XPC_S_XRET
xret_failed:
    /* sp/gp/tp are the caller's again. Keep them where the kernel looks for a dying callee's
     * caller (below tp), then take a stack of our own to report and exit on. */
    la t0, xret_failed_tls
    sd sp, C_SP(t0)
    sd gp, C_GP(t0)
    sd tp, C_TP(t0)
    mv tp, t0
    la sp, xret_failed_stack_top
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    j xpc_return_failed

    .bss
    .balign 16
    .space 2048
xret_failed_stack_top:
    .space 32
xret_failed_tls:
    .space 16
