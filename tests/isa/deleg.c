/* medeleg: delegated exceptions raised in S or U go to stvec with scause/sepc/stval and
 * sstatus.SPP/SPIE; undelegated ones and any trap raised in M still go to M; sret restores. */
#include "test.h"

static volatile uint64_t bad_word;

int main(void)
{
    csr_write(stvec, (uint64_t)trap_entry_s);
    csr_write(medeleg, (1ULL << CAUSE_ILLEGAL_INSN) | (1ULL << CAUSE_BREAKPOINT) |
                           (1ULL << CAUSE_ECALL_U) | (1ULL << CAUSE_LOAD_ACCESS));
    uint64_t at, r;

    trap_arm();
    asm volatile("ebreak");
    check("ebreak in M with medeleg set: M handles it", trap_m.count, 1);
    check("  S saw nothing", trap_s.count, 0);
    trap_disarm();

    m_enter(PRIV_S);
    csr_set(sstatus, MSTATUS_SIE); /* sie = 0: only SPIE's bookkeeping is observed */
    trap_arm();
    asm volatile("la %0, 1f\n 1: ebreak" : "=r"(at));
    check_trap("ebreak in S goes to S", &trap_s, CAUSE_BREAKPOINT, trap_s.tval);
    check("  sepc", trap_s.epc - at, 0);
    check("  SPP = S", !!(trap_s.status & MSTATUS_SPP), 1);
    check("  SPIE = old SIE", !!(trap_s.status & MSTATUS_SPIE), 1);
    check("  SIE cleared at the trap", trap_s.status & MSTATUS_SIE, 0);
    check("  after sret: SIE = SPIE", csr_read(sstatus) & MSTATUS_SIE, MSTATUS_SIE);
    check("  after sret: SPP = U", csr_read(sstatus) & MSTATUS_SPP, 0);
    csr_clear(sstatus, MSTATUS_SIE);
    check("  M saw nothing", trap_m.count, 0);

    trap_arm();
    asm volatile("csrr %0, mscratch" : "=r"(r));
    check_illegal("illegal in S goes to S with stval = instruction", &trap_s);

    trap_arm();
    asm volatile("ld %0, 0(%1)" : "=r"(r) : "r"(UNMAPPED_PADDR));
    check_trap("load access fault in S goes to S", &trap_s, CAUSE_LOAD_ACCESS, UNMAPPED_PADDR);

    trap_arm();
    asm volatile("li a7, 0\n ecall" ::: "a7");
    check_trap("ecall from S (not delegated) goes to M", &trap_m, CAUSE_ECALL_S, 0);
    check("  S saw nothing", trap_s.count, 0);

    s_enter_u();
    trap_arm();
    asm volatile("la %0, 1f\n li a7, 0\n 1: ecall" : "=r"(at)::"a7");
    check_trap("ecall from U goes to S", &trap_s, CAUSE_ECALL_U, 0);
    check("  sepc", trap_s.epc - at, 0);
    check("  SPP = U", !!(trap_s.status & MSTATUS_SPP), 0);
    trap_arm();
    asm volatile("ebreak");
    check_trap("ebreak in U goes to S", &trap_s, CAUSE_BREAKPOINT, trap_s.tval);
    raise_priv(); /* U -> S (the S handler takes it) */
    raise_priv(); /* S -> M */
    check("back in M: mstatus readable", csr_read(mstatus) & MSTATUS_MPRV, 0);

    csr_write(medeleg, 0);
    m_enter(PRIV_S);
    trap_arm();
    asm volatile("ebreak");
    check("medeleg cleared: ebreak in S goes to M", trap_m.count, 1);
    trap_disarm();
    raise_priv();
    return 0;
}
