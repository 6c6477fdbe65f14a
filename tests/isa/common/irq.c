#include "irq.h"

volatile uint64_t irq_log[IRQ_LOG_MAX];
volatile unsigned irq_count;
volatile uint64_t irq_epc[IRQ_LOG_MAX];

void irq_log_reset(void)
{
    irq_count = 0;
}

static void log_irq(uint64_t irq, uint64_t epc)
{
    if (irq_count < IRQ_LOG_MAX) {
        irq_log[irq_count] = irq;
        irq_epc[irq_count] = epc;
    }
    irq_count++;
}

void irq_quiet(uint64_t irq)
{
    log_irq(irq, csr_read(mepc));
    switch (irq) {
    case IRQ_M_SOFT: *CLINT_MSIP = 0; break;
    case IRQ_M_TIMER: quiet_mtip(); break;
    /* From M the S-level pending bits are plain writable bits. */
    case IRQ_S_SOFT: csr_clear(mip, 1ULL << IRQ_S_SOFT); break;
    case IRQ_S_TIMER: csr_clear(mip, 1ULL << IRQ_S_TIMER); break;
    default: test_abort("interrupt from an unexpected source");
    }
}

void irq_quiet_s(uint64_t irq)
{
    log_irq(irq, csr_read(sepc));
    switch (irq) {
    case IRQ_S_SOFT: csr_clear(sip, 1ULL << IRQ_S_SOFT); break;
    /* sip.STIP is read-only to S (M owns the timer): mask it instead; M clears it later. */
    case IRQ_S_TIMER: csr_clear(sie, 1ULL << IRQ_S_TIMER); break;
    default: test_abort("interrupt from an unexpected source");
    }
}

void check_irq_log(const char *what, const uint64_t *expected, unsigned n)
{
    print_str(what);
    print_str(": taken");
    for (unsigned i = 0; i < irq_count && i < IRQ_LOG_MAX; i++) {
        print_char(' ');
        print_dec(irq_log[i]);
    }
    print_char('\n');
    int ok = irq_count == n;
    for (unsigned i = 0; ok && i < n; i++)
        ok = irq_log[i] == expected[i];
    if (!ok) {
        print_str("  MISMATCH: expected");
        for (unsigned i = 0; i < n; i++) {
            print_char(' ');
            print_dec(expected[i]);
        }
        print_char('\n');
        check_failures++;
    }
}
