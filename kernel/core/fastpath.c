/* The seL4-style IPC fastpath: Call and ReplyRecv with a register-sized message, straight from
 * the trap entry, as seL4's fastpath.c does it.
 *
 * Shape (after seL4): a run of guards, each a single test that falls back to the slow path
 * having written nothing; then the point of no return, after which the path only writes and
 * returns to user mode in the other thread. Every state the guards reject (a message longer
 * than the registers, handles to move, a receiver that is not waiting, a higher-priority thread
 * ready, a thread in the middle of an XPC call, a continuation or FP state to restore) is the
 * slow path's, which gives the same result more slowly: the fastpath is an optimisation, never a
 * semantics of its own (kernel/core/endpoint.c has the full rules).
 *
 * Contract: fastpath_call and fastpath_reply_recv never return. They end in user mode, in the
 * partner thread (fast) or through trap_from_user (slow); the slow path is entered with the
 * frame exactly as the trap entry saved it. */
#include <kernel/arch.h>
#include <kernel/object.h>
#include <kernel/ipc.h>
#include <kernel/mm.h>
#include <kernel/fpu.h>
#include <kernel/riscv.h>
#include <kernel/xpc.h>

#define unlikely(x) __builtin_expect(!!(x), 0)

/* Words, handle count and reserved bits of a message info: the fastpath carries a message only
 * when all of them but the words are zero and the words fit the registers, so one masked compare
 * is the whole check (the label, bits 16-47, passes through). */
#define MSGINFO_FAST_MASK 0xffff00000000ffffull
static inline bool message_fits_registers(uint64_t info)
{
    return (info & MSGINFO_FAST_MASK) <= IPC_REG_WORDS;
}

/* The endpoint a handle of the running process names with the given rights, or NULL. */
static inline __attribute__((always_inline)) struct endpoint *
endpoint_of(uint64_t h, uint32_t rights, uint32_t *badge)
{
    struct handle *e = handle_lookup(current->proc->handles, h);
    if (!e || e->obj->type != OBJ_ENDPOINT || (e->rights & rights) != rights)
        return NULL;
    *badge = e->badge;
    return container_of(e->obj, struct endpoint, obj);
}

/* The partner may run only if no ready thread is more urgent (the ready bitmap has no bit above
 * its priority): one shift, where finding the highest ready priority would take a count of
 * leading zeros that rv64imac does not have. */
static inline bool may_run_before_ready(const struct thread *t)
{
    return ((uint64_t)sched_ready_mask >> t->priority >> 1) == 0;
}

/* Registers a1-a5 (info and four words) to the partner; a0 = 0 is the result. */
static inline void copy_message(struct thread *to, const struct trap_frame *f, uint64_t badge)
{
    for (int i = REG_A1; i <= REG_A5; i++)
        to->frame.x[i] = f->x[i];
    to->frame.x[REG_A0] = 0;
    to->frame.x[REG_A6] = badge;
}

/* Returns to user mode in t, which has nothing pending (the guards saw no continuation and no FP
 * state): the address-space switch, the XPC CSRs if another thread's are loaded, the restore.
 * Out of line on purpose: nothing is live across it, so the paths pay no register saves for it,
 * and E2's phase profiler can tell the switch from the IPC logic by its address. */
void __attribute__((noinline, noreturn)) fastpath_switch(struct thread *t)
{
    as_switch(t->proc->as);
    xpc_switch_in(t);
    t->frame.sstatus =
        (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SUM | SSTATUS_FS)) | SSTATUS_SPIE;
    user_return(&t->frame);
}

/* The guards every fastpath takes first: the trapping thread's own state. FP state is only
 * noted (what trap_from_user does first); a thread in an XPC call goes the slow way, where the
 * trap is charged to the process the engine says it runs in. */
static inline bool self_is_plain(struct thread *self, const struct trap_frame *f)
{
    if (unlikely(self->fp != NULL))
        fpu_note_trap(self, f);
    return self->xpc == NULL;
}

