/* xpcbench: the XPC halves of experiments E1, E3, E4 and E5 (docs/experiments.md), measured the
 * way user/bench measures the baselines: rdcycle in U-mode, server in another process, hot
 * cache, WARMUP rounds dropped, then SAMPLES kept; a human table and RESULT lines
 *   RESULT <exp> <series> <x> <mean> <stddev>
 *
 * Two levels are measured:
 *   the engine: a bare entry (three instructions, no stack) that stamps the time and returns,
 *     so one-way call = caller before xcall -> callee's first instruction, one-way return =
 *     callee before xret -> caller after it, as sel4bench splits call and reply;
 *   libxpc: xpc_call() into a C handler through the trampoline (context, stack, TLS).
 * argv[1] picks the role: none = the benchmark; "server" = the entries; "chain" = one link of
 * the E5 chain. */
#include <stdio.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>
#include <xpc/peer.h>
#include <xpc/benchstat.h>

#define WARMUP      16
#define SAMPLES     128
#define CHAIN_MAX   8
#define CHAIN_BYTES 4096

/* The bare entry: a1 = time at entry, a2 = time before xret. Clobbers nothing else. */
__asm__(".text\n.balign 4\n.globl bare_entry\nbare_entry:\n"
        "  rdcycle a1\n"
        "  rdcycle a2\n"
        "  " XPC_ASM_XRET "\n"
        "  j .\n");
void bare_entry(void);

/* A table row and its RESULT line. */
static void report(const char *exp, const char *series, uint64_t x, struct stats s,
                   const char *what)
{
    printf("  %-48s %10lu %10lu\n", what, (unsigned long)s.mean, (unsigned long)s.stddev);
    result(exp, series, x, s);
}

/* ---- server roles ---- */

enum { E_BARE, E_NULL, E_STAMP, E_TOUCH, SERVER_ENTRIES };

static void on_null(struct xpc_msg *m)
{
    m->r[0] = 0;
}

static void on_stamp(struct xpc_msg *m)
{
    m->r[1] = rdcycle();
    m->r[0] = 0;
    m->r[2] = rdcycle();
}

/* Reads the message's first and last word where it lies: the relay segment. */
static void on_touch(struct xpc_msg *m)
{
    size_t len;
    volatile uint64_t *p = xpc_seg_active(&len);
    m->r[1] = len >= 8 ? p[0] + p[len / 8 - 1] : 0;
    m->r[0] = 0;
}

static int64_t next_id = -1;

/* E5: hand the whole segment on while hops remain, touching the message on the way. */
static void on_forward(struct xpc_msg *m)
{
    size_t len;
    volatile uint64_t *p = xpc_seg_active(&len);
    if (len >= 8)
        p[0]++;
    if (m->r[1] > 1 && next_id >= 0) {
        m->r[1]--;
        int64_t r = xpc_call((uint64_t)next_id, m);
        m->r[0] = (uint64_t)r;
        return;
    }
    m->r[0] = 0;
}

static void set_next(int64_t id)
{
    next_id = id;
}

static int serve(int chain)
{
    uint64_t handles[SERVER_ENTRIES];
    int n = chain ? 1 : SERVER_ENTRIES;
    for (int i = 0; i < n; i++) {
        int64_t h;
        if (chain)
            h = xpc_entry_create(on_forward, 2, 0, 0);
        else if (i == E_BARE)
            h = SYSCALL(SYS_XENTRY_CREATE, (uint64_t)bare_entry, 1, 0, 0, 0);
        else
            h = xpc_entry_create(i == E_NULL    ? on_null
                                 : i == E_STAMP ? on_stamp
                                                : on_touch,
                                 2, 0, 0);
        int64_t g = h > 0 ? xpc_grant_call((uint64_t)h) : h;
        if (g < 0)
            return 1;
        handles[i] = (uint64_t)g;
    }
    if (xpc_peer_offer(handles, (unsigned)n) < 0)
        return 1;
    return xpc_peer_serve(set_next);
}

/* ---- measurements ---- */

static void bare(uint64_t id, uint64_t *call, uint64_t *ret, uint64_t *round)
{
    register uint64_t a0 __asm__("a0") = id;
    register uint64_t a1 __asm__("a1");
    register uint64_t a2 __asm__("a2");
    uint64_t t0, t3;
    __asm__ volatile("rdcycle %[t0]\n\t" XPC_ASM_XCALL("a0") "\n\trdcycle %[t3]"
                     : [t0] "=&r"(t0), [t3] "=&r"(t3), "=r"(a1), "=r"(a2), "+r"(a0)
                     :
                     : "memory");
    *call = a1 - t0;
    *ret = t3 - a2;
    *round = t3 - t0;
}

