/* xpctest: the kernel's XPC and libxpc, end to end, under whatever runs the instructions (the
 * engine, or the kernel's emulation). argv[1] picks a role: none = the tests, reporting
 * {passed, failed} over the bootstrap channel as utest does; "server" = server.c;
 * "twothreads" = a caller whose second thread reaches for the first one's segment. */
#include <stdio.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>
#include <xpc/peer.h>
#include "xpctest.h"
#include "../tests/harness.h"

/* utest's harness: CHECK, CHECK_EQ and the two counters. */
unsigned long tests_passed, tests_failed;
uint64_t root_resource;

static int64_t call(int64_t id, uint64_t a1, uint64_t a2)
{
    struct xpc_msg m = {{0, a1, a2, 0, 0, 0, 0}};
    return xpc_call((uint64_t)id, &m);
}

/* ---- entries of this process ---- */

static int64_t self_id, busy_id;

static void on_recurse(struct xpc_msg *m)
{
    struct xpc_msg inner = {{0, m->r[1] + 1, 0, 0, 0, 0, 0}};
    int64_t r = xpc_call((uint64_t)self_id, &inner);
    if (r == 0) {
        *m = inner; /* the deepest level's answer comes back up */
    } else {
        m->r[0] = 0;
        m->r[1] = (uint64_t)sys_xpc_depth(); /* where it stopped, and why */
        m->r[2] = (uint64_t)r;
    }
}

static void on_busy(struct xpc_msg *m)
{
    struct xpc_msg inner = {{0}};
    m->r[1] = (uint64_t)xpc_call((uint64_t)busy_id, &inner); /* our only context is ours */
    m->r[0] = 0;
}

static void on_add(struct xpc_msg *m)
{
    m->r[0] = 0;
    m->r[1] = m->r[1] + m->r[2];
}

/* A bare entry that reports, in a1, whether any register but the message reached it. */
__asm__(".text\n.balign 4\n.globl leak_probe\nleak_probe:\n"
        "  or a1, ra, t0\n  or a1, a1, t1\n  or a1, a1, t2\n  or a1, a1, t3\n  or a1, a1, t4\n"
        "  or a1, a1, t5\n  or a1, a1, s0\n  or a1, a1, s1\n  or a1, a1, s2\n  or a1, a1, s3\n"
        "  or a1, a1, s4\n  or a1, a1, s5\n  or a1, a1, s6\n  or a1, a1, s7\n  or a1, a1, s8\n"
        "  or a1, a1, s9\n  or a1, a1, s10\n  or a1, a1, s11\n  li a0, 0\n"
        "  " XPC_ASM_XRET "\n  j .\n");
void leak_probe(void);

