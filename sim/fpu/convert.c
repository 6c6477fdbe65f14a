/* Conversions of the F and D extensions (fpu.h): float to integer, integer to float, and between
 * single and double. */
#include "internal.h"

/* ---- Float -> integer --------------------------------------------------------------------- */

/* Round to an integer and saturate into [min, max] (min given as sign + magnitude, since the
 * signed minimum's magnitude 2^63 does not fit int64_t). Returns the two's complement bits. */
static uint64_t to_int(const struct fmt *f, uint64_t bits, unsigned rm, uint64_t max,
                       uint64_t neg_limit, uint32_t *fflags)
{
    struct unp u = unpack(f, bits);
    uint64_t sat_neg = neg_limit ? (uint64_t)0 - neg_limit : 0;
    if (is_nan(&u)) {
        *fflags |= FPU_NV;
        return max;
    }
    if (u.kind == K_INF) {
        *fflags |= FPU_NV;
        return u.sign ? sat_neg : max;
    }
    if (u.kind == K_ZERO)
        return 0;
    if (u.exp >= 64) {
        *fflags |= FPU_NV;
        return u.sign ? sat_neg : max;
    }
    uint64_t mag;
    bool inexact = false;
    if (u.exp >= 62) {
        mag = u.sig << (u.exp - 62);
    } else {
        /* Two bits below the integer point (round, sticky) decide the rounding. */
        unsigned shift = (unsigned)(62 - u.exp);
        uint64_t x = shift >= 2 ? shr_jam64(u.sig, shift - 2) : u.sig << (2 - shift);
        mag = x >> 2;
        inexact = (x & 3) != 0;
        if (round_up(rm, u.sign, mag, x & 3, 2))
            mag++;
    }
    if (u.sign ? mag > neg_limit : mag > max) {
        *fflags |= FPU_NV;
        return u.sign ? sat_neg : max;
    }
    if (inexact)
        *fflags |= FPU_NX;
    return u.sign ? (uint64_t)0 - mag : mag;
}

#define I32_MAX 0x7fffffffull
#define I64_MAX 0x7fffffffffffffffull

int32_t fpu_cvt_w_s(uint32_t a, unsigned rm, uint32_t *fflags)
{
    return (int32_t)to_int(&F32, a, rm, I32_MAX, I32_MAX + 1, fflags);
}

uint32_t fpu_cvt_wu_s(uint32_t a, unsigned rm, uint32_t *fflags)
{
    return (uint32_t)to_int(&F32, a, rm, UINT32_MAX, 0, fflags);
}

int64_t fpu_cvt_l_s(uint32_t a, unsigned rm, uint32_t *fflags)
{
    return (int64_t)to_int(&F32, a, rm, I64_MAX, I64_MAX + 1, fflags);
}

uint64_t fpu_cvt_lu_s(uint32_t a, unsigned rm, uint32_t *fflags)
{
    return to_int(&F32, a, rm, UINT64_MAX, 0, fflags);
}

int32_t fpu_cvt_w_d(uint64_t a, unsigned rm, uint32_t *fflags)
{
    return (int32_t)to_int(&F64, a, rm, I32_MAX, I32_MAX + 1, fflags);
}

uint32_t fpu_cvt_wu_d(uint64_t a, unsigned rm, uint32_t *fflags)
{
    return (uint32_t)to_int(&F64, a, rm, UINT32_MAX, 0, fflags);
}

int64_t fpu_cvt_l_d(uint64_t a, unsigned rm, uint32_t *fflags)
{
    return (int64_t)to_int(&F64, a, rm, I64_MAX, I64_MAX + 1, fflags);
}

uint64_t fpu_cvt_lu_d(uint64_t a, unsigned rm, uint32_t *fflags)
{
    return to_int(&F64, a, rm, UINT64_MAX, 0, fflags);
}

/* ---- Integer -> float, float <-> float ---------------------------------------------------- */

static uint64_t from_int(const struct fmt *f, bool sign, uint64_t mag, unsigned rm,
                         uint32_t *fflags)
{
    if (mag == 0)
        return zero_bits(f, false);
    int top = 63 - clz64(mag);
    uint64_t sig = top <= 62 ? mag << (62 - top) : shr_jam64(mag, 1);
    return fpu_round_pack(f, sign, top, sig, rm, fflags);
}

static inline uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

uint32_t fpu_cvt_s_w(int32_t a, unsigned rm, uint32_t *fflags)
{
    return (uint32_t)from_int(&F32, a < 0, magnitude(a), rm, fflags);
}

uint32_t fpu_cvt_s_wu(uint32_t a, unsigned rm, uint32_t *fflags)
{
    return (uint32_t)from_int(&F32, false, a, rm, fflags);
}

uint32_t fpu_cvt_s_l(int64_t a, unsigned rm, uint32_t *fflags)
{
    return (uint32_t)from_int(&F32, a < 0, magnitude(a), rm, fflags);
}

uint32_t fpu_cvt_s_lu(uint64_t a, unsigned rm, uint32_t *fflags)
{
    return (uint32_t)from_int(&F32, false, a, rm, fflags);
}

uint64_t fpu_cvt_d_w(int32_t a, unsigned rm, uint32_t *fflags)
{
    return from_int(&F64, a < 0, magnitude(a), rm, fflags);
}

uint64_t fpu_cvt_d_wu(uint32_t a, unsigned rm, uint32_t *fflags)
{
    return from_int(&F64, false, a, rm, fflags);
}

uint64_t fpu_cvt_d_l(int64_t a, unsigned rm, uint32_t *fflags)
{
    return from_int(&F64, a < 0, magnitude(a), rm, fflags);
}

uint64_t fpu_cvt_d_lu(uint64_t a, unsigned rm, uint32_t *fflags)
{
    return from_int(&F64, false, a, rm, fflags);
}

static uint64_t convert(const struct fmt *to, const struct fmt *from, uint64_t bits, unsigned rm,
                        uint32_t *fflags)
{
    struct unp u = unpack(from, bits);
    switch (u.kind) {
    case K_QNAN:
    case K_SNAN: return fpu_nan_result(to, &u, NULL, NULL, fflags);
    case K_INF: return inf_bits(to, u.sign);
    case K_ZERO: return zero_bits(to, u.sign);
    default: return fpu_round_pack(to, u.sign, u.exp, u.sig, rm, fflags);
    }
}

uint32_t fpu_cvt_s_d(uint64_t a, unsigned rm, uint32_t *fflags)
{
    return (uint32_t)convert(&F32, &F64, a, rm, fflags);
}

uint64_t fpu_cvt_d_s(uint32_t a, unsigned rm, uint32_t *fflags)
{
    return convert(&F64, &F32, a, rm, fflags);
}
