/* The interpreter: runs one decoded block with threaded dispatch (computed goto).
 *
 * Ordinary instructions fall through to the next one in the block; anything that can change
 * the privilege, the translation or the control flow ends the block, so interrupts are checked
 * at block boundaries only. Retirement is counted once per block. */
#include "interp.h"

#include "block.h"
#include "machine.h"
#include "mmu.h"
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
    case OP_AMOSWAP_W: case OP_AMOSWAP_D: return src;
    case OP_AMOADD_W: case OP_AMOADD_D: return old + src;
    case OP_AMOXOR_W: case OP_AMOXOR_D: return old ^ src;
    case OP_AMOAND_W: case OP_AMOAND_D: return old & src;
    case OP_AMOOR_W: case OP_AMOOR_D: return old | src;
    case OP_AMOMIN_W: case OP_AMOMIN_D: return (int64_t)old < (int64_t)src ? old : src;
    case OP_AMOMAX_W: case OP_AMOMAX_D: return (int64_t)old > (int64_t)src ? old : src;
    case OP_AMOMINU_W:
        return (uint32_t)old < (uint32_t)src ? old : src;
    case OP_AMOMAXU_W:
        return (uint32_t)old > (uint32_t)src ? old : src;
    case OP_AMOMINU_D: return old < src ? old : src;
    case OP_AMOMAXU_D: return old > src ? old : src;
    }
    return old;
}

static bool exc(struct hart *h, uint64_t cause, uint64_t tval)
{
    h->exc_cause = cause;
    h->exc_tval = tval;
    return false;
}

/* AMOs and SC need write permission and are never emulated when misaligned (QEMU raises
 * store/AMO address misaligned as well). */
static bool amo_translate(struct hart *h, uint64_t va, unsigned size, uint64_t *pa)
{
    if (va & (size - 1))
        return exc(h, CAUSE_MISALIGNED_STORE, va);
    return mmu_translate_data(h, va, size, ACCESS_WRITE, true, pa);
}

static bool do_amo(struct hart *h, unsigned op, uint64_t va, uint64_t src, uint64_t *result)
{
    bool word = op <= OP_AMOMAXU_W;
    unsigned size = word ? 4 : 8;
    uint64_t pa, old;
    if (!amo_translate(h, va, size, &pa))
        return false;
    if (!bus_read(h->machine, pa, size, &old))
        return exc(h, CAUSE_STORE_ACCESS, va);
    if (!bus_write(h->machine, pa, size, amo_compute(op, old, src, word)))
        return exc(h, CAUSE_STORE_ACCESS, va);
    machine_store_hook(h->machine, pa);
    *result = word ? (uint64_t)(int64_t)(int32_t)old : old;
    return true;
}

static bool do_lr(struct hart *h, uint64_t va, unsigned size, uint64_t *result)
{
    uint64_t v;
    if (va & (size - 1))
        return exc(h, CAUSE_MISALIGNED_LOAD, va);
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
    if (va & (size - 1))
        return exc(h, CAUSE_MISALIGNED_STORE, va);
    if (!h->reservation_valid || h->reservation_va != va) {
        h->reservation_valid = false;
        *result = 1;
        return true;
    }
    h->reservation_valid = false;
    if (!amo_translate(h, va, size, &pa))
        return false;
    if (!bus_read(h->machine, pa, size, &cur))
        return exc(h, CAUSE_STORE_ACCESS, va);
    if (size == 4)
        cur = (uint64_t)(int64_t)(int32_t)cur;
    if (cur != h->reservation_val) {
        *result = 1;
        return true;
    }
    if (!bus_write(h->machine, pa, size, src))
        return exc(h, CAUSE_STORE_ACCESS, va);
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
        return exc(h, CAUSE_ILLEGAL_INSN, in->raw);
    if (in->op == OP_CSRRS || in->op == OP_CSRRSI)
        val = old | src;
    else if (in->op == OP_CSRRC || in->op == OP_CSRRCI)
        val = old & ~src;
    if (writes && !csr_write(h, csr, val))
        return exc(h, CAUSE_ILLEGAL_INSN, in->raw);
    *result = old;
    return true;
}

static bool do_system(struct hart *h, const struct insn *in)
{
    uint64_t s = h->csr.mstatus;
    switch (in->op) {
    case OP_MRET:
        if (h->priv < PRIV_M)
            return exc(h, CAUSE_ILLEGAL_INSN, in->raw);
        hart_mret(h);
        return true;
    case OP_SRET:
        if (h->priv < PRIV_S || (h->priv == PRIV_S && (s & MSTATUS_TSR)))
            return exc(h, CAUSE_ILLEGAL_INSN, in->raw);
        hart_sret(h);
        return true;
    case OP_WFI:
        /* As QEMU: WFI is illegal in U-mode, and in S-mode when mstatus.TW is set. */
        if (h->priv == PRIV_U || (h->priv == PRIV_S && (s & MSTATUS_TW)))
            return exc(h, CAUSE_ILLEGAL_INSN, in->raw);
        h->wfi = true;
        h->pc += in->len;
        return true;
    case OP_SFENCE_VMA:
        if (h->priv == PRIV_U || (h->priv == PRIV_S && (s & MSTATUS_TVM)))
            return exc(h, CAUSE_ILLEGAL_INSN, in->raw);
        /* The soft TLB holds 4 KiB pieces of superpages too, so even an sfence.vma for one
         * address empties it: simple, and always correct. */
        tlb_flush_all(h);
        h->pc += in->len;
        return true;
    case OP_FENCE_I:
        /* Stores to code pages already invalidate; this also covers code written by devices. */
        block_cache_flush(h->blocks);
        memset(h->machine->code_page, 0, h->machine->ram_size >> 12);
        h->pc += in->len;
        return true;
    }
    return exc(h, CAUSE_ILLEGAL_INSN, in->raw);
}

#define TIMED 0
#include "interp_body.h"
#undef TIMED

#define TIMED 1
#include "interp_body.h"
#undef TIMED
