/* Vector tables for mtvec/stvec in vectored mode. Entry k notes k in vector_hit_m/_s and then
 * enters the common trap entry, so the test sees which slot the hart jumped to. */
    .data
    .globl vector_hit_m, vector_hit_s
vector_hit_m: .dword -1
vector_hit_s: .dword -1

.macro VECTOR_STUB mode, scratch, k
vec_\mode\()_\k:
    csrrw sp, \scratch, sp
    addi sp, sp, -16
    sd t0, 0(sp)
    sd t1, 8(sp)
    li t0, \k
    la t1, vector_hit_\mode
    sd t0, 0(t1)
    ld t0, 0(sp)
    ld t1, 8(sp)
    addi sp, sp, 16
    csrrw sp, \scratch, sp
    j trap_entry_\mode
.endm

    .text
    .balign 256
    .globl vector_table_m
vector_table_m:
    .option push
    .option norvc
    .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j vec_m_\k
    .endr
    .option pop
    .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    VECTOR_STUB m, mscratch, \k
    .endr

    .balign 256
    .globl vector_table_s
vector_table_s:
    .option push
    .option norvc
    .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j vec_s_\k
    .endr
    .option pop
    .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    VECTOR_STUB s, sscratch, \k
    .endr
