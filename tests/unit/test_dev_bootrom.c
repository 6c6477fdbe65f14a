#include <criterion/criterion.h>

#include "dev.h"
#include "xpc/memmap.h"

#define ENTRY    0x80000000ULL
#define FDT      0x87e00000ULL
#define NEXT     0x80200000ULL
#define MODE_S   1
#define BOOTHART 0

static struct bootrom *rom;
static struct device dev;

static void setup(void)
{
    rom = bootrom_create(ENTRY, FDT, NEXT, MODE_S, BOOTHART);
    cr_assert_not_null(rom);
    dev = bootrom_device(rom);
}

static void teardown(void)
{
    bootrom_destroy(rom);
}

TestSuite(bootrom, .init = setup, .fini = teardown);

static uint64_t rd(uint64_t off, unsigned size)
{
    uint64_t v = 0;
    cr_assert(dev.read(dev.opaque, off, size, &v), "read 0x%llx/%u refused",
              (unsigned long long)off, size);
    return v;
}

Test(bootrom, window_matches_memmap)
{
    cr_expect_eq(dev.base, MEMMAP_BOOTROM_BASE);
    cr_expect_eq(dev.size, MEMMAP_BOOTROM_SIZE);
}

/* The words as riscv64-unknown-elf-as encodes QEMU 7.2's RV64 reset vector. */
Test(bootrom, reset_vector_code_matches_assembler)
{
    static const uint32_t expected[] = {
        0x00000297, /* auipc t0, 0 */
        0x02828613, /* addi a2, t0, 40 */
        0xf1402573, /* csrr a0, mhartid */
        0x0202b583, /* ld a1, 32(t0) */
        0x0182b283, /* ld t0, 24(t0) */
        0x00028067, /* jr t0 */
    };
    for (unsigned i = 0; i < 6; i++)
        cr_expect_eq(rd(4 * i, 4), expected[i], "instruction %u: 0x%08llx", i,
                     (unsigned long long)rd(4 * i, 4));
}

Test(bootrom, addresses_after_code)
{
    cr_expect_eq(rd(24, 8), ENTRY);
    cr_expect_eq(rd(32, 8), FDT);
    cr_expect_eq(rd(32, 4), (uint32_t)FDT);
    cr_expect_eq(rd(36, 4), FDT >> 32);
}

Test(bootrom, fw_dynamic_info_v2)
{
    cr_expect_eq(rd(40, 8), 0x4942534f, "magic 'OSBI'");
    cr_expect_eq(rd(48, 8), 2, "version");
    cr_expect_eq(rd(56, 8), NEXT, "next_addr");
    cr_expect_eq(rd(64, 8), MODE_S, "next_mode");
    cr_expect_eq(rd(72, 8), 0, "options");
    cr_expect_eq(rd(80, 8), BOOTHART, "boot_hart");
}

Test(bootrom, parameters_reach_the_words)
{
    struct bootrom *r = bootrom_create(0x1234, 0x5678, 0x9abc, 3, 2);
    struct device d = bootrom_device(r);
    uint64_t v;
    d.read(r, 24, 8, &v);
    cr_expect_eq(v, 0x1234);
    d.read(r, 32, 8, &v);
    cr_expect_eq(v, 0x5678);
    d.read(r, 56, 8, &v);
    cr_expect_eq(v, 0x9abc);
    d.read(r, 64, 8, &v);
    cr_expect_eq(v, 3);
    d.read(r, 80, 8, &v);
    cr_expect_eq(v, 2);
    bootrom_destroy(r);
}

Test(bootrom, rest_of_rom_reads_zero_and_bytes_work)
{
    cr_expect_eq(rd(88, 8), 0);
    cr_expect_eq(rd(MEMMAP_BOOTROM_SIZE - 8, 8), 0);
    cr_expect_eq(rd(0, 1), 0x97);
    cr_expect_eq(rd(2, 2), 0x0000);
    cr_expect_eq(rd(4, 2), 0x8613);
}

Test(bootrom, read_only_and_bounded)
{
    uint64_t v;
    cr_expect_not(dev.write(dev.opaque, 0, 4, 0));
    cr_expect_eq(rd(0, 4), 0x00000297, "write had no effect");
    cr_expect_not(dev.read(dev.opaque, MEMMAP_BOOTROM_SIZE - 4, 8, &v));
    cr_expect_not(dev.read(dev.opaque, MEMMAP_BOOTROM_SIZE, 1, &v));
    cr_expect_not(dev.read(dev.opaque, 0, 3, &v));
}