static void test_local(void)
{
    /* Only the message crosses: the caller's other registers are cleared by xpc_call. */
    int64_t hp = SYSCALL(SYS_XENTRY_CREATE, (uint64_t)leak_probe, 1, 0, 0, 0);
    struct xpc_msg lm = {{0, 0x1234, 0, 0, 0, 0, 0}};
    CHECK_EQ(xpc_call((uint64_t)xpc_bind((uint64_t)hp), &lm), 0);
    CHECK_EQ(lm.r[1], 0);
    sys_handle_close((uint64_t)hp);

    int64_t h = xpc_entry_create(on_add, 2, 0, 0);
    CHECK(h > 0);
    int64_t id = xpc_bind((uint64_t)h);
    CHECK(id >= 0);
    struct xpc_msg m = {{0, 40, 2, 0, 0, 0, 0}};
    CHECK_EQ(xpc_call((uint64_t)id, &m), 0);
    CHECK_EQ(m.r[1], 42);
    CHECK_EQ(sys_xpc_depth(), 0);

    /* Rights: binding needs CALL, handing CALL on needs GRANT. */
    int64_t nocall = SYSCALL(SYS_XENTRY_GRANT, (uint64_t)h, RIGHT_TRANSFER, 0, 0, 0);
    CHECK_EQ(xpc_bind((uint64_t)nocall), ERR_ACCESS_DENIED);
    int64_t nogrant = SYSCALL(SYS_XENTRY_GRANT, (uint64_t)h, RIGHT_CALL | RIGHT_DUPLICATE, 0, 0, 0);
    CHECK_EQ(sys_handle_duplicate((uint64_t)nogrant, RIGHT_CALL), ERR_ACCESS_DENIED);
    CHECK_EQ(SYSCALL(SYS_XENTRY_GRANT, (uint64_t)nogrant, RIGHT_CALL, 0, 0, 0), ERR_ACCESS_DENIED);
    CHECK_EQ(SYSCALL(SYS_XENTRY_GRANT, (uint64_t)h, RIGHT_MANAGE, 0, 0, 0), ERR_INVALID_ARGS);
    CHECK_EQ(SYSCALL(SYS_XENTRY_DESTROY, (uint64_t)nogrant, 0, 0, 0, 0), ERR_ACCESS_DENIED);
    CHECK_EQ(SYSCALL(SYS_XENTRY_CREATE, 0, 1, 0, 0, 0), ERR_INVALID_ARGS);
    CHECK_EQ(SYSCALL(SYS_XENTRY_CREATE, 0x10000, 0, 0, 0, 0), ERR_INVALID_ARGS);
    CHECK_EQ(SYSCALL(SYS_XENTRY_CREATE, 0x10000, XPC_MAX_CALLERS + 1, 0, 0, 0), ERR_INVALID_ARGS);
    sys_handle_close((uint64_t)nocall);
    sys_handle_close((uint64_t)nogrant);

    /* Bad and revoked IDs. */
    CHECK_EQ(call(XPC_MAX_XENTRIES + 5, 0, 0), ERR_XPC_INVALID_XENTRY);
    CHECK_EQ(call(-1 & 0x7fffffff, 0, 0), ERR_XPC_INVALID_XENTRY);
    CHECK_EQ(SYSCALL(SYS_XENTRY_DESTROY, (uint64_t)h, 0, 0, 0, 0), 0);
    CHECK_EQ(call(id, 1, 2), ERR_XPC_INVALID_CAP); /* the bit went with the entry */
    int64_t h2 = xpc_entry_create(on_add, 1, 0, 0);
    struct xentry_info info;
    CHECK_EQ(SYSCALL(SYS_XENTRY_INFO, (uint64_t)h2, (uint64_t)&info, 0, 0, 0), 0);
    CHECK_EQ(info.id, (uint64_t)id);               /* the ID is reused... */
    CHECK_EQ(call(id, 1, 2), ERR_XPC_INVALID_CAP); /* ...without the old right */
    sys_handle_close((uint64_t)h);
    sys_handle_close((uint64_t)h2);

    /* Closing the last call handle takes the right back. */
    int64_t h3 = xpc_entry_create(on_add, 1, 0, 0);
    int64_t c3 = xpc_grant_call((uint64_t)h3);
    int64_t id3 = xpc_bind((uint64_t)c3);
    CHECK_EQ(call(id3, 1, 1), 0);
    sys_handle_close((uint64_t)h3); /* still has CALL: h3 had every right */
    CHECK_EQ(call(id3, 1, 1), 0);
    sys_handle_close((uint64_t)c3);
    CHECK_EQ(call(id3, 1, 1), ERR_XPC_INVALID_CAP);

    /* A return with nothing to return to; swapping beyond the list. */
    register int64_t a0 __asm__("a0") = 7;
    __asm__ volatile(XPC_ASM_XRET : "+r"(a0)::"memory");
    CHECK_EQ(a0, ERR_XPC_INVALID_LINKAGE);
    CHECK_EQ(xpc_seg_swap(XPC_SEGLIST_SIZE), ERR_XPC_INVALID_SWAPSEG);
}

static void test_limits(void)
{
    /* Nesting until the link stack is full: the innermost call gets the overflow error. */
    int64_t h = xpc_entry_create(on_recurse, XPC_MAX_CALLERS, 0, 2048);
    self_id = xpc_bind((uint64_t)h);
    struct xpc_msg m = {{0, 0, 0, 0, 0, 0, 0}};
    CHECK_EQ(xpc_call((uint64_t)self_id, &m), 0);
    CHECK_EQ(m.r[1], XPC_LINK_DEPTH);
    CHECK_EQ(m.r[2], ERR_XPC_LINK_OVERFLOW);
    CHECK_EQ(sys_xpc_depth(), 0);
    sys_handle_close((uint64_t)h);

    /* One context, taken: the second caller is refused at once, not queued. */
    int64_t hb = xpc_entry_create(on_busy, 1, 0, 0);
    busy_id = xpc_bind((uint64_t)hb);
    struct xpc_msg b = {{0}};
    CHECK_EQ(xpc_call((uint64_t)busy_id, &b), 0);
    CHECK_EQ(b.r[1], ERR_XPC_BUSY);
    CHECK_EQ(xpc_call((uint64_t)busy_id, &b), 0); /* and the context came back */
    sys_handle_close((uint64_t)hb);
}

