/* Binder contexts, receive buffers, nodes and death notices (docs/binder.md).
 *
 * A context is what Android's driver keeps per open /dev/binder: a receive buffer of
 * BINDER_BUFFER_SIZE mapped read-only into its owner, into which the kernel copies every
 * transaction addressed to it (the one copy), a queue of work for its looper threads, and the
 * nodes it exports. Node handles are ordinary handles (their reference counts are the objects'),
 * so a forged or stale one is refused by the handle table like any other. A context's memory
 * lives while anything points at it (pins); its death (release) is when its owner's handle goes. */
#include <kernel/binder.h>

#define CTX_RIGHTS  (RIGHT_READ | RIGHT_WRITE)
#define NODE_RIGHTS (RIGHT_READ | RIGHT_WRITE | RIGHT_DUPLICATE | RIGHT_TRANSFER)

struct binder_node *binder_context_mgr;

void binder_pin(struct binder_ctx *c)
{
    c->pins++;
}

void binder_unpin(struct binder_ctx *c)
{
    ASSERT(c->pins > 0);
    if (--c->pins == 0)
        kfree(c, sizeof(*c));
}

int binder_get_ctx(uint64_t h, uint32_t rights, struct binder_ctx **out)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_BINDER, rights, &e);
    if (r == 0)
        *out = container_of(e->obj, struct binder_ctx, obj);
    return r;
}

/* First fit over the allocations, sorted by offset; one-way transactions may hold at most half
 * of the buffer (Android's free_async_space), so they cannot starve synchronous calls. */
struct binder_alloc *binder_buf_alloc(struct binder_ctx *c, uint64_t size, bool async)
{
    size = ALIGN_UP(size ? size : 8, 8);
    if (size > BINDER_BUFFER_SIZE || c->nallocs >= BINDER_MAX_BUFFERS)
        return NULL;
    if (async && c->async_used + size > BINDER_BUFFER_SIZE / 2)
        return NULL;
    uint64_t at = 0;
    struct list *before = &c->allocs;
    for (struct list *l = c->allocs.next; l != &c->allocs; l = l->next) {
        struct binder_alloc *a = container_of(l, struct binder_alloc, link);
        if (a->off - at >= size)
            break;
        at = a->off + a->size;
        before = l;
    }
    if (BINDER_BUFFER_SIZE - at < size)
        return NULL;
    struct binder_alloc *n = kmalloc(sizeof(*n));
    if (!n)
        return NULL;
    n->off = at;
    n->size = size;
    n->async = async;
    list_add_tail(before->next, &n->link); /* inserted after 'before': keeps the order */
    c->nallocs++;
    if (async)
        c->async_used += size;
    return n;
}

void binder_buf_free(struct binder_ctx *c, struct binder_alloc *a)
{
    list_del(&a->link);
    c->nallocs--;
    if (a->async)
        c->async_used -= a->size;
    kfree(a, sizeof(*a));
}

/* The buffer's frames are not contiguous: every access goes page by page. */
static uint8_t *buf_page(struct binder_ctx *c, uint64_t off, uint64_t *room)
{
    *room = PAGE_SIZE - (off & PAGE_OFFSET_MASK);
    return (uint8_t *)phys_to_virt(c->buf->pages[off / PAGE_SIZE]) + (off & PAGE_OFFSET_MASK);
}

int binder_buf_copy_in(struct binder_ctx *c, uint64_t off, uint64_t usrc, uint64_t n)
{
    while (n) {
        uint64_t room;
        uint8_t *p = buf_page(c, off, &room);
        uint64_t k = n < room ? n : room;
        if (copy_from_user(p, usrc, k) < 0)
            return ERR_FAULT;
        off += k, usrc += k, n -= k;
    }
    return 0;
}

void binder_buf_read(struct binder_ctx *c, uint64_t off, void *dst, uint64_t n)
{
    uint8_t *d = dst;
    while (n) {
        uint64_t room;
        uint8_t *p = buf_page(c, off, &room);
        uint64_t k = n < room ? n : room;
        memcpy(d, p, k);
        off += k, d += k, n -= k;
    }
}

void binder_buf_write(struct binder_ctx *c, uint64_t off, const void *src, uint64_t n)
{
    const uint8_t *s = src;
    while (n) {
        uint64_t room;
        uint8_t *p = buf_page(c, off, &room);
        uint64_t k = n < room ? n : room;
        memcpy(p, s, k);
        off += k, s += k, n -= k;
    }
}

void binder_queue(struct binder_ctx *c, struct binder_tx *tx)
{
    list_add_tail(&c->todo, &tx->link);
    if (!list_empty(&c->waiting)) {
        struct thread *t = list_first(&c->waiting, struct thread, run_link);
        list_del(&t->run_link);
        sched_wake(t, 0); /* its recv runs again and takes the work */
    }
}

void binder_tx_free(struct binder_tx *tx)
{
    if (tx->to)
        binder_unpin(tx->to);
    if (tx->from)
        binder_unpin(tx->from);
    kfree(tx, sizeof(*tx));
}

