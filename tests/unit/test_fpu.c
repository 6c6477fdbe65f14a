/* Hand-picked edge cases for sim/fpu/, expected values worked out from the RISC-V F/D chapters
 * and IEEE 754-2008 (not from any implementation). Each table row names the rule it checks. */
#include <criterion/criterion.h>

#include <stdint.h>

#include "fpu/fpu.h"

enum { RNE = FPU_RNE, RTZ = FPU_RTZ, RDN = FPU_RDN, RUP = FPU_RUP, RMM = FPU_RMM };
enum { NX = FPU_NX, UF = FPU_UF, OF = FPU_OF, DZ = FPU_DZ, NV = FPU_NV };

/* Single constants */
#define S_ONE    0x3f800000u
#define S_MONE   0xbf800000u
#define S_TWO    0x40000000u
#define S_HALF   0x3f000000u
#define S_PZERO  0x00000000u
#define S_NZERO  0x80000000u
#define S_PINF   0x7f800000u
#define S_NINF   0xff800000u
#define S_QNAN   0x7fc00000u
#define S_QNAN_P 0xffc00123u /* negative quiet NaN with a payload */
#define S_SNAN   0x7f800001u
#define S_MAX    0x7f7fffffu
#define S_MINN   0x00800000u /* 2^-126 */
#define S_MINSUB 0x00000001u /* 2^-149 */
#define S_ULP24  0x33800000u /* 2^-24: half an ulp of 1.0 */
#define S_1M     0x3f7fffffu /* 1 - 2^-24 */

/* Double constants */
#define D_ONE    0x3ff0000000000000ull
#define D_MONE   0xbff0000000000000ull
#define D_TWO    0x4000000000000000ull
#define D_HALF   0x3fe0000000000000ull
#define D_THREE  0x4008000000000000ull
#define D_PZERO  0x0000000000000000ull
#define D_NZERO  0x8000000000000000ull
#define D_PINF   0x7ff0000000000000ull
#define D_NINF   0xfff0000000000000ull
#define D_QNAN   0x7ff8000000000000ull
#define D_SNAN   0x7ff0000000000001ull
#define D_MAX    0x7fefffffffffffffull
#define D_MINN   0x0010000000000000ull /* 2^-1022 */
#define D_MINSUB 0x0000000000000001ull /* 2^-1074 */
#define D_ULP53  0x3ca0000000000000ull /* 2^-53: half an ulp of 1.0 */
#define D_1M     0x3fefffffffffffffull /* 1 - 2^-53 */

struct case3 {
    const char *rule;
    unsigned rm;
    uint64_t a, b, c;
    uint64_t want;
    uint32_t flags;
};

typedef uint64_t (*op3_fn)(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fl);

static void check(const char *op, op3_fn fn, const struct case3 *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct case3 *t = &cases[i];
        uint32_t fl = 0;
        uint64_t got = fn(t->a, t->b, t->c, t->rm, &fl);
        cr_expect_eq(got, t->want, "%s [%s] rm=%u: got %#llx want %#llx", op, t->rule, t->rm,
                     (unsigned long long)got, (unsigned long long)t->want);
        cr_expect_eq(fl, t->flags, "%s [%s] rm=%u: flags got %#x want %#x", op, t->rule, t->rm, fl,
                     t->flags);
    }
}

#define CHECK(fn, cases) check(#fn, fn, cases, sizeof(cases) / sizeof(cases[0]))

/* Adapters: every function as a three-operand one, so one table shape fits all. */
#define ADAPT2(name, T)                                                                            \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fl)            \
    {                                                                                              \
        (void)c;                                                                                   \
        return fpu_##name((T)a, (T)b, rm, fl);                                                     \
    }
#define ADAPT1(name, T)                                                                            \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fl)            \
    {                                                                                              \
        (void)b;                                                                                   \
        (void)c;                                                                                   \
        return (uint64_t)fpu_##name((T)a, rm, fl);                                                 \
    }
/* 32-bit signed results: zero-extended so the tables can spell them as 32-bit patterns. */
#define ADAPT1W(name, T)                                                                           \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fl)            \
    {                                                                                              \
        (void)b;                                                                                   \
        (void)c;                                                                                   \
        return (uint32_t)fpu_##name((T)a, rm, fl);                                                 \
    }
#define ADAPT3(name, T)                                                                            \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fl)            \
    {                                                                                              \
        return fpu_##name((T)a, (T)b, (T)c, rm, fl);                                               \
    }
#define ADAPT_NORM(name, T)                                                                        \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fl)            \
    {                                                                                              \
        (void)c;                                                                                   \
        (void)rm;                                                                                  \
        return (uint64_t)fpu_##name((T)a, (T)b, fl);                                               \
    }

