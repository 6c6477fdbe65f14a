/* PMP: the lowest-numbered entry that matches decides; M-mode is bound only by locked
 * entries; S and U fail when no entry matches, unless no entry is active at all (QEMU 7.2
 * allows everything then, and bare-metal programs that never touch PMP rely on it). */
#include "pmp.h"

enum { A_OFF = 0, A_TOR = 1, A_NA4 = 2, A_NAPOT = 3 };

/* The byte range [*lo, *hi) of entry i; false when the entry is off or empty. */
static bool entry_range(const struct csrs *c, unsigned i, uint64_t *lo, uint64_t *hi)
{
    unsigned a = (c->pmpcfg[i] & PMP_A) >> 3;
    uint64_t addr = c->pmpaddr[i];
    switch (a) {
    case A_TOR:
        *lo = i == 0 ? 0 : c->pmpaddr[i - 1] << 2;
        *hi = addr << 2;
        return *lo < *hi;
    case A_NA4:
        *lo = addr << 2;
        *hi = *lo + 4;
        return true;
    case A_NAPOT: {
        uint64_t mask = addr ^ (addr + 1); /* the trailing ones and the zero above them */
        *lo = (addr & ~mask) << 2;
        *hi = mask >= (1ULL << 61) ? UINT64_MAX : *lo + ((mask + 1) << 2);
        return true;
    }
    }
    return false;
}

void pmp_update(struct csrs *c)
{
    c->pmp_nranges = 0;
    c->pmp_any_active = false;
    for (unsigned i = 0; i < PMP_ENTRIES; i++) {
        struct pmp_range *r = &c->pmp_range[c->pmp_nranges];
        if (c->pmpcfg[i] & PMP_A)
            c->pmp_any_active = true;
        if (entry_range(c, i, &r->lo, &r->hi)) {
            r->cfg = c->pmpcfg[i];
            c->pmp_nranges++;
        }
    }
}

static bool entry_grants(uint8_t cfg, unsigned perm, unsigned mode)
{
    if (mode == PRIV_M && !(cfg & PMP_L))
        return true;
    return (cfg & perm) != 0;
}

bool pmp_allows(const struct csrs *c, uint64_t pa, unsigned perm, unsigned mode)
{
    for (unsigned i = 0; i < c->pmp_nranges; i++) {
        const struct pmp_range *r = &c->pmp_range[i];
        if (pa >= r->lo && pa < r->hi)
            return entry_grants(r->cfg, perm, mode);
    }
    return mode == PRIV_M || !c->pmp_any_active;
}

bool pmp_page_uniform(const struct csrs *c, uint64_t page, unsigned mode)
{
    (void)mode;
    uint64_t end = page + 4096;
    for (unsigned i = 0; i < c->pmp_nranges; i++) {
        const struct pmp_range *r = &c->pmp_range[i];
        if (r->hi <= page || r->lo >= end)
            continue;
        return r->lo <= page && r->hi >= end; /* the first overlapping entry must cover it all */
    }
    return true;
}
