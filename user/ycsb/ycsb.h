/* The YCSB driver's parts that know about the platform: the cycle counter (the modeled cycle
 * CSR in the guest, a monotonic clock in nanoseconds on the host) and, in the guest only, the
 * server-kill test. */
#ifndef YCSB_H
#define YCSB_H

#include <stdint.h>

#ifdef __riscv
static inline uint64_t ycsb_cycles(void)
{
    uint64_t c;
    __asm__ volatile("rdcycle %0" : "=r"(c));
    return c;
}
#else
#include <time.h>
static inline uint64_t ycsb_cycles(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}
#endif

/* The server-kill test (killtest.c, guest only): returns the process's exit status. */
int ycsb_server_kill_test(const char *transport, uint64_t records, uint64_t seed);

#endif
