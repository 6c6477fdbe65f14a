/* Latency samples (stats.h). */
#include "stats.h"

#include <stdlib.h>

int latency_init(struct latency *l, uint64_t capacity)
{
    l->count = l->sum = 0;
    l->capacity = capacity;
    l->sample = capacity ? malloc(capacity * sizeof(uint64_t)) : NULL;
    return capacity && !l->sample ? -1 : 0;
}

void latency_add(struct latency *l, uint64_t cycles)
{
    if (l->count < l->capacity)
        l->sample[l->count] = cycles;
    l->count++;
    l->sum += cycles;
}

uint64_t latency_mean(const struct latency *l)
{
    return l->count ? l->sum / l->count : 0;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

uint64_t latency_p99(struct latency *l)
{
    uint64_t n = l->count < l->capacity ? l->count : l->capacity;
    if (n == 0)
        return 0;
    qsort(l->sample, n, sizeof(uint64_t), compare_u64);
    uint64_t rank = (99 * n + 99) / 100; /* ceil(0.99 n), 1-based */
    return l->sample[rank - 1];
}

void latency_free(struct latency *l)
{
    free(l->sample);
    l->sample = NULL;
}
