/* libbinder over the binder kernel object (docs/binder.md): the context, transactions, the
 * looper threads and their dispatch to onTransact, death recipients, and the service manager's
 * client calls. The XPC transport (binder_xpc.c) takes over the data path of transactions when
 * the system booted with it; everything here stays the control path on both. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>
#include "binder_internal.h"

uint64_t binder_ctx;
enum binder_transport binder_tp = BINDER_KERNEL;

struct local_service {
    binder_on_transact_t fn;
    void *arg;
    uint64_t node; /* our own handle to the node */
};
static struct local_service services[BINDER_MAX_SERVICES];

#define MAX_RECIPIENTS 32
struct recipient {
    binder_death_fn fn;
    void *arg;
    uint64_t handle;
    int used;
};
static struct recipient recipients[MAX_RECIPIENTS];

enum binder_transport binder_transport(void)
{
    return binder_tp;
}

int binder_init_transport(enum binder_transport t)
{
    uint64_t va;
    if (!binder_ctx) {
        int64_t h = SYSCALL(SYS_BINDER_OPEN, (uint64_t)&va, 0, 0, 0, 0);
        if (h < 0)
            return (int)h;
        binder_ctx = (uint64_t)h;
    }
    binder_tp = t;
    return 0;
}

int binder_init(void)
{
    int r = binder_init_transport(BINDER_KERNEL);
    if (r < 0)
        return r;
    struct parcel data, reply;
    parcel_init(&data);
    int64_t s = binder_transact(0, SM_TRANSPORT, &data, &reply, 0);
    int32_t t = s == 0 ? parcel_read_i32(&reply) : 0;
    parcel_destroy(&reply);
    parcel_destroy(&data);
    if (s < 0)
        return (int)s;
    return binder_init_transport(t == BINDER_XPC ? BINDER_XPC : BINDER_KERNEL);
}

/* The raw transaction: a0 status, a1-a5 the reply's place in our receive buffer. */
int64_t binder_kernel_transact(uint64_t target, uint32_t code, const struct binder_txn *t,
                               struct parcel *reply)
{
    struct binder_txn tx = *t;
    tx.target = target;
    tx.code = code;
    register uint64_t a0 __asm__("a0") = binder_ctx;
    register uint64_t a1 __asm__("a1") = (uint64_t)&tx;
    register uint64_t a2 __asm__("a2") = 0, a3 __asm__("a3") = 0, a4 __asm__("a4") = 0;
    register uint64_t a5 __asm__("a5") = 0;
    register uint64_t a7 __asm__("a7") = SYS_BINDER_TRANSACT;
    __asm__ volatile("ecall"
                     : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
                     : "r"(a7)
                     : "memory");
    /* Register variables hold only across the asm: copy them before any call. */
    int64_t r = (int64_t)a0;
    uint64_t data = a1, size = a2, offs = a3, nobj = a4, rflags = a5;
    memset(reply, 0, sizeof(*reply));
    reply->kind = PK_HEAP;
    if (r < 0 || (t->flags & BINDER_FLAG_ONE_WAY))
        return r;
    reply->kind = PK_KBUF;
    reply->kbuf = data;
    reply->data = (uint8_t *)data;
    reply->size = size;
    reply->offsets = (uint64_t *)offs;
    reply->n_offsets = nobj;
    if (rflags & BINDER_FLAG_STATUS) { /* the service answered with a status only */
        int32_t status = parcel_read_i32(reply);
        reply->pos = 0;
        return status < 0 ? status : ERR_INVALID_ARGS;
    }
    return 0;
}