/* Tells a waiting sender its transaction failed (BR_DEAD_REPLY, BR_FAILED_REPLY). */
static void fail_sender(struct binder_tx *tx, int64_t err)
{
    if (!list_empty(&tx->waiter)) {
        struct thread *t = list_first(&tx->waiter, struct thread, run_link);
        list_del(&t->run_link);
        sched_wake(t, err);
    }
}

static void death_free(struct binder_death *d)
{
    list_del(&d->node_link);
    list_del(&d->ctx_link);
    binder_unpin(d->ctx);
    kfree(d, sizeof(*d));
}

static void send_death(struct binder_ctx *to, uint64_t cookie)
{
    struct binder_tx *n = kmalloc(sizeof(*n));
    if (!n)
        return; /* out of kernel heap: the notice is lost, as a failed allocation loses it in Linux
                 */
    n->type = BINDER_WORK_DEAD_BINDER;
    n->cookie = cookie;
    n->to = to;
    binder_pin(to);
    list_init(&n->waiter);
    binder_queue(to, n);
}

/* The owner's handle is gone (it closed it, or died): transactions to it fail with a dead
 * reply, everyone who asked hears of its nodes' death, and its own requests are forgotten. */
void binder_ctx_destroy(struct kobj *o)
{
    struct binder_ctx *c = container_of(o, struct binder_ctx, obj);
    c->dead = true;
    c->owner = NULL;
    if (binder_context_mgr && binder_context_mgr->ctx == c) {
        struct binder_node *n = binder_context_mgr;
        binder_context_mgr = NULL;
        kobj_unref(&n->obj);
    }
    struct list *queues[2] = {&c->todo, &c->delivered};
    for (int q = 0; q < 2; q++) {
        while (!list_empty(queues[q])) {
            struct binder_tx *tx = list_first(queues[q], struct binder_tx, link);
            list_del(&tx->link);
            fail_sender(tx, ERR_PEER_CLOSED);
            binder_tx_free(tx);
        }
    }
    for (struct list *l = c->nodes.next; l != &c->nodes; l = l->next) {
        struct binder_node *n = container_of(l, struct binder_node, link);
        while (!list_empty(&n->deaths)) {
            struct binder_death *d = list_first(&n->deaths, struct binder_death, node_link);
            if (!d->ctx->dead)
                send_death(d->ctx, d->cookie);
            death_free(d);
        }
    }
    while (!list_empty(&c->links))
        death_free(list_first(&c->links, struct binder_death, ctx_link));
    while (!list_empty(&c->waiting)) {
        struct thread *t = list_first(&c->waiting, struct thread, run_link);
        list_del(&t->run_link);
        sched_wake(t, 0); /* its recv runs again and finds the handle gone */
    }
    while (!list_empty(&c->allocs))
        binder_buf_free(c, list_first(&c->allocs, struct binder_alloc, link));
    kobj_unref(&c->buf->obj);
    binder_unpin(c);
}

void binder_node_destroy(struct kobj *o)
{
    struct binder_node *n = container_of(o, struct binder_node, obj);
    while (!list_empty(&n->deaths))
        death_free(list_first(&n->deaths, struct binder_death, node_link));
    list_del(&n->link);
    binder_unpin(n->ctx);
    kfree(n, sizeof(*n));
}

/* a0: pointer receiving the buffer's address. Returns the context handle. The buffer is mapped
 * read-only: the receiver cannot corrupt what the kernel wrote, only read it. */
static int64_t sys_binder_open(uint64_t va_out)
{
    if (!user_range_ok(va_out, sizeof(uint64_t)))
        return ERR_FAULT;
    struct binder_ctx *c = kmalloc(sizeof(*c));
    if (!c)
        return ERR_NO_MEMORY;
    c->buf = vmo_create(BINDER_BUFFER_SIZE);
    if (!c->buf) {
        kfree(c, sizeof(*c));
        return ERR_NO_MEMORY;
    }
    kobj_init(&c->obj, OBJ_BINDER);
    c->pins = 1;
    c->owner = current->proc;
    list_init(&c->allocs);
    list_init(&c->todo);
    list_init(&c->waiting);
    list_init(&c->delivered);
    list_init(&c->nodes);
    list_init(&c->links);
    struct handle_table *ht = current->proc->handles;
    /* Mapped through the ordinary VMO path, with a handle that exists only for the call. */
    kobj_ref(&c->buf->obj);
    int64_t vh = handle_install(ht, &c->buf->obj, RIGHT_READ | RIGHT_MAP);
    if (vh < 0) {
        kobj_unref(&c->buf->obj);
        kobj_unref(&c->obj);
        return vh;
    }
    int64_t va = sys_vmo_map((uint64_t)vh, 0, MAP_READ, 0);
    handle_close(ht, (uint64_t)vh);
    int64_t h = va < 0 ? va : handle_install(ht, &c->obj, CTX_RIGHTS);
    if (h < 0) {
        if (va >= 0)
            sys_vm_unmap((uint64_t)va, 0);
        kobj_unref(&c->obj);
        return h;
    }
    c->buf_va = (uint64_t)va;
    copy_to_user(va_out, &c->buf_va, sizeof(uint64_t)); /* checked above */
    return h;
}

