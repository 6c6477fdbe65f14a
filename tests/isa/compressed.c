/* The C extension on RV64: each compressed form computes what its expansion does (immediates
 * scaled and sign-extended as the spec's tables say), RV64's replacements of RV32 encodings
 * (c.addiw where RV32 has c.jal, c.ld/c.sd/c.ldsp/c.sdsp where it has c.flw...), and the
 * reserved encodings that must raise illegal instruction with the 16 bits in mtval. */
#include "test.h"

/* Runs `body` with a0/a1 preset; returns a0. Compressed forms only reach x8-x15 (s0, s1, a0-a5)
 * in their 3-bit register fields. */
#define C2(body, in0, in1)                                                                         \
    ({                                                                                             \
        register uint64_t a0_ asm("a0") = (in0);                                                   \
        register uint64_t a1_ asm("a1") = (in1);                                                   \
        asm volatile(".option push\n .option rvc\n" body "\n .option pop"                          \
                     : "+r"(a0_), "+r"(a1_)::"memory");                                            \
        a0_;                                                                                       \
    })

static volatile uint64_t slots[8];

int main(void)
{
    check("c.li -32", C2("c.li a0, -32", 0, 0), -32ULL);
    check("c.addi -1", C2("c.addi a0, -1", 0, 0), ~0ULL);
    check("c.addi 31", C2("c.addi a0, 31", 1, 0), 32);
    check("c.lui 0x1f (sign from bit 17)", C2("c.lui a0, 0x1f", 0, 0), 0x1f000);
    check("c.lui 0xfffe0 (negative)", C2("c.lui a0, 0xfffe0", 0, 0), 0xfffffffffffe0000ULL);
    check("c.addiw wraps to 32 bits", C2("c.addiw a0, 1", 0x7fffffff, 0), 0xffffffff80000000ULL);
    check("c.addiw 0 is sext.w", C2("c.addiw a0, 0", 0xffffffffULL, 0), ~0ULL);
    /* 0x2505 in RV32 would be c.jal; on RV64 it is c.addiw a0, a0, 1. */
    check("RV32's c.jal slot is c.addiw", C2(".2byte 0x2505", 0x7fffffff, 0),
          0xffffffff80000000ULL);
    check("c.slli 63", C2("c.slli a0, 63", 1, 0), MIN64);
    check("c.srli 32", C2("c.srli a0, 32", 0xffffffff00000000ULL, 0), 0xffffffffULL);
    check("c.srai 63", C2("c.srai a0, 63", MIN64, 0), ~0ULL);
    check("c.andi -2", C2("c.andi a0, -2", 0xff, 0), 0xfe);
    check("c.mv", C2("c.mv a0, a1", 1, 77), 77);
    check("c.add", C2("c.add a0, a1", 40, 2), 42);
    check("c.sub", C2("c.sub a0, a1", 40, 42), -2ULL);
    check("c.xor", C2("c.xor a0, a1", 0xf0, 0xff), 0x0f);
    check("c.or", C2("c.or a0, a1", 0xf0, 0x0f), 0xff);
    check("c.and", C2("c.and a0, a1", 0xf0, 0x3c), 0x30);
    check("c.addw sign-extends", C2("c.addw a0, a1", 0x7fffffff, 1), 0xffffffff80000000ULL);
    check("c.subw sign-extends", C2("c.subw a0, a1", 0, 1), ~0ULL);

    /* Loads and stores through a base register; offsets scaled by the access size. */
    slots[0] = 0;
    slots[1] = 0x8000000012345678ULL;
    slots[2] = 0;
    check("c.ld 8", C2("c.ld a0, 8(a1)", 0, (uint64_t)slots), 0x8000000012345678ULL);
    check("c.lw 12 sign-extends", C2("c.lw a0, 12(a1)", 0, (uint64_t)slots), 0xffffffff80000000ULL);
    C2("c.sd a0, 16(a1)", 0x1111222233334444ULL, (uint64_t)slots);
    check("c.sd 16", slots[2], 0x1111222233334444ULL);
    C2("c.sw a0, 16(a1)", 0x99999999aaaaaaaaULL, (uint64_t)slots);
    check("c.sw 16 writes a word", slots[2], 0x11112222aaaaaaaaULL);

    /* Stack-pointer forms: run them on a private sp pointing at slots. */
    uint64_t r;
    asm volatile(".option push\n .option rvc\n mv t1, sp\n mv sp, %1\n li t0, -7\n"
                 "c.sdsp t0, 24(sp)\n c.swsp t0, 32(sp)\n c.ldsp %0, 24(sp)\n"
                 "c.lwsp t2, 32(sp)\n add %0, %0, t2\n mv sp, t1\n .option pop"
                 : "=&r"(r)
                 : "r"((uint64_t)slots)
                 : "t0", "t1", "t2", "memory");
    check("c.sdsp/c.ldsp + c.swsp/c.lwsp", r, -14ULL);
    check("  c.sdsp memory", slots[3], -7ULL);
    check("  c.swsp memory (upper half untouched)", slots[4], 0xfffffff9ULL);
    asm volatile(".option push\n .option rvc\n mv t1, sp\n mv sp, %1\n c.addi16sp sp, -64\n"
                 "c.addi16sp sp, 496\n mv %0, sp\n mv sp, t1\n .option pop"
                 : "=&r"(r)
                 : "r"(0x1000ULL)
                 : "t1");
    check("c.addi16sp -64 then +496", r, 0x1000 + 432);
    asm volatile(".option push\n .option rvc\n mv t1, sp\n mv sp, %1\n c.addi4spn a0, sp, 1020\n"
                 "mv %0, a0\n mv sp, t1\n .option pop"
                 : "=&r"(r)
                 : "r"(0x2000ULL)
                 : "t1", "a0");
    check("c.addi4spn 1020", r, 0x2000 + 1020);

    /* Control transfer. */
    check("c.j skips", C2("c.li a0, 1\n c.j 1f\n c.li a0, 2\n1:", 0, 0), 1);
    check("c.beqz taken", C2("c.beqz a1, 1f\n c.li a0, 2\n1:", 1, 0), 1);
    check("c.beqz not taken", C2("c.beqz a1, 1f\n c.li a0, 2\n1:", 1, 5), 2);
    check("c.bnez taken", C2("c.bnez a1, 1f\n c.li a0, 2\n1:", 1, 5), 1);
    check("c.bnez backward loop", C2("1: c.addi a0, 2\n c.addi a1, -1\n c.bnez a1, 1b", 0, 4), 8);
    check("c.jr", C2("la a1, 1f\n c.jr a1\n c.li a0, 2\n1:", 1, 0), 1);
    /* c.jalr links pc+2: the return address is the halfword after it */
    check("c.jalr links pc+2",
          C2("la a1, 2f\n c.jalr a1\n1: c.j 3f\n2: la a0, 1b\n mv a1, ra\n c.sub a0, a1\n c.jr "
             "ra\n3:",
             0, 0),
          0);
    check("c.nop", C2("c.nop\n c.addi a0, 1", 1, 0), 2);

    /* HINTs (rd = x0 and similar): they must run as no-ops, not trap. */
    trap_arm();
    uint64_t hint = C2(".2byte 0x0005\n" /* c.addi x0, 1 (c.nop with imm) */
                       ".2byte 0x4005\n" /* c.li x0, 1 */
                       ".2byte 0x6005\n" /* c.lui x0, 1 */
                       ".2byte 0x802e\n" /* c.mv x0, a1 */
                       ".2byte 0x902e\n" /* c.add x0, a1 */
                       ".2byte 0x0006\n" /* c.slli x0, 1 */
                       "c.addi a0, 1",
                       7, 9);
    check("compressed HINTs run as no-ops", hint, 8);
    check_no_trap("  no traps");

    /* Reserved encodings: illegal, tval = the 16 bits. */
    static const uint16_t reserved[] = {
        0x0000, /* all zeros: defined illegal */
        0x0004, /* c.addi4spn with nzuimm = 0 */
        0x6101, /* c.addi16sp with nzimm = 0 */
        0x4002, /* c.lwsp with rd = x0 */
        0x6002, /* c.ldsp with rd = x0 */
        0x8002, /* c.jr with rs1 = x0 */
        0x2001, /* c.addiw with rd = x0 */
        0x6501, /* c.lui with nzimm = 0 */
    };
    for (unsigned i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        static uint16_t code[2] __attribute__((aligned(4)));
        code[0] = reserved[i];
        code[1] = 0x8082; /* c.jr ra, unreached if the trap resumes at ra */
        asm volatile("fence.i" ::: "memory");
        print_str("reserved ");
        print_hex(reserved[i]);
        print_char('\n');
        trap_arm();
        asm volatile("jalr ra, 0(%0)" ::"r"(code) : "ra", "memory");
        check_trap("  illegal", &trap_m, CAUSE_ILLEGAL_INSN, reserved[i]);
    }
    return 0;
}
