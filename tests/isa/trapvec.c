/* mtvec and stvec in direct mode (every trap at BASE) and vectored mode (exceptions at BASE,
 * interrupt n at BASE + 4n), for M and for S with delegation. */
#include "irq.h"

extern char vector_table_m[], vector_table_s[];
extern volatile uint64_t vector_hit_m, vector_hit_s;

static void expect_slot(const char *what, volatile uint64_t *hit, uint64_t slot)
{
    check(what, *hit, slot);
    *hit = ~0ULL;
}

int main(void)
{
    irq_hook_m = irq_quiet;
    irq_hook_s = irq_quiet_s;
    csr_write(stvec, (uint64_t)trap_entry_s);

    /* Direct: an interrupt goes to BASE itself (the harness entry). */
    irq_log_reset();
    raise_msip();
    csr_write(mie, 1ULL << IRQ_M_SOFT);
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
    static const uint64_t msi[] = {IRQ_M_SOFT};
    check_irq_log("direct mtvec: software interrupt", msi, 1);

    /* Vectored M */
    csr_write(mtvec, (uint64_t)vector_table_m | 1);
    check("mtvec reads back vectored", csr_read(mtvec), (uint64_t)vector_table_m | 1);
    trap_arm();
    asm volatile("ebreak");
    check_trap("vectored mtvec: ebreak", &trap_m, CAUSE_BREAKPOINT, trap_m.tval);
    expect_slot("  slot (exceptions use BASE)", &vector_hit_m, 0);
    trap_arm();
    asm volatile("ecall" ::: "a7");
    check_trap("vectored mtvec: ecall", &trap_m, CAUSE_ECALL_M, 0);
    expect_slot("  slot (exceptions use BASE)", &vector_hit_m, 0);

    irq_log_reset();
    raise_msip();
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
    check_irq_log("vectored mtvec: machine software interrupt", msi, 1);
    expect_slot("  slot", &vector_hit_m, IRQ_M_SOFT);

    irq_log_reset();
    csr_write(mie, 1ULL << IRQ_M_TIMER);
    raise_mtip();
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
    static const uint64_t mti[] = {IRQ_M_TIMER};
    check_irq_log("vectored mtvec: machine timer interrupt", mti, 1);
    expect_slot("  slot", &vector_hit_m, IRQ_M_TIMER);

    irq_log_reset();
    csr_write(mie, 1ULL << IRQ_S_TIMER); /* not delegated: an S interrupt handled by M */
    csr_set(mip, 1ULL << IRQ_S_TIMER);
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
    static const uint64_t sti[] = {IRQ_S_TIMER};
    check_irq_log("vectored mtvec: undelegated supervisor timer", sti, 1);
    expect_slot("  slot", &vector_hit_m, IRQ_S_TIMER);

    /* Vectored S: delegated supervisor software interrupt taken in S */
    csr_write(stvec, (uint64_t)vector_table_s | 1);
    csr_write(mideleg, (1ULL << IRQ_S_SOFT) | (1ULL << IRQ_S_TIMER));
    csr_write(medeleg, 1ULL << CAUSE_BREAKPOINT);
    csr_write(mie, (1ULL << IRQ_S_SOFT) | (1ULL << IRQ_S_TIMER));
    m_enter(PRIV_S);
    trap_arm();
    asm volatile("ebreak");
    check_trap("vectored stvec: ebreak delegated to S", &trap_s, CAUSE_BREAKPOINT, trap_s.tval);
    expect_slot("  slot", &vector_hit_s, 0);
    irq_log_reset();
    csr_set(sip, 1ULL << IRQ_S_SOFT);
    csr_set(sstatus, MSTATUS_SIE);
    csr_clear(sstatus, MSTATUS_SIE);
    static const uint64_t ssi[] = {IRQ_S_SOFT};
    check_irq_log("vectored stvec: supervisor software interrupt", ssi, 1);
    expect_slot("  slot", &vector_hit_s, IRQ_S_SOFT);
    raise_priv();
    irq_log_reset();
    csr_set(mip, 1ULL << IRQ_S_TIMER);
    m_enter(PRIV_S);
    csr_set(sstatus, MSTATUS_SIE);
    csr_clear(sstatus, MSTATUS_SIE);
    raise_priv();
    csr_clear(mip, 1ULL << IRQ_S_TIMER);
    check_irq_log("vectored stvec: supervisor timer interrupt", sti, 1);
    expect_slot("  slot", &vector_hit_s, IRQ_S_TIMER);
    return 0;
}
