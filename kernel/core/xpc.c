/* XPC: the engine's mode, the x-entry table and x-entry objects, per-process runtime state, and
 * switching the engine's CSRs with the running thread.
 *
 * The kernel keeps one x-entry table for the whole machine (IDs are global, as the engine's
 * table is). A process that uses XPC gets a struct xproc: its xcall-cap bitmap (what xcap points
 * at while the process's code runs) and its seg-list. */
#include <kernel/xpc.h>
#include <kernel/riscv.h>
#include <kernel/ipc.h>

#define XTBL_PAGES ((XPC_MAX_XENTRIES * XPC_XENTRY_SIZE + PAGE_SIZE - 1) / PAGE_SIZE)
/* The identity arena: every struct xproc lives here, so an xcap value (which the engine hands a
 * callee as xcaller) names a slot of a region fixed at boot, never a heap address. */
#define XPROC_SLOTS       1024
#define XPROC_ARENA_PAGES ((XPROC_SLOTS * sizeof(struct xproc) + PAGE_SIZE - 1) / PAGE_SIZE)

struct xentry {
    struct kobj obj;
    uint32_t id;
    bool live; /* in the table; false once destroyed or its server died */
    struct process *owner;
    uint64_t max_callers, chain_bytes;
};

int xpc_mode = XPC_MODE_EMULATED;
static uint64_t *xtbl;
static struct xentry *xentry_by_id[XPC_MAX_XENTRIES];
static struct list all_xprocs = {&all_xprocs, &all_xprocs};
static struct xproc *xproc_arena;
static uint32_t xproc_cursor; /* slots are handed out round-robin: reuse as late as possible */

/* A thread that has not used XPC runs with an empty bitmap and no link stack: its first XPC
 * instruction faults, and the kernel gives it real state then (as lazy FP does). */
static struct xproc null_xproc __attribute__((aligned(64)));
const struct xpc_regs xpc_null_regs = {.xcap = (uint64_t)&null_xproc};
static const struct xpc_regs *loaded;
static void
csr_load(const struct xpc_regs *r); /* what the engine CSRs hold; NULL = nothing known */

void xpc_flush_engine_cache(void)
{
    if (xpc_mode == XPC_MODE_ENGINE)
        csr_set_named(XPC_CSR_XCTL, XPC_XCTL_FLUSH);
}

void xpc_init(bool engine_present, const char *bootargs)
{
    xtbl = phys_to_virt(frame_alloc_contig(XTBL_PAGES));
    if (!xtbl)
        panic("xpc: no memory for the x-entry table");
    heap_frames += XTBL_PAGES; /* kernel-owned for good: not a leak */
    xproc_arena = phys_to_virt(frame_alloc_contig(XPROC_ARENA_PAGES));
    if (!xproc_arena)
        panic("xpc: no memory for the identity arena");
    heap_frames += XPROC_ARENA_PAGES;
    /* The engine switches satp without a flush, which is only right with ASID-tagged TLBs. */
    bool use_engine = engine_present && vm_asid_mode() && !strstr(bootargs, "xpc=emulate");
    xpc_mode = use_engine ? XPC_MODE_ENGINE : XPC_MODE_EMULATED;
    if (use_engine) {
        csr_write_named(XPC_CSR_XTBL, (uint64_t)xtbl);
        csr_write_named(XPC_CSR_XTBLSZ, XPC_MAX_XENTRIES);
        csr_write_named(XPC_CSR_XCTL, XPC_XCTL_ENABLE | XPC_XCTL_NONBLOCK_LINK | XPC_XCTL_FLUSH);
        csr_load(&xpc_null_regs); /* what every thread without XPC state runs with */
        loaded = &xpc_null_regs;
    } else if (engine_present) {
        csr_write_named(XPC_CSR_XCTL, 0); /* disabled: the instructions trap and are emulated */
    }
    kprintf("xpc: %s\n", use_engine       ? "engine"
                         : engine_present ? "engine present, emulated (xpc=emulate or no ASIDs)"
                                          : "no engine, emulated");
}

/* ---- Per-process runtime state ---- */

/* Whether anything the kernel or the engine may still consult names identity v: a thread's
 * CSR image or one of its linkage records (xcap and xcaller words), or an x-entry. */
