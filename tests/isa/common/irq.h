/* Helpers for the interrupt tests: raising and quieting each source of the machine. */
#ifndef ISA_IRQ_H
#define ISA_IRQ_H

#include "test.h"

/* Records each interrupt taken, in order, and quiets its source so the handler can return. */
#define IRQ_LOG_MAX 16
extern volatile uint64_t irq_log[IRQ_LOG_MAX];
extern volatile unsigned irq_count;
extern volatile uint64_t irq_epc[IRQ_LOG_MAX]; /* where each interrupt came in (mepc/sepc) */
void irq_log_reset(void);
void irq_quiet(uint64_t irq);   /* the M hook: log and quiet */
void irq_quiet_s(uint64_t irq); /* the S hook: log and quiet (or mask) */
void check_irq_log(const char *what, const uint64_t *expected, unsigned n);

static inline void raise_msip(void)
{
    *CLINT_MSIP = 1;
}

/* mtimecmp <= mtime makes MTIP pending at once; never compare against a time value itself. */
static inline void raise_mtip(void)
{
    *CLINT_MTIMECMP = 0;
}

/* "Never": ~2^50 ticks (3.5 years) ahead. Not all ones: QEMU 7.2 converts the distance to ns
 * with a 64-bit overflow and then fires a spurious timer interrupt. */
static inline void quiet_mtip(void)
{
    *CLINT_MTIMECMP = *CLINT_MTIME + (1ULL << 50);
}

#endif
