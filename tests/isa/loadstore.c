/* Loads and stores of every width: lb/lh/lw sign-extend, lbu/lhu/lwu zero-extend, ld; sb/sh/sw/sd
 * write only their bytes (little-endian); negative and positive offsets. */
#include "test.h"

static volatile uint64_t buf[4];

#define LOAD(op, base, off)                                                                        \
    ({                                                                                             \
        uint64_t r_;                                                                               \
        asm volatile(op " %0, %2(%1)" : "=r"(r_) : "r"(base), "i"(off) : "memory");                \
        r_;                                                                                        \
    })
#define STORE(op, val, base, off)                                                                  \
    asm volatile(op " %0, %2(%1)" ::"r"((uint64_t)(val)), "r"(base), "i"(off) : "memory")

int main(void)
{
    volatile uint8_t *b = (volatile uint8_t *)buf;
    buf[0] = 0x8081828384858687ULL;
    buf[1] = 0x7071727374757677ULL;
    check("lb sign-extends", LOAD("lb", b, 0), 0xffffffffffffff87ULL);
    check("lb positive", LOAD("lb", b, 8), 0x77);
    check("lbu zero-extends", LOAD("lbu", b, 7), 0x80);
    check("lh sign-extends", LOAD("lh", b, 6), 0xffffffffffff8081ULL);
    check("lh positive", LOAD("lh", b, 14), 0x7071);
    check("lhu zero-extends", LOAD("lhu", b, 0), 0x8687);
    check("lw sign-extends", LOAD("lw", b, 4), 0xffffffff80818283ULL);
    check("lw positive", LOAD("lw", b, 8), 0x74757677);
    check("lwu zero-extends", LOAD("lwu", b, 4), 0x80818283);
    check("ld", LOAD("ld", b, 8), 0x7071727374757677ULL);
    check("ld negative offset", LOAD("ld", b + 16, -16), 0x8081828384858687ULL);
    check("lbu negative offset", LOAD("lbu", b + 16, -1), 0x70);

    buf[2] = 0;
    STORE("sb", 0x1122334455667788ULL, b, 16);
    check("sb writes one byte", buf[2], 0x88);
    STORE("sh", 0x1122334455667788ULL, b, 18);
    check("sh writes two bytes", buf[2], 0x77880088);
    STORE("sw", 0xaabbccddeeff0011ULL, b, 20);
    check("sw writes four bytes", buf[2], 0xeeff001177880088ULL);
    STORE("sd", 0x0123456789abcdefULL, b + 32, -8);
    check("sd negative offset", buf[3], 0x0123456789abcdefULL);
    check("neighbour untouched", buf[1], 0x7071727374757677ULL);
    STORE("sb", 0xff, b + 24, 7);
    check("sb to the top byte", buf[3], 0xff23456789abcdefULL);
    return 0;
}