static bool identity_named(uint64_t v)
{
    struct list *threads = xpc_all_xthreads();
    for (struct list *l = threads->next; l != threads; l = l->next) {
        struct xthread *x = container_of(l, struct xthread, link);
        xpc_sync(x->t);
        if (x->r.xcap == v || x->r.xcaller == v)
            return true;
        for (uint64_t rec = x->link_base + XPC_LINK_RECORD_SIZE; rec < x->r.xlink;
             rec += XPC_LINK_RECORD_SIZE) {
            uint64_t *w = phys_to_virt(rec);
            if (w[2] == v || (w[8] & ~XPC_LINK_VALID) == v)
                return true;
        }
    }
    for (uint32_t i = 0; i < XPC_MAX_XENTRIES; i++)
        if (xtbl[i * 4 + 2] == v)
            return true;
    return false;
}

/* A free slot of the arena that nothing names any more, the next after the last one given. */
static struct xproc *xproc_slot_alloc(void)
{
    for (uint32_t n = 0; n < XPROC_SLOTS; n++) {
        struct xproc *x = &xproc_arena[(xproc_cursor + n) % XPROC_SLOTS];
        if (x->proc || identity_named((uint64_t)x))
            continue;
        xproc_cursor = (uint32_t)(x - xproc_arena + 1) % XPROC_SLOTS;
        memset(x, 0, sizeof(*x));
        return x;
    }
    return NULL;
}

struct xproc *xproc_get(struct process *p)
{
    if (p->xpc)
        return p->xpc;
    if (p->dead)
        return NULL;
    struct xproc *x = xproc_slot_alloc();
    if (!x)
        return NULL;
    x->proc = p;
    list_add_tail(&all_xprocs, &x->link);
    p->xpc = x;
    return x;
}

struct process *xproc_owner(uint64_t xcap)
{
    if (xcap == (uint64_t)&null_xproc || xcap == 0)
        return NULL;
    return ((struct xproc *)xcap)->proc;
}

/* The identity a user program sees as xcaller, as a small number (tests and kstats). */
static int64_t xproc_slot_of(uint64_t xcap)
{
    uint64_t base = (uint64_t)xproc_arena, end = base + XPROC_SLOTS * sizeof(struct xproc);
    return xcap >= base && xcap < end ? (int64_t)((xcap - base) / sizeof(struct xproc)) : -1;
}

/* The same for an xcap read from a linkage record, which may name a process that has died
 * (and whose xproc is gone): only a live one is believed. */
struct process *xproc_owner_live(uint64_t xcap)
{
    int64_t slot = xproc_slot_of(xcap);
    if (slot < 0 || (uint64_t)&xproc_arena[slot] != xcap)
        return NULL;
    return xproc_arena[slot].proc; /* NULL once released; a slot is never reused while named */
}

uint64_t *xpc_table(void)
{
    return xtbl;
}

struct list *xpc_all_xprocs(void)
{
    return &all_xprocs;
}

void xpc_process_release(struct process *p)
{
    if (!p->xpc)
        return;
    list_del(&p->xpc->link);
    memset(p->xpc, 0, sizeof(*p->xpc)); /* proc = NULL: the slot is free */
    p->xpc = NULL;
    /* A cached line may still vouch for this bitmap's bits: the next holder of the slot must
     * not inherit them. */
    xpc_flush_engine_cache();
}

/* ---- CSR switching (engine mode) ---- */

static void csr_load(const struct xpc_regs *r)
{
    csr_write_named(XPC_CSR_XCAP, r->xcap);
    csr_write_named(XPC_CSR_XLINK, r->xlink);
    csr_write_named(XPC_CSR_XLINKLIM, r->xlinklim);
    csr_write_named(XPC_CSR_XSEGLIST, r->xseglist);
    csr_write_named(XPC_CSR_XSEGLISTSZ, r->xseglistsz);
    csr_write_named(XPC_CSR_XSEGVA, r->xsegva);
    csr_write_named(XPC_CSR_XSEGPA, r->xsegpa);
    csr_write_named(XPC_CSR_XSEGLEN, r->xseglen);
    csr_write_named(XPC_CSR_XSEGMASK, r->xsegmask);
    csr_write_named(XPC_CSR_SXCALLER, r->xcaller);
}

