/* seL4-style synchronous endpoints: call, recv, reply_recv.
 *
 * A message is up to IPC_MSG_WORDS words: words 0-3 in registers a2-a5, the rest in the IPC
 * buffer at the same index, plus up to IPC_MAX_HANDLES handles named in the buffer. The
 * rendezvous copies straight from the sender's registers and buffer to the receiver's; nothing
 * is queued in the kernel. The reply goes to the implicit reply slot (thread->reply_to) that a
 * receive fills, as in seL4 before MCS.
 *
 * The fastpath (core/fastpath.c) handles the common case, a short register-only message to a
 * waiting partner of sufficient priority, by switching straight to the partner without touching
 * the run queues; every other case falls to the code here. */
#include <kernel/ipc.h>
#include <kernel/riscv.h>
#include <kernel/arch.h>

uint64_t stat_fastpath, stat_slowpath;

/* Endpoints whose server is alive, so its death can end the calls queued on them. */
static struct list owned_endpoints = {&owned_endpoints, &owned_endpoints};

struct endpoint *endpoint_create(void)
{
    struct endpoint *ep = kmalloc(sizeof(*ep));
    if (!ep)
        return NULL;
    kobj_init(&ep->obj, OBJ_ENDPOINT);
    list_init(&ep->senders);
    list_init(&ep->receivers);
    ep->owner = NULL;
    ep->dead = false;
    list_init(&ep->owned_link);
    return ep;
}

void endpoint_set_owner(struct endpoint *ep, struct process *p)
{
    ep->owner = p;
    list_add_tail(&owned_endpoints, &ep->owned_link);
}

/* seL4 keeps an endpoint alive while anyone holds it, so a call queued on one whose server died
 * waits forever. Here the server is the process that made the endpoint: when it dies (its
 * threads already gone from the receive queue) and no other process is receiving, the queued
 * callers get ERR_PEER_CLOSED and later calls fail at once. Another receiver inherits it. */
void endpoint_owner_died(struct process *p)
{
    struct list *l = owned_endpoints.next;
    while (l != &owned_endpoints) {
        struct endpoint *ep = container_of(l, struct endpoint, owned_link);
        l = l->next;
        if (ep->owner != p)
            continue;
        if (!list_empty(&ep->receivers)) {
            ep->owner = list_first(&ep->receivers, struct thread, run_link)->proc;
            continue;
        }
        list_del(&ep->owned_link);
        list_init(&ep->owned_link);
        ep->owner = NULL;
        ep->dead = true;
        wake_waiters(&ep->senders, ERR_PEER_CLOSED);
    }
}

void endpoint_destroy(struct kobj *o)
{
    struct endpoint *ep = container_of(o, struct endpoint, obj);
    if (ep->owner)
        list_del(&ep->owned_link);
    wake_waiters(&ep->senders, ERR_PEER_CLOSED);
    wake_waiters(&ep->receivers, ERR_PEER_CLOSED);
    kfree(ep, sizeof(*ep));
}

static struct ipc_buffer *ipcbuf(struct thread *t)
{
    return phys_to_virt(t->ipcbuf_pa);
}

static bool info_ok(uint64_t info)
{
    return MSGINFO_WORDS(info) <= IPC_MSG_WORDS && MSGINFO_HANDLES(info) <= IPC_MAX_HANDLES &&
           (info >> 48) == 0;
}

/* Copies a message from 'from' to 'to' and returns the info word the receiver sees. Handles
 * that are no longer valid, lack the transfer right or do not fit arrive as 0. */
static uint64_t transfer(struct thread *from, struct thread *to)
{
    uint64_t info = from->frame.x[REG_A1];
    uint32_t words = MSGINFO_WORDS(info), nh = MSGINFO_HANDLES(info);
    bool to_home = to->proc == to->home;
    if (!to_home && (words > IPC_REG_WORDS || nh)) {
        /* A receiver inside an XPC callee has no IPC buffer of its own there: it gets the
         * register words, and the handles stay with the sender. */
        words = words < IPC_REG_WORDS ? words : IPC_REG_WORDS;
        nh = 0;
        info = MSGINFO(MSGINFO_LABEL(info), words, 0);
    }
    for (int i = 0; i < IPC_REG_WORDS; i++)
        to->frame.x[REG_A2 + i] = from->frame.x[REG_A2 + i];
    if (words > IPC_REG_WORDS)
        memcpy(&ipcbuf(to)->msg[IPC_REG_WORDS], &ipcbuf(from)->msg[IPC_REG_WORDS],
               (words - IPC_REG_WORDS) * sizeof(uint64_t));
    for (uint32_t i = 0; i < nh; i++) {
        uint64_t hv = ipcbuf(from)->handles[i], out = 0;
        struct handle *h = NULL;
        if (handle_get(from->proc->handles, hv, OBJ_NONE, RIGHT_TRANSFER, &h) == 0) {
            int64_t nv = handle_install_badged(to->proc->handles, h->obj, h->rights, h->badge);
            if (nv > 0) {
                struct handle moved;
                handle_take(from->proc->handles, hv, &moved); /* the reference moves */
                out = (uint64_t)nv;
            }
        }
        ipcbuf(to)->handles[i] = out;
    }
    if (to_home)
        ipcbuf(to)->badge = from->ep_badge;
    to->frame.x[REG_A0] = 0;
    to->frame.x[REG_A1] = info;
    to->frame.x[REG_A6] = from->ep_badge;
    return info;
}

