/* tptest: the transport library (docs/transports.md) over XPC, the endpoint and the channel.
 * An echo protocol served by this same program ("tptest echo fs=KIND"), and a forwarding server
 * ("tptest forward fs=KIND") that passes the buffer on to an echo server, as a file system
 * passes a block to its driver. Reports {passed, failed} to init like utest. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/transport.h>
#include "../tests/harness.h"

unsigned long tests_passed, tests_failed;

enum { OP_ECHO = 1, OP_FORWARD = 2, OP_WHO = 3 };

/* ECHO: reply = request reversed and xor 0x5a, then arg[2] bytes of 0xee appended;
 * res[0] = arg0 + arg1, res[1] = the byte sum of the request, res[2] = len. The work is done on
 * a private copy: where the kernel emulates XPC every access to a relay segment traps, and a
 * memcpy moves words, not bytes. */
static int64_t echo(struct tp_req *r)
{
    if (r->op == OP_WHO) {
        r->res[0] = r->client;
        r->len = 0;
        return 0;
    }
    if (r->op != OP_ECHO)
        return ERR_NOT_SUPPORTED;
    if (r->arg[2] > r->cap - r->len)
        return ERR_OUT_OF_RANGE;
    uint8_t *b = malloc(r->len + r->arg[2] + 1);
    if (!b)
        return ERR_NO_MEMORY;
    memcpy(b, r->buf, r->len);
    uint64_t sum = 0;
    for (size_t i = 0; i < r->len; i++)
        sum += b[i];
    for (size_t i = 0, j = r->len ? r->len - 1 : 0; i < j; i++, j--) {
        uint8_t t = b[i];
        b[i] = b[j];
        b[j] = t;
    }
    for (size_t i = 0; i < r->len; i++)
        b[i] ^= 0x5a;
    memset(b + r->len, 0xee, r->arg[2]);
    r->res[0] = r->arg[0] + r->arg[1];
    r->res[1] = sum;
    r->res[2] = r->len;
    r->len += r->arg[2];
    memcpy(r->buf, b, r->len);
    free(b);
    return 7;
}

static struct tp_conn next;

/* FORWARD: hands [arg0, arg0 + arg1) of its buffer to the echo server as an ECHO of arg1 bytes
 * (with XPC in place, masked to that window). */
static int64_t forward(struct tp_req *r)
{
    if (r->op != OP_FORWARD || r->arg[0] > r->cap || r->arg[1] > r->cap - r->arg[0])
        return ERR_INVALID_ARGS;
    struct tp_req f = {.op = OP_ECHO,
                       .arg = {1, 2, 0},
                       .buf = (char *)r->buf + r->arg[0],
                       .len = r->arg[1],
                       .cap = r->arg[1]};
    int64_t st = tp_call(&next, &f);
    memcpy(r->res, f.res, sizeof(r->res));
    return st;
}

static int serve(int argc, char **argv, int forwarding)
{
    enum tp_kind kind = tp_kind_from_args(argc, argv, "fs", TP_NONE);
    struct tp_server_config cfg = {
        .handler = forwarding ? forward : echo, .concurrency = 4, .buf_size = TP_BUF_MAX};
    if (forwarding) {
        uint64_t h;
        if (tp_receive_handles(&h, 1) != 1 || tp_connect(h, 0, &next) < 0)
            return 2;
        cfg.concurrency = 1; /* one connection down the chain */
    }
    return tp_serve(kind, &cfg) < 0;
}

static int xpc_emulated(void)
{
    return SYSCALL(SYS_XPC_INFO, XPC_INFO_MODE, 0, 0, 0, 0) == XPC_MODE_EMULATED;
}

static void fill(uint8_t *b, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(i * 7 + seed);
}

/* Checks an ECHO reply of a request of n bytes filled with seed, plus extra. */
static int echoed(const uint8_t *b, size_t n, unsigned seed, size_t extra)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] != (uint8_t)(((n - 1 - i) * 7 + seed) ^ 0x5a))
            return 0;
    for (size_t i = 0; i < extra; i++)
        if (b[n + i] != 0xee)
            return 0;
    return 1;
}

static uint64_t sum_of(size_t n, unsigned seed)
{
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += (uint8_t)(i * 7 + seed);
    return s;
}

