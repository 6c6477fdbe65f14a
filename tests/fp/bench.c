/* Rough cost of sim/fpu/ per operation: the RNE fast path on ordinary operands, and the software
 * path (RTZ, or RNE with subnormal results). Numbers are ns per call on this host, for docs/fpu.md;
 * nothing is asserted. */
#define _POSIX_C_SOURCE 199309L
#include "fpu/fpu.h"

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define N     4096
#define ROUND 2000

static uint64_t dv[N], sub_dv[N];
static uint32_t sv[N];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng(void)
{
    static uint64_t s = 88172645463325252ull;
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

static volatile uint64_t sink;

#define BENCH_D2(label, fn, rm, arr)                                                               \
    do {                                                                                           \
        uint32_t fl = 0;                                                                           \
        uint64_t acc = 0;                                                                          \
        double t0 = now();                                                                         \
        for (int r = 0; r < ROUND; r++)                                                            \
            for (int i = 0; i < N - 1; i++)                                                        \
                acc += fn(arr[i], arr[i + 1], rm, &fl);                                            \
        double t = now() - t0;                                                                     \
        sink = acc + fl;                                                                           \
        printf("%-28s %6.2f ns\n", label, t * 1e9 / ((double)ROUND * (N - 1)));                    \
    } while (0)

#define BENCH_D3(label, fn, rm)                                                                    \
    do {                                                                                           \
        uint32_t fl = 0;                                                                           \
        uint64_t acc = 0;                                                                          \
        double t0 = now();                                                                         \
        for (int r = 0; r < ROUND; r++)                                                            \
            for (int i = 0; i < N - 2; i++)                                                        \
                acc += fn(dv[i], dv[i + 1], dv[i + 2], rm, &fl);                                   \
        double t = now() - t0;                                                                     \
        sink = acc + fl;                                                                           \
        printf("%-28s %6.2f ns\n", label, t * 1e9 / ((double)ROUND * (N - 2)));                    \
    } while (0)

static uint64_t sqrt_d2(uint64_t a, uint64_t b, unsigned rm, uint32_t *fl)
{
    (void)b;
    return fpu_sqrt_d(a, rm, fl);
}

int main(void)
{
    for (int i = 0; i < N; i++) {
        /* ordinary doubles in [2^-20, 2^20), both signs; subnormal-range ones for the slow path */
        dv[i] = ((uint64_t)(1023 - 20 + rng() % 40) << 52) | (rng() >> 12);
        sub_dv[i] = rng() >> 12;
        sv[i] = (uint32_t)(((127 - 20 + rng() % 40) << 23) | (rng() >> 41));
    }
    BENCH_D2("fadd.d RNE (fast)", fpu_add_d, FPU_RNE, dv);
    BENCH_D2("fadd.d RTZ (soft)", fpu_add_d, FPU_RTZ, dv);
    BENCH_D2("fadd.d RNE subnormal (soft)", fpu_add_d, FPU_RNE, sub_dv);
    BENCH_D2("fmul.d RNE (fast)", fpu_mul_d, FPU_RNE, dv);
    BENCH_D2("fmul.d RTZ (soft)", fpu_mul_d, FPU_RTZ, dv);
    BENCH_D2("fdiv.d RNE (fast)", fpu_div_d, FPU_RNE, dv);
    BENCH_D2("fdiv.d RTZ (soft)", fpu_div_d, FPU_RTZ, dv);
    BENCH_D2("fsqrt.d RNE (fast)", sqrt_d2, FPU_RNE, dv);
    BENCH_D2("fsqrt.d RTZ (soft)", sqrt_d2, FPU_RTZ, dv);
    BENCH_D3("fmadd.d RNE (fast if FMA3)", fpu_madd_d, FPU_RNE);
    BENCH_D2("fadd.s RNE (fast)", fpu_add_s, FPU_RNE, sv);
    BENCH_D2("fmul.s RNE (fast)", fpu_mul_s, FPU_RNE, sv);
    BENCH_D2("fmul.s RTZ (soft)", fpu_mul_s, FPU_RTZ, sv);
    return 0;
}
