/* -netdev user on libslirp: see user.h for the time rule. */
#define _POSIX_C_SOURCE 200809L
#include "net/user.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <slirp/libslirp.h>

#include "errmsg.h"

/* slirp's delayed-ACK timer (TIMEOUT_FAST in its source): when its poll timeout comes back this
 * short, a TCP timer is pending and must run in modeled time even if the guest sleeps. */
#define SLIRP_FAST_TIMEOUT_MS 2

struct user_timer {
    struct user_timer *next;
    SlirpTimerId id;
    void *cb_opaque;
    int64_t expire_ms; /* modeled; -1 when not armed */
};

struct net_user {
    Slirp *slirp;
    struct net_clock clock;
    struct net_peer guest;
    struct user_timer *timers;
    struct pollfd *fds;
    unsigned nfds, fds_cap;
};

static int64_t now_ns(const struct net_user *u)
{
    uint64_t c = *u->clock.cycle, hz = u->clock.core_hz;
    return (int64_t)((c / hz) * 1000000000ULL + (c % hz) * 1000000000ULL / hz);
}

static uint64_t ms_to_cycle(const struct net_user *u, int64_t ms)
{
    uint64_t hz = u->clock.core_hz;
    return (uint64_t)ms / 1000 * hz + (uint64_t)ms % 1000 * hz / 1000;
}

/* ---- slirp's callbacks ---- */

static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
    struct net_user *u = opaque;
    if (u->guest.send)
        u->guest.send(u->guest.opaque, buf, len);
    return (ssize_t)len;
}

static void guest_error(const char *msg, void *opaque)
{
    (void)msg, (void)opaque; /* QEMU shows these only with -d guest_errors */
}

static int64_t clock_get_ns(void *opaque)
{
    return now_ns(opaque);
}

static void *timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    struct net_user *u = opaque;
    struct user_timer *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    *t = (struct user_timer){.next = u->timers, .id = id, .cb_opaque = cb_opaque, .expire_ms = -1};
    u->timers = t;
    return t;
}

static void timer_free(void *timer, void *opaque)
{
    struct net_user *u = opaque;
    for (struct user_timer **p = &u->timers; *p; p = &(*p)->next)
        if (*p == timer) {
            *p = (*p)->next;
            free(timer);
            return;
        }
}

static void timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    ((struct user_timer *)timer)->expire_ms = expire_ms;
}

static void no_fd(int fd, void *opaque)
{
    (void)fd, (void)opaque; /* the fds are gathered afresh at every poll */
}

static void notify(void *opaque)
{
    (void)opaque; /* the machine polls slirp at every event anyway */
}

static const SlirpCb callbacks = {
    .send_packet = send_packet,
    .guest_error = guest_error,
    .clock_get_ns = clock_get_ns,
    .timer_free = timer_free,
    .timer_mod = timer_mod,
    .register_poll_fd = no_fd,
    .unregister_poll_fd = no_fd,
    .notify = notify,
    .timer_new_opaque = timer_new_opaque,
};

/* ---- polling ---- */

static short to_poll(int events)
{
    short e = 0;
    if (events & SLIRP_POLL_IN)
        e |= POLLIN;
    if (events & SLIRP_POLL_OUT)
        e |= POLLOUT;
    if (events & SLIRP_POLL_PRI)
        e |= POLLPRI;
    return e;
}

static int add_poll(int fd, int events, void *opaque)
{
    struct net_user *u = opaque;
    if (u->nfds == u->fds_cap) {
        unsigned cap = u->fds_cap ? 2 * u->fds_cap : 16;
        struct pollfd *p = realloc(u->fds, cap * sizeof *p);
        if (!p)
            return -1; /* slirp then skips this socket for now */
        u->fds = p;
        u->fds_cap = cap;
    }
    u->fds[u->nfds] = (struct pollfd){.fd = fd, .events = to_poll(events)};
    return (int)u->nfds++;
}

static int get_revents(int idx, void *opaque)
{
    struct net_user *u = opaque;
    if (idx < 0 || (unsigned)idx >= u->nfds)
        return 0;
    short r = u->fds[idx].revents;
    return (r & POLLIN ? SLIRP_POLL_IN : 0) | (r & POLLOUT ? SLIRP_POLL_OUT : 0) |
           (r & POLLPRI ? SLIRP_POLL_PRI : 0) | (r & POLLERR ? SLIRP_POLL_ERR : 0) |
           (r & POLLHUP ? SLIRP_POLL_HUP : 0);
}

