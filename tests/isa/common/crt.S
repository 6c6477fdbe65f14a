/* Reset entry of every test: QEMU's mask ROM (and xpcsim's) jumps here in M-mode with a0 = hart id
 * and a1 = device tree. Only hart 0 exists (-smp 1), so there is no parking loop. */
    .section .text.init, "ax"
    .globl _start
_start:
    la sp, __stack_top
    la t0, trap_entry_m
    csrw mtvec, t0
    la t0, __trap_stack_top
    csrw mscratch, t0
    la t0, __strap_stack_top
    csrw sscratch, t0
    csrw mie, zero
    /* mtimecmp resets to 0 on QEMU, which leaves MTIP pending: push it to the far future
     * (see quiet_mtip in irq.h for why not all ones). */
    li t0, 0x200bff8
    ld t1, 0(t0)
    li t2, 1 << 50
    add t1, t1, t2
    li t0, 0x2004000
    sd t1, 0(t0)
    csrw mstatus, zero
    /* With PMP implemented and no entry matching, S and U may touch nothing (priv spec 3.7.1).
     * One NAPOT entry over the whole address space gives them everything, as OpenSBI does. */
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f /* A=NAPOT, X, W, R */
    csrw pmpcfg0, t0
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  call main
    call test_finish
3:  j 3b
