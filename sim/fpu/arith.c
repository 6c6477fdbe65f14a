/* The arithmetic operations of the F and D extensions (fpu.h): the host fast paths and, for
 * everything they do not cover, the software core (soft.c).
 *
 * The fast paths cover the common case, round-to-nearest-even with a result that is a normal
 * number well inside the range: there the host's hardware result is the IEEE result and the only
 * flag that can be raised is NX, which is decided by an exact integer or error-free test rather
 * than by reading host flags (reading/clearing MXCSR costs more than the arithmetic). Everything
 * else (other rounding modes, NaN, infinities, zeros, subnormal or near-subnormal results) drops
 * to the software core. See docs/fpu.md for why each fast path is exact. */
#include "internal.h"

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
    return (uint32_t)fpu_soft_add(&F32, a, b, false, rm, fflags);
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
    return (uint32_t)fpu_soft_add(&F32, a, b, true, rm, fflags);
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
    return (uint32_t)fpu_soft_mul(&F32, a, b, rm, fflags);
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
    return (uint32_t)fpu_soft_div(&F32, a, b, rm, fflags);
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
    return (uint32_t)fpu_soft_sqrt(&F32, a, rm, fflags);
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
    return (uint32_t)fpu_soft_fma(&F32, a, b, c, np, nc, rm, fflags);
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
    return fpu_soft_add(&F64, a, b, false, rm, fflags);
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
    return fpu_soft_add(&F64, a, b, true, rm, fflags);
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
    return fpu_soft_mul(&F64, a, b, rm, fflags);
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
    return fpu_soft_div(&F64, a, b, rm, fflags);
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
    return fpu_soft_sqrt(&F64, a, rm, fflags);
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
    return fpu_soft_fma(&F64, a, b, c, np, nc, rm, fflags);
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
