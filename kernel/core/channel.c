/* Zircon-style channels: a pair of ends, each with a queue of messages copied into the kernel
 * (bytes and handles). Writes never block; reads block only when asked to; channel_call writes
 * a message tagged with a transaction id and waits for the reply carrying the same id.
 *
 * A blocked plain read is restarted (the ecall runs again) when a message or peer closure
 * arrives; a blocked channel_call is handed its reply directly and finishes in a continuation
 * that runs in the caller's address space. */
#include <kernel/ipc.h>

#define CHANNEL_RIGHTS (RIGHT_READ | RIGHT_WRITE | RIGHT_TRANSFER | RIGHT_DUPLICATE | RIGHT_WAIT)

#define SHORT_MSG 2048 /* up to this size the bytes live in the kernel heap, not a whole frame */

void channel_msg_free(struct channel_msg *m)
{
    for (uint32_t i = 0; i < m->num_handles; i++)
        if (m->handles[i].obj)
            kobj_unref(m->handles[i].obj);
    if (m->data && m->num_bytes > SHORT_MSG)
        frame_free((uint64_t)m->data);
    else if (m->data)
        kfree(m->data, m->num_bytes);
    kfree(m, sizeof(*m));
}

/* Wakes every plain reader (each runs its read again; one gets the message, the others block
 * again), and with 'calls' also every channel_call waiting on this end, with 'result'. */
static void wake_readers(struct channel *c, int64_t result, bool calls)
{
    struct list *l = c->readers.next;
    while (l != &c->readers) {
        struct thread *t = container_of(l, struct thread, run_link);
        l = l->next;
        if (t->block == BLOCK_CHANNEL || calls) {
            list_del(&t->run_link);
            sched_wake(t, result); /* a restarted read keeps its arguments (t->restart) */
        }
    }
}

void channel_destroy(struct kobj *o)
{
    struct channel *c = container_of(o, struct channel, obj);
    while (!list_empty(&c->queue)) {
        struct channel_msg *m = list_first(&c->queue, struct channel_msg, link);
        list_del(&m->link);
        channel_msg_free(m);
    }
    wake_readers(c, ERR_PEER_CLOSED, true);
    if (c->peer) {
        c->peer->peer = NULL;
        wake_readers(c->peer, ERR_PEER_CLOSED, true);
    }
    kfree(c, sizeof(*c));
}

static struct channel *channel_alloc(void)
{
    struct channel *c = kmalloc(sizeof(*c));
    if (!c)
        return NULL;
    kobj_init(&c->obj, OBJ_CHANNEL);
    list_init(&c->queue);
    list_init(&c->readers);
    c->next_txid = 1;
    return c;
}

int64_t sys_channel_create(uint64_t out)
{
    struct handle_table *ht = current->proc->handles;
    if (!user_range_ok(out, 2 * sizeof(uint64_t)))
        return ERR_FAULT;
    struct channel *a = channel_alloc(), *b = a ? channel_alloc() : NULL;
    if (!b) {
        if (a)
            kobj_unref(&a->obj);
        return ERR_NO_MEMORY;
    }
    a->peer = b;
    b->peer = a;
    int64_t ha = handle_install(ht, &a->obj, CHANNEL_RIGHTS);
    int64_t hb = ha > 0 ? handle_install(ht, &b->obj, CHANNEL_RIGHTS) : ERR_NO_RESOURCES;
    uint64_t hv[2] = {(uint64_t)ha, (uint64_t)hb};
    int r = hb > 0 ? copy_to_user(out, hv, sizeof(hv)) : (int)hb;
    if (r < 0) {
        if (ha > 0)
            handle_close(ht, (uint64_t)ha);
        else
            kobj_unref(&a->obj);
        if (hb > 0)
            handle_close(ht, (uint64_t)hb);
        else
            kobj_unref(&b->obj);
        return r;
    }
    return 0;
}

/* Builds a message from user memory; the handles move out of the caller's table only once
 * everything has been checked. */
