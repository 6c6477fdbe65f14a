/* bench: IPC latency the sel4bench way, and the baseline halves of experiments E1, E2, E4, E5
 * (docs/experiments.md).
 *
 * One-way call (client before the ecall -> server after its receive returns) and one-way reply
 * (server before reply_recv -> client after call returns), in cycles read with rdcycle in U-mode,
 * 0 and 10 message words, server in the same address space (a thread) or another (a process),
 * hot cache: WARMUP rounds are dropped, then SAMPLES are kept. Also round trips against message
 * size, chains of servers, and the null system call.
 *
 * Besides the human table, every experiment figure is printed as one machine-readable line
 *   RESULT <exp> <series> <x> <mean> <stddev>
 * in cycles (x: message bytes for E4, chain length for E5, 0 otherwise), which
 * the scripts in bench/experiments collect.
 *
 * The same binary is every server: argv[1] picks the role (server, probe, chain, chansink).
 * Timestamps travel through a shared page so that the message itself keeps its length. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/benchstat.h>

#define WARMUP  16
#define SAMPLES 128
/* Megabyte messages take a million cycles a sample: fewer samples keep the run short, and
 * their spread is small next to their size. */
#define BIG_WARMUP  2
#define BIG_SAMPLES 8
#define BIG_BYTES   (64u << 10)

#define LABEL_ECHO  1 /* reply with as many words as the call carried */
#define LABEL_EXIT  3
#define LABEL_SINK  5 /* reply with no words: the message only goes one way */
#define LABEL_SETUP 6 /* chain: carries the next server's endpoint (or none at the end) */
#define LABEL_MORE  7 /* chain: a chunk of a message that continues */
#define LABEL_LAST  8 /* chain: the last chunk of a message */

/* E4/E5 message bytes, and the payload one endpoint call carries (registers and IPC buffer). */
#define MAX_MESSAGE (1u << 20)
#define CHUNK_WORDS IPC_MSG_WORDS
#define CHUNK_BYTES (CHUNK_WORDS * 8u)
#define CHAIN_MAX   8
#define CHAIN_BYTES 4096u

struct shared {
    volatile uint64_t t_call_start, t_call_end, t_reply_start;
};

/* E2's probe stamps: rdcycle at a global symbol each, so bench/experiments/e2.sh can hand their
 * addresses to xpcsim --phase-start/--phase-stop and the profiler counts exactly the cycles the
 * stamps measure. Out of line on purpose: an inlined stamp could be duplicated by the compiler,
 * and then one address would not cover every copy. Every user program is linked at the same
 * address, so the stamps sit at a 64 KiB boundary past the code of the programs that run beside
 * the benchmark (a window opened by another program's instruction at the same address would be
 * counted too; e2.sh checks the number of windows). */
uint64_t e2_call_start(void);
uint64_t e2_call_end(void);
uint64_t e2_reply_start(void);
uint64_t e2_reply_end(void);
__asm__(".pushsection .text.e2_stamps, \"ax\", @progbits\n"
        ".balign 0x10000\n"
        ".globl e2_call_start\n e2_call_start: rdcycle a0\n ret\n"
        ".globl e2_call_end\n e2_call_end: rdcycle a0\n ret\n"
        ".globl e2_reply_start\n e2_reply_start: rdcycle a0\n ret\n"
        ".globl e2_reply_end\n e2_reply_end: rdcycle a0\n ret\n"
        ".popsection\n");

static void row(const char *what, struct stats s, const char *sel4)
{
    printf("  %-44s %10lu %10lu   %s\n", what, (unsigned long)s.mean, (unsigned long)s.stddev,
           sel4);
}

/* ---- servers ---- */

/* The reply to a call just received: echo its length, or nothing for a one-way message. */
static uint64_t reply_info(uint64_t info)
{
    return MSGINFO(0, MSGINFO_LABEL(info) == LABEL_SINK ? 0 : MSGINFO_WORDS(info), 0);
}

