/* Debug triggers (RISC-V debug specification 1.0, Sdtrig): tselect, tdata1, tdata2 and tinfo
 * with address-match triggers of type 2 (mcontrol) and 6 (mcontrol6) on execute, load and store
 * in M, S and U mode.
 *
 * A trigger with action 0 raises the breakpoint exception (cause 3, tval = the address) before
 * the instruction or the access takes effect. A trigger with action 1 ("enter Debug Mode") is
 * the debugger's (dmode = 1, which the hart's own software cannot write): it halts the hart for
 * the GDB stub instead. Nothing is checked while no trigger is armed: data triggers keep their
 * pages out of the soft TLB so that only the slow path sees them, and execute triggers switch
 * the hart's loop to one instruction at a time (h->debug_step). */
#ifndef SIM_TRIGGER_H
#define SIM_TRIGGER_H

#include <stdbool.h>
#include <stdint.h>

/* QEMU 7.2 has two; the debugger takes its hardware breakpoints and watchpoints from the top. */
#define TRIGGER_COUNT 4

#define CSR_TSELECT 0x7a0
#define CSR_TDATA1  0x7a1
#define CSR_TDATA2  0x7a2
#define CSR_TDATA3  0x7a3
#define CSR_TINFO   0x7a4

/* tdata1 fields common to mcontrol and mcontrol6 (RV64). */
#define TDATA1_TYPE_SHIFT      60
#define TDATA1_DMODE           (1ULL << 59)
#define TRIGGER_TYPE_MCONTROL  2
#define TRIGGER_TYPE_MCONTROL6 6
#define MCONTROL_ACTION_SHIFT  12
#define MCONTROL_M             (1ULL << 6)
#define MCONTROL_S             (1ULL << 4)
#define MCONTROL_U             (1ULL << 3)
#define MCONTROL_EXECUTE       (1ULL << 2)
#define MCONTROL_STORE         (1ULL << 1)
#define MCONTROL_LOAD          (1ULL << 0)

enum trigger_action { TRIGGER_ACTION_BREAKPOINT = 0, TRIGGER_ACTION_DEBUGGER = 1 };

/* The private cause a debugger trigger leaves in h->exc_cause: hart_trap turns it into a halt. */
#define CAUSE_DEBUG_HALT 0xdeb0ULL

struct triggers {
    uint64_t tdata1[TRIGGER_COUNT];
    uint64_t tdata2[TRIGGER_COUNT];
    unsigned tselect;
    /* Bit i: trigger i matches on execute / load / store in at least one mode. */
    uint8_t execute, load, store;
    int hit;           /* the debugger trigger that halted the hart, or -1 */
    uint64_t hit_addr; /* and the address it matched */
};

struct hart;
enum access;

void trigger_reset(struct hart *h);
/* CSR access: 0 = not a trigger CSR, 1 = done, -1 = illegal. */
int trigger_csr_access(struct hart *h, unsigned csrno, bool write, uint64_t *val);
/* A data access of `size` bytes at va (only called while a data trigger is armed). Returns false
 * with the exception set when a trigger fires. An AMO is both a load and a store. */
bool trigger_check_data(struct hart *h, uint64_t va, unsigned size, enum access acc, bool is_amo);
/* Must the soft TLB keep this page out, so that every access to it reaches the slow path? */
bool trigger_watches_page(const struct hart *h, uint64_t va_page, enum access acc);
/* The instruction at h->pc is about to run (only while an execute trigger is armed). Returns
 * false with the exception set when a trigger fires. */
bool trigger_check_execute(struct hart *h);

/* The debugger's side: arm trigger `index` as a debugger trigger on [addr, addr + len) for the
 * access kinds in `match` (MCONTROL_EXECUTE/LOAD/STORE) in every mode; len 0 disarms it. */
void trigger_set_debugger(struct hart *h, unsigned index, uint64_t addr, unsigned len,
                          uint64_t match);
/* Recompute the armed masks after tdata1/tdata2 changed (or h->debugger_step did). */
void trigger_update(struct hart *h);

/* The hart's loop while h->debug_step is set: the execute triggers and the debugger look at the
 * instruction at h->pc, which then runs alone as a block of one made in `scratch` (room for two
 * instructions). NULL: a trigger trapped or the debugger halted the hart. */
struct block;
struct block *trigger_single_insn(struct hart *h, struct block *b, struct block *scratch);

#endif
