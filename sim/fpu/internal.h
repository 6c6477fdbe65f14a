/* What the FPU's files share: the formats, the unpacked form every operation works on, rounding,
 * and the software core (soft.c).
 *
 * The software core is the reference: every operation, every rounding mode, every flag. It works
 * on one unpacked form for both formats (a 63-bit significand whose leading one is bit 62), so
 * single and double share a single rounding routine (fpu_round_pack) that encodes the RISC-V
 * choices (tininess after rounding, overflow results per mode). The host fast paths in front of
 * it are arith.c's. */
#ifndef SIM_FPU_INTERNAL_H
#define SIM_FPU_INTERNAL_H

#include "fpu.h"

#include <float.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__FAST_MATH__)
#error "sim/fpu relies on exact IEEE host arithmetic: do not build it with -ffast-math"
#endif

/* Host arithmetic is IEEE binary32/binary64 without excess precision only in these conditions. */
#ifndef FPU_HOST_FAST /* -DFPU_HOST_FAST=0 builds the software core alone, for testing */
#if FLT_EVAL_METHOD == 0 && defined(__SSE2__)
#define FPU_HOST_FAST 1
#else
#define FPU_HOST_FAST 0
#endif
#endif

typedef unsigned __int128 u128;

/* ---- Formats ------------------------------------------------------------------------------ */

struct fmt {
    unsigned mant_bits; /* stored fraction bits */
    unsigned exp_bits;
    int bias;
};

static const struct fmt F32 __attribute__((unused)) = {23, 8, 127};
static const struct fmt F64 __attribute__((unused)) = {52, 11, 1023};

static inline uint64_t exp_max(const struct fmt *f)
{
    return (1ull << f->exp_bits) - 1;
}

static inline uint64_t inf_bits(const struct fmt *f, bool sign)
{
    return ((uint64_t)sign << (f->mant_bits + f->exp_bits)) | (exp_max(f) << f->mant_bits);
}

static inline uint64_t zero_bits(const struct fmt *f, bool sign)
{
    return (uint64_t)sign << (f->mant_bits + f->exp_bits);
}

static inline uint64_t nan_bits(const struct fmt *f)
{
    return (exp_max(f) << f->mant_bits) | (1ull << (f->mant_bits - 1));
}

/* ---- Unpacked numbers --------------------------------------------------------------------- */

enum kind { K_ZERO, K_FINITE, K_INF, K_QNAN, K_SNAN };

/* A finite nonzero value is (-1)^sign * sig * 2^(exp - 62), with sig in [2^62, 2^63). */
struct unp {
    enum kind kind;
    bool sign;
    int exp;
    uint64_t sig;
};

static inline int clz64(uint64_t x)
{
    return __builtin_clzll(x);
}

static inline __attribute__((always_inline)) struct unp unpack(const struct fmt *f, uint64_t bits)
{
    struct unp u = {0};
    uint64_t mant = bits & ((1ull << f->mant_bits) - 1);
    uint64_t e = (bits >> f->mant_bits) & exp_max(f);
    u.sign = (bits >> (f->mant_bits + f->exp_bits)) & 1;
    if (e == exp_max(f)) {
        if (mant == 0)
            u.kind = K_INF;
        else
            u.kind = (mant >> (f->mant_bits - 1)) ? K_QNAN : K_SNAN;
    } else if (e == 0) {
        if (mant == 0) {
            u.kind = K_ZERO;
        } else {
            /* Subnormal: value = mant * 2^(1 - bias - mant_bits); normalise the significand. */
            int top = 63 - clz64(mant);
            u.kind = K_FINITE;
            u.sig = mant << (62 - top);
            u.exp = 1 - f->bias - (int)f->mant_bits + top;
        }
    } else {
        u.kind = K_FINITE;
        u.sig = (mant | (1ull << f->mant_bits)) << (62 - f->mant_bits);
        u.exp = (int)e - f->bias;
    }
    return u;
}

static inline bool is_nan(const struct unp *u)
{
    return u->kind == K_QNAN || u->kind == K_SNAN;
}

/* Shift right, ORing every bit shifted out into bit 0 ("sticky"), so rounding still sees that
 * the discarded part was nonzero. */
static inline uint64_t shr_jam64(uint64_t x, unsigned n)
{
    if (n == 0)
        return x;
    if (n >= 64)
        return x != 0;
    return (x >> n) | ((x << (64 - n)) != 0);
}

static inline u128 shr_jam128(u128 x, unsigned n)
{
    if (n == 0)
        return x;
    if (n >= 128)
        return x != 0;
    return (x >> n) | ((x << (128 - n)) != 0);
}

/* ---- Rounding ----------------------------------------------------------------------------- */

/* Whether to add one unit to `kept`, given the discarded bits `low` whose half-unit is `half`. */
static inline bool round_up(unsigned rm, bool sign, uint64_t kept, uint64_t low, uint64_t half)
{
    switch (rm) {
    case FPU_RTZ: return false;
    case FPU_RDN: return sign && low != 0;
    case FPU_RUP: return !sign && low != 0;
    case FPU_RMM: return low >= half;
    default: return low > half || (low == half && (kept & 1));
    }
}

/* ---- The software core (soft.c): every rounding mode, every flag ---------------------------- */

/* Round (-1)^sign * sig * 2^(exp-62) (sig in [2^62, 2^63), inexactness jammed into bit 0) to the
 * format and encode it, raising NX/UF/OF. */
uint64_t fpu_round_pack(const struct fmt *f, bool sign, int exp, uint64_t sig, unsigned rm,
                        uint32_t *fflags);
/* Round a 128-bit significand (value x * 2^(exp - 125), x nonzero, no bits above 125). */
uint64_t fpu_round_pack128(const struct fmt *f, bool sign, int exp, u128 x, unsigned rm,
                           uint32_t *fflags);
/* NaN result of an operation with NaN operand(s): canonical, NV if any was signalling. */
uint64_t fpu_nan_result(const struct fmt *f, const struct unp *a, const struct unp *b,
                        const struct unp *c, uint32_t *fflags);
/* The canonical NaN with NV. */
uint64_t fpu_invalid(const struct fmt *f, uint32_t *fflags);
uint64_t fpu_soft_add(const struct fmt *f, uint64_t abits, uint64_t bbits, bool negate_b,
                      unsigned rm, uint32_t *fflags);
uint64_t fpu_soft_mul(const struct fmt *f, uint64_t abits, uint64_t bbits, unsigned rm,
                      uint32_t *fflags);
uint64_t fpu_soft_div(const struct fmt *f, uint64_t abits, uint64_t bbits, unsigned rm,
                      uint32_t *fflags);
uint64_t fpu_soft_sqrt(const struct fmt *f, uint64_t abits, unsigned rm, uint32_t *fflags);
/* (-1)^neg_prod * a*b + (-1)^neg_c * c with a single rounding. */
uint64_t fpu_soft_fma(const struct fmt *f, uint64_t abits, uint64_t bbits, uint64_t cbits,
                      bool neg_prod, bool neg_c, unsigned rm, uint32_t *fflags);

#endif