ADAPT2(add_s, uint32_t)
ADAPT2(sub_s, uint32_t)
ADAPT2(mul_s, uint32_t)
ADAPT2(div_s, uint32_t)
ADAPT1(sqrt_s, uint32_t)
ADAPT2(add_d, uint64_t)
ADAPT2(sub_d, uint64_t)
ADAPT2(mul_d, uint64_t)
ADAPT2(div_d, uint64_t)
ADAPT1(sqrt_d, uint64_t)
ADAPT3(madd_s, uint32_t)
ADAPT3(msub_s, uint32_t)
ADAPT3(nmsub_s, uint32_t)
ADAPT3(nmadd_s, uint32_t)
ADAPT3(madd_d, uint64_t)
ADAPT_NORM(min_s, uint32_t)
ADAPT_NORM(max_s, uint32_t)
ADAPT_NORM(min_d, uint64_t)
ADAPT_NORM(max_d, uint64_t)
ADAPT_NORM(eq_s, uint32_t)
ADAPT_NORM(lt_s, uint32_t)
ADAPT_NORM(le_s, uint32_t)
ADAPT_NORM(eq_d, uint64_t)
ADAPT_NORM(lt_d, uint64_t)
ADAPT_NORM(le_d, uint64_t)
ADAPT1W(cvt_w_s, uint32_t)
ADAPT1(cvt_wu_s, uint32_t)
ADAPT1(cvt_l_s, uint32_t)
ADAPT1(cvt_lu_d, uint64_t)
ADAPT1(cvt_l_d, uint64_t)
ADAPT1W(cvt_w_d, uint64_t)
ADAPT1(cvt_s_w, int32_t)
ADAPT1(cvt_s_lu, uint64_t)
ADAPT1(cvt_d_l, int64_t)
ADAPT1(cvt_d_lu, uint64_t)
ADAPT1(cvt_s_d, uint64_t)
ADAPT1(cvt_d_s, uint32_t)

/* Integer results come back as their two's complement bits, zero-extended from their width. */
#define W(x) ((uint64_t)(uint32_t)(x))

Test(fpu_add, single_rounding_modes_and_signed_zeros)
{
    static const struct case3 t[] = {
        {"exact", RNE, S_ONE, S_ONE, 0, S_TWO, 0},
        {"tie to even stays", RNE, S_ONE, S_ULP24, 0, S_ONE, NX},
        {"tie RTZ", RTZ, S_ONE, S_ULP24, 0, S_ONE, NX},
        {"tie RDN", RDN, S_ONE, S_ULP24, 0, S_ONE, NX},
        {"tie RUP", RUP, S_ONE, S_ULP24, 0, 0x3f800001, NX},
        {"tie RMM away", RMM, S_ONE, S_ULP24, 0, 0x3f800001, NX},
        {"negative tie RDN", RDN, S_MONE, S_ULP24 | 0x80000000u, 0, 0xbf800001, NX},
        {"negative tie RUP", RUP, S_MONE, S_ULP24 | 0x80000000u, 0, S_MONE, NX},
        {"negative tie RMM", RMM, S_MONE, S_ULP24 | 0x80000000u, 0, 0xbf800001, NX},
        {"+0 + -0 = +0", RNE, S_PZERO, S_NZERO, 0, S_PZERO, 0},
        {"+0 + -0 = -0 in RDN", RDN, S_PZERO, S_NZERO, 0, S_NZERO, 0},
        {"-0 + -0 = -0", RUP, S_NZERO, S_NZERO, 0, S_NZERO, 0},
        {"x + -x = +0", RNE, S_ONE, S_MONE, 0, S_PZERO, 0},
        {"x + -x = -0 in RDN", RDN, S_ONE, S_MONE, 0, S_NZERO, 0},
        {"inf - inf invalid", RNE, S_PINF, S_NINF, 0, S_QNAN, NV},
        {"inf + 1", RNE, S_PINF, S_ONE, 0, S_PINF, 0},
        {"sNaN operand", RNE, S_SNAN, S_ONE, 0, S_QNAN, NV},
        {"qNaN payload not propagated", RNE, S_ONE, S_QNAN_P, 0, S_QNAN, 0},
        {"overflow RNE to inf", RNE, S_MAX, S_MAX, 0, S_PINF, OF | NX},
        {"overflow RTZ to max", RTZ, S_MAX, S_MAX, 0, S_MAX, OF | NX},
        {"overflow RDN to max", RDN, S_MAX, S_MAX, 0, S_MAX, OF | NX},
        {"overflow RUP to inf", RUP, S_MAX, S_MAX, 0, S_PINF, OF | NX},
        {"negative overflow RDN to -inf", RDN, 0xff7fffff, 0xff7fffff, 0, S_NINF, OF | NX},
        {"negative overflow RUP to -max", RUP, 0xff7fffff, 0xff7fffff, 0, 0xff7fffff, OF | NX},
        {"subnormals add exactly, no UF", RNE, S_MINSUB, S_MINSUB, 0, 0x00000002, 0},
        {"subnormal to normal", RNE, 0x007fffff, S_MINSUB, 0, S_MINN, 0},
    };
    CHECK(add_s, t);
}

