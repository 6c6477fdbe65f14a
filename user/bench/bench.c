/* bench: IPC latency the sel4bench way. One-way call (client before the ecall -> server after
 * its receive returns) and one-way reply (server before reply_recv -> client after call
 * returns), in cycles read with rdcycle in U-mode, 0 and 10 message words, server in the same
 * address space (a thread) or another (a process), hot cache: WARMUP rounds are dropped, then
 * SAMPLES are kept. Also round trips against message size (endpoint: words in registers and the
 * IPC buffer; channel: bytes copied through the kernel), and the null system call.
 *
 * Timestamps travel through a shared page so that the message itself keeps its length. */
#include <stdio.h>
#include <string.h>
#include <xpc/usys.h>

#define WARMUP  16
#define SAMPLES 128

struct shared {
    volatile uint64_t t_call_start, t_call_end, t_reply_start;
};

static inline uint64_t rdcycle(void)
{
    uint64_t c;
    __asm__ volatile("rdcycle %0" : "=r"(c));
    return c;
}

struct stats {
    uint64_t mean, stddev;
};

static uint64_t isqrt(uint64_t x)
{
    uint64_t r = 0, b = 1ULL << 62;
    while (b > x)
        b >>= 2;
    while (b) {
        if (x >= r + b) {
            x -= r + b;
            r = (r >> 1) + b;
        } else {
            r >>= 1;
        }
        b >>= 2;
    }
    return r;
}

static struct stats summarize(const uint64_t *v, int n)
{
    uint64_t sum = 0, sq = 0;
    for (int i = 0; i < n; i++)
        sum += v[i];
    uint64_t mean = sum / n;
    for (int i = 0; i < n; i++) {
        int64_t d = (int64_t)(v[i] - mean);
        sq += (uint64_t)(d * d);
    }
    return (struct stats){mean, isqrt(sq / n)};
}

/* The server loop: stamps the end of each call, then the start of its reply. */
static void serve(uint64_t ep, struct shared *sh)
{
    struct ipc_msg m = {0};
    if (ipc_recv(ep, &m) < 0)
        return;
    for (;;) {
        sh->t_call_end = rdcycle();
        if (MSGINFO_LABEL(m.info) == 3)
            return;
        uint64_t words = MSGINFO_WORDS(m.info);
        m.info = MSGINFO(0, words, 0);
        sh->t_reply_start = rdcycle();
        if (ipc_reply_recv(ep, &m) < 0)
            return;
    }
}

static uint64_t thread_ep;
static struct shared *thread_shared;

static void server_thread(void *arg)
{
    (void)arg;
    serve(thread_ep, thread_shared);
}

static void measure(uint64_t ep, struct shared *sh, uint32_t words, struct stats *call,
                    struct stats *reply)
{
    static uint64_t c[SAMPLES], r[SAMPLES];
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        struct ipc_msg m = {MSGINFO(1, words, 0), {1, 2, 3, 4}, 0};
        sh->t_call_start = rdcycle();
        ipc_call(ep, &m);
        uint64_t end = rdcycle();
        if (i >= WARMUP) {
            c[i - WARMUP] = sh->t_call_end - sh->t_call_start;
            r[i - WARMUP] = end - sh->t_reply_start;
        }
    }
    *call = summarize(c, SAMPLES);
    *reply = summarize(r, SAMPLES);
}

/* Round trip (call until the reply is back) with a message of 'words' each way. */
static struct stats ep_round_trip(uint64_t ep, uint32_t words)
{
    static uint64_t rt[SAMPLES];
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        struct ipc_msg m = {MSGINFO(1, words, 0), {1, 2, 3, 4}, 0};
        uint64_t t0 = rdcycle();
        ipc_call(ep, &m);
        uint64_t t1 = rdcycle();
        if (i >= WARMUP)
            rt[i - WARMUP] = t1 - t0;
    }
    return summarize(rt, SAMPLES);
}

static struct stats chan_round_trip(uint64_t ch, uint32_t bytes)
{
    static uint64_t rt[SAMPLES];
    static uint8_t req[CHANNEL_MAX_BYTES], rep[CHANNEL_MAX_BYTES];
    struct channel_call_args a = {req, NULL, bytes, 0, rep, NULL, sizeof(rep), 0};
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        uint64_t t0 = rdcycle();
        sys_channel_call(ch, &a);
        uint64_t t1 = rdcycle();
        if (i >= WARMUP)
            rt[i - WARMUP] = t1 - t0;
    }
    return summarize(rt, SAMPLES);
}

static void row(const char *what, struct stats s, const char *sel4)
{
    printf("  %-44s %10lu %10lu   %s\n", what, (unsigned long)s.mean, (unsigned long)s.stddev,
           sel4);
}

static void stop_server(uint64_t ep)
{
    struct ipc_msg m = {MSGINFO(3, 0, 0), {0}, 0};
    ipc_call(ep, &m);
}

