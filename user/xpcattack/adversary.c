/* The randomized adversary: several peer processes offer entries; the adversary calls them
 * (plainly and with time limits), moves its call handles away and back through a channel,
 * drops CALL from them, binds, kills and restarts peers, and creates, attaches, swaps, masks,
 * detaches and closes relay segments, in a random order from a fixed seed. After every step:
 * the kernel's invariants hold (XPC_INFO_CHECK: one place per segment, cap bits only behind a
 * CALL handle, link pointers in their stacks, quotas), the thread is back at home, its active
 * segment is usable, and a call succeeded exactly when the adversary held a bound right. */
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>
#include "xpcattack.h"

#define PEERS 3
#define SLOTS (PEERS * 2) /* per peer: an echo entry and a spinning one */
#define SEGS  4

struct slot {
    uint64_t h; /* our call handle (0: none here) */
    int64_t id;
    bool bound; /* our bitmap has the bit: we bound a handle we still hold */
    unsigned gen;
};
struct peer {
    int64_t proc;
    uint64_t ch;
    unsigned gen;
};

static uint64_t rng;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void on_echo(struct xpc_msg *m)
{
    m->r[0] = 0;
    m->r[1]++;
}
static void on_spin(struct xpc_msg *m)
{
    (void)m;
    for (volatile int i = 0;; i++)
        ;
}

int adversary_peer_main(void)
{
    int64_t e = xpc_entry_create(on_echo, 4, 0, 0), s = xpc_entry_create(on_spin, 2, 0, 0);
    uint64_t rights = RIGHT_CALL | RIGHT_TRANSFER | RIGHT_DUPLICATE;
    uint64_t hs[2] = {(uint64_t)SYSCALL(SYS_XENTRY_GRANT, (uint64_t)e, rights, 0, 0, 0),
                      (uint64_t)SYSCALL(SYS_XENTRY_GRANT, (uint64_t)s, rights, 0, 0, 0)};
    if (sys_channel_write(xpc_bootstrap_handle, "e", 1, hs, 2) < 0)
        return 1;
    char tag[8];
    uint64_t actual;
    sys_channel_read(xpc_bootstrap_handle, tag, sizeof(tag), NULL, 0, &actual, CHANNEL_READ_WAIT);
    return 0;
}

static struct slot slots[SLOTS];
static struct peer peers[PEERS];

static int peer_start(unsigned k)
{
    uint64_t ch[2], hs[2], actual;
    char tag[4];
    if (sys_channel_create(ch) < 0)
        return -1;
    peers[k].ch = ch[0];
    peers[k].gen++;
    peers[k].proc = xpc_spawn("xpcattack", "advpeer", ch[1]);
    if (peers[k].proc < 0 ||
        sys_channel_read(ch[0], tag, sizeof(tag), hs, 2, &actual, CHANNEL_READ_WAIT) < 0)
        return -1;
    for (unsigned j = 0; j < 2; j++) {
        struct slot *s = &slots[k * 2 + j];
        s->h = hs[j];
        s->gen = peers[k].gen;
        s->id = xpc_bind(hs[j]);
        s->bound = s->id >= 0;
    }
    return 0;
}

static void peer_stop(unsigned k)
{
    sys_kill((uint64_t)peers[k].proc);
    sys_object_wait((uint64_t)peers[k].proc);
    sys_handle_close((uint64_t)peers[k].proc);
    sys_handle_close(peers[k].ch);
    for (unsigned j = 0; j < 2; j++) {
        struct slot *s = &slots[k * 2 + j];
        if (s->h)
            sys_handle_close(s->h);
        s->h = 0;
        s->bound = false;
    }
}

/* Handles away in the scratch channel, oldest first: which slot, of which peer generation. */
static struct {
    unsigned slot, gen;
} away[CHANNEL_MAX_QUEUED];
static unsigned away_head, away_n;

