/* Latency samples per operation type: mean and 99th percentile (nearest rank), in cycles. */
#ifndef YCSB_STATS_H
#define YCSB_STATS_H

#include <stdint.h>

struct latency {
    uint64_t *sample;
    uint64_t count, capacity, sum;
};

/* Room for `capacity` samples; 0 on success, -1 without memory. */
int latency_init(struct latency *l, uint64_t capacity);
void latency_add(struct latency *l, uint64_t cycles);
uint64_t latency_mean(const struct latency *l);
/* The smallest sample that at least 99% of the samples do not exceed (sorts the samples). */
uint64_t latency_p99(struct latency *l);
void latency_free(struct latency *l);

#endif
