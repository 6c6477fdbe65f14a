/* A second, independent oracle for sim/fpu/: the host's own IEEE hardware through <fenv.h>.
 *
 * x86-64 SSE implements binary32/64 with the same choices as RISC-V where it matters here
 * (tininess detected after rounding, NX/UF/OF/DZ/NV with the same meaning), so for every
 * operation on non-NaN operands in the four rounding modes the host has (not RMM), the
 * result bits and flags must agree. Millions of seeded random operands reach corners the QEMU grid
 * cannot afford. NaN operands and float->int conversions are left to the QEMU comparison: there
 * x86 differs from RISC-V by design (payload propagation, "integer indefinite").
 *
 * Ends with "N passed, N failed"; with -o FILE also writes "N F" to FILE for run.sh. */
#include "fpu/fpu.h"

#include <fenv.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GCC ignores "#pragma STDC FENV_ACCESS"; -frounding-math (Makefile) is its equivalent. */

#if !defined(__x86_64__)
int main(void)
{
    puts("hostcheck: only meaningful on x86-64 (tininess after rounding); skipped");
    puts("0 passed, 0 failed");
    return 0;
}
#else

static const int host_modes[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Non-NaN values biased to the edges: tiny, huge, near 1, short or all-ones significands. */
static uint64_t random_float(unsigned mant_bits, unsigned exp_bits)
{
    uint64_t emax = (1ull << exp_bits) - 1, bias = emax >> 1;
    uint64_t e, m = rng() & ((1ull << mant_bits) - 1);
    uint64_t r = rng();
    switch (r & 7) {
    case 0: e = rng() % emax; break;
    case 1: e = rng() % 3; break;
    case 2: e = emax - 1 - rng() % 3; break;
    case 3: e = bias - mant_bits - 3 + rng() % 8; break;
    default: e = bias - 4 + rng() % 8; break;
    }
    switch ((r >> 3) & 3) {
    case 0: m &= ~0ull << (mant_bits - rng() % 8); break;
    case 1: m |= (1ull << (mant_bits - rng() % 4)) - 1; break;
    default: break;
    }
    if ((r >> 5) % 64 == 0)
        e = emax, m = 0; /* infinity */
    return ((r >> 11) & 1) << (mant_bits + exp_bits) | e << mant_bits | m;
}

static uint32_t host_flags(void)
{
    int x = fetestexcept(FE_ALL_EXCEPT);
    return (x & FE_INEXACT ? FPU_NX : 0) | (x & FE_UNDERFLOW ? FPU_UF : 0) |
           (x & FE_OVERFLOW ? FPU_OF : 0) | (x & FE_DIVBYZERO ? FPU_DZ : 0) |
           (x & FE_INVALID ? FPU_NV : 0);
}

static double d_of(uint64_t b)
{
    double x;
    memcpy(&x, &b, 8);
    return x;
}

static uint64_t bits_d(double x)
{
    uint64_t b;
    memcpy(&b, &x, 8);
    return isnan(x) ? FPU_CANONICAL_NAN_D : b;
}

static float s_of(uint32_t b)
{
    float x;
    memcpy(&x, &b, 4);
    return x;
}

static uint64_t bits_s(float x)
{
    uint32_t b;
    memcpy(&b, &x, 4);
    return isnan(x) ? FPU_CANONICAL_NAN_S : b;
}

enum op {
    ADD_S,
    SUB_S,
    MUL_S,
    DIV_S,
    SQRT_S,
    FMA_S,
    ADD_D,
    SUB_D,
    MUL_D,
    DIV_D,
    SQRT_D,
    FMA_D,
    CVT_S_D,
    CVT_D_S,
    CVT_S_L,
    CVT_D_L,
    CVT_D_LU,
    OP_COUNT
};
static const char *const names[OP_COUNT] = {
    "fadd.s",   "fsub.s",   "fmul.s",   "fdiv.s",   "fsqrt.s",  "fmadd.s",
    "fadd.d",   "fsub.d",   "fmul.d",   "fdiv.d",   "fsqrt.d",  "fmadd.d",
    "fcvt.s.d", "fcvt.d.s", "fcvt.s.l", "fcvt.d.l", "fcvt.d.lu"};

/* volatile keeps the compiler from folding or hoisting host arithmetic across fesetround. */
static uint64_t host_run(enum op op, uint64_t a, uint64_t b, uint64_t c)
{
    volatile float fa = s_of((uint32_t)a), fb = s_of((uint32_t)b), fc = s_of((uint32_t)c);
    volatile double da = d_of(a), db = d_of(b), dc = d_of(c);
    volatile int64_t ia = (int64_t)a;
    volatile uint64_t ua = a;
    switch (op) {
    case ADD_S: return bits_s(fa + fb);
    case SUB_S: return bits_s(fa - fb);
    case MUL_S: return bits_s(fa * fb);
    case DIV_S: return bits_s(fa / fb);
    case SQRT_S: return bits_s(sqrtf(fa));
    case FMA_S: return bits_s(fmaf(fa, fb, fc));
    case ADD_D: return bits_d(da + db);
    case SUB_D: return bits_d(da - db);
    case MUL_D: return bits_d(da * db);
    case DIV_D: return bits_d(da / db);
    case SQRT_D: return bits_d(sqrt(da));
    case FMA_D: return bits_d(fma(da, db, dc));
    case CVT_S_D: return bits_s((float)da);
    case CVT_D_S: return bits_d((double)fa);
    case CVT_S_L: return bits_s((float)ia);
    case CVT_D_L: return bits_d((double)ia);
    case CVT_D_LU: return bits_d((double)ua);
    default: return 0;
    }
}

static uint64_t fpu_run(enum op op, uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *fl)
{
    uint32_t as = (uint32_t)a, bs = (uint32_t)b, cs = (uint32_t)c;
    switch (op) {
    case ADD_S: return fpu_add_s(as, bs, rm, fl);
    case SUB_S: return fpu_sub_s(as, bs, rm, fl);
    case MUL_S: return fpu_mul_s(as, bs, rm, fl);
    case DIV_S: return fpu_div_s(as, bs, rm, fl);
    case SQRT_S: return fpu_sqrt_s(as, rm, fl);
    case FMA_S: return fpu_madd_s(as, bs, cs, rm, fl);
    case ADD_D: return fpu_add_d(a, b, rm, fl);
    case SUB_D: return fpu_sub_d(a, b, rm, fl);
    case MUL_D: return fpu_mul_d(a, b, rm, fl);
    case DIV_D: return fpu_div_d(a, b, rm, fl);
    case SQRT_D: return fpu_sqrt_d(a, rm, fl);
    case FMA_D: return fpu_madd_d(a, b, c, rm, fl);
    case CVT_S_D: return fpu_cvt_s_d(a, rm, fl);
    case CVT_D_S: return fpu_cvt_d_s(as, rm, fl);
    case CVT_S_L: return fpu_cvt_s_l((int64_t)a, rm, fl);
    case CVT_D_L: return fpu_cvt_d_l((int64_t)a, rm, fl);
    case CVT_D_LU: return fpu_cvt_d_lu(a, rm, fl);
    default: return 0;
    }
}

/* A double near the edges of the single range, for fcvt.s.d: around 2^128 (overflow) and
 * 2^-126 .. 2^-150 (tininess, subnormal rounding). */
static uint64_t double_near_single_edges(void)
{
    uint64_t r = rng(), e, m = rng() >> 12;
    e = (r & 1) ? 1023 + 126 + rng() % 3 : 1023 - 151 + rng() % 27;
    switch ((r >> 1) & 3) {
    case 0: m &= ~0ull << (52 - 23 - rng() % 3); break; /* exactly representable or a tie */
    case 1: m |= (1ull << (52 - rng() % 30)) - 1; break;
    default: break;
    }
    return ((r >> 3) & 1) << 63 | e << 52 | m;
}

static uint64_t operand(enum op op)
{
    if (op == CVT_S_D && (rng() & 1))
        return double_near_single_edges();
    bool single = op <= FMA_S || op == CVT_D_S;
    if (op == CVT_S_L || op == CVT_D_L || op == CVT_D_LU) {
        uint64_t v = rng();
        return v >> (rng() % 64);
    }
    return single ? random_float(23, 8) : random_float(52, 11);
}

int main(int argc, char **argv)
{
    long samples = 200000;
    const char *count_file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            count_file = argv[++i];
        else if (!strcmp(argv[i], "-n") && i + 1 < argc)
            samples = strtol(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: %s [-n samples-per-op] [-o count-file]\n", argv[0]);
            return 2;
        }
    }
    unsigned long passed = 0, failed = 0, shown = 0;
    for (int op = 0; op < OP_COUNT; op++) {
        for (long n = 0; n < samples; n++) {
            uint64_t in[3];
            for (int i = 0; i < 3; i++)
                in[i] = operand((enum op)op);
            if ((op == FMA_S || op == FMA_D) && (n & 1)) {
                /* c close to -(a*b): deep cancellation, the fused-rounding hard case */
                uint32_t fl = 0;
                if (op == FMA_S)
                    in[2] =
                        fpu_mul_s((uint32_t)in[0], (uint32_t)in[1], rng() % 4, &fl) ^ 0x80000000u;
                else
                    in[2] = fpu_mul_d(in[0], in[1], rng() % 4, &fl) ^ (1ull << 63);
            }
            /* RISC-V raises NV for inf*0 + qNaN; x86 does not. The QEMU test covers NaNs. */
            if (op == FMA_S ? isnan(s_of((uint32_t)in[2])) : op == FMA_D && isnan(d_of(in[2])))
                continue;
            for (unsigned rm = 0; rm < 4; rm++) {
                fesetround(host_modes[rm]);
                feclearexcept(FE_ALL_EXCEPT);
                uint64_t want = host_run((enum op)op, in[0], in[1], in[2]);
                uint32_t want_fl = host_flags();
                fesetround(FE_TONEAREST); /* sim/fpu/'s fast paths require the default mode */
                uint32_t got_fl = 0;
                uint64_t got = fpu_run((enum op)op, in[0], in[1], in[2], rm, &got_fl);
                if (got == want && got_fl == want_fl) {
                    passed++;
                    continue;
                }
                failed++;
                if (shown++ < 20)
                    printf("hostcheck: %s rm=%u %016llx %016llx %016llx: got %016llx/%02x, host "
                           "%016llx/%02x\n",
                           names[op], rm, (unsigned long long)in[0], (unsigned long long)in[1],
                           (unsigned long long)in[2], (unsigned long long)got, got_fl,
                           (unsigned long long)want, want_fl);
            }
        }
    }
    printf("%lu passed, %lu failed\n", passed, failed);
    if (count_file) {
        FILE *f = fopen(count_file, "w");
        if (!f || fprintf(f, "%lu %lu\n", passed, failed) < 0 || fclose(f) != 0) {
            perror(count_file);
            return 2;
        }
    }
    return failed ? 1 : 0;
}
#endif