static int64_t build_msg(struct channel *self, uint64_t bytes, uint64_t nbytes, uint64_t handles,
                         uint64_t nhandles, struct channel_msg **out)
{
    if (nbytes > CHANNEL_MAX_BYTES || nhandles > CHANNEL_MAX_HANDLES)
        return ERR_INVALID_ARGS;
    uint64_t hv[CHANNEL_MAX_HANDLES];
    if (nhandles && copy_from_user(hv, handles, nhandles * sizeof(uint64_t)) < 0)
        return ERR_FAULT;
    struct handle_table *ht = current->proc->handles;
    for (uint64_t i = 0; i < nhandles; i++) {
        struct handle *h = NULL;
        int r = handle_get(ht, hv[i], OBJ_NONE, RIGHT_TRANSFER, &h);
        if (r < 0)
            return r;
        if (h->obj == &self->obj || (self->peer && h->obj == &self->peer->obj))
            return ERR_NOT_SUPPORTED;
        for (uint64_t j = 0; j < i; j++)
            if (hv[j] == hv[i])
                return ERR_INVALID_ARGS;
    }
    struct channel_msg *m = kmalloc(sizeof(*m));
    if (!m)
        return ERR_NO_MEMORY;
    m->num_bytes = (uint32_t)nbytes;
    if (nbytes) {
        m->data = nbytes > SHORT_MSG ? phys_to_virt(frame_alloc()) : kmalloc(nbytes);
        if (!m->data) {
            kfree(m, sizeof(*m));
            return ERR_NO_MEMORY;
        }
        if (copy_from_user(m->data, bytes, nbytes) < 0) {
            channel_msg_free(m);
            return ERR_FAULT;
        }
    }
    for (uint64_t i = 0; i < nhandles; i++) {
        handle_take(ht, hv[i], &m->handles[i]);
        m->num_handles++;
    }
    *out = m;
    return 0;
}

static uint32_t msg_txid(struct channel_msg *m)
{
    uint32_t id = 0;
    if (m->num_bytes >= 4)
        memcpy(&id, m->data, 4);
    return id;
}

static void channel_call_finish(struct thread *t);

/* Queues m on channel c, or hands it straight to a channel_call waiting for it. */
static void deliver(struct channel *c, struct channel_msg *m)
{
    uint32_t id = msg_txid(m);
    for (struct list *l = c->readers.next; l != &c->readers; l = l->next) {
        struct thread *t = container_of(l, struct thread, run_link);
        if (t->block == BLOCK_CHANNEL_CALL && id != 0 && t->call_txid == id) {
            list_del(&t->run_link);
            t->call_reply = m;
            t->cont = channel_call_finish;
            t->cont_proc = t->proc; /* it completes there or nowhere */
            sched_wake(t, 0);
            return;
        }
    }
    list_add_tail(&c->queue, &m->link);
    c->queued++;
    wake_readers(c, 0, false);
}

static int get_channel(uint64_t h, uint32_t rights, struct channel **c)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_CHANNEL, rights, &e);
    if (r == 0)
        *c = container_of(e->obj, struct channel, obj);
    return r;
}

int64_t sys_channel_write(uint64_t h, uint64_t bytes, uint64_t nbytes, uint64_t handles,
                          uint64_t nhandles)
{
    struct channel *c = NULL;
    int64_t r = get_channel(h, RIGHT_WRITE, &c);
    if (r < 0)
        return r;
    if (!c->peer)
        return ERR_PEER_CLOSED;
    if (c->peer->queued >= CHANNEL_MAX_QUEUED)
        return ERR_NO_RESOURCES;
    struct channel_msg *m;
    r = build_msg(c, bytes, nbytes, handles, nhandles, &m);
    if (r < 0)
        return r;
    deliver(c->peer, m);
    return 0;
}

/* Copies m out to the current process. On error m is untouched and stays with the caller. */
static int64_t msg_copy_out(struct channel_msg *m, uint64_t buf, uint64_t buflen, uint64_t hbuf,
                            uint64_t hcap)
{
    if (m->num_bytes > buflen || m->num_handles > hcap)
        return ERR_BUFFER_TOO_SMALL;
    uint64_t hv[CHANNEL_MAX_HANDLES] = {0};
    if (m->num_bytes && copy_to_user(buf, m->data, m->num_bytes) < 0)
        return ERR_FAULT;
    if (m->num_handles && copy_to_user(hbuf, hv, m->num_handles * sizeof(uint64_t)) < 0)
        return ERR_FAULT;
    struct handle_table *ht = current->proc->handles;
    if (!handle_table_has_room(ht, m->num_handles))
        return ERR_NO_RESOURCES;
    for (uint32_t i = 0; i < m->num_handles; i++) {
        struct handle *h = &m->handles[i];
        hv[i] = (uint64_t)handle_install_badged(ht, h->obj, h->rights, h->badge);
        h->obj = NULL; /* the reference moved into the table */
    }
    if (m->num_handles)
        copy_to_user(hbuf, hv, m->num_handles * sizeof(uint64_t)); /* checked writable above */
    return 0;
}

