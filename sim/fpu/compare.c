/* Comparisons, minimum/maximum and classification of the F and D extensions (fpu.h). */
#include "internal.h"

/* ---- Comparisons, min/max, class ---------------------------------------------------------- */

static inline bool bits_is_nan(const struct fmt *f, uint64_t x)
{
    uint64_t abs = x & (zero_bits(f, true) - 1);
    return abs > inf_bits(f, false);
}

static inline bool bits_is_snan(const struct fmt *f, uint64_t x)
{
    return bits_is_nan(f, x) && !((x >> (f->mant_bits - 1)) & 1);
}

/* Ordering of two non-NaN encodings: a < b (strict), treating -0 < +0 when `signed_zero`. */
static bool ordered_lt(const struct fmt *f, uint64_t a, uint64_t b, bool signed_zero)
{
    uint64_t sbit = zero_bits(f, true);
    bool sa = a & sbit, sb = b & sbit;
    if (sa != sb) {
        if (!signed_zero && ((a | b) & (sbit - 1)) == 0)
            return false; /* -0 == +0 */
        return sa;
    }
    return sa ? a > b : a < b; /* sign-magnitude: magnitude order matches encoding order */
}

static uint64_t minmax(const struct fmt *f, uint64_t a, uint64_t b, bool want_max, uint32_t *fflags)
{
    bool an = bits_is_nan(f, a), bn = bits_is_nan(f, b);
    if (bits_is_snan(f, a) || bits_is_snan(f, b))
        *fflags |= FPU_NV;
    if (an && bn)
        return nan_bits(f);
    if (an)
        return b;
    if (bn)
        return a;
    return ordered_lt(f, a, b, true) != want_max ? a : b;
}

static bool compare(const struct fmt *f, uint64_t a, uint64_t b, int op, uint32_t *fflags)
{
    /* op: 0 = eq (quiet), 1 = lt, 2 = le (signalling) */
    if (bits_is_nan(f, a) || bits_is_nan(f, b)) {
        if (op != 0 || bits_is_snan(f, a) || bits_is_snan(f, b))
            *fflags |= FPU_NV;
        return false;
    }
    bool lt = ordered_lt(f, a, b, false);
    bool eq = a == b || ((a | b) & (zero_bits(f, true) - 1)) == 0;
    return op == 0 ? eq : op == 1 ? lt : lt || eq;
}

static uint32_t classify(const struct fmt *f, uint64_t x)
{
    struct unp u = unpack(f, x);
    uint64_t e = (x >> f->mant_bits) & exp_max(f);
    switch (u.kind) {
    case K_QNAN: return FPU_CLASS_QNAN;
    case K_SNAN: return FPU_CLASS_SNAN;
    case K_INF: return u.sign ? FPU_CLASS_NEG_INF : FPU_CLASS_POS_INF;
    case K_ZERO: return u.sign ? FPU_CLASS_NEG_ZERO : FPU_CLASS_POS_ZERO;
    default:
        if (e == 0)
            return u.sign ? FPU_CLASS_NEG_SUBNORMAL : FPU_CLASS_POS_SUBNORMAL;
        return u.sign ? FPU_CLASS_NEG_NORMAL : FPU_CLASS_POS_NORMAL;
    }
}

uint32_t fpu_min_s(uint32_t a, uint32_t b, uint32_t *fflags)
{
    return (uint32_t)minmax(&F32, a, b, false, fflags);
}

uint32_t fpu_max_s(uint32_t a, uint32_t b, uint32_t *fflags)
{
    return (uint32_t)minmax(&F32, a, b, true, fflags);
}

uint64_t fpu_min_d(uint64_t a, uint64_t b, uint32_t *fflags)
{
    return minmax(&F64, a, b, false, fflags);
}

uint64_t fpu_max_d(uint64_t a, uint64_t b, uint32_t *fflags)
{
    return minmax(&F64, a, b, true, fflags);
}

bool fpu_eq_s(uint32_t a, uint32_t b, uint32_t *fflags)
{
    return compare(&F32, a, b, 0, fflags);
}

bool fpu_lt_s(uint32_t a, uint32_t b, uint32_t *fflags)
{
    return compare(&F32, a, b, 1, fflags);
}

bool fpu_le_s(uint32_t a, uint32_t b, uint32_t *fflags)
{
    return compare(&F32, a, b, 2, fflags);
}

bool fpu_eq_d(uint64_t a, uint64_t b, uint32_t *fflags)
{
    return compare(&F64, a, b, 0, fflags);
}

bool fpu_lt_d(uint64_t a, uint64_t b, uint32_t *fflags)
{
    return compare(&F64, a, b, 1, fflags);
}

bool fpu_le_d(uint64_t a, uint64_t b, uint32_t *fflags)
{
    return compare(&F64, a, b, 2, fflags);
}

uint32_t fpu_class_s(uint32_t a)
{
    return classify(&F32, a);
}

uint32_t fpu_class_d(uint64_t a)
{
    return classify(&F64, a);
}
