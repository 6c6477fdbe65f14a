/* Virtual memory: Sv39/Sv48 translation, the software TLB and guest loads and stores.
 *
 * The fast paths are guard clauses: an access within one page that is in the soft TLB is a
 * compare and an add; everything else (a miss, an access across a page boundary, a device, a
 * relay segment, a page with code on it) falls to the slow path in sim/mmu.c. */
#ifndef SIM_MMU_H
#define SIM_MMU_H

#include <stdint.h>
#include <string.h>

#include "cpu.h"

enum access { ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_EXEC = 2 };

/* Slow paths. On failure they return false with the exception in h->exc_cause/exc_tval. */
bool mem_load_slow(struct hart *h, uint64_t va, unsigned size, uint64_t *val);
bool mem_store_slow(struct hart *h, uint64_t va, unsigned size, uint64_t val);
/* Translate for an access of `acc` in privilege `mode`; fills the soft TLB where it may. */
bool mmu_translate(struct hart *h, uint64_t va, enum access acc, unsigned mode, uint64_t *pa);
/* A data access: the relay segment first, then the TLB and the page table. */
bool mmu_translate_data(struct hart *h, uint64_t va, unsigned size, enum access acc, bool is_amo,
                        uint64_t *pa);
/* The physical address of the instruction at va (for the block cache). */
bool mmu_fetch_pa(struct hart *h, uint64_t va, uint64_t *pa);
/* PTE addresses a walk of va reads (for the cycle model); returns how many, and in *leaf
 * whether the walk ends in a valid leaf (a faulting walk leaves nothing in a TLB). */
unsigned mmu_walk_addresses(struct hart *h, uint64_t va, uint64_t satp, uint64_t pas[5],
                            bool *leaf);

/* The physical address a data access to va used, for the cycle model: looked up without side
 * effects (no A/D update, no exception); va itself for the relay segment, a device or no
 * mapping, whose cost the model takes at the virtual address. */
uint64_t mmu_timing_pa(struct hart *h, uint64_t va);

void tlb_flush_all(struct hart *h);
/* Drop the write entries that map the physical page at page_pa (it now holds code). */
void tlb_flush_write_page(struct hart *h, uint64_t page_pa);
/* Drop every entry for the virtual page of va, whatever its ASID (not superpage pieces). */
void tlb_flush_va(struct hart *h, uint64_t va);
/* Drop every entry for the virtual pages first..last (the relay segment's window moved). */
void tlb_flush_va_range(struct hart *h, uint64_t first, uint64_t last);
/* sfence.vma: everything, one address (in every address space or in one), or one ASID. */
void mmu_sfence(struct hart *h, bool all_va, uint64_t va, bool all_asid, uint16_t asid);

static inline unsigned tlb_index(uint64_t va)
{
    return (unsigned)(va >> PAGE_SHIFT) & (TLB_SETS - 1);
}

/* The access lies in one page. A misaligned one there behaves as its bytes one by one would
 * (which is what the slow path does): the page is RAM the TLB maps, with nothing to watch. */
#define WITHIN_PAGE(va, type) (((va)&PAGE_OFFSET_MASK) <= PAGE_SIZE - sizeof(type))

#define MEM_FAST_LOAD(name, type)                                                                  \
    static inline bool name(struct hart *h, uint64_t va, uint64_t *val)                            \
    {                                                                                              \
        const struct tlb_entry *e = &h->tlb[h->data_slot].read[tlb_index(va)];                     \
        if (__builtin_expect(e->tag == (PAGE_BASE(va) | h->data_asid) && WITHIN_PAGE(va, type),    \
                             1)) {                                                                 \
            type v;                                                                                \
            memcpy(&v, (const void *)(e->addend + (uintptr_t)va), sizeof v);                       \
            *val = (uint64_t)v;                                                                    \
            return true;                                                                           \
        }                                                                                          \
        return mem_load_slow(h, va, sizeof(type), val);                                            \
    }

#define MEM_FAST_STORE(name, type)                                                                 \
    static inline bool name(struct hart *h, uint64_t va, uint64_t val)                             \
    {                                                                                              \
        const struct tlb_entry *e = &h->tlb[h->data_slot].write[tlb_index(va)];                    \
        if (__builtin_expect(e->tag == (PAGE_BASE(va) | h->data_asid) && WITHIN_PAGE(va, type),    \
                             1)) {                                                                 \
            type v = (type)val;                                                                    \
            memcpy((void *)(e->addend + (uintptr_t)va), &v, sizeof v);                             \
            return true;                                                                           \
        }                                                                                          \
        return mem_store_slow(h, va, sizeof(type), val);                                           \
    }

/* The host address of the naturally aligned word at va when the write TLB maps its page (so
 * that a store, an AMO or an SC may go straight to RAM), else NULL. Write permission implies
 * read permission both in a PTE and in PMP, so an AMO may read through it too. */
static inline void *mem_write_host(struct hart *h, uint64_t va)
{
    const struct tlb_entry *e = &h->tlb[h->data_slot].write[tlb_index(va)];
    if (__builtin_expect(e->tag == (PAGE_BASE(va) | h->data_asid), 1))
        return (void *)(e->addend + (uintptr_t)va);
    return NULL;
}

MEM_FAST_LOAD(mem_load8, uint8_t)
MEM_FAST_LOAD(mem_load16, uint16_t)
MEM_FAST_LOAD(mem_load32, uint32_t)
MEM_FAST_LOAD(mem_load64, uint64_t)
MEM_FAST_STORE(mem_store8, uint8_t)
MEM_FAST_STORE(mem_store16, uint16_t)
MEM_FAST_STORE(mem_store32, uint32_t)
MEM_FAST_STORE(mem_store64, uint64_t)

#endif