int64_t binder_transact(uint64_t handle, uint32_t code, struct parcel *data, struct parcel *reply,
                        uint32_t flags)
{
    if (data->error) {
        memset(reply, 0, sizeof(*reply));
        reply->kind = PK_HEAP;
        return data->error;
    }
    if (binder_tp == BINDER_XPC && handle != 0) {
        int handled = 0;
        int64_t r = binder_xpc_transact(handle, code, data, reply, flags, &handled);
        if (handled)
            return r;
    }
    if (data->kind == PK_XPC_OUT && binder_parcel_to_heap(data) < 0) {
        memset(reply, 0, sizeof(*reply));
        reply->kind = PK_HEAP;
        return data->error;
    }
    struct binder_txn t = {.flags = flags,
                           .data = (uint64_t)data->data,
                           .data_size = data->size,
                           .offsets = (uint64_t)data->offsets,
                           .n_offsets = data->n_offsets};
    return binder_kernel_transact(handle, code, &t, reply);
}

int64_t binder_local_node(uint64_t cookie)
{
    if (cookie >= BINDER_MAX_SERVICES || !services[cookie].fn)
        return ERR_INVALID_ARGS;
    return sys_handle_duplicate(services[cookie].node, RIGHT_SAME_RIGHTS);
}

/* Handles the reserved code that hands a client the service's x-entry (BINDER_XPC only). */
#define CODE_XPC_ENTRY 0x5f585043u

static void serve(const struct binder_work *w)
{
    struct parcel data = {.data = (uint8_t *)w->data,
                          .size = w->data_size,
                          .offsets = (uint64_t *)w->offsets,
                          .n_offsets = w->n_offsets,
                          .kind = PK_KBUF,
                          .kbuf = w->data};
    struct parcel reply;
    memset(&reply, 0, sizeof(reply));
    reply.kind = PK_HEAP;
    int32_t status = ERR_NOT_FOUND;
    int64_t granted = 0;
    struct local_service *s = w->cookie < BINDER_MAX_SERVICES ? &services[w->cookie] : NULL;
    if (s && s->fn && w->code == CODE_XPC_ENTRY) {
        granted = binder_tp == BINDER_XPC ? binder_xpc_grant((uint32_t)w->cookie) : 0;
        struct binder_object o = {.type = BINDER_TYPE_FD, .handle = (uint64_t)granted};
        status = granted > 0 ? parcel_write_object(&reply, &o, 1) : ERR_NOT_SUPPORTED;
    } else if (s && s->fn) {
        status = s->fn(s->arg, w->code, &data, &reply, w->flags);
    }
    if (w->txn) {
        struct binder_txn t = {.data = (uint64_t)reply.data,
                               .data_size = reply.size,
                               .offsets = (uint64_t)reply.offsets,
                               .n_offsets = reply.n_offsets};
        if (status == 0 && reply.error)
            status = reply.error;
        if (status == 0)
            status = (int32_t)SYSCALL(SYS_BINDER_REPLY, binder_ctx, w->txn, (uint64_t)&t, 0, 0);
        if (status < 0 && status != ERR_PEER_CLOSED) { /* BR_REPLY with TF_STATUS_CODE */
            struct binder_txn st = {
                .flags = BINDER_FLAG_STATUS, .data = (uint64_t)&status, .data_size = 4};
            SYSCALL(SYS_BINDER_REPLY, binder_ctx, w->txn, (uint64_t)&st, 0, 0);
        }
    }
    if (granted > 0)
        sys_handle_close((uint64_t)granted); /* the client got its own */
    parcel_destroy(&reply);
    parcel_destroy(&data); /* closes the handles onTransact did not take, frees the buffer */
}

static void dead(const struct binder_work *w)
{
    uint64_t i = w->cookie;
    if (i < MAX_RECIPIENTS && recipients[i].used) {
        struct recipient r = recipients[i];
        recipients[i].used = 0;
        binder_xpc_forget(r.handle);
        r.fn(r.arg);
    }
}

static void looper(void *arg)
{
    (void)arg;
    for (;;) {
        struct binder_work w;
        int64_t r = SYSCALL(SYS_BINDER_RECV, binder_ctx, (uint64_t)&w, 0, 0, 0);
        if (r < 0)
            return;
        if (w.type == BINDER_WORK_TRANSACTION)
            serve(&w);
        else if (w.type == BINDER_WORK_DEAD_BINDER)
            dead(&w);
    }
}

