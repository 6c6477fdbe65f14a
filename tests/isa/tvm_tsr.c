/* mstatus.TVM makes satp accesses and sfence.vma illegal in S (so a hypervisor-like M can trap
 * them); mstatus.TSR makes sret illegal in S. Neither affects M, and with both clear S may use
 * all three. U may use none of them, nor mret. */
#include "test.h"

int main(void)
{
    uint64_t r;
    csr_write(stvec, (uint64_t)trap_entry_s);

    csr_set(mstatus, MSTATUS_TVM);
    m_enter(PRIV_S);
    trap_arm();
    asm volatile("csrr %0, satp" : "=r"(r));
    check_illegal("TVM=1: csrr satp in S", &trap_m);
    trap_arm();
    asm volatile("csrw satp, zero");
    check_illegal("TVM=1: csrw satp in S", &trap_m);
    trap_arm();
    asm volatile("sfence.vma" ::: "memory");
    check_illegal("TVM=1: sfence.vma in S", &trap_m);
    trap_arm();
    asm volatile("sfence.vma %0, zero" ::"r"(0x1000ULL) : "memory");
    check_illegal("TVM=1: sfence.vma rs1 in S", &trap_m);
    raise_priv();
    trap_arm();
    asm volatile("csrr %0, satp\n sfence.vma" : "=r"(r)::"memory");
    check_no_trap("TVM=1: satp and sfence.vma in M");
    csr_clear(mstatus, MSTATUS_TVM);

    m_enter(PRIV_S);
    trap_arm();
    asm volatile("csrr %0, satp\n csrw satp, zero\n sfence.vma" : "=r"(r)::"memory");
    check_no_trap("TVM=0: satp and sfence.vma in S");
    raise_priv();

    csr_set(mstatus, MSTATUS_TSR);
    m_enter(PRIV_S);
    trap_arm();
    asm volatile("sret");
    check_illegal("TSR=1: sret in S", &trap_m);
    raise_priv();
    csr_clear(mstatus, MSTATUS_TSR);

    m_enter(PRIV_S);
    trap_arm();
    s_enter_u();  /* sret */
    raise_priv(); /* U -> S through the S handler */
    check_no_trap("TSR=0: sret in S");
    raise_priv();

    /* sret and mret from U are always illegal; mret from S too */
    m_enter(PRIV_U);
    trap_arm();
    asm volatile("sret");
    check_illegal("sret in U", &trap_m);
    trap_arm();
    asm volatile("mret");
    check_illegal("mret in U", &trap_m);
    trap_arm();
    asm volatile("sfence.vma" ::: "memory");
    check_illegal("sfence.vma in U", &trap_m);
    raise_priv();
    m_enter(PRIV_S);
    trap_arm();
    asm volatile("mret");
    check_illegal("mret in S", &trap_m);
    raise_priv();
    return 0;
}
