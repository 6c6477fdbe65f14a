/* The hart's outer loop: interrupts and timers at block boundaries, block lookup, WFI. */
#include "cpu.h"

#include <stdlib.h>

#include "block.h"
#include "interp.h"
#include "machine.h"
#include "mmu.h"
#include "pmp.h"
#include "timing/timing.h"

void hart_init(struct hart *h, struct machine *m, unsigned hartid)
{
    memset(h, 0, sizeof *h);
    h->machine = m;
    h->hartid = hartid;
    h->next_asid_tag = 1;
}

void hart_reset(struct hart *h, uint64_t pc)
{
    memset(h->x, 0, sizeof h->x);
    memset(&h->csr, 0, sizeof h->csr);
    pmp_update(&h->csr);
    h->pc = pc;
    h->priv = PRIV_M;
    /* RV64GC: A, C, D, F, I, M, S, U. MXL = 2 (64-bit); UXL = SXL = 2. */
    h->csr.misa = (2ULL << 62) | (1u << 0) | (1u << 2) | (1u << 3) | (1u << 5) | (1u << 8) |
                  (1u << 12) | (1u << 18) | (1u << 20);
    memset(h->f, 0, sizeof h->f);
    h->fflags = h->frm = 0;
    h->csr.mstatus = (2ULL << 32) | (2ULL << 34);
    h->reservation_valid = false;
    h->wfi = false;
    h->irq_check = true;
    tlb_flush_all(h);
    hart_update_mode(h);
    trigger_reset(h);
}

void hart_set_mip(struct hart *h, uint64_t mask, bool level)
{
    if (level)
        h->mip_hw |= mask;
    else
        h->mip_hw &= ~mask;
    h->irq_check = true;
}

static void take_pending_interrupt(struct hart *h)
{
    int irq = hart_pending_irq(h);
    if (irq >= 0)
        hart_trap(h, (1ULL << 63) | (unsigned)irq,
                  0); /* leaves irq_check set: another may follow */
    else
        h->irq_check = false; /* nothing to take until mip, mie, mstatus or priv change */
}

/* Wake from WFI when any interrupt is pending and enabled in mie, whatever the global
 * enables say (privileged spec §3.3.3); otherwise skip simulated time to the next event. */
static void wait_for_interrupt(struct hart *h)
{
    struct machine *m = h->machine;
    if ((h->csr.mip | h->mip_hw) & h->csr.mie) {
        h->wfi = false;
        return;
    }
    if (h->next_event > h->cycle)
        h->cycle = h->next_event;
    if (h->timing) /* the model's clock sleeps along */
        timing_idle_until(h->timing, h->cycle);
    machine_events(m);
}

void hart_run(struct hart *h, uint64_t max_cycles)
{
    struct machine *m = h->machine;
    struct {
        struct block b;
        struct insn room[2];
    } scratch;
    uint64_t stop = h->cycle + max_cycles;
    if (stop < h->cycle)
        stop = UINT64_MAX;
    /* A guest that traps on every instruction retires nothing and spends no cycle (without the
     * cycle model): traps bound the run too. */
    uint64_t trap_stop = h->traps_taken + max_cycles;
    if (trap_stop < h->traps_taken)
        trap_stop = UINT64_MAX;
    /* Linked blocks run on until the next event: make the end of the budget one. */
    h->run_until = stop;
    if (h->next_event > stop)
        h->next_event = stop;
    struct block *(*run_block)(struct hart *, struct block *) =
        h->timing ? run_block_timed : run_block_fast;
    struct block_cache *c = h->blocks;
    struct block *last = NULL;
    uint64_t last_gen = 0;

    while (!m->exit.requested && !h->debug_halt && h->cycle < stop && h->traps_taken < trap_stop) {
        if (h->cycle >= h->next_event)
            machine_events(m);
        if (h->irq_check)
            take_pending_interrupt(h);
        if (h->wfi) {
            wait_for_interrupt(h);
            continue;
        }
        uint64_t pa;
        if (!mmu_fetch_pa(h, h->pc, &pa)) {
            hart_trap(h, h->exc_cause, h->exc_tval);
            continue;
        }
        struct block *b = block_lookup(h->blocks, pa);
        if (!b) {
            b = block_translate(h, h->pc, pa, &scratch.b);
            if (!b) {
                hart_trap(h, h->exc_cause, h->exc_tval);
                continue;
            }
        }
        /* An execute trigger or the debugger: one instruction at a time, never linked. */
        if (__builtin_expect(h->debug_step, 0)) {
            b = trigger_single_insn(h, b, &scratch.b);
            if (!b)
                continue;
        }
        /* Link only cached blocks, and only within the context the exit was taken in. */
        if (last && last_gen == c->gen && last->pa != UINT64_MAX && b->pa != UINT64_MAX)
            block_link(c, last, h->pc, b);
        /* The generation before the run: if blocks were dropped while it ran (a store to a code
         * page), the block it returns is freed memory and must not be linked. */
        last_gen = c->gen;
        last = run_block(h, b);
    }
}