static void test_server(struct xpc_peer *s)
{
    struct xpc_msg m = {{0, 1, 2, 3, 4, 0, 0}};
    CHECK_EQ(xpc_call((uint64_t)s->id[S_ECHO], &m), 0);
    CHECK_EQ(m.r[1] + m.r[2] + m.r[3], 9);
    /* The handle lookup inside the call used the server's table, where the value is a VMO;
     * in ours it is not. */
    CHECK_EQ(m.r[5] & 0xff, OBJ_VMO);
    CHECK(sys_handle_info(m.r[4]) < 0 || (sys_handle_info(m.r[4]) & 0xff) != OBJ_VMO);
    uint64_t me = m.r[6];
    CHECK(me != 0);
    CHECK_EQ(xpc_call((uint64_t)s->id[S_ECHO], &m), 0);
    CHECK_EQ(m.r[6], me); /* the caller identity is stable */

    /* The callee sees its own memory at our addresses, never ours. */
    secret = 0xc0ffee;
    struct xpc_msg p = {{0, (uint64_t)&secret, 0, 0, 0, 0, 0}};
    CHECK_EQ(xpc_call((uint64_t)s->id[S_PEEK], &p), 0);
    CHECK_EQ(p.r[1], 0x5e7e7);
    CHECK_EQ(p.r[2], ERR_NOT_SUPPORTED); /* no IPC-buffer words from inside a callee */
    CHECK_EQ(p.r[3], ERR_NOT_SUPPORTED); /* and no receiving there */

    /* Timed calls: one that answers in time, one that never answers. */
    struct xpc_msg t = {{0, 5, 0, 0, 0, 0, 0}};
    CHECK_EQ(xpc_call_timeout((uint64_t)s->id[S_ECHO], &t, 1000000000ULL), 0);
    CHECK_EQ(t.r[1], 6);
    CHECK_EQ(sys_xpc_depth(), 0);
    CHECK_EQ(xpc_call_timeout((uint64_t)s->id[S_SPIN], &t, 20000000ULL), ERR_TIMED_OUT);
    CHECK_EQ(sys_xpc_depth(), 0);
    /* The abandoned call's context went back to S_SPIN's pool of one: the next one gets it. */
    CHECK_EQ(xpc_call_timeout((uint64_t)s->id[S_SPIN], &t, 20000000ULL), ERR_TIMED_OUT);
    struct xpc_msg q = {{0, 1, 0, 0, 0, 0, 0}};
    CHECK_EQ(xpc_call((uint64_t)s->id[S_SPIN], &q), 0);
    /* So does the context of a caller killed inside the call. */
    uint64_t ch[2];
    sys_channel_create(ch);
    uint64_t dup = (uint64_t)sys_handle_duplicate(s->entry[S_SPIN], RIGHT_CALL | RIGHT_TRANSFER);
    sys_channel_write(ch[0], "spin", 4, &dup, 1);
    int64_t child = xpc_spawn("xpctest", "spinner", ch[1]);
    sys_sleep_ns(20000000);
    CHECK_EQ(sys_kill((uint64_t)child), 0);
    CHECK_EQ(sys_object_wait((uint64_t)child), ERR_PEER_CLOSED);
    sys_handle_close((uint64_t)child);
    sys_handle_close(ch[0]);
    CHECK_EQ(xpc_call((uint64_t)s->id[S_SPIN], &q), 0);
    CHECK_EQ(call(s->id[S_ECHO], 1, 1), 0); /* the server is still there for others */
}

