/* RV64I *W operations: compute on the low 32 bits, then sign-extend bit 31 into the upper half,
 * whatever the upper halves of the sources held. */
#include "test.h"

int main(void)
{
    check("addw wraps to negative", RR("addw", 0x7fffffff, 1), 0xffffffff80000000ULL);
    check("addw ignores upper halves", RR("addw", 0x1234567800000001ULL, 0xabcdef0000000002ULL), 3);
    check("subw", RR("subw", 0, 1), ~0ULL);
    check("subw 0x80000000-1", RR("subw", 0x80000000, 1), 0x7fffffff);
    check("addiw -1", RI("addiw", 0, -1), ~0ULL);
    check("addiw 0 is sext.w", RI("addiw", 0x00000000fedcba98ULL, 0), 0xfffffffffedcba98ULL);
    check("addiw upper ignored", RI("addiw", 0xffffffff00000005ULL, 2047), 0x804);
    check("sllw", RR("sllw", 1, 31), 0xffffffff80000000ULL);
    check("sllw uses rs2[4:0]", RR("sllw", 1, 32), 1);
    check("srlw", RR("srlw", 0xffffffff80000000ULL, 31), 1);
    check("srlw 0 sign-extends bit 31", RR("srlw", 0xffffffff80000000ULL, 0),
          0xffffffff80000000ULL);
    check("srlw 1", RR("srlw", 0xffffffff80000000ULL, 1), 0x40000000);
    check("sraw", RR("sraw", 0x80000000ULL, 31), ~0ULL);
    check("sraw uses rs2[4:0]", RR("sraw", 0x80000000ULL, 0x21), 0xffffffffc0000000ULL);
    check("slliw 31", RI("slliw", 3, 31), 0xffffffff80000000ULL);
    check("srliw 4", RI("srliw", 0xffffffff12345678ULL, 4), 0x01234567);
    check("sraiw 4", RI("sraiw", 0x0000000087654321ULL, 4), 0xfffffffff8765432ULL);
    check("sraiw 0 is sext.w", RI("sraiw", 0x00000000ffffffffULL, 0), ~0ULL);
    return 0;
}
