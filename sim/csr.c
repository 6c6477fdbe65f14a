/* Control and status registers (privileged spec 1.12 chapters 2, 3 and 4). */
#include "cpu.h"

#include "block.h"
#include "log.h"
#include "machine.h"
#include "fp_exec.h"
#include "mmu.h"
#include "pmp.h"
#include "xpc_glue.h"
#include "xpc/isa.h"

/* Exceptions that may be delegated to S-mode: the standard ones a supervisor handles, and the
 * XPC causes (include/xpc/isa.h), so that a kernel can take engine faults without a trip through
 * M-mode. */
#define MEDELEG_WRITABLE                                                                           \
    (0x3ffULL | (1ULL << CAUSE_FETCH_PAGE_FAULT) | (1ULL << CAUSE_LOAD_PAGE_FAULT) |               \
     (1ULL << CAUSE_STORE_PAGE_FAULT) |                                                            \
     ((1ULL << (XPC_CAUSE_INVALID_SEGMASK + 1)) - (1ULL << XPC_CAUSE_INVALID_XENTRY)))
#define MSTATUS_WRITABLE                                                                           \
    (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP |         \
     MSTATUS_FS | MSTATUS_VS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM |            \
     MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_WRITABLE                                                                           \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_VS | MSTATUS_SUM | MSTATUS_MXR)

static uint64_t mstatus_read(const struct hart *h)
{
    uint64_t s = h->csr.mstatus;
    bool dirty = (s & MSTATUS_FS) == MSTATUS_FS || (s & MSTATUS_VS) == MSTATUS_VS ||
                 (s & MSTATUS_XS) == MSTATUS_XS;
    return dirty ? s | MSTATUS_SD : s & ~MSTATUS_SD;
}