static void test_segments(struct xpc_peer *s)
{
    struct xpc_seg seg;
    CHECK_EQ(xpc_seg_alloc(8192, MAP_READ | MAP_WRITE, 0, &seg), 0);
    CHECK((uint64_t)seg.va >= RELAY_WINDOW_BASE && (uint64_t)seg.va < RELAY_WINDOW_LIMIT);
    CHECK_EQ(SYSCALL(SYS_RELAY_ATTACH, seg.handle, 1, 0, 0, 0), ERR_BAD_STATE); /* one place */
    CHECK_EQ(xpc_seg_swap(0), 0);
    size_t len;
    CHECK_EQ((uint64_t)xpc_seg_active(&len), (uint64_t)seg.va);
    CHECK_EQ(len, 8192);
    uint8_t *p = seg.va;
    uint64_t sum = 0;
    for (int i = 0; i < 8192; i++) {
        p[i] = (uint8_t)(i * 7);
        sum += p[i];
    }
    struct xpc_msg m = {{0}};
    CHECK_EQ(xpc_call((uint64_t)s->id[S_SEG], &m), 0);
    CHECK_EQ(m.r[1], sum);
    CHECK_EQ(m.r[2], 8192);
    CHECK_EQ(p[100], (uint8_t)(100 * 7 + 1)); /* the callee's writes, in place, no copy */

    /* A mask hands over a window of it; the rest stays out of reach. */
    xpc_seg_mask(4096, 1024);
    CHECK_EQ(xpc_call((uint64_t)s->id[S_SEG], &m), 0);
    CHECK_EQ(m.r[2], 1024);
    CHECK_EQ(m.r[3], (uint64_t)seg.va + 4096);
    CHECK_EQ(p[100], (uint8_t)(100 * 7 + 1));
    CHECK_EQ(p[4096], (uint8_t)(4096 * 7 + 2));
    CHECK_EQ(p[5120], (uint8_t)(5120 * 7 + 1));
    CHECK_EQ((uint64_t)xpc_seg_active(&len), (uint64_t)seg.va); /* the whole one came back */
    CHECK_EQ(len, 8192);
    xpc_seg_mask(8000, 1024); /* past the end */
    CHECK_EQ(xpc_call((uint64_t)s->id[S_SEG], &m), ERR_XPC_INVALID_SEGMASK);
    xpc_seg_mask(0, 0);

    /* Chain sizing: what a caller needs for the server's declared chain. */
    CHECK_EQ(xpc_chain_size(s->entry[S_SEG], 100), 100);
    CHECK_EQ(xpc_chain_size(s->entry[S_FORWARD], 100), 4196); /* what the forwarder may add */
    CHECK_EQ(xpc_chain_size(s->entry[S_FORWARD], RELAY_MAX_SIZE), ERR_OUT_OF_RANGE);
    CHECK_EQ(xpc_seg_free(&seg), 0);
    CHECK_EQ(xpc_seg_active(&len) != 0 || len != 0, 0);
    CHECK_EQ(SYSCALL(SYS_RELAY_CREATE, 0, MAP_READ, 0, 0, 0), ERR_INVALID_ARGS);
    CHECK_EQ(SYSCALL(SYS_RELAY_CREATE, RELAY_MAX_SIZE + 1, MAP_READ, 0, 0, 0), ERR_INVALID_ARGS);
}

/* The callee dies under the caller: the caller gets an error, and its segment back. */
static void test_crash(void)
{
    struct xpc_peer v;
    CHECK_EQ(xpc_peer_start(&v, "xpctest", "server", SERVER_ENTRIES), 0);
    struct xpc_seg seg;
    CHECK_EQ(xpc_seg_alloc(4096, MAP_READ | MAP_WRITE, 0, &seg), 0);
    CHECK_EQ(xpc_seg_swap(0), 0);
    ((uint64_t *)seg.va)[0] = 77;
    CHECK_EQ(call(v.id[S_CRASH], 0, 0), ERR_PEER_CLOSED);
    size_t len;
    CHECK_EQ((uint64_t)xpc_seg_active(&len), (uint64_t)seg.va);
    CHECK_EQ(((uint64_t *)seg.va)[0], 77);
    CHECK_EQ(sys_object_wait((uint64_t)v.proc), -1000 - 15); /* store page fault */
    CHECK_EQ(call(v.id[S_ECHO], 0, 0), ERR_XPC_INVALID_CAP); /* its entries went with it */
    xpc_peer_stop(&v);

    /* Returning with another segment than it was given: the callee's xret is refused. */
    CHECK_EQ(xpc_peer_start(&v, "xpctest", "server", SERVER_ENTRIES), 0);
    CHECK_EQ(call(v.id[S_BADRET], 0, 0), ERR_PEER_CLOSED);
    CHECK_EQ(sys_object_wait((uint64_t)v.proc), ERR_XPC_SEG_MISMATCH);
    CHECK_EQ((uint64_t)xpc_seg_active(&len), (uint64_t)seg.va);
    CHECK_EQ(xpc_seg_free(&seg), 0);
    xpc_peer_stop(&v);
}

