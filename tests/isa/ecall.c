/* ecall from each privilege level: cause 8 (U), 9 (S), 11 (M), mepc at the ecall, mtval 0, and
 * mstatus.MPP recording where it came from. */
#include "test.h"

static void ecall_here(const char *what, uint64_t cause, uint64_t mpp)
{
    uint64_t at;
    trap_arm();
    asm volatile("li a7, 0\n la %0, 1f\n 1: ecall" : "=&r"(at)::"a7", "memory");
    trap_disarm();
    raise_priv(); /* to M, to read the log's CSR snapshot freely */
    check_trap(what, &trap_m, cause, 0);
    check("  mepc is the ecall", trap_m.epc - at, 0);
    check("  mstatus.MPP at the trap", (trap_m.status >> 11) & 3, mpp);
}

int main(void)
{
    ecall_here("ecall from M", CAUSE_ECALL_M, PRIV_M);
    m_enter(PRIV_S);
    ecall_here("ecall from S", CAUSE_ECALL_S, PRIV_S);
    m_enter(PRIV_U);
    ecall_here("ecall from U", CAUSE_ECALL_U, PRIV_U);
    /* the trap returned to U with mret: ecall again from U must still say U */
    m_enter(PRIV_U);
    trap_arm();
    asm volatile("li a7, 0\n ecall\n ecall" ::: "a7", "memory");
    trap_disarm();
    raise_priv();
    check("two ecalls from U: count", trap_m.count, 2);
    check("  both cause 8", trap_m.cause, CAUSE_ECALL_U);
    return 0;
}
