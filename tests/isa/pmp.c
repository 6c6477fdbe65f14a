/* Physical memory protection as firmware uses it: the CSRs exist (OpenSBI probes pmpaddr0 with
 * all ones to learn the address width and granularity), NAPOT and TOR entries restrict S and U,
 * the lowest-numbered matching entry wins, M is only bound by locked entries, and a locked entry
 * ignores writes. */
#include "test.h"

#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_TOR   0x08
#define PMP_NAPOT 0x18
#define PMP_L     0x80

static volatile uint64_t pages[2][512] __attribute__((aligned(4096)));

int main(void)
{
    uint64_t a = (uint64_t)pages[0], b = (uint64_t)pages[1];
    pages[0][0] = 0xa;
    pages[1][0] = 0xb;

    trap_arm();
    csr_write(pmpaddr0, ~0ULL);
    /* Bits 63:54 are WARL zero in the spec but QEMU 7.2 keeps them: only 53:0 are judged. */
    check("pmpaddr0[53:0] after writing all ones (4-byte grain)",
          csr_read(pmpaddr0) & 0x003fffffffffffffULL, 0x003fffffffffffffULL);
    csr_write(pmpaddr15, 0x1234);
    check("pmpaddr15 holds a value", csr_read(pmpaddr15), 0x1234);
    csr_write(pmpaddr15, 0);
    csr_read(pmpcfg2);
    check_no_trap("pmpcfg0, pmpcfg2, pmpaddr0-15 accessible in M");
    uint64_t r;
    trap_arm();
    asm volatile("csrr %0, pmpcfg1" : "=r"(r));
    check_illegal("pmpcfg1 does not exist on RV64", &trap_m);

    /* 0: page A read-only (NAPOT), 1-2: page B no access (TOR), 3: everything else */
    csr_write(pmpaddr0, (a >> 2) | 0x1ff);
    csr_write(pmpaddr1, b >> 2);
    csr_write(pmpaddr2, (b + 4096) >> 2);
    csr_write(pmpaddr3, ~0ULL);
    uint64_t cfg = (uint64_t)(PMP_NAPOT | PMP_R) | (uint64_t)0 << 8 | (uint64_t)PMP_TOR << 16 |
                   (uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 24;
    csr_write(pmpcfg0, cfg);
    check("pmpcfg0 reads back", csr_read(pmpcfg0), cfg);

    m_enter(PRIV_S);
    trap_arm();
    check("S loads read-only page A", pages[0][0], 0xa);
    check_no_trap("  no fault");
    trap_arm();
    pages[0][1] = 1;
    check_trap("S stores to read-only page A", &trap_m, CAUSE_STORE_ACCESS, a + 8);
    trap_arm();
    r = pages[1][0];
    check_trap("S loads no-access page B (TOR)", &trap_m, CAUSE_LOAD_ACCESS, b);
    trap_arm();
    asm volatile("jalr ra, 0(%0)" ::"r"(b) : "ra", "memory");
    check_trap("S executes page B", &trap_m, CAUSE_FETCH_ACCESS, b);
    raise_priv();
    m_enter(PRIV_U);
    trap_arm();
    pages[0][1] = 1;
    check_trap("U stores to read-only page A", &trap_m, CAUSE_STORE_ACCESS, a + 8);
    raise_priv();

    /* M ignores unlocked entries */
    trap_arm();
    pages[0][1] = 2;
    r = pages[1][0];
    check_no_trap("M stores to A and loads B (entries unlocked)");
    check("  stored", pages[0][1], 2);

    /* Lock entry 0: now it binds M too, and its address and config no longer change. This lasts
     * until reset, so it comes last. */
    csr_set(pmpcfg0, PMP_L);
    trap_arm();
    pages[0][1] = 3;
    check_trap("M stores to A once entry 0 is locked", &trap_m, CAUSE_STORE_ACCESS, a + 8);
    check("  not stored", pages[0][1], 2);
    csr_write(pmpaddr0, 0);
    check("locked pmpaddr0 ignores writes", csr_read(pmpaddr0), (a >> 2) | 0x1ff);
    csr_clear(pmpcfg0, PMP_L | PMP_R);
    check("locked pmpcfg0 entry ignores writes", csr_read(pmpcfg0) & 0xff,
          PMP_L | PMP_NAPOT | PMP_R);
    (void)r;
    return 0;
}
