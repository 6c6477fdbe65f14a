/* XPC link stacks: giving a thread its engine state, faults of XPC instructions, and the calls
 * the kernel has to finish itself: a callee that died, a timed call that returns or runs out.
 *
 * A linkage record whose valid bit is clear makes the callee's xret trap (cause 26), which is
 * how the kernel gets control back without being on the fast path. Such records are the
 * sentinel at the bottom of every stack, records returning into a dead process, and timed
 * calls. The kernel's words of the record (KREC_*) say which, and may carry the caller's
 * sp/gp/tp: the engine saves no general register, and libxpc's callee keeps the caller's in its
 * context (XPC_CTX_CALLER_*), so the kernel can find them while that context is still alive. */
#include <kernel/xpc.h>
#include <kernel/riscv.h>
#include <kernel/ipc.h>
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/fpu.h>

static struct list all_xthreads = {&all_xthreads, &all_xthreads};
static struct list timed_threads = {&timed_threads, &timed_threads};

struct uregs {
    uint64_t sp, gp, tp;
};
static void abandon_contexts(struct thread *t, uint64_t stop_rec);

static inline uint64_t *rec_words(uint64_t rec)
{
    return phys_to_virt(rec);
}

struct list *xpc_all_xthreads(void)
{
    return &all_xthreads;
}

int xpc_thread_activate(struct thread *t)
{
    if (t->xpc)
        return 0;
    struct xproc *xp = xproc_get(t->proc);
    struct xthread *x = xp ? kmalloc(sizeof(*x)) : NULL;
    uint64_t stack = x ? frame_alloc_contig(XPC_LINK_PAGES) : 0;
    if (!stack) {
        if (x)
            kfree(x, sizeof(*x));
        return ERR_NO_MEMORY;
    }
    /* Zeroed frames: record 0 is the sentinel (valid clear, kind KREC_SENTINEL). */
    x->link_base = stack;
    x->r.xcap = (uint64_t)xp;
    x->r.xlink = stack + XPC_LINK_RECORD_SIZE;
    x->r.xlinklim = stack + XPC_LINK_BYTES;
    x->r.xseglist = (uint64_t)xp->seglist;
    x->r.xseglistsz = XPC_SEGLIST_SIZE;
    x->t = t;
    x->home_tp = t->frame.x[REG_TP]; /* the anchor of abandon_contexts: t is at home now */
    list_add_tail(&all_xthreads, &x->link);
    list_init(&x->timed_link);
    t->xpc = x;
    return 0;
}

void xpc_thread_release(struct thread *t)
{
    struct xthread *x = t->xpc;
    if (!x)
        return;
    abandon_contexts(t, 0); /* dying inside callees: their contexts must not stay taken */
    xpc_forget_loaded(t);
    list_del(&x->link);
    list_del(&x->timed_link);
    frame_free_contig(x->link_base, XPC_LINK_PAGES);
    kfree(x, sizeof(*x));
    t->xpc = NULL;
}

uint64_t xpc_depth(struct thread *t)
{
    xpc_sync(t);
    return (t->xpc->r.xlink - t->xpc->link_base) / XPC_LINK_RECORD_SIZE - 1;
}

/* ---- finding the caller's sp/gp/tp ---- */

static bool read_user_word(struct process *p, uint64_t va, uint64_t *v)
{
    if (!p || !p->as || (va & 7))
        return false;
    uint64_t pa = as_lookup(p->as, va, PTE_R);
    if (!pa)
        return false;
    *v = *(uint64_t *)phys_to_virt(pa);
    return true;
}

/* From the registers of a callee context to those of its caller, through the context's words. */
static struct uregs caller_regs(struct process *callee, struct uregs cur)
{
    struct uregs r = {0, 0, 0};
    if (!read_user_word(callee, cur.tp + XPC_CTX_CALLER_SP, &r.sp) ||
        !read_user_word(callee, cur.tp + XPC_CTX_CALLER_GP, &r.gp) ||
        !read_user_word(callee, cur.tp + XPC_CTX_CALLER_TP, &r.tp))
        r = (struct uregs){0, 0, 0};
    return r;
}

/* Gives back a context of p's that no call will return from (its caller was taken back by the
 * kernel): sets its bit in the pool's free mask, inside p. A lying p only hurts itself. */
