/* Zifencei: code written as data runs after fence.i. Each step rewrites code that has already run
 * (so an emulator holds it decoded in a block cache) and checks the new version runs. */
#include "test.h"

/* addi a0, zero, imm ; ret (c.jr ra) as halfwords */
#define ADDI_A0(imm) (0x00000513u | ((uint32_t)(imm) << 20))
#define C_JR_RA      0x8082u
#define C_LI_A0(imm) (0x4501u | (((imm)&0x1f) << 2) | (((imm)&0x20) << 7))

static uint16_t code[64] __attribute__((aligned(64)));

static uint64_t run(void)
{
    uint64_t r;
    asm volatile("jalr ra, 0(%1)\n mv %0, a0" : "=r"(r) : "r"(code) : "ra", "a0", "memory");
    return r;
}

static void write_addi(int imm)
{
    uint32_t insn = ADDI_A0(imm);
    code[0] = (uint16_t)insn;
    code[1] = (uint16_t)(insn >> 16);
    code[2] = C_JR_RA;
}

int main(void)
{
    write_addi(1);
    asm volatile("fence.i" ::: "memory");
    uint64_t sum = 0;
    for (int i = 0; i < 100; i++)
        sum += run();
    check("first version, 100 runs", sum, 100);

    write_addi(2);
    asm volatile("fence.i" ::: "memory");
    check("rewritten, after fence.i", run(), 2);

    write_addi(-3);
    asm volatile("fence.i" ::: "memory");
    check("rewritten again", run(), -3ULL);

    /* a compressed instruction over the first half of the 32-bit one */
    code[0] = C_LI_A0(13);
    code[1] = C_JR_RA;
    asm volatile("fence.i" ::: "memory");
    check("replaced by compressed c.li", run(), 13);

    /* Patch an instruction later in the running function itself: the store and fence.i sit in
     * the same straight-line block as the target. The li at 1: is overwritten with li a0, 42. */
    uint64_t r;
    uint32_t patch = ADDI_A0(42);
    asm volatile(".option push\n .option norvc\n"
                 "la t0, 1f\n sw %1, 0(t0)\n fence.i\n"
                 "1: addi a0, zero, 7\n mv %0, a0\n .option pop"
                 : "=r"(r)
                 : "r"(patch)
                 : "t0", "a0", "memory");
    check("patched own code ahead of pc", r, 42);

    /* Run the patched function again, then put back the original and run it once more. */
    uint32_t original = ADDI_A0(7);
    for (int round = 0; round < 2; round++) {
        asm volatile(".option push\n .option norvc\n"
                     "la t0, 1f\n sw %1, 0(t0)\n fence.i\n"
                     "1: addi a0, zero, 9\n mv %0, a0\n .option pop"
                     : "=r"(r)
                     : "r"(round ? original : patch)
                     : "t0", "a0", "memory");
        check(round ? "loop patch round 2 (7)" : "loop patch round 1 (42)", r, round ? 7 : 42);
    }
    return 0;
}
