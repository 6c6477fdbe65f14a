/* The interpreter: runs one decoded block with threaded dispatch (computed goto).
 *
 * Ordinary instructions fall through to the next one in the block; anything that can change
 * the privilege, the translation or the control flow ends the block, so interrupts are checked
 * at block boundaries only. Retirement is counted once per block. */
#include "interp.h"

#include "block.h"
#include "machine.h"
#include "fp_exec.h"
#include "mmu.h"
#include "timing/timing.h"
#include "xpc_glue.h"

static inline int64_t mulh64(int64_t a, int64_t b)
{
    return (int64_t)(((__int128)a * (__int128)b) >> 64);
}
static inline uint64_t mulhu64(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * (unsigned __int128)b) >> 64);
}
static inline int64_t mulhsu64(int64_t a, uint64_t b)
{
    return (int64_t)(((__int128)a * (__int128)(unsigned __int128)b) >> 64);
}

static inline uint64_t amo_compute(unsigned op, uint64_t old, uint64_t src, bool word)
{
    if (word) {
        old = (uint64_t)(int64_t)(int32_t)old;
        src = (uint64_t)(int64_t)(int32_t)src;
    }
    switch (op) {
    case OP_AMOSWAP_W:
    case OP_AMOSWAP_D: return src;
    case OP_AMOADD_W:
    case OP_AMOADD_D: return old + src;
    case OP_AMOXOR_W:
    case OP_AMOXOR_D: return old ^ src;
    case OP_AMOAND_W:
    case OP_AMOAND_D: return old & src;
    case OP_AMOOR_W:
    case OP_AMOOR_D: return old | src;
    case OP_AMOMIN_W:
    case OP_AMOMIN_D: return (int64_t)old < (int64_t)src ? old : src;
    case OP_AMOMAX_W:
    case OP_AMOMAX_D: return (int64_t)old > (int64_t)src ? old : src;
    case OP_AMOMINU_W: return (uint32_t)old < (uint32_t)src ? old : src;
    case OP_AMOMAXU_W: return (uint32_t)old > (uint32_t)src ? old : src;
    case OP_AMOMINU_D: return old < src ? old : src;
    case OP_AMOMAXU_D: return old > src ? old : src;
    }
    return old;
}

/* ---- The cycle model's view of each instruction (TIMED flavour only) ---- */

enum timing_class { TC_NONE, TC_ALU, TC_MUL, TC_MULW, TC_DIV, TC_DIVW };

static const uint8_t timing_class[OP_COUNT] = {
    [OP_NOP] = TC_ALU,    [OP_FENCE] = TC_ALU, [OP_LUI] = TC_ALU,    [OP_AUIPC] = TC_ALU,
    [OP_ADDI] = TC_ALU,   [OP_SLTI] = TC_ALU,  [OP_SLTIU] = TC_ALU,  [OP_XORI] = TC_ALU,
    [OP_ORI] = TC_ALU,    [OP_ANDI] = TC_ALU,  [OP_SLLI] = TC_ALU,   [OP_SRLI] = TC_ALU,
    [OP_SRAI] = TC_ALU,   [OP_ADD] = TC_ALU,   [OP_SUB] = TC_ALU,    [OP_SLL] = TC_ALU,
    [OP_SLT] = TC_ALU,    [OP_SLTU] = TC_ALU,  [OP_XOR] = TC_ALU,    [OP_SRL] = TC_ALU,
    [OP_SRA] = TC_ALU,    [OP_OR] = TC_ALU,    [OP_AND] = TC_ALU,    [OP_ADDIW] = TC_ALU,
    [OP_SLLIW] = TC_ALU,  [OP_SRLIW] = TC_ALU, [OP_SRAIW] = TC_ALU,  [OP_ADDW] = TC_ALU,
    [OP_SUBW] = TC_ALU,   [OP_SLLW] = TC_ALU,  [OP_SRLW] = TC_ALU,   [OP_SRAW] = TC_ALU,
    [OP_MUL] = TC_MUL,    [OP_MULH] = TC_MUL,  [OP_MULHSU] = TC_MUL, [OP_MULHU] = TC_MUL,
    [OP_MULW] = TC_MULW,  [OP_DIV] = TC_DIV,   [OP_DIVU] = TC_DIV,   [OP_REM] = TC_DIV,
    [OP_REMU] = TC_DIV,   [OP_DIVW] = TC_DIVW, [OP_DIVUW] = TC_DIVW, [OP_REMW] = TC_DIVW,
    [OP_REMUW] = TC_DIVW,
};

