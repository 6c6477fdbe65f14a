/* The decoder (sim/decode.c) against the RISC-V unprivileged spec: every RV64I/M/A opcode, every
 * compressed form with its immediate scrambling, the reserved encodings that must be illegal,
 * the x0 sink, and the XPC custom-0 instructions of brief §3.1.
 *
 * The machine words in the encoding table were produced by GNU as (riscv64-unknown-elf-as
 * -march=rv64imac_zicsr_zifencei) from the assembly shown next to each one; the expected fields
 * are the operands of that assembly, so the table checks the decoder against an independent
 * encoder rather than against itself. */
#include <criterion/criterion.h>
#include <string.h>

#include "decode.h"

#define SINK 32 /* where a write to x0 is decoded to (decode.h) */

struct encoding {
    uint32_t raw;
    const char *as;
    unsigned op, rd, rs1, rs2;
    int32_t imm;
    unsigned len;
};

static const struct encoding encodings[] = {
    {0x12345537, "lui a0, 0x12345", OP_LUI, 10, 0, 0, 305418240, 4},
    {0xfffff2b7, "lui t0, 0xfffff", OP_LUI, 5, 0, 0, -4096, 4},
    {0x800004b7, "lui s1, 0x80000", OP_LUI, 9, 0, 0, -2147483648, 4},
    {0x00001037, "lui zero, 1", OP_LUI, 32, 0, 0, 4096, 4},
    {0x7ffff097, "auipc ra, 0x7ffff", OP_AUIPC, 1, 0, 0, 2147479552, 4},
    {0x80000f97, "auipc t6, 0x80000", OP_AUIPC, 31, 0, 0, -2147483648, 4},
    {0x001000ef, "jal ra, . + 2048", OP_JAL, 1, 0, 0, 2048, 4},
    {0x7ffff06f, "jal zero, . + 1048574", OP_JAL, 32, 0, 0, 1048574, 4},
    {0x8000046f, "jal s0, . - 1048576", OP_JAL, 8, 0, 0, -1048576, 4},
    {0xfffff36f, "jal t1, . - 2", OP_JAL, 6, 0, 0, -2, 4},
    {0xfff780e7, "jalr ra, -1(a5)", OP_JALR, 1, 15, 0, -1, 4},
    {0x7ff08067, "jalr zero, 2047(ra)", OP_JALR, 32, 1, 0, 2047, 4},
    {0x7eb50fe3, "beq a0, a1, . + 4094", OP_BEQ, 32, 10, 11, 4094, 4},
    {0x81de1063, "bne t3, t4, . - 4096", OP_BNE, 32, 28, 29, -4096, 4},
    {0x013940e3, "blt s2, s3, . + 2048", OP_BLT, 32, 18, 19, 2048, 4},
    {0xfe08dfe3, "bge a7, zero, . - 2", OP_BGE, 32, 17, 0, -2, 4},
    {0x0062e463, "bltu t0, t1, . + 8", OP_BLTU, 32, 5, 6, 8, 4},
    {0x803170e3, "bgeu sp, gp, . - 2048", OP_BGEU, 32, 2, 3, -2048, 4},
    {0x80010503, "lb a0, -2048(sp)", OP_LB, 10, 2, 0, -2048, 4},
    {0x7ff51583, "lh a1, 2047(a0)", OP_LH, 11, 10, 0, 2047, 4},
    {0x0002a603, "lw a2, 0(t0)", OP_LW, 12, 5, 0, 0, 4},
    {0xff843683, "ld a3, -8(s0)", OP_LD, 13, 8, 0, -8, 4},
    {0x0017c703, "lbu a4, 1(a5)", OP_LBU, 14, 15, 0, 1, 4},
    {0x00285003, "lhu zero, 2(a6)", OP_LHU, 32, 16, 0, 2, 4},
    {0x064f6f83, "lwu t6, 100(t5)", OP_LWU, 31, 30, 0, 100, 4},
    {0x80a10023, "sb a0, -2048(sp)", OP_SB, 32, 2, 10, -2048, 4},
    {0x7e639fa3, "sh t1, 2047(t2)", OP_SH, 32, 7, 6, 2047, 4},
    {0xffbd2fa3, "sw s11, -1(s10)", OP_SW, 32, 26, 27, -1, 4},
    {0x02113023, "sd ra, 32(sp)", OP_SD, 32, 2, 1, 32, 4},
    {0x80058513, "addi a0, a1, -2048", OP_ADDI, 10, 11, 0, -2048, 4},
    {0x7ff10113, "addi sp, sp, 2047", OP_ADDI, 2, 2, 0, 2047, 4},
    {0x00000013, "addi zero, zero, 0", OP_ADDI, 32, 0, 0, 0, 4},
    {0xfff32293, "slti t0, t1, -1", OP_SLTI, 5, 6, 0, -1, 4},
    {0x7ffe3393, "sltiu t2, t3, 2047", OP_SLTIU, 7, 28, 0, 2047, 4},
    {0xfff54513, "xori a0, a0, -1", OP_XORI, 10, 10, 0, -1, 4},
    {0x55566593, "ori a1, a2, 0x555", OP_ORI, 11, 12, 0, 1365, 4},
    {0x80077693, "andi a3, a4, -2048", OP_ANDI, 13, 14, 0, -2048, 4},
    {0x03f59513, "slli a0, a1, 63", OP_SLLI, 10, 11, 0, 63, 4},
    {0x00059513, "slli a0, a1, 0", OP_SLLI, 10, 11, 0, 0, 4},
    {0x02035293, "srli t0, t1, 32", OP_SRLI, 5, 6, 0, 32, 4},
    {0x43f4d413, "srai s0, s1, 63", OP_SRAI, 8, 9, 0, 63, 4},
    {0x4014d413, "srai s0, s1, 1", OP_SRAI, 8, 9, 0, 1, 4},
    {0x00c58533, "add a0, a1, a2", OP_ADD, 10, 11, 12, 0, 4},
    {0x407302b3, "sub t0, t1, t2", OP_SUB, 5, 6, 7, 0, 4},
    {0x01499933, "sll s2, s3, s4", OP_SLL, 18, 19, 20, 0, 4},
    {0x017b2ab3, "slt s5, s6, s7", OP_SLT, 21, 22, 23, 0, 4},
    {0x01de3033, "sltu zero, t3, t4", OP_SLTU, 32, 28, 29, 0, 4},
    {0x011847b3, "xor a5, a6, a7", OP_XOR, 15, 16, 17, 0, 4},
    {0x003150b3, "srl ra, sp, gp", OP_SRL, 1, 2, 3, 0, 4},
    {0x4062d233, "sra tp, t0, t1", OP_SRA, 4, 5, 6, 0, 4},
    {0x01acec33, "or s8, s9, s10", OP_OR, 24, 25, 26, 0, 4},
    {0x01ff7db3, "and s11, t5, t6", OP_AND, 27, 30, 31, 0, 4},
    {0x8005851b, "addiw a0, a1, -2048", OP_ADDIW, 10, 11, 0, -2048, 4},
    {0x0005051b, "addiw a0, a0, 0", OP_ADDIW, 10, 10, 0, 0, 4},
    {0x01f3129b, "slliw t0, t1, 31", OP_SLLIW, 5, 6, 0, 31, 4},
    {0x000e539b, "srliw t2, t3, 0", OP_SRLIW, 7, 28, 0, 0, 4},
    {0x41ff5e9b, "sraiw t4, t5, 31", OP_SRAIW, 29, 30, 0, 31, 4},
    {0x00c5853b, "addw a0, a1, a2", OP_ADDW, 10, 11, 12, 0, 4},
    {0x40f706bb, "subw a3, a4, a5", OP_SUBW, 13, 14, 15, 0, 4},
    {0x0128983b, "sllw a6, a7, s2", OP_SLLW, 16, 17, 18, 0, 4},
    {0x015a59bb, "srlw s3, s4, s5", OP_SRLW, 19, 20, 21, 0, 4},
    {0x418bdb3b, "sraw s6, s7, s8", OP_SRAW, 22, 23, 24, 0, 4},
    {0x02c58533, "mul a0, a1, a2", OP_MUL, 10, 11, 12, 0, 4},
    {0x02f716b3, "mulh a3, a4, a5", OP_MULH, 13, 14, 15, 0, 4},
    {0x0258a833, "mulhsu a6, a7, t0", OP_MULHSU, 16, 17, 5, 0, 4},
    {0x03c3b333, "mulhu t1, t2, t3", OP_MULHU, 6, 7, 28, 0, 4},
    {0x03ff4eb3, "div t4, t5, t6", OP_DIV, 29, 30, 31, 0, 4},
    {0x0324d433, "divu s0, s1, s2", OP_DIVU, 8, 9, 18, 0, 4},
    {0x035a69b3, "rem s3, s4, s5", OP_REM, 19, 20, 21, 0, 4},
    {0x038bfb33, "remu s6, s7, s8", OP_REMU, 22, 23, 24, 0, 4},
    {0x03bd0cbb, "mulw s9, s10, s11", OP_MULW, 25, 26, 27, 0, 4},
    {0x023140bb, "divw ra, sp, gp", OP_DIVW, 1, 2, 3, 0, 4},
    {0x0262d23b, "divuw tp, t0, t1", OP_DIVUW, 4, 5, 6, 0, 4},
    {0x02c5e53b, "remw a0, a1, a2", OP_REMW, 10, 11, 12, 0, 4},
    {0x02e6f03b, "remuw zero, a3, a4", OP_REMUW, 32, 13, 14, 0, 4},
    {0x1005a52f, "lr.w a0, (a1)", OP_LR_W, 10, 11, 0, 0, 4},
    {0x18d7262f, "sc.w a2, a3, (a4)", OP_SC_W, 12, 14, 13, 0, 4},
    {0x160332af, "lr.d.aqrl t0, (t1)", OP_LR_D, 5, 6, 0, 0, 4},
    {0x1bceb3af, "sc.d.rl t2, t3, (t4)", OP_SC_D, 7, 29, 28, 0, 4},
    {0x08b6252f, "amoswap.w a0, a1, (a2)", OP_AMOSWAP_W, 10, 12, 11, 0, 4},
    {0x04b6252f, "amoadd.w.aq a0, a1, (a2)", OP_AMOADD_W, 10, 12, 11, 0, 4},
    {0x20b6202f, "amoxor.w zero, a1, (a2)", OP_AMOXOR_W, 32, 12, 11, 0, 4},
    {0x6099242f, "amoand.w s0, s1, (s2)", OP_AMOAND_W, 8, 18, 9, 0, 4},
    {0x414aa9af, "amoor.w s3, s4, (s5)", OP_AMOOR_W, 19, 21, 20, 0, 4},
    {0x8063a2af, "amomin.w t0, t1, (t2)", OP_AMOMIN_W, 5, 7, 6, 0, 4},
    {0xa1df2e2f, "amomax.w t3, t4, (t5)", OP_AMOMAX_W, 28, 30, 29, 0, 4},
    {0xc0e7a6af, "amominu.w a3, a4, (a5)", OP_AMOMINU_W, 13, 15, 14, 0, 4},
    {0xe111282f, "amomaxu.w a6, a7, (sp)", OP_AMOMAXU_W, 16, 2, 17, 0, 4},
    {0x08b6352f, "amoswap.d a0, a1, (a2)", OP_AMOSWAP_D, 10, 12, 11, 0, 4},
    {0x00b6352f, "amoadd.d a0, a1, (a2)", OP_AMOADD_D, 10, 12, 11, 0, 4},
    {0x22b6352f, "amoxor.d.rl a0, a1, (a2)", OP_AMOXOR_D, 10, 12, 11, 0, 4},
    {0x6099342f, "amoand.d s0, s1, (s2)", OP_AMOAND_D, 8, 18, 9, 0, 4},
    {0x414ab9af, "amoor.d s3, s4, (s5)", OP_AMOOR_D, 19, 21, 20, 0, 4},
    {0x8063b2af, "amomin.d t0, t1, (t2)", OP_AMOMIN_D, 5, 7, 6, 0, 4},
    {0xa1df3e2f, "amomax.d t3, t4, (t5)", OP_AMOMAX_D, 28, 30, 29, 0, 4},
    {0xc0e7b6af, "amominu.d a3, a4, (a5)", OP_AMOMINU_D, 13, 15, 14, 0, 4},
    {0xe711382f, "amomaxu.d.aqrl a6, a7, (sp)", OP_AMOMAXU_D, 16, 2, 17, 0, 4},
    {0x0ff0000f, "fence", OP_FENCE, 32, 0, 0, 0, 4},
    {0x0310000f, "fence rw, w", OP_FENCE, 32, 0, 0, 0, 4},
    {0x8330000f, "fence.tso", OP_FENCE, 32, 0, 0, 0, 4},
    {0x0000100f, "fence.i", OP_FENCE_I, 32, 0, 0, 0, 4},
    {0x00000073, "ecall", OP_ECALL, 32, 0, 0, 0, 4},
    {0x00100073, "ebreak", OP_EBREAK, 32, 0, 0, 0, 4},
    {0x30200073, "mret", OP_MRET, 32, 0, 0, 0, 4},
    {0x10200073, "sret", OP_SRET, 32, 0, 0, 0, 4},
    {0x10500073, "wfi", OP_WFI, 32, 0, 0, 0, 4},
    {0x12000073, "sfence.vma", OP_SFENCE_VMA, 32, 0, 0, 0, 4},
    {0x12b50073, "sfence.vma a0, a1", OP_SFENCE_VMA, 32, 10, 11, 0, 4},
    {0x30059573, "csrrw a0, mstatus, a1", OP_CSRRW, 10, 11, 0, 768, 4},
    {0x1802a073, "csrrs zero, satp, t0", OP_CSRRS, 32, 5, 0, 384, 4},
    {0xfff3b373, "csrrc t1, 0xfff, t2", OP_CSRRC, 6, 7, 0, 4095, 4},
    {0x340fd573, "csrrwi a0, mscratch, 31", OP_CSRRWI, 10, 31, 0, 832, 4},
    {0xc00065f3, "csrrsi a1, cycle, 0", OP_CSRRSI, 11, 0, 0, 3072, 4},
    {0x5c70f073, "csrrci zero, 0x5c7, 1", OP_CSRRCI, 32, 1, 0, 1479, 4},
    {0x0005000b, ".insn r 0x0b, 0, 0, x0, a0, x0", OP_XCALL, 32, 10, 0, 0, 4},
    {0x000f800b, ".insn r 0x0b, 0, 0, x0, t6, x0", OP_XCALL, 32, 31, 0, 0, 4},
    {0x0200000b, ".insn r 0x0b, 0, 1, x0, x0, x0", OP_XRET, 32, 0, 0, 0, 4},
    {0x0405800b, ".insn r 0x0b, 0, 2, x0, a1, x0", OP_SWAPSEG, 32, 11, 0, 0, 4},
    {0x0048, "c.addi4spn a0, sp, 4", OP_ADDI, 10, 2, 0, 4, 2},
    {0x1fe0, "c.addi4spn s0, sp, 1020", OP_ADDI, 8, 2, 0, 1020, 2},
    {0x003c, "c.addi4spn a5, sp, 8", OP_ADDI, 15, 2, 0, 8, 2},
    {0x081c, "c.addi4spn a5, sp, 16", OP_ADDI, 15, 2, 0, 16, 2},
    {0x009c, "c.addi4spn a5, sp, 64", OP_ADDI, 15, 2, 0, 64, 2},
    {0x5de8, "c.lw a0, 124(a1)", OP_LW, 10, 11, 0, 124, 2},
    {0x4044, "c.lw s1, 4(s0)", OP_LW, 9, 8, 0, 4, 2},
    {0x4024, "c.lw s1, 64(s0)", OP_LW, 9, 8, 0, 64, 2},
    {0x7ef0, "c.ld a2, 248(a3)", OP_LD, 12, 13, 0, 248, 2},
    {0x62d0, "c.ld a2, 128(a3)", OP_LD, 12, 13, 0, 128, 2},
    {0x6690, "c.ld a2, 8(a3)", OP_LD, 12, 13, 0, 8, 2},
    {0xdff8, "c.sw a4, 124(a5)", OP_SW, 32, 15, 14, 124, 2},
    {0xc3d8, "c.sw a4, 4(a5)", OP_SW, 32, 15, 14, 4, 2},
    {0xfce0, "c.sd s0, 248(s1)", OP_SD, 32, 9, 8, 248, 2},
    {0xe0a0, "c.sd s0, 64(s1)", OP_SD, 32, 9, 8, 64, 2},
    {0x0001, "c.nop", OP_ADDI, 32, 0, 0, 0, 2},
    {0x1501, "c.addi a0, -32", OP_ADDI, 10, 10, 0, -32, 2},
    {0x0ffd, "c.addi t6, 31", OP_ADDI, 31, 31, 0, 31, 2},
    {0x2501, "c.addiw a0, 0", OP_ADDIW, 10, 10, 0, 0, 2},
    {0x3dfd, "c.addiw s11, -1", OP_ADDIW, 27, 27, 0, -1, 2},
    {0x5581, "c.li a1, -32", OP_ADDI, 11, 0, 0, -32, 2},
    {0x40fd, "c.li ra, 31", OP_ADDI, 1, 0, 0, 31, 2},
    {0x7101, "c.addi16sp sp, -512", OP_ADDI, 2, 2, 0, -512, 2},
    {0x617d, "c.addi16sp sp, 496", OP_ADDI, 2, 2, 0, 496, 2},
    {0x6141, "c.addi16sp sp, 16", OP_ADDI, 2, 2, 0, 16, 2},
    {0x6105, "c.addi16sp sp, 32", OP_ADDI, 2, 2, 0, 32, 2},
    {0x6121, "c.addi16sp sp, 64", OP_ADDI, 2, 2, 0, 64, 2},
    {0x6109, "c.addi16sp sp, 128", OP_ADDI, 2, 2, 0, 128, 2},
    {0x6505, "c.lui a0, 1", OP_LUI, 10, 0, 0, 4096, 2},
    {0x657d, "c.lui a0, 0x1f", OP_LUI, 10, 0, 0, 126976, 2},
    {0x7281, "c.lui t0, 0xfffe0", OP_LUI, 5, 0, 0, -131072, 2},
    {0x72fd, "c.lui t0, 0xfffff", OP_LUI, 5, 0, 0, -4096, 2},
    {0x917d, "c.srli a0, 63", OP_SRLI, 10, 10, 0, 63, 2},
    {0x8105, "c.srli a0, 1", OP_SRLI, 10, 10, 0, 1, 2},
    {0x9481, "c.srai s1, 32", OP_SRAI, 9, 9, 0, 32, 2},
    {0x9a01, "c.andi a2, -32", OP_ANDI, 12, 12, 0, -32, 2},
    {0x8a3d, "c.andi a2, 15", OP_ANDI, 12, 12, 0, 15, 2},
    {0x8d0d, "c.sub a0, a1", OP_SUB, 10, 10, 11, 0, 2},
    {0x8c3d, "c.xor s0, a5", OP_XOR, 8, 8, 15, 0, 2},
    {0x8ed9, "c.or a3, a4", OP_OR, 13, 13, 14, 0, 2},
    {0x8fe5, "c.and a5, s1", OP_AND, 15, 15, 9, 0, 2},
    {0x9d0d, "c.subw a0, a1", OP_SUBW, 10, 10, 11, 0, 2},
    {0x9e35, "c.addw a2, a3", OP_ADDW, 12, 12, 13, 0, 2},
    {0xaffd, "c.j . + 2046", OP_JAL, 32, 0, 0, 2046, 2},
    {0xb001, "c.j . - 2048", OP_JAL, 32, 0, 0, -2048, 2},
    {0xa801, "c.j . + 16", OP_JAL, 32, 0, 0, 16, 2},
    {0xa101, "c.j . + 0x400", OP_JAL, 32, 0, 0, 1024, 2},
    {0xa401, "c.j . + 0x200", OP_JAL, 32, 0, 0, 512, 2},
    {0xa041, "c.j . + 0x80", OP_JAL, 32, 0, 0, 128, 2},
    {0xa081, "c.j . + 0x40", OP_JAL, 32, 0, 0, 64, 2},
    {0xa005, "c.j . + 0x20", OP_JAL, 32, 0, 0, 32, 2},
    {0xa009, "c.j . + 0x2", OP_JAL, 32, 0, 0, 2, 2},
    {0xcd7d, "c.beqz a0, . + 254", OP_BEQ, 32, 10, 0, 254, 2},
    {0xd101, "c.beqz a0, . - 256", OP_BEQ, 32, 10, 0, -256, 2},
    {0xe089, "c.bnez s1, . + 2", OP_BNE, 32, 9, 0, 2, 2},
    {0xe085, "c.bnez s1, . + 32", OP_BNE, 32, 9, 0, 32, 2},
    {0xe0a1, "c.bnez s1, . + 64", OP_BNE, 32, 9, 0, 64, 2},
    {0xe481, "c.bnez s1, . + 8", OP_BNE, 32, 9, 0, 8, 2},
    {0x157e, "c.slli a0, 63", OP_SLLI, 10, 10, 0, 63, 2},
    {0x0f86, "c.slli t6, 1", OP_SLLI, 31, 31, 0, 1, 2},
    {0x557e, "c.lwsp a0, 252(sp)", OP_LW, 10, 2, 0, 252, 2},
    {0x4092, "c.lwsp ra, 4(sp)", OP_LW, 1, 2, 0, 4, 2},
    {0x5082, "c.lwsp ra, 32(sp)", OP_LW, 1, 2, 0, 32, 2},
    {0x75fe, "c.ldsp a1, 504(sp)", OP_LD, 11, 2, 0, 504, 2},
    {0x6422, "c.ldsp s0, 8(sp)", OP_LD, 8, 2, 0, 8, 2},
    {0x6406, "c.ldsp s0, 64(sp)", OP_LD, 8, 2, 0, 64, 2},
    {0x8082, "c.jr ra", OP_JALR, 32, 1, 0, 0, 2},
    {0x8f82, "c.jr t6", OP_JALR, 32, 31, 0, 0, 2},
    {0x852e, "c.mv a0, a1", OP_ADD, 10, 0, 11, 0, 2},
    {0x9002, "c.ebreak", OP_EBREAK, 32, 0, 0, 0, 2},
    {0x9782, "c.jalr a5", OP_JALR, 1, 15, 0, 0, 2},
    {0x947e, "c.add s0, t6", OP_ADD, 8, 8, 31, 0, 2},
    {0xdfaa, "c.swsp a0, 252(sp)", OP_SW, 32, 2, 10, 252, 2},
    {0xc216, "c.swsp t0, 4(sp)", OP_SW, 32, 2, 5, 4, 2},
    {0xffae, "c.sdsp a1, 504(sp)", OP_SD, 32, 2, 11, 504, 2},
    {0xe426, "c.sdsp s1, 8(sp)", OP_SD, 32, 2, 9, 8, 2},
};

