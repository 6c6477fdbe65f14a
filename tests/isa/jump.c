/* jal and jalr: the link register gets pc+4, jalr adds a sign-extended offset and clears bit 0
 * of the target, rd = rs1 uses the old rs1, and rd = x0 links nothing. */
#include "test.h"

int main(void)
{
    uint64_t link, expect, r;
    asm volatile("jal %0, 1f\n 2: j 3f\n 1: la %1, 2b\n 3:" : "=&r"(link), "=&r"(expect));
    check("jal links pc+4", link - expect, 0);

    /* jalr to label|1: bit 0 is cleared, so it lands on the label */
    asm volatile("la t0, 1f\n addi t0, t0, 1\n li %0, 0\n jalr t1, 0(t0)\n li %0, 99\n"
                 "1: addi %0, %0, 1\n la t2, 1b\n addi t2, t2, -4\n sub %1, t1, t2"
                 : "=&r"(r), "=&r"(link)::"t0", "t1", "t2");
    check("jalr with odd target lands on target", r, 1);
    check("jalr links pc+4", link, 0);

    /* a negative offset, and rd == rs1: the target uses the old value */
    asm volatile("la t0, 1f\n addi t0, t0, 16\n jalr t0, -16(t0)\n li %0, 99\n j 2f\n"
                 "1: li %0, 7\n 2:"
                 : "=&r"(r)::"t0");
    check("jalr negative offset, rd == rs1", r, 7);

    /* offset +3 from an even address: target is (base+3) & ~1 = base+2, a compressed slot */
    asm volatile(".option push\n .option norvc\n la t0, 1f\n jalr x0, 3(t0)\n .option pop\n"
                 "1: .2byte 0x0001\n" /* c.nop at base, skipped */
                 " li %0, 5\n"
                 : "=&r"(r)::"t0");
    check("jalr (base+3)&~1", r, 5);

    /* call and return through ra, the ABI's pair */
    asm volatile("jal ra, 1f\n j 2f\n 1: li %0, 11\n ret\n 2:" : "=&r"(r)::"ra");
    check("jal ra / ret", r, 11);
    return 0;
}
