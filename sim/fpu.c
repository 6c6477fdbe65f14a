/* RISC-V F/D arithmetic: an exact software IEEE 754 core plus host fast paths.
 *
 * The software core is the reference: every operation, every rounding mode, every flag. It works
 * on one unpacked form for both formats (a 63-bit significand whose leading one is bit 62), so
 * single and double share a single rounding routine (round_pack) that encodes the RISC-V choices
 * (tininess after rounding, overflow results per mode).
 *
 * The fast paths cover the common case, round-to-nearest-even with a result that is a normal
 * number well inside the range: there the host's hardware result is the IEEE result and the only
 * flag that can be raised is NX, which is decided by an exact integer or error-free test rather
 * than by reading host flags (reading/clearing MXCSR costs more than the arithmetic). Everything
 * else (other rounding modes, NaN, infinities, zeros, subnormal or near-subnormal results) drops
 * to the software core. See docs/fpu.md for why each fast path is exact. */
#include "fpu.h"

#include <float.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__FAST_MATH__)
#error "sim/fpu.c relies on exact IEEE host arithmetic: do not build it with -ffast-math"
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

/* The fast paths need the host in the C default environment: round to nearest, no
 * flush-to-zero or denormals-are-zero (which e.g. linking with -ffast-math's crtfastmath.o
 * turns on, from a constructor that may run after any of ours). MXCSR is therefore read on every
 * fast-path call: a store of a control register, not a serialising load like ldmxcsr, so it
 * costs about a cycle; anything unusual sends the operation to the software path. */
#if FPU_HOST_FAST
#define MXCSR_RC_FTZ_DAZ 0xe040u

static inline bool use_host(unsigned rm)
{
    return rm == FPU_RNE && (_mm_getcsr() & MXCSR_RC_FTZ_DAZ) == 0;
}
#else
static inline bool use_host(unsigned rm)
{
    (void)rm;
    return false;
}
#endif

/* ---- Formats ------------------------------------------------------------------------------ */

struct fmt {
    unsigned mant_bits; /* stored fraction bits */
    unsigned exp_bits;
    int bias;
};

static const struct fmt F32 = {23, 8, 127};
static const struct fmt F64 = {52, 11, 1023};

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

/* Round (-1)^sign * sig * 2^(exp-62) (sig in [2^62, 2^63), inexactness jammed into bit 0) to the
 * format and encode it, raising NX/UF/OF. */
static uint64_t round_pack(const struct fmt *f, bool sign, int exp, uint64_t sig, unsigned rm,
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
static uint64_t round_pack128(const struct fmt *f, bool sign, int exp, u128 x, unsigned rm,
                              uint32_t *fflags)
{
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    int lead = hi ? 127 - clz64(hi) : 63 - clz64(lo);
    int up = 125 - lead;
    x <<= up;
    exp -= up;
    return round_pack(f, sign, exp, (uint64_t)shr_jam128(x, 63), rm, fflags);
}

/* NaN result of an operation with NaN operand(s): canonical, NV if any was signalling. */
static uint64_t nan_result(const struct fmt *f, const struct unp *a, const struct unp *b,
                           const struct unp *c, uint32_t *fflags)
{
    if (a->kind == K_SNAN || (b && b->kind == K_SNAN) || (c && c->kind == K_SNAN))
        *fflags |= FPU_NV;
    return nan_bits(f);
}

static uint64_t invalid(const struct fmt *f, uint32_t *fflags)
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
    return round_pack(f, sign, exp - up, s << up, rm, fflags);
}