Test(fpu_add, sub_and_double)
{
    static const struct case3 s[] = {
        {"1 - 1 = +0", RNE, S_ONE, S_ONE, 0, S_PZERO, 0},
        {"1 - 1 = -0 in RDN", RDN, S_ONE, S_ONE, 0, S_NZERO, 0},
        {"inf - inf", RNE, S_PINF, S_PINF, 0, S_QNAN, NV},
        {"-0 - +0 = -0", RNE, S_NZERO, S_PZERO, 0, S_NZERO, 0},
    };
    CHECK(sub_s, s);
    static const struct case3 d[] = {
        {"tie to even", RNE, D_ONE, D_ULP53, 0, D_ONE, NX},
        {"tie RMM", RMM, D_ONE, D_ULP53, 0, 0x3ff0000000000001, NX},
        {"tie RUP", RUP, D_ONE, D_ULP53, 0, 0x3ff0000000000001, NX},
        {"above tie rounds up", RNE, D_ONE, 0x3ca0000000000001, 0, 0x3ff0000000000001, NX},
        {"overflow", RNE, D_MAX, D_MAX, 0, D_PINF, OF | NX},
        {"overflow RTZ", RTZ, D_MAX, D_MAX, 0, D_MAX, OF | NX},
        {"sNaN", RNE, D_SNAN, D_ONE, 0, D_QNAN, NV},
        {"inf - inf", RNE, D_PINF, D_NINF, 0, D_QNAN, NV},
        {"x + -x = -0 in RDN", RDN, D_TWO, 0xc000000000000000, 0, D_NZERO, 0},
        {"subnormals exact", RNE, D_MINSUB, D_MINSUB, 0, 0x0000000000000002, 0},
    };
    CHECK(add_d, d);
    static const struct case3 ds[] = {
        {"3 - 1", RNE, D_THREE, D_ONE, 0, D_TWO, 0},
        {"-0 - +0", RNE, D_NZERO, D_PZERO, 0, D_NZERO, 0},
    };
    CHECK(sub_d, ds);
}

Test(fpu_mul, underflow_is_detected_after_rounding)
{
    static const struct case3 s[] = {
        {"exact subnormal result: no UF", RNE, S_MINN, S_HALF, 0, 0x00400000, 0},
        /* 2^-126 * (1 - 2^-24) = 2^-127 * 1.11..1 (24 bits): exact with an unbounded exponent,
         * so tiny; on the subnormal grid it is a tie that rounds (even) up to 2^-126. */
        {"tiny, rounds up to min normal: UF", RNE, S_MINN, S_1M, 0, S_MINN, UF | NX},
        {"tiny RTZ", RTZ, S_MINN, S_1M, 0, 0x007fffff, UF | NX},
        {"half min subnormal ties to 0", RNE, S_MINSUB, S_HALF, 0, S_PZERO, UF | NX},
        {"half min subnormal RUP", RUP, S_MINSUB, S_HALF, 0, S_MINSUB, UF | NX},
        {"half min subnormal RMM", RMM, S_MINSUB, S_HALF, 0, S_MINSUB, UF | NX},
        {"negative tiny RDN", RDN, S_MINSUB, 0xbf000000, 0, 0x80000001, UF | NX},
        {"inf * 0 invalid", RNE, S_PINF, S_NZERO, 0, S_QNAN, NV},
        {"sign of zero product", RNE, S_NZERO, S_ONE, 0, S_NZERO, 0},
        {"overflow RUP negative", RUP, 0xff7fffff, S_TWO, 0, 0xff7fffff, OF | NX},
        {"1.5 * 1.5", RNE, 0x3fc00000, 0x3fc00000, 0, 0x40100000, 0},
    };
    CHECK(mul_s, s);
    static const struct case3 d[] = {
        {"tiny, rounds up to min normal: UF", RNE, D_MINN, D_1M, 0, D_MINN, UF | NX},
        {"tiny RDN", RDN, D_MINN, D_1M, 0, 0x000fffffffffffff, UF | NX},
        {"exact subnormal", RNE, D_MINN, D_HALF, 0, 0x0008000000000000, 0},
        {"underflow to zero", RNE, D_MINSUB, D_HALF, 0, D_PZERO, UF | NX},
        {"1/3 rounding product", RNE, 0x3fd5555555555555, D_THREE, 0, D_ONE, NX},
        {"1/3 product RTZ", RTZ, 0x3fd5555555555555, D_THREE, 0, D_1M, NX},
        {"overflow", RNE, D_MAX, D_TWO, 0, D_PINF, OF | NX},
        {"qNaN", RNE, D_QNAN, D_ONE, 0, D_QNAN, 0},
    };
    CHECK(mul_d, d);
}

