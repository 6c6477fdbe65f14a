/* The workloads of the speed benchmark. The same source runs as a bare-metal guest (on xpcsim
 * and QEMU) and natively on the host, so the three can be compared on equal work. */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

#include <stdint.h>

/* CPU-bound integer work: a sieve, CRC-32, an insertion sort and integer matrix products. */
uint64_t workload_int(unsigned scale);
/* Memory-bound work: a pointer chase through a large shuffled ring, and block copies. */
uint64_t workload_mem(unsigned scale);

/* Floating-point work (doubles): matrix products and an n-body step with square roots. */
uint64_t workload_fp(unsigned scale);

#endif