/* The caller waits for 'server' to reply. */
static void block_for_reply(struct thread *caller, struct thread *server)
{
    sched_block(caller, BLOCK_REPLY, server);
    caller->replier = server;
    server->reply_to = caller;
}

/* Runs t next if policy allows, else queues it and picks by priority. */
static void __attribute__((noreturn)) run_or_queue(struct thread *t)
{
    if (t->priority >= sched_highest_ready()) {
        if (current && current->state == TS_RUNNING)
            sched_ready(current);
        t->state = TS_RUNNING;
        current = t;
        thread_return_to_user(t);
    }
    sched_ready(t);
    schedule();
}

/* Also records the handle's badge as the one current sends with. */
static int get_endpoint(uint64_t h, uint32_t rights, struct endpoint **ep)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_ENDPOINT, rights, &e);
    if (r == 0) {
        *ep = container_of(e->obj, struct endpoint, obj);
        current->ep_badge = e->badge;
    }
    return r;
}

/* Drops a stale reply slot: the caller it named gets an error rather than waiting forever. */
static void drop_reply(struct thread *t)
{
    struct thread *caller = t->reply_to;
    if (!caller)
        return;
    t->reply_to = NULL;
    caller->replier = NULL;
    sched_wake(caller, ERR_BAD_STATE);
}

/* The endpoint in a0 (with `right`) and a valid message-info word in a1, or NULL with the error
 * already in a0. */
static struct endpoint *endpoint_and_message(struct trap_frame *f, uint32_t right)
{
    struct endpoint *ep = NULL;
    int r = get_endpoint(f->x[REG_A0], right, &ep);
    if (r == 0 && !info_ok(f->x[REG_A1]))
        r = ERR_INVALID_ARGS;
    /* Inside an XPC callee the thread's IPC buffer is its home's, which the callee must not
     * read from or write into: only register words travel. */
    if (r == 0 && current->proc != current->home &&
        (MSGINFO_WORDS(f->x[REG_A1]) > IPC_REG_WORDS || MSGINFO_HANDLES(f->x[REG_A1])))
        r = ERR_NOT_SUPPORTED;
    if (r < 0) {
        f->x[REG_A0] = (uint64_t)r;
        return NULL;
    }
    return ep;
}

void sys_call(struct trap_frame *f)
{
    struct endpoint *ep = endpoint_and_message(f, RIGHT_WRITE);
    if (!ep)
        return;
    stat_slowpath++;
    struct thread *self = current;
    if (list_empty(&ep->receivers)) {
        if (ep->dead) {
            f->x[REG_A0] = (uint64_t)ERR_PEER_CLOSED;
            return;
        }
        sched_block(self, BLOCK_EP_SEND, ep);
        list_add_tail(&ep->senders, &self->run_link);
        schedule();
    }
    struct thread *server = list_first(&ep->receivers, struct thread, run_link);
    list_del(&server->run_link);
    transfer(self, server);
    block_for_reply(self, server);
    server->state = TS_BLOCKED;
    server->block = BLOCK_NONE;
    run_or_queue(server);
}

static void do_recv(struct thread *self, struct endpoint *ep)
{
    if (list_empty(&ep->senders)) {
        sched_block(self, BLOCK_EP_RECV, ep);
        list_add_tail(&ep->receivers, &self->run_link);
        schedule();
    }
    struct thread *client = list_first(&ep->senders, struct thread, run_link);
    list_del(&client->run_link);
    transfer(client, self);
    block_for_reply(client, self);
}

void sys_recv(struct trap_frame *f)
{
    struct endpoint *ep = NULL;
    int r = get_endpoint(f->x[REG_A0], RIGHT_READ, &ep);
    if (r < 0) {
        f->x[REG_A0] = (uint64_t)r;
        return;
    }
    stat_slowpath++;
    drop_reply(current);
    do_recv(current, ep);
}

void sys_reply_recv(struct trap_frame *f)
{
    struct endpoint *ep = endpoint_and_message(f, RIGHT_READ);
    if (!ep)
        return;
    stat_slowpath++;
    struct thread *self = current, *caller = self->reply_to;
    if (caller) {
        self->ep_badge = 0; /* replies carry no badge */
        self->reply_to = NULL;
        caller->replier = NULL;
        transfer(self, caller);
        caller->state = TS_BLOCKED;
        sched_wake(caller, 0);
    }
    do_recv(self, ep);
}

void ipc_thread_cleanup(struct thread *t)
{
    if (t->replier) {
        t->replier->reply_to = NULL;
        t->replier = NULL;
    }
    drop_reply(t);
    if (t->call_reply) {
        channel_msg_free(t->call_reply);
        t->call_reply = NULL;
    }
}
