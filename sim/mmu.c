/* Sv39/Sv48 translation (privileged spec 1.12, §4.3.2 and §4.5), the soft TLB and the slow
 * paths of guest loads and stores. */
#include "mmu.h"

#include "block.h"
#include "log.h"
#include "machine.h"
#include "pmp.h"
#include "xpc_glue.h"

static const uint8_t page_fault_cause[3] = {CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT,
                                            CAUSE_FETCH_PAGE_FAULT};
static const uint8_t access_fault_cause[3] = {CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS,
                                              CAUSE_FETCH_ACCESS};

static void tlb_clear(struct tlb_entry *e, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        e[i].tag = TLB_EMPTY_TAG;
}

void tlb_flush_all(struct hart *h)
{
    block_cache_unlink_all(h->blocks);
    for (unsigned m = 0; m < TLB_MODES; m++) {
        tlb_clear(h->tlb[m].read, TLB_SETS);
        tlb_clear(h->tlb[m].write, TLB_SETS);
        tlb_clear(h->tlb[m].exec, TLB_SETS);
    }
    h->nsuperpages = 0;
}

void tlb_flush_write_page(struct hart *h, uint64_t page_pa)
{
    for (unsigned m = 0; m < TLB_MODES; m++)
        for (unsigned i = 0; i < TLB_SETS; i++)
            if (h->tlb[m].write[i].pa_page == page_pa)
                h->tlb[m].write[i].tag = TLB_EMPTY_TAG;
}

static void drop_if_page(struct tlb_entry *e, uint64_t page)
{
    if ((e->tag & ~PAGE_OFFSET_MASK) == page)
        e->tag = TLB_EMPTY_TAG;
}

void tlb_flush_va(struct hart *h, uint64_t va)
{
    unsigned i = tlb_index(va);
    for (unsigned m = 0; m < TLB_MODES; m++) {
        drop_if_page(&h->tlb[m].read[i], PAGE_BASE(va));
        drop_if_page(&h->tlb[m].write[i], PAGE_BASE(va));
        drop_if_page(&h->tlb[m].exec[i], PAGE_BASE(va));
    }
}

static void drop_if_in(struct tlb_entry *e, uint64_t first, uint64_t last)
{
    uint64_t page = e->tag & ~PAGE_OFFSET_MASK;
    if (e->tag != TLB_EMPTY_TAG && page >= first && page <= last)
        e->tag = TLB_EMPTY_TAG;
}

void tlb_flush_va_range(struct hart *h, uint64_t first, uint64_t last)
{
    first = PAGE_BASE(first);
    last = PAGE_BASE(last);
    if ((last - first) >> PAGE_SHIFT < TLB_SETS) {
        for (uint64_t p = first;; p += PAGE_SIZE) {
            tlb_flush_va(h, p);
            if (p == last)
                break;
        }
        return;
    }
    for (unsigned m = 0; m < TLB_MODES; m++)
        for (unsigned i = 0; i < TLB_SETS; i++) {
            drop_if_in(&h->tlb[m].read[i], first, last);
            drop_if_in(&h->tlb[m].write[i], first, last);
            drop_if_in(&h->tlb[m].exec[i], first, last);
        }
}

/* The soft TLB caches a superpage as 4 KiB pieces, each in its own set; remember the virtual
 * range they come from, merging neighbours, so that an sfence.vma for one address knows when
 * it must drop more than one page. The ranges only ever grow until the next full flush. */
static void note_superpage(struct hart *h, uint64_t lo, uint64_t hi)
{
    unsigned n = h->nsuperpages, nearest = 0;
    uint64_t nearest_gap = UINT64_MAX;
    for (unsigned i = 0; i < n; i++) {
        uint64_t rlo = h->superpages[i].lo, rhi = h->superpages[i].hi;
        uint64_t gap = lo > rhi ? lo - rhi : rlo > hi ? rlo - hi : 0;
        if (gap < nearest_gap) {
            nearest_gap = gap;
            nearest = i;
        }
    }
    if (nearest_gap > 1 && n < TLB_SUPERPAGE_RANGES) { /* neither overlapping nor adjacent */
        h->superpages[n].lo = lo;
        h->superpages[n].hi = hi;
        h->nsuperpages = n + 1;
        return;
    }
    if (lo < h->superpages[nearest].lo)
        h->superpages[nearest].lo = lo;
    if (hi > h->superpages[nearest].hi)
        h->superpages[nearest].hi = hi;
}

