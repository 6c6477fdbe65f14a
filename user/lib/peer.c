/* Peers (peer.h): the handshake over the bootstrap channel. */
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>
#include <xpc/peer.h>

int xpc_peer_start(struct xpc_peer *p, const char *program, const char *role, unsigned n)
{
    uint64_t ch[2];
    memset(p, 0, sizeof(*p));
    p->proc = -1;
    if (n == 0 || n > XPC_PEER_MAX || sys_channel_create(ch) < 0)
        return -1;
    p->ch = ch[0];
    p->proc = xpc_spawn(program, role, ch[1]);
    char tag[8];
    uint64_t actual;
    if (p->proc < 0 ||
        sys_channel_read(p->ch, tag, sizeof(tag), p->entry, n, &actual, CHANNEL_READ_WAIT) < 0 ||
        actual >> 32 != n)
        return -1;
    p->n = n;
    for (unsigned i = 0; i < n; i++)
        p->id[i] = xpc_bind(p->entry[i]);
    return 0;
}

int64_t xpc_peer_give(struct xpc_peer *p, uint64_t h)
{
    int64_t id = -1;
    uint64_t actual;
    if (sys_channel_write(p->ch, "bind", 4, &h, 1) < 0 ||
        sys_channel_read(p->ch, &id, sizeof(id), NULL, 0, &actual, CHANNEL_READ_WAIT) < 0)
        return ERR_PEER_CLOSED;
    for (unsigned i = 0; i < p->n; i++)
        if (p->entry[i] == h)
            p->entry[i] = 0; /* it moved */
    return id;
}

void xpc_peer_stop(struct xpc_peer *p)
{
    sys_channel_write(p->ch, "quit", 4, NULL, 0);
    if (p->proc > 0) {
        sys_object_wait((uint64_t)p->proc);
        sys_handle_close((uint64_t)p->proc);
    }
    sys_handle_close(p->ch);
    for (unsigned i = 0; i < p->n; i++)
        if (p->entry[i])
            sys_handle_close(p->entry[i]);
}

int xpc_peer_offer(const uint64_t *handles, unsigned n)
{
    return sys_channel_write(xpc_bootstrap_handle, "entries", 7, handles, n) < 0 ? -1 : 0;
}

int xpc_peer_serve(void (*on_bind)(int64_t id))
{
    for (;;) {
        char cmd[8];
        uint64_t h = 0, actual;
        int64_t r = sys_channel_read(xpc_bootstrap_handle, cmd, sizeof(cmd), &h, 1, &actual,
                                     CHANNEL_READ_WAIT);
        if (r < 0 || (actual == 4 && memcmp(cmd, "quit", 4) == 0))
            return 0;
        int64_t id = xpc_bind(h);
        if (on_bind)
            on_bind(id);
        sys_channel_write(xpc_bootstrap_handle, &id, sizeof(id), NULL, 0);
    }
}