Test(decode, every_opcode_matches_the_assembler)
{
    for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++) {
        const struct encoding *e = &encodings[i];
        struct insn in;
        memset(&in, 0xa5, sizeof in);
        decode(e->raw, &in);
        cr_expect_eq(in.op, e->op, "%s (0x%08x): op %s, want %s", e->as, e->raw, insn_name(in.op),
                     insn_name(e->op));
        cr_expect_eq(in.rd, e->rd, "%s: rd %u, want %u", e->as, in.rd, e->rd);
        cr_expect_eq(in.rs1, e->rs1, "%s: rs1 %u, want %u", e->as, in.rs1, e->rs1);
        /* rs2 is meaningful for stores, branches, R-type, AMOs and sfence.vma only. */
        if (e->rs2 || in.op == OP_ADD || in.op == OP_SFENCE_VMA || in.op == OP_BGE)
            cr_expect_eq(in.rs2, e->rs2, "%s: rs2 %u, want %u", e->as, in.rs2, e->rs2);
        cr_expect_eq(in.imm, e->imm, "%s: imm %d, want %d", e->as, in.imm, e->imm);
        cr_expect_eq(in.len, e->len, "%s: len %u", e->as, in.len);
        cr_expect_eq(in.raw, e->raw, "%s: raw 0x%x", e->as, in.raw);
        cr_expect_eq(in.off, 0, "%s: off %u", e->as, in.off);
    }
}

