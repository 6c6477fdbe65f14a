/* Binder transactions (docs/binder.md): the one copy of a parcel into the receiver's buffer, the
 * translation of the objects its offsets name, and the blocking of senders and loopers.
 *
 * The kernel copies the sender's data and offsets straight from its memory into the target's
 * receive buffer (Android's binder_transaction: copy_from_user into the buffer the target has
 * mapped), then checks and translates the objects in that copy, never in the sender's memory,
 * so what it checked is what the receiver reads. */
#include <kernel/binder.h>

#define OBJ_SIZE sizeof(struct binder_object)

/* Closes the handles objects 0..count-1 installed in the target, after a later one failed. */
static void untranslate(struct binder_ctx *to, uint64_t off, uint64_t data_off, uint64_t count)
{
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at;
        struct binder_object o;
        binder_buf_read(to, off + i * 8, &at, 8);
        binder_buf_read(to, data_off + at, &o, OBJ_SIZE);
        if (o.type == BINDER_TYPE_HANDLE || o.type == BINDER_TYPE_FD)
            handle_close(to->owner->handles, o.handle);
    }
}

/* One object, read from the target's copy: a node handle becomes the target's own handle to
 * the node (or, if the target owns the node, its cookie: BINDER_TYPE_BINDER); an fd-like VMO
 * (or x-entry) handle is duplicated into the target. The sender must hold it with TRANSFER: a
 * handle that is not its to give is an error, never someone else's object. */
static int translate(struct binder_ctx *to, struct binder_object *o)
{
    struct handle *e = NULL;
    int r;
    switch (o->type) {
    case BINDER_TYPE_HANDLE: {
        r = handle_get(current->proc->handles, o->handle, OBJ_BINDER_NODE, RIGHT_TRANSFER, &e);
        if (r < 0)
            return r;
        struct binder_node *n = container_of(e->obj, struct binder_node, obj);
        if (n->ctx == to) {
            o->type = BINDER_TYPE_BINDER;
            o->handle = 0;
            o->cookie = n->cookie;
            return 0;
        }
        break;
    }
    case BINDER_TYPE_FD: /* fd-like: shared memory (a VMO) or an XPC entry (docs/binder.md) */
        r = handle_get(current->proc->handles, o->handle, OBJ_NONE, RIGHT_TRANSFER, &e);
        if (r < 0)
            return r;
        if (e->obj->type != OBJ_VMO && e->obj->type != OBJ_XENTRY)
            return ERR_WRONG_TYPE;
        break;
    default: return ERR_INVALID_ARGS; /* BINDER_TYPE_BINDER is the kernel's to write */
    }
    int64_t h = handle_install(to->owner->handles, e->obj, e->rights);
    if (h < 0)
        return (int)h;
    kobj_ref(e->obj);
    o->handle = (uint64_t)h;
    o->cookie = 0;
    return 0;
}

/* Copies t's parcel into 'to' and translates it; *out gets the allocation. */
static int64_t build(struct binder_ctx *to, const struct binder_txn *t, bool async,
                     struct binder_alloc **out)
{
    if (t->data_size > BINDER_BUFFER_SIZE || t->n_offsets > BINDER_BUFFER_SIZE / 8)
        return ERR_NO_RESOURCES; /* can never fit: FAILED_TRANSACTION */
    uint64_t data_al = ALIGN_UP(t->data_size, 8);
    struct binder_alloc *a = binder_buf_alloc(to, data_al + t->n_offsets * 8, async);
    if (!a)
        return ERR_NO_RESOURCES;
    uint64_t offs = a->off + data_al;
    int64_t r = binder_buf_copy_in(to, a->off, t->data, t->data_size);
    if (r == 0)
        r = binder_buf_copy_in(to, offs, t->offsets, t->n_offsets * 8);
    uint64_t done = 0, next_free = 0;
    for (; r == 0 && done < t->n_offsets; done++) {
        uint64_t at;
        struct binder_object o;
        binder_buf_read(to, offs + done * 8, &at, 8);
        /* Inside the data, aligned, after the previous object: nothing overlaps. */
        if ((at & 7) || at < next_free || at > t->data_size || t->data_size - at < OBJ_SIZE) {
            r = ERR_INVALID_ARGS;
            break;
        }
        next_free = at + OBJ_SIZE;
        binder_buf_read(to, a->off + at, &o, OBJ_SIZE);
        r = translate(to, &o);
        if (r < 0)
            break;
        binder_buf_write(to, a->off + at, &o, OBJ_SIZE);
    }
    if (r < 0) {
        untranslate(to, offs, a->off, done);
        binder_buf_free(to, a);
        return r;
    }
    *out = a;
    return 0;
}

static int get_target(uint64_t h, struct binder_node **out)
{
    if (h == 0) {
        *out = binder_context_mgr;
        return *out ? 0 : ERR_NOT_FOUND;
    }
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_BINDER_NODE, RIGHT_WRITE, &e);
    if (r == 0)
        *out = container_of(e->obj, struct binder_node, obj);
    return r;
}

/* a0 context, a1 struct binder_txn *. One-way: 0 once queued. Synchronous: blocks; 0 with the
 * reply in the caller's own buffer (a1 data, a2 bytes, a3 offsets, a4 count, a5 reply flags), or
 * ERR_PEER_CLOSED (the target died: BR_DEAD_REPLY), ERR_NO_RESOURCES (no room: BR_FAILED_REPLY),
 * ERR_INVALID_ARGS / ERR_BAD_HANDLE (a malformed parcel). */
