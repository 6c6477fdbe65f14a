/* The XPC transport (docs/transports.md): the operation and its arguments in registers, the
 * buffer in the caller's relay segment. A buffer that already lies in the active segment (a
 * client's tp_buffer, or a server passing on part of what it was handed) goes down with a
 * seg-mask narrowing it to [buf, buf+cap): nothing is copied. Any other buffer is copied into
 * the connection's own segment first.
 *
 * Registers: a0 op, a1-a4 arguments, a5 request bytes; back: a0 status, a1-a4 results, a5
 * reply bytes. */
#include <string.h>
#include <xpc/usys.h>
#include <xpc/transport.h>

#define TP_STACK_DEFAULT (16u << 10)

/* ---- server ---- */

static struct tp_server_config xpc_cfg; /* one XPC service per process */

static void xpc_entry(struct xpc_msg *m)
{
    size_t seg_len;
    struct tp_req r = {.op = (uint32_t)m->r[0], .len = m->r[5]};
    memcpy(r.arg, &m->r[1], sizeof(r.arg));
    r.buf = xpc_seg_active(&seg_len);
    r.cap = seg_len;
    r.client = xpc_caller();
    r.ctx = xpc_cfg.ctx;
    int64_t status;
    if (m->r[0] > TP_OP_MAX || r.len > r.cap) {
        status = ERR_INVALID_ARGS;
        r.len = 0;
    } else {
        status = xpc_cfg.handler(&r);
        if (r.len > r.cap) {
            status = ERR_BAD_STATE;
            r.len = 0;
        }
    }
    m->r[0] = (uint64_t)status;
    memcpy(&m->r[1], r.res, sizeof(r.res));
    m->r[5] = r.len;
    m->r[6] = 0;
}

int64_t tp_xpc_serve(const struct tp_server_config *cfg, uint64_t *offer)
{
    if (xpc_cfg.handler)
        return ERR_NO_RESOURCES;
    xpc_cfg = *cfg;
    int64_t h = xpc_entry_create(xpc_entry, cfg->concurrency, cfg->chain_bytes,
                                 cfg->stack_size ? cfg->stack_size : TP_STACK_DEFAULT);
    if (h < 0)
        return h;
    int64_t g = SYSCALL(SYS_XENTRY_GRANT, (uint64_t)h,
                        RIGHT_CALL | RIGHT_GRANT | RIGHT_DUPLICATE | RIGHT_TRANSFER, 0, 0, 0);
    if (g < 0)
        return g;
    *offer = (uint64_t)g;
    return 0;
}

/* ---- client ---- */

static struct tp_conn *conns[XPC_SEGLIST_SIZE]; /* by seg-list slot */

int64_t tp_xpc_connect(uint64_t h, size_t cap, struct tp_conn *c)
{
    int64_t dup = tp_service_share(h);
    if (dup < 0)
        return dup;
    int64_t id = xpc_bind((uint64_t)dup);
    if (id < 0) {
        sys_handle_close((uint64_t)dup);
        return id;
    }
    /* Slots from the top down, so programs that place their own segments low keep theirs. */
    int64_t r = ERR_NO_RESOURCES;
    for (int slot = XPC_SEGLIST_SIZE - 1; slot >= 0; slot--) {
        if (conns[slot])
            continue;
        r = xpc_seg_alloc(cap, MAP_READ | MAP_WRITE, (uint32_t)slot, &c->seg);
        if (r == 0) {
            c->slot = (uint32_t)slot;
            break;
        }
        if (r != ERR_ALREADY_BOUND)
            break;
    }
    if (r < 0) {
        sys_handle_close((uint64_t)dup);
        return r;
    }
    c->kind = TP_XPC;
    c->h = (uint64_t)dup;
    c->id = id;
    c->cap = cap;
    conns[c->slot] = c;
    return 0;
}

/* Puts back a connection's segment that tp_buffer left active. */
static void park_active(void)
{
    size_t len;
    void *va = xpc_seg_active(&len);
    if (!len)
        return;
    for (unsigned i = 0; i < XPC_SEGLIST_SIZE; i++)
        if (conns[i] && conns[i]->active && conns[i]->seg.va == va) {
            xpc_seg_swap(i);
            conns[i]->active = false;
            return;
        }
}

void *tp_xpc_buffer(struct tp_conn *c)
{
    size_t len;
    if (xpc_seg_active(&len) == c->seg.va && len)
        return c->seg.va;
    park_active();
    if (xpc_seg_active(&len) && len)
        return NULL; /* someone else's segment is active (inside a handler): not ours to move */
    if (xpc_seg_swap(c->slot) < 0)
        return NULL;
    c->active = true;
    return c->seg.va;
}

static int64_t call_once(struct tp_conn *c, struct tp_req *r)
{
    struct xpc_msg m = {{r->op, r->arg[0], r->arg[1], r->arg[2], r->arg[3], r->len, 0}};
    int64_t st;
    while ((st = xpc_call((uint64_t)c->id, &m)) == ERR_XPC_BUSY)
        sys_yield(); /* every context of the server is taken: wait for one */
    if (st == ERR_XPC_BUSY || m.r[5] > r->cap)
        return ERR_BAD_STATE;
    memcpy(r->res, &m.r[1], sizeof(r->res));
    r->len = m.r[5];
    return st;
}

int64_t tp_xpc_call(struct tp_conn *c, struct tp_req *r)
{
    size_t alen;
    char *active = xpc_seg_active(&alen);
    char *buf = r->buf;
    if (r->cap && alen && buf >= active && r->cap <= alen &&
        buf - active <= (int64_t)(alen - r->cap)) {
        /* In place: the callee sees exactly [buf, buf+cap). */
        uint64_t off = (uint64_t)(buf - active);
        if (off != 0 || r->cap != alen)
            xpc_seg_mask(off, r->cap);
        return call_once(c, r);
    }
    if (r->cap > c->cap)
        return ERR_OUT_OF_RANGE;
    if (r->cap && !tp_user_range(buf, r->cap))
        return ERR_FAULT;
    bool swapped = active != c->seg.va || !alen;
    if (swapped && xpc_seg_swap(c->slot) < 0)
        return ERR_BAD_STATE;
    memcpy(c->seg.va, buf, r->len);
    if (r->cap)
        xpc_seg_mask(0, r->cap);
    int64_t st = call_once(c, r);
    if (r->len && r->len <= r->cap)
        memcpy(buf, c->seg.va, r->len);
    if (swapped)
        xpc_seg_swap(c->slot);
    return st;
}

void tp_xpc_close(struct tp_conn *c)
{
    size_t len;
    if (c->active && xpc_seg_active(&len) == c->seg.va)
        xpc_seg_swap(c->slot);
    conns[c->slot] = NULL;
    xpc_seg_free(&c->seg);
    sys_handle_close(c->h);
}
