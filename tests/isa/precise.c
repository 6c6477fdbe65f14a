/* Precise exceptions inside straight-line code (what an emulator translating whole blocks must
 * still get right): at the trap, every earlier instruction of the block has taken effect and no
 * later one has, and the faulting instruction itself wrote nothing: a load or AMO leaves rd
 * alone, a store leaves memory alone. A jalr whose target faults has completed (rd linked). */
#include "test.h"

static struct trap_frame at_trap;
static volatile uint64_t cell = 0x1234;
static uint64_t cell_at_trap;

static int snapshot(struct trap_frame *f)
{
    at_trap = *f;
    cell_at_trap = cell;
    return 0; /* and handle as usual */
}

#define A2 12
#define A3 13
#define A4 14

int main(void)
{
    trap_hook_m = snapshot;
    uint64_t a2, a3, a4;

    trap_arm();
    asm volatile("li a2, 0\n li a3, 7\n li a4, 0\n"
                 "addi a2, a2, 1\n"
                 "ld a3, 0(%3)\n"
                 "addi a4, a4, 1\n"
                 "mv %0, a2\n mv %1, a3\n mv %2, a4"
                 : "=r"(a2), "=r"(a3), "=r"(a4)
                 : "r"(UNMAPPED_PADDR)
                 : "a2", "a3", "a4", "memory");
    check_trap("load fault mid-block", &trap_m, CAUSE_LOAD_ACCESS, UNMAPPED_PADDR);
    check("  at the trap: the instruction before ran", at_trap.x[A2], 1);
    check("  at the trap: the load did not write rd", at_trap.x[A3], 7);
    check("  at the trap: the instruction after had not run", at_trap.x[A4], 0);
    check("  afterwards: the rest of the block ran", a2 << 8 | a3 << 4 | a4, 0x171);

    trap_arm();
    asm volatile("li a3, 5\n amoswap.d a3, a3, (%0)\n" ::"r"(UNMAPPED_PADDR) : "a3", "memory");
    trap_disarm(); /* the cause differs between QEMU and the spec: see exceptions.c */
    check("AMO fault: one trap with tval", trap_m.count == 1 && trap_m.tval == UNMAPPED_PADDR, 1);
    check("  AMO did not write rd", at_trap.x[A3], 5);

    trap_arm();
    asm volatile(
        "li a2, 1\n sd a2, 0(%0)\n li a2, 2\n sd a2, 0(%1)\n li a2, 3\n sd a2, 0(%0)" ::"r"(&cell),
        "r"(UNMAPPED_PADDR)
        : "a2", "memory");
    check_trap("store fault between two stores", &trap_m, CAUSE_STORE_ACCESS, UNMAPPED_PADDR);
    check("  at the trap: the first store landed, the last not yet", cell_at_trap, 1);
    check("  at the trap: a2 = 2", at_trap.x[A2], 2);
    check("  afterwards: the last store landed", cell, 3);

    trap_arm();
    asm volatile("li a2, 0\n .4byte 0xffffffff\n li a2, 9" ::: "a2");
    check_illegal("illegal instruction mid-block", &trap_m);
    check("  at the trap: the li after it had not run", at_trap.x[A2], 0);

    /* the jump completes, then the target's fetch faults (the handler resumes at ra) */
    uint64_t link_expected;
    trap_arm();
    asm volatile("la %0, 1f\n jalr ra, 0(%1)\n 1:"
                 : "=&r"(link_expected)
                 : "r"(UNMAPPED_PADDR)
                 : "ra", "memory");
    check_trap("fetch fault at a jalr target", &trap_m, CAUSE_FETCH_ACCESS, UNMAPPED_PADDR);
    check("  the jalr linked before the fault", at_trap.x[1] - link_expected, 0);
    return 0;
}
