/* WFI: it resumes once an enabled interrupt is pending even with mstatus.MIE = 0 (and takes no
 * trap then); mstatus.TW = 1 makes it illegal below M; in U it is illegal whenever S exists
 * (QEMU traps at once; the spec allows a bounded wait before the trap). */
#include <stddef.h>
#include "irq.h"

#define BIT(n) (1ULL << (n))

static void wfi_until_mtip(void)
{
    /* WFI may return early (it is a hint): loop on the condition */
    while (!(csr_read(mip) & BIT(IRQ_M_TIMER)))
        asm volatile("wfi");
}

int main(void)
{
    irq_hook_m = irq_quiet;
    irq_log_reset();

    csr_write(mie, BIT(IRQ_M_TIMER));
    *CLINT_MTIMECMP = *CLINT_MTIME + 20000; /* 2 ms */
    trap_arm();
    wfi_until_mtip();
    check_no_trap("wfi in M with MIE=0 wakes on MTIP without a trap");
    check_irq_log("  interrupts taken", NULL, 0);
    quiet_mtip();

    /* the idle loop of a kernel: WFI in S, woken by the timer, whose interrupt is then taken */
    irq_log_reset();
    csr_write(mie, BIT(IRQ_M_TIMER));
    *CLINT_MTIMECMP = *CLINT_MTIME + 20000;
    m_enter(PRIV_S);
    while (irq_count == 0)
        asm volatile("wfi");
    raise_priv();
    static const uint64_t mti[] = {IRQ_M_TIMER};
    check_irq_log("wfi in S until the timer: interrupt taken", mti, 1);

    /* already pending: wfi completes */
    csr_write(mie, BIT(IRQ_M_SOFT));
    raise_msip();
    trap_arm();
    asm volatile("wfi");
    check_no_trap("wfi in M with MSI already pending");
    *CLINT_MSIP = 0;

    /* TW in M has no effect */
    csr_set(mstatus, MSTATUS_TW);
    raise_msip();
    trap_arm();
    asm volatile("wfi");
    check_no_trap("wfi in M with TW=1");
    *CLINT_MSIP = 0;

    /* S: a delegated, enabled but masked (SIE=0) SSI wakes it */
    csr_write(mideleg, BIT(IRQ_S_SOFT));
    csr_write(mie, BIT(IRQ_S_SOFT));
    csr_set(mip, BIT(IRQ_S_SOFT));
    csr_clear(mstatus, MSTATUS_TW);
    m_enter(PRIV_S);
    trap_arm();
    asm volatile("wfi");
    check_no_trap("wfi in S with TW=0 and SSI pending");
    raise_priv();

    csr_set(mstatus, MSTATUS_TW);
    m_enter(PRIV_S);
    trap_arm();
    asm volatile("wfi");
    raise_priv();
    check_illegal("wfi in S with TW=1", &trap_m);

    /* (a pending delegated SSI would be taken at once in U) */
    csr_clear(mip, BIT(IRQ_S_SOFT));
    csr_clear(mstatus, MSTATUS_TW);
    m_enter(PRIV_U);
    trap_arm();
    asm volatile("wfi");
    raise_priv();
    check_illegal("wfi in U with TW=0", &trap_m);
    csr_write(mie, 0);
    return 0;
}
