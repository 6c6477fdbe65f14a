/* M extension divides: rounding toward zero, remainder sign follows the dividend, and the spec's
 * table for the cases that do not trap: x/0 = all ones, x%0 = x, MIN/-1 = MIN with remainder 0;
 * the *W forms operate on 32 bits and sign-extend (divuw/remuw too). */
#include "test.h"

#define MIN32 0xffffffff80000000ULL

int main(void)
{
    check("div -7/2", RR("div", -7, 2), -3ULL);
    check("rem -7%2", RR("rem", -7, 2), -1ULL);
    check("div 7/-2", RR("div", 7, -2), -3ULL);
    check("rem 7%-2", RR("rem", 7, -2), 1);
    check("divu -1/2", RR("divu", -1, 2), MAX64);
    check("remu -1%10", RR("remu", -1, 10), 5);
    check("div by zero", RR("div", 42, 0), ~0ULL);
    check("divu by zero", RR("divu", 42, 0), ~0ULL);
    check("rem by zero", RR("rem", -42, 0), -42ULL);
    check("remu by zero", RR("remu", 42, 0), 42);
    check("div overflow", RR("div", MIN64, -1), MIN64);
    check("rem overflow", RR("rem", MIN64, -1), 0);

    check("divw -7/2", RR("divw", -7, 2), -3ULL);
    check("divw ignores upper halves", RR("divw", 0x1234567800000064ULL, 0xff0000000000000aULL),
          10);
    check("remw -7%2", RR("remw", -7, 2), -1ULL);
    check("divuw 0x80000000/1 sign-extends", RR("divuw", 0x80000000ULL, 1), MIN32);
    check("divuw -1/2 on 32 bits", RR("divuw", -1, 2), 0x7fffffff);
    check("remuw 0xfffffffe%0xffffffff sign-extends", RR("remuw", 0xfffffffeULL, 0xffffffffULL),
          0xfffffffffffffffeULL);
    check("divw by zero", RR("divw", 5, 0), ~0ULL);
    check("divuw by zero", RR("divuw", 5, 0), ~0ULL);
    check("remw by zero sign-extends", RR("remw", 0x80000001ULL, 0), 0xffffffff80000001ULL);
    check("remuw by zero", RR("remuw", 0x123456789ULL, 0), 0x23456789);
    check("divw overflow", RR("divw", MIN32, -1), MIN32);
    check("remw overflow", RR("remw", 0x80000000ULL, -1), 0);
    return 0;
}
