/* M extension multiplies: low 64 bits (mul), high halves signed x signed (mulh), signed x
 * unsigned (mulhsu), unsigned x unsigned (mulhu), and mulw's sign-extended 32-bit product. */
#include "test.h"

int main(void)
{
    check("mul 3*-7", RR("mul", 3, -7), -21ULL);
    check("mul wraps", RR("mul", 0x100000000ULL, 0x100000000ULL), 0);
    check("mul min*-1", RR("mul", MIN64, -1), MIN64);
    check("mulh -1*-1", RR("mulh", -1, -1), 0);
    check("mulh min*min", RR("mulh", MIN64, MIN64), 0x4000000000000000ULL);
    check("mulh min*max", RR("mulh", MIN64, MAX64), 0xc000000000000000ULL);
    check("mulh -1*1", RR("mulh", -1, 1), ~0ULL);
    check("mulhu -1*-1", RR("mulhu", -1, -1), 0xfffffffffffffffeULL);
    check("mulhu 2^32*2^32", RR("mulhu", 0x100000000ULL, 0x100000000ULL), 1);
    check("mulhsu -1*-1 (rs2 unsigned)", RR("mulhsu", -1, -1), ~0ULL);
    check("mulhsu 1*-1", RR("mulhsu", 1, -1), 0);
    check("mulhsu min*-1", RR("mulhsu", MIN64, -1), MIN64);
    check("mulhsu 2*min", RR("mulhsu", 2, MIN64), 1);
    check("mulw 0x10000*0x10000", RR("mulw", 0x10000, 0x10000), 0);
    check("mulw sign-extends", RR("mulw", 0x10000, 0x8000), 0xffffffff80000000ULL);
    check("mulw ignores upper halves", RR("mulw", 0xffffffff00000003ULL, 0x1200000005ULL), 15);
    check("mulw -3*5", RR("mulw", -3, 5), -15ULL);
    return 0;
}
