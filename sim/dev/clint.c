/* SiFive CLINT as QEMU virt lays it out: one msip word per hart, one 64-bit mtimecmp per hart, and
 * the shared mtime counter. The timer interrupt is a level: a hart's MTIP is high exactly while
 * mtime >= its mtimecmp, so software lowers it by moving mtimecmp forward, never by acking. */
#include <stdlib.h>

#include "../dev.h"
#include "riscv/spec.h"
#include "xpc/memmap.h"

#define CLINT_MSIP_BASE     0x0000
#define CLINT_MTIMECMP_BASE 0x4000
#define CLINT_MTIME         0xbff8
#define CLINT_MAX_HARTS     4095 /* msip words end where the mtimecmp array starts */

struct clint {
    unsigned nharts;
    struct irq_sink irq;
    struct clock_source clock;
    uint64_t mtime_offset; /* guest-written mtime minus the clock source, modulo 2^64 */
    uint32_t *msip;
    uint64_t *mtimecmp;
};

struct clint *clint_create(unsigned nharts, struct irq_sink irq, struct clock_source clock)
{
    if (nharts == 0 || nharts > CLINT_MAX_HARTS || !clock.mtime)
        return NULL;
    struct clint *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->nharts = nharts;
    c->irq = irq;
    c->clock = clock;
    c->msip = calloc(nharts, sizeof(*c->msip));
    c->mtimecmp = calloc(nharts, sizeof(*c->mtimecmp));
    if (!c->msip || !c->mtimecmp) {
        clint_destroy(c);
        return NULL;
    }
    /* Reset value of mtimecmp is all ones on QEMU, so no timer fires before software sets one. */
    for (unsigned h = 0; h < nharts; h++)
        c->mtimecmp[h] = UINT64_MAX;
    return c;
}

void clint_destroy(struct clint *c)
{
    if (!c)
        return;
    free(c->msip);
    free(c->mtimecmp);
    free(c);
}

static uint64_t clint_mtime(const struct clint *c)
{
    return c->clock.mtime(c->clock.opaque) + c->mtime_offset;
}

static void clint_set_irq(struct clint *c, unsigned hart, uint64_t mask, bool level)
{
    if (c->irq.set)
        c->irq.set(c->irq.opaque, hart, mask, level);
}

static void clint_update_hart(struct clint *c, unsigned hart, uint64_t now)
{
    clint_set_irq(c, hart, MIP_MTIP, now >= c->mtimecmp[hart]);
}

void clint_update(struct clint *c)
{
    uint64_t now = clint_mtime(c);
    for (unsigned h = 0; h < c->nharts; h++)
        clint_update_hart(c, h, now);
}

uint64_t clint_next_deadline(const struct clint *c)
{
    uint64_t now = clint_mtime(c);
    uint64_t next = UINT64_MAX;
    for (unsigned h = 0; h < c->nharts; h++)
        if (c->mtimecmp[h] > now && c->mtimecmp[h] < next)
            next = c->mtimecmp[h];
    return next;
}

/* A 64-bit register seen through a 4- or 8-byte window: `lane` is the byte offset in it (0 or 4).
 */
static bool reg64_read(uint64_t reg, unsigned lane, unsigned size, uint64_t *value)
{
    if (size == 8 && lane == 0)
        *value = reg;
    else if (size == 4)
        *value = (uint32_t)(reg >> (8 * lane));
    else
        return false;
    return true;
}

static bool reg64_write(uint64_t *reg, unsigned lane, unsigned size, uint64_t value)
{
    if (size == 8 && lane == 0) {
        *reg = value;
    } else if (size == 4) {
        uint64_t mask = 0xffffffffULL << (8 * lane);
        *reg = (*reg & ~mask) | (((uint64_t)(uint32_t)value << (8 * lane)) & mask);
    } else {
        return false;
    }
    return true;
}

static bool clint_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct clint *c = opaque;
    if (offset & (size - 1))
        return false;
    if (offset < CLINT_MSIP_BASE + 4ULL * c->nharts) {
        if (size != 4)
            return false;
        *value = c->msip[offset / 4];
        return true;
    }
    if (offset >= CLINT_MTIMECMP_BASE && offset < CLINT_MTIMECMP_BASE + 8ULL * c->nharts) {
        uint64_t rel = offset - CLINT_MTIMECMP_BASE;
        return reg64_read(c->mtimecmp[rel / 8], rel % 8, size, value);
    }
    if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8)
        return reg64_read(clint_mtime(c), offset - CLINT_MTIME, size, value);
    return false;
}

static bool clint_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct clint *c = opaque;
    if (offset & (size - 1))
        return false;
    if (offset < CLINT_MSIP_BASE + 4ULL * c->nharts) {
        if (size != 4)
            return false;
        unsigned hart = offset / 4;
        c->msip[hart] = value & 1;
        clint_set_irq(c, hart, MIP_MSIP, c->msip[hart]);
        return true;
    }
    if (offset >= CLINT_MTIMECMP_BASE && offset < CLINT_MTIMECMP_BASE + 8ULL * c->nharts) {
        uint64_t rel = offset - CLINT_MTIMECMP_BASE;
        unsigned hart = rel / 8;
        if (!reg64_write(&c->mtimecmp[hart], rel % 8, size, value))
            return false;
        clint_update_hart(c, hart, clint_mtime(c));
        return true;
    }
    if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8) {
        uint64_t mtime = clint_mtime(c);
        if (!reg64_write(&mtime, offset - CLINT_MTIME, size, value))
            return false;
        c->mtime_offset = mtime - c->clock.mtime(c->clock.opaque);
        clint_update(c);
        return true;
    }
    return false;
}

struct device clint_device(struct clint *c)
{
    return (struct device){.name = "clint",
                           .base = MEMMAP_CLINT_BASE,
                           .size = MEMMAP_CLINT_SIZE,
                           .opaque = c,
                           .read = clint_read,
                           .write = clint_write};
}
