/* A extension AMOs, every operation in .w and .d: rd gets the old memory value (sign-extended
 * from 32 bits for .w), memory gets op(old, rs2), .w touches only its word; min/max signed vs
 * unsigned; aq/rl variants behave the same on one hart. */
#include "test.h"

static volatile uint64_t mem[2];

#define AMO(op, addr, val)                                                                         \
    ({                                                                                             \
        uint64_t old_;                                                                             \
        asm volatile(op " %0, %2, (%1)"                                                            \
                     : "=r"(old_)                                                                  \
                     : "r"(addr), "r"((uint64_t)(val))                                             \
                     : "memory");                                                                  \
        old_;                                                                                      \
    })

#define TEST_D(op, init, val, expect)                                                              \
    do {                                                                                           \
        mem[0] = (init);                                                                           \
        uint64_t old_ = AMO(op, &mem[0], val);                                                     \
        print_str(op ": ");                                                                        \
        check("old", old_, (init));                                                                \
        check(op " memory", mem[0], (expect));                                                     \
    } while (0)

/* The word lives in the upper half of mem[0] so that a .w writing 8 bytes would show. */
#define TEST_W(op, init, val, expect)                                                              \
    do {                                                                                           \
        mem[0] = ((uint64_t)(uint32_t)(init) << 32) | 0x5a5a5a5a;                                  \
        uint64_t old_ = AMO(op, (volatile uint8_t *)mem + 4, val);                                 \
        print_str(op ": ");                                                                        \
        check("old", old_, (uint64_t)(int64_t)(int32_t)(uint32_t)(init));                          \
        check(op " memory", mem[0], ((uint64_t)(uint32_t)(expect) << 32) | 0x5a5a5a5a);            \
    } while (0)

int main(void)
{
    TEST_D("amoswap.d", 0x1111111111111111ULL, 0x2222222222222222ULL, 0x2222222222222222ULL);
    TEST_D("amoadd.d", MAX64, 1, MIN64);
    TEST_D("amoxor.d", 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL, 0xf0f0f0f0f0f0f0f0ULL);
    TEST_D("amoand.d", 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL, 0x0f000f000f000f00ULL);
    TEST_D("amoor.d", 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL, 0xfff0fff0fff0fff0ULL);
    TEST_D("amomin.d", 1, -1, -1ULL);
    TEST_D("amomax.d", 1, -1, 1);
    TEST_D("amominu.d", 1, -1, 1);
    TEST_D("amomaxu.d", 1, -1, -1ULL);
    TEST_D("amoadd.d.aq", 5, 6, 11);
    TEST_D("amoadd.d.rl", 5, 6, 11);
    TEST_D("amoadd.d.aqrl", 5, 6, 11);

    TEST_W("amoswap.w", 0x80000000U, 0x12345678, 0x12345678);
    TEST_W("amoadd.w", 0x7fffffffU, 1, 0x80000000U);
    TEST_W("amoadd.w", 0xffffffffU, 1, 0); /* the carry must not reach the neighbour */
    TEST_W("amoxor.w", 0xf0f0f0f0U, 0xffffffffffffffffULL, 0x0f0f0f0fU);
    TEST_W("amoand.w", 0xf0f0f0f0U, 0x3c3c3c3c, 0x30303030U);
    TEST_W("amoor.w", 0xf0f0f0f0U, 0x0c0c0c0c, 0xfcfcfcfcU);
    TEST_W("amomin.w", 1, 0xffffffff, 0xffffffffU);
    /* .w compares the low 32 bits only: rs2's upper half is ignored */
    TEST_W("amomin.w", 0x80000000U, 0x000000017fffffffULL, 0x80000000U);
    TEST_W("amomax.w", 1, 0xffffffff, 1);
    TEST_W("amominu.w", 1, 0xffffffff, 1);
    TEST_W("amomaxu.w", 1, 0xffffffff, 0xffffffffU);
    TEST_W("amomaxu.w", 0x80000000U, 0xffffffff0000ffffULL, 0x80000000U);
    TEST_W("amoswap.w.aqrl", 0xdeadbeefU, 1, 1);

    /* rd = x0 still updates memory */
    mem[0] = 40;
    asm volatile("amoadd.d x0, %1, (%0)" ::"r"(&mem[0]), "r"(2ULL) : "memory");
    check("amoadd.d with rd=x0 memory", mem[0], 42);
    return 0;
}
