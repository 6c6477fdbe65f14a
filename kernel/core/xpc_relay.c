/* Relay segments: physically contiguous memory that travels with XPC calls.
 *
 * The single-owner rule (brief 3.4) is what makes handing a message over safe: a segment's
 * physical range is at any time in exactly one place, one thread's active segment, one seg-list
 * entry or one linkage record, and never in a page table. The engine keeps the rule for its own
 * moves (xcall, xret, swapseg all move, none copies). The kernel keeps it for its moves: a
 * segment enters a seg-list only when it is nowhere else, leaves only from where its holder
 * can see it, and on destruction is scrubbed from wherever it is before its frames are freed.
 *
 * Every segment gets its own virtual range in the relay window, the same in every address
 * space, so it can travel anywhere without clashing with another. */
#include <kernel/xpc.h>
#include <kernel/riscv.h>
#include <kernel/ipc.h>

struct relay_seg {
    struct kobj obj;
    uint64_t va, pa, len, pages, perm;
    struct list link; /* in all_segs, sorted by va */
};

static struct list all_segs = {&all_segs, &all_segs};

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

/* Calls fn on every place a range overlapping [pa, pa+len) sits; fn may clear it. Returns the
 * number of places. */
typedef void (*place_fn)(uint64_t *va, uint64_t *pa, uint64_t *len, void *arg);
static unsigned for_each_place(uint64_t pa, uint64_t len, place_fn fn, void *arg)
{
    unsigned n = 0;
    struct list *all = xpc_all_xprocs();
    for (struct list *l = all->next; l != all; l = l->next) {
        struct xproc *xp = container_of(l, struct xproc, link);
        for (uint32_t i = 0; i < XPC_SEGLIST_SIZE; i++) {
            uint64_t *e = &xp->seglist[i * 3];
            if (overlaps(e[1], e[2] & XPC_SEG_LEN_MASK, pa, len)) {
                n++;
                if (fn)
                    fn(&e[0], &e[1], &e[2], arg);
            }
        }
    }
    struct list *threads = xpc_all_xthreads();
    for (struct list *l = threads->next; l != threads; l = l->next) {
        struct xthread *x = container_of(l, struct xthread, link);
        xpc_sync(x->t);
        if (overlaps(x->r.xsegpa, x->r.xseglen & XPC_SEG_LEN_MASK, pa, len)) {
            n++;
            if (fn) {
                fn(&x->r.xsegva, &x->r.xsegpa, &x->r.xseglen, arg);
                xpc_regs_changed(x->t);
            }
        }
        for (uint64_t rec = x->link_base + XPC_LINK_RECORD_SIZE; rec < x->r.xlink;
             rec += XPC_LINK_RECORD_SIZE) {
            uint64_t *w = phys_to_virt(rec);
            if (overlaps(w[5], w[6] & XPC_SEG_LEN_MASK, pa, len)) {
                n++;
                if (fn) {
                    fn(&w[4], &w[5], &w[6], arg);
                    w[7] = 0; /* no mask of a segment that is no longer there */
                }
            }
        }
    }
    return n;
}

static void clear_place(uint64_t *va, uint64_t *pa, uint64_t *len, void *arg)
{
    (void)arg;
    *va = *pa = *len = 0;
}

/* Takes a range out of every place that holds it (before the kernel puts it back in one). */
void relay_forget_range(uint64_t pa, uint64_t len)
{
    if (len)
        for_each_place(pa, len, clear_place, NULL);
}

static int get_seg(uint64_t h, uint32_t rights, struct relay_seg **out, uint32_t *have)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_RELAY_SEG, rights, &e);
    if (r < 0)
        return r;
    *out = container_of(e->obj, struct relay_seg, obj);
    if (have)
        *have = e->rights;
    return 0;
}

/* First fit in the window; the list is sorted by va. */
static uint64_t window_alloc(uint64_t len, struct list **before)
{
    uint64_t va = RELAY_WINDOW_BASE;
    for (struct list *l = all_segs.next; l != &all_segs; l = l->next) {
        struct relay_seg *s = container_of(l, struct relay_seg, link);
        if (s->va - va >= len) {
            *before = l;
            return va;
        }
        va = s->va + s->pages * PAGE_SIZE;
    }
    *before = &all_segs;
    return RELAY_WINDOW_LIMIT - va >= len ? va : 0;
}

