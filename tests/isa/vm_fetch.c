/* Instruction fetch under paging, where an emulator's decoder meets page boundaries: a 32-bit
 * instruction straddling two virtual pages backed by non-adjacent physical pages executes; one
 * whose second half is unmapped raises an instruction page fault with epc at the instruction
 * and tval at the first byte of the missing page (the part that faulted); the same fault
 * delegated through medeleg reaches S with scause/sepc/stval. Code rewritten through a writable
 * alias runs after fence.i, and remapping the code's page to another physical page runs the other
 * page's code after sfence.vma (a decoded-block cache must follow both). */
#include "vm.h"

#define ADDI_A0_A0_1 0x00150513u /* addi a0, a0, 1 */
#define C_JR_RA      0x8082u
#define LI_A0(imm)   (0x00000513u | ((uint32_t)(imm) << 20))

static void write_li_ret(volatile uint16_t *at, int imm)
{
    at[0] = (uint16_t)LI_A0(imm);
    at[1] = (uint16_t)(LI_A0(imm) >> 16);
    at[2] = C_JR_RA;
}

static uint64_t run(uint64_t va)
{
    uint64_t r;
    asm volatile("jalr ra, 0(%1)\n mv %0, a0" : "=r"(r) : "r"(va) : "ra", "a0", "memory");
    return r;
}

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
    uint16_t *code_a = (uint16_t *)vm_page(), *code_b = (uint16_t *)vm_page();
    write_li_ret(code_b, 3);
    uint64_t va_exec = TEST_VA + 8 * PAGE_4K, va_alias = TEST_VA + 9 * PAGE_4K;
    volatile uint64_t *pte_exec = vm_map(&vm, va_exec, (uint64_t)code_a, 0, PTE_X | PTE_A);
    vm_map(&vm, va_alias, (uint64_t)code_a, 0, PTE_R | PTE_W | PTE_A | PTE_D);
    vm_enable(&vm);

    m_enter(PRIV_S);
    write_li_ret((volatile uint16_t *)va_alias, 1);
    asm volatile("fence.i" ::: "memory");
    uint64_t sum = 0;
    for (int i = 0; i < 10; i++)
        sum += run(va_exec);
    check("code written through an alias, 10 runs", sum, 10);
    write_li_ret((volatile uint16_t *)va_alias, 2);
    asm volatile("fence.i" ::: "memory");
    check("rewritten through the alias, after fence.i", run(va_exec), 2);
    *pte_exec = PTE_FROM_PA((uint64_t)code_b) | PTE_X | PTE_A | PTE_V;
    sfence_all();
    check("page remapped to other code, after sfence.vma", run(va_exec), 3);
    *pte_exec = PTE_FROM_PA((uint64_t)code_a) | PTE_X | PTE_A | PTE_V;
    asm volatile("sfence.vma %0, zero" ::"r"(va_exec) : "memory");
    check("mapped back, after sfence.vma of the page", run(va_exec), 2);

    uint64_t r;
    asm volatile("li a0, 41\n jalr ra, 0(%1)\n mv %0, a0"
                 : "=r"(r)
                 : "r"(code + PAGE_4K - 2)
                 : "ra", "a0", "memory");
    check("32-bit instruction across two pages", r, 42);
    trap_arm();
    CALL(lonely + PAGE_4K - 2);
    check_trap("second half unmapped: fetch page fault", &trap_m, CAUSE_FETCH_PAGE_FAULT,
               lonely + PAGE_4K);
    check("  mepc at the instruction", trap_m.epc, lonely + PAGE_4K - 2);
    raise_priv();

    /* delegated to S */
    csr_write(stvec, (uint64_t)trap_entry_s);
    csr_write(medeleg, 1ULL << CAUSE_FETCH_PAGE_FAULT);
    m_enter(PRIV_S);
    trap_arm();
    CALL(lonely + PAGE_4K - 2);
    check_trap("delegated: fetch page fault in S", &trap_s, CAUSE_FETCH_PAGE_FAULT, lonely + PAGE_4K);
    check("  sepc at the instruction", trap_s.epc, lonely + PAGE_4K - 2);
    check("  M saw nothing", trap_m.count, 0);
    raise_priv();
    return 0;
}
