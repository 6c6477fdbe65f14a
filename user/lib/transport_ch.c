/* The channel transport (Zircon style): a connection is a channel of its own. Clients connect
 * through the service's listening channel, sending one end of a new pair; the server's
 * listener thread starts a thread for each connection, which reads a request message (a
 * 64-byte header and a chunk), answers it with a message of the same shape (channel_call's
 * transaction id first) and waits for the next. Connection threads end when the client closes
 * its end; the listener reclaims their memory when it accepts the next. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/transport.h>
#include "transport_copy.h"

#define CH_MAX_CONNS 256

struct ch_hdr {
    uint32_t txid; /* channel_call's transaction id: the reply repeats it */
    uint32_t op;
    int64_t status;
    uint64_t arg[TP_ARGS];
    uint32_t total, offset, chunk, cap;
};
_Static_assert(sizeof(struct ch_hdr) + TP_CH_CHUNK == CHANNEL_MAX_BYTES, "one message per chunk");

struct ch_msg {
    struct ch_hdr h;
    char data[TP_CH_CHUNK];
};

struct ch_conn {
    uint64_t ch;
    int64_t thread;
    char *mem;
    volatile int done;
    struct tp_stage st;
    struct ch_msg in, out;
};

static struct tp_server_config ch_cfg;
static uint64_t ch_listen;
static struct ch_conn *ch_conns[CH_MAX_CONNS];
static volatile int ch_lock;
static uint64_t ch_next_client = 1;

static void to_wire(const struct ch_hdr *h, struct tp_wire *w)
{
    *w = (struct tp_wire){.op = h->op,
                          .status = h->status,
                          .total = h->total,
                          .offset = h->offset,
                          .chunk = h->chunk,
                          .cap = h->cap};
    memcpy(w->arg, h->arg, sizeof(w->arg));
}

static void from_wire(const struct tp_wire *w, uint32_t txid, struct ch_hdr *h)
{
    *h = (struct ch_hdr){.txid = txid,
                         .op = (uint32_t)w->op,
                         .status = w->status,
                         .total = (uint32_t)w->total,
                         .offset = (uint32_t)w->offset,
                         .chunk = (uint32_t)w->chunk,
                         .cap = (uint32_t)w->cap};
    memcpy(h->arg, w->arg, sizeof(h->arg));
}

static void ch_conn_loop(void *arg)
{
    struct ch_conn *c = arg;
    for (;;) {
        uint64_t actual;
        if (sys_channel_read(c->ch, &c->in, sizeof(c->in), NULL, 0, &actual, CHANNEL_READ_WAIT) < 0)
            break;
        struct tp_wire w, rw;
        const void *rdata = NULL;
        uint32_t bytes = (uint32_t)actual;
        to_wire(&c->in.h, &w);
        if (bytes < sizeof(struct ch_hdr) || w.chunk != bytes - sizeof(struct ch_hdr)) {
            rw = (struct tp_wire){.status = ERR_INVALID_ARGS};
        } else {
            tp_stage_serve(&ch_cfg, &c->st, &w, c->in.data, &rw, &rdata, TP_CH_CHUNK,
                           ch_cfg.concurrency == 1 ? &ch_lock : NULL);
        }
        from_wire(&rw, c->in.h.txid, &c->out.h);
        if (rw.chunk)
            memcpy(c->out.data, rdata, rw.chunk);
        if (sys_channel_write(c->ch, &c->out, (uint32_t)(sizeof(struct ch_hdr) + rw.chunk), NULL,
                              0) < 0)
            break;
    }
    c->done = 1;
}

static void ch_reap(unsigned i)
{
    struct ch_conn *c = ch_conns[i];
    sys_object_wait((uint64_t)c->thread);
    sys_handle_close((uint64_t)c->thread);
    sys_handle_close(c->ch);
    free(c->mem);
    free(c->st.buf);
    free(c);
    ch_conns[i] = NULL;
}

