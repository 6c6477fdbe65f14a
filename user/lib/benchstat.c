/* Summaries of benchmark samples (benchstat.h). */
#include <stdio.h>
#include <xpc/benchstat.h>

/* Integer square root: no FP in the integer-only programs. */
static uint64_t isqrt(uint64_t x)
{
    uint64_t r = 0, b = 1ULL << 62;
    while (b > x)
        b >>= 2;
    while (b) {
        if (x >= r + b) {
            x -= r + b;
            r = (r >> 1) + b;
        } else {
            r >>= 1;
        }
        b >>= 2;
    }
    return r;
}

struct stats summarize(const uint64_t *v, int n)
{
    uint64_t sum = 0, sq = 0;
    for (int i = 0; i < n; i++)
        sum += v[i];
    uint64_t mean = sum / n;
    for (int i = 0; i < n; i++) {
        int64_t d = (int64_t)(v[i] - mean);
        sq += (uint64_t)(d * d);
    }
    return (struct stats){mean, isqrt(sq / n)};
}

void result(const char *exp, const char *series, uint64_t x, struct stats s)
{
    printf("RESULT %s %s %lu %lu %lu\n", exp, series, (unsigned long)x, (unsigned long)s.mean,
           (unsigned long)s.stddev);
}
