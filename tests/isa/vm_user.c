/* The U bit: S may not touch user pages unless sstatus.SUM = 1, and never executes them; U may
 * only touch user pages. */
#include "vm.h"

static const uint32_t return_five[] = {0x00500513, 0x00008067}; /* li a0, 5 ; ret */

static uint64_t call_value(uint64_t va)
{
    uint64_t r;
    asm volatile("li a0, 0\n jalr ra, 0(%1)\n mv %0, a0"
                 : "=r"(r)
                 : "r"(va)
                 : "ra", "a0", "memory");
    return r;
}

int main(void)
{
    uint64_t *data = vm_page();
    data[0] = 0x42;
    uint64_t *code = vm_page();
    for (unsigned i = 0; i < 2; i++)
        ((uint32_t *)code)[i] = return_five[i];
    asm volatile("fence.i" ::: "memory");
    uint64_t va_user_data = TEST_VA, va_user_code = TEST_VA + PAGE_4K;
    uint64_t va_sup_data = TEST_VA + 2 * PAGE_4K, va_sup_code = TEST_VA + 3 * PAGE_4K;
    uint64_t rw = PTE_R | PTE_W | PTE_A | PTE_D;

    /* S's view: the program itself is supervisor memory */
    struct vm s_world;
    vm_init(&s_world, 3, 0);
    vm_map(&s_world, va_user_data, (uint64_t)data, 0, rw | PTE_U);
    vm_map(&s_world, va_user_code, (uint64_t)code, 0, PTE_X | PTE_A | PTE_U);
    vm_enable(&s_world);
    m_enter(PRIV_S);
    trap_arm();
    LOAD64(va_user_data);
    check_trap("S loads a U page with SUM=0", &trap_m, CAUSE_LOAD_PAGE_FAULT, va_user_data);
    trap_arm();
    STORE64(va_user_data, 1);
    check_trap("S stores to a U page with SUM=0", &trap_m, CAUSE_STORE_PAGE_FAULT, va_user_data);
    csr_set(sstatus, MSTATUS_SUM);
    trap_arm();
    check("S loads a U page with SUM=1", LOAD64(va_user_data), 0x42);
    STORE64(va_user_data + 8, 0x43);
    check_no_trap("  and stores, no fault");
    check("  the store landed", data[1], 0x43);
    trap_arm();
    CALL(va_user_code);
    check_trap("S executes a U page (SUM=1 does not help)", &trap_m, CAUSE_FETCH_PAGE_FAULT,
               va_user_code);
    csr_clear(sstatus, MSTATUS_SUM);
    raise_priv();

    /* U's view: the program is user memory so that U can run it */
    struct vm u_world;
    vm_init(&u_world, 3, 1);
    vm_map(&u_world, va_user_data, (uint64_t)data, 0, rw | PTE_U);
    vm_map(&u_world, va_user_code, (uint64_t)code, 0, PTE_X | PTE_A | PTE_U);
    vm_map(&u_world, va_sup_data, (uint64_t)data, 0, rw);
    vm_map(&u_world, va_sup_code, (uint64_t)code, 0, PTE_X | PTE_A);
    vm_enable(&u_world);
    m_enter(PRIV_U);
    trap_arm();
    check("U loads a U page", LOAD64(va_user_data), 0x42);
    check("U executes a U page", call_value(va_user_code), 5);
    check_no_trap("  no fault");
    trap_arm();
    LOAD64(va_sup_data);
    check_trap("U loads a supervisor page", &trap_m, CAUSE_LOAD_PAGE_FAULT, va_sup_data);
    trap_arm();
    STORE64(va_sup_data, 1);
    check_trap("U stores to a supervisor page", &trap_m, CAUSE_STORE_PAGE_FAULT, va_sup_data);
    trap_arm();
    CALL(va_sup_code);
    check_trap("U executes a supervisor page", &trap_m, CAUSE_FETCH_PAGE_FAULT, va_sup_code);
    raise_priv();
    vm_disable();
    return 0;
}
