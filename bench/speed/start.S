    .section .text.start
    .globl _start
_start:
    la sp, __stack_top
    li t0, 0x2000 /* mstatus.FS = Initial: the FP workload needs the FPU */
    csrs mstatus, t0
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  call guest_main
3:  j 3b