/* The table above names every integer and XPC operation the decoder knows: a new one needs its
 * encodings added there. (FP ops have their own test; NOP and END are never decoded.) */
Test(decode, the_table_covers_every_operation)
{
    static const char *const elsewhere[] = {"ILLEGAL", "NOP", "END", "FLW",
                                            "FLD",     "FSW", "FSD", "FP"};
    for (unsigned op = 0; op < OP_COUNT; op++) {
        bool skip = false;
        for (size_t i = 0; i < sizeof elsewhere / sizeof elsewhere[0]; i++)
            skip |= strcmp(insn_name(op), elsewhere[i]) == 0;
        bool found = false;
        for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
            found |= encodings[i].op == op;
        cr_expect(skip || found, "no encoding of %s in the table", insn_name(op));
    }
}

/* Negative S-type and c.lui immediates once came from left shifts of negative values, undefined
 * behaviour in C11 that UBSan stops on; these are the encodings that hit it. */
Test(decode, negative_immediates_are_defined_behaviour)
{
    static const uint32_t words[] = {
        0xfe97bfa7 /* fsd fs1, -1(a5) */, 0xffffaa23 /* sw t6, -12(t6) */,
        0x7281 /* c.lui t0, 0xfffe0 */, 0x7001 /* c.lui x0, 0xfffe0 */};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        struct insn in;
        decode(words[i], &in);
        cr_expect_lt(in.op, OP_COUNT);
    }
    struct insn in;
    decode(0xffffaa23, &in);
    cr_expect_eq(in.imm, -12);
    decode(0x7281, &in);
    cr_expect_eq(in.imm, -131072);
}