static void e1(struct xpc_peer *s)
{
    static uint64_t c[SAMPLES], r[SAMPLES], rt[SAMPLES];
    uint64_t id = (uint64_t)s->id[E_BARE];
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        uint64_t a, b, d;
        bare(id, &a, &b, &d);
        if (i >= WARMUP) {
            c[i - WARMUP] = a;
            r[i - WARMUP] = b;
            rt[i - WARMUP] = d;
        }
    }
    printf("\nE1: XPC one-way call and return, server in another process\n");
    printf("  %-48s %10s %10s\n", "operation", "mean", "stddev");
    report("E1", "xpc_call", 0, summarize(c, SAMPLES), "engine: xcall to the entry");
    report("E1", "xpc_ret", 0, summarize(r, SAMPLES), "engine: xret back to the caller");
    report("E1", "xpc_roundtrip", 0, summarize(rt, SAMPLES), "engine: round trip");
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        struct xpc_msg m = {{0}};
        uint64_t t0 = rdcycle();
        xpc_call((uint64_t)s->id[E_STAMP], &m);
        uint64_t t3 = rdcycle();
        if (i >= WARMUP) {
            c[i - WARMUP] = m.r[1] - t0;
            r[i - WARMUP] = t3 - m.r[2];
        }
        struct xpc_msg n = {{0}};
        t0 = rdcycle();
        xpc_call((uint64_t)s->id[E_NULL], &n);
        t3 = rdcycle();
        if (i >= WARMUP)
            rt[i - WARMUP] = t3 - t0;
    }
    report("E1", "xpc_lib_call", 0, summarize(c, SAMPLES), "libxpc: xpc_call to the handler");
    report("E1", "xpc_lib_ret", 0, summarize(r, SAMPLES), "libxpc: handler back to the caller");
    report("E1", "xpc_lib_roundtrip", 0, summarize(rt, SAMPLES), "libxpc: null call round trip");
}

static const uint32_t e4_sizes[] = {0,         64,        256,        1u << 10, 4u << 10,
                                    16u << 10, 64u << 10, 256u << 10, 1u << 20};

static void e4(struct xpc_peer *s)
{
    static uint64_t rt[SAMPLES];
    printf("\nE4: round trip against message size, the message in a relay segment\n");
    printf("  %-48s %10s %10s\n", "bytes", "mean", "stddev");
    for (unsigned k = 0; k < sizeof(e4_sizes) / sizeof(e4_sizes[0]); k++) {
        uint32_t bytes = e4_sizes[k];
        struct xpc_seg seg = {0};
        if (bytes) {
            if (xpc_seg_alloc(bytes, MAP_READ | MAP_WRITE, 0, &seg) < 0 || xpc_seg_swap(0) < 0) {
                printf("xpcbench: no %u-byte segment\n", bytes);
                continue;
            }
            memset(seg.va, 1, bytes); /* the message, built where it will be read */
        }
        for (int i = 0; i < WARMUP + SAMPLES; i++) {
            struct xpc_msg m = {{0}};
            uint64_t t0 = rdcycle();
            xpc_call((uint64_t)s->id[E_TOUCH], &m);
            uint64_t t1 = rdcycle();
            if (i >= WARMUP)
                rt[i - WARMUP] = t1 - t0;
        }
        char what[32];
        snprintf(what, sizeof(what), "%u", bytes);
        report("E4", "xpc", bytes, summarize(rt, SAMPLES), what);
        if (bytes)
            xpc_seg_free(&seg);
    }
}

static void e5(void)
{
    static struct xpc_peer link[CHAIN_MAX];
    for (int i = 0; i < CHAIN_MAX; i++)
        if (xpc_peer_start(&link[i], "xpcbench", "chain", 1) < 0) {
            printf("xpcbench: cannot start chain link %d\n", i);
            return;
        }
    /* Each link gets the next one's call handle; the bench calls the first. */
    for (int i = 0; i + 1 < CHAIN_MAX; i++)
        xpc_peer_give(&link[i], link[i + 1].entry[0]);
    struct xpc_seg seg;
    if (xpc_seg_alloc(CHAIN_BYTES, MAP_READ | MAP_WRITE, 0, &seg) < 0 || xpc_seg_swap(0) < 0)
        return;
    memset(seg.va, 1, CHAIN_BYTES);
    printf("\nE5: chain of servers handing one %u-byte message along (round trip)\n", CHAIN_BYTES);
    static uint64_t rt[SAMPLES];
    for (int n = 1; n <= CHAIN_MAX; n++) {
        for (int i = 0; i < WARMUP + SAMPLES; i++) {
            struct xpc_msg m = {{0, (uint64_t)n, 0, 0, 0, 0, 0}};
            uint64_t t0 = rdcycle();
            xpc_call((uint64_t)link[0].id[0], &m);
            uint64_t t1 = rdcycle();
            if (i >= WARMUP)
                rt[i - WARMUP] = t1 - t0;
        }
        char what[32];
        snprintf(what, sizeof(what), "chain of %d", n);
        report("E5", "xpc_chain", (uint64_t)n, summarize(rt, SAMPLES), what);
    }
    xpc_seg_free(&seg);
    for (int i = 0; i < CHAIN_MAX; i++)
        xpc_peer_stop(&link[i]);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "server") == 0)
        return serve(0);
    if (argc > 1 && strcmp(argv[1], "chain") == 0)
        return serve(1);
    int64_t mode = SYSCALL(SYS_XPC_INFO, XPC_INFO_MODE, 0, 0, 0, 0);
    printf("\nxpcbench: XPC %s\n", mode == XPC_MODE_ENGINE ? "engine" : "emulated by the kernel");
    struct xpc_peer s;
    if (xpc_peer_start(&s, "xpcbench", "server", SERVER_ENTRIES) < 0) {
        printf("xpcbench: cannot start the server\n");
        return 1;
    }
    e1(&s);
    e4(&s);
    xpc_peer_stop(&s);
    e5();
    if (mode != XPC_MODE_ENGINE)
        printf("note: emulated XPC traps on every instruction; these are not engine figures\n");
    return 0;
}
