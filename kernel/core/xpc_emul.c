/* Trap-and-emulate of the XPC extension, for a hart without the engine (stock QEMU) or with it
 * switched off (bootarg xpc=emulate, or no ASIDs). The semantics are not written twice: the
 * kernel runs the machine's own engine model (sim/xpc/engine.c) on the thread's saved state.
 *
 * What traps: xcall/xret/swapseg and the U-mode XPC CSRs (illegal instruction), and loads and
 * stores into the relay window (page faults: the window is never in a page table). The kernel
 * does each one and resumes the thread after it. The same path serves the kernel's own calls
 * (timed calls) in engine mode, with the thread's CSRs read back first. */
#include <kernel/xpc.h>
#include <kernel/riscv.h>
#include <kernel/ipc.h>
#include <kernel/fpu.h>
#include <kernel/boot.h>
#include <xpc/memmap.h>
#include "xpc/engine.h"

static struct xpc_engine model;
static bool model_ready;

/* The engine only touches kernel-built structures (table, bitmaps, link stacks, seg-lists), all
 * in DRAM and mapped 1:1; anything else is a bus error, as on the machine. */
static bool phys_ok(uint64_t pa)
{
    return pa >= dram_base && pa - dram_base < dram_size && !(pa & 7);
}
static bool load64(void *o, uint64_t pa, uint64_t *v)
{
    (void)o;
    if (!phys_ok(pa))
        return false;
    *v = *(volatile uint64_t *)phys_to_virt(pa);
    return true;
}
static bool store64(void *o, uint64_t pa, uint64_t v)
{
    (void)o;
    if (!phys_ok(pa))
        return false;
    *(volatile uint64_t *)phys_to_virt(pa) = v;
    return true;
}
static const struct xpc_mem mem = {0, load64, store64};

static void model_load(struct thread *t)
{
    if (!model_ready) {
        struct xpc_config cfg = XPC_CONFIG_DEFAULT;
        cfg.cache_enabled = false; /* nothing stale to reason about: read the table every time */
        if (xpc_engine_init(&model, &cfg))
            panic("xpc: engine model configuration");
        model_ready = true;
    }
    struct xpc_regs *r = &t->xpc->r;
    model.csr = (struct xpc_csrs){
        .xtbl = (uint64_t)xpc_table(),
        .xtblsz = XPC_MAX_XENTRIES,
        .xcap = r->xcap,
        .xlink = r->xlink,
        .xlinklim = r->xlinklim,
        .xseglist = r->xseglist,
        .xseglistsz = r->xseglistsz,
        .xctl = XPC_XCTL_ENABLE,
        .xsegva = r->xsegva,
        .xsegpa = r->xsegpa,
        .xseglen = r->xseglen,
        .xsegmask = r->xsegmask,
        .xcaller = r->xcaller,
    };
}

static void model_store(struct thread *t)
{
    struct xpc_regs *r = &t->xpc->r;
    r->xcap = model.csr.xcap;
    r->xlink = model.csr.xlink;
    r->xseglist = model.csr.xseglist;
    r->xseglistsz = model.csr.xseglistsz;
    r->xsegva = model.csr.xsegva;
    r->xsegpa = model.csr.xsegpa;
    r->xseglen = model.csr.xseglen;
    r->xsegmask = model.csr.xsegmask;
    r->xcaller = model.csr.xcaller;
    xpc_regs_changed(t);
}

unsigned xpc_run_insn(struct thread *t, struct trap_frame *f, uint32_t insn, uint64_t rs1_value,
                      uint64_t *tval)
{
    xpc_sync(t);
    model_load(t);
    struct xpc_hart h = {.pc = f->sepc, .next_pc = f->sepc + 4, .satp = as_satp(t->proc->as)};
    unsigned exc = xpc_engine_execute(&model, insn, rs1_value, &h, &mem, tval, NULL);
    if (exc)
        return exc;
    model_store(t);
    f->sepc = h.new_pc;
    struct process *p = xproc_owner(t->xpc->r.xcap);
    t->proc = p ? p : t->home; /* satp follows on the way out (as_activate) */
    return 0;
}

/* ---- emulated accesses to the relay window ---- */

struct access {
    unsigned rd_or_rs2, size;
    bool store, is_signed, fp; /* fp: rd_or_rs2 names an FP register (flw/fld/fsw/fsd) */
    uint64_t va;
    unsigned len; /* instruction bytes */
};

