/* Debug triggers (debug specification 1.0, §5): the Sdtrig CSRs and address matching. */
#include "trigger.h"

#include "block.h"
#include "cpu.h"
#include "mmu.h"

/* Trigger types tinfo advertises: mcontrol and mcontrol6. */
#define TINFO_TYPES    ((1ULL << TRIGGER_TYPE_MCONTROL) | (1ULL << TRIGGER_TYPE_MCONTROL6))
#define MCONTROL_KINDS (MCONTROL_EXECUTE | MCONTROL_STORE | MCONTROL_LOAD)
#define MCONTROL_MODES (MCONTROL_M | MCONTROL_S | MCONTROL_U)
/* mcontrol's size is sizehi:sizelo (bits 22:21 and 17:16); mcontrol6's is bits 19:16. */
#define MCONTROL_SIZELO (3ULL << 16)
#define MCONTROL_SIZEHI (3ULL << 21)
#define MCONTROL6_SIZE  (0xfULL << 16)
#define MCONTROL_ACTION (0xfULL << MCONTROL_ACTION_SHIFT)

static unsigned trigger_type(uint64_t tdata1)
{
    return (unsigned)(tdata1 >> TDATA1_TYPE_SHIFT);
}

static uint64_t disabled_trigger(void)
{
    return (uint64_t)TRIGGER_TYPE_MCONTROL << TDATA1_TYPE_SHIFT;
}

/* The number of bytes a data trigger watches from tdata2. "Any size" watches 8, as QEMU's
 * watchpoints do, so that an access at the address of any width matches. */
static unsigned watched_length(uint64_t tdata1)
{
    static const uint8_t bytes[16] = {8, 1, 2, 4, 6, 8, 10, 12, 14, 16, 8, 8, 8, 8, 8, 8};
    unsigned size = trigger_type(tdata1) == TRIGGER_TYPE_MCONTROL6
                        ? (unsigned)((tdata1 >> 16) & 0xf)
                        : (unsigned)(((tdata1 >> 16) & 3) | ((tdata1 >> 19) & 0xc));
    return bytes[size];
}

static bool mode_matches(uint64_t tdata1, unsigned priv)
{
    static const uint64_t bit[4] = {MCONTROL_U, MCONTROL_S, 0, MCONTROL_M};
    return (tdata1 & bit[priv & 3]) != 0;
}

static enum trigger_action action_of(uint64_t tdata1)
{
    return (enum trigger_action)((tdata1 & MCONTROL_ACTION) >> MCONTROL_ACTION_SHIFT);
}

void trigger_update(struct hart *h)
{
    struct triggers *t = &h->trig;
    uint8_t old_data = t->load | t->store;
    t->execute = t->load = t->store = 0;
    for (unsigned i = 0; i < TRIGGER_COUNT; i++) {
        uint64_t d = t->tdata1[i];
        unsigned type = trigger_type(d);
        if ((type != TRIGGER_TYPE_MCONTROL && type != TRIGGER_TYPE_MCONTROL6) ||
            !(d & MCONTROL_MODES))
            continue;
        t->execute |= (uint8_t)(((d & MCONTROL_EXECUTE) != 0) << i);
        t->load |= (uint8_t)(((d & MCONTROL_LOAD) != 0) << i);
        t->store |= (uint8_t)(((d & MCONTROL_STORE) != 0) << i);
    }
    /* Data triggers keep their pages out of the soft TLB: drop what it holds. */
    if (old_data || t->load || t->store)
        tlb_flush_all(h);
    /* Linked blocks run on without coming back to the hart's loop, which checks the triggers. */
    block_cache_unlink_all(h->blocks);
    h->debug_step = t->execute != 0 || h->debugger_step;
}

void trigger_reset(struct hart *h)
{
    for (unsigned i = 0; i < TRIGGER_COUNT; i++) {
        h->trig.tdata1[i] = disabled_trigger();
        h->trig.tdata2[i] = 0;
    }
    h->trig.tselect = 0;
    h->trig.hit = -1;
    trigger_update(h);
}

/* What the hart's software may write to tdata1: the address-match types with equality match,
 * action 0, and no chaining (as QEMU 7.2 keeps them). Writing type 0 or 15 disables. */
static bool legal_tdata1(uint64_t val, uint64_t *out)
{
    unsigned type = trigger_type(val);
    uint64_t keep = MCONTROL_MODES | MCONTROL_KINDS;
    if (type == 0 || type == 15) {
        *out = disabled_trigger();
        return true;
    }
    if (type == TRIGGER_TYPE_MCONTROL)
        keep |= MCONTROL_SIZELO | MCONTROL_SIZEHI;
    else if (type == TRIGGER_TYPE_MCONTROL6)
        keep |= MCONTROL6_SIZE;
    else
        return false; /* a type this hart does not have: the write is ignored, as on QEMU */
    *out = ((uint64_t)type << TDATA1_TYPE_SHIFT) | (val & keep);
    return true;
}

