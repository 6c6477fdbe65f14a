/* The endpoint transport (seL4 style): one server thread in a recv/reply_recv loop. A message is
 * the operation in the info word's label, the four arguments in the register words and, when
 * there is data, a 4-word header and the chunk in the IPC buffer (msg[4..7], msg[8..]); a call
 * without data is four register words and takes the kernel's fastpath. The reply's label is the
 * status (32 bits, sign-extended). Clients are told apart by badges: CONNECT on the unbadged
 * endpoint mints one per connection, as an seL4 server would. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/transport.h>
#include "transport_copy.h"

#define EP_HDR_WORDS   8
#define EP_MAX_CLIENTS 256
#define LABEL_BITS     32 /* the kernel's label field */

static struct tp_server_config ep_cfg;
static uint64_t ep_handle;
static struct tp_stage *ep_clients[EP_MAX_CLIENTS]; /* badge = index + 1 */

static uint64_t words_for(uint64_t bytes)
{
    return (bytes + 7) / 8;
}

static uint64_t status_label(int64_t status)
{
    return (uint64_t)status & ((1ULL << LABEL_BITS) - 1);
}

static int64_t label_status(uint64_t label)
{
    return (int64_t)(label << (64 - LABEL_BITS)) >> (64 - LABEL_BITS);
}

/* CONNECT: a stage and a badged handle that can only send. */
static void ep_connect(struct ipc_msg *m, struct ipc_buffer *ib)
{
    uint64_t cap = m->mr[0];
    int64_t status = ERR_NO_RESOURCES;
    unsigned i = 0;
    while (i < EP_MAX_CLIENTS && ep_clients[i])
        i++;
    m->info = MSGINFO(status_label(status), 0, 0);
    if (cap == 0 || cap > TP_BUF_MAX || cap > (ep_cfg.buf_size ? ep_cfg.buf_size : TP_BUF_MAX)) {
        m->info = MSGINFO(status_label(ERR_OUT_OF_RANGE), 0, 0);
        return;
    }
    if (i == EP_MAX_CLIENTS)
        return;
    struct tp_stage *st = calloc(1, sizeof(*st));
    char *buf = malloc(cap);
    int64_t minted = sys_endpoint_mint(ep_handle, i + 1);
    int64_t h =
        minted < 0 ? minted : sys_handle_duplicate((uint64_t)minted, RIGHT_WRITE | RIGHT_TRANSFER);
    if (minted > 0)
        sys_handle_close((uint64_t)minted);
    if (!st || !buf || h < 0) {
        free(st);
        free(buf);
        if (h > 0)
            sys_handle_close((uint64_t)h);
        m->info = MSGINFO(status_label(ERR_NO_MEMORY), 0, 0);
        return;
    }
    st->buf = buf;
    st->cap = cap;
    st->client = i + 1;
    ep_clients[i] = st;
    ib->handles[0] = (uint64_t)h;
    m->info = MSGINFO(0, 0, 1);
}

static void ep_loop(void *unused)
{
    (void)unused;
    struct ipc_buffer *ib = sys_ipc_buffer();
    struct ipc_msg m = {0};
    if (ipc_recv(ep_handle, &m) < 0)
        return;
    for (;;) {
        uint64_t op = MSGINFO_LABEL(m.info), words = MSGINFO_WORDS(m.info);
        uint64_t badge = m.badge;
        if (op == TP_OP_CONNECT && badge == 0) {
            ep_connect(&m, ib);
        } else if (badge == 0 || badge > EP_MAX_CLIENTS || !ep_clients[badge - 1]) {
            m.info = MSGINFO(status_label(ERR_BAD_STATE), 0, 0);
        } else if (op == TP_OP_CLOSE) {
            free(ep_clients[badge - 1]->buf);
            free(ep_clients[badge - 1]);
            ep_clients[badge - 1] = NULL;
            m.info = MSGINFO(0, 0, 0);
        } else {
            struct tp_wire w = {.op = op}, rw;
            memcpy(w.arg, m.mr, sizeof(w.arg));
            if (words >= EP_HDR_WORDS) {
                w.total = ib->msg[4];
                w.offset = ib->msg[5];
                w.chunk = ib->msg[6];
                w.cap = ib->msg[7];
                if (w.chunk > TP_EP_CHUNK || words < EP_HDR_WORDS + words_for(w.chunk))
                    w.op = ~0ULL; /* malformed: refused below */
            }
            const void *rdata;
            tp_stage_serve(&ep_cfg, ep_clients[badge - 1], &w, &ib->msg[EP_HDR_WORDS], &rw, &rdata,
                           TP_EP_CHUNK, NULL);
            memcpy(m.mr, rw.arg, sizeof(m.mr));
            if (rw.total || w.op == TP_OP_FETCH) {
                ib->msg[4] = rw.total;
                ib->msg[5] = rw.offset;
                ib->msg[6] = rw.chunk;
                ib->msg[7] = 0;
                if (rw.chunk)
                    memcpy(&ib->msg[EP_HDR_WORDS], rdata, rw.chunk);
                m.info = MSGINFO(status_label(rw.status), EP_HDR_WORDS + words_for(rw.chunk), 0);
            } else {
                m.info = MSGINFO(status_label(rw.status), IPC_REG_WORDS, 0);
            }
        }
        /* A caller that went away makes the reply fail: serve the next one. */
        if (ipc_reply_recv(ep_handle, &m) < 0) {
            m = (struct ipc_msg){0}; /* the reply was refused: serve the next caller */
            if (ipc_recv(ep_handle, &m) < 0)
                return;
        }
    }
}