static bool decode_access(uint32_t insn, const struct trap_frame *f, struct access *a)
{
    a->fp = false;
    if ((insn & 3) == 3) {
        unsigned op = insn & 0x7f, funct3 = (insn >> 12) & 7, rs1 = (insn >> 15) & 31;
        a->len = 4;
        if (op == 0x03 && funct3 != 7) {
            a->store = false;
            a->rd_or_rs2 = (insn >> 7) & 31;
            a->va = f->x[rs1] + (uint64_t)((int64_t)(int32_t)insn >> 20);
        } else if (op == 0x23 && funct3 <= 3) {
            a->store = true;
            a->rd_or_rs2 = (insn >> 20) & 31;
            int32_t imm = ((int32_t)(insn & 0xfe000000) >> 20) | (int32_t)((insn >> 7) & 31);
            a->va = f->x[rs1] + (uint64_t)(int64_t)imm;
        } else if ((op == 0x07 || op == 0x27) && (funct3 == 2 || funct3 == 3)) {
            a->fp = true; /* flw/fld, fsw/fsd */
            a->store = op == 0x27;
            a->rd_or_rs2 = a->store ? (insn >> 20) & 31 : (insn >> 7) & 31;
            int32_t imm = a->store
                              ? ((int32_t)(insn & 0xfe000000) >> 20) | (int32_t)((insn >> 7) & 31)
                              : (int32_t)insn >> 20;
            a->va = f->x[rs1] + (uint64_t)(int64_t)imm;
        } else {
            return false;
        }
        a->size = 1u << (funct3 & 3);
        a->is_signed = !(funct3 & 4);
        return true;
    }
    /* RVC: c.lw/c.ld/c.sw/c.sd (register-based) and their sp-based forms; c.fld/c.fsd and
     * c.fldsp/c.fsdsp (funct3 1 and 5) are the same shapes with doubles in FP registers. */
    unsigned q = insn & 3, funct3 = (insn >> 13) & 7;
    a->len = 2;
    a->is_signed = true;
    a->fp = funct3 == 1 || funct3 == 5;
    if (a->fp && q != 1)
        funct3 |= 2; /* decode as c.ld/c.sd (c.ldsp/c.sdsp): same offsets, 8 bytes */
    if (q == 0 && (funct3 == 2 || funct3 == 3 || funct3 == 6 || funct3 == 7)) {
        unsigned rs1 = 8 + ((insn >> 7) & 7), r2 = 8 + ((insn >> 2) & 7);
        bool dbl = funct3 & 1;
        uint64_t off =
            dbl ? (((insn >> 10) & 7) << 3) | (((insn >> 5) & 3) << 6)
                : (((insn >> 10) & 7) << 3) | (((insn >> 6) & 1) << 2) | (((insn >> 5) & 1) << 6);
        a->store = funct3 >= 6;
        a->size = dbl ? 8 : 4;
        a->rd_or_rs2 = r2;
        a->va = f->x[rs1] + off;
        return true;
    }
    if (q == 2 && (funct3 == 2 || funct3 == 3)) {
        bool dbl = funct3 == 3;
        uint64_t off =
            dbl ? (((insn >> 5) & 3) << 3) | (((insn >> 12) & 1) << 5) | (((insn >> 2) & 7) << 6)
                : (((insn >> 4) & 7) << 2) | (((insn >> 12) & 1) << 5) | (((insn >> 2) & 3) << 6);
        a->store = false;
        a->size = dbl ? 8 : 4;
        a->rd_or_rs2 = (insn >> 7) & 31;
        a->va = f->x[REG_SP] + off;
        return a->fp || a->rd_or_rs2 != 0;
    }
    if (q == 2 && (funct3 == 6 || funct3 == 7)) {
        bool dbl = funct3 == 7;
        uint64_t off = dbl ? (((insn >> 10) & 7) << 3) | (((insn >> 7) & 7) << 6)
                           : (((insn >> 9) & 15) << 2) | (((insn >> 7) & 3) << 6);
        a->store = true;
        a->size = dbl ? 8 : 4;
        a->rd_or_rs2 = (insn >> 2) & 31;
        a->va = f->x[REG_SP] + off;
        return true;
    }
    return false;
}