static void release_context(struct process *p, uint64_t tp)
{
    uint64_t mask_va, idx;
    if (!p || p->dead || !read_user_word(p, tp + XPC_CTX_FREE_MASK, &mask_va) ||
        !read_user_word(p, tp + XPC_CTX_INDEX, &idx) || idx >= 64 || (mask_va & 7))
        return;
    uint64_t pa = as_lookup(p->as, mask_va, PTE_W);
    if (pa)
        __atomic_fetch_or((uint64_t *)phys_to_virt(pa), 1ULL << idx, __ATOMIC_RELAXED);
}

/* The contexts t holds in its callees, from the innermost down to the callee of record stop_rec
 * (0: all of them), given back to their pools.
 *
 * Which context a level holds is only known from the level above it (a callee's context keeps
 * its caller's tp), so a lying callee could name a context of the level below that another
 * client is using. The kernel trusts only what it holds: the innermost level's own registers
 * (a process lying about its own context only hurts itself) and an anchor below the abandoned
 * levels, the tp of the caller that made the timed call (kept in its record) or of the thread's
 * home (kept when the thread got its XPC state). A middle context is given back only when the
 * chain of claims from the innermost level down ends exactly at that anchor. */
static void abandon_contexts(struct thread *t, uint64_t stop_rec)
{
    struct xthread *x = t->xpc;
    xpc_sync(t);
    struct process *procs[XPC_LINK_RECORDS];
    uint64_t tps[XPC_LINK_RECORDS];
    unsigned n = 0;
    uint64_t anchor_tp = x->home_tp;
    bool anchored = true;
    struct uregs cur = {t->frame.x[REG_SP], t->frame.x[3], t->frame.x[REG_TP]};
    uint64_t level_xcap = x->r.xcap;
    for (uint64_t rec = x->r.xlink - XPC_LINK_RECORD_SIZE; rec > x->link_base;
         rec -= XPC_LINK_RECORD_SIZE) {
        struct process *p = xproc_owner_live(level_xcap);
        procs[n] = p;
        tps[n++] = cur.tp;
        uint64_t *w = rec_words(rec);
        if (!(w[8] & XPC_LINK_VALID) && w[KREC_KIND / 8] == KREC_DEAD) {
            anchored = false; /* the caller below is dead: nothing to anchor on */
            break;
        }
        cur = caller_regs(p, cur); /* what level n-1 claims about the level below it */
        if (rec == stop_rec) {
            bool timed = !(w[8] & XPC_LINK_VALID) && w[KREC_KIND / 8] == KREC_TIMED &&
                         (w[KREC_FLAGS / 8] & 1);
            anchored = timed;
            anchor_tp = w[KREC_TP / 8];
            break;
        }
        level_xcap = w[2];
    }
    bool chain_ok = anchored && cur.tp == anchor_tp;
    for (unsigned i = 0; i < n; i++)
        if (i == 0 || chain_ok)
            release_context(procs[i], tps[i]);
}

static struct process *owner_or_home(struct thread *t, uint64_t xcap)
{
    struct process *p = xproc_owner(xcap);
    return p ? p : t->home;
}

/* ---- leaving a call through the kernel ---- */

static void recompute_deadline(struct xthread *x)
{
    x->deadline = 0;
    for (uint64_t rec = x->link_base + XPC_LINK_RECORD_SIZE; rec < x->r.xlink;
         rec += XPC_LINK_RECORD_SIZE) {
        uint64_t *w = rec_words(rec);
        if (!(w[8] & XPC_LINK_VALID) && w[KREC_KIND / 8] == KREC_TIMED &&
            (!x->deadline || w[KREC_DEADLINE / 8] < x->deadline)) {
            x->deadline = w[KREC_DEADLINE / 8];
            x->deadline_rec = rec;
        }
    }
    list_del(&x->timed_link);
    if (x->deadline) {
        list_add_tail(&timed_threads, &x->timed_link);
        timer_arm_before(x->deadline);
    }
}

