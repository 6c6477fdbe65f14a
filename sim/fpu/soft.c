/* The software core: exact IEEE 754 arithmetic in every rounding mode, with every flag, on the
 * unpacked form of internal.h. The reference that the host fast paths (arith.c) fall back to. */
#include "internal.h"

/* Round (-1)^sign * sig * 2^(exp-62) (sig in [2^62, 2^63), inexactness jammed into bit 0) to the
 * format and encode it, raising NX/UF/OF. */
uint64_t fpu_round_pack(const struct fmt *f, bool sign, int exp, uint64_t sig, unsigned rm,
                        uint32_t *fflags)
{
    const unsigned shift = 62 - f->mant_bits; /* discarded bits below the kept significand */
    const uint64_t half = 1ull << (shift - 1), mask = (1ull << shift) - 1;
    const uint64_t sbit = zero_bits(f, sign);
    int e = exp + f->bias;

    if (e <= 0) {
        /* Below the normal range. RISC-V detects tininess after rounding: the value is tiny
         * unless rounding it to full precision with an unbounded exponent reaches 2^emin. */
        uint64_t full = sig >> shift;
        bool tiny = e < 0 || !(full == (1ull << (f->mant_bits + 1)) - 1 &&
                               round_up(rm, sign, full, sig & mask, half));
        sig = shr_jam64(sig, (unsigned)(1 - e));
        uint64_t low = sig & mask, m = sig >> shift;
        if (round_up(rm, sign, m, low, half))
            m++; /* may carry into the exponent field: the minimum normal number */
        if (low) {
            *fflags |= FPU_NX;
            if (tiny)
                *fflags |= FPU_UF;
        }
        return sbit | m;
    }

    uint64_t low = sig & mask, m = sig >> shift;
    if (round_up(rm, sign, m, low, half)) {
        m++;
        if (m >> (f->mant_bits + 1)) {
            m >>= 1;
            e++;
        }
    }
    if ((uint64_t)e >= exp_max(f)) {
        *fflags |= FPU_OF | FPU_NX;
        bool to_inf = rm == FPU_RNE || rm == FPU_RMM || (rm == FPU_RDN && sign) ||
                      (rm == FPU_RUP && !sign) || rm > FPU_RMM;
        return to_inf ? inf_bits(f, sign) : inf_bits(f, sign) - 1;
    }
    if (low)
        *fflags |= FPU_NX;
    return sbit | (((uint64_t)(e - 1) << f->mant_bits) + m);
}

/* Round a 128-bit significand (value x * 2^(exp - 125), x nonzero, no bits above 125). */
uint64_t fpu_round_pack128(const struct fmt *f, bool sign, int exp, u128 x, unsigned rm,
                           uint32_t *fflags)
{
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    int lead = hi ? 127 - clz64(hi) : 63 - clz64(lo);
    int up = 125 - lead;
    x <<= up;
    exp -= up;
    return fpu_round_pack(f, sign, exp, (uint64_t)shr_jam128(x, 63), rm, fflags);
}

/* NaN result of an operation with NaN operand(s): canonical, NV if any was signalling. */
uint64_t fpu_nan_result(const struct fmt *f, const struct unp *a, const struct unp *b,
                        const struct unp *c, uint32_t *fflags)
{
    if (a->kind == K_SNAN || (b && b->kind == K_SNAN) || (c && c->kind == K_SNAN))
        *fflags |= FPU_NV;
    return nan_bits(f);
}

uint64_t fpu_invalid(const struct fmt *f, uint32_t *fflags)
{
    *fflags |= FPU_NV;
    return nan_bits(f);
}

/* ---- Software arithmetic (all rounding modes) --------------------------------------------- */

/* Exact sum of two finite nonzero values, then one rounding. */
static uint64_t add_finite(const struct fmt *f, struct unp a, struct unp b, unsigned rm,
                           uint32_t *fflags)
{
    if (a.exp < b.exp) {
        struct unp t = a;
        a = b;
        b = t;
    }
    /* One bit of headroom for the carry; the lost low bits of sig are zero, so exact. */
    uint64_t x = a.sig >> 1, y = shr_jam64(b.sig >> 1, (unsigned)(a.exp - b.exp));
    int exp = a.exp + 1;
    uint64_t s;
    bool sign = a.sign;
    if (a.sign == b.sign) {
        s = x + y;
    } else if (x >= y) {
        /* Jamming is safe here: bits are only lost when the exponents differ by 2 or more,
         * and then at most one leading bit cancels, leaving guard bits above the sticky bit. */
        s = x - y;
    } else {
        s = y - x;
        sign = b.sign;
    }
    if (s == 0)
        return zero_bits(f, rm == FPU_RDN);
    int up = clz64(s) - 1;
    return fpu_round_pack(f, sign, exp - up, s << up, rm, fflags);
}

