/* Bare-metal start for the generator: M-mode at 0x80000000 on QEMU virt (or xpcsim).
 * Enables the FPU (mstatus.FS = Initial), runs main, then stops the machine through the
 * sifive_test finisher: 0x5555 = pass; on a trap, prints "TRAP <mcause>" and exits with
 * (code << 16) | 0x3333 = fail, so a missing instruction cannot look like a hang or a pass. */
    .section .text.start
    .globl _start
_start:
    la      sp, stack_top
    la      t0, trap
    csrw    mtvec, t0
    li      t0, 0x2000          /* mstatus.FS = 01 (Initial) */
    csrs    mstatus, t0
    csrwi   fcsr, 0
    la      t0, bss_start
    la      t1, bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    main
    li      t0, 0x100000
    li      t1, 0x5555
    sw      t1, 0(t0)
3:  wfi
    j       3b

    .align  2
trap:
    la      sp, stack_top
    csrr    a0, mcause
    csrr    a1, mepc
    call    report_trap
    li      t0, 0x100000
    li      t1, 0x13333         /* fail, exit code 1 */
    sw      t1, 0(t0)
4:  wfi
    j       4b

/* Expected-trap handler for rv.c's RUN_TRAPPING: record mcause, resume after the (4-byte)
 * instruction. Uses only t0 and t1, which that asm block declares clobbered. */
    .align  2
    .globl  skip_trap
skip_trap:
    csrr    t0, mcause
    la      t1, trap_cause
    sd      t0, 0(t1)
    csrr    t0, mepc
    addi    t0, t0, 4
    csrw    mepc, t0
    mret

    .bss
    .align  4
    .space  16384
stack_top:
