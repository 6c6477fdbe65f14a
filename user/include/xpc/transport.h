/* Transports: one protocol, any IPC (docs/transports.md).
 *
 * A protocol is a set of operations, each with up to TP_ARGS words of arguments, TP_ARGS words of
 * results, a status and a data buffer. A server registers one handler and serves it over one of
 * three transports, chosen at boot (e.g. `fs=xpc` in the kernel's boot arguments):
 *
 *   TP_XPC       arguments in registers, the buffer in the caller's relay segment, never copied;
 *                a server hands a part of it (seg-mask) to the next server down a chain
 *   TP_ENDPOINT  seL4-style call/reply_recv: arguments in register words, the buffer copied in
 *                IPC-buffer chunks of TP_EP_CHUNK bytes
 *   TP_CHANNEL   Zircon-style channel: the buffer copied in messages of TP_CH_CHUNK bytes
 *
 * The server and client binaries are the same for all three. */
#ifndef XPC_TRANSPORT_H
#define XPC_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xpc/xpc.h>

#define TP_ARGS        4
#define TP_BUF_DEFAULT (64u << 10) /* a connection's buffer unless the client asks otherwise */
#define TP_BUF_MAX     (1u << 20)  /* the largest buffer one call can carry */
#define TP_EP_CHUNK    3904        /* 488 IPC-buffer words after an 8-word header */
#define TP_CH_CHUNK    4032        /* a 4096-byte channel message less its 64-byte header */
#define TP_OP_MAX      0xffffu     /* protocol operations are 0..TP_OP_MAX; above: the library's */

enum tp_kind { TP_NONE = 0, TP_XPC = 1, TP_ENDPOINT = 2, TP_CHANNEL = 3 };

/* One call as the handler sees it (and as a client fills it for tp_call). */
struct tp_req {
    uint32_t op;
    uint64_t arg[TP_ARGS]; /* in */
    uint64_t res[TP_ARGS]; /* out */
    void *buf;             /* the data: len bytes in, the reply's len bytes out, in place */
    size_t len;            /* in: request bytes; out: reply bytes (<= cap) */
    size_t cap;            /* bytes buf can hold: the most a reply may have */
    uint64_t client;       /* server side: the caller, stable for its connection (never 0) */
    void *ctx;             /* server side: tp_server_config.ctx */
};

/* Returns the call's status: >= 0 or a negative ERR_* (the client's tp_call returns it); it
 * must fit 32 bits signed (the endpoint carries it in the message label). */
typedef int64_t (*tp_handler_t)(struct tp_req *r);

struct tp_server_config {
    tp_handler_t handler;
    void *ctx;
    uint32_t concurrency; /* handlers that may run at once: XPC contexts; 1 = one at a time */
    uint64_t chain_bytes; /* XPC: what the server (and its own servers) may add to a buffer */
    size_t buf_size;      /* copying transports: the largest buffer staged per connection */
    size_t stack_size;    /* per handler context/thread (default 16 KiB) */
};

/* ---- server ---- */
/* Announces the service to the starter over the bootstrap channel, then serves until the
 * starter stops it (or goes away); returns 0 then, or an error if it could not start. */
int64_t tp_serve(enum tp_kind kind, const struct tp_server_config *cfg);
/* Before tp_serve: takes up to n handles the starter sent with tp_service_start (the services
 * this server is a client of); returns how many. */
int64_t tp_receive_handles(uint64_t *handles, unsigned n);

/* ---- starter (init, tests) ---- */
struct tp_service {
    enum tp_kind kind;
    uint64_t handle; /* what clients connect with (tp_service_share makes more) */
    int64_t proc;    /* the server process */
    uint64_t ch;     /* our end of its bootstrap channel */
};
/* Spawns `program args`, hands it `handles` (moved; n <= 8) and waits for its announcement. */
int64_t tp_service_start(const char *program, const char *args, const uint64_t *handles, unsigned n,
                         struct tp_service *s);
