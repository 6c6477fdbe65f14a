/* mstatus.MPRV: M-mode loads and stores (not fetches) translate and are checked as if in the
 * mode in MPP. With MPP = S they see the page table and obey SUM; with MPP = U they may only
 * touch user pages. */
#include "vm.h"

int main(void)
{
    struct vm vm;
    vm_init(&vm, 3, 0);
    uint64_t *sup = vm_page(), *user = vm_page();
    sup[0] = 0x5;
    user[0] = 0x0;
    vm_map(&vm, TEST_VA, (uint64_t)sup, 0, PTE_R | PTE_W | PTE_A | PTE_D);
    vm_map(&vm, TEST_VA + PAGE_4K, (uint64_t)user, 0, PTE_R | PTE_W | PTE_A | PTE_D | PTE_U);
    vm_enable(&vm);
    /* M itself is not translated: TEST_VA is PCIe space physically, so touch it only via MPRV */
    uint64_t r;
    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, (uint64_t)PRIV_S << 11);
    trap_arm();
    /* MPRV on and off inside one asm block: the compiler's own stack accesses stay untranslated
     * (they would still work, through the identity map, but keep the test about one access) */
    asm volatile("csrs mstatus, %2\n ld %0, 0(%1)\n csrc mstatus, %2"
                 : "=&r"(r)
                 : "r"(TEST_VA), "r"(MSTATUS_MPRV)
                 : "memory");
    check("MPRV=1 MPP=S: M loads through the page table", r, 5);
    asm volatile("csrs mstatus, %2\n sd %1, 0(%0)\n csrc mstatus, %2" ::"r"(TEST_VA), "r"(0x6ULL),
                 "r"(MSTATUS_MPRV)
                 : "memory");
    check("MPRV=1 MPP=S: M stores through the page table", sup[0], 6);
    check_no_trap("  no faults");

    trap_arm();
    asm volatile("csrs mstatus, %2\n ld %0, 0(%1)\n csrc mstatus, %2"
                 : "=&r"(r)
                 : "r"(TEST_VA + PAGE_4K), "r"(MSTATUS_MPRV)
                 : "memory");
    check_trap("MPRV=1 MPP=S SUM=0: user page faults", &trap_m, CAUSE_LOAD_PAGE_FAULT, TEST_VA + PAGE_4K);
    csr_clear(mstatus, MSTATUS_MPRV);
    csr_set(mstatus, MSTATUS_SUM);
    trap_arm();
    asm volatile("csrs mstatus, %2\n sd %1, 0(%0)\n csrc mstatus, %2" ::"r"(TEST_VA + PAGE_4K),
                 "r"(0x7ULL), "r"(MSTATUS_MPRV)
                 : "memory");
    check_no_trap("MPRV=1 MPP=S SUM=1: user page stores");
    check("  the store landed", user[0], 7);
    csr_clear(mstatus, MSTATUS_SUM | MSTATUS_MPRV);

    csr_clear(mstatus, MSTATUS_MPP); /* MPP = U */
    trap_arm();
    asm volatile("csrs mstatus, %2\n ld %0, 0(%1)\n csrc mstatus, %2"
                 : "=&r"(r)
                 : "r"(TEST_VA + PAGE_4K), "r"(MSTATUS_MPRV)
                 : "memory");
    check("MPRV=1 MPP=U: user page loads", r, 7);
    check_no_trap("  no fault");
    trap_arm();
    asm volatile("csrs mstatus, %2\n sd %1, 0(%0)\n csrc mstatus, %2" ::"r"(TEST_VA), "r"(0x8ULL),
                 "r"(MSTATUS_MPRV)
                 : "memory");
    csr_clear(mstatus, MSTATUS_MPRV);
    check_trap("MPRV=1 MPP=U: supervisor page store faults", &trap_m, CAUSE_STORE_PAGE_FAULT, TEST_VA);
    check("  the page was not written", sup[0], 6);

    /* MPP = M: MPRV changes nothing */
    csr_set(mstatus, MSTATUS_MPP);
    asm volatile("csrs mstatus, %2\n ld %0, 0(%1)\n csrc mstatus, %2"
                 : "=&r"(r)
                 : "r"(sup), "r"(MSTATUS_MPRV)
                 : "memory");
    check("MPRV=1 MPP=M: physical access", r, 6);
    csr_clear(mstatus, MSTATUS_MPP);
    vm_disable();
    return 0;
}
