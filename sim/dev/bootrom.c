/* The reset vector QEMU 7.2 places at 0x1000 on RV64 (its "mrom"): five instructions that enter the
 * firmware with a0 = mhartid, a1 = the device tree and a2 = an OpenSBI fw_dynamic_info, followed
 * by the two addresses they load and the fw_dynamic_info itself. Reproducing it word for word means
 * fw_dynamic.elf and fw_jump.elf boot here exactly as they do on QEMU. */
#include <stdlib.h>
#include <string.h>

#include "../dev.h"
#include "riscv/spec.h"
#include "xpc/memmap.h"

/* Byte offsets of the data that follows the code. */
#define ROM_START_ADDR 24 /* .dword entry */
#define ROM_FDT_ADDR   32 /* .dword fdt_addr */
#define ROM_FW_DYN     40 /* struct fw_dynamic_info */

/* OpenSBI's include/sbi/fw_dynamic.h, version 2: six XLEN words. */
#define FW_DYNAMIC_INFO_MAGIC   0x4942534fULL /* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION 2
#define FW_DYNAMIC_INFO_WORDS   6

#define ROM_IMAGE_SIZE (ROM_FW_DYN + 8 * FW_DYNAMIC_INFO_WORDS)

enum { REG_A0 = 10, REG_A1 = 11, REG_A2 = 12, REG_T0 = 5, REG_ZERO = 0 };

#define OPC_AUIPC  0x17
#define OPC_OP_IMM 0x13
#define OPC_LOAD   0x03
#define OPC_SYSTEM 0x73
#define OPC_JALR   0x67
#define F3_ADDI    0
#define F3_LD      3
#define F3_CSRRS   2

static uint32_t enc_u(uint32_t opcode, unsigned rd, uint32_t imm20)
{
    return (imm20 << 12) | (rd << 7) | opcode;
}

static uint32_t enc_i(uint32_t opcode, unsigned funct3, unsigned rd, unsigned rs1, uint32_t imm12)
{
    return ((imm12 & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
}

struct bootrom {
    uint8_t image[ROM_IMAGE_SIZE];
};

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

struct bootrom *bootrom_create(uint64_t entry, uint64_t fdt_addr, uint64_t next_addr,
                               uint64_t next_mode, unsigned boot_hart)
{
    struct bootrom *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    const uint32_t code[] = {
        enc_u(OPC_AUIPC, REG_T0, 0),                                /* auipc t0, 0 */
        enc_i(OPC_OP_IMM, F3_ADDI, REG_A2, REG_T0, ROM_FW_DYN),     /* addi a2, t0, 40 */
        enc_i(OPC_SYSTEM, F3_CSRRS, REG_A0, REG_ZERO, CSR_MHARTID), /* csrr a0, mhartid */
        enc_i(OPC_LOAD, F3_LD, REG_A1, REG_T0, ROM_FDT_ADDR),       /* ld a1, 32(t0) */
        enc_i(OPC_LOAD, F3_LD, REG_T0, REG_T0, ROM_START_ADDR),     /* ld t0, 24(t0) */
        enc_i(OPC_JALR, 0, REG_ZERO, REG_T0, 0),                    /* jr t0 */
    };
    for (size_t i = 0; i < sizeof(code) / sizeof(code[0]); i++)
        put32(r->image + 4 * i, code[i]);
    put64(r->image + ROM_START_ADDR, entry);
    put64(r->image + ROM_FDT_ADDR, fdt_addr);
    const uint64_t info[FW_DYNAMIC_INFO_WORDS] = {
        FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, next_addr, next_mode, 0, boot_hart,
    };
    for (int i = 0; i < FW_DYNAMIC_INFO_WORDS; i++)
        put64(r->image + ROM_FW_DYN + 8 * i, info[i]);
    return r;
}

void bootrom_destroy(struct bootrom *r)
{
    free(r);
}

static bool bootrom_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    const struct bootrom *r = opaque;
    if ((size != 1 && size != 2 && size != 4 && size != 8) || offset > MEMMAP_BOOTROM_SIZE - size)
        return false;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t at = offset + i;
        uint8_t byte = at < sizeof(r->image) ? r->image[at] : 0; /* the rest of the ROM is zero */
        v |= (uint64_t)byte << (8 * i);
    }
    *value = v;
    return true;
}

static bool bootrom_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    (void)opaque;
    (void)offset;
    (void)size;
    (void)value;
    return false; /* ROM */
}

struct device bootrom_device(struct bootrom *r)
{
    return (struct device){.name = "mrom",
                           .base = MEMMAP_BOOTROM_BASE,
                           .size = MEMMAP_BOOTROM_SIZE,
                           .opaque = r,
                           .read = bootrom_read,
                           .write = bootrom_write};
}