Test(fpu_div, division_and_square_root)
{
    static const struct case3 s[] = {
        {"1/0 divide by zero", RNE, S_ONE, S_PZERO, 0, S_PINF, DZ},
        {"-1/+0", RNE, S_MONE, S_PZERO, 0, S_NINF, DZ},
        {"0/0 invalid", RNE, S_PZERO, S_PZERO, 0, S_QNAN, NV},
        {"inf/inf invalid", RNE, S_PINF, S_NINF, 0, S_QNAN, NV},
        {"inf/0 is inf without DZ", RNE, S_PINF, S_PZERO, 0, S_PINF, 0},
        {"1/inf = 0", RNE, S_ONE, S_NINF, 0, S_NZERO, 0},
        {"1/3 RNE", RNE, S_ONE, 0x40400000, 0, 0x3eaaaaab, NX},
        {"1/3 RTZ", RTZ, S_ONE, 0x40400000, 0, 0x3eaaaaaa, NX},
        {"1/3 RDN", RDN, S_ONE, 0x40400000, 0, 0x3eaaaaaa, NX},
        {"1/3 RUP", RUP, S_ONE, 0x40400000, 0, 0x3eaaaaab, NX},
        {"exact", RNE, 0x40c00000, S_TWO, 0, 0x40400000, 0},
    };
    CHECK(div_s, s);
    static const struct case3 d[] = {
        {"1/3", RNE, D_ONE, D_THREE, 0, 0x3fd5555555555555, NX},
        {"1/3 RUP", RUP, D_ONE, D_THREE, 0, 0x3fd5555555555556, NX},
        {"-1/3 RDN", RDN, D_MONE, D_THREE, 0, 0xbfd5555555555556, NX},
        {"1/0", RNE, D_ONE, D_NZERO, 0, D_NINF, DZ},
        {"min normal / 2 exact", RNE, D_MINN, D_TWO, 0, 0x0008000000000000, 0},
        {"max / 0.5 overflows", RNE, D_MAX, D_HALF, 0, D_PINF, OF | NX},
    };
    CHECK(div_d, d);
    static const struct case3 rs[] = {
        {"sqrt(-0) = -0", RNE, S_NZERO, 0, 0, S_NZERO, 0},
        {"sqrt(-1) invalid", RNE, S_MONE, 0, 0, S_QNAN, NV},
        {"sqrt(-inf) invalid", RNE, S_NINF, 0, 0, S_QNAN, NV},
        {"sqrt(inf)", RNE, S_PINF, 0, 0, S_PINF, 0},
        {"sqrt(4) exact", RNE, 0x40800000, 0, 0, S_TWO, 0},
        {"sqrt(2) RNE", RNE, S_TWO, 0, 0, 0x3fb504f3, NX},
        {"sqrt(2) RUP", RUP, S_TWO, 0, 0, 0x3fb504f4, NX},
        {"sqrt(min subnormal) = 2^-74.5", RTZ, S_MINSUB, 0, 0, 0x1a3504f3, NX},
        {"sqrt(sNaN)", RNE, S_SNAN, 0, 0, S_QNAN, NV},
    };
    CHECK(sqrt_s, rs);
    static const struct case3 rd[] = {
        {"sqrt(2)", RNE, D_TWO, 0, 0, 0x3ff6a09e667f3bcd, NX},
        {"sqrt(2) RTZ", RTZ, D_TWO, 0, 0, 0x3ff6a09e667f3bcc, NX},
        {"sqrt(9)", RNE, 0x4022000000000000, 0, 0, D_THREE, 0},
        {"sqrt(2^-1072) exact", RNE, 0x0000000000000004, 0, 0, 0x1e70000000000000, 0},
        {"sqrt(-min subnormal)", RNE, 0x8000000000000001, 0, 0, D_QNAN, NV},
    };
    CHECK(sqrt_d, rd);
}

