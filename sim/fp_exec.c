/* F and D instructions (unprivileged spec chapters 11 and 12). The arithmetic, with its flags
 * and rounding, is sim/fpu/'s; here are the registers, NaN-boxing, rounding-mode selection and
 * sign injection. */
#include "fp_exec.h"

#include "fpu/fpu.h"

static uint32_t unbox_s(uint64_t v)
{
    /* An improperly boxed single reads as the canonical NaN (spec §12.2). */
    return (v >> 32) == 0xffffffffu ? (uint32_t)v : FPU_CANONICAL_NAN_S;
}

static uint64_t sext32(uint32_t v)
{
    return (uint64_t)(int64_t)(int32_t)v;
}

static uint64_t sign_inject(uint64_t a, uint64_t b, unsigned fop, unsigned width)
{
    uint64_t sign = 1ULL << (width - 1);
    uint64_t s = fop == FP_SGNJ ? b & sign : fop == FP_SGNJN ? ~b & sign : (a ^ b) & sign;
    return (a & ~sign) | s;
}

static bool exec_single(struct hart *h, const struct insn *in, unsigned fop, unsigned rm)
{
    uint32_t *fl = &h->fflags;
    uint32_t a = unbox_s(h->f[in->rs1]), b = unbox_s(h->f[in->rs2]);
    uint64_t *fd = &h->f[in->rd & 31], *xd = &h->x[in->rd];
    switch (fop) {
    case FP_ADD: *fd = fp_box_s(fpu_add_s(a, b, rm, fl)); break;
    case FP_SUB: *fd = fp_box_s(fpu_sub_s(a, b, rm, fl)); break;
    case FP_MUL: *fd = fp_box_s(fpu_mul_s(a, b, rm, fl)); break;
    case FP_DIV: *fd = fp_box_s(fpu_div_s(a, b, rm, fl)); break;
    case FP_SQRT: *fd = fp_box_s(fpu_sqrt_s(a, rm, fl)); break;
    case FP_SGNJ:
    case FP_SGNJN:
    case FP_SGNJX: *fd = fp_box_s((uint32_t)sign_inject(a, b, fop, 32)); break;
    case FP_MIN: *fd = fp_box_s(fpu_min_s(a, b, fl)); break;
    case FP_MAX: *fd = fp_box_s(fpu_max_s(a, b, fl)); break;
    case FP_CVT_SD: *fd = fp_box_s(fpu_cvt_s_d(h->f[in->rs1], rm, fl)); break;
    case FP_EQ: *xd = fpu_eq_s(a, b, fl); return true;
    case FP_LT: *xd = fpu_lt_s(a, b, fl); return true;
    case FP_LE: *xd = fpu_le_s(a, b, fl); return true;
    case FP_CVT_W: *xd = (uint64_t)(int64_t)fpu_cvt_w_s(a, rm, fl); return true;
    case FP_CVT_WU: *xd = sext32(fpu_cvt_wu_s(a, rm, fl)); return true;
    case FP_CVT_L: *xd = (uint64_t)fpu_cvt_l_s(a, rm, fl); return true;
    case FP_CVT_LU: *xd = fpu_cvt_lu_s(a, rm, fl); return true;
    case FP_CVT_FROM_W: *fd = fp_box_s(fpu_cvt_s_w((int32_t)h->x[in->rs1], rm, fl)); break;
    case FP_CVT_FROM_WU: *fd = fp_box_s(fpu_cvt_s_wu((uint32_t)h->x[in->rs1], rm, fl)); break;
    case FP_CVT_FROM_L: *fd = fp_box_s(fpu_cvt_s_l((int64_t)h->x[in->rs1], rm, fl)); break;
    case FP_CVT_FROM_LU: *fd = fp_box_s(fpu_cvt_s_lu(h->x[in->rs1], rm, fl)); break;
    case FP_MV_X: *xd = sext32((uint32_t)h->f[in->rs1]); return true; /* raw bits, no unboxing */
    case FP_CLASS: *xd = fpu_class_s(a); return true;
    case FP_MV_F: *fd = fp_box_s((uint32_t)h->x[in->rs1]); break;
    default: {
        uint32_t c = unbox_s(h->f[FP_IMM_RS3(in->imm)]);
        uint32_t r = fop == FP_MADD    ? fpu_madd_s(a, b, c, rm, fl)
                     : fop == FP_MSUB  ? fpu_msub_s(a, b, c, rm, fl)
                     : fop == FP_NMSUB ? fpu_nmsub_s(a, b, c, rm, fl)
                                       : fpu_nmadd_s(a, b, c, rm, fl);
        *fd = fp_box_s(r);
    }
    }
    return true;
}

