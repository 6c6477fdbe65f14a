/* ASIDs: two address spaces map the same virtual page to different physical pages. Once both
 * are fenced, switching satp between them needs no further sfence.vma and each must see its own
 * page (a TLB that ignores the ASID fails here). sfence.vma with an ASID operand makes a changed
 * PTE of that address space visible. */
#include "vm.h"

#define SATP_ASID(asid) ((uint64_t)(asid) << SATP_ASID_SHIFT)

static void use_space(struct vm *vm, unsigned asid)
{
    csr_write(satp, SATP_SV39 | SATP_ASID(asid) | (uint64_t)vm->root >> PAGE_SHIFT);
}

int main(void)
{
    struct vm one, two;
    vm_init(&one, 3, 0);
    vm_init(&two, 3, 0);
    uint64_t *page_one = vm_page(), *page_two = vm_page(), *page_new = vm_page();
    page_one[0] = 0x1;
    page_two[0] = 0x2;
    page_new[0] = 0x3;
    uint64_t flags = PTE_R | PTE_W | PTE_A | PTE_D;
    volatile uint64_t *pte_one = vm_map(&one, TEST_VA, (uint64_t)page_one, 0, flags);
    vm_map(&two, TEST_VA, (uint64_t)page_two, 0, flags);
    sfence_all();

    m_enter(PRIV_S);
    uint64_t seen = 0;
    for (int round = 0; round < 4; round++) {
        use_space(&one, 1);
        seen = seen << 4 | LOAD64(TEST_VA);
        use_space(&two, 2);
        seen = seen << 4 | LOAD64(TEST_VA);
    }
    check("alternating ASID 1 and 2 without sfence: values seen", seen, 0x12121212);

    /* change ASID 1's mapping while running in ASID 2, then fence ASID 1 only */
    *pte_one = PTE_FROM_PA((uint64_t)page_new) | flags | PTE_V;
    asm volatile("sfence.vma zero, %0" ::"r"(1ULL) : "memory");
    check("ASID 2 unaffected", LOAD64(TEST_VA), 0x2);
    use_space(&one, 1);
    check("ASID 1 after sfence.vma x0, 1: the new page", LOAD64(TEST_VA), 0x3);
    use_space(&two, 2);
    check("ASID 2 still its own page", LOAD64(TEST_VA), 0x2);
    raise_priv();
    vm_disable();
    return 0;
}
