/* The engine's state: configuration, reset and the XPC CSRs with their access rules. */
#include "engine.h"

#include <string.h>

const char *xpc_engine_init(struct xpc_engine *e, const struct xpc_config *cfg)
{
    memset(e, 0, sizeof *e);
    if (!cfg)
        return "xpc: no engine configuration given";
    if (cfg->cache_entries > XPC_CACHE_MAX_ENTRIES)
        return "xpc: engine cache_entries is larger than XPC_CACHE_MAX_ENTRIES (64)";
    e->cfg = *cfg;
    return NULL;
}

void xpc_engine_reset(struct xpc_engine *e)
{
    struct xpc_config cfg = e->cfg;
    struct xpc_stats stats = e->stats;
    memset(e, 0, sizeof *e);
    e->cfg = cfg;
    e->stats = stats;
}

/* Where each XPC CSR lives, with the bits it keeps. */
static uint64_t *csr_field(struct xpc_engine *e, unsigned csrno, uint64_t *warl)
{
    struct xpc_csrs *c = &e->csr;
    *warl = ~0ULL;
    switch (csrno) {
    case XPC_CSR_XTBL: *warl = XPC_ALIGN8_MASK; return &c->xtbl;
    case XPC_CSR_XTBLSZ: return &c->xtblsz;
    case XPC_CSR_XCAP: *warl = XPC_ALIGN8_MASK; return &c->xcap;
    case XPC_CSR_XLINK: *warl = XPC_ALIGN8_MASK; return &c->xlink;
    case XPC_CSR_XLINKLIM: *warl = XPC_ALIGN8_MASK; return &c->xlinklim;
    case XPC_CSR_XSEGLIST: *warl = XPC_XSEGLIST_MASK; return &c->xseglist;
    case XPC_CSR_XSEGLISTSZ: *warl = XPC_XSEGLISTSZ_MASK; return &c->xseglistsz;
    case XPC_CSR_XCTL: *warl = XPC_XCTL_MASK; return &c->xctl;
    case XPC_CSR_XSEGVA: return &c->xsegva;
    case XPC_CSR_XSEGPA: return &c->xsegpa;
    case XPC_CSR_XSEGLEN: *warl = XPC_SEGLEN_MASK; return &c->xseglen;
    case XPC_CSR_XSEGMASK: return &c->xsegmask;
    case XPC_CSR_XCALLER: return &c->xcaller;
    case XPC_CSR_SXCALLER: *warl = XPC_ALIGN8_MASK; return &c->xcaller;
    case XPC_CSR_USEGVA: return &c->xsegva;
    case XPC_CSR_USEGPA: return &c->xsegpa;
    case XPC_CSR_USEGLEN: return &c->xseglen;
    default: return NULL;
    }
}

/* The standard rule: CSR number bits 9:8 are the lowest privilege that may access it. Beyond
 * it, the U-mode views vanish from U-mode while the engine is off, so a kernel can emulate. */
static bool access_allowed(const struct xpc_engine *e, unsigned csrno, unsigned priv)
{
    unsigned min_priv = (csrno >> 8) & 3;
    if (priv < min_priv)
        return false;
    if (priv == 0 && !xpc_enabled(e))
        return false;
    return true;
}

enum xpc_csr_result xpc_csr_read(const struct xpc_engine *e, unsigned csrno, unsigned priv,
                                 uint64_t *val)
{
    uint64_t warl;
    /* csr_field only computes an address; the engine is not modified here. */
    const uint64_t *f = csr_field((struct xpc_engine *)e, csrno, &warl);
    if (!f)
        return XPC_CSR_NOT_MINE;
    if (!access_allowed(e, csrno, priv))
        return XPC_CSR_ILLEGAL;
    /* A user thread sees where its segment is in its own address space, never where it is in
     * physical memory. */
    *val = (csrno == XPC_CSR_USEGPA && priv == 0) ? 0 : *f;
    return XPC_CSR_OK;
}

enum xpc_csr_result xpc_csr_write(struct xpc_engine *e, unsigned csrno, unsigned priv, uint64_t val)
{
    uint64_t warl;
    uint64_t *f = csr_field(e, csrno, &warl);
    if (!f)
        return XPC_CSR_NOT_MINE;
    if (!access_allowed(e, csrno, priv) || ((csrno >> 10) & 3) == 3)
        return XPC_CSR_ILLEGAL;
    if (csrno == XPC_CSR_XCTL) {
        if (val & XPC_XCTL_FLUSH)
            xpc_cache_flush(e);
        if (!e->cfg.nonblocking_link)
            warl &= ~XPC_XCTL_NONBLOCK_LINK;
    }
    *f = val & warl;
    if (csrno == XPC_CSR_XSEGVA || csrno == XPC_CSR_XSEGPA || csrno == XPC_CSR_XSEGLEN)
        e->seg_generation++;
    return XPC_CSR_OK;
}