/* x0's sink (32) must not look like a busy register to the scoreboard. */
#define TREG(r) ((unsigned)(r)&31u)

static inline uint64_t fetch_satp(const struct hart *h)
{
    return h->priv == PRIV_M ? 0 : h->csr.satp;
}

static inline uint64_t data_satp(const struct hart *h)
{
    return h->data_mode == PRIV_M ? 0 : h->csr.satp;
}

static inline void timed_issue(struct hart *h, struct timing *t, const struct block *b,
                               const struct insn *in, uint64_t pc0)
{
    timing_itlb(t, pc0 + in->off, fetch_satp(h));
    timing_fetch(t, b->code_pa + in->off);
    switch (timing_class[in->op]) {
    case TC_ALU: timing_alu(t, TREG(in->rd), in->rs1, in->rs2); break;
    case TC_MUL: timing_muldiv(t, TIMING_MUL, TREG(in->rd), in->rs1, in->rs2); break;
    case TC_MULW: timing_muldiv(t, TIMING_MULW, TREG(in->rd), in->rs1, in->rs2); break;
    case TC_DIV: timing_muldiv(t, TIMING_DIV, TREG(in->rd), in->rs1, in->rs2); break;
    case TC_DIVW: timing_muldiv(t, TIMING_DIVW, TREG(in->rd), in->rs1, in->rs2); break;
    }
}

/* The physical address the access just used: usually the soft TLB holds it (the access filled
 * it); the pages it does not cache are looked up again, so the figure never depends on what the
 * soft TLB happens to hold. A device or the relay segment: the virtual address. */
static inline uint64_t accessed_pa(struct hart *h, uint64_t va, bool write)
{
    const struct tlb *tl = &h->tlb[h->data_slot];
    const struct tlb_entry *e = write ? &tl->write[tlb_index(va)] : &tl->read[tlb_index(va)];
    if (e->tag == (PAGE_BASE(va) | h->data_asid))
        return e->pa_page | (va & PAGE_OFFSET_MASK);
    return mmu_timing_pa(h, va);
}

static inline void timed_load(struct hart *h, struct timing *t, uint64_t va, unsigned size,
                              unsigned rd, unsigned rs1)
{
    timing_dtlb(t, va, data_satp(h));
    timing_load(t, accessed_pa(h, va, false), size, TREG(rd), rs1);
}

static inline void timed_store(struct hart *h, struct timing *t, uint64_t va, unsigned rs1,
                               unsigned rs2)
{
    timing_dtlb(t, va, data_satp(h));
    timing_store(t, accessed_pa(h, va, true), rs1, rs2);
}

static inline void timed_amo(struct hart *h, struct timing *t, uint64_t va, unsigned rd,
                             unsigned rs1, unsigned rs2)
{
    timing_dtlb(t, va, data_satp(h));
    timing_amo(t, accessed_pa(h, va, true), TREG(rd), rs1, rs2);
}

/* The return-address-stack hints of the unprivileged spec (§2.5): x1 and x5 are link registers. */
static inline unsigned jump_flags(const struct insn *in)
{
    unsigned rd = TREG(in->rd), rs1 = in->rs1;
    bool rd_link = rd == 1 || rd == 5, rs1_link = rs1 == 1 || rs1 == 5;
    unsigned f = rd_link ? TIMING_JUMP_CALL : 0;
    if (in->op == OP_JALR) {
        f |= TIMING_JUMP_INDIRECT;
        if (rs1_link && (!rd_link || rs1 != rd))
            f |= TIMING_JUMP_RETURN;
    }
    return f;
}

/* AMOs and SC need write permission and are never emulated when misaligned. QEMU 7.2 reports
 * a misaligned AMO as a *load* address-misaligned exception (it performs the load first); the
 * spec allows either cause, and the machine follows QEMU so that the two agree. */
static bool amo_translate(struct hart *h, uint64_t va, unsigned size, uint64_t *pa)
{
    if (va & (size - 1))
        return hart_exception(h, CAUSE_MISALIGNED_LOAD, va);
    return mmu_translate_data(h, va, size, ACCESS_WRITE, true, pa);
}