/* A compressed instruction is 16 bits: whatever follows it in memory is the next instruction. */
Test(decode, compressed_uses_only_the_low_half)
{
    struct insn a, b;
    decode(0x0505, &a);     /* c.addi a0, 1 */
    decode(0xdead0505, &b); /* the same, with the next instruction's bits above it */
    cr_assert_eq(b.op, OP_ADDI);
    cr_assert_eq(b.rd, 10);
    cr_assert_eq(b.rs1, 10);
    cr_assert_eq(b.imm, 1);
    cr_assert_eq(b.len, 2);
    cr_assert_eq(b.raw, 0x0505, "raw keeps only the 16 bits: 0x%x", b.raw);
    cr_assert_eq(a.raw, b.raw);
    cr_assert_eq(insn_length(0xdead0505), 2);
    cr_assert_eq(insn_length(0x00000013), 4);
}

static void expect_illegal(uint32_t raw, unsigned len, const char *why)
{
    struct insn in;
    decode(raw, &in);
    cr_expect_eq(in.op, OP_ILLEGAL, "0x%08x (%s) decoded as %s", raw, why, insn_name(in.op));
    /* The raw bits are what mtval reports for an illegal instruction. */
    cr_expect_eq((uint32_t)in.imm, raw, "0x%08x (%s): imm 0x%x", raw, why, (uint32_t)in.imm);
    cr_expect_eq(in.len, len, "0x%08x (%s): len %u", raw, why, in.len);
    cr_expect(insn_ends_block(&in), "0x%08x: an illegal instruction must end its block", raw);
}

