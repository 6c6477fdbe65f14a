/* A test irq_sink: records the level of every mip bit of every hart as the devices drive it, and
 * counts calls, so tests can check both the wire state and that a device drove it at all. */
#ifndef TESTS_UNIT_IRQ_RECORDER_H
#define TESTS_UNIT_IRQ_RECORDER_H

#include "dev.h"
#include "riscv/spec.h"

#define RECORDER_HARTS 4

struct irq_recorder {
    uint64_t mip[RECORDER_HARTS];
    unsigned calls;
};

static inline void irq_recorder_set(void *opaque, unsigned hart, uint64_t mask, bool level)
{
    struct irq_recorder *r = opaque;
    r->calls++;
    if (hart >= RECORDER_HARTS)
        return;
    if (level)
        r->mip[hart] |= mask;
    else
        r->mip[hart] &= ~mask;
}

static inline struct irq_sink irq_recorder_sink(struct irq_recorder *r)
{
    return (struct irq_sink){.opaque = r, .set = irq_recorder_set};
}

#endif