static bool do_amo(struct hart *h, unsigned op, uint64_t va, uint64_t src, uint64_t *result)
{
    bool word = op <= OP_AMOMAXU_W;
    unsigned size = word ? 4 : 8;
    uint64_t pa, old;
    void *p = (va & (size - 1)) ? NULL : mem_write_host(h, va);
    if (p) { /* a RAM page the write TLB maps: no device, code, segment or trigger on it */
        if (word) {
            uint32_t o;
            memcpy(&o, p, 4);
            uint32_t n = (uint32_t)amo_compute(op, o, src, true);
            memcpy(p, &n, 4);
            old = o;
        } else {
            memcpy(&old, p, 8);
            uint64_t n = amo_compute(op, old, src, false);
            memcpy(p, &n, 8);
        }
        *result = word ? (uint64_t)(int64_t)(int32_t)old : old;
        return true;
    }
    if (!amo_translate(h, va, size, &pa))
        return false;
    if (!bus_read(h->machine, pa, size, &old))
        return hart_exception(h, CAUSE_STORE_ACCESS, va);
    if (!bus_write(h->machine, pa, size, amo_compute(op, old, src, word)))
        return hart_exception(h, CAUSE_STORE_ACCESS, va);
    machine_store_hook(h->machine, pa);
    *result = word ? (uint64_t)(int64_t)(int32_t)old : old;
    return true;
}

static bool do_lr(struct hart *h, uint64_t va, unsigned size, uint64_t *result)
{
    uint64_t v;
    if (va & (size - 1))
        return hart_exception(h, CAUSE_MISALIGNED_LOAD, va);
    if (!(size == 4 ? mem_load32(h, va, &v) : mem_load64(h, va, &v)))
        return false;
    if (size == 4)
        v = (uint64_t)(int64_t)(int32_t)v;
    h->reservation_valid = true;
    h->reservation_va = va;
    h->reservation_val = v;
    *result = v;
    return true;
}

static bool do_sc(struct hart *h, uint64_t va, unsigned size, uint64_t src, uint64_t *result)
{
    uint64_t pa, cur;
    /* The reservation is checked first, so an SC to an address LR never reserved (a misaligned
     * one included) simply fails, as on QEMU. */
    if (!h->reservation_valid || h->reservation_va != va) {
        h->reservation_valid = false;
        *result = 1;
        return true;
    }
    h->reservation_valid = false;
    void *p = (va & (size - 1)) ? NULL : mem_write_host(h, va);
    if (p) { /* as in do_amo */
        if (size == 4) {
            int32_t c;
            memcpy(&c, p, 4);
            cur = (uint64_t)(int64_t)c;
        } else
            memcpy(&cur, p, 8);
        if (cur != h->reservation_val) {
            *result = 1;
            return true;
        }
        memcpy(p, &src, size); /* little-endian host: the low bytes */
        *result = 0;
        return true;
    }
    if (!amo_translate(h, va, size, &pa))
        return false;
    if (!bus_read(h->machine, pa, size, &cur))
        return hart_exception(h, CAUSE_STORE_ACCESS, va);
    if (size == 4)
        cur = (uint64_t)(int64_t)(int32_t)cur;
    if (cur != h->reservation_val) {
        *result = 1;
        return true;
    }
    if (!bus_write(h->machine, pa, size, src))
        return hart_exception(h, CAUSE_STORE_ACCESS, va);
    machine_store_hook(h->machine, pa);
    *result = 0;
    return true;
}

/* csrrw/csrrs/csrrc and their immediate forms. csrrw with rd = x0 does not read;
 * csrrs/csrrc with a zero source do not write (so they may read a read-only CSR). */
static bool do_csr(struct hart *h, const struct insn *in, uint64_t src, uint64_t *result)
{
    unsigned csr = (unsigned)in->imm;
    bool is_rw = in->op == OP_CSRRW || in->op == OP_CSRRWI;
    bool reads = !is_rw || in->rd != 32;
    bool writes = is_rw || in->rs1 != 0;
    uint64_t old = 0, val = src;
    if (reads && !csr_read(h, csr, &old))
        return hart_exception(h, CAUSE_ILLEGAL_INSN, in->raw);
    /* mip reads as the OR of the software bits and the device lines, but a read-modify-write
     * works on the software bits only (privileged spec §3.1.9): the PLIC's SEIP must not latch. */
    uint64_t base = csr == CSR_MIP ? h->csr.mip : old;
    if (in->op == OP_CSRRS || in->op == OP_CSRRSI)
        val = base | src;
    else if (in->op == OP_CSRRC || in->op == OP_CSRRCI)
        val = base & ~src;
    uint64_t old_satp = h->csr.satp;
    if (writes && !csr_write(h, csr, val))
        return hart_exception(h, CAUSE_ILLEGAL_INSN, in->raw);
    *result = old;
    if (h->timing) {
        timing_csr(h->timing, TREG(in->rd), in->op <= OP_CSRRC ? in->rs1 : 0);
        if (writes && csr == CSR_SATP)
            timing_satp_write(h->timing, old_satp, h->csr.satp);
        else if (writes)
            timing_flush(h->timing, TIMING_FLUSH_CSR);
    }
    return true;
}