static void mstatus_write(struct hart *h, uint64_t val, uint64_t writable)
{
    uint64_t old = h->csr.mstatus;
    /* MPP is WARL over the implemented modes; 2 (reserved) keeps the old value. */
    if (((val & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
        val = (val & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    uint64_t s = (old & ~writable) | (val & writable);
    h->csr.mstatus = s;
    /* MXR changes what a cached translation permits (SUM too, but S-mode accesses with SUM
     * set have TLB entries of their own). */
    if ((old ^ s) & MSTATUS_MXR)
        tlb_flush_all(h);
    hart_update_mode(h);
    h->irq_check = true;
}

static uint16_t asid_tag_for(struct hart *h, uint16_t asid)
{
    if (h->asid_tag[asid])
        return h->asid_tag[asid];
    if (h->next_asid_tag >= TLB_ASID_TAGS) {
        /* Out of tags: start over, and drop every translation made under the old ones. */
        for (unsigned t = 1; t < TLB_ASID_TAGS; t++)
            h->asid_tag[h->tag_asid[t]] = 0;
        h->next_asid_tag = 1;
        tlb_flush_all(h);
    }
    uint16_t tag = (uint16_t)h->next_asid_tag++;
    h->asid_tag[asid] = tag;
    h->tag_asid[tag] = asid;
    return tag;
}

void hart_update_mode(struct hart *h)
{
    uint64_t s = h->csr.mstatus;
    h->data_mode = (h->priv == PRIV_M && (s & MSTATUS_MPRV))
                       ? (unsigned)((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT)
                       : h->priv;
    h->data_slot = h->data_mode == PRIV_S && (s & MSTATUS_SUM) ? TLB_SLOT_S_SUM : h->data_mode;
    uint64_t satp = h->csr.satp;
    uint64_t tag = 0;
    if ((satp >> SATP_MODE_SHIFT) != SATP_MODE_BARE)
        tag = asid_tag_for(h, (uint16_t)(satp >> SATP_ASID_SHIFT));
    h->data_asid = h->data_mode == PRIV_M ? 0 : tag;
    uint64_t fetch_asid = h->priv == PRIV_M ? 0 : tag;
    /* Block links were made under one fetch context (privilege and address space): a new one
     * retires them. Data-side changes (MPRV, SUM) leave fetches alone. */
    if (fetch_asid != h->fetch_asid || h->priv != h->fetch_priv)
        block_cache_unlink_all(h->blocks);
    h->fetch_asid = fetch_asid;
    h->fetch_priv = h->priv;
}

void hart_write_satp(struct hart *h, uint64_t val)
{
    uint64_t mode = val >> SATP_MODE_SHIFT;
    if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48)
        return; /* WARL: an unsupported mode leaves satp as it was (as QEMU does) */
    if (mode == SATP_MODE_BARE)
        val = 0;
    uint64_t old = h->csr.satp;
    h->csr.satp = val;
    /* A mode change takes effect without sfence.vma; the ASID tags cannot tell Bare from Sv39. */
    if ((old >> SATP_MODE_SHIFT) != mode)
        tlb_flush_all(h);
    hart_update_mode(h);
}

static uint64_t counter_value(const struct hart *h, unsigned which)
{
    switch (which) {
    case 0: return h->cycle + h->mcycle_offset;
    case 1: return machine_mtime(h->machine);
    case 2: return h->instret + h->minstret_offset;
    }
    return 0;
}

/* U/S access to cycle/time/instret/hpmcounterN (§3.1.11): gated by mcounteren, then scounteren. */
static bool counter_allowed(const struct hart *h, unsigned which)
{
    if (h->priv < PRIV_M && !((h->csr.mcounteren >> which) & 1))
        return false;
    if (h->priv < PRIV_S && !((h->csr.scounteren >> which) & 1))
        return false;
    return true;
}

static bool privileged_enough(const struct hart *h, unsigned csrno)
{
    return h->priv >= ((csrno >> 8) & 3);
}

bool csr_read(struct hart *h, unsigned csrno, uint64_t *val)
{
    struct csrs *c = &h->csr;
    int xpc = xpc_csr_access(h, csrno, false, val);
    if (xpc)
        return xpc > 0;
    int trig = trigger_csr_access(h, csrno, false, val);
    if (trig)
        return trig > 0;
    if (!privileged_enough(h, csrno))
        return false;
    if (csrno >= CSR_CYCLE && csrno <= CSR_HPMCOUNTER31) {
        unsigned which = csrno - CSR_CYCLE;
        if (!counter_allowed(h, which))
            return false;
        *val = counter_value(h, which);
        return true;
    }
    if (csrno >= CSR_MHPMCOUNTER3 && csrno <= CSR_MHPMCOUNTER31)
        return *val = 0, true;
    if (csrno >= CSR_MHPMEVENT3 && csrno <= CSR_MHPMEVENT31)
        return *val = 0, true;
    if (csrno >= CSR_PMPCFG0 && csrno <= CSR_PMPCFG15) {
        unsigned idx = csrno - CSR_PMPCFG0;
        if (idx & 1)
            return false; /* RV64 has only the even pmpcfg registers */
        uint64_t v = 0;
        for (unsigned i = 0; i < 8; i++) {
            unsigned e = idx * 4 + i;
            v |= (uint64_t)(e < PMP_ENTRIES ? c->pmpcfg[e] : 0) << (8 * i);
        }
        return *val = v, true;
    }
    if (csrno >= CSR_PMPADDR0 && csrno <= CSR_PMPADDR63) {
        unsigned e = csrno - CSR_PMPADDR0;
        return *val = e < PMP_ENTRIES ? c->pmpaddr[e] : 0, true;
    }
    switch (csrno) {
    case CSR_FFLAGS:
    case CSR_FRM:
    case CSR_FCSR:
        if (!fp_enabled(h))
            return false;
        *val = csrno == CSR_FFLAGS ? h->fflags
               : csrno == CSR_FRM  ? h->frm
                                   : (h->frm << 5) | h->fflags;
        return true;
    case CSR_SSTATUS: *val = mstatus_read(h) & SSTATUS_MASK; return true;
    case CSR_SIE: *val = c->mie & c->mideleg; return true;
    case CSR_STVEC: *val = c->stvec; return true;
    case CSR_SCOUNTEREN: *val = c->scounteren; return true;
    case CSR_SENVCFG: *val = c->senvcfg; return true;
    case CSR_SSCRATCH: *val = c->sscratch; return true;
    case CSR_SEPC: *val = c->sepc; return true;
    case CSR_SCAUSE: *val = c->scause; return true;
    case CSR_STVAL: *val = c->stval; return true;
    case CSR_SIP: *val = (c->mip | h->mip_hw) & c->mideleg; return true;
    case CSR_SATP:
        if (h->priv == PRIV_S && (c->mstatus & MSTATUS_TVM))
            return false;
        *val = c->satp;
        return true;
    case CSR_MSTATUS: *val = mstatus_read(h); return true;
    case CSR_MISA: *val = c->misa; return true;
    case CSR_MEDELEG: *val = c->medeleg; return true;
    case CSR_MIDELEG: *val = c->mideleg; return true;
    case CSR_MIE: *val = c->mie; return true;
    case CSR_MTVEC: *val = c->mtvec; return true;
    case CSR_MCOUNTEREN: *val = c->mcounteren; return true;
    case CSR_MENVCFG: *val = c->menvcfg; return true;
    case CSR_MCOUNTINHIBIT: *val = 0; return true; /* counters cannot be stopped: WARL 0 */
    case CSR_MSCRATCH: *val = c->mscratch; return true;
    case CSR_MEPC: *val = c->mepc; return true;
    case CSR_MCAUSE: *val = c->mcause; return true;
    case CSR_MTVAL: *val = c->mtval; return true;
    case CSR_MIP: *val = c->mip | h->mip_hw; return true;
    case CSR_MCYCLE: *val = counter_value(h, 0); return true;
    case CSR_MINSTRET: *val = counter_value(h, 2); return true;
    case CSR_MVENDORID:
    case CSR_MARCHID:
    case CSR_MIMPID:
    case CSR_MCONFIGPTR: *val = 0; return true;
    case CSR_MHARTID: *val = h->hartid; return true;
    }
    log_if(LOG_UNIMP, "csr: unimplemented CSR 0x%03x read at pc 0x%llx\n", csrno,
           (unsigned long long)h->pc);
    return false;
}

static void pmpcfg_write(struct csrs *c, unsigned idx, uint64_t val)
{
    for (unsigned i = 0; i < 8; i++) {
        unsigned e = idx * 4 + i;
        if (e >= PMP_ENTRIES || (c->pmpcfg[e] & PMP_L))
            continue;
        uint8_t cfg = (uint8_t)(val >> (8 * i)) & 0x9f; /* bits 6:5 are reserved */
        if ((cfg & 3) == 2)
            cfg &= ~2; /* R=0 W=1 is reserved: drop W */
        c->pmpcfg[e] = cfg;
    }
}

bool csr_write(struct hart *h, unsigned csrno, uint64_t val)
{
    struct csrs *c = &h->csr;
    int xpc = xpc_csr_access(h, csrno, true, &val);
    if (xpc)
        return xpc > 0;
    int trig = trigger_csr_access(h, csrno, true, &val);
    if (trig)
        return trig > 0;
    if (!privileged_enough(h, csrno) || (csrno >> 10) == 3)
        return false; /* too little privilege, or a read-only CSR */
    if (csrno >= CSR_MHPMCOUNTER3 && csrno <= CSR_MHPMCOUNTER31)
        return true; /* not implemented: hardwired to zero */
    if (csrno >= CSR_MHPMEVENT3 && csrno <= CSR_MHPMEVENT31)
        return true;
    if (csrno >= CSR_PMPCFG0 && csrno <= CSR_PMPCFG15) {
        if ((csrno - CSR_PMPCFG0) & 1)
            return false;
        pmpcfg_write(c, csrno - CSR_PMPCFG0, val);
        pmp_update(c);
        tlb_flush_all(h); /* cached translations carry the old permissions */
        return true;
    }
    if (csrno >= CSR_PMPADDR0 && csrno <= CSR_PMPADDR63) {
        unsigned e = csrno - CSR_PMPADDR0;
        /* A locked entry ignores writes, and so does the address below a locked TOR entry. */
        bool locked = e < PMP_ENTRIES && ((c->pmpcfg[e] & PMP_L) ||
                                          (e + 1 < PMP_ENTRIES && (c->pmpcfg[e + 1] & PMP_L) &&
                                           (c->pmpcfg[e + 1] & PMP_A) == 0x08));
        if (e < PMP_ENTRIES && !locked)
            c->pmpaddr[e] = val & ((1ULL << 54) - 1);
        pmp_update(c);
        tlb_flush_all(h);
        return true;
    }
    switch (csrno) {
    case CSR_FFLAGS:
    case CSR_FRM:
    case CSR_FCSR:
        if (!fp_enabled(h))
            return false;
        if (csrno == CSR_FFLAGS)
            h->fflags = val & 0x1f;
        else if (csrno == CSR_FRM)
            h->frm = val & 7;
        else {
            h->fflags = val & 0x1f;
            h->frm = (val >> 5) & 7;
        }
        fp_dirty(h);
        return true;
    case CSR_SSTATUS: mstatus_write(h, val, SSTATUS_WRITABLE); return true;
    case CSR_SIE:
        c->mie = (c->mie & ~c->mideleg) | (val & c->mideleg & MIP_ALL);
        h->irq_check = true;
        return true;
    case CSR_STVEC:
        if ((val & 3) < 2)
            c->stvec = val;
        return true;
    case CSR_SCOUNTEREN: c->scounteren = (uint32_t)val; return true;
    case CSR_SENVCFG: c->senvcfg = val & 1; return true;
    case CSR_SSCRATCH: c->sscratch = val; return true;
    case CSR_SEPC: c->sepc = val & ~1ULL; return true;
    case CSR_SCAUSE: c->scause = val; return true;
    case CSR_STVAL: c->stval = val; return true;
    case CSR_SIP: {
        uint64_t mask = MIP_SSIP & c->mideleg;
        c->mip = (c->mip & ~mask) | (val & mask);
        h->irq_check = true;
        return true;
    }
    case CSR_SATP:
        if (h->priv == PRIV_S && (c->mstatus & MSTATUS_TVM))
            return false;
        hart_write_satp(h, val);
        return true;
    case CSR_MSTATUS: mstatus_write(h, val, MSTATUS_WRITABLE); return true;
    case CSR_MISA: return true; /* WARL, fixed: the extensions cannot be switched off */
    case CSR_MEDELEG: c->medeleg = val & MEDELEG_WRITABLE; return true;
    case CSR_MIDELEG:
        c->mideleg = val & MIP_S_MASK;
        h->irq_check = true;
        return true;
    case CSR_MIE:
        c->mie = val & MIP_ALL;
        h->irq_check = true;
        return true;
    case CSR_MTVEC:
        if ((val & 3) < 2)
            c->mtvec = val;
        return true;
    case CSR_MCOUNTEREN: c->mcounteren = (uint32_t)val; return true;
    case CSR_MENVCFG: c->menvcfg = val & 1; return true;
    case CSR_MCOUNTINHIBIT: return true;
    case CSR_MSCRATCH: c->mscratch = val; return true;
    case CSR_MEPC: c->mepc = val & ~1ULL; return true;
    case CSR_MCAUSE: c->mcause = val; return true;
    case CSR_MTVAL: c->mtval = val; return true;
    case CSR_MIP:
        c->mip = (c->mip & ~MIP_S_MASK) | (val & MIP_S_MASK);
        h->irq_check = true;
        return true;
    /* The counters keep counting from the written value: keep the difference. */
    case CSR_MCYCLE: h->mcycle_offset = val - h->cycle; return true;
    case CSR_MINSTRET:
        h->minstret_offset = val - h->instret - 1;
        return true; /* the write retires first */
    }
    log_if(LOG_UNIMP, "csr: unimplemented CSR 0x%03x written at pc 0x%llx\n", csrno,
           (unsigned long long)h->pc);
    return false;
}
