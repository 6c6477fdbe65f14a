/* SiFive PLIC as QEMU virt configures it: 96 sources (0 = none), priorities 0..7, two contexts
 * per hart (2h = M-mode -> MEIP, 2h+1 = S-mode -> SEIP). Every source is level-triggered: the
 * gateway holds a pending bit while the line is high and the source is not in flight; a claim
 * takes the source in flight until the handler writes its id back to complete. */
#include <stdlib.h>

#include "../dev.h"
#include "riscv/spec.h"
#include "xpc/memmap.h"

#define PLIC_PRIORITY_BASE  0x000000
#define PLIC_PENDING_BASE   0x001000
#define PLIC_PENDING_END    0x001080 /* room for 1024 sources; words past ours read as zero */
#define PLIC_ENABLE_BASE    0x002000
#define PLIC_ENABLE_STRIDE  0x80
#define PLIC_CONTEXT_BASE   0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_THRESHOLD      0x0
#define PLIC_CLAIM          0x4

#define PLIC_SOURCES  MEMMAP_PLIC_NUM_SOURCES
#define PLIC_WORDS    ((PLIC_SOURCES + 31) / 32)
#define PLIC_PRIO_MAX MEMMAP_PLIC_NUM_PRIORITIES

struct plic_context {
    uint32_t enable[PLIC_WORDS];
    uint32_t threshold;
};

struct plic {
    unsigned nharts;
    unsigned ncontexts;
    struct irq_sink irq;
    uint32_t priority[PLIC_SOURCES];
    bool line[PLIC_SOURCES];
    bool pending[PLIC_SOURCES];
    bool claimed[PLIC_SOURCES];
    struct plic_context *context;
};

/* The context windows must fit in the 6 MiB region QEMU maps. */
#define PLIC_MAX_CONTEXTS ((MEMMAP_PLIC_SIZE - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE)

struct plic *plic_create(unsigned nharts, struct irq_sink irq)
{
    if (nharts == 0 || 2ULL * nharts > PLIC_MAX_CONTEXTS)
        return NULL;
    struct plic *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->nharts = nharts;
    p->ncontexts = 2 * nharts;
    p->irq = irq;
    p->context = calloc(p->ncontexts, sizeof(*p->context));
    if (!p->context) {
        free(p);
        return NULL;
    }
    return p;
}

void plic_destroy(struct plic *p)
{
    if (!p)
        return;
    free(p->context);
    free(p);
}

static bool plic_enabled(const struct plic_context *ctx, unsigned source)
{
    return (ctx->enable[source / 32] >> (source % 32)) & 1;
}

/* The source a claim on this context would return: the highest priority above the threshold
 * among pending, enabled, not-in-flight sources; ties go to the lowest id. 0 if none. */
static unsigned plic_best(const struct plic *p, const struct plic_context *ctx)
{
    unsigned best = 0;
    uint32_t best_priority = ctx->threshold;
    for (unsigned s = 1; s < PLIC_SOURCES; s++) {
        if (p->pending[s] && !p->claimed[s] && plic_enabled(ctx, s) &&
            p->priority[s] > best_priority) {
            best = s;
            best_priority = p->priority[s];
        }
    }
    return best;
}

static void plic_update(struct plic *p)
{
    if (!p->irq.set)
        return;
    for (unsigned c = 0; c < p->ncontexts; c++) {
        uint64_t mip = (c % 2 == 0) ? MIP_MEIP : MIP_SEIP;
        p->irq.set(p->irq.opaque, c / 2, mip, plic_best(p, &p->context[c]) != 0);
    }
}

void plic_set_source(struct plic *p, unsigned source, bool level)
{
    if (source == 0 || source >= PLIC_SOURCES)
        return;
    p->line[source] = level;
    /* A source in flight latches nothing new: completion re-samples the line. */
    p->pending[source] = level && !p->claimed[source];
    plic_update(p);
}

static uint32_t plic_claim(struct plic *p, struct plic_context *ctx)
{
    unsigned source = plic_best(p, ctx);
    if (source) {
        p->pending[source] = false;
        p->claimed[source] = true;
        plic_update(p);
    }
    return source;
}

static void plic_complete(struct plic *p, uint32_t source)
{
    /* Like QEMU, completion does not require the source to be enabled on this context: Linux
     * completes after masking. */
    if (source == 0 || source >= PLIC_SOURCES || !p->claimed[source])
        return;
    p->claimed[source] = false;
    p->pending[source] = p->line[source];
    plic_update(p);
}

