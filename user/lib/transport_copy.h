/* Inside the copying transports: the message header both carry, and the server's staging. */
#ifndef TRANSPORT_COPY_H
#define TRANSPORT_COPY_H

#include <xpc/transport.h>

/* What one message carries besides its data chunk: the operation (or TP_OP_DATA/FETCH), the
 * arguments (results in a reply), the whole buffer's length, where this chunk goes, its length,
 * and the room the caller has for the reply. */
struct tp_wire {
    uint64_t op;
    int64_t status;
    uint64_t arg[TP_ARGS];
    uint64_t total, offset, chunk, cap;
};

/* A connection on the server: its staged buffer and the reply that FETCH reads from. */
struct tp_stage {
    char *buf;
    size_t cap;
    uint64_t client;
    size_t reply_len;
    int64_t status;
    uint64_t res[TP_ARGS];
};

/* Applies one request message to the stage; rw and rdata are the answer (data: rw->chunk bytes). */
void tp_stage_serve(const struct tp_server_config *cfg, struct tp_stage *st,
                    const struct tp_wire *w, const void *data, struct tp_wire *rw,
                    const void **rdata, size_t chunk_max, volatile int *lock);

/* One round trip: sends w and w->chunk bytes of data; the reply's header lands in *rw and its
 * chunk (at most room bytes) in in. 0 or a transport error. */
int64_t tp_ep_xfer(struct tp_conn *c, const struct tp_wire *w, const void *data, struct tp_wire *rw,
                   void *in, size_t room);
int64_t tp_ch_xfer(struct tp_conn *c, const struct tp_wire *w, const void *data, struct tp_wire *rw,
                   void *in, size_t room);
int64_t tp_ep_connect(uint64_t h, size_t cap, struct tp_conn *c);
int64_t tp_ch_connect(uint64_t h, size_t cap, struct tp_conn *c);

#endif