static void csr_save(struct xpc_regs *r)
{
    r->xcap = csr_read_named(XPC_CSR_XCAP);
    r->xlink = csr_read_named(XPC_CSR_XLINK);
    r->xlinklim = csr_read_named(XPC_CSR_XLINKLIM);
    r->xseglist = csr_read_named(XPC_CSR_XSEGLIST);
    r->xseglistsz = csr_read_named(XPC_CSR_XSEGLISTSZ);
    r->xsegva = csr_read_named(XPC_CSR_XSEGVA);
    r->xsegpa = csr_read_named(XPC_CSR_XSEGPA);
    r->xseglen = csr_read_named(XPC_CSR_XSEGLEN);
    r->xsegmask = csr_read_named(XPC_CSR_XSEGMASK);
    r->xcaller = csr_read_named(XPC_CSR_SXCALLER);
}

struct xthread *xpc_switched_to;

void xpc_switch_slow(struct thread *t)
{
    xpc_switched_to = t->xpc;
    const struct xpc_regs *want = t->xpc ? &t->xpc->r : &xpc_null_regs;
    if (xpc_mode != XPC_MODE_ENGINE || loaded == want)
        return;
    if (loaded && loaded != &xpc_null_regs)
        csr_save((struct xpc_regs *)loaded);
    csr_load(want);
    loaded = want;
}

void xpc_sync(struct thread *t)
{
    if (t->xpc && loaded == &t->xpc->r)
        csr_save(&t->xpc->r);
}

void xpc_regs_changed(struct thread *t)
{
    if (t->xpc && loaded == &t->xpc->r)
        csr_load(&t->xpc->r);
}

void xpc_forget_loaded(struct thread *t)
{
    if (t->xpc && loaded == &t->xpc->r)
        loaded = NULL;
    if (t->xpc && xpc_switched_to == t->xpc)
        xpc_switched_to = (struct xthread *)&xpc_null_regs; /* freed soon: must never match */
}

/* The thread trapped: its xcap says whose code it was running. Returns true when the trap was
 * a system call a callee may not make (recv and reply_recv: the thread's reply slot belongs to
 * its home, which may owe an answer to a caller of its own), now refused. */
bool xpc_note_trap(struct thread *t, struct trap_frame *f, uint64_t cause)
{
    if (xpc_mode == XPC_MODE_ENGINE) { /* emulation keeps t->proc current itself */
        struct process *p = xproc_owner(csr_read_named(XPC_CSR_XCAP));
        if (!p)
            p = t->home;
        if (p != t->proc) {
            t->proc = p;
            as_assume_active(p->as); /* the engine loaded p's satp */
        }
    }
    if (t->proc == t->home)
        t->xpc->home_tp = f->x[REG_TP]; /* the home's own word for its context (a thread's TLS) */
    uint64_t n = f->x[REG_A7];
    if (cause != CAUSE_ECALL_U || t->proc == t->home || (n != SYS_RECV && n != SYS_REPLY_RECV))
        return false;
    f->sepc += 4;
    f->x[REG_A0] = (uint64_t)ERR_NOT_SUPPORTED;
    return true;
}

/* ---- x-entries ---- */

static void xentry_revoke(struct xentry *x)
{
    if (!x->live)
        return;
    x->live = false;
    process_uncharge_xentry(x->owner);
    memset(&xtbl[x->id * 4], 0, XPC_XENTRY_SIZE);
    for (struct list *l = all_xprocs.next; l != &all_xprocs; l = l->next)
        container_of(l, struct xproc, link)->capbits[x->id / 64] &= ~XPC_CAP_BIT(x->id);
    xentry_by_id[x->id] = NULL;
    xpc_flush_engine_cache(); /* the cache may hold the entry and its cap bits */
}

void xpc_revoke_entries_of(struct process *p)
{
    for (uint32_t i = 0; i < XPC_MAX_XENTRIES; i++)
        if (xentry_by_id[i] && xentry_by_id[i]->owner == p)
            xentry_revoke(xentry_by_id[i]);
}

