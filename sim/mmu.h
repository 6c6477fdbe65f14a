/* Virtual memory: Sv39/Sv48 translation, the software TLB and guest loads and stores.
 *
 * The fast paths are guard clauses: an aligned access whose page is in the soft TLB is a
 * compare and an add; everything else (a miss, a misaligned access, a device, a relay segment,
 * a page with code on it) falls to the slow path in sim/mmu.c. */
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

void tlb_flush_all(struct hart *h);
void tlb_flush_writes(struct hart *h);
/* sfence.vma: ASID tags make a full flush the simple correct choice for one address; see docs. */
void tlb_flush_va(struct hart *h, uint64_t va);

static inline unsigned tlb_index(uint64_t va)
{
    return (unsigned)(va >> PAGE_SHIFT) & (TLB_SETS - 1);
}

#define MEM_FAST_LOAD(name, type)                                                                  \
    static inline bool name(struct hart *h, uint64_t va, uint64_t *val)                            \
    {                                                                                              \
        const struct tlb_entry *e = &h->tlb[h->data_mode].read[tlb_index(va)];                     \
        if (__builtin_expect(                                                                      \
                e->tag == (PAGE_BASE(va) | h->data_asid) && (va & (sizeof(type) - 1)) == 0, 1)) {  \
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
        const struct tlb_entry *e = &h->tlb[h->data_mode].write[tlb_index(va)];                    \
        if (__builtin_expect(                                                                      \
                e->tag == (PAGE_BASE(va) | h->data_asid) && (va & (sizeof(type) - 1)) == 0, 1)) {  \
            type v = (type)val;                                                                    \
            memcpy((void *)(e->addend + (uintptr_t)va), &v, sizeof v);                             \
            return true;                                                                           \
        }                                                                                          \
        return mem_store_slow(h, va, sizeof(type), val);                                           \
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
