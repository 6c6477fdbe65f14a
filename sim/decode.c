/* RV64GC + XPC decoder. Reference: the RISC-V unprivileged spec, chapters "RV32I/RV64I",
 * "M", "A", "C" (table of RVC opcode maps) and the brief's §3.1 for custom-0. */
#include "decode.h"

#include "xpc/isa.h"

static const bool op_ends_block[OP_COUNT] = {
#define INSN_ENDS(name, ends) [OP_##name] = ends,
    INSN_OPS(INSN_ENDS)
#undef INSN_ENDS
};

static const char *const op_names[OP_COUNT] = {
#define INSN_NAME(name, ends) [OP_##name] = #name,
    INSN_OPS(INSN_NAME)
#undef INSN_NAME
};

bool insn_ends_block(const struct insn *in)
{
    return op_ends_block[in->op];
}

const char *insn_name(unsigned op)
{
    return op < OP_COUNT ? op_names[op] : "?";
}

static inline uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int32_t sext(uint32_t v, unsigned width)
{
    return (int32_t)(v << (32 - width)) >> (32 - width);
}

static void set(struct insn *in, unsigned op, unsigned rd, unsigned rs1, unsigned rs2, int32_t imm)
{
    in->op = (uint16_t)op;
    in->rd = (uint8_t)(rd == 0 ? 32 : rd);
    in->rs1 = (uint8_t)rs1;
    in->rs2 = (uint8_t)rs2;
    in->imm = imm;
}

static void illegal(struct insn *in)
{
    set(in, OP_ILLEGAL, 0, 0, 0, (int32_t)in->raw);
}

static int32_t imm_i(uint32_t r)
{
    return (int32_t)r >> 20;
}
static int32_t imm_s(uint32_t r)
{
    return sext((bits(r, 31, 25) << 5) | bits(r, 11, 7), 12);
}
static int32_t imm_b(uint32_t r)
{
    uint32_t v = (bits(r, 31, 31) << 12) | (bits(r, 7, 7) << 11) | (bits(r, 30, 25) << 5) |
                 (bits(r, 11, 8) << 1);
    return sext(v, 13);
}
static int32_t imm_j(uint32_t r)
{
    uint32_t v = (bits(r, 31, 31) << 20) | (bits(r, 19, 12) << 12) | (bits(r, 20, 20) << 11) |
                 (bits(r, 30, 21) << 1);
    return sext(v, 21);
}

/* FP instructions name f registers with the same fields: no x0 sink for an f destination. */
static void set_fp(struct insn *in, unsigned op, unsigned rd, unsigned rs1, unsigned rs2,
                   int32_t imm)
{
    set(in, op, rd, rs1, rs2, imm);
    in->rd = (uint8_t)rd;
}

/* The ops whose destination is an integer register keep the x0 sink. */
static void decode_opfp(struct insn *in, uint32_t r, unsigned rd, unsigned rs1, unsigned rs2,
                        unsigned f3)
{
    unsigned fmt = bits(r, 26, 25), f5 = bits(r, 31, 27);
    if (fmt > 1)
        return illegal(in); /* H and Q are not implemented */
    int fop = -1;
    bool int_rd = false;
    switch (f5) {
    case 0x00: fop = FP_ADD; break;
    case 0x01: fop = FP_SUB; break;
    case 0x02: fop = FP_MUL; break;
    case 0x03: fop = FP_DIV; break;
    case 0x0b:
        if (rs2 == 0)
            fop = FP_SQRT;
        break;
    case 0x04:
        if (f3 <= 2)
            fop = FP_SGNJ + (int)f3;
        break;
    case 0x05:
        if (f3 <= 1)
            fop = FP_MIN + (int)f3;
        break;
    case 0x08: /* fcvt.s.d (fmt S, rs2 = D) and fcvt.d.s (fmt D, rs2 = S) */
        if (fmt == 0 && rs2 == 1)
            fop = FP_CVT_SD;
        else if (fmt == 1 && rs2 == 0)
            fop = FP_CVT_DS;
        break;
    case 0x14:
        int_rd = true;
        if (f3 == 2)
            fop = FP_EQ;
        else if (f3 == 1)
            fop = FP_LT;
        else if (f3 == 0)
            fop = FP_LE;
        break;
    case 0x18:
        int_rd = true;
        if (rs2 <= 3)
            fop = FP_CVT_W + (int)rs2;
        break;
    case 0x1a:
        if (rs2 <= 3)
            fop = FP_CVT_FROM_W + (int)rs2;
        break;
    case 0x1c:
        int_rd = true;
        if (rs2 == 0 && f3 == 0)
            fop = FP_MV_X;
        else if (rs2 == 0 && f3 == 1)
            fop = FP_CLASS;
        break;
    case 0x1e:
        if (rs2 == 0 && f3 == 0)
            fop = FP_MV_F;
        break;
    }
    if (fop < 0)
        return illegal(in);
    int32_t imm = FP_IMM((unsigned)fop, fmt, 0u, f3);
    if (int_rd)
        set(in, OP_FP, rd, rs1, rs2, imm);
    else
        set_fp(in, OP_FP, rd, rs1, rs2, imm);
}

