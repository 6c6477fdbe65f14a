/* What taking a trap and mret do to mstatus (priv spec 3.1.6.1): on the trap MPIE = MIE,
 * MIE = 0, MPP = the previous mode; on mret MIE = MPIE, MPIE = 1, MPP = U (the least-privileged
 * mode). (Two rules QEMU 7.2 does not follow are left out: see docs/isa-tests.md.) */
#include "test.h"

static void ebreak_in_m(const char *what, uint64_t mie)
{
    csr_clear(mstatus, MSTATUS_MIE | MSTATUS_MPIE);
    csr_set(mstatus, mie);
    trap_arm();
    asm volatile("ebreak" ::: "memory");
    uint64_t after = csr_read(mstatus);
    trap_disarm();
    csr_clear(mstatus, MSTATUS_MIE);
    print_str(what);
    print_char('\n');
    check("  at the trap: MIE", trap_m.status & MSTATUS_MIE, 0);
    check("  at the trap: MPIE = old MIE", !!(trap_m.status & MSTATUS_MPIE), !!mie);
    check("  at the trap: MPP = M", (trap_m.status >> 11) & 3, PRIV_M);
    check("  after mret: MIE = MPIE", !!(after & MSTATUS_MIE), !!mie);
    check("  after mret: MPIE = 1", !!(after & MSTATUS_MPIE), 1);
    check("  after mret: MPP = U", (after >> 11) & 3, PRIV_U);
}

int main(void)
{
    /* mie = 0: setting mstatus.MIE enables nothing here */
    csr_write(mie, 0);
    ebreak_in_m("ebreak in M with MIE=1", MSTATUS_MIE);
    ebreak_in_m("ebreak in M with MIE=0", 0);

    m_enter(PRIV_S);
    trap_arm();
    asm volatile("ebreak" ::: "memory");
    trap_disarm();
    raise_priv();
    check("ebreak in S: MPP = S", (trap_m.status >> 11) & 3, PRIV_S);
    m_enter(PRIV_U);
    trap_arm();
    asm volatile("ebreak" ::: "memory");
    trap_disarm();
    raise_priv();
    check("ebreak in U: MPP = U", (trap_m.status >> 11) & 3, PRIV_U);

    return 0;
}
