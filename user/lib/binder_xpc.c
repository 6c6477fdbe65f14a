/* libbinder's XPC transport (docs/binder.md): a transaction's parcel is written straight into
 * the calling thread's relay segment and handed to the service with xcall, which reads it and
 * writes its reply in the same segment: nothing is copied. A parcel that carries an ashmem region
 * travels in the region's first page, and the region (a relay segment) is switched in with
 * swapseg for the call: the service reads it in place, and nobody else can touch it meanwhile.
 * Handles still need the kernel to translate them, so a parcel with handles (and every call to
 * the service manager) takes the binder kernel object; so does a thread's second parcel. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>
#include "binder_internal.h"

/* The thread segment: request offsets at 0, request data at one page, the reply after it. */
#define REQ_OFF   4096u
#define REQ_CAP   BINDER_BUFFER_SIZE
#define REPLY_OFF (REQ_OFF + REQ_CAP)
#define REPLY_CAP (1u << 20)
#define SEG_SIZE  (REPLY_OFF + REPLY_CAP)
/* A region's parcel page: one offset at 64, the request at 128, the reply at 2048. */
#define PG_OFFS      64u
#define PG_REQ       128u
#define PG_REQ_CAP   1920u
#define PG_REPLY     2048u
#define PG_REPLY_CAP 2048u
#define MODE_ASHMEM  1u

uint64_t binder_xpc_calls;
static _Thread_local struct xpc_seg tseg;
static _Thread_local int tseg_busy;
static uint32_t slots_used = 1; /* seg-list slots of this process; slot 0 stays the spare */

static int slot_alloc(void)
{
    for (uint32_t i = 1; i < XPC_SEGLIST_SIZE; i++)
        if (!(__atomic_fetch_or(&slots_used, 1u << i, __ATOMIC_ACQ_REL) & (1u << i)))
            return (int)i;
    return ERR_NO_RESOURCES;
}

static void slot_free(uint32_t i)
{
    __atomic_fetch_and(&slots_used, ~(1u << i), __ATOMIC_ACQ_REL);
}

int binder_xpc_parcel_init(struct parcel *p)
{
    if (tseg_busy)
        return -1;
    if (!tseg.handle) {
        int s = slot_alloc();
        if (s < 0)
            return s;
        int64_t r = xpc_seg_alloc(SEG_SIZE, MAP_READ | MAP_WRITE, (uint32_t)s, &tseg);
        if (r == 0)
            r = xpc_seg_swap((uint32_t)s); /* active from now on; the slot is empty again */
        slot_free((uint32_t)s);
        if (r < 0)
            return (int)r;
    }
    tseg_busy = 1;
    p->kind = PK_XPC_OUT;
    p->data = (uint8_t *)tseg.va + REQ_OFF;
    p->cap = REQ_CAP;
    p->offsets = (uint64_t *)tseg.va;
    p->cap_offsets = PARCEL_MAX_OBJECTS;
    return 0;
}

void binder_thread_release(void)
{
    if (tseg.handle && !tseg_busy)
        xpc_seg_free(&tseg);
    memset(&tseg, 0, sizeof(tseg));
}

void binder_xpc_parcel_done(struct parcel *p)
{
    (void)p;
    tseg_busy = 0;
}

/* ---- the client side ---- */

#define CODE_XPC_ENTRY 0x5f585043u
struct binding {
    uint64_t handle, entry;
    int64_t id; /* < 0: the service takes the kernel path only */
};
static struct binding bindings[16];

void binder_xpc_forget(uint64_t handle)
{
    for (int i = 0; i < 16; i++) {
        if (bindings[i].handle == handle) {
            if (bindings[i].entry)
                sys_handle_close(bindings[i].entry);
            memset(&bindings[i], 0, sizeof(bindings[i]));
        }
    }
}

/* The service's x-entry, asked for once through the kernel (the reserved code hands over a
 * handle with CALL, as an fd-like object), then bound. */