/* Pops the record at rec into t's state, as xret would, and puts t back in its caller. */
static void restore_caller(struct thread *t, uint64_t rec, int64_t a0, bool set_a0,
                           struct uregs regs, bool scrub)
{
    struct xthread *x = t->xpc;
    uint64_t *w = rec_words(rec);
    struct trap_frame *f = &t->frame;
    uint64_t seg_va = w[4], seg_pa = w[5], seg_len = w[6];
    if (scrub) { /* the callee's registers are none of the caller's business */
        for (int i = 1; i < 32; i++)
            f->x[i] = 0;
        /* The single-owner rule on the way back: a callee abandoned mid-call may have swapped
         * the caller's window into its seg-list or handed it on; it leaves every such place
         * before the caller gets its segment back. */
        relay_forget_range(seg_pa, seg_len & XPC_SEG_LEN_MASK);
        thread_drop_continuation(t); /* a reply meant for the callee must not land here */
        struct fp_context *fp = fpu_sync_to_memory(t); /* nor the callee's FP registers */
        if (fp) {
            memset(fp, 0, sizeof(*fp));
            fpu_context_changed(t);
        }
    }
    f->sepc = w[0];
    x->r.xcap = w[2];
    x->r.xseglist = w[3] & XPC_SEGLIST_ADDR_MASK;
    x->r.xseglistsz = w[3] >> XPC_SEGLIST_COUNT_SHIFT;
    x->r.xsegva = seg_va;
    x->r.xsegpa = seg_pa;
    x->r.xseglen = seg_len;
    x->r.xsegmask = 0;
    x->r.xcaller = w[8] & ~XPC_LINK_VALID;
    x->r.xlink = rec;
    f->x[REG_SP] = regs.sp;
    f->x[3] = regs.gp;
    f->x[REG_TP] = regs.tp;
    if (set_a0)
        f->x[REG_A0] = (uint64_t)a0;
    xpc_regs_changed(t);
    t->unwound = true; /* a system call in progress must not overwrite the caller's a0 */
    t->proc = owner_or_home(t, x->r.xcap);
    if (x->deadline && x->deadline_rec >= rec)
        recompute_deadline(x);
}

static void make_runnable(struct thread *t)
{
    if (t->state == TS_BLOCKED) {
        thread_unlink_blocked(t);
        ipc_thread_cleanup(t);
        t->restart = false;
        sched_ready(t);
    }
}

/* Unwinds t's innermost calls: to the record stop_rec if given, else to the first record that
 * still returns into a live caller. The caller sees err from its xcall. */
void xpc_unwind(struct thread *t, int64_t err, uint64_t stop_rec)
{
    struct xthread *x = t->xpc;
    if (stop_rec) /* a time limit: the callees above it never return */
        abandon_contexts(t, stop_rec);
    xpc_sync(t);
    struct uregs cur = {t->frame.x[REG_SP], t->frame.x[3], t->frame.x[REG_TP]}, over;
    bool have_over = false;
    uint64_t level_xcap = x->r.xcap;
    for (uint64_t rec = x->r.xlink - XPC_LINK_RECORD_SIZE; rec > x->link_base;
         rec -= XPC_LINK_RECORD_SIZE) {
        uint64_t *w = rec_words(rec);
        bool valid = w[8] & XPC_LINK_VALID;
        uint64_t kind = valid ? KREC_SENTINEL : w[KREC_KIND / 8];
        struct uregs caller;
        if (kind == KREC_TIMED && (w[KREC_FLAGS / 8] & 1))
            caller = (struct uregs){w[KREC_SP / 8], w[KREC_GP / 8], w[KREC_TP / 8]};
        else if (have_over)
            caller = over;
        else
            caller = caller_regs(xproc_owner_live(level_xcap), cur);
        have_over = false;
        bool target = stop_rec ? rec == stop_rec : valid || kind == KREC_TIMED;
        if (target) {
            restore_caller(t, rec, err, true, caller, true);
            make_runnable(t);
            return;
        }
        if (kind == KREC_DEAD && (w[KREC_FLAGS / 8] & 1)) {
            over = (struct uregs){w[KREC_SP / 8], w[KREC_GP / 8], w[KREC_TP / 8]};
            have_over = true;
        }
        cur = caller;
        level_xcap = w[2];
    }
    /* Nothing left to return into: the thread's own process is gone too. */
    thread_kill(t, err);
}