Test(fpu_fma, single_rounding_and_invalid_rules)
{
    static const struct case3 s[] = {
        /* (1+2^-12)^2 - 1 = 2^-11 + 2^-24 exactly: a separate multiply would lose the 2^-24. */
        {"one rounding", RNE, 0x3f800800, 0x3f800800, S_MONE, 0x3a000400, 0},
        {"inf*0 + qNaN is invalid", RNE, S_PINF, S_PZERO, S_QNAN, S_QNAN, NV},
        {"0*inf + 1 is invalid", RNE, S_PZERO, S_NINF, S_ONE, S_QNAN, NV},
        {"inf - inf invalid", RNE, S_PINF, S_ONE, S_NINF, S_QNAN, NV},
        {"qNaN addend, no NV", RNE, S_ONE, S_ONE, S_QNAN_P, S_QNAN, 0},
        {"sNaN addend", RNE, S_ONE, S_ONE, S_SNAN, S_QNAN, NV},
        {"exact cancellation +0", RNE, S_ONE, S_ONE, S_MONE, S_PZERO, 0},
        {"exact cancellation -0 in RDN", RDN, S_ONE, S_ONE, S_MONE, S_NZERO, 0},
        {"-0 * 1 + -0 = -0", RNE, S_NZERO, S_ONE, S_NZERO, S_NZERO, 0},
        {"+0 * 1 + -0 = +0", RNE, S_PZERO, S_ONE, S_NZERO, S_PZERO, 0},
        {"tiny addend sticks: RUP", RUP, S_ONE, S_ONE, S_MINSUB, 0x3f800001, NX},
        {"tiny addend RNE", RNE, S_ONE, S_ONE, S_MINSUB, S_ONE, NX},
        {"negative tiny addend RTZ", RTZ, S_ONE, S_ONE, 0x80000001, S_1M, NX},
        {"overflowing product, finite sum", RNE, S_MAX, S_TWO, 0xff7fffff, S_MAX, 0},
    };
    CHECK(madd_s, s);
    static const struct case3 ms[] = {{"2*3 - 1", RNE, S_TWO, 0x40400000, S_ONE, 0x40a00000, 0}};
    CHECK(msub_s, ms);
    static const struct case3 nms[] = {
        {"-(2*3) + 1", RNE, S_TWO, 0x40400000, S_ONE, 0xc0a00000, 0}};
    CHECK(nmsub_s, nms);
    static const struct case3 nma[] = {
        {"-(1*1) - 1", RNE, S_ONE, S_ONE, S_ONE, 0xc0000000, 0},
        {"-(inf*0) - qNaN still invalid", RNE, S_NINF, S_PZERO, S_QNAN, S_QNAN, NV},
    };
    CHECK(nmadd_s, nma);
    static const struct case3 d[] = {
        /* (1+2^-24)^2 - 1 = 2^-23 + 2^-48 */
        {"one rounding", RNE, 0x3ff0000010000000, 0x3ff0000010000000, D_MONE, 0x3e80000008000000,
         0},
        {"tiny exact sum, no UF", RNE, D_MINN, D_HALF, D_MINSUB, 0x0008000000000001, 0},
        {"tiny product + 0", RNE, D_MINSUB, D_HALF, D_PZERO, D_PZERO, UF | NX},
        {"cancellation to subnormal exact", RNE, D_MINN, D_ONE, 0x8000000000000001,
         0x000fffffffffffff, 0},
        {"inf*0 + qNaN", RNE, D_PZERO, D_PINF, D_QNAN, D_QNAN, NV},
        {"exact product, tiny addend lost", RNE, D_ONE, D_ONE, 0x3c30000000000000, D_ONE, NX},
        {"tiny addend RUP", RUP, D_ONE, D_ONE, D_MINSUB, 0x3ff0000000000001, NX},
    };
    CHECK(madd_d, d);
}

Test(fpu_minmax, ieee_2019_rules)
{
    static const struct case3 mn[] = {
        {"-0 < +0", RNE, S_PZERO, S_NZERO, 0, S_NZERO, 0},
        {"one qNaN -> other", RNE, S_QNAN, S_ONE, 0, S_ONE, 0},
        {"one sNaN -> other, NV", RNE, S_SNAN, S_ONE, 0, S_ONE, NV},
        {"both NaN -> canonical", RNE, S_QNAN_P, S_QNAN_P, 0, S_QNAN, 0},
        {"both NaN, one signalling", RNE, S_QNAN_P, S_SNAN, 0, S_QNAN, NV},
        {"negatives", RNE, S_MONE, 0xc0000000, 0, 0xc0000000, 0},
        {"-inf", RNE, S_NINF, S_MAX, 0, S_NINF, 0},
    };
    CHECK(min_s, mn);
    static const struct case3 mx[] = {
        {"+0 > -0", RNE, S_NZERO, S_PZERO, 0, S_PZERO, 0},
        {"sNaN", RNE, S_ONE, S_SNAN, 0, S_ONE, NV},
        {"subnormal vs zero", RNE, S_MINSUB, S_PZERO, 0, S_MINSUB, 0},
    };
    CHECK(max_s, mx);
    static const struct case3 mnd[] = {
        {"-0 < +0", RNE, D_NZERO, D_PZERO, 0, D_NZERO, 0},
        {"qNaN", RNE, D_ONE, D_QNAN, 0, D_ONE, 0},
        {"both NaN", RNE, D_SNAN, D_QNAN, 0, D_QNAN, NV},
    };
    CHECK(min_d, mnd);
    static const struct case3 mxd[] = {{"ordering", RNE, D_MONE, D_TWO, 0, D_TWO, 0}};
    CHECK(max_d, mxd);
}