static int64_t entry_id(uint64_t handle)
{
    for (int i = 0; i < 16; i++)
        if (bindings[i].handle == handle)
            return bindings[i].id;
    int i = 0;
    while (i < 16 && bindings[i].handle)
        i++;
    if (i == 16)
        return -1;
    struct binder_txn t = {0};
    struct parcel reply;
    int64_t id = binder_kernel_transact(handle, CODE_XPC_ENTRY, &t, &reply);
    uint64_t entry = 0;
    if (id == 0 && reply.n_offsets == 1) {
        const struct binder_object *o = (const void *)(reply.data + reply.offsets[0]);
        if (o->type == BINDER_TYPE_FD) {
            entry = o->handle;
            reply.taken = 1;
            id = xpc_bind(entry);
        }
    } else if (id == 0 || id == ERR_NOT_SUPPORTED) {
        id = -1;
    }
    parcel_destroy(&reply);
    if (id == ERR_PEER_CLOSED)
        return id;
    bindings[i] = (struct binding){handle, entry, id < 0 ? -1 : id};
    return bindings[i].id;
}

static int64_t dead_or(int64_t r)
{
    if (r == ERR_XPC_INVALID_XENTRY || r == ERR_XPC_INVALID_CAP)
        return ERR_PEER_CLOSED; /* the entry was revoked: its process died */
    return r;
}

int64_t binder_xpc_transact(uint64_t handle, uint32_t code, struct parcel *data,
                            struct parcel *reply, uint32_t flags, int *handled)
{
    memset(reply, 0, sizeof(*reply));
    reply->kind = PK_HEAP;
    if (data->kind != PK_XPC_OUT)
        return 0;
    int64_t id = entry_id(handle);
    if (id == ERR_PEER_CLOSED) {
        *handled = 1;
        return id;
    }
    if (id < 0)
        return 0;
    *handled = 1;
    binder_xpc_calls++;
    struct xpc_msg m = {{code, flags, data->size, data->n_offsets, 0}};
    const struct binder_object *o = NULL;
    if (data->n_offsets == 1 && binder_parcel_check_objects(data) == 0)
        o = (const void *)(data->data + data->offsets[0]);
    if (!o || o->type != BINDER_TYPE_ASHMEM_XPC) {
        /* No region: everything in the segment (the service refuses any object here: only
         * the kernel makes real handles). */
        int64_t r = dead_or(xpc_call((uint64_t)id, &m));
        if (r == 0 && m.r[1] > REPLY_CAP)
            r = ERR_INVALID_ARGS;
        if (r == 0 && !(flags & BINDER_FLAG_ONE_WAY)) {
            reply->kind = PK_XPC_REPLY;
            reply->data = (uint8_t *)tseg.va + REPLY_OFF;
            reply->size = m.r[1];
        }
        return r;
    }
    /* One region: the parcel moves into its first page (tens of bytes), the region goes in. */
    if (data->size > PG_REQ_CAP)
        return ERR_NOT_SUPPORTED;
    uint8_t buf[PG_REQ_CAP];
    uint64_t off = data->offsets[0];
    uint32_t slot = o->flags;
    memcpy(buf, data->data, data->size);
    int64_t r = xpc_seg_swap(slot);
    if (r < 0)
        return r;
    uint8_t *page = xpc_seg_active(NULL);
    memcpy(page + PG_REQ, buf, data->size);
    memcpy(page + PG_OFFS, &off, 8);
    m.r[4] = MODE_ASHMEM;
    r = dead_or(xpc_call((uint64_t)id, &m));
    uint64_t n = m.r[1];
    if (r == 0 && n > PG_REPLY_CAP)
        r = ERR_INVALID_ARGS;
    if (r == 0 && n && !(flags & BINDER_FLAG_ONE_WAY)) {
        reply->data = malloc(n);
        if (reply->data) {
            memcpy(reply->data, page + PG_REPLY, n);
            reply->size = reply->cap = n;
        }
    }
    xpc_seg_swap(slot);
    return r;
}

/* ---- the service side ---- */

static int64_t entries[BINDER_MAX_SERVICES];
static binder_on_transact_t fns[BINDER_MAX_SERVICES];
static void *args[BINDER_MAX_SERVICES];