static bool exec_double(struct hart *h, const struct insn *in, unsigned fop, unsigned rm)
{
    uint32_t *fl = &h->fflags;
    uint64_t a = h->f[in->rs1], b = h->f[in->rs2];
    uint64_t *fd = &h->f[in->rd & 31], *xd = &h->x[in->rd];
    switch (fop) {
    case FP_ADD: *fd = fpu_add_d(a, b, rm, fl); break;
    case FP_SUB: *fd = fpu_sub_d(a, b, rm, fl); break;
    case FP_MUL: *fd = fpu_mul_d(a, b, rm, fl); break;
    case FP_DIV: *fd = fpu_div_d(a, b, rm, fl); break;
    case FP_SQRT: *fd = fpu_sqrt_d(a, rm, fl); break;
    case FP_SGNJ:
    case FP_SGNJN:
    case FP_SGNJX: *fd = sign_inject(a, b, fop, 64); break;
    case FP_MIN: *fd = fpu_min_d(a, b, fl); break;
    case FP_MAX: *fd = fpu_max_d(a, b, fl); break;
    case FP_CVT_DS: *fd = fpu_cvt_d_s(unbox_s(a), rm, fl); break;
    case FP_EQ: *xd = fpu_eq_d(a, b, fl); return true;
    case FP_LT: *xd = fpu_lt_d(a, b, fl); return true;
    case FP_LE: *xd = fpu_le_d(a, b, fl); return true;
    case FP_CVT_W: *xd = (uint64_t)(int64_t)fpu_cvt_w_d(a, rm, fl); return true;
    case FP_CVT_WU: *xd = sext32(fpu_cvt_wu_d(a, rm, fl)); return true;
    case FP_CVT_L: *xd = (uint64_t)fpu_cvt_l_d(a, rm, fl); return true;
    case FP_CVT_LU: *xd = fpu_cvt_lu_d(a, rm, fl); return true;
    case FP_CVT_FROM_W: *fd = fpu_cvt_d_w((int32_t)h->x[in->rs1], rm, fl); break;
    case FP_CVT_FROM_WU: *fd = fpu_cvt_d_wu((uint32_t)h->x[in->rs1], rm, fl); break;
    case FP_CVT_FROM_L: *fd = fpu_cvt_d_l((int64_t)h->x[in->rs1], rm, fl); break;
    case FP_CVT_FROM_LU: *fd = fpu_cvt_d_lu(h->x[in->rs1], rm, fl); break;
    case FP_MV_X: *xd = a; return true;
    case FP_CLASS: *xd = fpu_class_d(a); return true;
    case FP_MV_F: *fd = h->x[in->rs1]; break;
    default: {
        uint64_t c = h->f[FP_IMM_RS3(in->imm)];
        *fd = fop == FP_MADD    ? fpu_madd_d(a, b, c, rm, fl)
              : fop == FP_MSUB  ? fpu_msub_d(a, b, c, rm, fl)
              : fop == FP_NMSUB ? fpu_nmsub_d(a, b, c, rm, fl)
                                : fpu_nmadd_d(a, b, c, rm, fl);
    }
    }
    return true;
}

/* Operations whose funct3 is a rounding mode (the others use it to pick a variant). */
static bool uses_rm(unsigned fop)
{
    switch (fop) {
    case FP_SGNJ:
    case FP_SGNJN:
    case FP_SGNJX:
    case FP_MIN:
    case FP_MAX:
    case FP_EQ:
    case FP_LT:
    case FP_LE:
    case FP_MV_X:
    case FP_CLASS:
    case FP_MV_F: return false;
    }
    return true;
}

bool fp_execute(struct hart *h, const struct insn *in)
{
    if (!fp_enabled(h))
        return false;
    unsigned fop = FP_IMM_OP(in->imm), rm = FP_IMM_RM(in->imm);
    if (uses_rm(fop)) {
        if (rm == 7)
            rm = h->frm; /* dynamic */
        if (rm > FPU_RMM)
            return false; /* reserved rounding mode: illegal instruction */
    }
    uint32_t old_flags = h->fflags;
    bool ok = FP_IMM_DOUBLE(in->imm) ? exec_double(h, in, fop, rm) : exec_single(h, in, fop, rm);
    /* An f destination, or new flags, change the FP state. Compares, moves and conversions to
     * integers write only x registers; they dirty FS only through their flags. */
    bool int_dest = fop == FP_EQ || fop == FP_LT || fop == FP_LE || fop == FP_MV_X ||
                    fop == FP_CLASS || (fop >= FP_CVT_W && fop <= FP_CVT_LU);
    if (!int_dest || h->fflags != old_flags)
        fp_dirty(h);
    return ok;
}