static bool in_superpage(const struct hart *h, uint64_t va)
{
    for (unsigned i = 0; i < h->nsuperpages; i++)
        if (va >= h->superpages[i].lo && va <= h->superpages[i].hi)
            return true;
    return false;
}

/* Entries tagged with an ASID's old tag can no longer hit once the ASID gets a new one. */
static void forget_asid(struct hart *h, uint16_t asid)
{
    if (!h->asid_tag[asid])
        return;
    h->asid_tag[asid] = 0;
    hart_update_mode(h); /* a new tag for it if it is the current address space */
}

void mmu_sfence(struct hart *h, bool all_va, uint64_t va, bool all_asid, uint16_t asid)
{
    if (all_va || in_superpage(h, va)) {
        if (all_asid)
            tlb_flush_all(h);
        else
            forget_asid(h, asid); /* global mappings need not go (privileged spec §4.2.1) */
        return;
    }
    tlb_flush_va(h, va);
    /* A link may lead to code fetched through the old translation. */
    block_cache_unlink_all(h->blocks);
}

static bool satp_translates(const struct hart *h, unsigned mode)
{
    return mode != PRIV_M && (h->csr.satp >> SATP_MODE_SHIFT) != SATP_MODE_BARE;
}

/* Walk the page table. On success *pa is the physical address and *pte_flags the leaf's. */
static bool walk(struct hart *h, uint64_t va, enum access acc, unsigned mode, uint64_t *pa,
                 uint64_t *span)
{
    uint64_t satp = h->csr.satp;
    unsigned levels = (satp >> SATP_MODE_SHIFT) == SATP_MODE_SV48 ? 4 : 3;
    unsigned va_bits = PAGE_SHIFT + PT_INDEX_BITS * levels;
    /* The upper bits must all equal the top bit of the VA, else the address is not canonical. */
    int64_t top = (int64_t)va >> (va_bits - 1);
    if (top != 0 && top != -1)
        return hart_exception(h, page_fault_cause[acc], va);

    uint64_t base = (satp & SATP_PPN_MASK) << PAGE_SHIFT;
    uint64_t status = h->csr.mstatus;
    for (int level = (int)levels - 1; level >= 0; level--) {
        uint64_t pte_addr = base + PT_INDEX(va, level) * 8;
        uint64_t pte;
        /* The walk's reads are S-mode accesses as far as PMP is concerned. */
        if (!pmp_allows(&h->csr, pte_addr, PMP_R, PRIV_S) ||
            !bus_read(h->machine, pte_addr, 8, &pte))
            return hart_exception(h, access_fault_cause[acc], va);
        if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)))
            return hart_exception(h, page_fault_cause[acc], va);
        /* Bits 63:54 are reserved without Svpbmt/Svnapot and must be zero. */
        if (pte >> 54)
            return hart_exception(h, page_fault_cause[acc], va);
        uint64_t ppn = PTE_PPN(pte);
        if (!(pte & (PTE_R | PTE_X))) {
            /* A pointer to the next level; A, D and U are reserved here. */
            if (level == 0 || (pte & (PTE_A | PTE_D | PTE_U)))
                return hart_exception(h, page_fault_cause[acc], va);
            base = ppn << PAGE_SHIFT;
            continue;
        }
        /* Leaf: permissions. */
        if (mode == PRIV_U && !(pte & PTE_U))
            return hart_exception(h, page_fault_cause[acc], va);
        if (mode == PRIV_S && (pte & PTE_U) && (acc == ACCESS_EXEC || !(status & MSTATUS_SUM)))
            return hart_exception(h, page_fault_cause[acc], va);
        bool ok = acc == ACCESS_EXEC ? (pte & PTE_X)
                  : acc == ACCESS_WRITE
                      ? (pte & PTE_W)
                      : (pte & PTE_R) || ((status & MSTATUS_MXR) && (pte & PTE_X));
        if (!ok)
            return hart_exception(h, page_fault_cause[acc], va);
        uint64_t low_mask = (1ULL << (PT_INDEX_BITS * level)) - 1;
        if (ppn & low_mask) /* misaligned superpage */
            return hart_exception(h, page_fault_cause[acc], va);
        /* The hardware sets A and D, as QEMU does (Svade is not implemented). */
        uint64_t want = PTE_A | (acc == ACCESS_WRITE ? PTE_D : 0);
        if ((pte & want) != want) {
            pte |= want;
            if (!pmp_allows(&h->csr, pte_addr, PMP_W, PRIV_S) ||
                !bus_write(h->machine, pte_addr, 8, pte))
                return hart_exception(h, access_fault_cause[acc], va);
            machine_store_hook(h->machine, pte_addr);
        }
        *span = 1ULL << (PAGE_SHIFT + PT_INDEX_BITS * level);
        *pa = ((ppn & ~low_mask) << PAGE_SHIFT) | (va & (*span - 1));
        return true;
    }
    return hart_exception(h, page_fault_cause[acc], va);
}