/* Priority and threshold registers implement exactly the bits of 0..7. */
static uint32_t plic_clamp_priority(uint64_t value)
{
    return (uint32_t)value & PLIC_PRIO_MAX;
}

static bool plic_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct plic *p = opaque;
    if (size != 4 || (offset & 3))
        return false;
    *value = 0;
    /* Registers of sources this PLIC does not have read as zero and ignore writes, as the
     * reserved ones do on SiFive parts: software sized for a larger PLIC keeps working. */
    if (offset < PLIC_PENDING_BASE) {
        if (offset / 4 < PLIC_SOURCES)
            *value = p->priority[offset / 4];
        return true;
    }
    if (offset >= PLIC_PENDING_BASE && offset < PLIC_PENDING_END) {
        unsigned word = (offset - PLIC_PENDING_BASE) / 4;
        uint32_t bits = 0;
        for (unsigned b = 0; b < 32 && word * 32 + b < PLIC_SOURCES; b++)
            bits |= (uint32_t)p->pending[word * 32 + b] << b;
        *value = bits;
        return true;
    }
    if (offset >= PLIC_ENABLE_BASE &&
        offset < PLIC_ENABLE_BASE + (uint64_t)PLIC_ENABLE_STRIDE * p->ncontexts) {
        uint64_t rel = offset - PLIC_ENABLE_BASE;
        unsigned word = (rel % PLIC_ENABLE_STRIDE) / 4;
        if (word < PLIC_WORDS)
            *value = p->context[rel / PLIC_ENABLE_STRIDE].enable[word];
        return true;
    }
    if (offset >= PLIC_CONTEXT_BASE &&
        offset < PLIC_CONTEXT_BASE + (uint64_t)PLIC_CONTEXT_STRIDE * p->ncontexts) {
        uint64_t rel = offset - PLIC_CONTEXT_BASE;
        struct plic_context *ctx = &p->context[rel / PLIC_CONTEXT_STRIDE];
        switch (rel % PLIC_CONTEXT_STRIDE) {
        case PLIC_THRESHOLD: *value = ctx->threshold; return true;
        case PLIC_CLAIM: *value = plic_claim(p, ctx); return true;
        default: return false;
        }
    }
    return false;
}

static bool plic_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct plic *p = opaque;
    if (size != 4 || (offset & 3))
        return false;
    if (offset < PLIC_PENDING_BASE) {
        unsigned source = offset / 4;
        /* source 0 means "no interrupt" and has no priority */
        if (source != 0 && source < PLIC_SOURCES) {
            p->priority[source] = plic_clamp_priority(value);
            plic_update(p);
        }
        return true;
    }
    if (offset >= PLIC_PENDING_BASE && offset < PLIC_PENDING_END)
        return true; /* pending bits are read-only: only the gateways set them */
    if (offset >= PLIC_ENABLE_BASE &&
        offset < PLIC_ENABLE_BASE + (uint64_t)PLIC_ENABLE_STRIDE * p->ncontexts) {
        uint64_t rel = offset - PLIC_ENABLE_BASE;
        unsigned word = (rel % PLIC_ENABLE_STRIDE) / 4;
        if (word < PLIC_WORDS) {
            uint32_t bits = (uint32_t)value;
            if (word == 0)
                bits &= ~1u; /* source 0 does not exist */
            if (word == PLIC_WORDS - 1 && PLIC_SOURCES % 32)
                bits &= (1u << (PLIC_SOURCES % 32)) - 1;
            p->context[rel / PLIC_ENABLE_STRIDE].enable[word] = bits;
            plic_update(p);
        }
        return true;
    }
    if (offset >= PLIC_CONTEXT_BASE &&
        offset < PLIC_CONTEXT_BASE + (uint64_t)PLIC_CONTEXT_STRIDE * p->ncontexts) {
        uint64_t rel = offset - PLIC_CONTEXT_BASE;
        struct plic_context *ctx = &p->context[rel / PLIC_CONTEXT_STRIDE];
        switch (rel % PLIC_CONTEXT_STRIDE) {
        case PLIC_THRESHOLD:
            ctx->threshold = plic_clamp_priority(value);
            plic_update(p);
            return true;
        case PLIC_CLAIM: plic_complete(p, (uint32_t)value); return true;
        default: return false;
        }
    }
    return false;
}

struct device plic_device(struct plic *p)
{
    return (struct device){.name = "plic",
                           .base = MEMMAP_PLIC_BASE,
                           .size = MEMMAP_PLIC_SIZE,
                           .opaque = p,
                           .read = plic_read,
                           .write = plic_write};
}
