/* The arithmetic of the RISC-V F and D extensions, as pure functions on raw IEEE bit patterns.
 *
 * What this unit does: every F/D operation whose result depends on IEEE 754-2008 arithmetic,
 * exactly as the RISC-V unprivileged spec (chapters "F" and "D") defines it, including the
 * exception flags. What it leaves to the CPU core: NaN-boxing (unbox operands of single
 * instructions, box single results), mstatus.FS, resolving the dynamic rounding mode from frm and
 * rejecting the reserved modes 5 and 6, moves between register files, sign injection, and the
 * sign extension of 32-bit integer results (fcvt.w[u].*, feq/flt/fle, fclass) into x registers.
 *
 * Conventions shared by every function:
 * - Operands and results are raw bit patterns: uint32_t for single (binary32), uint64_t for
 *   double (binary64). Suffix _s = single, _d = double.
 * - `rm` is a resolved rounding mode 0..4 (enum fpu_rm). Behaviour for other values is that of
 *   RNE; the core must not pass them (it raises illegal-instruction instead).
 * - Each function ORs the flags it raises into *fflags (enum fpu_flag, the fcsr.fflags bit
 *   layout) and never clears any bit, so the core can pass &fcsr directly (fflags are bits 4:0).
 * - A NaN result is always the canonical NaN (FPU_CANONICAL_NAN_S / _D): RISC-V does not
 *   propagate payloads.
 * - Underflow is signalled when the result is tiny *after* rounding and inexact, as RISC-V
 *   requires.
 *
 * The host's floating-point environment must be the C default (round to nearest, no
 * flush-to-zero / denormals-are-zero): fast paths use host arithmetic in that mode. */
#ifndef SIM_FPU_H
#define SIM_FPU_H

#include <stdbool.h>
#include <stdint.h>

enum fpu_rm {
    FPU_RNE = 0, /* round to nearest, ties to even */
    FPU_RTZ = 1, /* round towards zero */
    FPU_RDN = 2, /* round down (towards -inf) */
    FPU_RUP = 3, /* round up (towards +inf) */
    FPU_RMM = 4, /* round to nearest, ties to max magnitude */
};

enum fpu_flag {
    FPU_NX = 1,  /* inexact */
    FPU_UF = 2,  /* underflow */
    FPU_OF = 4,  /* overflow */
    FPU_DZ = 8,  /* divide by zero */
    FPU_NV = 16, /* invalid operation */
};

#define FPU_CANONICAL_NAN_S 0x7fc00000u
#define FPU_CANONICAL_NAN_D 0x7ff8000000000000ull

/* fclass result bits (exactly one is set). */
enum fpu_class {
    FPU_CLASS_NEG_INF = 1 << 0,
    FPU_CLASS_NEG_NORMAL = 1 << 1,
    FPU_CLASS_NEG_SUBNORMAL = 1 << 2,
    FPU_CLASS_NEG_ZERO = 1 << 3,
    FPU_CLASS_POS_ZERO = 1 << 4,
    FPU_CLASS_POS_SUBNORMAL = 1 << 5,
    FPU_CLASS_POS_NORMAL = 1 << 6,
    FPU_CLASS_POS_INF = 1 << 7,
    FPU_CLASS_SNAN = 1 << 8,
    FPU_CLASS_QNAN = 1 << 9,
};

/* Arithmetic, one rounding each: fadd, fsub, fmul, fdiv (DZ for finite/0), fsqrt (NV for x<0). */
uint32_t fpu_add_s(uint32_t a, uint32_t b, unsigned rm, uint32_t *fflags);
uint32_t fpu_sub_s(uint32_t a, uint32_t b, unsigned rm, uint32_t *fflags);
uint32_t fpu_mul_s(uint32_t a, uint32_t b, unsigned rm, uint32_t *fflags);
uint32_t fpu_div_s(uint32_t a, uint32_t b, unsigned rm, uint32_t *fflags);
uint32_t fpu_sqrt_s(uint32_t a, unsigned rm, uint32_t *fflags);
uint64_t fpu_add_d(uint64_t a, uint64_t b, unsigned rm, uint32_t *fflags);
uint64_t fpu_sub_d(uint64_t a, uint64_t b, unsigned rm, uint32_t *fflags);
uint64_t fpu_mul_d(uint64_t a, uint64_t b, unsigned rm, uint32_t *fflags);
uint64_t fpu_div_d(uint64_t a, uint64_t b, unsigned rm, uint32_t *fflags);
uint64_t fpu_sqrt_d(uint64_t a, unsigned rm, uint32_t *fflags);

/* Fused multiply-add, a single rounding of the exact value:
 * madd = a*b+c, msub = a*b-c, nmsub = -(a*b)+c, nmadd = -(a*b)-c.
 * inf*0 raises NV even when c is a quiet NaN (RISC-V rule). */