unsigned mmu_walk_addresses(struct hart *h, uint64_t va, uint64_t satp, uint64_t pas[5], bool *leaf)
{
    unsigned levels = (satp >> SATP_MODE_SHIFT) == SATP_MODE_SV48 ? 4 : 3, n = 0;
    uint64_t base = (satp & SATP_PPN_MASK) << PAGE_SHIFT;
    *leaf = false;
    if ((satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE)
        return 0;
    for (int level = (int)levels - 1; level >= 0; level--) {
        uint64_t pte_addr = base + PT_INDEX(va, level) * 8, pte;
        pas[n++] = pte_addr;
        if (!bus_read(h->machine, pte_addr, 8, &pte) || !(pte & PTE_V))
            break;
        if (pte & (PTE_R | PTE_X)) {
            *leaf = true;
            break;
        }
        base = PTE_PPN(pte) << PAGE_SHIFT;
    }
    return n;
}

uint64_t mmu_timing_pa(struct hart *h, uint64_t va)
{
    struct machine *m = h->machine;
    if (xpc_page_in_window(h, PAGE_BASE(va)))
        return va;
    uint64_t pa = va, satp = h->csr.satp;
    if (satp_translates(h, h->data_mode)) {
        unsigned levels = (satp >> SATP_MODE_SHIFT) == SATP_MODE_SV48 ? 4 : 3;
        uint64_t base = (satp & SATP_PPN_MASK) << PAGE_SHIFT;
        bool leaf = false;
        for (int level = (int)levels - 1; level >= 0 && !leaf; level--) {
            const uint8_t *p = bus_ram_ptr(m, base + PT_INDEX(va, level) * 8);
            uint64_t pte;
            if (!p)
                return va;
            memcpy(&pte, p, 8);
            if (!(pte & PTE_V))
                return va;
            if (pte & (PTE_R | PTE_X)) {
                uint64_t span = 1ULL << (PAGE_SHIFT + PT_INDEX_BITS * level);
                pa = ((PTE_PPN(pte) << PAGE_SHIFT) & ~(span - 1)) | (va & (span - 1));
                leaf = true;
            }
            base = PTE_PPN(pte) << PAGE_SHIFT;
        }
        if (!leaf)
            return va;
    }
    return bus_ram_ptr(m, pa) ? pa : va;
}

/* Which of tlb[] an access in privilege `mode` fills: fetches by privilege, data accesses by
 * privilege and, in S-mode, SUM. */
static unsigned tlb_slot(const struct hart *h, enum access acc, unsigned mode)
{
    if (acc != ACCESS_EXEC && mode == PRIV_S && (h->csr.mstatus & MSTATUS_SUM))
        return TLB_SLOT_S_SUM;
    return mode;
}

static void tlb_fill(struct hart *h, uint64_t va, uint64_t pa, enum access acc, unsigned mode,
                     uint64_t asid, uint64_t span)
{
    struct machine *m = h->machine;
    uint8_t *host = bus_ram_ptr(m, pa & ~PAGE_OFFSET_MASK);
    struct tlb *t = &h->tlb[tlb_slot(h, acc, mode)];
    struct tlb_entry *e = acc == ACCESS_READ    ? &t->read[tlb_index(va)]
                          : acc == ACCESS_WRITE ? &t->write[tlb_index(va)]
                                                : &t->exec[tlb_index(va)];
    if (acc != ACCESS_EXEC) {
        /* A hit on a page of the relay-segment window would bypass the segment. */
        if (xpc_page_in_window(h, va & ~PAGE_OFFSET_MASK))
            return;
        /* Nor may a hit skip a data trigger's check. */
        if ((h->trig.load | h->trig.store) && trigger_watches_page(h, va & ~0xfffULL, acc))
            return;
        /* Only whole RAM pages are mapped by the fast path; devices always take the slow one. */
        if (!host || !bus_ram_ptr(m, PAGE_BASE(pa) + PAGE_OFFSET_MASK))
            return;
        /* Stores to pages with decoded code (or HTIF's tohost) must be seen by the machine. */
        if (acc == ACCESS_WRITE &&
            (m->code_page[(pa - m->ram_base) >> PAGE_SHIFT] || PAGE_BASE(pa) == m->tohost_page))
            return;
    }
    e->tag = PAGE_BASE(va) | asid;
    e->addend = host ? (uintptr_t)host - (uintptr_t)PAGE_BASE(va) : 0;
    e->pa_page = pa & ~PAGE_OFFSET_MASK;
    if (span > PAGE_SIZE)
        note_superpage(h, va & ~(span - 1), (va & ~(span - 1)) + (span - 1));
}

bool mmu_translate(struct hart *h, uint64_t va, enum access acc, unsigned mode, uint64_t *pa)
{
    uint64_t asid = 0, span = PAGE_SIZE;
    if (satp_translates(h, mode)) {
        bool ok = walk(h, va, acc, mode, pa, &span);
        log_if(LOG_MMU, ok ? "mmu: %c-mode %c va 0x%016llx -> pa 0x%016llx\n"
                           : "mmu: %c-mode %c va 0x%016llx -> page fault\n",
               "US?M"[mode & 3], "RWX"[acc], (unsigned long long)va,
               (unsigned long long)(ok ? *pa : 0));
        if (!ok)
            return false;
        asid = acc == ACCESS_EXEC ? h->fetch_asid : h->data_asid;
    } else {
        *pa = va;
    }
    static const uint8_t perm[3] = {PMP_R, PMP_W, PMP_X};
    if (!pmp_allows(&h->csr, *pa, perm[acc], mode))
        return hart_exception(h, access_fault_cause[acc], va);
    if (pmp_page_uniform(&h->csr, *pa & ~PAGE_OFFSET_MASK, mode))
        tlb_fill(h, va, *pa, acc, mode, asid, span);
    return true;
}

bool mmu_fetch_pa(struct hart *h, uint64_t va, uint64_t *pa)
{
    const struct tlb_entry *e = &h->tlb[h->priv].exec[tlb_index(va)];
    if (e->tag == (PAGE_BASE(va) | h->fetch_asid)) {
        *pa = e->pa_page | (va & PAGE_OFFSET_MASK);
        return true;
    }
    return mmu_translate(h, va, ACCESS_EXEC, h->priv, pa);
}

/* Misaligned loads and stores are carried out byte by byte, as QEMU does for plain accesses;
 * a fault reports the first byte that faulted (the start of the unmapped page), as QEMU does. */
static bool load_misaligned(struct hart *h, uint64_t va, unsigned size, uint64_t *val)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t b;
        if (!mem_load_slow(h, va + i, 1, &b))
            return false;
        v |= b << (8 * i);
    }
    *val = v;
    return true;
}

