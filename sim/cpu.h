/* A RISC-V RV64GC hart: architectural state, the software TLB and the decoded-block cache.
 *
 * The interpreter (sim/interp.c) runs decoded basic blocks; loads and stores go through a
 * software TLB whose hit is a compare and an add; interrupts are taken at block boundaries.
 * Everything slow (page walks, devices, traps, CSRs) lives in the other files of sim/. */
#ifndef SIM_CPU_H
#define SIM_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "riscv/spec.h"
#include "trigger.h"

struct machine;
struct block;
struct timing;
struct xpc_engine;

#define TLB_SETS  256
#define TLB_MODES 4 /* indexed by privilege: U, S, M; and S with mstatus.SUM set */
/* S-mode data accesses with SUM set have TLB entries of their own (privilege 2 is reserved):
 * SUM changes what a translation permits, and Linux flips it around every user access. */
#define TLB_SLOT_S_SUM       2
#define TLB_SUPERPAGE_RANGES 4

/* One soft-TLB entry: `tag` is the virtual page with an ASID tag in the page-offset bits (so a
 * hit is one compare); host = va + addend for RAM. */
struct tlb_entry {
    uint64_t tag;
    uintptr_t addend; /* host pointer - guest virtual address */
    uint64_t pa_page; /* guest physical page, for the block cache and the cycle model */
};

#define TLB_EMPTY_TAG 0xfffULL /* never a valid tag: ASID tags are below TLB_ASID_TAGS */
#define TLB_ASID_TAGS 2048     /* tag 0 = untranslated (M-mode or satp bare) */

struct tlb {
    struct tlb_entry read[TLB_SETS];
    struct tlb_entry write[TLB_SETS];
    struct tlb_entry exec[TLB_SETS];
};

struct csrs {
    uint64_t mstatus;
    uint64_t misa;
    uint64_t medeleg, mideleg;
    uint64_t mie, mip;
    uint64_t mtvec, stvec;
    uint64_t mscratch, sscratch;
    uint64_t mepc, sepc;
    uint64_t mcause, scause;
    uint64_t mtval, stval;
    uint64_t satp;
    uint32_t mcounteren, scounteren;
    uint64_t menvcfg, senvcfg;
    uint8_t pmpcfg[16];
    uint64_t pmpaddr[16];
    /* The active PMP entries as byte ranges [lo, hi), lowest-numbered first: what pmpcfg and
     * pmpaddr say, decoded once per CSR write (pmp_update) instead of on every page walk. */
    struct pmp_range {
        uint64_t lo, hi;
        uint8_t cfg;
    } pmp_range[16];
    unsigned pmp_nranges;
    bool pmp_any_active; /* any entry's A field is not OFF (an empty TOR range counts) */
};

struct hart {
    uint64_t x[33]; /* x[32] is the sink that writes to x0 are decoded into */
    uint64_t pc;
    uint64_t f[32];  /* F/D registers; singles are NaN-boxed */
    uint32_t fflags; /* fcsr's accrued exceptions (NX UF OF DZ NV) */
    uint32_t frm;    /* fcsr's rounding mode (WARL: 3 bits, invalid values trap on use) */
    unsigned priv;
    unsigned hartid;

    /* Retired instructions and cycles. With the cycle model off, cycles == instret. */
    uint64_t instret;
    uint64_t cycle;
    uint64_t traps_taken; /* every trap, interrupts included (the --max-insns budget) */
    uint64_t minstret_offset, mcycle_offset; /* software writes to minstret/mcycle */

    struct csrs csr;

    /* Interrupt lines driven by devices (MEIP, MTIP, MSIP, and SEIP from the PLIC), kept apart
     * from the software-writable bits in csr.mip; mip reads as the OR of the two. */
    uint64_t mip_hw;

    /* LR/SC reservation, as QEMU keeps it: the virtual address and the value loaded; an SC
     * succeeds when the address matches and memory still holds that value. */
    uint64_t reservation_va;
    uint64_t reservation_val;
    bool reservation_valid;

    /* The exception a slow path raised, for the interpreter to take. */
    uint64_t exc_cause, exc_tval;

