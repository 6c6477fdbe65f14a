/* RV64I register-register and register-immediate ALU operations (add, sub, slt, sltu, and, or,
 * xor and their immediate forms), at the edges: signed/unsigned boundaries, sign-extended
 * 12-bit immediates, and x0 as source and destination. */
#include "test.h"

int main(void)
{
    check("add 1+2", RR("add", 1, 2), 3);
    check("add wraps", RR("add", MAX64, 1), MIN64);
    check("add -1+-1", RR("add", -1, -1), -2ULL);
    check("sub 0-1", RR("sub", 0, 1), ~0ULL);
    check("sub min-1", RR("sub", MIN64, 1), MAX64);
    check("slt -1<1", RR("slt", -1, 1), 1);
    check("slt 1<-1", RR("slt", 1, -1), 0);
    check("slt min<max", RR("slt", MIN64, MAX64), 1);
    check("slt equal", RR("slt", 5, 5), 0);
    check("sltu -1<1", RR("sltu", -1, 1), 0);
    check("sltu 1<-1", RR("sltu", 1, -1), 1);
    check("and", RR("and", 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL), 0x0f000f000f000f00ULL);
    check("or", RR("or", 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL), 0xfff0fff0fff0fff0ULL);
    check("xor", RR("xor", 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL), 0xf0f0f0f0f0f0f0f0ULL);

    check("addi +2047", RI("addi", 1, 2047), 2048);
    check("addi -2048", RI("addi", 0, -2048), -2048ULL);
    check("addi -1 wraps", RI("addi", 0, -1), ~0ULL);
    check("slti -1<0", RI("slti", -1, 0), 1);
    check("slti 0<-2048", RI("slti", 0, -2048), 0);
    check("sltiu 0<-1 (imm sign-extends to max)", RI("sltiu", 0, -1), 1);
    check("sltiu -2<-1", RI("sltiu", -2, -1), 1);
    check("sltiu x<1 is seqz (0)", RI("sltiu", 0, 1), 1);
    check("sltiu x<1 is seqz (5)", RI("sltiu", 5, 1), 0);
    check("andi -1 keeps high bits", RI("andi", 0x123456789abcdef0ULL, -1), 0x123456789abcdef0ULL);
    check("andi 0x7ff", RI("andi", 0x123456789abcdef0ULL, 0x7ff), 0x6f0);
    check("ori -2048", RI("ori", 0x5, -2048), 0xfffffffffffff805ULL);
    check("xori -1 is not", RI("xori", 0x00ff00ff00ff00ffULL, -1), 0xff00ff00ff00ff00ULL);

    /* x0 reads as zero and ignores writes */
    uint64_t r;
    asm volatile("li t0, 7\n add x0, t0, t0\n add %0, x0, t0" : "=r"(r) : : "t0");
    check("write to x0 is discarded", r, 7);
    asm volatile("addi %0, x0, -5" : "=r"(r));
    check("addi from x0", r, -5ULL);
    return 0;
}