static int64_t sys_binder_node_create(uint64_t ch, uint64_t cookie)
{
    struct binder_ctx *c = NULL;
    int r = binder_get_ctx(ch, RIGHT_WRITE, &c);
    if (r < 0)
        return r;
    struct binder_node *n = kmalloc(sizeof(*n));
    if (!n)
        return ERR_NO_MEMORY;
    kobj_init(&n->obj, OBJ_BINDER_NODE);
    n->ctx = c;
    binder_pin(c);
    n->cookie = cookie;
    list_init(&n->deaths);
    list_add_tail(&c->nodes, &n->link);
    int64_t h = handle_install(current->proc->handles, &n->obj, NODE_RIGHTS);
    if (h < 0)
        kobj_unref(&n->obj);
    return h;
}

static int get_own_node(struct binder_ctx *c, uint64_t nh, struct binder_node **out)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, nh, OBJ_BINDER_NODE, 0, &e);
    if (r < 0)
        return r;
    *out = container_of(e->obj, struct binder_node, obj);
    return (*out)->ctx == c ? 0 : ERR_ACCESS_DENIED;
}

/* Android's BINDER_SET_CONTEXT_MGR: one node becomes handle 0 for everyone; a second one is
 * refused while the first one's owner lives. */
static int64_t sys_binder_set_context_mgr(uint64_t ch, uint64_t nh)
{
    struct binder_ctx *c = NULL;
    struct binder_node *n = NULL;
    int r = binder_get_ctx(ch, RIGHT_WRITE, &c);
    if (r == 0)
        r = get_own_node(c, nh, &n);
    if (r < 0)
        return r;
    if (binder_context_mgr)
        return ERR_ALREADY_BOUND;
    kobj_ref(&n->obj);
    binder_context_mgr = n;
    return 0;
}

/* BC_FREE_BUFFER: a delivered transaction's (or reply's) space goes back. */
static int64_t sys_binder_free(uint64_t ch, uint64_t va)
{
    struct binder_ctx *c = NULL;
    int r = binder_get_ctx(ch, RIGHT_READ, &c);
    if (r < 0)
        return r;
    for (struct list *l = c->allocs.next; l != &c->allocs; l = l->next) {
        struct binder_alloc *a = container_of(l, struct binder_alloc, link);
        if (a->delivered && c->buf_va + a->off == va) {
            binder_buf_free(c, a);
            return 0;
        }
    }
    return ERR_NOT_FOUND;
}

/* BC_REQUEST_DEATH_NOTIFICATION (op 1) and BC_CLEAR_DEATH_NOTIFICATION (op 0). A node already
 * dead is reported at once, as Android does. */
static int64_t sys_binder_death(uint64_t ch, uint64_t nh, uint64_t cookie, uint64_t op)
{
    struct binder_ctx *c = NULL;
    struct handle *e = NULL;
    int r = binder_get_ctx(ch, RIGHT_READ, &c);
    if (r == 0)
        r = handle_get(current->proc->handles, nh, OBJ_BINDER_NODE, 0, &e);
    if (r < 0)
        return r;
    if (op > 1)
        return ERR_INVALID_ARGS;
    struct binder_node *n = container_of(e->obj, struct binder_node, obj);
    if (op == 0) {
        for (struct list *l = n->deaths.next; l != &n->deaths; l = l->next) {
            struct binder_death *d = container_of(l, struct binder_death, node_link);
            if (d->ctx == c && d->cookie == cookie) {
                death_free(d);
                return 0;
            }
        }
        return ERR_NOT_FOUND;
    }
    if (n->ctx->dead) {
        send_death(c, cookie);
        return 0;
    }
    struct binder_death *d = kmalloc(sizeof(*d));
    if (!d)
        return ERR_NO_MEMORY;
    d->ctx = c;
    binder_pin(c);
    d->node = n;
    d->cookie = cookie;
    list_add_tail(&n->deaths, &d->node_link);
    list_add_tail(&c->links, &d->ctx_link);
    return 0;
}

int64_t binder_syscall(struct trap_frame *f)
{
    uint64_t *a = &f->x[REG_A0];
    switch (f->x[REG_A7]) {
    case SYS_BINDER_OPEN: return sys_binder_open(a[0]);
    case SYS_BINDER_NODE_CREATE: return sys_binder_node_create(a[0], a[1]);
    case SYS_BINDER_SET_CONTEXT_MGR: return sys_binder_set_context_mgr(a[0], a[1]);
    case SYS_BINDER_TRANSACT: return sys_binder_transact(f);
    case SYS_BINDER_RECV: return sys_binder_recv(f);
    case SYS_BINDER_REPLY: return sys_binder_reply(a[0], a[1], a[2]);
    case SYS_BINDER_FREE: return sys_binder_free(a[0], a[1]);
    case SYS_BINDER_DEATH: return sys_binder_death(a[0], a[1], a[2], a[3]);
    default: return ERR_BAD_SYSCALL;
    }
}