static void decode_op(struct insn *in, uint32_t r, unsigned rd, unsigned rs1, unsigned rs2,
                      unsigned f3, unsigned f7, bool word)
{
    static const uint16_t base[8] = {OP_ADD, OP_SLL, OP_SLT, OP_SLTU,
                                     OP_XOR, OP_SRL, OP_OR,  OP_AND};
    static const uint16_t muldiv[8] = {OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU,
                                       OP_DIV, OP_DIVU, OP_REM,    OP_REMU};
    static const int16_t word_base[8] = {OP_ADDW, OP_SLLW, -1, -1, -1, OP_SRLW, -1, -1};
    static const int16_t word_muldiv[8] = {OP_MULW, -1,       -1,      -1,
                                           OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW};
    (void)r;
    int op = -1;
    if (f7 == 0x01) {
        op = word ? word_muldiv[f3] : muldiv[f3];
    } else if (f7 == 0x00) {
        op = word ? word_base[f3] : base[f3];
    } else if (f7 == 0x20) {
        if (f3 == 0)
            op = word ? OP_SUBW : OP_SUB;
        else if (f3 == 5)
            op = word ? OP_SRAW : OP_SRA;
    }
    if (op < 0)
        return illegal(in);
    set(in, (unsigned)op, rd, rs1, rs2, 0);
}

static void decode_opimm(struct insn *in, uint32_t r, unsigned rd, unsigned rs1, unsigned f3)
{
    static const uint16_t ops[8] = {OP_ADDI, OP_SLLI, OP_SLTI, OP_SLTIU,
                                    OP_XORI, OP_SRLI, OP_ORI,  OP_ANDI};
    int32_t imm = imm_i(r);
    if (f3 == 1 || f3 == 5) {
        unsigned shamt = bits(r, 25, 20), top = bits(r, 31, 26);
        if (f3 == 1 && top != 0)
            return illegal(in);
        if (f3 == 5 && top != 0 && top != 0x10)
            return illegal(in);
        set(in, f3 == 1 ? OP_SLLI : (top ? OP_SRAI : OP_SRLI), rd, rs1, 0, (int32_t)shamt);
        return;
    }
    set(in, ops[f3], rd, rs1, 0, imm);
}

static void decode_opimm32(struct insn *in, uint32_t r, unsigned rd, unsigned rs1, unsigned f3)
{
    unsigned shamt = bits(r, 24, 20), f7 = bits(r, 31, 25);
    if (f3 == 0)
        return set(in, OP_ADDIW, rd, rs1, 0, imm_i(r));
    if (f3 == 1 && f7 == 0)
        return set(in, OP_SLLIW, rd, rs1, 0, (int32_t)shamt);
    if (f3 == 5 && f7 == 0)
        return set(in, OP_SRLIW, rd, rs1, 0, (int32_t)shamt);
    if (f3 == 5 && f7 == 0x20)
        return set(in, OP_SRAIW, rd, rs1, 0, (int32_t)shamt);
    illegal(in);
}

static void decode_amo(struct insn *in, uint32_t r, unsigned rd, unsigned rs1, unsigned rs2,
                       unsigned f3)
{
    static const int16_t amo_w[32] = {
        [0x00] = OP_AMOADD_W, [0x01] = OP_AMOSWAP_W, [0x02] = OP_LR_W,     [0x03] = OP_SC_W,
        [0x04] = OP_AMOXOR_W, [0x08] = OP_AMOOR_W,   [0x0c] = OP_AMOAND_W, [0x10] = OP_AMOMIN_W,
        [0x14] = OP_AMOMAX_W, [0x18] = OP_AMOMINU_W, [0x1c] = OP_AMOMAXU_W};
    unsigned f5 = bits(r, 31, 27);
    if (f3 != 2 && f3 != 3)
        return illegal(in);
    int op = amo_w[f5];
    if (op == 0 && f5 != 0x00)
        return illegal(in);
    if (op == OP_LR_W && rs2 != 0)
        return illegal(in);
    /* The .D forms follow the .W forms in the same order in enum insn_op. */
    if (f3 == 3)
        op = op == OP_LR_W ? OP_LR_D : op == OP_SC_W ? OP_SC_D : op + (OP_AMOSWAP_D - OP_AMOSWAP_W);
    set(in, (unsigned)op, rd, rs1, rs2, 0);
}

