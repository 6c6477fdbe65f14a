/* The three XPC instructions. Each one first does every check and every memory read, then
 * writes its memory words (undoing them if the bus refuses one), and only then changes CSRs,
 * the cache and the hart: so a fault, whichever it is, leaves the machine exactly as it was. */
#include "cache.h"

#include <string.h>

/* One instruction's memory traffic, recorded for the cycle model. */
struct access {
    struct xpc_engine *e;
    const struct xpc_mem *mem;
    struct xpc_cost *cost;
    uint64_t *tval;
};

static unsigned load(struct access *a, uint64_t pa, uint64_t *v)
{
    if (a->cost->nreads < XPC_COST_MAX_ACCESSES)
        a->cost->read_pa[a->cost->nreads++] = pa;
    if (a->mem->load64(a->mem->opaque, pa, v))
        return 0;
    *a->tval = pa;
    a->e->stats.access_faults++;
    return XPC_EXC_LOAD_ACCESS;
}

/* Stores n words at consecutive addresses from pa, all or none. The old contents are read
 * first (not hardware traffic: the model's way of undoing a partial write), so a bus error on
 * any word restores the ones already written. */
static unsigned store_words(struct access *a, uint64_t pa, const uint64_t *v, unsigned n)
{
    uint64_t old[XPC_COST_MAX_ACCESSES];
    for (unsigned i = 0; i < n; i++) {
        if (!a->mem->load64(a->mem->opaque, pa + 8 * i, &old[i])) {
            *a->tval = pa + 8 * i;
            a->e->stats.access_faults++;
            return XPC_EXC_STORE_ACCESS;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if (a->cost->nwrites < XPC_COST_MAX_ACCESSES)
            a->cost->write_pa[a->cost->nwrites++] = pa + 8 * i;
        if (!a->mem->store64(a->mem->opaque, pa + 8 * i, v[i])) {
            *a->tval = pa + 8 * i;
            while (i-- > 0)
                a->mem->store64(a->mem->opaque, pa + 8 * i, old[i]);
            a->e->stats.access_faults++;
            return XPC_EXC_STORE_ACCESS;
        }
    }
    return 0;
}

static unsigned xpc_fault(struct xpc_engine *e, unsigned cause)
{
    e->stats.faults[cause - XPC_CAUSE_INVALID_XENTRY]++;
    return cause;
}

static void begin(struct xpc_cost *cost, unsigned kind, struct xpc_hart *h, uint64_t *tval)
{
    memset(cost, 0, sizeof *cost);
    cost->kind = kind;
    h->new_pc = h->next_pc;
    h->new_satp = h->satp;
    h->satp_changed = false;
    *tval = 0;
}

static void set_satp(struct xpc_hart *h, struct xpc_cost *cost, uint64_t satp)
{
    h->new_satp = satp;
    h->satp_changed = satp != h->satp;
    cost->satp_changed = h->satp_changed;
}

/* The segment a callee receives: the caller's, narrowed by a non-zero mask to
 * [va + off, va + off + len), with the same permission. */
static void narrow(uint64_t mask, uint64_t va, uint64_t pa, uint64_t lenperm, uint64_t out[3])
{
    out[0] = va;
    out[1] = pa;
    out[2] = lenperm & XPC_SEGLEN_MASK;
    if (mask == 0)
        return;
    uint64_t off = mask & XPC_SEGMASK_OFF_MASK;
    out[0] = va + off;
    out[1] = pa + off;
    out[2] = (mask >> XPC_SEGMASK_LEN_SHIFT) | (lenperm & XPC_SEG_PERM_MASK);
}

static bool mask_fits(uint64_t mask, uint64_t lenperm)
{
    if (mask == 0)
        return true;
    uint64_t off = mask & XPC_SEGMASK_OFF_MASK;
    uint64_t len = mask >> XPC_SEGMASK_LEN_SHIFT;
    uint64_t seglen = lenperm & XPC_SEG_LEN_MASK;
    return len != 0 && off <= seglen && len <= seglen - off;
}

/* The x-entry and the cap bit from the engine cache where it can vouch for them, else from
 * memory. Loads nothing the check order does not need yet: the bitmap word first. */
static unsigned fetch_cap(struct access *a, uint64_t id, struct xpc_cache_line *line, bool *cap)
{
    struct xpc_engine *e = a->e;
    if (line && line->cap_valid && line->cap_xcap == e->csr.xcap) {
        a->cost->cap_hit = true;
        *cap = line->cap;
        return 0;
    }
    uint64_t bits;
    a->cost->cap_pa = e->csr.xcap + XPC_CAP_WORD_OFFSET(id);
    unsigned exc = load(a, a->cost->cap_pa, &bits);
    *cap = (bits & XPC_CAP_BIT(id)) != 0;
    return exc;
}

static unsigned fetch_entry(struct access *a, uint64_t id, struct xpc_cache_line *line,
                            uint64_t w[4])
{
    if (line) {
        a->cost->entry_hit = true;
        memcpy(w, line->word, 4 * sizeof w[0]);
        return 0;
    }
    uint64_t base = a->e->csr.xtbl + (id << XPC_XENTRY_SHIFT);
    a->cost->entry_pa = base;
    for (unsigned i = 0; i < 4; i++) {
        unsigned exc = load(a, base + 8 * i, &w[i]);
        if (exc)
            return exc;
    }
    return 0;
}

/* The negative-ID form: a hint, so it never faults and only ever fills the cache. */
static void prefetch(struct access *a, uint64_t id)
{
    struct xpc_engine *e = a->e;
    uint64_t scratch_tval = 0, w[4];
    bool cap;
    e->stats.prefetches++;
    a->cost->is_prefetch = true;
    a->tval = &scratch_tval;
    if (!xpc_cache_active(e) || id >= e->csr.xtblsz)
        return;
    a->cost->cache_lookup = true;
    struct xpc_cache_line *line = xpc_cache_lookup(e, id);
    if (line && line->cap_valid && line->cap_xcap == e->csr.xcap) {
        a->cost->entry_hit = a->cost->cap_hit = true;
        xpc_cache_touch(e, line);
        return;
    }
    if (fetch_cap(a, id, line, &cap) || fetch_entry(a, id, line, w))
        return;
    xpc_cache_fill(e, id, w, e->csr.xcap, cap);
}

unsigned xpc_xcall(struct xpc_engine *e, uint64_t rs1, struct xpc_hart *h,
                   const struct xpc_mem *mem, uint64_t *tval, struct xpc_cost *cost)
{
    struct xpc_cost scratch;
    struct access a = {e, mem, cost ? cost : &scratch, tval};
    begin(a.cost, XPC_FUNCT7_XCALL, h, tval);
    if (!xpc_enabled(e))
        return XPC_EXC_ILLEGAL_INSN;
    if (rs1 >> 63) {
        prefetch(&a, ~rs1);
        return 0;
    }
    struct xpc_csrs *c = &e->csr;
    uint64_t id = rs1, w[4];
    bool cap;
    unsigned exc;
    *tval = id;

    /* Checks, in the brief's order (3.4). */
    if (id >= c->xtblsz)
        return xpc_fault(e, XPC_CAUSE_INVALID_XENTRY);
    a.cost->cache_lookup = xpc_cache_active(e);
    struct xpc_cache_line *line = xpc_cache_lookup(e, id);
    if ((exc = fetch_cap(&a, id, line, &cap)))
        return exc;
    if (!cap)
        return xpc_fault(e, XPC_CAUSE_INVALID_XCALLCAP);
    if ((exc = fetch_entry(&a, id, line, w)))
        return exc;
    if (!(w[3] & XPC_XENTRY_VALID))
        return xpc_fault(e, XPC_CAUSE_INVALID_XENTRY);
    if (!mask_fits(c->xsegmask, c->xseglen))
        return xpc_fault(e, XPC_CAUSE_INVALID_SEGMASK);
    if (c->xlink > c->xlinklim || c->xlinklim - c->xlink < XPC_LINK_RECORD_SIZE)
        return xpc_fault(e, XPC_CAUSE_LINK_OVERFLOW);

    /* Push the linkage record. */
    uint64_t rec[XPC_LINK_ENGINE_WORDS] = {
        h->next_pc,
        h->satp,
        c->xcap,
        c->xseglist | (c->xseglistsz << XPC_SEGLIST_COUNT_SHIFT),
        c->xsegva,
        c->xsegpa,
        c->xseglen,
        c->xsegmask,
        c->xcaller | XPC_LINK_VALID,
    };
    a.cost->link_pa = c->xlink;
    if ((exc = store_words(&a, c->xlink, rec, XPC_LINK_ENGINE_WORDS)))
        return exc;

    /* Commit. */
    a.cost->link_nonblocking = (c->xctl & XPC_XCTL_NONBLOCK_LINK) != 0;
    if (a.cost->cache_lookup) {
        if (a.cost->entry_hit && a.cost->cap_hit)
            e->stats.cache_hits++;
        else if (a.cost->entry_hit)
            e->stats.cache_cap_miss++;
        else
            e->stats.cache_misses++;
        xpc_cache_fill(e, id, w, c->xcap, cap);
    }
    uint64_t seg[3];
    narrow(c->xsegmask, c->xsegva, c->xsegpa, c->xseglen, seg);
    if (c->xsegmask)
        e->seg_generation++;
    c->xsegva = seg[0];
    c->xsegpa = seg[1];
    c->xseglen = seg[2];
    c->xsegmask = 0;
    c->xlink += XPC_LINK_RECORD_SIZE;
    c->xcaller = c->xcap;
    c->xcap = w[2] & XPC_ALIGN8_MASK;
    c->xseglist = w[3] & XPC_SEGLIST_ADDR_MASK;
    c->xseglistsz = w[3] >> XPC_SEGLIST_COUNT_SHIFT;
    set_satp(h, a.cost, w[1]);
    h->new_pc = w[0] & ~1ULL; /* as jalr: bit 0 is not an address bit */
    e->stats.xcalls++;
    *tval = 0;
    return 0;
}

unsigned xpc_xret(struct xpc_engine *e, struct xpc_hart *h, const struct xpc_mem *mem,
                  uint64_t *tval, struct xpc_cost *cost)
{
    struct xpc_cost scratch;
    struct access a = {e, mem, cost ? cost : &scratch, tval};
    begin(a.cost, XPC_FUNCT7_XRET, h, tval);
    if (!xpc_enabled(e))
        return XPC_EXC_ILLEGAL_INSN;
    struct xpc_csrs *c = &e->csr;
    uint64_t rec[XPC_LINK_ENGINE_WORDS], base = c->xlink - XPC_LINK_RECORD_SIZE;
    unsigned exc;

    if (c->xlink < XPC_LINK_RECORD_SIZE)
        return xpc_fault(e, XPC_CAUSE_INVALID_LINKAGE);
    a.cost->link_pa = base;
    if ((exc = load(&a, base + XPC_LINK_XCALLER, &rec[8])))
        return exc;
    if (!(rec[8] & XPC_LINK_VALID))
        return xpc_fault(e, XPC_CAUSE_INVALID_LINKAGE);
    for (unsigned i = 4; i < 8; i++)
        if ((exc = load(&a, base + 8 * i, &rec[i])))
            return exc;
    /* The callee must hand back exactly what it was given: the same window, the same
     * physical range and permission, so no segment can be forged or kept. */
    uint64_t given[3];
    narrow(rec[7], rec[4], rec[5], rec[6], given);
    if (given[0] != c->xsegva || given[1] != c->xsegpa || given[2] != c->xseglen)
        return xpc_fault(e, XPC_CAUSE_SEG_MISMATCH);
    for (unsigned i = 0; i < 4; i++)
        if ((exc = load(&a, base + 8 * i, &rec[i])))
            return exc;

    /* Commit: the record stays in memory (it is dead once xlink is below it). */
    bool seg_changed =
        c->xsegva != rec[4] || c->xsegpa != rec[5] || c->xseglen != (rec[6] & XPC_SEGLEN_MASK);
    if (seg_changed)
        e->seg_generation++;
    c->xsegva = rec[4];
    c->xsegpa = rec[5];
    c->xseglen = rec[6] & XPC_SEGLEN_MASK;
    c->xsegmask = 0;
    c->xlink = base;
    c->xcap = rec[2] & XPC_ALIGN8_MASK;
    c->xseglist = rec[3] & XPC_SEGLIST_ADDR_MASK;
    c->xseglistsz = rec[3] >> XPC_SEGLIST_COUNT_SHIFT;
    c->xcaller = rec[8] & XPC_ALIGN8_MASK;
    set_satp(h, a.cost, rec[1]);
    h->new_pc = rec[0] & ~1ULL;
    e->stats.xrets++;
    return 0;
}

unsigned xpc_swapseg(struct xpc_engine *e, uint64_t rs1, struct xpc_hart *h,
                     const struct xpc_mem *mem, uint64_t *tval, struct xpc_cost *cost)
{
    struct xpc_cost scratch;
    struct access a = {e, mem, cost ? cost : &scratch, tval};
    begin(a.cost, XPC_FUNCT7_SWAPSEG, h, tval);
    if (!xpc_enabled(e))
        return XPC_EXC_ILLEGAL_INSN;
    struct xpc_csrs *c = &e->csr;
    uint64_t in[3], out[3] = {c->xsegva, c->xsegpa, c->xseglen};
    unsigned exc;
    *tval = rs1;

    if (rs1 >= c->xseglistsz)
        return xpc_fault(e, XPC_CAUSE_INVALID_SWAPSEG);
    uint64_t base = c->xseglist + rs1 * XPC_SEGENT_SIZE;
    a.cost->seg_pa = base;
    for (unsigned i = 0; i < 3; i++)
        if ((exc = load(&a, base + 8 * i, &in[i])))
            return exc;
    if ((exc = store_words(&a, base, out, 3)))
        return exc;

    c->xsegva = in[0];
    c->xsegpa = in[1];
    c->xseglen = in[2] & XPC_SEGLEN_MASK;
    e->seg_generation++;
    e->stats.swapsegs++;
    *tval = 0;
    return 0;
}

unsigned xpc_engine_execute(struct xpc_engine *e, uint32_t insn, uint64_t rs1_value,
                            struct xpc_hart *h, const struct xpc_mem *mem, uint64_t *tval,
                            struct xpc_cost *cost)
{
    unsigned funct3 = (insn >> 12) & 7, funct7 = insn >> 25;
    unsigned rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31, rs2 = (insn >> 20) & 31;
    unsigned exc;
    bool reserved_ok = xpc_is_custom0(insn) && funct3 == XPC_FUNCT3 && rd == 0 && rs2 == 0;

    if (reserved_ok && funct7 == XPC_FUNCT7_XCALL)
        exc = xpc_xcall(e, rs1_value, h, mem, tval, cost);
    else if (reserved_ok && funct7 == XPC_FUNCT7_XRET && rs1 == 0)
        exc = xpc_xret(e, h, mem, tval, cost);
    else if (reserved_ok && funct7 == XPC_FUNCT7_SWAPSEG)
        exc = xpc_swapseg(e, rs1_value, h, mem, tval, cost);
    else {
        struct xpc_cost scratch;
        begin(cost ? cost : &scratch, funct7, h, tval);
        exc = XPC_EXC_ILLEGAL_INSN;
    }
    if (exc == XPC_EXC_ILLEGAL_INSN)
        *tval = insn;
    return exc;
}
