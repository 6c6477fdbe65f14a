/* LR/SC reservation rules of the A extension: an SC succeeds (rd = 0, memory written) only on
 * the reservation of the latest LR; every SC, successful or not, drops the reservation; a failing
 * SC writes 1 (the only defined failure code) and leaves memory alone. lr.w sign-extends. */
#include "test.h"

/* Page-sized and page-aligned, so that the two words are in different reservation sets whatever
 * the implementation's granule. */
static volatile uint64_t word_a[512] __attribute__((aligned(4096)));
static volatile uint64_t word_b[512] __attribute__((aligned(4096)));

#define LR(op, addr)                                                                               \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        asm volatile(op " %0, (%1)" : "=r"(v_) : "r"(addr) : "memory");                            \
        v_;                                                                                        \
    })
#define SC(op, addr, val)                                                                          \
    ({                                                                                             \
        uint64_t r_;                                                                               \
        asm volatile(op " %0, %2, (%1)" : "=&r"(r_) : "r"(addr), "r"((uint64_t)(val)) : "memory"); \
        r_;                                                                                        \
    })

int main(void)
{
    uint64_t r;
    word_a[0] = 100;
    word_b[0] = 200;
    /* Reset leaves no reservation, and any earlier one is dropped by an SC. */
    SC("sc.d", &word_b[8], 0);
    check("sc.d without lr fails with 1", SC("sc.d", &word_a[0], 1), 1);
    check("  memory unchanged", word_a[0], 100);

    check("lr.d", LR("lr.d", &word_a[0]), 100);
    check("sc.d after lr.d succeeds", SC("sc.d", &word_a[0], 101), 0);
    check("  memory written", word_a[0], 101);
    check("second sc.d fails: success dropped the reservation", SC("sc.d", &word_a[0], 102), 1);
    check("  memory unchanged", word_a[0], 101);

    LR("lr.d", &word_a[0]);
    check("sc.d to another address fails", SC("sc.d", &word_b[0], 201), 1);
    check("  other word unchanged", word_b[0], 200);
    check("sc.d to the reserved address after a failed sc fails", SC("sc.d", &word_a[0], 103), 1);
    check("  memory unchanged", word_a[0], 101);

    /* A later LR replaces the reservation. */
    LR("lr.d", &word_a[0]);
    LR("lr.d", &word_b[0]);
    check("sc.d to the first of two lr fails", SC("sc.d", &word_a[0], 104), 1);
    LR("lr.d", &word_a[0]);
    LR("lr.d", &word_b[0]);
    check("sc.d to the latest lr succeeds", SC("sc.d", &word_b[0], 202), 0);
    check("  memory written", word_b[0], 202);

    /* .w: sign extension and a 32-bit store */
    word_a[1] = 0x12345678fedcba98ULL;
    check("lr.w sign-extends", LR("lr.w", &word_a[1]), 0xfffffffffedcba98ULL);
    check("sc.w succeeds", SC("sc.w", &word_a[1], 0xaaaaaaaa00000001ULL), 0);
    check("  writes only the word", word_a[1], 0x1234567800000001ULL);
    check("sc.w without reservation fails", SC("sc.w", &word_a[1], 2), 1);

    /* aq/rl forms and a retry loop as compilers emit them */
    word_a[2] = 5;
    asm volatile("1: lr.d.aq t0, (%1)\n addi t0, t0, 10\n sc.d.rl %0, t0, (%1)\n bnez %0, 1b"
                 : "=&r"(r)
                 : "r"(&word_a[2])
                 : "t0", "memory");
    check("lr.d.aq/sc.d.rl loop", word_a[2], 15);

    /* The same hart storing to the reserved word between LR and SC: the spec lets the SC succeed
     * (only other harts' stores must break it); QEMU's cmpxchg-based SC fails when the value
     * changed. Recorded, not judged. */
    word_a[3] = 1;
    LR("lr.d", &word_a[3]);
    word_a[3] = 2;
    r = SC("sc.d", &word_a[3], 3);
    print_str("same-hart store of a new value between lr and sc: sc.d result ");
    print_hex(r);
    print_str(", memory ");
    print_hex(word_a[3]);
    print_char('\n');
    check("  consistent (success wrote, failure did not)", word_a[3], r ? 2 : 3);
    return 0;
}