int64_t sys_relay_create(uint64_t size, uint64_t perm)
{
    if (size == 0 || size > RELAY_MAX_SIZE || perm == 0 ||
        (perm & ~(uint64_t)(MAP_READ | MAP_WRITE)))
        return ERR_INVALID_ARGS;
    struct handle_table *ht = current->proc->handles;
    if (!handle_table_has_room(ht, 1))
        return ERR_NO_RESOURCES;
    uint64_t pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
    struct list *before;
    uint64_t va = window_alloc(pages * PAGE_SIZE, &before);
    if (!va)
        return ERR_NO_RESOURCES;
    struct relay_seg *s = kmalloc(sizeof(*s));
    uint64_t pa = s ? frame_alloc_contig(pages) : 0;
    if (!pa) {
        if (s)
            kfree(s, sizeof(*s));
        return ERR_NO_MEMORY;
    }
    kobj_init(&s->obj, OBJ_RELAY_SEG);
    s->va = va;
    s->pa = pa;
    s->len = size;
    s->pages = pages;
    s->perm = (perm & MAP_READ ? XPC_SEG_PERM_R : 0) | (perm & MAP_WRITE ? XPC_SEG_PERM_W : 0);
    list_add_tail(before, &s->link); /* before `before`: keeps the list sorted */
    return handle_install(ht, &s->obj,
                          RIGHT_READ | RIGHT_WRITE | RIGHT_MAP | RIGHT_DUPLICATE | RIGHT_TRANSFER);
}

/* Into the running process's seg-list, from nowhere: the one way a segment enters circulation. */
int64_t sys_relay_attach(uint64_t h, uint64_t slot)
{
    struct relay_seg *s;
    uint32_t rights;
    int r = get_seg(h, RIGHT_MAP, &s, &rights);
    if (r < 0)
        return r;
    if (slot >= XPC_SEGLIST_SIZE)
        return ERR_INVALID_ARGS;
    /* The segment enters circulation with what the handle allows, and no more: the engine
     * checks every access against these bits wherever the segment travels. */
    uint64_t perm = s->perm & ((rights & RIGHT_READ ? XPC_SEG_PERM_R : 0) |
                               (rights & RIGHT_WRITE ? XPC_SEG_PERM_W : 0));
    if (!perm)
        return ERR_ACCESS_DENIED;
    struct xproc *xp = xproc_get(current->proc);
    if (!xp)
        return ERR_NO_MEMORY;
    uint64_t *e = &xp->seglist[slot * 3];
    if (e[2] & XPC_SEG_LEN_MASK)
        return ERR_ALREADY_BOUND;
    if (for_each_place(s->pa, s->len, NULL, NULL))
        return ERR_BAD_STATE; /* already out there: one place at a time */
    e[0] = s->va;
    e[1] = s->pa;
    e[2] = s->len | perm;
    return (int64_t)s->va;
}

struct seen {
    const struct relay_seg *s;
    uint64_t *mine; /* the one place the caller may take it back from */
    bool whole;
};

/* Out of circulation, back to the handle: only whole, and only from the running process's
 * seg-list or the calling thread's active segment, so a segment lent to a callee (in a linkage
 * record, or narrowed by a mask) cannot be pulled from under it. */
int64_t sys_relay_detach(uint64_t h)
{
    struct relay_seg *s;
    int r = get_seg(h, RIGHT_MAP, &s, NULL);
    if (r < 0)
        return r;
    unsigned places = for_each_place(s->pa, s->len, NULL, NULL);
    if (places != 1)
        return places ? ERR_BAD_STATE : 0;
    struct thread *t = current;
    if (t->xpc) {
        xpc_sync(t);
        if (t->xpc->r.xsegpa == s->pa && (t->xpc->r.xseglen & XPC_SEG_LEN_MASK) == s->len) {
            t->xpc->r.xsegva = t->xpc->r.xsegpa = t->xpc->r.xseglen = 0;
            xpc_regs_changed(t);
            return 0;
        }
    }
    struct xproc *xp = current->proc->xpc;
    for (uint32_t i = 0; xp && i < XPC_SEGLIST_SIZE; i++) {
        uint64_t *e = &xp->seglist[i * 3];
        if (e[1] == s->pa && (e[2] & XPC_SEG_LEN_MASK) == s->len) {
            e[0] = e[1] = e[2] = 0;
            return 0;
        }
    }
    return ERR_BAD_STATE;
}

void relay_destroy(struct kobj *o)
{
    struct relay_seg *s = container_of(o, struct relay_seg, obj);
    /* Wherever it is, it stops being there before the frames can be reused. */
    for_each_place(s->pa, s->len, clear_place, NULL);
    xpc_flush_engine_cache();
    list_del(&s->link);
    frame_free_contig(s->pa, s->pages);
    kfree(s, sizeof(*s));
}

/* The single-owner rule, checked: every segment is in at most one place. */
bool relay_single_owner_holds(void)
{
    for (struct list *l = all_segs.next; l != &all_segs; l = l->next) {
        struct relay_seg *s = container_of(l, struct relay_seg, link);
        if (for_each_place(s->pa, s->len, NULL, NULL) > 1)
            return false;
    }
    return true;
}
