/* XPC in the kernel (docs/xpc-kernel.md): x-entries, xcall-cap bitmaps, link stacks, relay
 * segments, migrating threads, crash unwinding, timed calls and trap-and-emulate.
 *
 * The engine runs xcall/xret/swapseg without the kernel. The kernel's part is to keep the
 * structures the engine reads (x-entry table, bitmaps, link stacks, seg-lists) consistent, to
 * switch the engine's CSRs with the thread, and to step in when an XPC instruction faults. */
#ifndef KERNEL_XPC_H
#define KERNEL_XPC_H

#include <kernel/object.h>
#include <xpc/isa.h>

/* One process's XPC runtime state, found from xcap: the engine hands a callee's xcap from its
 * x-entry, so the bitmap comes first and the xcap value is this struct's address. */
struct xproc {
    uint64_t capbits[XPC_MAX_XENTRIES / 64];
    uint64_t seglist[XPC_SEGLIST_SIZE * 3]; /* va, pa, len|perm per entry, as the engine reads */
    struct process *proc;
    struct list link; /* in the list of all xprocs (relay-segment scans) */
};

/* A thread's engine state while it is not loaded in the CSRs. satp is not here: it follows
 * from xcap (the runtime process's address space). */
struct xpc_regs {
    uint64_t xcap, xlink, xlinklim, xseglist, xseglistsz;
    uint64_t xsegva, xsegpa, xseglen, xsegmask, xcaller;
};

struct xthread {
    struct xpc_regs r;
    uint64_t link_base; /* physical, XPC_LINK_PAGES contiguous frames; record 0 is the sentinel */
    struct thread *t;
    struct list link;       /* in the list of all XPC threads (crash and segment scans) */
    struct list timed_link; /* in the list of threads with a timed call in progress */
    uint64_t deadline;      /* of the innermost timed call, 0 if none */
    uint64_t deadline_rec;  /* physical address of that call's record */
    uint64_t home_tp;       /* the thread's tp at home, kept whenever it traps there */
};

#define XPC_LINK_RECORDS (XPC_LINK_DEPTH + 1)
#define XPC_LINK_BYTES   (XPC_LINK_RECORDS * XPC_LINK_RECORD_SIZE)
#define XPC_LINK_PAGES   ((XPC_LINK_BYTES + PAGE_SIZE - 1) / PAGE_SIZE)

/* The kernel's words of a linkage record (9-15), consulted only when the valid bit is clear. */
#define KREC_KIND     72 /* KREC_* */
#define KREC_FLAGS    80 /* bit 0: sp/gp/tp below are the caller's */
#define KREC_SP       88
#define KREC_GP       96
#define KREC_TP       104
#define KREC_DEADLINE 112
enum { KREC_SENTINEL = 0, KREC_TIMED = 1, KREC_DEAD = 2 };

extern int xpc_mode;              /* XPC_MODE_ENGINE or XPC_MODE_EMULATED */
extern struct thread *xpc_loaded; /* whose state the engine CSRs hold (engine mode) */

void xpc_init(bool engine_present, const char *bootargs);
struct xproc *xproc_get(struct process *p); /* allocates on first use; NULL when out of memory */
struct process *xproc_owner(uint64_t xcap); /* xcap of a running thread */
struct process *xproc_owner_live(uint64_t xcap); /* xcap from a record: NULL if dead */
void xpc_flush_engine_cache(void);
uint64_t *xpc_table(void);                     /* the x-entry table the engine reads */
struct list *xpc_all_xprocs(void);             /* every struct xproc, by its link */
struct list *xpc_all_xthreads(void);           /* every struct xthread, by its link */
void xpc_forget_loaded(struct thread *t);      /* t's state no longer in the engine's CSRs */
void xpc_revoke_entries_of(struct process *p); /* the x-entries p serves */

/* Thread state */
int xpc_thread_activate(struct thread *t); /* link stack and CSR image; 0 or an error */
void xpc_thread_release(struct thread *t);
void xpc_sync(struct thread *t); /* the CSRs into t->xpc if t is loaded */
/* Before returning to user mode in t. Inline guard: most switches involve no XPC state (or
 * return to the thread that trapped), and the IPC fastpath must not pay a call for it. */
extern struct xthread *xpc_switched_to; /* the state last switched in; NULL = the empty one */
void xpc_switch_slow(struct thread *t);
static inline void xpc_switch_in(struct thread *t)
{
    if (__builtin_expect(t->xpc != xpc_switched_to, 0))
        xpc_switch_slow(t);
}
/* At trap entry: the runtime process from xcap; true if it refused the trap (a system call a
 * callee may not make). */
bool xpc_note_trap(struct thread *t, struct trap_frame *f, uint64_t cause);
void xpc_regs_changed(struct thread *t); /* t->xpc->r edited by the kernel: reload if loaded */

/* Exceptions in user mode: true when the trap was XPC's and has been dealt with. */
bool xpc_handle_exception(struct thread *t, struct trap_frame *f, uint64_t cause, uint64_t tval);
bool xpc_emulate(struct thread *t, struct trap_frame *f, uint64_t cause, uint64_t tval);

/* Link stacks, unwinding and death */
uint64_t xpc_depth(struct thread *t);
void xpc_process_dying(struct process *p);
void xpc_process_release(struct process *p);
void xpc_unwind(struct thread *t, int64_t err, uint64_t stop_rec);
bool xpc_return_through_kernel(struct thread *t, struct trap_frame *f);
void xpc_check_deadlines(void);
int64_t sys_xpc_call_timeout(struct trap_frame *f);
/* Runs the engine model on t's state (emulation and kernel-made calls). */
unsigned xpc_run_insn(struct thread *t, struct trap_frame *f, uint32_t insn, uint64_t rs1_value,
                      uint64_t *tval);

/* Objects and system calls */
void xentry_destroy(struct kobj *o);
void relay_destroy(struct kobj *o);
void xentry_on_handle_left(struct handle_table *ht, struct kobj *o);
int64_t sys_xentry_create(uint64_t pc, uint64_t max_callers, uint64_t chain_bytes);
int64_t sys_xentry_grant(uint64_t h, uint64_t rights);
int64_t sys_xentry_bind(uint64_t h);
int64_t sys_xentry_destroy(uint64_t h);
int64_t sys_xentry_info(uint64_t h, uint64_t out);
int64_t sys_relay_create(uint64_t size, uint64_t perm);
int64_t sys_relay_attach(uint64_t h, uint64_t slot);
int64_t sys_relay_detach(uint64_t h);
void relay_forget_range(uint64_t pa, uint64_t len);
bool relay_single_owner_holds(void);
int64_t sys_xpc_info(uint64_t what);

#endif