int64_t sys_binder_transact(struct trap_frame *f)
{
    struct binder_ctx *self = NULL;
    int64_t r = binder_get_ctx(f->x[REG_A0], RIGHT_WRITE, &self);
    if (r < 0)
        return r;
    struct binder_txn t;
    if (copy_from_user(&t, f->x[REG_A1], sizeof(t)) < 0)
        return ERR_FAULT;
    if (t.flags & ~BINDER_FLAG_ONE_WAY)
        return ERR_INVALID_ARGS;
    struct binder_node *node = NULL;
    r = get_target(t.target, &node);
    if (r < 0)
        return r;
    struct binder_ctx *to = node->ctx;
    if (to->dead)
        return ERR_PEER_CLOSED;
    bool async = t.flags & BINDER_FLAG_ONE_WAY;
    struct binder_tx *tx = kmalloc(sizeof(*tx));
    if (!tx)
        return ERR_NO_MEMORY;
    r = build(to, &t, async, &tx->buf);
    if (r < 0) {
        kfree(tx, sizeof(*tx));
        return r;
    }
    tx->type = BINDER_WORK_TRANSACTION;
    tx->code = t.code;
    tx->flags = t.flags;
    tx->cookie = node->cookie;
    tx->data_size = t.data_size;
    tx->n_offsets = t.n_offsets;
    tx->to = to;
    binder_pin(to);
    list_init(&tx->waiter);
    if (async) {
        binder_queue(to, tx);
        return 0;
    }
    tx->from = self;
    binder_pin(self);
    sched_block(current, BLOCK_BINDER, tx);
    list_add_tail(&tx->waiter, &current->run_link);
    binder_queue(to, tx);
    schedule();
}

/* a0 context, a1 struct binder_work *: the next work item, blocking until there is one. A
 * looper pool is any number of threads doing this. */
int64_t sys_binder_recv(struct trap_frame *f)
{
    struct binder_ctx *c = NULL;
    int64_t r = binder_get_ctx(f->x[REG_A0], RIGHT_READ, &c);
    if (r < 0)
        return r;
    if (!user_range_ok(f->x[REG_A1], sizeof(struct binder_work)))
        return ERR_FAULT;
    if (list_empty(&c->todo)) {
        f->sepc -= 4; /* run the recv again once woken */
        current->restart = true;
        sched_block(current, BLOCK_BINDER, c);
        list_add_tail(&c->waiting, &current->run_link);
        schedule();
    }
    struct binder_tx *tx = list_first(&c->todo, struct binder_tx, link);
    struct binder_work w = {.type = tx->type, .cookie = tx->cookie};
    bool sync = false;
    if (tx->type == BINDER_WORK_TRANSACTION) {
        sync = !(tx->flags & BINDER_FLAG_ONE_WAY);
        w.flags = tx->flags;
        w.code = tx->code;
        w.txn = sync ? ++c->next_id : 0;
        w.data = c->buf_va + tx->buf->off;
        w.data_size = tx->data_size;
        w.offsets = w.data + ALIGN_UP(tx->data_size, 8);
        w.n_offsets = tx->n_offsets;
    }
    if (copy_to_user(f->x[REG_A1], &w, sizeof(w)) < 0)
        return ERR_FAULT; /* the work stays queued */
    list_del(&tx->link);
    if (tx->type == BINDER_WORK_TRANSACTION)
        tx->buf->delivered = true;
    if (sync) {
        tx->id = w.txn;
        list_add_tail(&c->delivered, &tx->link);
    } else {
        binder_tx_free(tx);
    }
    return 0;
}

/* a0 context, a1 transaction id from recv, a2 struct binder_txn * (target unused; flags may be
 * BINDER_FLAG_STATUS). The reply is copied once into the sender's buffer. */
int64_t sys_binder_reply(uint64_t ch, uint64_t id, uint64_t args)
{
    struct binder_ctx *c = NULL;
    int64_t r = binder_get_ctx(ch, RIGHT_WRITE, &c);
    if (r < 0)
        return r;
    struct binder_txn t;
    if (copy_from_user(&t, args, sizeof(t)) < 0)
        return ERR_FAULT;
    if (t.flags & ~BINDER_FLAG_STATUS)
        return ERR_INVALID_ARGS;
    struct binder_tx *tx = NULL;
    for (struct list *l = c->delivered.next; l != &c->delivered; l = l->next) {
        struct binder_tx *x = container_of(l, struct binder_tx, link);
        if (x->id == id) {
            tx = x;
            break;
        }
    }
    if (!tx || id == 0)
        return ERR_NOT_FOUND;
    struct binder_ctx *from = tx->from;
    if (list_empty(&tx->waiter) || from->dead) {
        list_del(&tx->link);
        binder_tx_free(tx);
        return ERR_PEER_CLOSED; /* the sender is gone: BR_DEAD_REPLY to the replier */
    }
    struct binder_alloc *a;
    r = build(from, &t, false, &a);
    if (r == ERR_INVALID_ARGS || r == ERR_BAD_HANDLE || r == ERR_WRONG_TYPE ||
        r == ERR_ACCESS_DENIED || r == ERR_FAULT)
        return r; /* the replier's mistake: it may reply again */
    list_del(&tx->link);
    struct thread *s = list_first(&tx->waiter, struct thread, run_link);
    list_del(&s->run_link);
    if (r == 0) {
        a->delivered = true;
        s->frame.x[REG_A1] = from->buf_va + a->off;
        s->frame.x[REG_A2] = t.data_size;
        s->frame.x[REG_A3] = from->buf_va + a->off + ALIGN_UP(t.data_size, 8);
        s->frame.x[REG_A4] = t.n_offsets;
        s->frame.x[REG_A5] = t.flags;
    }
    sched_wake(s, r); /* no room in the sender's buffer: BR_FAILED_REPLY to both */
    binder_tx_free(tx);
    return r;
}