/* a0 handle, a1 buffer, a2 buffer size, a3 handle buffer, a4 handle capacity, a5 pointer to a
 * uint64 receiving bytes | handles << 32 (may be 0), a6 flags. */
int64_t sys_channel_read(struct trap_frame *f)
{
    struct channel *c = NULL;
    int64_t r = get_channel(f->x[REG_A0], RIGHT_READ, &c);
    if (r < 0)
        return r;
    if (f->x[REG_A6] & ~(uint64_t)CHANNEL_READ_WAIT)
        return ERR_INVALID_ARGS;
    if (list_empty(&c->queue)) {
        if (!c->peer)
            return ERR_PEER_CLOSED;
        if (!(f->x[REG_A6] & CHANNEL_READ_WAIT))
            return ERR_SHOULD_WAIT;
        f->sepc -= 4; /* run the read again once woken */
        current->restart = true;
        sched_block(current, BLOCK_CHANNEL, c);
        list_add_tail(&c->readers, &current->run_link);
        schedule();
    }
    struct channel_msg *m = list_first(&c->queue, struct channel_msg, link);
    uint64_t actual = m->num_bytes | (uint64_t)m->num_handles << 32;
    if (f->x[REG_A5] && copy_to_user(f->x[REG_A5], &actual, sizeof(actual)) < 0)
        return ERR_FAULT;
    r = msg_copy_out(m, f->x[REG_A1], f->x[REG_A2], f->x[REG_A3], f->x[REG_A4]);
    if (r < 0)
        return r;
    list_del(&m->link);
    c->queued--;
    channel_msg_free(m);
    return 0;
}

/* a0 handle, a1 pointer to struct channel_call_args. Returns 0 with a1 = bytes, a2 = handles
 * of the reply. */
int64_t sys_channel_call(struct trap_frame *f)
{
    struct channel *c = NULL;
    int64_t r = get_channel(f->x[REG_A0], RIGHT_READ | RIGHT_WRITE, &c);
    if (r < 0)
        return r;
    struct channel_call_args a;
    if (copy_from_user(&a, f->x[REG_A1], sizeof(a)) < 0)
        return ERR_FAULT;
    if (a.wr_num_bytes < 4 || a.rd_num_bytes < 4)
        return ERR_INVALID_ARGS;
    if (!c->peer)
        return ERR_PEER_CLOSED;
    if (c->peer->queued >= CHANNEL_MAX_QUEUED)
        return ERR_NO_RESOURCES;
    struct channel_msg *m;
    r = build_msg(c, (uint64_t)a.wr_bytes, a.wr_num_bytes, (uint64_t)a.wr_handles, a.wr_num_handles,
                  &m);
    if (r < 0)
        return r;
    uint32_t id = c->next_txid++ | 0x80000000u; /* kernel-made ids have the top bit set */
    if (c->next_txid >= 0x80000000u)
        c->next_txid = 1;
    memcpy(m->data, &id, 4);
    current->call_txid = id;
    current->call_args = f->x[REG_A1];
    sched_block(current, BLOCK_CHANNEL_CALL, c);
    list_add_tail(&c->readers, &current->run_link);
    deliver(c->peer, m);
    schedule();
}

static void channel_call_finish(struct thread *t)
{
    struct channel_msg *m = t->call_reply;
    t->call_reply = NULL;
    struct channel_call_args a;
    int64_t r = copy_from_user(&a, t->call_args, sizeof(a));
    if (r == 0)
        r = msg_copy_out(m, (uint64_t)a.rd_bytes, a.rd_num_bytes, (uint64_t)a.rd_handles,
                         a.rd_num_handles);
    t->frame.x[REG_A0] = (uint64_t)r;
    t->frame.x[REG_A1] = m->num_bytes;
    t->frame.x[REG_A2] = m->num_handles;
    channel_msg_free(m); /* on error the reply is discarded, as Zircon does */
}

/* The kernel took t away from where its continuation was meant to run (an XPC unwind): the
 * pending reply is dropped, never completed in another address space or handle table. */
void thread_drop_continuation(struct thread *t)
{
    t->cont = NULL;
    t->cont_proc = NULL;
    if (t->call_reply) {
        channel_msg_free(t->call_reply);
        t->call_reply = NULL;
    }
}