/* The reserved and illegal RVC encodings of the C-extension opcode maps (RV64, no F/D). */
Test(decode, reserved_compressed_encodings_are_illegal)
{
    expect_illegal(0x0000, 2, "all-zero: defined illegal");
    expect_illegal(0x0004, 2, "c.addi4spn with nzuimm = 0");
    expect_illegal(0x6081, 2, "c.lui ra, 0");
    expect_illegal(0x6001, 2, "c.lui x0, 0");
    expect_illegal(0x6101, 2, "c.addi16sp sp, 0");
    expect_illegal(0x8002, 2, "c.jr x0");
    expect_illegal(0x2001, 2, "c.addiw x0, 0");
    expect_illegal(0x2005, 2, "c.addiw x0, 1");
    expect_illegal(0x4002, 2, "c.lwsp x0");
    expect_illegal(0x6002, 2, "c.ldsp x0");
    expect_illegal(0x8000, 2, "quadrant 0 funct3 100: reserved");
    expect_illegal(0x9c41, 2, "quadrant 1 funct6 100111 funct2 10: reserved");
    expect_illegal(0x9c61, 2, "quadrant 1 funct6 100111 funct2 11: reserved");
}

Test(decode, reserved_32bit_encodings_are_illegal)
{
    expect_illegal(0x04159513, 4, "slli with imm[6] set (shamt is 6 bits in RV64)");
    expect_illegal(0x8015d513, 4, "srli with imm[11] set");
    expect_illegal(0x4415d513, 4, "srai with imm[6] set");
    expect_illegal(0x0215951b, 4, "slliw with shamt[5] set");
    expect_illegal(0x4215d51b, 4, "sraiw with shamt[5] set");
    expect_illegal(0x0215d51b, 4, "srliw with shamt[5] set");
    expect_illegal(0x04c58533, 4, "OP with funct7 0000010");
    expect_illegal(0x40c59533, 4, "OP funct7 0100000 funct3 001");
    expect_illegal(0x00c5a53b, 4, "OP-32 funct3 010");
    expect_illegal(0x02c5953b, 4, "OP-32 M funct3 001 (no mulhw)");
    expect_illegal(0x0005f503, 4, "LOAD funct3 111");
    expect_illegal(0x00a5c023, 4, "STORE funct3 100");
    expect_illegal(0x00b52063, 4, "BRANCH funct3 010");
    expect_illegal(0x00b53063, 4, "BRANCH funct3 011");
    expect_illegal(0x000510e7, 4, "JALR funct3 001");
    expect_illegal(0x0000200f, 4, "MISC-MEM funct3 010");
    expect_illegal(0x00004073, 4, "SYSTEM funct3 100");
    expect_illegal(0x00200073, 4, "uret (no N extension)");
    expect_illegal(0x7b200073, 4, "dret outside debug mode");
    expect_illegal(0x00b6052f, 4, "AMO funct3 000 (no byte AMOs)");
    expect_illegal(0x28b6252f, 4, "AMO funct5 00101");
    expect_illegal(0x10b6252f, 4, "lr.w with rs2 != 0");
    expect_illegal(0x00000057, 4, "OP-V without V");
    expect_illegal(0x0000002b, 4, "custom-1");
    expect_illegal(0x0000001f, 4, "48-bit instruction prefix");
    expect_illegal(0x0000003f, 4, "64-bit instruction prefix");
    expect_illegal(0xffffffff, 4, "all-ones");
}

