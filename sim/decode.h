/* The decoder: one RV64GC (+ XPC) instruction, 16 or 32 bits, into a `struct insn` that the
 * interpreter dispatches on. Compressed instructions are expanded into their 32-bit
 * equivalents, so the interpreter knows only one set of operations. */
#ifndef SIM_DECODE_H
#define SIM_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* X(name, ends_block) */
// clang-format off
/* One operation per line: clang-format would reflow the list into a staircase. */
#define INSN_OPS(X) \
    X(ILLEGAL, 1) \
    X(NOP, 0) \
    X(LUI, 0) \
    X(AUIPC, 0) \
    X(JAL, 1) \
    X(JALR, 1) \
    X(BEQ, 1) \
    X(BNE, 1) \
    X(BLT, 1) \
    X(BGE, 1) \
    X(BLTU, 1) \
    X(BGEU, 1) \
    X(LB, 0) \
    X(LH, 0) \
    X(LW, 0) \
    X(LD, 0) \
    X(LBU, 0) \
    X(LHU, 0) \
    X(LWU, 0) \
    X(SB, 0) \
    X(SH, 0) \
    X(SW, 0) \
    X(SD, 0) \
    X(ADDI, 0) \
    X(SLTI, 0) \
    X(SLTIU, 0) \
    X(XORI, 0) \
    X(ORI, 0) \
    X(ANDI, 0) \
    X(SLLI, 0) \
    X(SRLI, 0) \
    X(SRAI, 0) \
    X(ADD, 0) \
    X(SUB, 0) \
    X(SLL, 0) \
    X(SLT, 0) \
    X(SLTU, 0) \
    X(XOR, 0) \
    X(SRL, 0) \
    X(SRA, 0) \
    X(OR, 0) \
    X(AND, 0) \
    X(ADDIW, 0) \
    X(SLLIW, 0) \
    X(SRLIW, 0) \
    X(SRAIW, 0) \
    X(ADDW, 0) \
    X(SUBW, 0) \
    X(SLLW, 0) \
    X(SRLW, 0) \
    X(SRAW, 0) \
    X(MUL, 0) \
    X(MULH, 0) \
    X(MULHSU, 0) \
    X(MULHU, 0) \
    X(DIV, 0) \
    X(DIVU, 0) \
    X(REM, 0) \
    X(REMU, 0) \
    X(MULW, 0) \
    X(DIVW, 0) \
    X(DIVUW, 0) \
    X(REMW, 0) \
    X(REMUW, 0) \
    X(FENCE, 0) \
    X(FENCE_I, 1) \
    X(ECALL, 1) \
    X(EBREAK, 1) \
    X(MRET, 1) \
    X(SRET, 1) \
    X(WFI, 1) \
    X(SFENCE_VMA, 1) \
    X(CSRRW, 1) \
    X(CSRRS, 1) \
    X(CSRRC, 1) \
    X(CSRRWI, 1) \
    X(CSRRSI, 1) \
    X(CSRRCI, 1) \
    X(LR_W, 0) \
    X(SC_W, 0) \
    X(LR_D, 0) \
    X(SC_D, 0) \
    X(AMOSWAP_W, 0) \
    X(AMOADD_W, 0) \
    X(AMOXOR_W, 0) \
    X(AMOAND_W, 0) \
    X(AMOOR_W, 0) \
    X(AMOMIN_W, 0) \
    X(AMOMAX_W, 0) \
    X(AMOMINU_W, 0) \
    X(AMOMAXU_W, 0) \
    X(AMOSWAP_D, 0) \
    X(AMOADD_D, 0) \
    X(AMOXOR_D, 0) \
    X(AMOAND_D, 0) \
    X(AMOOR_D, 0) \
    X(AMOMIN_D, 0) \
    X(AMOMAX_D, 0) \
    X(AMOMINU_D, 0) \
    X(AMOMAXU_D, 0) \
    X(XCALL, 1) \
    X(XRET, 1) \
    X(SWAPSEG, 1) \
    X(FLW, 0) \
    X(FLD, 0) \
    X(FSW, 0) \
    X(FSD, 0) \
    X(FP, 0) \
    X(END, 1) /* internal: closes every block */
// clang-format on

enum insn_op {
#define INSN_ENUM(name, ends) OP_##name,
    INSN_OPS(INSN_ENUM)
#undef INSN_ENUM
        OP_COUNT
};

/* FP computations share one interpreter operation (OP_FP); the decoder puts the FP operation,
 * rs3 and the rounding-mode field into the immediate. */
enum fp_op {
    FP_ADD,
    FP_SUB,
    FP_MUL,
    FP_DIV,
    FP_SQRT,
    FP_SGNJ,
    FP_SGNJN,
    FP_SGNJX,
    FP_MIN,
    FP_MAX,
    FP_CVT_SD,
    FP_CVT_DS,
    FP_EQ,
    FP_LT,
    FP_LE,
    FP_CVT_W,
    FP_CVT_WU,
    FP_CVT_L,
    FP_CVT_LU,
    FP_CVT_FROM_W,
    FP_CVT_FROM_WU,
    FP_CVT_FROM_L,
    FP_CVT_FROM_LU,
    FP_MV_X,
    FP_CLASS,
    FP_MV_F,
    FP_MADD,
    FP_MSUB,
    FP_NMSUB,
    FP_NMADD,
};
#define FP_IMM(op, dbl, rs3, rm) ((int32_t)((op) | ((dbl) << 7) | ((rs3) << 8) | ((rm) << 16)))
#define FP_IMM_OP(imm)           ((unsigned)(imm)&0x7f)
#define FP_IMM_DOUBLE(imm)       (((unsigned)(imm) >> 7) & 1)
#define FP_IMM_RS3(imm)          (((unsigned)(imm) >> 8) & 31)
#define FP_IMM_RM(imm)           (((unsigned)(imm) >> 16) & 7)

struct insn {
    uint16_t op;
    uint8_t rd; /* 32 (the sink) when the instruction names x0 as destination */
    uint8_t rs1;
    uint8_t rs2;
    uint8_t len;  /* 2 or 4 */
    uint16_t off; /* byte offset from the start of its block */
    int32_t imm;  /* immediate; CSR number for CSR ops; raw bits for ILLEGAL */
    uint32_t raw;
};

/* Decode `raw` (the low 16 bits only when they denote a compressed instruction). */
void decode(uint32_t raw, struct insn *out);
bool insn_ends_block(const struct insn *in);
const char *insn_name(unsigned op);
static inline unsigned insn_length(uint32_t raw)
{
    return (raw & 3) == 3 ? 4 : 2;
}

#endif
