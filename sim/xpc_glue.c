/* Where the CPU meets the XPC engine (sim/xpc/engine.h): the three instructions, the CSRs,
 * and the relay segment's place in data translation. */
#include "xpc_glue.h"

#include "machine.h"
#include "mmu.h"
#include "timing/timing.h"
#include "trace.h"
#include "xpc/engine.h"

static bool engine_load64(void *opaque, uint64_t pa, uint64_t *v)
{
    return bus_read(opaque, pa, 8, v);
}

static bool engine_store64(void *opaque, uint64_t pa, uint64_t v)
{
    struct machine *m = opaque;
    if (!bus_write(m, pa, 8, v))
        return false;
    machine_store_hook(m, pa);
    return true;
}

void xpc_segment_changed(struct hart *h)
{
    if (!h->xpc || h->xpc_seg_gen == xpc_seg_generation(h->xpc))
        return;
    h->xpc_seg_gen = xpc_seg_generation(h->xpc);
    /* The soft TLB never maps a page of the active window; the window moved, so pages it
     * used to cover may be cached now and pages it covers now may be cached from before. */
    tlb_flush_all(h);
}

/* After the instruction, so the times are those the cycle model charged it. */
static void xpc_trace(struct hart *h, const struct xpc_cost *cost, const struct xpc_hart *xh,
                      uint64_t caller, uint64_t rs1)
{
    struct trace_xpc ev = {.now = hart_now(h), .pc = xh->pc, .id = rs1, .satp = xh->satp,
                           .new_satp = xh->satp_changed ? xh->new_satp : xh->satp,
                           .caller = caller, .callee = h->xpc->csr.xcap,
                           .link_pa = cost->link_pa};
    if (cost->is_prefetch)
        return;
    if (cost->kind == XPC_FUNCT7_XCALL)
        trace_xcall(h->trace, &ev);
    else if (cost->kind == XPC_FUNCT7_XRET)
        trace_xret(h->trace, &ev);
    else if (cost->kind == XPC_FUNCT7_SWAPSEG)
        trace_swapseg(h->trace, &ev);
}

bool xpc_execute(struct hart *h, const struct insn *in)
{
    if (!h->xpc) {
        /* No engine on this core: the instructions are illegal, so a kernel can emulate them. */
        return hart_exception(h, CAUSE_ILLEGAL_INSN, in->raw);
    }
    struct xpc_hart xh = {.pc = h->pc, .next_pc = h->pc + in->len, .satp = h->csr.satp};
    struct xpc_mem mem = {.opaque = h->machine, .load64 = engine_load64, .store64 = engine_store64};
    struct xpc_cost cost;
    uint64_t tval = 0;
    uint64_t caller = h->xpc->csr.xcap, rs1 = h->x[in->rs1];
    unsigned cause = xpc_engine_execute(h->xpc, in->raw, h->x[in->rs1], &xh, &mem, &tval, &cost);
    if (cause) {
        if (h->trace && cause >= XPC_CAUSE_INVALID_XENTRY)
            trace_xpc_exception(h->trace, hart_now(h), h->pc, h->csr.satp, cause, tval);
        return hart_exception(h, cause, cause == XPC_EXC_ILLEGAL_INSN ? in->raw : tval);
    }
    h->pc = xh.new_pc;
    if (xh.satp_changed)
        hart_write_satp(h, xh.new_satp); /* no flush: ASIDs keep both address spaces */
    xpc_segment_changed(h);
    xpc_timing(h, in, &cost, xh.satp, xh.new_satp);
    if (h->trace)
        xpc_trace(h, &cost, &xh, caller, rs1);
    return true;
}

bool xpc_data_translate(struct hart *h, uint64_t va, unsigned size, bool is_store, bool is_amo,
                        bool *hit, uint64_t *pa)
{
    bool fault = false;
    *hit = false;
    if (!h->xpc || h->data_mode == PRIV_M || (h->csr.satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE)
        return true;
    if (!xpc_seg_translate(h->xpc, va, size, is_store, pa, &fault))
        return true;
    if (!fault && is_amo) /* an AMO needs both permissions */
        xpc_seg_translate(h->xpc, va, size, !is_store, pa, &fault);
    *hit = true;
    if (fault)
        return hart_exception(h, is_store ? CAUSE_STORE_PAGE_FAULT : CAUSE_LOAD_PAGE_FAULT, va);
    return true;
}

bool xpc_page_in_window(const struct hart *h, uint64_t va_page)
{
    uint64_t first, last;
    if (!h->xpc || !xpc_seg_window(h->xpc, &first, &last))
        return false;
    return va_page <= last && va_page + PAGE_OFFSET_MASK >= first;
}

int xpc_csr_access(struct hart *h, unsigned csrno, bool write, uint64_t *val)
{
    if (!h->xpc)
        return 0;
    enum xpc_csr_result r = write ? xpc_csr_write(h->xpc, csrno, h->priv, *val)
                                  : xpc_csr_read(h->xpc, csrno, h->priv, val);
    if (r == XPC_CSR_NOT_MINE)
        return 0;
    if (write)
        xpc_segment_changed(h);
    return r == XPC_CSR_OK ? 1 : -1;
}

void xpc_timing(struct hart *h, const struct insn *in, const struct xpc_cost *cost,
                uint64_t old_satp, uint64_t new_satp)
{
    if (!h->timing)
        return;
    struct timing_xpc_event ev = {
        .op = cost->is_prefetch                  ? TIMING_XPC_PREFETCH
              : cost->kind == XPC_FUNCT7_XRET    ? TIMING_XPC_XRET
              : cost->kind == XPC_FUNCT7_SWAPSEG ? TIMING_XPC_SWAPSEG
                                                 : TIMING_XPC_XCALL,
        .rs1 = in->rs1,
        .engine_cache_hit = cost->cache_lookup && cost->entry_hit && cost->cap_hit,
        .entry_pa = cost->entry_pa,
        .cap_pa = cost->cap_pa,
        .link_pa = cost->link_pa,
        .link_nonblocking = cost->link_nonblocking,
        .seg_pa = cost->seg_pa,
        .old_satp = old_satp,
        .new_satp = new_satp,
    };
    timing_xpc(h->timing, &ev);
}
