/* Instruction fetch under paging, where an emulator's decoder meets page boundaries: a 32-bit
 * instruction straddling two virtual pages backed by non-adjacent physical pages executes; one
 * whose second half is unmapped raises an instruction page fault with epc at the instruction
 * and tval at the first byte of the missing page (the part that faulted); the same fault
 * delegated through medeleg reaches S with scause/sepc/stval. */
#include "vm.h"

#define ADDI_A0_A0_1 0x00150513u /* addi a0, a0, 1 */
#define C_JR_RA      0x8082u

int main(void)
{
    struct vm vm;
    vm_init(&vm, 3, 0);
    uint16_t *first = (uint16_t *)vm_page();
    vm_page(); /* a gap, so the two code pages are not physically adjacent */
    uint16_t *second = (uint16_t *)vm_page();
    first[2047] = (uint16_t)ADDI_A0_A0_1;
    second[0] = (uint16_t)(ADDI_A0_A0_1 >> 16);
    second[1] = C_JR_RA;
    asm volatile("fence.i" ::: "memory");
    uint64_t code = TEST_VA;
    vm_map(&vm, code, (uint64_t)first, 0, PTE_X | PTE_A);
    vm_map(&vm, code + PAGE_4K, (uint64_t)second, 0, PTE_X | PTE_A);
    uint64_t lonely = TEST_VA + 4 * PAGE_4K; /* its next page stays unmapped */
    vm_map(&vm, lonely, (uint64_t)first, 0, PTE_X | PTE_A);
    vm_enable(&vm);

    m_enter(PRIV_S);
    uint64_t r;
    asm volatile("li a0, 41\n jalr ra, 0(%1)\n mv %0, a0"
                 : "=r"(r)
                 : "r"(code + PAGE_4K - 2)
                 : "ra", "a0", "memory");
    check("32-bit instruction across two pages", r, 42);
    trap_arm();
    CALL(lonely + PAGE_4K - 2);
    check_trap("second half unmapped: fetch page fault", &trap_m, CAUSE_FETCH_PAGE,
               lonely + PAGE_4K);
    check("  mepc at the instruction", trap_m.epc, lonely + PAGE_4K - 2);
    raise_priv();

    /* delegated to S */
    csr_write(stvec, (uint64_t)trap_entry_s);
    csr_write(medeleg, 1ULL << CAUSE_FETCH_PAGE);
    m_enter(PRIV_S);
    trap_arm();
    CALL(lonely + PAGE_4K - 2);
    check_trap("delegated: fetch page fault in S", &trap_s, CAUSE_FETCH_PAGE, lonely + PAGE_4K);
    check("  sepc at the instruction", trap_s.epc, lonely + PAGE_4K - 2);
    check("  M saw nothing", trap_m.count, 0);
    raise_priv();
    return 0;
}