static void handle(uint32_t svc, struct xpc_msg *m)
{
    uint64_t len = 0;
    uint8_t *seg = xpc_seg_active((size_t *)&len);
    uint64_t mode = m->r[4], size = m->r[2], nobj = m->r[3];
    struct parcel data = {.kind = PK_XPC_IN, .size = size, .n_offsets = nobj};
    struct parcel reply = {.kind = PK_XPC_REPLY};
    int32_t status = ERR_INVALID_ARGS;
    if (mode == 0 && seg && len >= SEG_SIZE && size <= REQ_CAP && nobj <= PARCEL_MAX_OBJECTS) {
        data.data = seg + REQ_OFF;
        data.offsets = (uint64_t *)seg;
        reply.data = seg + REPLY_OFF;
        reply.cap = REPLY_CAP;
        status = 0;
    } else if (mode == MODE_ASHMEM && seg && len > XPC_PARCEL_PAGE && size <= PG_REQ_CAP &&
               nobj == 1) {
        data.data = seg + PG_REQ;
        data.offsets = (uint64_t *)(seg + PG_OFFS);
        reply.data = seg + PG_REPLY;
        reply.cap = PG_REPLY_CAP;
        status = 0;
    }
    /* Only the region of an ashmem call travels as an object here: a handle can be real only if
     * the kernel made it, so one in the segment is forged. */
    if (status == 0)
        status = binder_parcel_check_objects(&data);
    for (uint64_t i = 0; status == 0 && i < nobj; i++) {
        const struct binder_object *o = (const void *)(data.data + data.offsets[i]);
        if (o->type != BINDER_TYPE_ASHMEM_XPC || mode != MODE_ASHMEM)
            status = ERR_INVALID_ARGS;
    }
    if (status == 0)
        status = fns[svc](args[svc], (uint32_t)m->r[0], &data, &reply, (uint32_t)m->r[1]);
    if (status == 0 && reply.error)
        status = reply.error;
    m->r[0] = (uint64_t)(int64_t)status;
    m->r[1] = status == 0 ? reply.size : 0;
}

#define HANDLER(i)                                                                                 \
    static void handler##i(struct xpc_msg *m)                                                      \
    {                                                                                              \
        handle(i, m);                                                                              \
    }
HANDLER(0)
HANDLER(1)
HANDLER(2)
HANDLER(3)
HANDLER(4)
HANDLER(5)
HANDLER(6)
HANDLER(7)
static const xpc_handler_t handlers[BINDER_MAX_SERVICES] = {handler0, handler1, handler2, handler3,
                                                            handler4, handler5, handler6, handler7};

int64_t binder_xpc_serve_create(uint32_t svc, uint32_t threads, binder_on_transact_t fn, void *arg)
{
    fns[svc] = fn;
    args[svc] = arg;
    entries[svc] = xpc_entry_create(handlers[svc], threads, 0, 16384);
    return entries[svc];
}

int64_t binder_xpc_grant(uint32_t svc)
{
    return entries[svc] > 0 ? xpc_grant_call((uint64_t)entries[svc]) : ERR_NOT_SUPPORTED;
}

int binder_xpc_read_ashmem(struct parcel *p, const struct binder_object *o, struct ashmem_view *v)
{
    uint64_t len = 0;
    uint8_t *seg = xpc_seg_active((size_t *)&len);
    if (o->type != BINDER_TYPE_ASHMEM_XPC || !seg || len < XPC_PARCEL_PAGE ||
        o->cookie > len - XPC_PARCEL_PAGE)
        return p->error = ERR_INVALID_ARGS;
    v->data = seg + XPC_PARCEL_PAGE;
    v->size = o->cookie;
    return 0;
}

/* ---- regions ---- */

int binder_xpc_ashmem_create(uint64_t size, struct ashmem *a)
{
    int s = slot_alloc();
    if (s < 0)
        return s;
    struct xpc_seg seg;
    int64_t r = xpc_seg_alloc(size + XPC_PARCEL_PAGE, MAP_READ | MAP_WRITE, (uint32_t)s, &seg);
    if (r < 0) {
        slot_free((uint32_t)s);
        return (int)r;
    }
    a->size = size;
    a->seg = seg.handle;
    a->seg_va = seg.va;
    a->slot = (uint32_t)s;
    return 0;
}

void binder_xpc_ashmem_destroy(struct ashmem *a)
{
    struct xpc_seg seg = {a->seg, a->seg_va, a->size + XPC_PARCEL_PAGE};
    xpc_seg_free(&seg);
    slot_free(a->slot);
}
