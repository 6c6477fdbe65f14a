/* Page tables for the Sv39/Sv48 tests. Every table keeps the harness reachable: DRAM and the
 * device gigapage are identity-mapped, so code, stack, trap logs and the UART have the same
 * address with paging on and off (the M handler, untranslated, relies on that). */
#ifndef ISA_VM_H
#define ISA_VM_H

#include "test.h"

#define PTE_RWX_AD (PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

/* satp's MODE field in place, for or-ing with the root's PPN. */
#define SATP_SV39 ((uint64_t)SATP_MODE_SV39 << SATP_MODE_SHIFT)
#define SATP_SV48 ((uint64_t)SATP_MODE_SV48 << SATP_MODE_SHIFT)

/* The three leaf sizes of Sv39/Sv48. */
#define PAGE_4K PAGE_SIZE
#define PAGE_2M (PAGE_4K << PT_INDEX_BITS)
#define PAGE_1G (PAGE_2M << PT_INDEX_BITS)

/* A region of virtual addresses no identity map covers, for test mappings (gigapage 1). */
#define TEST_VA 0x40000000ULL

struct vm {
    int levels;     /* 3 for Sv39, 4 for Sv48 */
    uint64_t *root; /* physical = virtual in every test */
};

/* Fresh tables with the identity maps; `user` gives them the U bit (for code that runs in U). */
void vm_init(struct vm *vm, int levels, int user);
/* Maps va to pa with a leaf at `level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB), creating
 * tables on the way; `flags` are the leaf's bits (V is added). Returns the leaf PTE. */
volatile uint64_t *vm_map(struct vm *vm, uint64_t va, uint64_t pa, int level, uint64_t flags);
/* satp for this table (ASID 0), and sfence.vma. */
void vm_enable(struct vm *vm);
void vm_disable(void);
static inline void sfence_all(void)
{
    asm volatile("sfence.vma" ::: "memory");
}

/* A zeroed 4 KiB page for test data (its physical address is also its identity address). */
uint64_t *vm_page(void);

/* One access under trap_arm, for page-fault checks. */
#define LOAD64(addr)                                                                               \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        asm volatile("ld %0, 0(%1)" : "=r"(v_) : "r"(addr) : "memory");                            \
        v_;                                                                                        \
    })
#define STORE64(addr, v) asm volatile("sd %0, 0(%1)" ::"r"((uint64_t)(v)), "r"(addr) : "memory")
/* Calls code at addr (the fetch-fault convention: the handler resumes at ra). */
#define CALL(addr) asm volatile("jalr ra, 0(%0)" ::"r"(addr) : "ra", "memory")

#endif
