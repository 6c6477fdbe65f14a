/* Peers: a process from the boot image that offers x-entries to the one that started it. Its
 * bootstrap handle is a channel; it sends call handles for its entries over it, then binds
 * whatever call handle it is sent (so it can call on, as a chain does) until told to quit.
 * The tests and benchmarks start their XPC servers this way. */
#ifndef XPC_PEER_H
#define XPC_PEER_H

#include <stdint.h>

#define XPC_PEER_MAX 8 /* entries one peer offers: one channel message of handles */

struct xpc_peer {
    int64_t proc;
    uint64_t ch;
    unsigned n;
    uint64_t entry[XPC_PEER_MAX]; /* call handles (0 once moved away with xpc_peer_give) */
    int64_t id[XPC_PEER_MAX];     /* the same, bound in the starting process */
};

/* Starter side. start: spawn `program role`, receive n call handles and bind them. */
int xpc_peer_start(struct xpc_peer *p, const char *program, const char *role, unsigned n);
/* Moves call handle h into the peer, which binds it; returns the ID there (or an error). */
int64_t xpc_peer_give(struct xpc_peer *p, uint64_t h);
void xpc_peer_stop(struct xpc_peer *p);

/* Peer side. offer: send the handles; serve: bind what arrives, calling on_bind with each ID;
 * returns when told to quit or when the starter goes away. */
int xpc_peer_offer(const uint64_t *handles, unsigned n);
int xpc_peer_serve(void (*on_bind)(int64_t id));

#endif