/* Stops the server and waits for it; closes the service handle. */
void tp_service_stop(struct tp_service *s);
/* A new handle to the same service, to give to another process (transferable, shareable). */
int64_t tp_service_share(uint64_t service_handle);

/* ---- client ---- */
struct tp_conn {
    enum tp_kind kind;
    uint64_t h; /* XPC: call handle; endpoint: badged endpoint; channel: our end */
    int64_t id; /* XPC: the bound x-entry ID */
    struct xpc_seg seg;
    uint32_t slot; /* XPC: the seg-list slot the segment rests in */
    bool active;   /* XPC: tp_buffer made the segment the thread's active one */
    size_t cap;    /* the connection's buffer size (seg.va: the segment, or a local copy) */
    void *scratch; /* channel: the message being sent and the one received */
};
/* Opens a connection to the service a handle names (the transport follows from its type);
 * buf_size 0 means TP_BUF_DEFAULT. The handle stays the caller's. */
int64_t tp_connect(uint64_t service_handle, size_t buf_size, struct tp_conn *c);
/* Calls r->op with r->arg and the r->len bytes at r->buf (room for r->cap); on return r->res,
 * r->len and the bytes at r->buf hold the reply. Returns the handler's status or a transport
 * error: ERR_FAULT (buf is not the caller's memory), ERR_OUT_OF_RANGE (cap beyond the
 * connection's buffer), ERR_INVALID_ARGS (len > cap, op > TP_OP_MAX), ERR_PEER_CLOSED. With XPC a
 * buf inside the active relay segment is handed over in place (masked to [buf, buf+cap)). */
int64_t tp_call(struct tp_conn *c, struct tp_req *r);
/* The connection's own buffer (cap bytes). With XPC it is the relay segment, made the thread's
 * active segment: data written here is never copied. One connection per thread at a time. */
void *tp_buffer(struct tp_conn *c);
void tp_close(struct tp_conn *c);
/* Whether [p, p+n) is mapped in this process (with write access if `write`): 0 or ERR_FAULT. */
int64_t tp_check_buffer(const void *p, size_t n, int write);

/* ---- boot arguments ---- */
/* "xpc", "endpoint", "channel" -> the kind; anything else TP_NONE. */
enum tp_kind tp_kind_parse(const char *s);
const char *tp_kind_name(enum tp_kind k);
/* The value of `key=...` among argv (e.g. "fs"), or dflt. */
enum tp_kind tp_kind_from_args(int argc, char **argv, const char *key, enum tp_kind dflt);

/* ---- internal (transport_*.c) ---- */
#define TP_OP_CONNECT 0x10000u
#define TP_OP_DATA    0x10001u /* a request chunk that is not the last */
#define TP_OP_FETCH   0x10002u /* the next reply chunk */
#define TP_OP_CLOSE   0x10003u
int64_t tp_xpc_serve(const struct tp_server_config *cfg, uint64_t *offer);
int64_t tp_ep_serve(const struct tp_server_config *cfg, uint64_t *offer);
int64_t tp_ch_serve(const struct tp_server_config *cfg, uint64_t *offer);
int64_t tp_xpc_connect(uint64_t h, size_t cap, struct tp_conn *c);
int64_t tp_xpc_call(struct tp_conn *c, struct tp_req *r);
int64_t tp_copy_connect(uint64_t h, size_t cap, struct tp_conn *c);
int64_t tp_copy_call(struct tp_conn *c, struct tp_req *r);
void tp_copy_close(struct tp_conn *c);
void tp_xpc_close(struct tp_conn *c);
void *tp_xpc_buffer(struct tp_conn *c);
bool tp_user_range(const void *p, size_t n);
void tp_lock(volatile int *l);
void tp_unlock(volatile int *l);
int64_t tp_start_thread(void (*fn)(void *), void *arg, size_t stack, char **mem);

#endif