/* The server loop: stamps the end of each call, then the start of its reply. */
static void serve(uint64_t ep, struct shared *sh)
{
    struct ipc_msg m = {0};
    if (ipc_recv(ep, &m) < 0)
        return;
    for (;;) {
        sh->t_call_end = rdcycle();
        if (MSGINFO_LABEL(m.info) == LABEL_EXIT)
            return;
        m.info = reply_info(m.info);
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

/* A server process whose first message brings the shared page. */
static struct shared *receive_shared_page(uint64_t ep, struct ipc_msg *m)
{
    struct ipc_buffer *buf = sys_ipc_buffer();
    if (ipc_recv(ep, m) < 0 || MSGINFO_HANDLES(m->info) != 1)
        return NULL;
    int64_t va = sys_vmo_map(buf->handles[0], 0, MAP_READ | MAP_WRITE);
    if (va < 0)
        return NULL;
    m->info = MSGINFO(0, 0, 0);
    if (ipc_reply_recv(ep, m) < 0)
        return NULL;
    return (struct shared *)va;
}

static int server_process(void)
{
    struct ipc_msg m = {0};
    struct shared *sh = receive_shared_page(xpc_bootstrap_handle, &m);
    if (!sh)
        return 1;
    for (;;) {
        sh->t_call_end = rdcycle();
        if (MSGINFO_LABEL(m.info) == LABEL_EXIT)
            return 0;
        m.info = reply_info(m.info);
        sh->t_reply_start = rdcycle();
        if (ipc_reply_recv(xpc_bootstrap_handle, &m) < 0)
            return 4;
    }
}

/* E2's server: the same loop as server_process, stamped by the out-of-line probe stamps. */
static int probe_server(void)
{
    struct ipc_msg m = {0};
    struct shared *sh = receive_shared_page(xpc_bootstrap_handle, &m);
    if (!sh)
        return 1;
    for (;;) {
        sh->t_call_end = e2_call_end();
        if (MSGINFO_LABEL(m.info) == LABEL_EXIT)
            return 0;
        m.info = MSGINFO(0, 0, 0);
        sh->t_reply_start = e2_reply_start();
        if (ipc_reply_recv(xpc_bootstrap_handle, &m) < 0)
            return 4;
    }
}

/* Zircon-style channel server for E4: takes a message of any size, answers with the 4-byte
 * transaction id only, so the message crosses once as it does for the endpoint series. */
static int channel_sink(void)
{
    static uint8_t msg[CHANNEL_MAX_BYTES];
    uint64_t ch = xpc_bootstrap_handle, handles[CHANNEL_MAX_HANDLES];
    for (;;) {
        uint64_t actual = 0;
        int64_t r = sys_channel_read(ch, msg, sizeof(msg), handles, CHANNEL_MAX_HANDLES, &actual,
                                     CHANNEL_READ_WAIT);
        if (r == ERR_PEER_CLOSED)
            return 0;
        if (r < 0 || sys_channel_write(ch, msg, 4, NULL, 0) < 0)
            return 3;
    }
}

/* ---- endpoint messages longer than one IPC buffer ---- */

/* The message copies of the clients and servers: 64-bit words, four per iteration, as a tuned
 * memcpy does. picolibc's memcpy in Debian's build goes byte by byte (built for size), which
 * would make the baselines four to eight times slower than a real system's. */
typedef uint64_t __attribute__((may_alias)) message_word;

static void copy_message(void *dst, const void *src, uint32_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        message_word *dw = (message_word *)d;
        const message_word *sw = (const message_word *)s;
        for (; n >= 32; n -= 32, dw += 4, sw += 4) {
            uint64_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
            dw[0] = a;
            dw[1] = b;
            dw[2] = c;
            dw[3] = e;
        }
        for (; n >= 8; n -= 8)
            *dw++ = *sw++;
        d = (uint8_t *)dw;
        s = (const uint8_t *)sw;
    }
    while (n--)
        *d++ = *s++;
}

static struct ipc_buffer *ipc_buffer_of_this_thread;

static struct ipc_buffer *ipcbuf(void)
{
    if (!ipc_buffer_of_this_thread)
        ipc_buffer_of_this_thread = sys_ipc_buffer();
    return ipc_buffer_of_this_thread;
}

/* Sends `bytes` from src as consecutive calls of one full IPC buffer each (the first four words
 * in registers), as a real seL4 client must: the words are copied into the IPC buffer first.
 * Every chunk but the last carries label `more`. Returns the last call's result. */
static int64_t send_chunked(uint64_t ep, const uint8_t *src, uint32_t bytes, uint32_t more,
                            uint32_t last)
{
    struct ipc_buffer *buf = ipcbuf();
    uint32_t off = 0;
    do {
        uint32_t n = bytes - off < CHUNK_BYTES ? bytes - off : CHUNK_BYTES;
        uint32_t words = (n + 7) / 8;
        struct ipc_msg m = {MSGINFO(off + n < bytes ? more : last, words, 0), {0}, 0};
        copy_message(m.mr, src + off, n < IPC_REG_WORDS * 8 ? n : IPC_REG_WORDS * 8);
        if (n > IPC_REG_WORDS * 8)
            copy_message(&buf->msg[IPC_REG_WORDS], src + off + IPC_REG_WORDS * 8,
                         n - IPC_REG_WORDS * 8);
        int64_t r = ipc_call(ep, &m);
        if (r < 0)
            return r;
        off += n;
    } while (off < bytes);
    return 0;
}

/* A chain server (E5): gathers a message's chunks into its own buffer, and on the last one
 * forwards the whole message to the next server (if any) before replying, so the reply to the
 * client comes back through every server. */
static int chain_server(void)
{
    static uint8_t msg[CHAIN_BYTES] __attribute__((aligned(8)));
    uint64_t ep = xpc_bootstrap_handle, next = 0;
    struct ipc_buffer *buf = ipcbuf();
    struct ipc_msg m = {0};
    if (ipc_recv(ep, &m) < 0 || MSGINFO_LABEL(m.info) != LABEL_SETUP)
        return 1;
    if (MSGINFO_HANDLES(m.info) == 1)
        next = buf->handles[0];
    uint32_t have = 0;
    for (;;) {
        uint64_t label = MSGINFO_LABEL(m.info);
        if (label == LABEL_EXIT)
            return 0;
        if (label == LABEL_MORE || label == LABEL_LAST) {
            uint32_t n = MSGINFO_WORDS(m.info) * 8;
            if (have + n > sizeof(msg))
                n = (uint32_t)sizeof(msg) - have;
            uint32_t in_regs = n < IPC_REG_WORDS * 8 ? n : IPC_REG_WORDS * 8;
            copy_message(msg + have, m.mr, in_regs);
            copy_message(msg + have + in_regs, &buf->msg[IPC_REG_WORDS], n - in_regs);
            have += n;
            if (label == LABEL_LAST) {
                if (next && send_chunked(next, msg, have, LABEL_MORE, LABEL_LAST) < 0)
                    return 2;
                have = 0;
            }
        }
        m.info = MSGINFO(0, 0, 0);
        if (ipc_reply_recv(ep, &m) < 0)
            return 3;
    }
}

/* ---- client measurements ---- */

static void measure(uint64_t ep, struct shared *sh, uint32_t words, struct stats *call,
                    struct stats *reply)
{
    static uint64_t c[SAMPLES], r[SAMPLES];
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        struct ipc_msg m = {MSGINFO(LABEL_ECHO, words, 0), {1, 2, 3, 4}, 0};
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
        struct ipc_msg m = {MSGINFO(LABEL_ECHO, words, 0), {1, 2, 3, 4}, 0};
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

/* E2: the one-way call and reply between the probe stamps (0 words, another process). */
static void __attribute__((noinline)) e2_probe(uint64_t ep, struct shared *sh)
{
    static uint64_t c[SAMPLES], r[SAMPLES];
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        struct ipc_msg m = {MSGINFO(LABEL_ECHO, 0, 0), {0}, 0};
        sh->t_call_start = e2_call_start();
        ipc_call(ep, &m);
        uint64_t end = e2_reply_end();
        if (i >= WARMUP) {
            c[i - WARMUP] = sh->t_call_end - sh->t_call_start;
            r[i - WARMUP] = end - sh->t_reply_start;
        }
    }
    result("E2", "sel4_call_measured", 0, summarize(c, SAMPLES));
    result("E2", "sel4_reply_measured", 0, summarize(r, SAMPLES));
    printf("E2 probe windows: %d calls and %d replies\n", WARMUP + SAMPLES, WARMUP + SAMPLES);
}

static int samples_for(uint32_t bytes, int *warmup)
{
    *warmup = bytes >= BIG_BYTES ? BIG_WARMUP : WARMUP;
    return bytes >= BIG_BYTES ? BIG_SAMPLES : SAMPLES;
}

/* E4 on an endpoint: the message goes in IPC-buffer chunks, the reply is empty. */
static struct stats e4_endpoint(uint64_t ep, const uint8_t *src, uint32_t bytes)
{
    static uint64_t rt[SAMPLES];
    int warmup, n = samples_for(bytes, &warmup);
    for (int i = 0; i < warmup + n; i++) {
        uint64_t t0 = rdcycle();
        send_chunked(ep, src, bytes, LABEL_SINK, LABEL_SINK);
        uint64_t t1 = rdcycle();
        if (i >= warmup)
            rt[i - warmup] = t1 - t0;
    }
    return summarize(rt, n);
}

/* E4 on a channel: CHANNEL_MAX_BYTES per call (at least the 4-byte transaction id). */
static struct stats e4_channel(uint64_t ch, const uint8_t *src, uint32_t bytes)
{
    static uint64_t rt[SAMPLES];
    static uint8_t rep[CHANNEL_MAX_BYTES];
    int warmup, n = samples_for(bytes, &warmup);
    for (int i = 0; i < warmup + n; i++) {
        uint64_t t0 = rdcycle();
        uint32_t off = 0;
        do {
            uint32_t len = bytes - off < CHANNEL_MAX_BYTES ? bytes - off : CHANNEL_MAX_BYTES;
            struct channel_call_args a = {src + off, NULL, len < 4 ? 4 : len, 0,
                                          rep,       NULL, sizeof(rep),       0};
            sys_channel_call(ch, &a);
            off += len;
        } while (off < bytes);
        uint64_t t1 = rdcycle();
        if (i >= warmup)
            rt[i - warmup] = t1 - t0;
    }
    return summarize(rt, n);
}

/* E4 over shared memory: copy the message into a VMO mapped in both, then one empty call. */
static struct stats e4_shared(uint64_t ep, uint8_t *shm, const uint8_t *src, uint32_t bytes)
{
    static uint64_t rt[SAMPLES];
    int warmup, n = samples_for(bytes, &warmup);
    for (int i = 0; i < warmup + n; i++) {
        uint64_t t0 = rdcycle();
        copy_message(shm, src, bytes);
        struct ipc_msg m = {MSGINFO(LABEL_SINK, 1, 0), {bytes}, 0};
        ipc_call(ep, &m);
        uint64_t t1 = rdcycle();
        if (i >= warmup)
            rt[i - warmup] = t1 - t0;
    }
    return summarize(rt, n);
}

static const uint32_t e4_sizes[] = {0,         64,        256,        1u << 10, 4u << 10,
                                    16u << 10, 64u << 10, 256u << 10, 1u << 20};
#define E4_SIZES (sizeof(e4_sizes) / sizeof(e4_sizes[0]))

/* Sends the shared page's handle with a first (empty) call. */
static void send_shared_page(uint64_t ep, uint64_t vmo)
{
    struct ipc_buffer *buf = sys_ipc_buffer();
    buf->handles[0] = (uint64_t)sys_handle_duplicate(vmo, RIGHT_SAME_RIGHTS);
    struct ipc_msg m = {MSGINFO(0, 0, 1), {0}, 0};
    ipc_call(ep, &m);
}

static void stop_server(uint64_t ep)
{
    struct ipc_msg m = {MSGINFO(LABEL_EXIT, 0, 0), {0}, 0};
    ipc_call(ep, &m);
}

static void e4_run(uint64_t ep, uint64_t ch, uint8_t *shm, const uint8_t *src)
{
    printf("\nE4: round trip against message size (message one way, empty reply)\n");
    printf("  %10s %12s %12s %12s\n", "bytes", "sel4", "channel", "sel4_shm");
    for (unsigned i = 0; i < E4_SIZES; i++) {
        uint32_t b = e4_sizes[i];
        struct stats e = e4_endpoint(ep, src, b), c = e4_channel(ch, src, b),
                     s = e4_shared(ep, shm, src, b);
        printf("  %10u %12lu %12lu %12lu\n", b, (unsigned long)e.mean, (unsigned long)c.mean,
               (unsigned long)s.mean);
        result("E4", "sel4", b, e);
        result("E4", "channel", b, c);
        result("E4", "sel4_shm", b, s);
    }
}

/* E5: CHAIN_MAX chained server processes, spawned once; a chain of n starts at server
 * CHAIN_MAX - n, so the message always ends at the last one. */
static void e5_run(const uint8_t *src)
{
    uint64_t ep[CHAIN_MAX], proc[CHAIN_MAX];
    for (int i = 0; i < CHAIN_MAX; i++) {
        ep[i] = (uint64_t)sys_endpoint_create();
        proc[i] = (uint64_t)xpc_spawn("bench", "chain",
                                      (uint64_t)sys_handle_duplicate(ep[i], RIGHT_SAME_RIGHTS));
    }
    struct ipc_buffer *buf = sys_ipc_buffer();
    for (int i = 0; i < CHAIN_MAX; i++) {
        uint32_t handles = i + 1 < CHAIN_MAX;
        if (handles)
            buf->handles[0] = (uint64_t)sys_handle_duplicate(ep[i + 1], RIGHT_SAME_RIGHTS);
        struct ipc_msg m = {MSGINFO(LABEL_SETUP, 0, handles), {0}, 0};
        ipc_call(ep[i], &m);
    }
    printf("\nE5: chain of servers, each forwarding a %u-byte message (round trip)\n", CHAIN_BYTES);
    static uint64_t rt[SAMPLES];
    for (int n = 1; n <= CHAIN_MAX; n++) {
        for (int i = 0; i < WARMUP + SAMPLES; i++) {
            uint64_t t0 = rdcycle();
            send_chunked(ep[CHAIN_MAX - n], src, CHAIN_BYTES, LABEL_MORE, LABEL_LAST);
            uint64_t t1 = rdcycle();
            if (i >= WARMUP)
                rt[i - WARMUP] = t1 - t0;
        }
        struct stats s = summarize(rt, SAMPLES);
        char what[64];
        snprintf(what, sizeof(what), "chain of %d", n);
        row(what, s, "");
        result("E5", "sel4_chain", (uint64_t)n, s);
    }
    for (int i = 0; i < CHAIN_MAX; i++) {
        stop_server(ep[i]);
        sys_object_wait(proc[i]);
        sys_handle_close(proc[i]);
        sys_handle_close(ep[i]);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "server") == 0)
        return server_process();
    if (argc > 1 && strcmp(argv[1], "probe") == 0)
        return probe_server();
    if (argc > 1 && strcmp(argv[1], "chain") == 0)
        return chain_server();
    if (argc > 1 && strcmp(argv[1], "chansink") == 0)
        return channel_sink();
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
    send_shared_page((uint64_t)ep, (uint64_t)vmo);
    measure((uint64_t)ep, sh, 0, &call0, &reply0);
    measure((uint64_t)ep, sh, 10, &call10, &reply10);
    static const uint32_t sweep_words[] = {0, 4, 16, 64, 256, IPC_MSG_WORDS};
    struct stats sweep[6];
    for (int i = 0; i < 6; i++)
        sweep[i] = ep_round_trip((uint64_t)ep, sweep_words[i]);
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
    result("E1", "sel4_call", 0, call0);
    result("E1", "sel4_reply", 0, reply0);
    result("E1", "sel4_roundtrip", 0, sweep[0]);

    /* Zircon-style channel round trip (16-byte message) to the echo server process. */
    uint64_t ch[2];
    sys_channel_create(ch);
    int64_t echo = xpc_spawn("server", "chan", ch[1]);
    struct stats chan_min = chan_round_trip(ch[0], 4);
    row("channel_call round trip, 4 B (the transaction id)", chan_min, "");
    row("channel_call round trip, 16 B", chan_round_trip(ch[0], 16), "");
    static const uint32_t sweep_bytes[] = {256, 1024, CHANNEL_MAX_BYTES};
    for (int i = 0; i < 3; i++) {
        struct stats s = chan_round_trip(ch[0], sweep_bytes[i]);
        snprintf(what, sizeof(what), "channel_call round trip, %u B", sweep_bytes[i]);
        row(what, s, "");
    }
    sys_handle_close(ch[0]);
    sys_object_wait(echo);
    sys_handle_close(echo);
    result("E1", "channel_call", 0, chan_min);
    result("E1", "channel_oneway", 0, (struct stats){chan_min.mean / 2, chan_min.stddev / 2});

    static uint64_t rt[SAMPLES];
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        uint64_t t0 = rdcycle();
        sys_null();
        uint64_t t1 = rdcycle();
        if (i >= WARMUP)
            rt[i - WARMUP] = t1 - t0;
    }
    row("null system call", summarize(rt, SAMPLES), "");

    /* E4: the message starts in a client buffer; the shared-memory series gets a 1 MiB VMO. */
    uint8_t *src = malloc(MAX_MESSAGE);
    int64_t big = sys_vmo_create(MAX_MESSAGE);
    int64_t shm = big < 0 ? big : sys_vmo_map((uint64_t)big, 0, MAP_READ | MAP_WRITE);
    sys_channel_create(ch);
    int64_t sink = xpc_spawn("bench", "chansink", ch[1]);
    if (!src || shm < 0 || sink < 0) {
        printf("E4/E5: cannot set up (%s)\n",
               !src ? "no memory" : xpc_strerror(shm < 0 ? shm : sink));
    } else {
        for (uint32_t i = 0; i < MAX_MESSAGE; i++)
            src[i] = (uint8_t)i;
        e4_run((uint64_t)ep, ch[0], (uint8_t *)shm, src);
        e5_run(src);
    }
    sys_handle_close(ch[0]);
    if (sink >= 0) {
        sys_object_wait((uint64_t)sink);
        sys_handle_close((uint64_t)sink);
    }
    stop_server((uint64_t)ep);
    sys_object_wait(p);
    sys_handle_close(p);

    /* E2 last: its stamps bound the window xpcsim --phase-start/--phase-stop profiles. */
    p = xpc_spawn("bench", "probe", sys_handle_duplicate(ep, RIGHT_SAME_RIGHTS));
    send_shared_page((uint64_t)ep, (uint64_t)vmo);
    e2_probe((uint64_t)ep, sh);
    stop_server((uint64_t)ep);
    sys_object_wait(p);
    sys_handle_close(p);

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
