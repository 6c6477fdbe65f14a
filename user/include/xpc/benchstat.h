/* What the benchmarks share: the cycle counter, and samples summarised the sel4bench way (mean
 * and standard deviation) and printed as the experiments' machine-readable RESULT lines. */
#ifndef XPC_BENCHSTAT_H
#define XPC_BENCHSTAT_H

#include <stdint.h>

static inline uint64_t rdcycle(void)
{
    uint64_t c;
    __asm__ volatile("rdcycle %0" : "=r"(c));
    return c;
}

struct stats {
    uint64_t mean, stddev;
};

struct stats summarize(const uint64_t *v, int n);
/* RESULT <exp> <series> <x> <mean> <stddev> (docs/experiments.md) */
void result(const char *exp, const char *series, uint64_t x, struct stats s);

#endif
