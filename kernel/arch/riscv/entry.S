/* Boot entry, the single trap entry, and the return to user mode.
 *
 * While a thread runs in U-mode, sscratch holds the address of its trap frame; while the kernel
 * runs, sscratch is 0. The first instruction of the trap entry swaps sp and sscratch, so a zero
 * sp tells a trap taken in the kernel (only a fault in a user copy, by design) from one taken in
 * user mode, without touching any other register. */

#include <riscv/spec.h>

#define FRAME_SEPC    256
#define FRAME_SSTATUS 264

    .section .text.boot, "ax"
    .globl _start
_start:
    /* a0 = boot hart id, a1 = device tree: kept for kmain. */
    csrw sie, zero
    csrw sscratch, zero
    li t0, 0x6000 /* sstatus.FS: firmware may leave the FPU on; the kernel runs with it off */
    csrc sstatus, t0
    la sp, boot_stack_top
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  la t0, trap_entry
    csrw stvec, t0
    call kmain
3:  wfi
    j 3b

    .text
    .balign 4
    .globl trap_entry
trap_entry:
    csrrw sp, sscratch, sp
    beqz sp, kernel_trap
    /* From user: sp = this thread's trap frame. */
    sd x1, 8(sp)
    sd x3, 24(sp)
    sd x4, 32(sp)
    sd x5, 40(sp)
    sd x6, 48(sp)
    sd x7, 56(sp)
    sd x8, 64(sp)
    sd x9, 72(sp)
    sd x10, 80(sp)
    sd x11, 88(sp)
    sd x12, 96(sp)
    sd x13, 104(sp)
    sd x14, 112(sp)
    sd x15, 120(sp)
    sd x16, 128(sp)
    sd x17, 136(sp)
    sd x18, 144(sp)
    sd x19, 152(sp)
    sd x20, 160(sp)
    sd x21, 168(sp)
    sd x22, 176(sp)
    sd x23, 184(sp)
    sd x24, 192(sp)
    sd x25, 200(sp)
    sd x26, 208(sp)
    sd x27, 216(sp)
    sd x28, 224(sp)
    sd x29, 232(sp)
    sd x30, 240(sp)
    sd x31, 248(sp)
    csrrw t0, sscratch, zero
    sd t0, 16(sp)
    csrr t0, sepc
    sd t0, FRAME_SEPC(sp)
    csrr t0, sstatus
    sd t0, FRAME_SSTATUS(sp)
    /* The user's FS (kept in the frame for fpu_note_trap) is not the kernel's: the kernel runs
     * with FP off, so a stray FP instruction in it traps instead of corrupting user state. */
    li t1, 0x6000 /* a CSR write drains the pipeline: skip it when FS is already Off */
    and t1, t0, t1
    beqz t1, 1f
    csrc sstatus, t1
1:  mv a0, sp
    la sp, kernel_stack_top
    call fastpath_syscall
    /* not reached: the fastpath or trap_from_user ends in user_return */
    j .

kernel_trap:
    csrrw sp, sscratch, sp /* sp = kernel sp again, sscratch = 0 */
    addi sp, sp, -272
    sd x1, 8(sp)
    sd x5, 40(sp)
    sd x6, 48(sp)
    sd x7, 56(sp)
    sd x10, 80(sp)
    sd x11, 88(sp)
    sd x12, 96(sp)
    sd x13, 104(sp)
    sd x14, 112(sp)
    sd x15, 120(sp)
    sd x16, 128(sp)
    sd x17, 136(sp)
    sd x28, 224(sp)
    sd x29, 232(sp)
    sd x30, 240(sp)
    sd x31, 248(sp)
    csrr t0, sepc
    sd t0, FRAME_SEPC(sp)
    mv a0, sp
    call trap_from_kernel
    ld t0, FRAME_SEPC(sp)
    csrw sepc, t0
    ld x1, 8(sp)
    ld x5, 40(sp)
    ld x6, 48(sp)
    ld x7, 56(sp)
    ld x10, 80(sp)
    ld x11, 88(sp)
    ld x12, 96(sp)
    ld x13, 104(sp)
    ld x14, 112(sp)
    ld x15, 120(sp)
    ld x16, 128(sp)
    ld x17, 136(sp)
    ld x28, 224(sp)
    ld x29, 232(sp)
    ld x30, 240(sp)
    ld x31, 248(sp)
    addi sp, sp, 272
    sret

/* void user_return(struct trap_frame *f): restores f and enters U-mode. */
    .globl user_return
user_return:
    ld t0, FRAME_SEPC(a0)
    csrw sepc, t0
    ld t0, FRAME_SSTATUS(a0)
    csrw sstatus, t0
    csrw sscratch, a0
    ld x1, 8(a0)
    ld x2, 16(a0)
    ld x3, 24(a0)
    ld x4, 32(a0)
    ld x5, 40(a0)
    ld x6, 48(a0)
    ld x7, 56(a0)
    ld x8, 64(a0)
    ld x9, 72(a0)
    ld x11, 88(a0)
    ld x12, 96(a0)
    ld x13, 104(a0)
    ld x14, 112(a0)
    ld x15, 120(a0)
    ld x16, 128(a0)
    ld x17, 136(a0)
    ld x18, 144(a0)
    ld x19, 152(a0)
    ld x20, 160(a0)
    ld x21, 168(a0)
    ld x22, 176(a0)
    ld x23, 184(a0)
    ld x24, 192(a0)
    ld x25, 200(a0)
    ld x26, 208(a0)
    ld x27, 216(a0)
    ld x28, 224(a0)
    ld x29, 232(a0)
    ld x30, 240(a0)
    ld x31, 248(a0)
    ld x10, 80(a0)
    sret

/* User copies. A fault inside the copy loop is turned by trap_from_kernel into a jump to
 * user_copy_fault, which returns ERR_FAULT (-7). SUM is set only for the copy. */
    .globl user_copy
    .globl user_copy_start
    .globl user_copy_end
    .globl user_copy_fault
/* int user_copy(void *dst, const void *src, size_t n) */
user_copy:
    li t1, SSTATUS_SUM
    csrs sstatus, t1
user_copy_start:
    /* Doublewords while both pointers are 8-byte aligned and 8 or more bytes remain. */
    or t2, a0, a1
    andi t2, t2, 7
    bnez t2, 3f
4:  li t2, 8
    bltu a2, t2, 3f
    ld t0, 0(a1)
    sd t0, 0(a0)
    addi a0, a0, 8
    addi a1, a1, 8
    addi a2, a2, -8
    j 4b
3:  beqz a2, 2f
1:  lbu t0, 0(a1)
    sb t0, 0(a0)
    addi a0, a0, 1
    addi a1, a1, 1
    addi a2, a2, -1
    bnez a2, 1b
user_copy_end:
2:  csrc sstatus, t1
    li a0, 0
    ret
user_copy_fault:
    li t1, SSTATUS_SUM
    csrc sstatus, t1
    li a0, -7
    ret

    .section .bss
    .balign 16
    .globl boot_stack_top
    .globl kernel_stack_top
boot_stack:
    .space 16384
boot_stack_top:
kernel_stack_top = boot_stack_top