uint64_t net_user_poll(struct net_user *u)
{
    uint32_t timeout = UINT32_MAX;
    u->nfds = 0;
    slirp_pollfds_fill(u->slirp, &timeout, add_poll, u);
    int r = u->nfds ? poll(u->fds, u->nfds, 0) : 0;
    if (r <= 0)
        for (unsigned i = 0; i < u->nfds; i++)
            u->fds[i].revents = 0;
    slirp_pollfds_poll(u->slirp, r < 0, get_revents, u);

    int64_t now_ms = now_ns(u) / 1000000;
    uint64_t next = UINT64_MAX;
    for (struct user_timer *t = u->timers; t; t = t->next) {
        if (t->expire_ms >= 0 && t->expire_ms <= now_ms) {
            t->expire_ms = -1;
            slirp_handle_timer(u->slirp, t->id, t->cb_opaque);
        }
    }
    for (struct user_timer *t = u->timers; t; t = t->next)
        if (t->expire_ms >= 0 && ms_to_cycle(u, t->expire_ms) < next)
            next = ms_to_cycle(u, t->expire_ms);
    if (timeout <= SLIRP_FAST_TIMEOUT_MS) {
        uint64_t fast = ms_to_cycle(u, now_ms + (int64_t)timeout);
        next = fast < next ? fast : next;
    }
    return next;
}

unsigned net_user_pollfds(struct net_user *u, struct pollfd *fds, unsigned max)
{
    uint32_t timeout = UINT32_MAX;
    u->nfds = 0;
    slirp_pollfds_fill(u->slirp, &timeout, add_poll, u);
    unsigned n = u->nfds < max ? u->nfds : max;
    memcpy(fds, u->fds, n * sizeof *fds);
    return n;
}

/* ---- frames from the guest ---- */

static void from_guest(void *opaque, const uint8_t *frame, size_t len)
{
    struct net_user *u = opaque;
    slirp_input(u->slirp, frame, (int)len);
}

struct net_peer net_user_as_peer(struct net_user *u)
{
    return (struct net_peer){.opaque = u, .send = from_guest};
}

void net_user_connect(struct net_user *u, struct net_peer guest)
{
    u->guest = guest;
}

struct net_user *net_user_open(const struct netdev_user *cfg, struct net_clock clock, char *err,
                               size_t errlen)
{
    struct net_user *u = calloc(1, sizeof *u);
    if (!u) {
        errmsg(err, errlen, "-netdev %s: out of memory", cfg->id);
        return NULL;
    }
    u->clock = clock;
    SlirpConfig sc = {
        .version = 4,
        .restricted = cfg->restricted,
        .in_enabled = true,
        .vnetwork = cfg->net,
        .vnetmask = cfg->mask,
        .vhost = cfg->host,
        .in6_enabled = cfg->ipv6,
        .vprefix_len = 64,
        .vhostname = cfg->hostname,
        .vdhcp_start = cfg->dhcp_start,
        .vnameserver = cfg->dns,
    };
    /* QEMU's IPv6 defaults: fec0::/64, the host at ::2, DNS at ::3. */
    inet_pton(AF_INET6, "fec0::", &sc.vprefix_addr6);
    inet_pton(AF_INET6, "fec0::2", &sc.vhost6);
    inet_pton(AF_INET6, "fec0::3", &sc.vnameserver6);
    u->slirp = slirp_new(&sc, &callbacks, u);
    if (!u->slirp) {
        free(u);
        errmsg(err, errlen, "-netdev %s: libslirp refused the configuration", cfg->id);
        return NULL;
    }
    for (unsigned i = 0; i < cfg->nfwd; i++) {
        const struct netdev_hostfwd *f = &cfg->fwd[i];
        errno = 0;
        if (slirp_add_hostfwd(u->slirp, f->udp, f->host_addr, f->host_port, f->guest_addr,
                              f->guest_port) < 0) {
            int e = errno;
            net_user_close(u);
            errmsg(err, errlen, "-netdev %s: could not set up host forwarding rule '%s': %s",
                   cfg->id, f->text, e ? strerror(e) : "refused");
            return NULL;
        }
    }
    return u;
}

void net_user_close(struct net_user *u)
{
    if (!u)
        return;
    slirp_cleanup(u->slirp);
    while (u->timers) {
        struct user_timer *t = u->timers;
        u->timers = t->next;
        free(t);
    }
    free(u->fds);
    free(u);
}