/* The callee's xret found a record with the valid bit clear (cause 26). */
bool xpc_return_through_kernel(struct thread *t, struct trap_frame *f)
{
    struct xthread *x = t->xpc;
    xpc_sync(t);
    uint64_t rec = x->r.xlink - XPC_LINK_RECORD_SIZE;
    if (rec <= x->link_base)
        return false; /* the sentinel: a return with nothing to return to */
    uint64_t *w = rec_words(rec);
    if (w[KREC_KIND / 8] == KREC_DEAD) {
        xpc_unwind(t, ERR_PEER_CLOSED, 0);
        return true;
    }
    if (w[KREC_KIND / 8] != KREC_TIMED)
        return false;
    /* A timed call returning in time: the engine's xret checks, then the pop. */
    uint64_t mask = w[7], va = w[4], pa = w[5], len = w[6];
    if (mask) {
        uint64_t off = mask & XPC_SEGMASK_OFF_MASK;
        va += off;
        pa += off;
        len = (mask >> XPC_SEGMASK_LEN_SHIFT) | (w[6] & XPC_SEG_PERM_MASK);
    }
    if (x->r.xsegva != va || x->r.xsegpa != pa || x->r.xseglen != len) {
        f->x[REG_A0] = (uint64_t)ERR_XPC_SEG_MISMATCH;
        f->sepc += 4;
        return true;
    }
    struct uregs regs = {w[KREC_SP / 8], w[KREC_GP / 8], w[KREC_TP / 8]};
    restore_caller(t, rec, 0, false, regs, false);
    return true;
}

/* ---- faults of XPC instructions ---- */

bool xpc_handle_exception(struct thread *t, struct trap_frame *f, uint64_t cause, uint64_t tval)
{
    (void)tval;
    if (cause < XPC_CAUSE_INVALID_XENTRY || cause > XPC_CAUSE_INVALID_SEGMASK)
        return false;
    if (!t->xpc) {
        /* The thread's first XPC instruction met the empty state every thread starts with:
         * give it a link stack and its process's bitmap, and run the instruction again. */
        if (xpc_thread_activate(t) < 0) {
            f->x[REG_A0] = (uint64_t)ERR_NO_MEMORY;
            f->sepc += 4;
        }
        return true;
    }
    if (cause == XPC_CAUSE_INVALID_LINKAGE && xpc_return_through_kernel(t, f))
        return true;
    f->x[REG_A0] = (uint64_t)(-(int64_t)cause);
    f->sepc += 4;
    return true;
}

/* ---- process death ---- */

/* sp/gp/tp of t at call level `level` (0 = home), walking down from its current registers
 * through each callee context. Only dead-caller records need it, at the moment of death. */
static struct uregs regs_at_level(struct thread *t, uint64_t level)
{
    struct xthread *x = t->xpc;
    struct uregs cur = {t->frame.x[REG_SP], t->frame.x[3], t->frame.x[REG_TP]};
    uint64_t level_xcap = x->r.xcap;
    uint64_t top = (x->r.xlink - x->link_base) / XPC_LINK_RECORD_SIZE - 1;
    for (uint64_t k = top; k > level; k--) {
        cur = caller_regs(xproc_owner_live(level_xcap), cur);
        level_xcap = rec_words(x->link_base + k * XPC_LINK_RECORD_SIZE)[2];
    }
    return cur;
}

/* p is dying (its address space still exists). Every record that would return into it is
 * invalidated, threads running inside it go back to their callers with an error, and its
 * x-entries stop accepting calls. */