    /* Derived translation context, recomputed whenever priv, mstatus or satp change. */
    unsigned data_mode;  /* effective privilege for loads/stores (MPRV) */
    unsigned data_slot;  /* which of tlb[] data accesses use: data_mode, or TLB_SLOT_S_SUM */
    uint64_t data_asid;  /* ASID tag of data accesses (0 when untranslated) */
    uint64_t fetch_asid; /* ASID tag of instruction fetches */
    unsigned fetch_priv; /* the privilege fetch_asid was computed for */
    struct tlb tlb[TLB_MODES];
    /* ASIDs (16 bits architecturally) map to small tags that fit in a TLB tag's page-offset
     * bits, so a TLB hit stays one compare while several address spaces share the TLB. */
    uint16_t asid_tag[1u << 16];
    uint16_t tag_asid[TLB_ASID_TAGS];
    unsigned next_asid_tag;
    /* Virtual ranges of the superpages the soft TLB holds 4 KiB pieces of, since it was last
     * emptied: an sfence.vma for an address inside one must drop every piece (sim/mmu.c). */
    struct {
        uint64_t lo, hi; /* inclusive */
    } superpages[TLB_SUPERPAGE_RANGES];
    unsigned nsuperpages;

    /* Set when something that could make an interrupt pending changed. */
    bool irq_check;
    /* The next cycle at which the machine must look at timers and I/O. */
    uint64_t next_event;
    uint64_t run_until; /* hart_run's budget ends here: next_event never goes past it */

    bool wfi;               /* stopped in WFI until an interrupt is pending */
    uint64_t last_fetch_pa; /* where an uncached (page-straddling) block was fetched */

    struct machine *machine;
    struct block_cache *blocks;
    struct timing *timing;  /* NULL when the cycle model is off */
    struct xpc_engine *xpc; /* NULL on a core without the XPC engine */
    uint64_t xpc_seg_gen;   /* the engine's segment generation the soft TLB was last made for */
    struct trace *trace;    /* --trace (sim/trace.h): NULL when off */

    /* Debug triggers (sim/trigger.c) and the debugger's hold on the hart (sim/gdb/). */
    struct triggers trig;
    bool debug_step;    /* one instruction at a time: an execute trigger or the debugger wants it */
    bool debugger_step; /* the debugger looks at every instruction (breakpoints, stepping) */
    bool debug_halt;    /* the debugger stopped the hart: hart_run returns */
    bool (*before_insn)(struct hart *h); /* the debugger's look; false = halt here */
    void *debugger;

    /* Statistics the cycle model does not count itself. */
    uint64_t trap_count[64];
    uint64_t irq_count[16];
};

/* The modeled cycle now (retired instructions, give or take a block, with the model off). */
uint64_t hart_now(const struct hart *h);

/* ---- sim/cpu.c ---- */
void hart_init(struct hart *h, struct machine *m, unsigned hartid);
void hart_reset(struct hart *h, uint64_t pc);
/* Run until `max_cycles` have passed (give or take one block) or the machine asks to stop. */
void hart_run(struct hart *h, uint64_t max_cycles);
/* Device-side wire to mip (an irq_sink callback target). */
void hart_set_mip(struct hart *h, uint64_t mask, bool level);

/* Record the exception a slow path raises, for the interpreter to take; returns false, the
 * slow paths' failure value. */
static inline bool hart_exception(struct hart *h, uint64_t cause, uint64_t tval)
{
    h->exc_cause = cause;
    h->exc_tval = tval;
    return false;
}

/* ---- sim/trap.c ---- */
void hart_trap(struct hart *h, uint64_t cause, uint64_t tval);
/* The highest-priority pending and enabled interrupt, or -1. */
int hart_pending_irq(const struct hart *h);
void hart_mret(struct hart *h);
void hart_sret(struct hart *h);

/* ---- sim/csr.c ---- */
/* Returns false when the access is illegal (the caller raises illegal-instruction). */
bool csr_read(struct hart *h, unsigned csrno, uint64_t *val);
bool csr_write(struct hart *h, unsigned csrno, uint64_t val);
/* Recompute data_mode and ASID tags after priv/mstatus/satp changed. */
void hart_update_mode(struct hart *h);
/* satp's WARL rules; flushes the soft TLB only when the mode changes (ASIDs tag the rest). */
void hart_write_satp(struct hart *h, uint64_t val);

#endif