uint64_t fpu_soft_add(const struct fmt *f, uint64_t abits, uint64_t bbits, bool negate_b,
                      unsigned rm, uint32_t *fflags)
{
    struct unp a = unpack(f, abits), b = unpack(f, bbits);
    if (is_nan(&a) || is_nan(&b))
        return fpu_nan_result(f, &a, &b, NULL, fflags);
    b.sign ^= negate_b;
    if (a.kind == K_INF) {
        if (b.kind == K_INF && a.sign != b.sign)
            return fpu_invalid(f, fflags);
        return inf_bits(f, a.sign);
    }
    if (b.kind == K_INF)
        return inf_bits(f, b.sign);
    if (a.kind == K_ZERO && b.kind == K_ZERO)
        return zero_bits(f, a.sign == b.sign ? a.sign : rm == FPU_RDN);
    if (a.kind == K_ZERO)
        return bbits ^ zero_bits(f, negate_b); /* exact: b itself */
    if (b.kind == K_ZERO)
        return abits;
    return add_finite(f, a, b, rm, fflags);
}

uint64_t fpu_soft_mul(const struct fmt *f, uint64_t abits, uint64_t bbits, unsigned rm,
                      uint32_t *fflags)
{
    struct unp a = unpack(f, abits), b = unpack(f, bbits);
    if (is_nan(&a) || is_nan(&b))
        return fpu_nan_result(f, &a, &b, NULL, fflags);
    bool sign = a.sign ^ b.sign;
    if (a.kind == K_INF || b.kind == K_INF) {
        if (a.kind == K_ZERO || b.kind == K_ZERO)
            return fpu_invalid(f, fflags);
        return inf_bits(f, sign);
    }
    if (a.kind == K_ZERO || b.kind == K_ZERO)
        return zero_bits(f, sign);
    /* The product of two [2^62, 2^63) significands is in [2^124, 2^126): value p*2^(ea+eb-124). */
    u128 p = (u128)a.sig * b.sig;
    return fpu_round_pack128(f, sign, a.exp + b.exp + 1, p, rm, fflags);
}

uint64_t fpu_soft_div(const struct fmt *f, uint64_t abits, uint64_t bbits, unsigned rm,
                      uint32_t *fflags)
{
    struct unp a = unpack(f, abits), b = unpack(f, bbits);
    if (is_nan(&a) || is_nan(&b))
        return fpu_nan_result(f, &a, &b, NULL, fflags);
    bool sign = a.sign ^ b.sign;
    if (a.kind == K_INF) {
        if (b.kind == K_INF)
            return fpu_invalid(f, fflags);
        return inf_bits(f, sign);
    }
    if (b.kind == K_INF)
        return zero_bits(f, sign);
    if (b.kind == K_ZERO) {
        if (a.kind == K_ZERO)
            return fpu_invalid(f, fflags);
        *fflags |= FPU_DZ;
        return inf_bits(f, sign);
    }
    if (a.kind == K_ZERO)
        return zero_bits(f, sign);
    /* q = floor(sa * 2^64 / sb) has 64 or 65 bits, far more than 53 + guard; the remainder only
     * matters as "nonzero", so it is jammed into the sticky bit. */
    u128 num = (u128)a.sig << 64;
    u128 q = num / b.sig;
    bool rem = (num - q * b.sig) != 0;
    /* value = (q + frac) * 2^(ea - eb - 64) = q * 2^((ea - eb + 61) - 125) */
    return fpu_round_pack128(f, sign, a.exp - b.exp + 61, q | rem, rm, fflags);
}

/* floor(sqrt(rad)) for rad in [2^124, 2^126). With SSE2, a double-precision estimate (good to
 * about 2^11 units) and one integer Newton step land within one unit, fixed up exactly; otherwise
 * the classic digit-by-digit method. */
