/* The copying transports (docs/transports.md): the seL4-style endpoint and the Zircon-style
 * channel carry a call the same way, in chunks. A request whose buffer does not fit one message
 * goes as TP_OP_DATA chunks, each acknowledged, and a last message with the operation; the
 * server stages them in a buffer of the connection's size, runs the handler, and answers with
 * the status, the results and the first chunk of the reply; the client fetches the rest with
 * TP_OP_FETCH. Every byte is copied as those systems copy it: into the IPC buffer or message,
 * by the kernel to the other side, and out again. This file is the client side and the
 * server's staging; transport_ep.c and transport_ch.c move the messages. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/transport.h>
#include "transport_copy.h"

/* ---- server: staging ---- */

void tp_stage_serve(const struct tp_server_config *cfg, struct tp_stage *st,
                    const struct tp_wire *w, const void *data, struct tp_wire *rw,
                    const void **rdata, size_t chunk_max, volatile int *lock)
{
    memset(rw, 0, sizeof(*rw));
    *rdata = NULL;
    if (w->op == TP_OP_FETCH) {
        if (w->offset > st->reply_len) {
            rw->status = ERR_INVALID_ARGS;
            return;
        }
        rw->status = st->status;
        memcpy(rw->arg, st->res, sizeof(rw->arg));
        rw->total = st->reply_len;
        rw->offset = w->offset;
        rw->chunk = st->reply_len - w->offset < chunk_max ? st->reply_len - w->offset : chunk_max;
        *rdata = st->buf + w->offset;
        return;
    }
    if (w->op != TP_OP_DATA && w->op > TP_OP_MAX) {
        rw->status = ERR_INVALID_ARGS;
        return;
    }
    if (w->total > st->cap || w->cap > st->cap || w->total > w->cap) {
        rw->status = ERR_OUT_OF_RANGE;
        return;
    }
    if (w->chunk > chunk_max || w->offset > w->total || w->chunk > w->total - w->offset ||
        (w->op != TP_OP_DATA && w->offset + w->chunk != w->total)) {
        rw->status = ERR_INVALID_ARGS;
        return;
    }
    memcpy(st->buf + w->offset, data, w->chunk);
    if (w->op == TP_OP_DATA)
        return; /* acknowledged; the last chunk brings the operation */
    struct tp_req r = {.op = (uint32_t)w->op,
                       .buf = st->buf,
                       .len = w->total,
                       .cap = w->cap,
                       .client = st->client,
                       .ctx = cfg->ctx};
    memcpy(r.arg, w->arg, sizeof(r.arg));
    if (lock)
        tp_lock(lock);
    int64_t status = cfg->handler(&r);
    if (lock)
        tp_unlock(lock);
    if (r.len > r.cap) {
        status = ERR_BAD_STATE;
        r.len = 0;
    }
    st->status = status;
    st->reply_len = r.len;
    memcpy(st->res, r.res, sizeof(st->res));
    rw->status = status;
    memcpy(rw->arg, r.res, sizeof(rw->arg));
    rw->total = r.len;
    rw->chunk = r.len < chunk_max ? r.len : chunk_max;
    *rdata = st->buf;
}

/* ---- client ---- */

int64_t tp_copy_connect(uint64_t h, size_t cap, struct tp_conn *c)
{
    c->seg.va = malloc(cap);
    if (!c->seg.va)
        return ERR_NO_MEMORY;
    c->cap = cap;
    int64_t info = sys_handle_info(h);
    int64_t r = (info & 0xff) == OBJ_ENDPOINT ? tp_ep_connect(h, cap, c) : tp_ch_connect(h, cap, c);
    if (r < 0) {
        free(c->seg.va);
        free(c->scratch);
        c->seg.va = c->scratch = NULL;
    }
    return r;
}

void tp_copy_close(struct tp_conn *c)
{
    if (c->kind == TP_ENDPOINT) {
        struct tp_wire w = {.op = TP_OP_CLOSE}, rw;
        tp_ep_xfer(c, &w, NULL, &rw, NULL, 0);
    }
    sys_handle_close(c->h);
    free(c->seg.va);
    free(c->scratch);
}

int64_t tp_copy_call(struct tp_conn *c, struct tp_req *r)
{
    if (r->cap > c->cap)
        return ERR_OUT_OF_RANGE;
    if (r->cap && !tp_user_range(r->buf, r->cap))
        return ERR_FAULT;
    size_t chunk = c->kind == TP_ENDPOINT ? TP_EP_CHUNK : TP_CH_CHUNK;
    int64_t (*xfer)(struct tp_conn *, const struct tp_wire *, const void *, struct tp_wire *,
                    void *, size_t) = c->kind == TP_ENDPOINT ? tp_ep_xfer : tp_ch_xfer;
    char *buf = r->buf;
    struct tp_wire w, rw;
    size_t off = 0;
    for (;;) {
        size_t n = r->len - off < chunk ? r->len - off : chunk;
        bool last = off + n == r->len;
        w = (struct tp_wire){.op = last ? r->op : TP_OP_DATA,
                             .total = r->len,
                             .offset = off,
                             .chunk = n,
                             .cap = r->cap};
        memcpy(w.arg, r->arg, sizeof(w.arg));
        int64_t e = xfer(c, &w, buf + off, &rw, buf, r->cap);
        if (e < 0)
            return e;
        if (rw.status < 0 && !last)
            return rw.status;
        off += n;
        if (last)
            break;
    }
    if (rw.total > r->cap || rw.chunk > rw.total)
        return ERR_BAD_STATE;
    int64_t status = rw.status;
    memcpy(r->res, rw.arg, sizeof(r->res));
    size_t got = rw.chunk, total = rw.total;
    while (got < total) {
        w = (struct tp_wire){.op = TP_OP_FETCH, .offset = got};
        int64_t e = xfer(c, &w, NULL, &rw, buf + got, total - got);
        if (e < 0)
            return e;
        if (rw.chunk == 0 || rw.offset != got)
            return ERR_BAD_STATE;
        got += rw.chunk;
    }
    r->len = total;
    return status;
}