static void decode_system(struct insn *in, uint32_t r, unsigned rd, unsigned rs1, unsigned rs2,
                          unsigned f3)
{
    static const uint16_t csr_ops[8] = {0, OP_CSRRW,  OP_CSRRS,  OP_CSRRC,
                                        0, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI};
    if (f3 == 4)
        return illegal(in);
    if (f3 != 0)
        return set(in, csr_ops[f3], rd, rs1, 0, (int32_t)bits(r, 31, 20));
    unsigned f7 = bits(r, 31, 25);
    if (rd != 0)
        return illegal(in);
    if (f7 == 0x09) /* sfence.vma rs1, rs2 */
        return set(in, OP_SFENCE_VMA, 0, rs1, rs2, 0);
    if (rs1 != 0)
        return illegal(in);
    switch (bits(r, 31, 20)) {
    case 0x000: return set(in, OP_ECALL, 0, 0, 0, 0);
    case 0x001: return set(in, OP_EBREAK, 0, 0, 0, 0);
    case 0x302: return set(in, OP_MRET, 0, 0, 0, 0);
    case 0x102: return set(in, OP_SRET, 0, 0, 0, 0);
    case 0x105: return set(in, OP_WFI, 0, 0, 0, 0);
    }
    (void)rs2;
    illegal(in);
}

static void decode32(struct insn *in, uint32_t r)
{
    unsigned rd = bits(r, 11, 7), rs1 = bits(r, 19, 15), rs2 = bits(r, 24, 20);
    unsigned f3 = bits(r, 14, 12), f7 = bits(r, 31, 25);
    static const int16_t loads[8] = {OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU, -1};
    static const int16_t stores[8] = {OP_SB, OP_SH, OP_SW, OP_SD, -1, -1, -1, -1};
    static const int16_t branches[8] = {OP_BEQ, OP_BNE, -1, -1, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU};

    switch (bits(r, 6, 2)) {
    case 0x01: /* LOAD-FP */
        if (f3 == 2)
            return set_fp(in, OP_FLW, rd, rs1, 0, imm_i(r));
        if (f3 == 3)
            return set_fp(in, OP_FLD, rd, rs1, 0, imm_i(r));
        return illegal(in);
    case 0x09: /* STORE-FP */
        if (f3 == 2)
            return set(in, OP_FSW, 0, rs1, rs2, imm_s(r));
        if (f3 == 3)
            return set(in, OP_FSD, 0, rs1, rs2, imm_s(r));
        return illegal(in);
    case 0x10:
    case 0x11:
    case 0x12:
    case 0x13: { /* FMADD, FMSUB, FNMSUB, FNMADD */
        unsigned fmt = bits(r, 26, 25);
        if (fmt > 1)
            return illegal(in);
        unsigned fop = FP_MADD + (bits(r, 6, 2) - 0x10);
        return set_fp(in, OP_FP, rd, rs1, rs2, FP_IMM(fop, fmt, bits(r, 31, 27), f3));
    }
    case 0x14: return decode_opfp(in, r, rd, rs1, rs2, f3);
    case 0x00: /* LOAD */
        if (loads[f3] < 0)
            return illegal(in);
        return set(in, (unsigned)loads[f3], rd, rs1, 0, imm_i(r));
    case 0x03: /* MISC-MEM */
        if (f3 == 0)
            return set(in, OP_FENCE, 0, 0, 0, 0);
        if (f3 == 1)
            return set(in, OP_FENCE_I, 0, 0, 0, 0);
        return illegal(in);
    case 0x04: return decode_opimm(in, r, rd, rs1, f3);
    case 0x05: return set(in, OP_AUIPC, rd, 0, 0, (int32_t)(r & 0xfffff000u));
    case 0x06: return decode_opimm32(in, r, rd, rs1, f3);
    case 0x08: /* STORE */
        if (stores[f3] < 0)
            return illegal(in);
        return set(in, (unsigned)stores[f3], 0, rs1, rs2, imm_s(r));
    case 0x0b: return decode_amo(in, r, rd, rs1, rs2, f3);
    case 0x0c: return decode_op(in, r, rd, rs1, rs2, f3, f7, false);
    case 0x0d: return set(in, OP_LUI, rd, 0, 0, (int32_t)(r & 0xfffff000u));
    case 0x0e: return decode_op(in, r, rd, rs1, rs2, f3, f7, true);
    case 0x18: /* BRANCH */
        if (branches[f3] < 0)
            return illegal(in);
        return set(in, (unsigned)branches[f3], 0, rs1, rs2, imm_b(r));
    case 0x19:
        if (f3 != 0)
            return illegal(in);
        return set(in, OP_JALR, rd, rs1, 0, imm_i(r));
    case 0x1b: return set(in, OP_JAL, rd, 0, 0, imm_j(r));
    case 0x1c: return decode_system(in, r, rd, rs1, rs2, f3);
    case XPC_OPCODE >> 2: /* custom-0: the XPC engine (brief §3.1) */
        if (f3 != 0 || rd != 0 || rs2 != 0)
            return illegal(in);
        if (f7 == XPC_FUNCT7_XCALL)
            return set(in, OP_XCALL, 0, rs1, 0, 0);
        if (f7 == XPC_FUNCT7_XRET && rs1 == 0)
            return set(in, OP_XRET, 0, 0, 0, 0);
        if (f7 == XPC_FUNCT7_SWAPSEG)
            return set(in, OP_SWAPSEG, 0, rs1, 0, 0);
        return illegal(in);
    }
    illegal(in);
}

