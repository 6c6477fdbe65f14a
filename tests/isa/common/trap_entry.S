/* Trap entries for M and S. Each swaps sp with its scratch register to reach a stack of its own,
 * so a trap taken in U or S with any sp (even a broken one) still saves a full frame. The C
 * handler may rewrite the saved epc and registers; they are restored from the frame. */
#define FRAME_SIZE (36 * 8)

.macro SAVE_REGS scratch
    csrrw sp, \scratch, sp
    addi sp, sp, -FRAME_SIZE
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd x\n, (\n * 8)(sp)
    .endr
    csrr t0, \scratch
    sd t0, (2 * 8)(sp)
.endm

.macro RESTORE_REGS scratch
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld x\n, (\n * 8)(sp)
    .endr
    addi sp, sp, FRAME_SIZE
    csrrw sp, \scratch, sp
.endm

    .text
    .balign 4
    .globl trap_entry_m
trap_entry_m:
    SAVE_REGS mscratch
    csrr t0, mcause
    sd t0, (32 * 8)(sp)
    csrr t0, mepc
    sd t0, (33 * 8)(sp)
    csrr t0, mtval
    sd t0, (34 * 8)(sp)
    csrr t0, mstatus
    sd t0, (35 * 8)(sp)
    mv a0, sp
    call trap_handler_m
    ld t0, (33 * 8)(sp)
    csrw mepc, t0
    RESTORE_REGS mscratch
    mret

    .balign 4
    .globl trap_entry_s
trap_entry_s:
    SAVE_REGS sscratch
    csrr t0, scause
    sd t0, (32 * 8)(sp)
    csrr t0, sepc
    sd t0, (33 * 8)(sp)
    csrr t0, stval
    sd t0, (34 * 8)(sp)
    csrr t0, sstatus
    sd t0, (35 * 8)(sp)
    mv a0, sp
    call trap_handler_s
    ld t0, (33 * 8)(sp)
    csrw sepc, t0
    RESTORE_REGS sscratch
    sret

/* Privilege changes. Each returns to its caller in the new mode with every register intact. */
    .globl m_enter
m_enter: /* a0 = target privilege (0 U, 1 S, 3 M), called in M */
    li t0, 3 << 11
    csrc mstatus, t0
    slli t0, a0, 11
    csrs mstatus, t0
    csrw mepc, ra
    mret

    .globl s_enter_u
s_enter_u: /* called in S */
    li t0, 1 << 8
    csrc sstatus, t0
    csrw sepc, ra
    sret

    .globl raise_priv
raise_priv: /* back to the mode whose handler takes this ecall */
    li a7, 0x5ec0de
    ecall
    li a7, 0 /* so that a test's own ecall is never taken for this one */
    ret