Test(fpu_compare, quiet_and_signalling)
{
    static const struct case3 eq[] = {
        {"-0 == +0", RNE, S_NZERO, S_PZERO, 0, 1, 0},
        {"qNaN quiet", RNE, S_QNAN, S_ONE, 0, 0, 0},
        {"sNaN signals", RNE, S_ONE, S_SNAN, 0, 0, NV},
        {"NaN != NaN", RNE, S_QNAN, S_QNAN, 0, 0, 0},
        {"equal", RNE, S_ONE, S_ONE, 0, 1, 0},
    };
    CHECK(eq_s, eq);
    static const struct case3 lt[] = {
        {"qNaN signals", RNE, S_QNAN, S_ONE, 0, 0, NV},
        {"-0 < +0 is false", RNE, S_NZERO, S_PZERO, 0, 0, 0},
        {"-1 < 1", RNE, S_MONE, S_ONE, 0, 1, 0},
        {"-2 < -1", RNE, 0xc0000000, S_MONE, 0, 1, 0},
        {"-1 < -2 false", RNE, S_MONE, 0xc0000000, 0, 0, 0},
        {"-inf < -max", RNE, S_NINF, 0xff7fffff, 0, 1, 0},
    };
    CHECK(lt_s, lt);
    static const struct case3 le[] = {
        {"-0 <= +0", RNE, S_PZERO, S_NZERO, 0, 1, 0},
        {"qNaN signals", RNE, S_ONE, S_QNAN, 0, 0, NV},
        {"2 <= 1 false", RNE, S_TWO, S_ONE, 0, 0, 0},
    };
    CHECK(le_s, le);
    static const struct case3 eqd[] = {{"sNaN", RNE, D_SNAN, D_SNAN, 0, 0, NV},
                                       {"-0 == +0", RNE, D_NZERO, D_PZERO, 0, 1, 0}};
    CHECK(eq_d, eqd);
    static const struct case3 ltd[] = {{"qNaN", RNE, D_ONE, D_QNAN, 0, 0, NV},
                                       {"min subnormal > 0", RNE, D_PZERO, D_MINSUB, 0, 1, 0}};
    CHECK(lt_d, ltd);
    static const struct case3 led[] = {{"-inf <= -inf", RNE, D_NINF, D_NINF, 0, 1, 0}};
    CHECK(le_d, led);
}

Test(fpu_class, one_bit_per_class)
{
    const struct {
        uint32_t s;
        uint64_t d;
        uint32_t mask;
    } t[] = {
        {S_NINF, D_NINF, 1u << 0},
        {S_MONE, D_MONE, 1u << 1},
        {0x807fffff, 0x800fffffffffffff, 1u << 2},
        {S_NZERO, D_NZERO, 1u << 3},
        {S_PZERO, D_PZERO, 1u << 4},
        {S_MINSUB, D_MINSUB, 1u << 5},
        {S_MAX, D_MAX, 1u << 6},
        {S_PINF, D_PINF, 1u << 7},
        {0xff800001, 0xfff0000000000001, 1u << 8},
        {S_QNAN_P, D_QNAN, 1u << 9},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        cr_expect_eq(fpu_class_s(t[i].s), t[i].mask, "fclass.s %#x", t[i].s);
        cr_expect_eq(fpu_class_d(t[i].d), t[i].mask, "fclass.d %#llx", (unsigned long long)t[i].d);
    }
}