/* FP loads and stores, out of line: they are rare next to integer ones, and keeping them out of
 * the interpreter's body keeps its hot handlers' registers free. */
static __attribute__((noinline)) bool fp_memory(struct hart *h, const struct insn *in)
{
    uint64_t va = h->x[in->rs1] + (uint64_t)(int64_t)in->imm, v;
    if (!fp_enabled(h))
        return hart_exception(h, CAUSE_ILLEGAL_INSN, in->raw);
    switch (in->op) {
    case OP_FLW:
        if (!mem_load32(h, va, &v))
            return false;
        h->f[in->rd] = fp_box_s((uint32_t)v);
        break;
    case OP_FLD:
        if (!mem_load64(h, va, &v))
            return false;
        h->f[in->rd] = v;
        break;
    case OP_FSW: return mem_store32(h, va, h->f[in->rs2]);
    default: return mem_store64(h, va, h->f[in->rs2]);
    }
    fp_dirty(h);
    return true;
}

static void timed_fp_memory(struct hart *h, struct timing *t, const struct insn *in)
{
    uint64_t va = h->x[in->rs1] + (uint64_t)(int64_t)in->imm;
    if (in->op == OP_FLW || in->op == OP_FLD)
        timed_load(h, t, va, in->op == OP_FLW ? 4 : 8, in->rd + 32u, in->rs1);
    else
        timed_store(h, t, va, in->rs1, in->rs2 + 32u);
}

static bool do_system(struct hart *h, const struct insn *in)
{
    uint64_t s = h->csr.mstatus;
    switch (in->op) {
    case OP_MRET:
        if (h->priv < PRIV_M)
            return hart_exception(h, CAUSE_ILLEGAL_INSN, in->raw);
        hart_mret(h);
        if (h->timing)
            timing_flush(h->timing, TIMING_FLUSH_XRET);
        return true;
    case OP_SRET:
        if (h->priv < PRIV_S || (h->priv == PRIV_S && (s & MSTATUS_TSR)))
            return hart_exception(h, CAUSE_ILLEGAL_INSN, in->raw);
        hart_sret(h);
        if (h->timing)
            timing_flush(h->timing, TIMING_FLUSH_XRET);
        return true;
    case OP_WFI:
        /* As QEMU: WFI is illegal in U-mode, and in S-mode when mstatus.TW is set. */
        if (h->priv == PRIV_U || (h->priv == PRIV_S && (s & MSTATUS_TW)))
            return hart_exception(h, CAUSE_ILLEGAL_INSN, in->raw);
        h->wfi = true;
        h->pc += in->len;
        return true;
    case OP_SFENCE_VMA:
        if (h->priv == PRIV_U || (h->priv == PRIV_S && (s & MSTATUS_TVM)))
            return hart_exception(h, CAUSE_ILLEGAL_INSN, in->raw);
        mmu_sfence(h, in->rs1 == 0, h->x[in->rs1], in->rs2 == 0, h->x[in->rs2] & 0xffff);
        if (h->timing)
            timing_sfence(h->timing, in->rs1 == 0, h->x[in->rs1], in->rs2 == 0,
                          h->x[in->rs2] & 0xffff);
        h->pc += in->len;
        return true;
    case OP_FENCE_I:
        /* Nothing to drop: every store to a page with decoded code (by the hart, a device, the
         * engine or a debugger) has already dropped that page's blocks (machine_store_hook). */
        if (h->timing)
            timing_flush(h->timing, TIMING_FLUSH_FENCE_I);
        h->pc += in->len;
        return true;
    }
    return hart_exception(h, CAUSE_ILLEGAL_INSN, in->raw);
}

#define TIMED 0
#include "interp_body.h"
#undef TIMED

#define TIMED 1
#include "interp_body.h"
#undef TIMED