/* Brief §3.1: funct7 0, 1, 2 only; funct3, rd and rs2 (and rs1 of xret) are reserved, must be 0. */
Test(decode, illegal_custom0_variants)
{
    expect_illegal(0x0605000b, 4, "custom-0 funct7 3");
    expect_illegal(0xfe05000b, 4, "custom-0 funct7 127");
    expect_illegal(0x0005100b, 4, "xcall with funct3 1");
    expect_illegal(0x0005700b, 4, "xcall with funct3 7");
    expect_illegal(0x0005008b, 4, "xcall with rd = ra");
    expect_illegal(0x0055000b, 4, "xcall with rs2 = t0");
    expect_illegal(0x0205000b, 4, "xret with rs1 = a0");
    expect_illegal(0x0200008b, 4, "xret with rd = ra");
    expect_illegal(0x0400008b, 4, "swapseg with rd = ra");
    expect_illegal(0x0415800b, 4, "swapseg with rs2 = ra");
}

Test(decode, which_instructions_end_a_block)
{
    static const struct {
        uint32_t raw;
        const char *as;
        bool ends;
    } cases[] = {
        {0x00c58533, "add", false},      {0x80058513, "addi", false},
        {0xff843683, "ld", false},       {0x02113023, "sd", false},
        {0x00b6252f, "amoadd.w", false}, {0x0ff0000f, "fence", false},
        {0x0000100f, "fence.i", true},   {0x001000ef, "jal", true},
        {0xfff78067, "jalr", true},      {0x00b50063, "beq", true},
        {0x00000073, "ecall", true},     {0x00100073, "ebreak", true},
        {0x30200073, "mret", true},      {0x10200073, "sret", true},
        {0x10500073, "wfi", true},       {0x12000073, "sfence.vma", true},
        {0x30059573, "csrrw", true},     {0xc00055f3, "csrrsi", true},
        {0x0005000b, "xcall", true},     {0x0200000b, "xret", true},
        {0x0405800b, "swapseg", true},   {0x9002, "c.ebreak", true},
        {0x8082, "c.jr ra", true},       {0xa001, "c.j .", true},
        {0x0505, "c.addi", false},       {0x4108, "c.lw", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct insn in;
        decode(cases[i].raw, &in);
        cr_expect_neq(in.op, OP_ILLEGAL, "%s decoded as illegal", cases[i].as);
        cr_expect_eq(insn_ends_block(&in), cases[i].ends, "%s: ends_block %d", cases[i].as,
                     insn_ends_block(&in));
    }
}

/* The op of a name in the decoder's table, or -1: whether the decoder implements F and D is
 * the machine's choice (misa), and the encodings below must be illegal exactly when it does not. */
static int op_named(const char *name)
{
    for (unsigned op = 0; op < 1024; op++)
        if (strcmp(insn_name(op), name) == 0)
            return (int)op;
    return -1;
}

static void expect_fp_access(uint32_t raw, const char *as, const char *op, unsigned rd,
                             unsigned rs1, unsigned rs2, int32_t imm, unsigned len)
{
    struct insn in;
    decode(raw, &in);
    if (op_named(op) < 0)
        return expect_illegal(raw, len, as);
    cr_expect_eq(in.op, op_named(op), "%s (0x%x): %s", as, raw, insn_name(in.op));
    if (op[1] == 'L') /* a load names an f register: f0 is a register, not a sink */
        cr_expect_eq(in.rd, rd, "%s: rd %u", as, in.rd);
    else
        cr_expect_eq(in.rs2, rs2, "%s: rs2 %u", as, in.rs2);
    cr_expect_eq(in.rs1, rs1, "%s: rs1 %u", as, in.rs1);
    cr_expect_eq(in.imm, imm, "%s: imm %d", as, in.imm);
    cr_expect_eq(in.len, len, "%s: len %u", as, in.len);
}

/* c.fld/c.fsd/c.fldsp/c.fsdsp and the 32-bit FP accesses: illegal on RV64IMAC, the D/F accesses
 * with these fields when the decoder implements them (GNU as, -march=rv64imafdc). */
Test(decode, fp_accesses_are_illegal_unless_implemented)
{
    expect_fp_access(0x3de8, "c.fld fa0, 248(a1)", "FLD", 10, 11, 0, 248, 2);
    expect_fp_access(0xa784, "c.fsd fs1, 8(a5)", "FSD", 0, 15, 9, 8, 2);
    expect_fp_access(0x307e, "c.fldsp ft0, 504(sp)", "FLD", 0, 2, 0, 504, 2);
    expect_fp_access(0xa0fe, "c.fsdsp ft11, 64(sp)", "FSD", 0, 2, 31, 64, 2);
    expect_fp_access(0x8005b507, "fld fa0, -2048(a1)", "FLD", 10, 11, 0, -2048, 4);
    expect_fp_access(0x7fffa007, "flw ft0, 2047(t6)", "FLW", 0, 31, 0, 2047, 4);
    expect_fp_access(0x0297bfa7, "fsd fs1, 63(a5)", "FSD", 0, 15, 9, 63, 4);
    expect_fp_access(0x05f12027, "fsw ft11, 64(sp)", "FSW", 0, 2, 31, 64, 4);
    if (op_named("FP") < 0) {
        expect_illegal(0x00000053, 4, "OP-FP without F");
        expect_illegal(0x00000043, 4, "FMADD without F");
    }
    /* Quad precision is never implemented. */
    expect_illegal(0x0005c507, 4, "flq");
}

Test(decode, names)
{
    cr_assert_str_eq(insn_name(OP_ADD), "ADD");
    cr_assert_str_eq(insn_name(OP_XCALL), "XCALL");
    cr_assert_str_eq(insn_name(OP_COUNT), "?");
    cr_assert_str_eq(insn_name(100000), "?");
}

static void expect_well_formed(uint32_t raw)
{
    struct insn in;
    decode(raw, &in);
    cr_assert_lt(in.op, OP_COUNT, "0x%08x: op %u", raw, in.op);
    /* Register 0 as a destination is always the sink, so the interpreter never writes x0; only
     * an f-register destination (FP loads and FP computations) may be register 0. */
    const char *name = insn_name(in.op);
    bool f_rd = strcmp(name, "FLW") == 0 || strcmp(name, "FLD") == 0 || strcmp(name, "FP") == 0;
    cr_assert(in.rd >= (f_rd ? 0 : 1) && in.rd <= 32, "0x%08x (%s): rd %u", raw, insn_name(in.op),
              in.rd);
    cr_assert_lt(in.rs1, 32, "0x%08x: rs1 %u", raw, in.rs1);
    cr_assert_lt(in.rs2, 32, "0x%08x: rs2 %u", raw, in.rs2);
    cr_assert_eq(in.len, (raw & 3) == 3 ? 4 : 2, "0x%08x: len %u", raw, in.len);
}

/* Every 16-bit word, and a few million 32-bit ones: nothing escapes the enum or names x0. */
Test(decode, any_word_decodes_to_something_well_formed)
{
    for (uint32_t half = 0; half < 0x10000; half++)
        if ((half & 3) != 3)
            expect_well_formed(half);
    uint64_t state = 0x9e3779b97f4a7c15ULL;
    for (unsigned i = 0; i < 2000000; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        expect_well_formed((uint32_t)(state >> 32) | 3);
    }
}

/* A destination of x0 is the sink for every instruction class that writes a register. */
Test(decode, x0_destination_is_the_sink)
{
    static const uint32_t writes_x0[] = {
        0x00000013, /* addi x0, x0, 0 (nop) */
        0x00001037, /* lui x0, 1 */
        0x00000017, /* auipc x0, 0 */
        0x0000006f, /* jal x0, . */
        0x00008067, /* jalr x0, 0(ra) */
        0x00053003, /* ld x0, 0(a0) */
        0x00c58033, /* add x0, a1, a2 */
        0x02c58033, /* mul x0, a1, a2 */
        0x0005801b, /* addiw x0, a1, 0 */
        0x00b6202f, /* amoadd.w x0, a1, (a2) */
        0x30002073, /* csrr x0, mstatus */
        0x0001,     /* c.nop */
        0x4005,     /* c.li x0, 1 (a hint) */
        0x802e,     /* c.mv x0, a1 (a hint) */
    };
    for (size_t i = 0; i < sizeof writes_x0 / sizeof writes_x0[0]; i++) {
        struct insn in;
        decode(writes_x0[i], &in);
        cr_expect_neq(in.op, OP_ILLEGAL, "0x%08x decoded as illegal", writes_x0[i]);
        cr_expect_eq(in.rd, SINK, "0x%08x (%s): rd %u", writes_x0[i], insn_name(in.op), in.rd);
    }
}