static bool store_misaligned(struct hart *h, uint64_t va, unsigned size, uint64_t val)
{
    uint64_t pa;
    /* Translate every byte first so that a fault leaves memory untouched. */
    for (unsigned i = 0; i < size; i++)
        if (!mmu_translate_data(h, va + i, 1, ACCESS_WRITE, false, &pa))
            return false;
    for (unsigned i = 0; i < size; i++)
        if (!mem_store_slow(h, va + i, 1, (val >> (8 * i)) & 0xff))
            return false;
    return true;
}

bool mmu_translate_data(struct hart *h, uint64_t va, unsigned size, enum access acc, bool is_amo,
                        uint64_t *pa)
{
    bool seg;
    if ((h->trig.load | h->trig.store) && !trigger_check_data(h, va, size, acc, is_amo))
        return false;
    if (!xpc_data_translate(h, va, size, acc == ACCESS_WRITE, is_amo, &seg, pa))
        return false;
    return seg || mmu_translate(h, va, acc, h->data_mode, pa);
}

bool mem_load_slow(struct hart *h, uint64_t va, unsigned size, uint64_t *val)
{
    if (va & (size - 1))
        return load_misaligned(h, va, size, val);
    uint64_t pa;
    if (!mmu_translate_data(h, va, size, ACCESS_READ, false, &pa))
        return false;
    if (!bus_read(h->machine, pa, size, val))
        return hart_exception(h, CAUSE_LOAD_ACCESS, va);
    return true;
}

bool mem_store_slow(struct hart *h, uint64_t va, unsigned size, uint64_t val)
{
    if (va & (size - 1))
        return store_misaligned(h, va, size, val);
    uint64_t pa;
    if (!mmu_translate_data(h, va, size, ACCESS_WRITE, false, &pa))
        return false;
    if (!bus_write(h->machine, pa, size, val))
        return hart_exception(h, CAUSE_STORE_ACCESS, va);
    machine_store_hook(h->machine, pa);
    return true;
}