static uint64_t soft_add(const struct fmt *f, uint64_t abits, uint64_t bbits, bool negate_b,
                         unsigned rm, uint32_t *fflags)
{
    struct unp a = unpack(f, abits), b = unpack(f, bbits);
    if (is_nan(&a) || is_nan(&b))
        return nan_result(f, &a, &b, NULL, fflags);
    b.sign ^= negate_b;
    if (a.kind == K_INF) {
        if (b.kind == K_INF && a.sign != b.sign)
            return invalid(f, fflags);
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

static uint64_t soft_mul(const struct fmt *f, uint64_t abits, uint64_t bbits, unsigned rm,
                         uint32_t *fflags)
{
    struct unp a = unpack(f, abits), b = unpack(f, bbits);
    if (is_nan(&a) || is_nan(&b))
        return nan_result(f, &a, &b, NULL, fflags);
    bool sign = a.sign ^ b.sign;
    if (a.kind == K_INF || b.kind == K_INF) {
        if (a.kind == K_ZERO || b.kind == K_ZERO)
            return invalid(f, fflags);
        return inf_bits(f, sign);
    }
    if (a.kind == K_ZERO || b.kind == K_ZERO)
        return zero_bits(f, sign);
    /* The product of two [2^62, 2^63) significands is in [2^124, 2^126): value p*2^(ea+eb-124). */
    u128 p = (u128)a.sig * b.sig;
    return round_pack128(f, sign, a.exp + b.exp + 1, p, rm, fflags);
}

static uint64_t soft_div(const struct fmt *f, uint64_t abits, uint64_t bbits, unsigned rm,
                         uint32_t *fflags)
{
    struct unp a = unpack(f, abits), b = unpack(f, bbits);
    if (is_nan(&a) || is_nan(&b))
        return nan_result(f, &a, &b, NULL, fflags);
    bool sign = a.sign ^ b.sign;
    if (a.kind == K_INF) {
        if (b.kind == K_INF)
            return invalid(f, fflags);
        return inf_bits(f, sign);
    }
    if (b.kind == K_INF)
        return zero_bits(f, sign);
    if (b.kind == K_ZERO) {
        if (a.kind == K_ZERO)
            return invalid(f, fflags);
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
    return round_pack128(f, sign, a.exp - b.exp + 61, q | rem, rm, fflags);
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

static uint64_t soft_sqrt(const struct fmt *f, uint64_t abits, unsigned rm, uint32_t *fflags)
{
    struct unp a = unpack(f, abits);
    if (is_nan(&a))
        return nan_result(f, &a, NULL, NULL, fflags);
    if (a.kind == K_ZERO)
        return abits; /* sqrt(-0) = -0 */
    if (a.sign)
        return invalid(f, fflags);
    if (a.kind == K_INF)
        return abits;
    /* Radicand r = sig << k in [2^124, 2^126) with (exp - 62 - k) even, so that
     * sqrt(value) = sqrt(r) * 2^((exp - 62 - k) / 2) and sqrt(r) lies in [2^62, 2^63). */
    unsigned k = (a.exp & 1) ? 63 : 62;
    u128 rad = (u128)a.sig << k;
    uint64_t root = isqrt128(rad);
    u128 rem = rad - (u128)root * root;
    int exp = (a.exp - 62 - (int)k) / 2 + 62;
    return round_pack(f, false, exp, root | (rem != 0), rm, fflags);
}

/* (-1)^neg_prod * a*b + (-1)^neg_c * c with a single rounding. */
static uint64_t soft_fma(const struct fmt *f, uint64_t abits, uint64_t bbits, uint64_t cbits,
                         bool neg_prod, bool neg_c, unsigned rm, uint32_t *fflags)
{
    struct unp a = unpack(f, abits), b = unpack(f, bbits), c = unpack(f, cbits);
    /* RISC-V: inf * 0 is invalid even when the addend is a quiet NaN. */
    if ((a.kind == K_INF && b.kind == K_ZERO) || (a.kind == K_ZERO && b.kind == K_INF))
        return invalid(f, fflags);
    if (is_nan(&a) || is_nan(&b) || is_nan(&c))
        return nan_result(f, &a, &b, &c, fflags);
    bool psign = a.sign ^ b.sign ^ neg_prod;
    c.sign ^= neg_c;
    if (a.kind == K_INF || b.kind == K_INF) {
        if (c.kind == K_INF && c.sign != psign)
            return invalid(f, fflags);
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
        return round_pack128(f, psign, pexp + 1, p, rm, fflags);

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
    return round_pack128(f, sign, xexp, s, rm, fflags);
}

/* ---- Host fast paths (RNE, result a normal number above the underflow boundary) ----------- */

static inline uint64_t bits_d(double x)
{
    uint64_t b;
    memcpy(&b, &x, 8);
    return b;
}

static inline double d_of(uint64_t b)
{
    double x;
    memcpy(&x, &b, 8);
    return x;
}

static inline uint32_t bits_s(float x)
{
    uint32_t b;
    memcpy(&b, &x, 4);
    return b;
}

static inline float s_of(uint32_t b)
{
    float x;
    memcpy(&x, &b, 4);
    return x;
}

/* A result whose biased exponent is in [2, max-1] is finite, did not overflow, and cannot be
 * tiny after rounding (the exponent-1 binade is excluded because of rounding up into it). */
static inline bool safe_d(uint64_t r)
{
    return ((r >> 52) & 0x7ff) - 2 < 0x7ff - 2;
}

static inline bool safe_s(uint32_t r)
{
    return ((r >> 23) & 0xff) - 2 < 0xff - 2;
}

static inline bool normal_d(uint64_t x)
{
    return ((x >> 52) & 0x7ff) - 1 < 0x7ff - 1;
}

static inline uint64_t sig_d(uint64_t x)
{
    return (x & ((1ull << 52) - 1)) | (1ull << 52);
}

static inline unsigned ctz128(u128 x)
{
    uint64_t lo = (uint64_t)x;
    return lo ? (unsigned)__builtin_ctzll(lo) : 64 + (unsigned)__builtin_ctzll((uint64_t)(x >> 64));
}

/* For significands m (result) and n (operand) and an operand significand t: whether m*n equals
 * t times a power of two, i.e. the rounded quotient/root was exact. Compares odd parts. */
static inline bool product_is_scaled(uint64_t m, uint64_t n, uint64_t t)
{
    u128 p = (u128)m * n;
    return (p >> ctz128(p)) == (t >> __builtin_ctzll(t));
}

/* Error-free transformation (Knuth's TwoSum): whether s = fl(x + y) lost anything. */
static inline bool sum_inexact_d(double x, double y, double s)
{
    double yv = s - x;
    return ((x - (s - yv)) + (y - yv)) != 0;
}

static inline bool sum_inexact_s(float x, float y, float s)
{
    float yv = s - x;
    return ((x - (s - yv)) + (y - yv)) != 0;
}

/* Fused multiply-add on x86-64 CPUs with FMA3 (checked at start-up). The host's fused result is
 * the IEEE one; inexactness comes from error-free transformations, not from MXCSR: loading
 * MXCSR to clear its sticky flags costs tens of nanoseconds whenever the value changes.
 * Double: a*b = ph + pl exactly (TwoProduct with FMA, exact when ph is far from underflow) and
 * r - c = s + t exactly (TwoSum); both pairs are normalised (high = RN(high + low)), so
 * a*b + c == r iff ph == s and pl == t. Single: a*b is exact in double and r - c = s + t in
 * double, so a*b + c == r iff a*b == s and t == 0. Each returns false where this does not apply. */
#if FPU_HOST_FAST && defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define FPU_HOST_FMA 1

static bool host_fma; /* set once, before main, and only read afterwards */

__attribute__((constructor)) static void detect_host_fma(void)
{
    __builtin_cpu_init();
    host_fma = __builtin_cpu_supports("fma");
}

__attribute__((target("fma"))) static bool fast_fma_d(double x, double y, double z, uint64_t *out,
                                                      uint32_t *fflags)
{
    __m128d vx = _mm_set_sd(x), vy = _mm_set_sd(y);
    double r = _mm_cvtsd_f64(_mm_fmadd_sd(vx, vy, _mm_set_sd(z)));
    double ph = x * y;
    uint64_t pe = (bits_d(ph) >> 52) & 0x7ff;
    if (!safe_d(bits_d(r)) || !normal_d(bits_d(x)) || !normal_d(bits_d(y)) || pe < 110 ||
        pe == 0x7ff)
        return false;
    double pl = _mm_cvtsd_f64(_mm_fmadd_sd(vx, vy, _mm_set_sd(-ph)));
    double s = r - z, v = s - r, t = (r - (s - v)) + (-z - v);
    if (((bits_d(s) >> 52) & 0x7ff) == 0x7ff)
        return false;
    if (ph != s || pl != t)
        *fflags |= FPU_NX;
    *out = bits_d(r);
    return true;
}

__attribute__((target("fma"))) static bool fast_fma_s(float x, float y, float z, uint32_t *out,
                                                      uint32_t *fflags)
{
    float r = _mm_cvtss_f32(_mm_fmadd_ss(_mm_set_ss(x), _mm_set_ss(y), _mm_set_ss(z)));
    if (!safe_s(bits_s(r)))
        return false; /* also excludes NaN and infinite operands */
    double p = (double)x * (double)y, rd = r, zd = z;
    double s = rd - zd, v = s - rd, t = (rd - (s - v)) + (-zd - v);
    if (p != s || t != 0)
        *fflags |= FPU_NX;
    *out = bits_s(r);
    return true;
}
#else
#define FPU_HOST_FMA 0
#endif

/* ---- Public API: single ------------------------------------------------------------------- */

uint32_t fpu_add_s(uint32_t a, uint32_t b, unsigned rm, uint32_t *fflags)
{
    if (use_host(rm)) {
        float x = s_of(a), y = s_of(b), s = x + y;
        uint32_t r = bits_s(s);
        if (safe_s(r)) {
            if (sum_inexact_s(x, y, s))
                *fflags |= FPU_NX;
            return r;
        }
    }
    return (uint32_t)soft_add(&F32, a, b, false, rm, fflags);
}

uint32_t fpu_sub_s(uint32_t a, uint32_t b, unsigned rm, uint32_t *fflags)
{
    if (use_host(rm)) {
        float x = s_of(a), y = -s_of(b), s = x + y;
        uint32_t r = bits_s(s);
        if (safe_s(r)) {
            if (sum_inexact_s(x, y, s))
                *fflags |= FPU_NX;
            return r;
        }
    }
    return (uint32_t)soft_add(&F32, a, b, true, rm, fflags);
}

/* Single-precision mul/div/sqrt go through double: a product of two singles is exact in double,
 * and rounding a double quotient or root to single is the correctly rounded single result
 * (53 >= 2*24 + 2, so double rounding is innocuous for / and sqrt). */
uint32_t fpu_mul_s(uint32_t a, uint32_t b, unsigned rm, uint32_t *fflags)
{
    if (use_host(rm)) {
        double p = (double)s_of(a) * (double)s_of(b);
        float r = (float)p;
        if (safe_s(bits_s(r))) {
            if ((double)r != p)
                *fflags |= FPU_NX;
            return bits_s(r);
        }
    }
    return (uint32_t)soft_mul(&F32, a, b, rm, fflags);
}

uint32_t fpu_div_s(uint32_t a, uint32_t b, unsigned rm, uint32_t *fflags)
{
    if (use_host(rm)) {
        double x = s_of(a), y = s_of(b);
        float q = (float)(x / y);
        if (safe_s(bits_s(q))) {
            if ((double)q * y != x)
                *fflags |= FPU_NX;
            return bits_s(q);
        }
    }
    return (uint32_t)soft_div(&F32, a, b, rm, fflags);
}

uint32_t fpu_sqrt_s(uint32_t a, unsigned rm, uint32_t *fflags)
{
#if FPU_HOST_FAST
    if (use_host(rm) && a - 1 < 0x7f7fffffu) { /* positive, nonzero, finite */
        double x = s_of(a);
        float r = (float)_mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(x)));
        if ((double)r * (double)r != x)
            *fflags |= FPU_NX;
        return bits_s(r);
    }
#endif
    return (uint32_t)soft_sqrt(&F32, a, rm, fflags);
}

static inline uint32_t fma_s(uint32_t a, uint32_t b, uint32_t c, bool np, bool nc, unsigned rm,
                             uint32_t *fflags)
{
#if FPU_HOST_FMA
    if (host_fma && use_host(rm)) {
        uint32_t r;
        if (fast_fma_s(np ? -s_of(a) : s_of(a), s_of(b), nc ? -s_of(c) : s_of(c), &r, fflags))
            return r;
    }
#endif
    return (uint32_t)soft_fma(&F32, a, b, c, np, nc, rm, fflags);
}

uint32_t fpu_madd_s(uint32_t a, uint32_t b, uint32_t c, unsigned rm, uint32_t *fflags)
{
    return fma_s(a, b, c, false, false, rm, fflags);
}

uint32_t fpu_msub_s(uint32_t a, uint32_t b, uint32_t c, unsigned rm, uint32_t *fflags)
{
    return fma_s(a, b, c, false, true, rm, fflags);
}

uint32_t fpu_nmsub_s(uint32_t a, uint32_t b, uint32_t c, unsigned rm, uint32_t *fflags)
{
    return fma_s(a, b, c, true, false, rm, fflags);
}

uint32_t fpu_nmadd_s(uint32_t a, uint32_t b, uint32_t c, unsigned rm, uint32_t *fflags)
{
    return fma_s(a, b, c, true, true, rm, fflags);
}

/* ---- Public API: double ------------------------------------------------------------------- */

uint64_t fpu_add_d(uint64_t a, uint64_t b, unsigned rm, uint32_t *fflags)
{
    if (use_host(rm)) {
        double x = d_of(a), y = d_of(b), s = x + y;
        uint64_t r = bits_d(s);
        if (safe_d(r)) {
            if (sum_inexact_d(x, y, s))
                *fflags |= FPU_NX;
            return r;
        }
    }
    return soft_add(&F64, a, b, false, rm, fflags);
}

uint64_t fpu_sub_d(uint64_t a, uint64_t b, unsigned rm, uint32_t *fflags)
{
    if (use_host(rm)) {
        double x = d_of(a), y = -d_of(b), s = x + y;
        uint64_t r = bits_d(s);
        if (safe_d(r)) {
            if (sum_inexact_d(x, y, s))
                *fflags |= FPU_NX;
            return r;
        }
    }
    return soft_add(&F64, a, b, true, rm, fflags);
}

uint64_t fpu_mul_d(uint64_t a, uint64_t b, unsigned rm, uint32_t *fflags)
{
    if (use_host(rm) && normal_d(a) && normal_d(b)) {
        uint64_t r = bits_d(d_of(a) * d_of(b));
        if (safe_d(r)) {
            /* Exact iff the 105/106-bit significand product fits in 53 bits. */
            u128 p = (u128)sig_d(a) * sig_d(b);
            unsigned lost = (p >> 105) ? 53 : 52;
            if ((uint64_t)p & ((1ull << lost) - 1))
                *fflags |= FPU_NX;
            return r;
        }
    }
    return soft_mul(&F64, a, b, rm, fflags);
}

uint64_t fpu_div_d(uint64_t a, uint64_t b, unsigned rm, uint32_t *fflags)
{
    if (use_host(rm) && normal_d(a) && normal_d(b)) {
        uint64_t q = bits_d(d_of(a) / d_of(b));
        if (safe_d(q)) {
            if (!product_is_scaled(sig_d(q), sig_d(b), sig_d(a)))
                *fflags |= FPU_NX;
            return q;
        }
    }
    return soft_div(&F64, a, b, rm, fflags);
}

uint64_t fpu_sqrt_d(uint64_t a, unsigned rm, uint32_t *fflags)
{
#if FPU_HOST_FAST
    if (use_host(rm) && !(a >> 63) && normal_d(a)) {
        __m128d x = _mm_set_sd(d_of(a));
        uint64_t r = bits_d(_mm_cvtsd_f64(_mm_sqrt_sd(x, x)));
        if (!product_is_scaled(sig_d(r), sig_d(r), sig_d(a)))
            *fflags |= FPU_NX;
        return r;
    }
#endif
    return soft_sqrt(&F64, a, rm, fflags);
}

static inline uint64_t fma_d(uint64_t a, uint64_t b, uint64_t c, bool np, bool nc, unsigned rm,
                             uint32_t *fflags)
{
#if FPU_HOST_FMA
    if (host_fma && use_host(rm)) {
        uint64_t r;
        if (fast_fma_d(np ? -d_of(a) : d_of(a), d_of(b), nc ? -d_of(c) : d_of(c), &r, fflags))
            return r;
    }
#endif
    return soft_fma(&F64, a, b, c, np, nc, rm, fflags);
}

uint64_t fpu_madd_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fflags)
{
    return fma_d(a, b, c, false, false, rm, fflags);
}

uint64_t fpu_msub_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fflags)
{
    return fma_d(a, b, c, false, true, rm, fflags);
}

uint64_t fpu_nmsub_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fflags)
{
    return fma_d(a, b, c, true, false, rm, fflags);
}

uint64_t fpu_nmadd_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fflags)
{
    return fma_d(a, b, c, true, true, rm, fflags);
}

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
    return round_pack(f, sign, top, sig, rm, fflags);
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
    case K_SNAN: return nan_result(to, &u, NULL, NULL, fflags);
    case K_INF: return inf_bits(to, u.sign);
    case K_ZERO: return zero_bits(to, u.sign);
    default: return round_pack(to, u.sign, u.exp, u.sig, rm, fflags);
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