Test(fpu_cvt, float_to_int_rounding_and_saturation)
{
    static const struct case3 w[] = {
        {"2.5 RNE", RNE, 0x40200000, 0, 0, 2, NX},
        {"2.5 RMM", RMM, 0x40200000, 0, 0, 3, NX},
        {"2.5 RUP", RUP, 0x40200000, 0, 0, 3, NX},
        {"2.5 RDN", RDN, 0x40200000, 0, 0, 2, NX},
        {"-2.5 RNE", RNE, 0xc0200000, 0, 0, W(-2), NX},
        {"-2.5 RMM", RMM, 0xc0200000, 0, 0, W(-3), NX},
        {"-2.5 RDN", RDN, 0xc0200000, 0, 0, W(-3), NX},
        {"-2.5 RTZ", RTZ, 0xc0200000, 0, 0, W(-2), NX},
        {"3.5 RNE to even 4", RNE, 0x40600000, 0, 0, 4, NX},
        {"0.5 RNE to 0", RNE, S_HALF, 0, 0, 0, NX},
        {"-0", RNE, S_NZERO, 0, 0, 0, 0},
        {"2^31 saturates", RNE, 0x4f000000, 0, 0, 0x7fffffff, NV},
        {"-2^31 exact", RNE, 0xcf000000, 0, 0, 0x80000000, 0},
        {"-2^31 - 256 saturates", RNE, 0xcf000001, 0, 0, 0x80000000, NV},
        {"NaN -> max", RNE, S_QNAN_P, 0, 0, 0x7fffffff, NV},
        {"-inf -> min", RNE, S_NINF, 0, 0, 0x80000000, NV},
        {"+inf -> max", RNE, S_PINF, 0, 0, 0x7fffffff, NV},
        {"tiny RUP", RUP, S_MINSUB, 0, 0, 1, NX},
        {"tiny negative RDN", RDN, 0x80000001, 0, 0, W(-1), NX},
    };
    CHECK(cvt_w_s, w);
    static const struct case3 wu[] = {
        {"-1 out of range", RNE, S_MONE, 0, 0, 0, NV},
        {"-0.5 RTZ rounds to 0: in range", RTZ, 0xbf000000, 0, 0, 0, NX},
        {"-0.5 RNE rounds to 0: in range", RNE, 0xbf000000, 0, 0, 0, NX},
        {"-0.5 RDN rounds to -1: invalid", RDN, 0xbf000000, 0, 0, 0, NV},
        {"NaN -> all ones", RNE, S_QNAN, 0, 0, 0xffffffff, NV},
        {"2^32 saturates", RNE, 0x4f800000, 0, 0, 0xffffffff, NV},
        {"2^32 - 256 fits", RNE, 0x4f7fffff, 0, 0, 0xffffff00, 0},
        {"-inf -> 0", RNE, S_NINF, 0, 0, 0, NV},
    };
    CHECK(cvt_wu_s, wu);
    static const struct case3 ls[] = {
        {"2^63 saturates", RNE, 0x5f000000, 0, 0, 0x7fffffffffffffff, NV},
        {"-2^63 exact", RNE, 0xdf000000, 0, 0, 0x8000000000000000, 0},
        {"NaN", RNE, S_SNAN, 0, 0, 0x7fffffffffffffff, NV},
    };
    CHECK(cvt_l_s, ls);
    static const struct case3 lud[] = {
        {"2^64 saturates", RNE, 0x43f0000000000000, 0, 0, UINT64_MAX, NV},
        {"2^64 - 2048 fits", RNE, 0x43efffffffffffff, 0, 0, 0xfffffffffffff800, 0},
        {"-0.25 RUP -> 0", RUP, 0xbfd0000000000000, 0, 0, 0, NX},
        {"NaN", RNE, D_QNAN, 0, 0, UINT64_MAX, NV},
        {"1.5 RMM", RMM, 0x3ff8000000000000, 0, 0, 2, NX},
    };
    CHECK(cvt_lu_d, lud);
    static const struct case3 ld[] = {
        {"-2^63 exact", RNE, 0xc3e0000000000000, 0, 0, 0x8000000000000000, 0},
        {"2^63 saturates", RNE, 0x43e0000000000000, 0, 0, 0x7fffffffffffffff, NV},
        {"-inf", RNE, D_NINF, 0, 0, 0x8000000000000000, NV},
        {"2^53 + 1 is not a double; 2^53 exact", RNE, 0x4340000000000000, 0, 0, 0x20000000000000,
         0},
    };
    CHECK(cvt_l_d, ld);
    static const struct case3 wd[] = {
        {"2^31 - 0.5 RNE rounds to even 2^31: invalid", RNE, 0x41dfffffffe00000, 0, 0, 0x7fffffff,
         NV},
        {"2^31 - 0.5 RTZ fits", RTZ, 0x41dfffffffe00000, 0, 0, 0x7fffffff, NX},
        {"-2^31 - 0.5 RNE rounds to -2^31", RNE, 0xc1e0000000100000, 0, 0, 0x80000000, NX},
        {"-2^31 - 0.5 RMM out of range", RMM, 0xc1e0000000100000, 0, 0, 0x80000000, NV},
    };
    CHECK(cvt_w_d, wd);
}