int trigger_csr_access(struct hart *h, unsigned csrno, bool write, uint64_t *val)
{
    if (csrno < CSR_TSELECT || csrno > CSR_TINFO)
        return 0;
    if (h->priv != PRIV_M)
        return -1;
    struct triggers *t = &h->trig;
    unsigned i = t->tselect;
    /* A trigger with dmode set belongs to the debugger: M-mode sees it but cannot change it. */
    bool owned = (t->tdata1[i] & TDATA1_DMODE) != 0;
    switch (csrno) {
    case CSR_TSELECT:
        if (!write)
            *val = i;
        else if (*val < TRIGGER_COUNT)
            t->tselect = (unsigned)*val; /* WARL: an index past the last trigger is ignored */
        return 1;
    case CSR_TDATA1:
        if (!write)
            *val = t->tdata1[i];
        else if (!owned && legal_tdata1(*val, &t->tdata1[i]))
            trigger_update(h);
        return 1;
    case CSR_TDATA2:
        if (!write)
            *val = t->tdata2[i];
        else if (!owned) {
            t->tdata2[i] = *val;
            trigger_update(h);
        }
        return 1;
    case CSR_TDATA3:
        if (!write)
            *val = 0;
        return 1;
    default: /* tinfo: read-only in effect, writes are ignored */
        if (!write)
            *val = TINFO_TYPES;
        return 1;
    }
}

static bool fire(struct hart *h, unsigned i, uint64_t addr)
{
    if (action_of(h->trig.tdata1[i]) == TRIGGER_ACTION_DEBUGGER) {
        h->trig.hit = (int)i;
        h->trig.hit_addr = addr;
        return hart_exception(h, CAUSE_DEBUG_HALT, addr);
    }
    return hart_exception(h, CAUSE_BREAKPOINT, addr);
}

bool trigger_check_data(struct hart *h, uint64_t va, unsigned size, enum access acc, bool is_amo)
{
    const struct triggers *t = &h->trig;
    uint8_t armed = is_amo ? t->load | t->store : acc == ACCESS_WRITE ? t->store : t->load;
    for (unsigned i = 0; armed; i++, armed >>= 1) {
        if (!(armed & 1) || !mode_matches(t->tdata1[i], h->priv))
            continue;
        uint64_t lo = t->tdata2[i], hi = lo + watched_length(t->tdata1[i]);
        /* tval is the first watched byte the access touches (QEMU's hit address). */
        if (va < hi && va + size > lo)
            return fire(h, i, va > lo ? va : lo);
    }
    return true;
}

bool trigger_watches_page(const struct hart *h, uint64_t va_page, enum access acc)
{
    const struct triggers *t = &h->trig;
    uint8_t armed = acc == ACCESS_WRITE ? t->store : t->load;
    for (unsigned i = 0; armed; i++, armed >>= 1) {
        uint64_t lo = t->tdata2[i], hi = lo + watched_length(t->tdata1[i]);
        if ((armed & 1) && lo < va_page + 4096 && hi > va_page)
            return true;
    }
    return false;
}

bool trigger_check_execute(struct hart *h)
{
    const struct triggers *t = &h->trig;
    uint8_t armed = t->execute;
    for (unsigned i = 0; armed; i++, armed >>= 1)
        if ((armed & 1) && t->tdata2[i] == h->pc && mode_matches(t->tdata1[i], h->priv))
            return fire(h, i, h->pc);
    return true;
}

void trigger_set_debugger(struct hart *h, unsigned index, uint64_t addr, unsigned len,
                          uint64_t match)
{
    static const struct {
        unsigned len, code;
    } sizes[] = {{1, 1}, {2, 2}, {4, 3}, {8, 5}};
    uint64_t d = disabled_trigger();
    if (len) {
        unsigned code = 0;
        for (unsigned k = 0; k < 4 && !code; k++)
            if (len <= sizes[k].len)
                code = sizes[k].code;
        d = ((uint64_t)TRIGGER_TYPE_MCONTROL6 << TDATA1_TYPE_SHIFT) | TDATA1_DMODE |
            ((uint64_t)TRIGGER_ACTION_DEBUGGER << MCONTROL_ACTION_SHIFT) | MCONTROL_MODES |
            (match & MCONTROL_KINDS) | ((uint64_t)(code ? code : 5) << 16);
    }
    h->trig.tdata1[index] = d;
    h->trig.tdata2[index] = addr;
    trigger_update(h);
}

struct block *trigger_single_insn(struct hart *h, struct block *b, struct block *scratch)
{
    if (h->trig.execute && !trigger_check_execute(h)) {
        hart_trap(h, h->exc_cause, h->exc_tval);
        return NULL;
    }
    if (h->debugger_step && h->before_insn && !h->before_insn(h))
        return NULL;
    /* The first instruction of the block alone: a block of one, never cached nor linked. */
    if (b != scratch) { /* a page-straddling instruction is decoded into the scratch already */
        *scratch = *b;
        scratch->insns[0] = b->insns[0];
    }
    scratch->insns[1] = (struct insn){.op = OP_END, .off = b->insns[0].len};
    scratch->n = 1;
    scratch->pa = UINT64_MAX;
    memset(scratch->next, 0, sizeof scratch->next);
    return scratch;
}