static int64_t step(uint64_t scratch[2], uint64_t segs[SEGS])
{
    uint64_t r = rnd(), a = rnd();
    unsigned i = (unsigned)(a % SLOTS);
    struct slot *s = &slots[i];
    bool spinning = i & 1, entitled = s->h && s->bound && s->gen == peers[i / 2].gen;
    struct xpc_msg m = {{0, a, 0, 0, 0, 0, 0}};
    switch (r % 10) {
    case 0:
    case 1: { /* a call: succeeds exactly when we hold a bound right (or the mask is bad) */
        int64_t v = spinning ? xpc_call_timeout((uint64_t)s->id, &m, 1000000 + a % 2000000)
                             : xpc_call((uint64_t)s->id, &m);
        int64_t ok = spinning ? ERR_TIMED_OUT : 0;
        if (entitled && v != ok && v != ERR_XPC_INVALID_SEGMASK)
            return 1;
        if (!entitled && (v == 0 || v == ERR_TIMED_OUT))
            return 2; /* a call without the right went through */
        break;
    }
    case 2: /* move the handle away */
        if (s->h && away_n < CHANNEL_MAX_QUEUED) {
            if (sys_channel_write(scratch[0], "h", 1, &s->h, 1) != 0)
                return 3;
            away[(away_head + away_n++) % CHANNEL_MAX_QUEUED].slot = i;
            away[(away_head + away_n - 1) % CHANNEL_MAX_QUEUED].gen = s->gen;
            s->h = 0;
            s->bound = false;
        }
        break;
    case 3: /* and back: held, but not bound until we bind it */
        if (away_n) {
            uint64_t h = 0, actual;
            char b[2];
            if (sys_channel_read(scratch[1], b, sizeof(b), &h, 1, &actual, 0) != 0)
                return 4;
            unsigned k = away[away_head].slot, gen = away[away_head].gen;
            away_head = (away_head + 1) % CHANNEL_MAX_QUEUED;
            away_n--;
            if (slots[k].h || gen != peers[k / 2].gen)
                sys_handle_close(h); /* a newer one is there, or the entry is gone */
            else
                slots[k].h = h;
        }
        break;
    case 4: /* bind */
        if (s->h) {
            int64_t id = xpc_bind(s->h);
            if (s->gen == peers[i / 2].gen && id != s->id)
                return 5;
            s->bound = id >= 0;
        }
        break;
    case 5: /* keep a copy without CALL, drop the original */
        if (s->h) {
            int64_t d = sys_handle_duplicate(s->h, RIGHT_TRANSFER);
            sys_handle_close(s->h);
            if (d > 0)
                sys_handle_close((uint64_t)d);
            s->h = 0;
            s->bound = false;
        }
        break;
    case 6: /* kill a peer and start another */
        if (a % 4 == 0) {
            peer_stop(i / 2);
            if (peer_start(i / 2) < 0)
                return 6;
        }
        break;
    case 7: { /* segments: create and attach, detach, or close (wherever it is) */
        unsigned k = (unsigned)(r >> 8) % SEGS;
        if (!segs[k]) {
            int64_t h = SYSCALL(SYS_RELAY_CREATE, 1 + a % 9000, 1 + (r >> 16) % 3, 0, 0, 0);
            segs[k] = h > 0 ? (uint64_t)h : 0;
            if (h > 0)
                SYSCALL(SYS_RELAY_ATTACH, segs[k], (r >> 24) % XPC_SEGLIST_SIZE, 0, 0, 0);
        } else if (a & 1) {
            SYSCALL(SYS_RELAY_DETACH, segs[k], 0, 0, 0, 0);
        } else {
            sys_handle_close(segs[k]);
            segs[k] = 0;
        }
        break;
    }
    case 8: xpc_seg_swap(a % (XPC_SEGLIST_SIZE + 2)); break;
    case 9: xpc_seg_mask(a & 0x1fff, (a >> 20) & 0x1fff); break;
    }
    if (xpc_check() != 0)
        return 7;
    if (sys_xpc_depth() != 0)
        return 8;
    size_t len;
    volatile uint8_t *p = xpc_seg_active(&len);
    uint64_t perm;
    __asm__ volatile("csrr %0, 0xCCA" : "=r"(perm)); /* useglen: length | permission */
    if (len && (perm & XPC_SEG_PERM_R))
        (void)p[rnd() % len]; /* the active segment is ours: never a fault, as it allows */
    if (len && (perm & XPC_SEG_PERM_W))
        p[rnd() % len] = (uint8_t)r;
    return 0;
}

int adversary_main(uint64_t steps, uint64_t seed)
{
    rng = seed * 2654435761ULL + 88172645463325252ULL;
    memset(slots, 0, sizeof(slots));
    away_head = away_n = 0;
    uint64_t scratch[2], segs[SEGS] = {0};
    if (sys_channel_create(scratch) < 0)
        return 100;
    for (unsigned k = 0; k < PEERS; k++)
        if (peer_start(k) < 0)
            return 101;
    int bad = 0;
    for (uint64_t n = 0; n < steps && !bad; n++) {
        bad = (int)step(scratch, segs);
        if (bad)
            printf("xpcattack: adversary step %lu (seed %lu): failure %d\n", (unsigned long)n,
                   (unsigned long)seed, bad);
    }
    xpc_seg_mask(0, 0);
    for (unsigned k = 0; k < SEGS; k++)
        if (segs[k])
            sys_handle_close(segs[k]);
    for (unsigned k = 0; k < PEERS; k++)
        peer_stop(k);
    sys_handle_close(scratch[0]);
    sys_handle_close(scratch[1]);
    return bad;
}