Test(fpu_cvt, int_to_float_and_between_formats)
{
    static const struct case3 sw[] = {
        {"2^24 + 1 ties to even", RNE, 0x01000001, 0, 0, 0x4b800000, NX},
        {"2^24 + 1 RUP", RUP, 0x01000001, 0, 0, 0x4b800001, NX},
        {"2^24 + 3 ties to even up", RNE, 0x01000003, 0, 0, 0x4b800002, NX},
        {"-1", RNE, W(-1), 0, 0, S_MONE, 0},
        {"INT32_MIN exact", RNE, 0x80000000, 0, 0, 0xcf000000, 0},
        {"0 is +0", RDN, 0, 0, 0, S_PZERO, 0},
    };
    CHECK(cvt_s_w, sw);
    static const struct case3 slu[] = {
        {"2^64-1 RNE -> 2^64", RNE, UINT64_MAX, 0, 0, 0x5f800000, NX},
        {"2^64-1 RTZ", RTZ, UINT64_MAX, 0, 0, 0x5f7fffff, NX},
    };
    CHECK(cvt_s_lu, slu);
    static const struct case3 dl[] = {
        {"INT64_MIN exact", RNE, 0x8000000000000000, 0, 0, 0xc3e0000000000000, 0},
        {"2^53 + 1 ties to even", RNE, 0x20000000000001, 0, 0, 0x4340000000000000, NX},
        {"-(2^53 + 1) RDN", RDN, (uint64_t)-0x20000000000001ll, 0, 0, 0xc340000000000001, NX},
    };
    CHECK(cvt_d_l, dl);
    static const struct case3 dlu[] = {
        {"2^64-1", RNE, UINT64_MAX, 0, 0, 0x43f0000000000000, NX},
        {"2^64-1 RTZ", RTZ, UINT64_MAX, 0, 0, 0x43efffffffffffff, NX},
    };
    CHECK(cvt_d_lu, dlu);
    static const struct case3 sd[] = {
        {"sNaN -> canonical, NV", RNE, D_SNAN, 0, 0, S_QNAN, NV},
        {"qNaN payload dropped", RNE, 0xfff8000000000123, 0, 0, S_QNAN, 0},
        {"1e300 overflows", RNE, 0x7e37e43c8800759c, 0, 0, S_PINF, OF | NX},
        {"1e300 RTZ -> max", RTZ, 0x7e37e43c8800759c, 0, 0, S_MAX, OF | NX},
        {"-0", RNE, D_NZERO, 0, 0, S_NZERO, 0},
        {"-inf", RNE, D_NINF, 0, 0, S_NINF, 0},
        /* 2^-126 * (1 - 2^-25): rounds up to 2^-126 with unbounded exponent, so not tiny */
        {"not tiny after rounding: NX only", RNE, 0x380ffffff0000000, 0, 0, S_MINN, NX},
        {"tiny after rounding in RTZ", RTZ, 0x380ffffff0000000, 0, 0, 0x007fffff, UF | NX},
        {"exact subnormal", RNE, 0x36a0000000000000, 0, 0, S_MINSUB, 0},
        {"half min subnormal ties to 0", RNE, 0x3690000000000000, 0, 0, S_PZERO, UF | NX},
        {"1/3", RNE, 0x3fd5555555555555, 0, 0, 0x3eaaaaab, NX},
    };
    CHECK(cvt_s_d, sd);
    static const struct case3 ds[] = {
        {"sNaN", RNE, S_SNAN, 0, 0, D_QNAN, NV},
        {"min subnormal exact", RNE, S_MINSUB, 0, 0, 0x36a0000000000000, 0},
        {"max", RNE, S_MAX, 0, 0, 0x47efffffe0000000, 0},
        {"-inf", RNE, S_NINF, 0, 0, D_NINF, 0},
    };
    CHECK(cvt_d_s, ds);
}

Test(fpu_flags, accumulate_never_clear)
{
    uint32_t fl = FPU_DZ;
    (void)fpu_add_d(D_ONE, D_ONE, RNE, &fl);
    cr_expect_eq(fl, FPU_DZ, "an exact add must leave earlier flags alone");
    (void)fpu_div_s(S_ONE, 0x40400000, RNE, &fl);
    cr_expect_eq(fl, FPU_DZ | FPU_NX);
}

Test(fpu_rm, out_of_range_mode_rounds_like_rne)
{
    /* The core rejects rm 5..7 itself; the unit must still not misbehave if handed one. */
    for (unsigned rm = 5; rm < 8; rm++) {
        uint32_t fl = 0;
        cr_expect_eq(fpu_add_s(S_ONE, S_ULP24, rm, &fl), S_ONE);
        cr_expect_eq(fpu_add_d(D_MAX, D_MAX, rm, &fl), D_PINF);
        cr_expect_eq(fpu_cvt_w_s(0x40200000, rm, &fl), 2);
        cr_expect_eq(fl, NX | OF, "rm=%u flags %#x", rm, fl);
    }
}

#if defined(__SSE2__)
#include <xmmintrin.h>

/* The fast paths use host arithmetic; a host environment that is not the C default (directed
 * rounding, flush-to-zero, denormals-are-zero) must not leak into RISC-V results. */
Test(fpu_host, unusual_host_environment_is_not_used)
{
    const unsigned modes[] = {0x1f80 | 0x6000 /* RTZ */, 0x1f80 | 0x4000 /* RUP */,
                              0x1f80 | 0x8040 /* FTZ + DAZ */};
    unsigned saved = _mm_getcsr();
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        uint32_t fl = 0;
        _mm_setcsr(modes[i]);
        uint64_t tie = fpu_add_d(D_ONE, D_ULP53, RNE, &fl);
        uint64_t sub = fpu_add_d(D_ONE, D_MINSUB, RNE, &fl);
        uint64_t tiny = fpu_mul_d(D_MINN, D_HALF, RNE, &fl);
        uint32_t prod = fpu_mul_s(S_ONE | 0x1, 0x3f800001, RNE, &fl);
        _mm_setcsr(saved);
        cr_expect_eq(tie, D_ONE, "MXCSR %#x: tie must round to even", modes[i]);
        cr_expect_eq(sub, D_ONE, "MXCSR %#x", modes[i]);
        cr_expect_eq(tiny, 0x0008000000000000ull, "MXCSR %#x: subnormal result kept", modes[i]);
        cr_expect_eq(prod, 0x3f800002u, "MXCSR %#x", modes[i]);
        cr_expect_eq(fl, NX, "MXCSR %#x: flags %#x", modes[i], fl);
    }
}
#endif