void xentry_destroy(struct kobj *o)
{
    struct xentry *x = container_of(o, struct xentry, obj);
    xentry_revoke(x);
    kfree(x, sizeof(*x));
}

static int get_xentry(uint64_t h, uint32_t rights, struct xentry **out, struct handle **he)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_XENTRY, rights, &e);
    if (r < 0)
        return r;
    *out = container_of(e->obj, struct xentry, obj);
    if (he)
        *he = e;
    return 0;
}

int64_t sys_xentry_create(uint64_t pc, uint64_t max_callers, uint64_t chain_bytes)
{
    struct process *p = current->proc;
    if (pc < USER_BASE || pc >= USER_TOP || (pc & 1) || max_callers == 0 ||
        max_callers > XPC_MAX_CALLERS || chain_bytes > RELAY_MAX_SIZE)
        return ERR_INVALID_ARGS;
    if (!handle_table_has_room(p->handles, 1))
        return ERR_NO_RESOURCES;
    uint32_t id = 0;
    while (id < XPC_MAX_XENTRIES && xentry_by_id[id])
        id++;
    if (id == XPC_MAX_XENTRIES)
        return ERR_NO_RESOURCES;
    struct xproc *xp = xproc_get(p);
    struct xentry *x = xp ? kmalloc(sizeof(*x)) : NULL;
    if (!x)
        return ERR_NO_MEMORY;
    if (process_charge_xentry(p) < 0) {
        kfree(x, sizeof(*x));
        return ERR_NO_RESOURCES; /* this process's (or an ancestor's) quota */
    }
    kobj_init(&x->obj, OBJ_XENTRY);
    x->id = id;
    x->live = true;
    x->owner = p;
    x->max_callers = max_callers;
    x->chain_bytes = chain_bytes;
    xentry_by_id[id] = x;
    uint64_t *w = &xtbl[id * 4];
    w[0] = pc;
    w[1] = as_satp(p->as);
    w[2] = (uint64_t)xp;
    w[3] = XPC_XENTRY_SEGLIST_WORD((uint64_t)xp->seglist, XPC_SEGLIST_SIZE);
    xpc_flush_engine_cache();
    return handle_install(p->handles, &x->obj,
                          RIGHT_CALL | RIGHT_GRANT | RIGHT_MANAGE | RIGHT_DUPLICATE |
                              RIGHT_TRANSFER);
}

int64_t sys_xentry_grant(uint64_t h, uint64_t rights)
{
    struct xentry *x;
    struct handle *e;
    int r = get_xentry(h, RIGHT_GRANT, &x, &e);
    if (r < 0)
        return r;
    if (rights & ~(uint64_t)(RIGHT_CALL | RIGHT_GRANT | RIGHT_DUPLICATE | RIGHT_TRANSFER))
        return ERR_INVALID_ARGS; /* MANAGE (destroy) stays with the server */
    if (rights & ~(uint64_t)e->rights)
        return ERR_ACCESS_DENIED; /* GRANT hands on rights the granter has, never others */
    int64_t nh = handle_install(current->proc->handles, &x->obj, (uint32_t)rights);
    if (nh > 0)
        kobj_ref(&x->obj);
    return nh;
}

int64_t sys_xentry_bind(uint64_t h)
{
    struct xentry *x;
    int r = get_xentry(h, RIGHT_CALL, &x, NULL);
    if (r < 0)
        return r;
    if (!x->live)
        return ERR_PEER_CLOSED;
    struct xproc *xp = xproc_get(current->proc);
    if (!xp)
        return ERR_NO_MEMORY;
    xp->capbits[x->id / 64] |= XPC_CAP_BIT(x->id);
    xpc_flush_engine_cache(); /* a cached "no" for this caller must not outlive the grant */
    return x->id;
}

/* A handle with CALL left table ht (closed, or moved to another process): when it was the
 * owning process's last one for the entry, the process's bit goes, and with it any engine-cache
 * line that vouches for it. */