static uint64_t isqrt128(u128 rad)
{
#if FPU_HOST_FAST
    __m128d est = _mm_set_sd((double)rad);
    uint64_t r = (uint64_t)_mm_cvtsd_f64(_mm_sqrt_sd(est, est));
    if (r >> 63)
        r = ~0ull >> 1;                       /* the estimate may round up to 2^63 */
    r = (uint64_t)(((u128)r + rad / r) >> 1); /* Newton from any start ends >= the true root */
    while ((u128)r * r > rad)
        r--;
    while ((u128)(r + 1) * (r + 1) <= rad)
        r++;
    return r;
#else
    u128 res = 0, bit = (u128)1 << 126;
    while (bit > rad)
        bit >>= 2;
    while (bit) {
        if (rad >= res + bit) {
            rad -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    return (uint64_t)res;
#endif
}

uint64_t fpu_soft_sqrt(const struct fmt *f, uint64_t abits, unsigned rm, uint32_t *fflags)
{
    struct unp a = unpack(f, abits);
    if (is_nan(&a))
        return fpu_nan_result(f, &a, NULL, NULL, fflags);
    if (a.kind == K_ZERO)
        return abits; /* sqrt(-0) = -0 */
    if (a.sign)
        return fpu_invalid(f, fflags);
    if (a.kind == K_INF)
        return abits;
    /* Radicand r = sig << k in [2^124, 2^126) with (exp - 62 - k) even, so that
     * sqrt(value) = sqrt(r) * 2^((exp - 62 - k) / 2) and sqrt(r) lies in [2^62, 2^63). */
    unsigned k = (a.exp & 1) ? 63 : 62;
    u128 rad = (u128)a.sig << k;
    uint64_t root = isqrt128(rad);
    u128 rem = rad - (u128)root * root;
    int exp = (a.exp - 62 - (int)k) / 2 + 62;
    return fpu_round_pack(f, false, exp, root | (rem != 0), rm, fflags);
}

/* (-1)^neg_prod * a*b + (-1)^neg_c * c with a single rounding. */
uint64_t fpu_soft_fma(const struct fmt *f, uint64_t abits, uint64_t bbits, uint64_t cbits,
                      bool neg_prod, bool neg_c, unsigned rm, uint32_t *fflags)
{
    struct unp a = unpack(f, abits), b = unpack(f, bbits), c = unpack(f, cbits);
    /* RISC-V: inf * 0 is invalid even when the addend is a quiet NaN. */
    if ((a.kind == K_INF && b.kind == K_ZERO) || (a.kind == K_ZERO && b.kind == K_INF))
        return fpu_invalid(f, fflags);
    if (is_nan(&a) || is_nan(&b) || is_nan(&c))
        return fpu_nan_result(f, &a, &b, &c, fflags);
    bool psign = a.sign ^ b.sign ^ neg_prod;
    c.sign ^= neg_c;
    if (a.kind == K_INF || b.kind == K_INF) {
        if (c.kind == K_INF && c.sign != psign)
            return fpu_invalid(f, fflags);
        return inf_bits(f, psign);
    }
    if (c.kind == K_INF)
        return inf_bits(f, c.sign);
    if (a.kind == K_ZERO || b.kind == K_ZERO) {
        if (c.kind == K_ZERO)
            return zero_bits(f, psign == c.sign ? psign : rm == FPU_RDN);
        return cbits ^ zero_bits(f, neg_c); /* exact: c itself */
    }
    u128 p = (u128)a.sig * b.sig; /* value p * 2^(ea + eb - 124) */
    int pexp = a.exp + b.exp;
    if (c.kind == K_ZERO)
        return fpu_round_pack128(f, psign, pexp + 1, p, rm, fflags);

    /* Both terms as x * 2^(e - 125) with the leading one at bit 124 (one bit of headroom). The
     * product has at most 106 significant bits and c at most 53, so shifts by <= 1 lose nothing;
     * larger shifts cancel at most one bit, which keeps jamming exact as in add_finite. */
    if (!(p >> 125)) {
        p <<= 1;
    } else {
        pexp++;
    }
    u128 x = p >> 1;
    int xexp = pexp + 1;
    u128 y = ((u128)c.sig << 63) >> 1;
    int yexp = c.exp + 1;
    bool xsign = psign, ysign = c.sign;
    if (xexp < yexp) {
        u128 t = x;
        x = y;
        y = t;
        int te = xexp;
        xexp = yexp;
        yexp = te;
        bool ts = xsign;
        xsign = ysign;
        ysign = ts;
    }
    y = shr_jam128(y, (unsigned)(xexp - yexp) > 200 ? 200 : (unsigned)(xexp - yexp));
    u128 s;
    bool sign = xsign;
    if (xsign == ysign) {
        s = x + y;
    } else if (x >= y) {
        s = x - y;
    } else {
        s = y - x;
        sign = ysign;
    }
    if (s == 0)
        return zero_bits(f, rm == FPU_RDN);
    return fpu_round_pack128(f, sign, xexp, s, rm, fflags);
}