struct killer {
    int64_t proc;
    uint64_t delay;
};
static void kill_later(void *arg)
{
    struct killer *k = arg;
    sys_sleep_ns(k->delay);
    sys_kill((uint64_t)k->proc);
}

/* A chain A -> B -> C where B dies while C works: C finishes, and A (not C) gets the error. */
static void test_chain_death(void)
{
    struct xpc_peer b, c;
    CHECK_EQ(xpc_peer_start(&b, "xpctest", "server", SERVER_ENTRIES), 0);
    CHECK_EQ(xpc_peer_start(&c, "xpctest", "server", SERVER_ENTRIES), 0);
    CHECK(xpc_peer_give(&b, c.entry[S_SLEEP]) >= 0);
    c.entry[S_SLEEP] = 0; /* moved */
    struct xpc_msg m = {{0, 30000000, 0, 0, 0, 0, 0}};
    CHECK_EQ(xpc_call((uint64_t)b.id[S_FORWARD], &m), 0); /* the chain works... */
    CHECK_EQ(m.r[1], 42);
    static struct killer k;
    k = (struct killer){b.proc, 20000000};
    int64_t th = xpc_thread_start(kill_later, &k, 4096, DEFAULT_PRIORITY);
    m = (struct xpc_msg){{0, 100000000, 0, 0, 0, 0, 0}};
    CHECK_EQ(xpc_call((uint64_t)b.id[S_FORWARD], &m), ERR_PEER_CLOSED); /* ...until B dies */
    CHECK_EQ(sys_xpc_depth(), 0);
    sys_object_wait((uint64_t)th);
    sys_handle_close((uint64_t)th);
    CHECK_EQ(call(c.id[S_ECHO], 1, 1), 0); /* C's other callers never noticed */
    xpc_peer_stop(&b);
    xpc_peer_stop(&c);
}

/* While a call holds the segment, another thread of the caller cannot touch it: the child's
 * second thread faults and the child is killed. */
static void test_second_thread(void)
{
    struct xpc_peer s;
    CHECK_EQ(xpc_peer_start(&s, "xpctest", "server", SERVER_ENTRIES), 0);
    uint64_t ch[2];
    sys_channel_create(ch);
    uint64_t h = s.entry[S_SLEEP];
    sys_channel_write(ch[0], "sleep", 5, &h, 1);
    s.entry[S_SLEEP] = 0;
    int64_t child = xpc_spawn("xpctest", "twothreads", ch[1]);
    CHECK(child > 0);
    CHECK_EQ(sys_object_wait((uint64_t)child), -1000 - 13); /* load page fault */
    sys_handle_close((uint64_t)child);
    sys_handle_close(ch[0]);
    xpc_peer_stop(&s);
}

static volatile uint64_t *shared_va;
static void toucher(void *arg)
{
    (void)arg;
    sys_sleep_ns(10000000);
    (void)*shared_va; /* the first thread's segment, lent to the server right now */
    sys_exit(1);      /* not reached */
}

int twothreads_main(void)
{
    char tag[8];
    uint64_t h, actual;
    if (sys_channel_read(xpc_bootstrap_handle, tag, sizeof(tag), &h, 1, &actual,
                         CHANNEL_READ_WAIT) < 0)
        return 2;
    int64_t id = xpc_bind(h);
    struct xpc_seg seg;
    if (id < 0 || xpc_seg_alloc(4096, MAP_READ | MAP_WRITE, 0, &seg) < 0 || xpc_seg_swap(0) < 0)
        return 3;
    shared_va = seg.va;
    xpc_thread_start(toucher, NULL, 4096, DEFAULT_PRIORITY);
    struct xpc_msg m = {{0, 200000000, 0, 0, 0, 0, 0}};
    xpc_call((uint64_t)id, &m);
    return 4; /* not reached: the toucher's fault ended the process */
}

/* Random XPC instructions and XPC system calls from a child with entries of its own: whatever
 * the operands, each gives a result or a documented error, and the kernel stays whole. */
