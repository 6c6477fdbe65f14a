/* Host back-end: the same operations computed by sim/fpu/, with the register-level rules the
 * CPU core adds around it (NaN-boxing of singles, sign extension of 32-bit integer results,
 * sign injection) modelled here so that the lines match the guest's byte for byte. */
#include "ops.h"
#include "../../../sim/fpu/fpu.h"

#include <stdint.h>
#include <stdio.h>

#define BOX_ONES 0xffffffff00000000ull
#define SIGN_D   0x8000000000000000ull

void backend_putc(char ch)
{
    putchar(ch);
}

static uint64_t box(uint32_t s)
{
    return BOX_ONES | s;
}

/* A single read from an f register: only a properly boxed value is that value. */
static uint32_t unbox(uint64_t raw)
{
    return (raw & BOX_ONES) == BOX_ONES ? (uint32_t)raw : FPU_CANONICAL_NAN_S;
}

static uint64_t sext32(uint32_t v)
{
    return (uint64_t)(int64_t)(int32_t)v;
}

unsigned long long backend_run(enum fp_op op, unsigned rm, unsigned long long a,
                               unsigned long long b, unsigned long long c, unsigned *fflags)
{
    uint32_t fl = 0, as = (uint32_t)a, bs = (uint32_t)b, cs = (uint32_t)c;
    uint64_t r = 0;
    switch (op) {
    case OP_FADD_S: r = box(fpu_add_s(as, bs, rm, &fl)); break;
    case OP_FSUB_S: r = box(fpu_sub_s(as, bs, rm, &fl)); break;
    case OP_FMUL_S: r = box(fpu_mul_s(as, bs, rm, &fl)); break;
    case OP_FDIV_S: r = box(fpu_div_s(as, bs, rm, &fl)); break;
    case OP_FSQRT_S: r = box(fpu_sqrt_s(as, rm, &fl)); break;
    case OP_FMIN_S: r = box(fpu_min_s(as, bs, &fl)); break;
    case OP_FMAX_S: r = box(fpu_max_s(as, bs, &fl)); break;
    case OP_FMADD_S: r = box(fpu_madd_s(as, bs, cs, rm, &fl)); break;
    case OP_FMSUB_S: r = box(fpu_msub_s(as, bs, cs, rm, &fl)); break;
    case OP_FNMSUB_S: r = box(fpu_nmsub_s(as, bs, cs, rm, &fl)); break;
    case OP_FNMADD_S: r = box(fpu_nmadd_s(as, bs, cs, rm, &fl)); break;
    case OP_FEQ_S: r = fpu_eq_s(as, bs, &fl); break;
    case OP_FLT_S: r = fpu_lt_s(as, bs, &fl); break;
    case OP_FLE_S: r = fpu_le_s(as, bs, &fl); break;
    case OP_FCLASS_S: r = fpu_class_s(as); break;
    case OP_FCVT_W_S: r = sext32((uint32_t)fpu_cvt_w_s(as, rm, &fl)); break;
    case OP_FCVT_WU_S: r = sext32(fpu_cvt_wu_s(as, rm, &fl)); break;
    case OP_FCVT_L_S: r = (uint64_t)fpu_cvt_l_s(as, rm, &fl); break;
    case OP_FCVT_LU_S: r = fpu_cvt_lu_s(as, rm, &fl); break;
    case OP_FCVT_S_W: r = box(fpu_cvt_s_w((int32_t)as, rm, &fl)); break;
    case OP_FCVT_S_WU: r = box(fpu_cvt_s_wu(as, rm, &fl)); break;
    case OP_FCVT_S_L: r = box(fpu_cvt_s_l((int64_t)a, rm, &fl)); break;
    case OP_FCVT_S_LU: r = box(fpu_cvt_s_lu(a, rm, &fl)); break;
    case OP_FCVT_S_D: r = box(fpu_cvt_s_d(a, rm, &fl)); break;
    case OP_FCVT_D_S: r = fpu_cvt_d_s(as, rm, &fl); break;
    case OP_FADD_D: r = fpu_add_d(a, b, rm, &fl); break;
    case OP_FSUB_D: r = fpu_sub_d(a, b, rm, &fl); break;
    case OP_FMUL_D: r = fpu_mul_d(a, b, rm, &fl); break;
    case OP_FDIV_D: r = fpu_div_d(a, b, rm, &fl); break;
    case OP_FSQRT_D: r = fpu_sqrt_d(a, rm, &fl); break;
    case OP_FMIN_D: r = fpu_min_d(a, b, &fl); break;
    case OP_FMAX_D: r = fpu_max_d(a, b, &fl); break;
    case OP_FMADD_D: r = fpu_madd_d(a, b, c, rm, &fl); break;
    case OP_FMSUB_D: r = fpu_msub_d(a, b, c, rm, &fl); break;
    case OP_FNMSUB_D: r = fpu_nmsub_d(a, b, c, rm, &fl); break;
    case OP_FNMADD_D: r = fpu_nmadd_d(a, b, c, rm, &fl); break;
    case OP_FEQ_D: r = fpu_eq_d(a, b, &fl); break;
    case OP_FLT_D: r = fpu_lt_d(a, b, &fl); break;
    case OP_FLE_D: r = fpu_le_d(a, b, &fl); break;
    case OP_FCLASS_D: r = fpu_class_d(a); break;
    case OP_FCVT_W_D: r = sext32((uint32_t)fpu_cvt_w_d(a, rm, &fl)); break;
    case OP_FCVT_WU_D: r = sext32(fpu_cvt_wu_d(a, rm, &fl)); break;
    case OP_FCVT_L_D: r = (uint64_t)fpu_cvt_l_d(a, rm, &fl); break;
    case OP_FCVT_LU_D: r = fpu_cvt_lu_d(a, rm, &fl); break;
    case OP_FCVT_D_W: r = fpu_cvt_d_w((int32_t)as, rm, &fl); break;
    case OP_FCVT_D_WU: r = fpu_cvt_d_wu(as, rm, &fl); break;
    case OP_FCVT_D_L: r = fpu_cvt_d_l((int64_t)a, rm, &fl); break;
    case OP_FCVT_D_LU: r = fpu_cvt_d_lu(a, rm, &fl); break;
    case OP_BOX_FADD_S: r = box(fpu_add_s(unbox(a), unbox(b), rm, &fl)); break;
    case OP_BOX_FMADD_S: r = box(fpu_madd_s(unbox(a), unbox(b), unbox(c), rm, &fl)); break;
    case OP_BOX_FSGNJ_S: r = box((unbox(a) & 0x7fffffffu) | (unbox(b) & 0x80000000u)); break;
    case OP_BOX_FSGNJN_S: r = box((unbox(a) & 0x7fffffffu) | (~unbox(b) & 0x80000000u)); break;
    case OP_BOX_FEQ_S: r = fpu_eq_s(unbox(a), unbox(b), &fl); break;
    case OP_BOX_FCLASS_S: r = fpu_class_s(unbox(a)); break;
    case OP_BOX_FCVT_D_S: r = fpu_cvt_d_s(unbox(a), rm, &fl); break;
    case OP_BOX_FMV_X_W: r = sext32(as); break; /* moves bits, boxed or not */
    case OP_BOX_FMV_W_X: r = box(as); break;
    case OP_FADD_D_RTZ: r = fpu_add_d(a, b, FPU_RTZ, &fl); break;
    case OP_FMUL_S_RUP: r = box(fpu_mul_s(as, bs, FPU_RUP, &fl)); break;
    case OP_FMADD_D_RDN: r = fpu_madd_d(a, b, c, FPU_RDN, &fl); break;
    case OP_FDIV_D_ACCRUE:
        fl = FPU_OF;
        r = fpu_div_d(a, b, rm, &fl);
        break;
    case OP_FSGNJ_D: r = (a & ~SIGN_D) | (b & SIGN_D); break;
    case OP_FSGNJN_D: r = (a & ~SIGN_D) | (~b & SIGN_D); break;
    case OP_FSGNJX_D: r = a ^ (b & SIGN_D); break;
    case OP_BOX_FSGNJX_S: r = box(unbox(a) ^ (unbox(b) & 0x80000000u)); break;
    case OP_BOX_FMIN_S: r = box(fpu_min_s(unbox(a), unbox(b), &fl)); break;
    case OP_BOX_FSW: r = as; break; /* stores the low 32 bits, boxed or not */
    case OP_BOX_FLW: r = box(as); break;
    case OP_FS_DIRTY: r = 3; break; /* Dirty */
    case OP_RM_DYN:
    case OP_RM_STATIC:
        /* Static 7 means DYN, with frm = 0 here. Reserved modes: illegal instruction (cause 2),
         * fflags untouched. */
        if (a == 5 || a == 6 || (op == OP_RM_DYN && a == 7))
            r = (1ull << 63) | 2;
        else
            r = fpu_add_d(0x3ff0000000000000ull, 0x3ca0000000000000ull,
                          a == 7 ? FPU_RNE : (unsigned)a, &fl);
        break;
    default: break;
    }
    *fflags = fl;
    return r;
}

int main(void)
{
    gen_main();
    return ferror(stdout) ? 1 : 0;
}