static bool emulate_access(struct thread *t, struct trap_frame *f, uint64_t tval)
{
    uint32_t insn;
    struct access a;
    if (!t->xpc || tval < RELAY_WINDOW_BASE || tval >= RELAY_WINDOW_LIMIT ||
        !fetch_user_insn(f->sepc, &insn) || !decode_access(insn, f, &a))
        return false;
    model_load(t);
    uint64_t pa;
    bool perm_fault;
    if (!xpc_seg_translate(&model, a.va, a.size, a.store, &pa, &perm_fault) || perm_fault)
        return false; /* not the segment's, or not allowed: the page fault stands */
    volatile uint8_t *p = phys_to_virt(pa);
    struct fp_context *fp = a.fp ? fpu_sync_to_memory(t) : NULL;
    if (a.fp && !fp)
        return false; /* no FP state: the instruction could not have run */
    if (a.store) {
        uint64_t v = a.fp ? fp->f[a.rd_or_rs2] : f->x[a.rd_or_rs2];
        for (unsigned i = 0; i < a.size; i++)
            p[i] = (uint8_t)(v >> (8 * i));
    } else {
        uint64_t v = 0;
        for (unsigned i = 0; i < a.size; i++)
            v |= (uint64_t)p[i] << (8 * i);
        if (a.fp) {
            fp->f[a.rd_or_rs2] = a.size == 4 ? v | 0xffffffff00000000ULL : v; /* NaN-boxed */
            fpu_context_changed(t);
        } else {
            if (a.is_signed && a.size < 8 && (v >> (8 * a.size - 1) & 1))
                v |= ~0ULL << (8 * a.size);
            if (a.rd_or_rs2)
                f->x[a.rd_or_rs2] = v;
        }
    }
    f->sepc += a.len;
    return true;
}

/* The U-mode XPC CSRs (xsegmask, xcaller, useg*), which trap while the engine is off. */
static bool emulate_csr(struct thread *t, struct trap_frame *f, uint32_t insn)
{
    unsigned funct3 = (insn >> 12) & 7, rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
    unsigned csr = insn >> 20;
    if ((insn & 0x7f) != 0x73 || (funct3 & 3) == 0)
        return false;
    if (csr != XPC_CSR_XSEGMASK && csr != XPC_CSR_XCALLER &&
        (csr < XPC_CSR_USEGVA || csr > XPC_CSR_USEGLEN))
        return false;
    if (!t->xpc && xpc_thread_activate(t) < 0)
        return false;
    model_load(t);
    uint64_t src = funct3 & 4 ? rs1 : f->x[rs1], old = 0;
    bool writes = (funct3 & 3) == 1 || rs1 != 0;
    if (xpc_csr_read(&model, csr, 0, &old) != XPC_CSR_OK)
        return false;
    if (writes) {
        uint64_t v = (funct3 & 3) == 1 ? src : (funct3 & 3) == 2 ? old | src : old & ~src;
        if (xpc_csr_write(&model, csr, 0, v) != XPC_CSR_OK)
            return false;
        model_store(t);
    }
    if (rd)
        f->x[rd] = old;
    f->sepc += 4;
    return true;
}

bool xpc_emulate(struct thread *t, struct trap_frame *f, uint64_t cause, uint64_t tval)
{
    if (xpc_mode != XPC_MODE_EMULATED)
        return false;
    if (cause == CAUSE_LOAD_PAGE_FAULT || cause == CAUSE_STORE_PAGE_FAULT)
        return emulate_access(t, f, tval);
    uint32_t insn;
    if (cause != CAUSE_ILLEGAL_INSN || !fetch_user_insn(f->sepc, &insn) || (insn & 3) != 3)
        return false;
    if (!xpc_is_custom0(insn))
        return emulate_csr(t, f, insn);
    if (!t->xpc && xpc_thread_activate(t) < 0) {
        f->x[REG_A0] = (uint64_t)ERR_NO_MEMORY;
        f->sepc += 4;
        return true;
    }
    uint64_t tval2;
    unsigned exc = xpc_run_insn(t, f, insn, f->x[(insn >> 15) & 31], &tval2);
    if (exc == XPC_EXC_ILLEGAL_INSN)
        return false; /* a reserved encoding: as illegal as on the engine */
    if (exc)
        return xpc_handle_exception(t, f, exc, tval2);
    return true;
}