void xpc_process_dying(struct process *p)
{
    xpc_revoke_entries_of(p);
    if (!p->xpc)
        return;
    uint64_t pcap = (uint64_t)p->xpc;
    struct list *l = all_xthreads.next;
    while (l != &all_xthreads) {
        struct xthread *x = container_of(l, struct xthread, link);
        l = l->next; /* xpc_unwind may kill the thread and free x */
        struct thread *t = x->t;
        if (t->home == p)
            continue; /* dies with p */
        xpc_sync(t);
        bool inside = x->r.xcap == pcap;
        for (uint64_t rec = x->link_base + XPC_LINK_RECORD_SIZE; rec < x->r.xlink;
             rec += XPC_LINK_RECORD_SIZE) {
            uint64_t *w = rec_words(rec);
            if (w[2] != pcap || (!(w[8] & XPC_LINK_VALID) && w[KREC_KIND / 8] == KREC_DEAD))
                continue;
            uint64_t k = (rec - x->link_base) / XPC_LINK_RECORD_SIZE;
            struct uregs below = {0, 0, 0};
            bool have = !inside && k >= 2;
            if (have) /* the caller under p: its registers are in p's context, still mapped */
                below = regs_at_level(t, k - 2);
            w[8] &= ~XPC_LINK_VALID;
            w[KREC_KIND / 8] = KREC_DEAD;
            w[KREC_FLAGS / 8] = have;
            w[KREC_SP / 8] = below.sp;
            w[KREC_GP / 8] = below.gp;
            w[KREC_TP / 8] = below.tp;
        }
        if (inside)
            xpc_unwind(t, ERR_PEER_CLOSED, 0);
    }
}

/* ---- timed calls ---- */

int64_t sys_xpc_call_timeout(struct trap_frame *f)
{
    struct thread *t = current;
    uint64_t id = f->x[5], ns = f->x[6]; /* t0, t1 */
    if (ns == 0 || ns > 3600ULL * 1000000000ULL || (int64_t)id < 0)
        return ERR_INVALID_ARGS; /* a negative ID is xcall's prefetch form: no call to time */
    if (!t->xpc && xpc_thread_activate(t) < 0)
        return ERR_NO_MEMORY;
    xpc_sync(t);
    uint64_t rec = t->xpc->r.xlink;
    uint64_t tval;
    struct uregs regs = {f->x[REG_SP], f->x[3], f->x[REG_TP]};
    uint64_t a0 = f->x[REG_A0];
    f->sepc -= 4; /* the model records pc + 4 as the return address: the one after the ecall */
    unsigned exc = xpc_run_insn(t, f, XPC_ENCODE_XCALL(5), id, &tval);
    if (exc) {
        f->sepc += 4;
        return -(int64_t)exc;
    }
    /* The kernel writes its words only into the record this call pushed, never past the
     * stack: whatever the ID, a call that pushed nothing gets no record. */
    if (t->xpc->r.xlink != rec + XPC_LINK_RECORD_SIZE || rec < t->xpc->link_base ||
        rec >= t->xpc->link_base + XPC_LINK_BYTES)
        return ERR_INVALID_ARGS; /* (only the prefetch form pushes nothing; refused above) */
    uint64_t *w = rec_words(rec);
    w[8] &= ~XPC_LINK_VALID; /* the callee's xret comes to the kernel */
    w[KREC_KIND / 8] = KREC_TIMED;
    w[KREC_FLAGS / 8] = 1;
    w[KREC_SP / 8] = regs.sp;
    w[KREC_GP / 8] = regs.gp;
    w[KREC_TP / 8] = regs.tp;
    w[KREC_DEADLINE / 8] = read_time() + ns / 1000 * (timebase_hz / 1000) / 1000 + 1;
    recompute_deadline(t->xpc);
    return (int64_t)a0; /* a0 goes to the callee unchanged */
}

void xpc_check_deadlines(void)
{
    uint64_t now = read_time();
    struct list *l = timed_threads.next;
    while (l != &timed_threads) {
        struct xthread *x = container_of(l, struct xthread, timed_link);
        l = l->next;
        if (x->deadline > now) {
            timer_arm_before(x->deadline);
            continue;
        }
        /* The outermost expired call goes, with everything nested in it. */
        struct thread *t = x->t;
        xpc_sync(t);
        uint64_t stop = 0;
        for (uint64_t rec = x->link_base + XPC_LINK_RECORD_SIZE; rec < x->r.xlink && !stop;
             rec += XPC_LINK_RECORD_SIZE) {
            uint64_t *w = rec_words(rec);
            if (!(w[8] & XPC_LINK_VALID) && w[KREC_KIND / 8] == KREC_TIMED &&
                w[KREC_DEADLINE / 8] <= now)
                stop = rec;
        }
        if (stop)
            xpc_unwind(t, ERR_TIMED_OUT, stop);
        else
            recompute_deadline(x);
    }
}