int binder_start_thread_pool(uint32_t threads)
{
    for (uint32_t i = 0; i < threads; i++) {
        int64_t r = xpc_thread_start(looper, NULL, 16384, DEFAULT_PRIORITY);
        if (r < 0)
            return (int)r;
        sys_handle_close((uint64_t)r); /* it runs on; nobody waits for it */
    }
    return 0;
}

void binder_join_thread_pool(void)
{
    looper(NULL);
    for (;;)
        sys_exit(0);
}

int64_t binder_service_create(binder_on_transact_t fn, void *arg, uint32_t threads)
{
    uint64_t i = 0;
    while (i < BINDER_MAX_SERVICES && services[i].fn)
        i++;
    if (i == BINDER_MAX_SERVICES || !fn || threads == 0 || threads > XPC_MAX_CALLERS)
        return ERR_INVALID_ARGS;
    int64_t n = SYSCALL(SYS_BINDER_NODE_CREATE, binder_ctx, i, 0, 0, 0);
    if (n < 0)
        return n;
    services[i] = (struct local_service){fn, arg, (uint64_t)n};
    if (binder_tp == BINDER_XPC && binder_xpc_serve_create((uint32_t)i, threads, fn, arg) < 0)
        return ERR_NO_RESOURCES;
    return n;
}

int binder_link_to_death(uint64_t handle, binder_death_fn fn, void *arg)
{
    for (uint64_t i = 0; i < MAX_RECIPIENTS; i++) {
        if (!recipients[i].used) {
            recipients[i] = (struct recipient){fn, arg, handle, 1};
            int64_t r = SYSCALL(SYS_BINDER_DEATH, binder_ctx, handle, i, 1, 0);
            if (r < 0)
                recipients[i].used = 0;
            return (int)r;
        }
    }
    return ERR_NO_RESOURCES;
}

int binder_unlink_to_death(uint64_t handle, binder_death_fn fn, void *arg)
{
    for (uint64_t i = 0; i < MAX_RECIPIENTS; i++) {
        struct recipient *r = &recipients[i];
        if (r->used && r->handle == handle && r->fn == fn && r->arg == arg) {
            r->used = 0;
            return (int)SYSCALL(SYS_BINDER_DEATH, binder_ctx, handle, i, 0, 0);
        }
    }
    return ERR_NOT_FOUND;
}

void binder_release(uint64_t handle)
{
    binder_xpc_forget(handle);
    sys_handle_close(handle);
}

int binder_add_service(const char *name, uint64_t node)
{
    struct parcel data, reply;
    parcel_init(&data);
    parcel_write_string(&data, name);
    parcel_write_handle(&data, node);
    int64_t r = binder_transact(0, SM_ADD, &data, &reply, 0);
    parcel_destroy(&reply);
    parcel_destroy(&data);
    return (int)r;
}

int64_t binder_get_service(const char *name)
{
    struct parcel data, reply;
    parcel_init(&data);
    parcel_write_string(&data, name);
    int64_t r = binder_transact(0, SM_GET, &data, &reply, 0);
    if (r == 0)
        r = parcel_read_handle(&reply);
    parcel_destroy(&reply);
    parcel_destroy(&data);
    return r;
}

int binder_list_services(char *buf, uint64_t cap)
{
    struct parcel data, reply;
    parcel_init(&data);
    int64_t r = binder_transact(0, SM_LIST, &data, &reply, 0);
    uint64_t used = 0;
    for (int32_t n = r == 0 ? parcel_read_i32(&reply) : 0; n > 0 && !reply.error; n--) {
        const char *s = parcel_read_string(&reply);
        uint64_t l = s ? strlen(s) : 0;
        if (s && used + l + 2 <= cap) {
            memcpy(buf + used, s, l);
            buf[used + l] = '\n';
            used += l + 1;
        }
    }
    if (cap)
        buf[used < cap ? used : cap - 1] = 0;
    if (r == 0 && reply.error)
        r = reply.error;
    parcel_destroy(&reply);
    parcel_destroy(&data);
    return r < 0 ? (int)r : (int)used;
}