void xentry_on_handle_left(struct handle_table *ht, struct kobj *o)
{
    struct xentry *x = container_of(o, struct xentry, obj);
    if (!x->live)
        return;
    struct xproc *xp = NULL;
    for (struct list *l = all_xprocs.next; l != &all_xprocs && !xp; l = l->next) {
        struct xproc *c = container_of(l, struct xproc, link);
        if (c->proc->handles == ht)
            xp = c;
    }
    if (!xp)
        return; /* the process never used XPC: no bit to take */
    for (uint32_t i = 0; i < HANDLE_TABLE_SIZE; i++) {
        struct handle *e = &ht->slot[i];
        if (e->obj == o && (e->rights & RIGHT_CALL))
            return;
    }
    xp->capbits[x->id / 64] &= ~XPC_CAP_BIT(x->id);
    xpc_flush_engine_cache();
}

int64_t sys_xentry_destroy(uint64_t h)
{
    struct xentry *x;
    int r = get_xentry(h, RIGHT_MANAGE, &x, NULL);
    if (r < 0)
        return r;
    if (!x->live)
        return ERR_BAD_STATE;
    xentry_revoke(x);
    return 0;
}

int64_t sys_xentry_info(uint64_t h, uint64_t out)
{
    struct xentry *x;
    int r = get_xentry(h, 0, &x, NULL);
    if (r < 0)
        return r;
    if (!x->live)
        return ERR_PEER_CLOSED;
    struct xentry_info info = {x->id, x->max_callers, x->chain_bytes};
    return copy_to_user(out, &info, sizeof(info));
}

static bool has_call_handle(struct process *p, struct kobj *o)
{
    for (uint32_t i = 0; p->handles && i < HANDLE_TABLE_SIZE; i++)
        if (p->handles->slot[i].obj == o && (p->handles->slot[i].rights & RIGHT_CALL))
            return true;
    return false;
}

/* What the kernel promises about XPC state, checked (XPC_INFO_CHECK): segments in one place,
 * cap bits only where a live entry and a CALL handle are, link pointers inside their stacks,
 * and the x-entry quotas charged exactly for the entries that exist. */
static int64_t xpc_check_invariants(void)
{
    if (!relay_single_owner_holds())
        return XPC_BROKEN_SEG_PLACES;
    for (struct list *l = all_xprocs.next; l != &all_xprocs; l = l->next) {
        struct xproc *xp = container_of(l, struct xproc, link);
        if (xp->proc->dead)
            continue;
        for (uint32_t id = 0; id < XPC_MAX_XENTRIES; id++) {
            if (!(xp->capbits[id / 64] & XPC_CAP_BIT(id)))
                continue;
            struct xentry *x = xentry_by_id[id];
            if (!x || !x->live || !has_call_handle(xp->proc, &x->obj))
                return XPC_BROKEN_CAP_BIT;
        }
    }
    struct list *threads = xpc_all_xthreads();
    for (struct list *l = threads->next; l != threads; l = l->next) {
        struct xthread *x = container_of(l, struct xthread, link);
        xpc_sync(x->t);
        if (x->r.xlink < x->link_base + XPC_LINK_RECORD_SIZE ||
            x->r.xlink > x->link_base + XPC_LINK_BYTES ||
            x->r.xlinklim != x->link_base + XPC_LINK_BYTES)
            return XPC_BROKEN_LINK;
    }
    for (struct list *l = all_xprocs.next; l != &all_xprocs; l = l->next) {
        struct process *p = container_of(l, struct xproc, link)->proc;
        uint32_t owned = 0;
        for (uint32_t id = 0; id < XPC_MAX_XENTRIES; id++)
            owned += xentry_by_id[id] && xentry_by_id[id]->live && xentry_by_id[id]->owner == p;
        if (p->xentries < owned)
            return XPC_BROKEN_QUOTA; /* (descendants' entries count too: at least its own) */
    }
    return 0;
}

int64_t sys_xpc_info(uint64_t what)
{
    switch (what) {
    case XPC_INFO_MODE: return xpc_mode;
    case XPC_INFO_DEPTH: return current->xpc ? (int64_t)xpc_depth(current) : 0;
    case XPC_INFO_CHECK: return xpc_check_invariants();
    case XPC_INFO_IDENTITY: {
        struct xproc *xp = xproc_get(current->proc);
        return xp ? (int64_t)(uint64_t)xp : ERR_NO_MEMORY;
    }
    default: return ERR_INVALID_ARGS;
    }
}
