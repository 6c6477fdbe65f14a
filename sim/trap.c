/* Trap entry and return (privileged spec 1.12 §3.1.6-3.1.9, §3.3.2, §4.1.1). */
#include "cpu.h"

#include "log.h"
#include "mmu.h"
#include "timing/timing.h"
#include "trace.h"

uint64_t hart_now(const struct hart *h)
{
    return h->timing ? timing_cycles(h->timing) : h->cycle;
}

static uint64_t set_field(uint64_t reg, uint64_t mask, uint64_t val)
{
    return (reg & ~mask) | ((val * (mask & ~(mask << 1))) & mask);
}

void hart_trap(struct hart *h, uint64_t cause, uint64_t tval)
{
    bool irq = cause >> 63;
    unsigned code = cause & 63;
    uint64_t deleg = irq ? h->csr.mideleg : h->csr.medeleg;
    uint64_t s = h->csr.mstatus;

    if (cause == CAUSE_DEBUG_HALT) { /* a debugger's trigger: no trap, the hart stops */
        h->debug_halt = true;
        return;
    }
    if (__builtin_expect(log_mask & LOG_INT, 0))
        log_trap(h->hartid, cause, h->pc, tval);
    if (irq)
        h->irq_count[code & 15]++;
    else
        h->trap_count[code]++;
    h->traps_taken++; /* counts against --max-insns: a trap is a step that retires nothing */
    /* A reservation must not survive into another context (QEMU clears it on every trap). */
    h->reservation_valid = false;
    h->wfi = false;
    unsigned from = h->priv;

    if (h->priv <= PRIV_S && ((deleg >> code) & 1)) {
        h->csr.scause = cause;
        h->csr.sepc = h->pc;
        h->csr.stval = tval;
        s = set_field(s, MSTATUS_SPIE, (s & MSTATUS_SIE) != 0);
        s = set_field(s, MSTATUS_SPP, h->priv);
        s &= ~MSTATUS_SIE;
        h->priv = PRIV_S;
        uint64_t base = h->csr.stvec & ~3ULL;
        h->pc = (irq && (h->csr.stvec & 1)) ? base + 4 * code : base;
    } else {
        h->csr.mcause = cause;
        h->csr.mepc = h->pc;
        h->csr.mtval = tval;
        s = set_field(s, MSTATUS_MPIE, (s & MSTATUS_MIE) != 0);
        s = set_field(s, MSTATUS_MPP, h->priv);
        s &= ~MSTATUS_MIE;
        h->priv = PRIV_M;
        uint64_t base = h->csr.mtvec & ~3ULL;
        h->pc = (irq && (h->csr.mtvec & 1)) ? base + 4 * code : base;
    }
    h->csr.mstatus = s;
    hart_update_mode(h);
    h->irq_check = true;
    if (h->timing) {
        timing_flush(h->timing, TIMING_FLUSH_TRAP);
        h->cycle = timing_cycles(h->timing);
    } else {
        /* A trap takes time, even one that retires nothing: otherwise a fetch fault whose handler
         * faults again would spin for ever without the clock (and the run's budget) moving. */
        h->cycle++;
    }
    if (h->trace)
        trace_trap(h->trace, hart_now(h), h->priv == PRIV_S ? h->csr.sepc : h->csr.mepc,
                   h->csr.satp, cause, from, h->priv);
}

void hart_mret(struct hart *h)
{
    uint64_t s = h->csr.mstatus;
    unsigned mpp = (s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    s = set_field(s, MSTATUS_MIE, (s & MSTATUS_MPIE) != 0);
    s |= MSTATUS_MPIE;
    s = set_field(s, MSTATUS_MPP, PRIV_U);
    if (mpp != PRIV_M)
        s &= ~MSTATUS_MPRV;
    h->csr.mstatus = s;
    h->priv = mpp;
    h->pc = h->csr.mepc;
    hart_update_mode(h);
    h->irq_check = true;
    if (h->trace)
        trace_trap_return(h->trace, hart_now(h), PRIV_M);
}

void hart_sret(struct hart *h)
{
    uint64_t s = h->csr.mstatus;
    unsigned spp = (s & MSTATUS_SPP) ? PRIV_S : PRIV_U;
    s = set_field(s, MSTATUS_SIE, (s & MSTATUS_SPIE) != 0);
    s |= MSTATUS_SPIE;
    s &= ~MSTATUS_SPP;
    s &= ~MSTATUS_MPRV; /* returning to a mode below M */
    h->csr.mstatus = s;
    h->priv = spp;
    h->pc = h->csr.sepc;
    hart_update_mode(h);
    h->irq_check = true;
    if (h->trace)
        trace_trap_return(h->trace, hart_now(h), PRIV_S);
}

/* Standard priority order (privileged spec §3.1.9): MEI, MSI, MTI, SEI, SSI, STI. */
static int highest(uint64_t bits)
{
    static const int order[] = {IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER,
                                IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER};
    for (unsigned i = 0; i < sizeof order / sizeof order[0]; i++)
        if (bits & (1ULL << order[i]))
            return order[i];
    return -1;
}

int hart_pending_irq(const struct hart *h)
{
    uint64_t pending = (h->csr.mip | h->mip_hw) & h->csr.mie;
    if (!pending)
        return -1;
    uint64_t s = h->csr.mstatus;
    bool m_enabled = h->priv < PRIV_M || (s & MSTATUS_MIE);
    uint64_t m_pending = pending & ~h->csr.mideleg;
    if (m_enabled && m_pending)
        return highest(m_pending);
    bool s_enabled = h->priv < PRIV_S || (h->priv == PRIV_S && (s & MSTATUS_SIE));
    uint64_t s_pending = pending & h->csr.mideleg;
    if (s_enabled && s_pending)
        return highest(s_pending);
    return -1;
}
