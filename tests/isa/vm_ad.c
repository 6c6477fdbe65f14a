/* Accessed and dirty bits. The spec allows two schemes: hardware sets A on any access and D on a
 * store, or a page fault when the access needs a bit that is clear. QEMU 7.2 sets them in
 * hardware (no Svadu switch exists yet), so that is what is checked: A after a load, A and D
 * after a store, nothing on a faulting access, and no D for a load. */
#include "vm.h"

int main(void)
{
    struct vm vm;
    vm_init(&vm, 3, 0);
    uint64_t *page = vm_page();
    page[0] = 0x99;
    volatile uint64_t *load_pte = vm_map(&vm, TEST_VA, (uint64_t)page, 0, PTE_R | PTE_W);
    volatile uint64_t *store_pte = vm_map(&vm, TEST_VA + PAGE_4K, (uint64_t)page, 0, PTE_R | PTE_W);
    volatile uint64_t *ro_pte = vm_map(&vm, TEST_VA + 2 * PAGE_4K, (uint64_t)page, 0, PTE_R);
    /* a 2 MiB leaf, to see the bits land in a level-1 PTE */
    volatile uint64_t *super_pte =
        vm_map(&vm, TEST_VA + PAGE_2M, MEMMAP_DRAM_BASE, 1, PTE_R | PTE_W);
    vm_enable(&vm);

    m_enter(PRIV_S);
    trap_arm();
    check("load through a PTE with A=0", LOAD64(TEST_VA), 0x99);
    STORE64(TEST_VA + PAGE_4K + 8, 0x55);
    LOAD64(TEST_VA + PAGE_2M);
    STORE64(TEST_VA + PAGE_2M + ((uint64_t)&page[2] - MEMMAP_DRAM_BASE), 0x66);
    check_no_trap("  no faults: A/D are set by hardware");
    trap_arm();
    STORE64(TEST_VA + 2 * PAGE_4K, 1);
    check_trap("store to a read-only page", &trap_m, CAUSE_STORE_PAGE_FAULT, TEST_VA + 2 * PAGE_4K);
    raise_priv();

    check("after a load: A", *load_pte & (PTE_A | PTE_D), PTE_A);
    check("after a store: A and D", *store_pte & (PTE_A | PTE_D), PTE_A | PTE_D);
    check("  store landed", page[1], 0x55);
    check("after a faulting store to a read-only page: neither", *ro_pte & (PTE_A | PTE_D), 0);
    check("2 MiB leaf after load and store: A and D", *super_pte & (PTE_A | PTE_D), PTE_A | PTE_D);
    check("  store landed", page[2], 0x66);
    vm_disable();
    return 0;
}
