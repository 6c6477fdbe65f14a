/* sfence.vma: a PTE changed in memory must take effect once sfence.vma orders it, with an address
 * operand (that page) or x0 (everything); a PTE removed and fenced faults, and restored and fenced
 * works again (the failed walk is not cached). Before the fence either translation may be used
 * (QEMU 7.2 already shows the new one here), so that value is neither printed nor judged: an
 * emulator whose TLB lacks sfence handling fails the checks after the fences instead. */
#include "vm.h"

static void sfence_va(uint64_t va)
{
    asm volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

int main(void)
{
    struct vm vm;
    vm_init(&vm, 3, 0);
    uint64_t *old_page = vm_page(), *new_page = vm_page();
    old_page[0] = 0x01d;
    new_page[0] = 0x7e3;
    uint64_t flags = PTE_R | PTE_W | PTE_A | PTE_D;
    volatile uint64_t *pte = vm_map(&vm, TEST_VA, (uint64_t)old_page, 0, flags);
    volatile uint64_t *other = vm_map(&vm, TEST_VA + PAGE_4K, (uint64_t)old_page, 0, flags);
    vm_enable(&vm);

    m_enter(PRIV_S);
    check("load through the first mapping", LOAD64(TEST_VA), 0x01d);
    check("load through the second mapping", LOAD64(TEST_VA + PAGE_4K), 0x01d);
    *pte = PTE_FROM_PA((uint64_t)new_page) | flags | PTE_V;
    *other = PTE_FROM_PA((uint64_t)new_page) | flags | PTE_V;
    sfence_va(TEST_VA);
    check("after sfence.vma of that page: new translation", LOAD64(TEST_VA), 0x7e3);
    sfence_all();
    check("after sfence.vma x0, x0: new", LOAD64(TEST_VA + PAGE_4K), 0x7e3);

    /* taking a mapping away */
    *pte = 0;
    sfence_all();
    trap_arm();
    LOAD64(TEST_VA);
    check_trap("PTE cleared and fenced: page fault", &trap_m, CAUSE_LOAD_PAGE_FAULT, TEST_VA);
    /* putting it back: the faulting walk must not have been cached */
    *pte = PTE_FROM_PA((uint64_t)old_page) | flags | PTE_V;
    sfence_all();
    check("PTE restored and fenced", LOAD64(TEST_VA), 0x01d);

    /* satp written with the same root, from S: a new satp is not a fence by itself; only check
     * the fenced result */
    csr_write(satp, csr_read(satp));
    sfence_all();
    check("after rewriting satp and fencing", LOAD64(TEST_VA), 0x01d);
    raise_priv();
    vm_disable();
    return 0;
}
