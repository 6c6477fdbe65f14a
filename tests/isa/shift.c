/* RV64I shifts: sll/srl/sra take the amount from rs2[5:0] only; slli/srli/srai take 6-bit
 * immediates; sra/srai replicate the sign bit. */
#include "test.h"

int main(void)
{
    check("sll 1<<63", RR("sll", 1, 63), MIN64);
    check("sll uses rs2[5:0] (64 -> 0)", RR("sll", 0x1234, 64), 0x1234);
    check("sll uses rs2[5:0] (0x7f -> 63)", RR("sll", 1, 0x7f), MIN64);
    check("srl logical", RR("srl", MIN64, 63), 1);
    check("srl 32", RR("srl", 0xffffffff00000000ULL, 32), 0xffffffffULL);
    check("sra arithmetic", RR("sra", MIN64, 63), ~0ULL);
    check("sra positive", RR("sra", MAX64, 62), 1);
    check("sra uses rs2[5:0]", RR("sra", 0x8000000000000010ULL, 0x44), 0xf800000000000001ULL);
    check("slli 0", RI("slli", 0xabc, 0), 0xabc);
    check("slli 33", RI("slli", 3, 33), 0x600000000ULL);
    check("slli 63", RI("slli", 3, 63), MIN64);
    check("srli 63", RI("srli", ~0ULL, 63), 1);
    check("srli 1", RI("srli", MIN64, 1), 0x4000000000000000ULL);
    check("srai 1", RI("srai", MIN64, 1), 0xc000000000000000ULL);
    check("srai 63", RI("srai", 0x8123456789abcdefULL, 63), ~0ULL);
    check("srai 32", RI("srai", 0x7fff0000ffff0000ULL, 32), 0x7fff0000ULL);
    return 0;
}