uint32_t fpu_madd_s(uint32_t a, uint32_t b, uint32_t c, unsigned rm, uint32_t *fflags);
uint32_t fpu_msub_s(uint32_t a, uint32_t b, uint32_t c, unsigned rm, uint32_t *fflags);
uint32_t fpu_nmsub_s(uint32_t a, uint32_t b, uint32_t c, unsigned rm, uint32_t *fflags);
uint32_t fpu_nmadd_s(uint32_t a, uint32_t b, uint32_t c, unsigned rm, uint32_t *fflags);
uint64_t fpu_madd_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fflags);
uint64_t fpu_msub_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fflags);
uint64_t fpu_nmsub_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fflags);
uint64_t fpu_nmadd_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fflags);

/* fmin/fmax (spec 2.2+, IEEE minimumNumber/maximumNumber): -0 < +0; one NaN operand -> the other
 * operand; both NaN -> canonical NaN; NV if either operand is a signalling NaN. */
uint32_t fpu_min_s(uint32_t a, uint32_t b, uint32_t *fflags);
uint32_t fpu_max_s(uint32_t a, uint32_t b, uint32_t *fflags);
uint64_t fpu_min_d(uint64_t a, uint64_t b, uint32_t *fflags);
uint64_t fpu_max_d(uint64_t a, uint64_t b, uint32_t *fflags);

/* Comparisons, result 0 or 1. feq is quiet (NV only for a signalling NaN); flt/fle signal
 * (NV for any NaN). Any NaN operand makes the result 0. */
bool fpu_eq_s(uint32_t a, uint32_t b, uint32_t *fflags);
bool fpu_lt_s(uint32_t a, uint32_t b, uint32_t *fflags);
bool fpu_le_s(uint32_t a, uint32_t b, uint32_t *fflags);
bool fpu_eq_d(uint64_t a, uint64_t b, uint32_t *fflags);
bool fpu_lt_d(uint64_t a, uint64_t b, uint32_t *fflags);
bool fpu_le_d(uint64_t a, uint64_t b, uint32_t *fflags);

/* fclass: the enum fpu_class mask. Raises nothing. */
uint32_t fpu_class_s(uint32_t a);
uint32_t fpu_class_d(uint64_t a);

/* Float -> integer (fcvt.{w,wu,l,lu}.{s,d}), rounded with rm. Out-of-range, infinite and NaN
 * inputs raise NV (only NV) and saturate: NaN and too-large -> the maximum, too-small -> the
 * minimum (0 for the unsigned forms). In range but inexact -> NX. A negative input that rounds
 * to 0 is in range for the unsigned forms. fcvt.wu returns 32 bits that the core sign-extends. */
int32_t fpu_cvt_w_s(uint32_t a, unsigned rm, uint32_t *fflags);
uint32_t fpu_cvt_wu_s(uint32_t a, unsigned rm, uint32_t *fflags);
int64_t fpu_cvt_l_s(uint32_t a, unsigned rm, uint32_t *fflags);
uint64_t fpu_cvt_lu_s(uint32_t a, unsigned rm, uint32_t *fflags);
int32_t fpu_cvt_w_d(uint64_t a, unsigned rm, uint32_t *fflags);
uint32_t fpu_cvt_wu_d(uint64_t a, unsigned rm, uint32_t *fflags);
int64_t fpu_cvt_l_d(uint64_t a, unsigned rm, uint32_t *fflags);
uint64_t fpu_cvt_lu_d(uint64_t a, unsigned rm, uint32_t *fflags);

/* Integer -> float (fcvt.{s,d}.{w,wu,l,lu}): NX when the integer is not representable. */
uint32_t fpu_cvt_s_w(int32_t a, unsigned rm, uint32_t *fflags);
uint32_t fpu_cvt_s_wu(uint32_t a, unsigned rm, uint32_t *fflags);
uint32_t fpu_cvt_s_l(int64_t a, unsigned rm, uint32_t *fflags);
uint32_t fpu_cvt_s_lu(uint64_t a, unsigned rm, uint32_t *fflags);
uint64_t fpu_cvt_d_w(int32_t a, unsigned rm, uint32_t *fflags);
uint64_t fpu_cvt_d_wu(uint32_t a, unsigned rm, uint32_t *fflags);
uint64_t fpu_cvt_d_l(int64_t a, unsigned rm, uint32_t *fflags);
uint64_t fpu_cvt_d_lu(uint64_t a, unsigned rm, uint32_t *fflags);

/* fcvt.s.d rounds (NX/UF/OF possible); fcvt.d.s is exact. NaN -> canonical NaN, NV if sNaN. */
uint32_t fpu_cvt_s_d(uint64_t a, unsigned rm, uint32_t *fflags);
uint64_t fpu_cvt_d_s(uint32_t a, unsigned rm, uint32_t *fflags);

#endif