/* ---- RVC: quadrant 0, 1, 2 (RV64 meanings) ---- */

static void decode_c0(struct insn *in, uint32_t r)
{
    unsigned rdp = 8 + bits(r, 4, 2), rs1p = 8 + bits(r, 9, 7);
    unsigned uimm_w = (bits(r, 12, 10) << 3) | (bits(r, 6, 6) << 2) | (bits(r, 5, 5) << 6);
    unsigned uimm_d = (bits(r, 12, 10) << 3) | (bits(r, 6, 5) << 6);
    switch (bits(r, 15, 13)) {
    case 0: { /* c.addi4spn */
        unsigned nz = (bits(r, 12, 11) << 4) | (bits(r, 10, 7) << 6) | (bits(r, 6, 6) << 2) |
                      (bits(r, 5, 5) << 3);
        if (nz == 0)
            return illegal(in); /* includes the all-zero illegal instruction */
        return set(in, OP_ADDI, rdp, 2, 0, (int32_t)nz);
    }
    case 1: return set_fp(in, OP_FLD, rdp, rs1p, 0, (int32_t)uimm_d);
    case 2: return set(in, OP_LW, rdp, rs1p, 0, (int32_t)uimm_w);
    case 3: return set(in, OP_LD, rdp, rs1p, 0, (int32_t)uimm_d);
    case 5: return set(in, OP_FSD, 0, rs1p, rdp, (int32_t)uimm_d);
    case 6: return set(in, OP_SW, 0, rs1p, rdp, (int32_t)uimm_w);
    case 7: return set(in, OP_SD, 0, rs1p, rdp, (int32_t)uimm_d);
    }
    illegal(in); /* 4 is reserved */
}