static int server_process(void)
{
    /* The first message brings the shared page. */
    uint64_t ep = xpc_bootstrap_handle;
    struct ipc_buffer *buf = sys_ipc_buffer();
    struct ipc_msg m = {0};
    if (ipc_recv(ep, &m) < 0 || MSGINFO_HANDLES(m.info) != 1)
        return 1;
    int64_t va = sys_vmo_map(buf->handles[0], 0, MAP_READ | MAP_WRITE);
    if (va < 0)
        return 2;
    m.info = MSGINFO(0, 0, 0);
    if (ipc_reply_recv(ep, &m) < 0)
        return 3;
    struct shared *sh = (struct shared *)va;
    for (;;) {
        sh->t_call_end = rdcycle();
        if (MSGINFO_LABEL(m.info) == 3)
            return 0;
        m.info = MSGINFO(0, MSGINFO_WORDS(m.info), 0);
        sh->t_reply_start = rdcycle();
        if (ipc_reply_recv(ep, &m) < 0)
            return 4;
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "server") == 0)
        return server_process();
    struct kstats ks;
    sys_kstats(&ks);
    int64_t vmo = sys_vmo_create(4096);
    struct shared *sh = (struct shared *)sys_vmo_map(vmo, 0, MAP_READ | MAP_WRITE);
    struct stats call0, reply0, call10, reply10;

    printf(
        "\nIPC benchmark: cycles (rdcycle), mean and standard deviation over %d samples after %d "
        "warm-up rounds\n",
        SAMPLES, WARMUP);
    printf("address-space switch: %s\n", ks.asid_mode ? "ASID-tagged" : "flush on every switch");
    printf("  %-44s %10s %10s   %s\n", "operation", "mean", "stddev", "seL4 (HiFive U540)");

    /* Same address space: a server thread. */
    int64_t ep = sys_endpoint_create();
    thread_ep = (uint64_t)ep;
    thread_shared = sh;
    int64_t th = xpc_thread_start(server_thread, NULL, 16384, DEFAULT_PRIORITY);
    measure((uint64_t)ep, sh, 0, &call0, &reply0);
    measure((uint64_t)ep, sh, 10, &call10, &reply10);
    stop_server((uint64_t)ep);
    sys_object_wait(th);
    sys_handle_close(th);
    row("call, 0 words, same AS", call0, "");
    row("reply_recv, 0 words, same AS", reply0, "");
    row("call, 10 words, same AS", call10, "");
    row("reply_recv, 10 words, same AS", reply10, "");

    /* Another address space: a server process; the shared page goes with the first call. */
    int64_t p = xpc_spawn("bench", "server", sys_handle_duplicate(ep, RIGHT_SAME_RIGHTS));
    struct ipc_buffer *buf = sys_ipc_buffer();
    buf->handles[0] = (uint64_t)sys_handle_duplicate(vmo, RIGHT_SAME_RIGHTS);
    struct ipc_msg m = {MSGINFO(0, 0, 1), {0}, 0};
    ipc_call((uint64_t)ep, &m);
    measure((uint64_t)ep, sh, 0, &call0, &reply0);
    measure((uint64_t)ep, sh, 10, &call10, &reply10);
    static const uint32_t sweep_words[] = {0, 4, 16, 64, 256, IPC_MSG_WORDS};
    struct stats sweep[6];
    for (int i = 0; i < 6; i++)
        sweep[i] = ep_round_trip((uint64_t)ep, sweep_words[i]);
    stop_server((uint64_t)ep);
    sys_object_wait(p);
    sys_handle_close(p);
    row("call, 0 words, other AS", call0, "474");
    row("reply_recv, 0 words, other AS", reply0, "654");
    row("call, 10 words, other AS", call10, "");
    row("reply_recv, 10 words, other AS", reply10, "");
    char what[64];
    for (int i = 0; i < 6; i++) {
        snprintf(what, sizeof(what), "call+reply round trip, %u words (%u B)", sweep_words[i],
                 sweep_words[i] * 8);
        row(what, sweep[i], "");
    }

    /* Zircon-style channel round trip (16-byte message) to the echo server process. */
    uint64_t ch[2];
    sys_channel_create(ch);
    p = xpc_spawn("server", "chan", ch[1]);
    static uint64_t rt[SAMPLES];
    uint8_t req[16] = {0}, rep[16];
    struct channel_call_args a = {req, NULL, 16, 0, rep, NULL, sizeof(rep), 0};
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        uint64_t t0 = rdcycle();
        sys_channel_call(ch[0], &a);
        uint64_t t1 = rdcycle();
        if (i >= WARMUP)
            rt[i - WARMUP] = t1 - t0;
    }
    row("channel_call round trip, 16 B", summarize(rt, SAMPLES), "");
    static const uint32_t sweep_bytes[] = {256, 1024, CHANNEL_MAX_BYTES};
    for (int i = 0; i < 3; i++) {
        struct stats s = chan_round_trip(ch[0], sweep_bytes[i]);
        snprintf(what, sizeof(what), "channel_call round trip, %u B", sweep_bytes[i]);
        row(what, s, "");
    }
    sys_handle_close(ch[0]);
    sys_object_wait(p);
    sys_handle_close(p);

    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        uint64_t t0 = rdcycle();
        sys_null();
        uint64_t t1 = rdcycle();
        if (i >= WARMUP)
            rt[i - WARMUP] = t1 - t0;
    }
    row("null system call", summarize(rt, SAMPLES), "");
    struct kstats after;
    sys_kstats(&after);
    printf("fastpath hits %lu, slow path %lu\n",
           (unsigned long)(after.fastpath_calls - ks.fastpath_calls),
           (unsigned long)(after.slowpath_calls - ks.slowpath_calls));
    printf("note: on QEMU rdcycle follows the host clock, so these numbers are not cycle counts\n");
    sys_vm_unmap((uint64_t)sh);
    sys_handle_close(vmo);
    sys_handle_close(ep);
    return 0;
}