static void ch_listener(void *unused)
{
    (void)unused;
    for (;;) {
        uint64_t req[2], h = 0, actual;
        if (sys_channel_read(ch_listen, req, sizeof(req), &h, 1, &actual, CHANNEL_READ_WAIT) < 0)
            return;
        if (actual != (sizeof(req) | 1ULL << 32)) {
            if (h)
                sys_handle_close(h);
            continue;
        }
        unsigned i = CH_MAX_CONNS;
        for (unsigned k = 0; k < CH_MAX_CONNS; k++) {
            if (ch_conns[k] && ch_conns[k]->done)
                ch_reap(k);
            if (!ch_conns[k] && i == CH_MAX_CONNS)
                i = k;
        }
        uint64_t cap = req[1];
        struct ch_conn *c = NULL;
        if (i == CH_MAX_CONNS || cap == 0 || cap > TP_BUF_MAX ||
            (ch_cfg.buf_size && cap > ch_cfg.buf_size) || !(c = calloc(1, sizeof(*c))) ||
            !(c->st.buf = malloc(cap))) {
            if (c)
                free(c);
            sys_handle_close(h); /* the client's first call sees PEER_CLOSED */
            continue;
        }
        c->ch = h;
        c->st.cap = cap;
        c->st.client = ch_next_client++;
        c->thread = tp_start_thread(ch_conn_loop, c, ch_cfg.stack_size ? ch_cfg.stack_size : 16384,
                                    &c->mem);
        if (c->thread < 0) {
            free(c->st.buf);
            free(c);
            sys_handle_close(h);
            continue;
        }
        ch_conns[i] = c;
    }
}

int64_t tp_ch_serve(const struct tp_server_config *cfg, uint64_t *offer)
{
    if (ch_listen)
        return ERR_NO_RESOURCES;
    ch_cfg = *cfg;
    uint64_t pair[2];
    int64_t r = sys_channel_create(pair);
    if (r < 0)
        return r;
    ch_listen = pair[0];
    int64_t o = sys_handle_duplicate(pair[1], RIGHT_WRITE | RIGHT_DUPLICATE | RIGHT_TRANSFER);
    sys_handle_close(pair[1]);
    if (o < 0)
        return o;
    char *mem;
    r = tp_start_thread(ch_listener, NULL, 8192, &mem);
    if (r < 0)
        return r;
    *offer = (uint64_t)o;
    return 0;
}

/* ---- client ---- */

int64_t tp_ch_xfer(struct tp_conn *c, const struct tp_wire *w, const void *data, struct tp_wire *rw,
                   void *in, size_t room)
{
    struct ch_msg *out = c->scratch, *back = out + 1;
    from_wire(w, 0, &out->h);
    if (w->chunk)
        memcpy(out->data, data, w->chunk);
    struct channel_call_args a = {.wr_bytes = out,
                                  .wr_num_bytes = (uint32_t)(sizeof(struct ch_hdr) + w->chunk),
                                  .rd_bytes = back,
                                  .rd_num_bytes = sizeof(*back)};
    int64_t r = sys_channel_call(c->h, &a);
    if (r == 0) {
        to_wire(&back->h, rw);
        rw->op = 0;
        if (rw->chunk > room || rw->chunk > TP_CH_CHUNK)
            r = ERR_BAD_STATE;
        else
            memcpy(in, back->data, rw->chunk);
    }
    return r;
}

int64_t tp_ch_connect(uint64_t h, size_t cap, struct tp_conn *c)
{
    uint64_t pair[2];
    c->scratch = malloc(2 * sizeof(struct ch_msg)); /* the request and the reply, as sent */
    if (!c->scratch)
        return ERR_NO_MEMORY;
    int64_t r = sys_channel_create(pair);
    if (r < 0)
        return r;
    uint64_t req[2] = {0x636f6e6e656374 /* "connect" */, cap};
    r = sys_channel_write(h, req, sizeof(req), &pair[1], 1);
    if (r < 0) {
        sys_handle_close(pair[0]);
        sys_handle_close(pair[1]);
        return r;
    }
    c->kind = TP_CHANNEL;
    c->h = pair[0];
    return 0;
}