static void decode_c1(struct insn *in, uint32_t r)
{
    unsigned rd = bits(r, 11, 7), rdp = 8 + bits(r, 9, 7), rs2p = 8 + bits(r, 4, 2);
    int32_t imm6 = sext((bits(r, 12, 12) << 5) | bits(r, 6, 2), 6);
    switch (bits(r, 15, 13)) {
    case 0: return set(in, OP_ADDI, rd, rd, 0, imm6); /* c.nop / c.addi (hints allowed) */
    case 1:                                           /* c.addiw */
        if (rd == 0)
            return illegal(in);
        return set(in, OP_ADDIW, rd, rd, 0, imm6);
    case 2: return set(in, OP_ADDI, rd, 0, 0, imm6); /* c.li */
    case 3:
        if (rd == 2) { /* c.addi16sp */
            int32_t nz = sext((bits(r, 12, 12) << 9) | (bits(r, 4, 3) << 7) | (bits(r, 5, 5) << 6) |
                                  (bits(r, 2, 2) << 5) | (bits(r, 6, 6) << 4),
                              10);
            if (nz == 0)
                return illegal(in);
            return set(in, OP_ADDI, 2, 2, 0, nz);
        }
        if (imm6 == 0)
            return illegal(in);
        return set(in, OP_LUI, rd, 0, 0, (int32_t)((uint32_t)imm6 << 12)); /* c.lui */
    case 4: {
        unsigned f2 = bits(r, 11, 10);
        unsigned shamt = (bits(r, 12, 12) << 5) | bits(r, 6, 2);
        if (f2 == 0)
            return set(in, OP_SRLI, rdp, rdp, 0, (int32_t)shamt);
        if (f2 == 1)
            return set(in, OP_SRAI, rdp, rdp, 0, (int32_t)shamt);
        if (f2 == 2)
            return set(in, OP_ANDI, rdp, rdp, 0, imm6);
        static const int16_t ops[8] = {OP_SUB, OP_XOR, OP_OR, OP_AND, OP_SUBW, OP_ADDW, -1, -1};
        int op = ops[(bits(r, 12, 12) << 2) | bits(r, 6, 5)];
        if (op < 0)
            return illegal(in);
        return set(in, (unsigned)op, rdp, rdp, rs2p, 0);
    }
    case 5: { /* c.j */
        int32_t off = sext((bits(r, 12, 12) << 11) | (bits(r, 8, 8) << 10) | (bits(r, 10, 9) << 8) |
                               (bits(r, 6, 6) << 7) | (bits(r, 7, 7) << 6) | (bits(r, 2, 2) << 5) |
                               (bits(r, 11, 11) << 4) | (bits(r, 5, 3) << 1),
                           12);
        return set(in, OP_JAL, 0, 0, 0, off);
    }
    case 6:
    case 7: {
        int32_t off = sext((bits(r, 12, 12) << 8) | (bits(r, 6, 5) << 6) | (bits(r, 2, 2) << 5) |
                               (bits(r, 11, 10) << 3) | (bits(r, 4, 3) << 1),
                           9);
        return set(in, bits(r, 15, 13) == 6 ? OP_BEQ : OP_BNE, 0, rdp, 0, off);
    }
    }
}

static void decode_c2(struct insn *in, uint32_t r)
{
    unsigned rd = bits(r, 11, 7), rs2 = bits(r, 6, 2);
    switch (bits(r, 15, 13)) {
    case 0: return set(in, OP_SLLI, rd, rd, 0, (int32_t)((bits(r, 12, 12) << 5) | rs2));
    case 1: /* c.fldsp */
        return set_fp(
            in, OP_FLD, rd, 2, 0,
            (int32_t)((bits(r, 12, 12) << 5) | (bits(r, 6, 5) << 3) | (bits(r, 4, 2) << 6)));
    case 5: /* c.fsdsp */
        return set(in, OP_FSD, 0, 2, rs2, (int32_t)((bits(r, 12, 10) << 3) | (bits(r, 9, 7) << 6)));
    case 2: /* c.lwsp */
        if (rd == 0)
            return illegal(in);
        return set(in, OP_LW, rd, 2, 0,
                   (int32_t)((bits(r, 12, 12) << 5) | (bits(r, 6, 4) << 2) | (bits(r, 3, 2) << 6)));
    case 3: /* c.ldsp */
        if (rd == 0)
            return illegal(in);
        return set(in, OP_LD, rd, 2, 0,
                   (int32_t)((bits(r, 12, 12) << 5) | (bits(r, 6, 5) << 3) | (bits(r, 4, 2) << 6)));
    case 4:
        if (bits(r, 12, 12) == 0) {
            if (rs2 == 0) { /* c.jr */
                if (rd == 0)
                    return illegal(in);
                return set(in, OP_JALR, 0, rd, 0, 0);
            }
            return set(in, OP_ADD, rd, 0, rs2, 0); /* c.mv */
        }
        if (rs2 == 0) {
            if (rd == 0)
                return set(in, OP_EBREAK, 0, 0, 0, 0);
            return set(in, OP_JALR, 1, rd, 0, 0); /* c.jalr */
        }
        return set(in, OP_ADD, rd, rd, rs2, 0);
    case 6: /* c.swsp */
        return set(in, OP_SW, 0, 2, rs2, (int32_t)((bits(r, 12, 9) << 2) | (bits(r, 8, 7) << 6)));
    case 7: /* c.sdsp */
        return set(in, OP_SD, 0, 2, rs2, (int32_t)((bits(r, 12, 10) << 3) | (bits(r, 9, 7) << 6)));
    }
    illegal(in);
}

void decode(uint32_t raw, struct insn *in)
{
    in->off = 0;
    if ((raw & 3) == 3) {
        in->len = 4;
        in->raw = raw;
        decode32(in, raw);
        return;
    }
    raw &= 0xffff;
    in->len = 2;
    in->raw = raw;
    switch (raw & 3) {
    case 0: decode_c0(in, raw); break;
    case 1: decode_c1(in, raw); break;
    default: decode_c2(in, raw); break;
    }
}