static void test_kind(enum tp_kind kind)
{
    char args[32];
    snprintf(args, sizeof(args), "echo fs=%s", tp_kind_name(kind));
    struct tp_service svc;
    CHECK_EQ(tp_service_start("tptest", args, NULL, 0, &svc), 0);
    CHECK_EQ(svc.kind, kind);
    struct tp_conn c;
    CHECK_EQ(tp_connect(svc.handle, 128 << 10, &c), 0);
    CHECK_EQ(c.kind, kind);

    /* Sizes around every chunk boundary, from a buffer of our own (copied with XPC too). */
    static const size_t sizes[] = {0,
                                   1,
                                   8,
                                   100,
                                   TP_EP_CHUNK - 1,
                                   TP_EP_CHUNK,
                                   TP_EP_CHUNK + 1,
                                   TP_CH_CHUNK,
                                   TP_CH_CHUNK + 1,
                                   10000,
                                   65536,
                                   128 << 10};
    uint8_t *mine = malloc(128 << 10);
    /* Where the kernel emulates XPC (QEMU) every 8 bytes of a relay segment copied cost a trap:
     * the large sizes run where the engine does (xpcsim); the chunk boundaries are the copying
     * transports' anyway. */
    size_t limit = kind == TP_XPC && xpc_emulated() ? 16384 : SIZE_MAX;
    int all = 1;
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t n = sizes[i], extra = n + 100 <= (128 << 10) ? 100 : 0;
        fill(mine, n, i);
        struct tp_req r = {
            .op = OP_ECHO, .arg = {40, 2, extra}, .buf = mine, .len = n, .cap = 128 << 10};
        if (n > limit)
            continue;
        int64_t st = tp_call(&c, &r);
        int ok = st == 7 && r.len == n + extra && r.res[0] == 42 && r.res[1] == sum_of(n, i) &&
                 r.res[2] == n && echoed(mine, n, i, extra);
        if (!ok)
            printf("tptest: %s: echo of %lu bytes: status %ld len %lu\n", tp_kind_name(kind),
                   (unsigned long)n, (long)st, (unsigned long)r.len);
        all &= ok;
    }
    CHECK(all);

    /* In the connection's buffer (with XPC: the relay segment, no copy). */
    uint8_t *b = tp_buffer(&c);
    CHECK(b != NULL);
    if (b) {
        fill(b, 5000, 3);
        struct tp_req r = {.op = OP_ECHO, .arg = {1, 1, 0}, .buf = b, .len = 5000, .cap = 5000};
        CHECK_EQ(tp_call(&c, &r), 7);
        CHECK(echoed(b, 5000, 3, 0));
    }

    /* Refusals: bad ops, sizes, and buffers that are not ours. */
    struct tp_req r = {.op = 99, .buf = mine, .len = 0, .cap = 16};
    CHECK_EQ(tp_call(&c, &r), ERR_NOT_SUPPORTED);
    r = (struct tp_req){.op = TP_OP_MAX + 1, .buf = mine, .cap = 16};
    CHECK_EQ(tp_call(&c, &r), ERR_INVALID_ARGS);
    r = (struct tp_req){.op = OP_ECHO, .buf = mine, .len = 17, .cap = 16};
    CHECK_EQ(tp_call(&c, &r), ERR_INVALID_ARGS);
    r = (struct tp_req){.op = OP_ECHO, .buf = mine, .len = 0, .cap = (128 << 10) + 1};
    if (b && kind == TP_XPC)
        r.buf = (char *)b + 1; /* not inside the active segment any more: copied, too big */
    CHECK_EQ(tp_call(&c, &r), ERR_OUT_OF_RANGE);
    r = (struct tp_req){.op = OP_ECHO, .arg = {0, 0, 64}, .buf = mine, .len = 10, .cap = 20};
    CHECK_EQ(tp_call(&c, &r), ERR_OUT_OF_RANGE); /* the reply would not fit */
    r = (struct tp_req){.op = OP_ECHO, .buf = (void *)0x80200000, .len = 64, .cap = 64};
    CHECK_EQ(tp_call(&c, &r), ERR_FAULT); /* the kernel */
    r = (struct tp_req){.op = OP_ECHO, .buf = (void *)0x100, .len = 64, .cap = 64};
    CHECK_EQ(tp_call(&c, &r), ERR_FAULT);
    CHECK_EQ(tp_check_buffer((void *)0x3d000000, 64, 0), ERR_FAULT); /* unmapped */
    CHECK_EQ(tp_check_buffer(mine, 64, 1), 0);

    /* Connections are told apart. */
    struct tp_conn c2;
    CHECK_EQ(tp_connect(svc.handle, 0, &c2), 0);
    struct tp_req w1 = {.op = OP_WHO, .buf = mine, .cap = 0}, w2 = w1;
    CHECK_EQ(tp_call(&c, &w1), 0);
    CHECK_EQ(tp_call(&c2, &w2), 0);
    CHECK(w1.res[0] != 0 && w2.res[0] != 0);
    if (kind != TP_XPC) /* XPC names the calling process, the others the connection */
        CHECK(w1.res[0] != w2.res[0]);
    tp_close(&c2);

    /* A chain: forward -> echo; with XPC the forwarder hands a window of our segment down. */
    int64_t share = tp_service_share(svc.handle);
    CHECK(share > 0);
    uint64_t sh = (uint64_t)share;
    snprintf(args, sizeof(args), "forward fs=%s", tp_kind_name(kind));
    struct tp_service fwd;
    CHECK_EQ(tp_service_start("tptest", args, &sh, 1, &fwd), 0);
    struct tp_conn fc;
    CHECK_EQ(tp_connect(fwd.handle, 0, &fc), 0);
    uint8_t *fb = tp_buffer(&fc);
    CHECK(fb != NULL);
    if (fb) {
        memset(fb, 0, 12000);
        fill(fb + 4096, 6000, 9);
        struct tp_req f = {
            .op = OP_FORWARD, .arg = {4096, 6000}, .buf = fb, .len = 12000, .cap = 12000};
        CHECK_EQ(tp_call(&fc, &f), 7);
        CHECK_EQ(f.res[0], 3);
        CHECK(echoed(fb + 4096, 6000, 9, 0));
        CHECK(fb[4095] == 0 && fb[10096] == 0);
        f = (struct tp_req){.op = OP_FORWARD, .arg = {4096, 9000}, .buf = fb, .cap = 12000};
        CHECK_EQ(tp_call(&fc, &f), ERR_INVALID_ARGS);
    }
    tp_close(&fc);
    tp_service_stop(&fwd);

    tp_close(&c);
    free(mine);
    tp_service_stop(&svc);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "echo") == 0)
        return serve(argc, argv, 0);
    if (argc > 1 && strcmp(argv[1], "forward") == 0)
        return serve(argc, argv, 1);
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: tptest              the transport tests (reports to init)\n"
               "       tptest echo fs=KIND   an echo server, KIND = xpc|endpoint|channel\n"
               "       tptest forward fs=KIND  a server that forwards to an echo server\n");
        return 0;
    }
    struct kstats before, after;
    sys_kstats(&before);
    static const enum tp_kind kinds[] = {TP_XPC, TP_ENDPOINT, TP_CHANNEL};
    for (unsigned i = 0; i < 3; i++) {
        unsigned long p = tests_passed, f = tests_failed;
        test_kind(kinds[i]);
        printf("tptest: %-8s %lu passed, %lu failed\n", tp_kind_name(kinds[i]), tests_passed - p,
               tests_failed - f);
    }
    sys_kstats(&after);
    CHECK_EQ(after.objects[OBJ_PROCESS], before.objects[OBJ_PROCESS]);
    CHECK_EQ(after.objects[OBJ_CHANNEL], before.objects[OBJ_CHANNEL]);
    CHECK_EQ(after.objects[OBJ_ENDPOINT], before.objects[OBJ_ENDPOINT]);
    CHECK_EQ(after.objects[OBJ_RELAY_SEG], before.objects[OBJ_RELAY_SEG]);
    CHECK_EQ(after.objects[OBJ_XENTRY], before.objects[OBJ_XENTRY]);
    uint64_t counts[2] = {tests_passed, tests_failed};
    sys_channel_write(xpc_bootstrap_handle, counts, sizeof(counts), NULL, 0);
    return tests_failed != 0;
}