static void __attribute__((noreturn)) call_fast(struct trap_frame *f, uint64_t sepc_step)
{
    struct thread *self = current;
    uint32_t badge;
    struct endpoint *ep;
    struct thread *server;

    if (unlikely(!message_fits_registers(f->x[REG_A1])))
        goto slow;
    if (unlikely(!(ep = endpoint_of(f->x[REG_A0], RIGHT_WRITE, &badge))))
        goto slow; /* the slow path reports the bad handle */
    if (unlikely(list_empty(&ep->receivers)))
        goto slow; /* no server waiting: the caller queues */
    server = list_first(&ep->receivers, struct thread, run_link);
    if (unlikely(server->priority < self->priority || !may_run_before_ready(server)))
        goto slow; /* the scheduler decides who runs */
    if (unlikely(server->cont != NULL || server->fp != NULL))
        goto slow; /* the full return path restores those */

    /* ---- point of no return: nothing above wrote any state ---- */
    f->sepc += sepc_step;
    self->ep_badge = badge;
    list_del(&server->run_link);
    copy_message(server, f, badge);
    self->state = TS_BLOCKED;
    self->block = BLOCK_REPLY;
    self->wait_obj = server;
    self->replier = server;
    server->reply_to = self;
    server->state = TS_RUNNING;
    server->block = BLOCK_NONE;
    current = server;
    stat_fastpath++;
    fastpath_switch(server);

slow:
    if (sepc_step)
        trap_from_user(f);
    sys_call(f);
    schedule();
}

static void __attribute__((noreturn)) reply_recv_fast(struct trap_frame *f, uint64_t sepc_step)
{
    struct thread *self = current, *caller = self->reply_to;
    uint32_t badge;
    struct endpoint *ep;

    if (unlikely(caller == NULL))
        goto slow; /* nothing to reply to: a plain receive */
    if (unlikely(!message_fits_registers(f->x[REG_A1])))
        goto slow;
    if (unlikely(!(ep = endpoint_of(f->x[REG_A0], RIGHT_READ, &badge))))
        goto slow;
    if (unlikely(!list_empty(&ep->senders)))
        goto slow; /* a caller is queued: the server takes it at once */
    if (unlikely(!may_run_before_ready(caller)))
        goto slow;
    if (unlikely(caller->cont != NULL || caller->fp != NULL))
        goto slow;

    /* ---- point of no return ---- */
    f->sepc += sepc_step;
    self->ep_badge = badge;
    copy_message(caller, f, 0); /* replies carry no badge */
    caller->replier = NULL;
    self->reply_to = NULL;
    self->state = TS_BLOCKED;
    self->block = BLOCK_EP_RECV;
    self->wait_obj = ep;
    list_add_tail(&ep->receivers, &self->run_link);
    caller->state = TS_RUNNING;
    caller->block = BLOCK_NONE;
    current = caller;
    stat_fastpath++;
    fastpath_switch(caller);

slow:
    if (sepc_step)
        trap_from_user(f);
    sys_reply_recv(f);
    schedule();
}

/* From the trap entry, before anything else: the system call's pc is not yet advanced. */
void fastpath_syscall(struct trap_frame *f)
{
    if (csr_read(scause) == CAUSE_ECALL_U && self_is_plain(current, f)) {
        if (f->x[REG_A7] == SYS_CALL)
            call_fast(f, 4);
        if (f->x[REG_A7] == SYS_REPLY_RECV)
            reply_recv_fast(f, 4);
    }
    trap_from_user(f);
}

/* From syscall_dispatch: the pc is advanced and the trap noted. A thread in an XPC call took the
 * slow entry only for the trap's bookkeeping and still gets the fast transfer; any other thread
 * is here because a guard failed, and trying them again would only cost. */
void fastpath_call(struct trap_frame *f)
{
    if (current->xpc)
        call_fast(f, 0);
    sys_call(f);
    schedule();
}

void fastpath_reply_recv(struct trap_frame *f)
{
    if (current->xpc)
        reply_recv_fast(f, 0);
    sys_reply_recv(f);
    schedule();
}
