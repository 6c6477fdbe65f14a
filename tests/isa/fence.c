/* The ordering instructions on one hart: every fence form (any pred/succ, fence.tso, pause from
 * Zihintpause, which is a fence encoding) and the 32-bit HINT space (writes to x0) run as
 * no-ops; memory written before a fence reads back after it. */
#include "test.h"

static volatile uint64_t cell;

int main(void)
{
    trap_arm();
    cell = 1;
    asm volatile("fence" ::: "memory");
    asm volatile("fence rw, rw\n fence r, r\n fence w, w\n fence iorw, iorw\n fence i, o" ::
                     : "memory");
    asm volatile("fence.tso" ::: "memory");
    asm volatile(".4byte 0x0100000f" ::: "memory"); /* pause: fence w, 0 */
    asm volatile(".4byte 0x0000000f" ::: "memory"); /* fence with empty sets */
    asm volatile("addi x0, x0, 5\n slti x0, x0, 1\n lui x0, 1\n auipc x0, 1\n add x0, x1, x2\n"
                 "slli x0, x0, 3" ::
                     : "memory");
    check("value across fences", cell, 1);
    check_no_trap("fences, fence.tso, pause and HINTs");
    return 0;
}