static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int fuzz_main(void)
{
    int64_t h = xpc_entry_create(on_add, 2, 0, 0);
    int64_t id = xpc_bind((uint64_t)h);
    uint64_t segs[8] = {0};
    int bad = 0;
    for (int i = 0; i < 4000; i++) {
        uint64_t r = rnd(), a = rnd();
        int64_t v = 0;
        switch (r % 9) {
        case 0: v = call((int64_t)(a % 3 ? (uint64_t)id : a % 1100), a, r); break;
        case 1: v = xpc_seg_swap(a % 20); break;
        case 2: {
            register int64_t a0 __asm__("a0") = 0;
            __asm__ volatile(XPC_ASM_XRET : "+r"(a0)::"memory");
            v = a0 == ERR_XPC_INVALID_LINKAGE ? 0 : -1000;
            break;
        }
        case 3: xpc_seg_mask(a & 0x3fff, (a >> 32) & 0x3fff); break;
        case 4: {
            int64_t sh = SYSCALL(SYS_RELAY_CREATE, a % 20000, 1 + r % 3, 0, 0, 0);
            if (sh > 0 && segs[a % 8] == 0)
                segs[a % 8] = (uint64_t)sh;
            else if (sh > 0)
                sys_handle_close((uint64_t)sh);
            break;
        }
        case 5: v = SYSCALL(SYS_RELAY_ATTACH, segs[a % 8], r % 18, 0, 0, 0); break;
        case 6: v = SYSCALL(SYS_RELAY_DETACH, segs[a % 8], 0, 0, 0, 0); break;
        case 7:
            if (segs[a % 8]) {
                sys_handle_close(segs[a % 8]); /* wherever it is, it is scrubbed */
                segs[a % 8] = 0;
            }
            break;
        case 8: {
            struct xpc_msg m = {{r, a}};
            v = xpc_call_timeout(a % 2 ? (uint64_t)id : a % 1100, &m, 1 + r % 1000000);
            break;
        }
        }
        size_t len;
        volatile uint8_t *p = xpc_seg_active(&len);
        if (len && (rnd() & 1))
            p[rnd() % len] = (uint8_t)i; /* our active segment is ours to use */
        if (v < ERR_XPC_BUSY)            /* every error of these calls is between -1 and -31 */
            bad++;
        if (sys_xpc_depth() != 0)
            bad++;
    }
    xpc_seg_mask(0, 0);
    for (int i = 0; i < 8; i++)
        if (segs[i])
            sys_handle_close(segs[i]);
    sys_handle_close((uint64_t)h);
    return bad ? 10 : 0;
}

/* Calls S_SPIN (handle from the bootstrap channel) and never comes back: its parent kills it. */
static int spinner_main(void)
{
    char tag[8];
    uint64_t h, actual;
    if (sys_channel_read(xpc_bootstrap_handle, tag, sizeof(tag), &h, 1, &actual,
                         CHANNEL_READ_WAIT) < 0)
        return 2;
    struct xpc_msg m = {{0}};
    xpc_call((uint64_t)xpc_bind(h), &m);
    return 3;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "server") == 0)
        return server_main();
    if (argc > 1 && strcmp(argv[1], "twothreads") == 0)
        return twothreads_main();
    if (argc > 1 && strcmp(argv[1], "fuzz") == 0)
        return fuzz_main();
    if (argc > 1 && strcmp(argv[1], "spinner") == 0)
        return spinner_main();
    int64_t mode = SYSCALL(SYS_XPC_INFO, XPC_INFO_MODE, 0, 0, 0, 0);
    printf("xpctest: XPC %s\n", mode == XPC_MODE_ENGINE ? "engine" : "emulated by the kernel");
    struct kstats before, after;
    sys_kstats(&before);
    struct xpc_peer s;
    if (xpc_peer_start(&s, "xpctest", "server", SERVER_ENTRIES) < 0) {
        printf("xpctest: cannot start the server\n");
        tests_failed++;
    } else {
        test_local();
        test_limits();
        test_server(&s);
        test_segments(&s);
        test_crash();
        test_chain_death();
        test_second_thread();
        int64_t fz = xpc_spawn("xpctest", "fuzz", 0);
        CHECK_EQ(sys_object_wait((uint64_t)fz), 0);
        sys_handle_close((uint64_t)fz);
        xpc_peer_stop(&s);
    }
    sys_kstats(&after);
    for (int t = OBJ_VMO; t < OBJ_TYPE_COUNT; t++)
        CHECK_EQ(after.objects[t], before.objects[t]);
    CHECK_EQ(after.objects[OBJ_PROCESS], before.objects[OBJ_PROCESS]);
    CHECK_EQ(after.handles, before.handles);
    printf("xpctest: %lu passed, %lu failed\n", tests_passed, tests_failed);
    uint64_t counts[2] = {tests_passed, tests_failed};
    sys_channel_write(xpc_bootstrap_handle, counts, sizeof(counts), NULL, 0);
    return tests_failed != 0;
}
