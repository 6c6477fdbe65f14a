/* lui and auipc: a 20-bit immediate placed at bits 31:12 and sign-extended to 64 bits; auipc adds
 * it to the address of the auipc itself. */
#include "test.h"

int main(void)
{
    uint64_t r, pc, label;
    asm volatile("lui %0, 0x80000" : "=r"(r));
    check("lui 0x80000 sign-extends", r, 0xffffffff80000000ULL);
    asm volatile("lui %0, 0x7ffff" : "=r"(r));
    check("lui 0x7ffff", r, 0x7ffff000);
    asm volatile("lui %0, 0xfffff" : "=r"(r));
    check("lui 0xfffff", r, 0xfffffffffffff000ULL);
    asm volatile("lui %0, 0" : "=r"(r));
    check("lui 0", r, 0);

    asm volatile("1: auipc %0, 0\n la %1, 1b" : "=r"(pc), "=r"(label));
    check("auipc 0 is its own address", pc - label, 0);
    asm volatile("1: auipc %0, 1\n la %1, 1b" : "=r"(pc), "=r"(label));
    check("auipc 1 adds 0x1000", pc - label, 0x1000);
    asm volatile("1: auipc %0, 0x80000\n la %1, 1b" : "=r"(pc), "=r"(label));
    check("auipc 0x80000 adds -2 GiB", pc - label, 0xffffffff80000000ULL);
    asm volatile("1: auipc %0, 0xfffff\n la %1, 1b" : "=r"(pc), "=r"(label));
    check("auipc 0xfffff adds -4096", pc - label, -4096ULL);
    return 0;
}