int64_t tp_ep_serve(const struct tp_server_config *cfg, uint64_t *offer)
{
    if (ep_handle)
        return ERR_NO_RESOURCES;
    ep_cfg = *cfg;
    int64_t ep = sys_endpoint_create();
    if (ep < 0)
        return ep;
    ep_handle = (uint64_t)ep;
    int64_t o = sys_handle_duplicate(ep_handle, RIGHT_WRITE | RIGHT_DUPLICATE | RIGHT_TRANSFER);
    if (o < 0)
        return o;
    char *mem;
    int64_t t = tp_start_thread(ep_loop, NULL, cfg->stack_size ? cfg->stack_size : 16384, &mem);
    if (t < 0)
        return t;
    *offer = (uint64_t)o;
    return 0;
}

/* ---- client ---- */

static _Thread_local struct ipc_buffer *my_ipc_buffer;

int64_t tp_ep_xfer(struct tp_conn *c, const struct tp_wire *w, const void *data, struct tp_wire *rw,
                   void *in, size_t room)
{
    struct ipc_buffer *ib = my_ipc_buffer;
    if (!ib)
        ib = my_ipc_buffer = sys_ipc_buffer();
    struct ipc_msg m = {0};
    memcpy(m.mr, w->arg, sizeof(m.mr));
    if (w->total || w->cap || w->op == TP_OP_FETCH) {
        ib->msg[4] = w->total;
        ib->msg[5] = w->offset;
        ib->msg[6] = w->chunk;
        ib->msg[7] = w->cap;
        if (w->chunk)
            memcpy(&ib->msg[EP_HDR_WORDS], data, w->chunk);
        m.info = MSGINFO(w->op, EP_HDR_WORDS + words_for(w->chunk), 0);
    } else {
        m.info = MSGINFO(w->op, IPC_REG_WORDS, 0);
    }
    int64_t r = ipc_call(c->h, &m);
    if (r < 0)
        return r;
    memset(rw, 0, sizeof(*rw));
    rw->status = label_status(MSGINFO_LABEL(m.info));
    memcpy(rw->arg, m.mr, sizeof(rw->arg));
    if (MSGINFO_WORDS(m.info) >= EP_HDR_WORDS) {
        rw->total = ib->msg[4];
        rw->offset = ib->msg[5];
        rw->chunk = ib->msg[6];
        if (rw->chunk > room || rw->chunk > TP_EP_CHUNK)
            return ERR_BAD_STATE;
        memcpy(in, &ib->msg[EP_HDR_WORDS], rw->chunk);
    }
    return 0;
}

int64_t tp_ep_connect(uint64_t h, size_t cap, struct tp_conn *c)
{
    struct ipc_buffer *ib = sys_ipc_buffer();
    struct ipc_msg m = {.info = MSGINFO(TP_OP_CONNECT, IPC_REG_WORDS, 0), .mr = {cap}};
    int64_t r = ipc_call(h, &m);
    if (r < 0)
        return r;
    int64_t st = label_status(MSGINFO_LABEL(m.info));
    if (st < 0)
        return st;
    if (MSGINFO_HANDLES(m.info) != 1 || !ib->handles[0])
        return ERR_BAD_STATE;
    c->kind = TP_ENDPOINT;
    c->h = ib->handles[0];
    return 0;
}
