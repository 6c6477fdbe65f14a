/* Zircon-style channels: queueing, limits, handles, peer closure, channel_call. */
#include <string.h>
#include "harness.h"

static uint64_t waker_channel;

static void delayed_writer(void *arg)
{
    (void)arg;
    sys_sleep_ns(10000000);
    sys_channel_write(waker_channel, "wake", 4, NULL, 0);
}

void test_channel(void)
{
    uint64_t ch[2];
    CHECK_EQ(sys_channel_create((uint64_t *)0x1000), ERR_FAULT);
    CHECK_EQ(sys_channel_create(ch), 0);
    char buf[64];
    uint64_t actual = 0;
    CHECK_EQ(sys_channel_read(ch[1], buf, sizeof(buf), NULL, 0, &actual, 0), ERR_SHOULD_WAIT);
    CHECK_EQ(sys_channel_write(ch[0], "hello", 5, NULL, 0), 0);
    CHECK_EQ(sys_channel_read(ch[1], buf, 2, NULL, 0, &actual, 0), ERR_BUFFER_TOO_SMALL);
    CHECK_EQ(actual, 5);
    CHECK_EQ(sys_channel_read(ch[1], buf, sizeof(buf), NULL, 0, &actual, 0), 0);
    CHECK(actual == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(sys_channel_read(ch[1], buf, sizeof(buf), NULL, 0, &actual, 7), ERR_INVALID_ARGS);
    /* Limits. */
    static char large[CHANNEL_MAX_BYTES + 1];
    CHECK_EQ(sys_channel_write(ch[0], large, CHANNEL_MAX_BYTES + 1, NULL, 0), ERR_INVALID_ARGS);
    CHECK_EQ(sys_channel_write(ch[0], (void *)0x80000000, 8, NULL, 0), ERR_FAULT);
    int n = 0;
    while (sys_channel_write(ch[0], large, CHANNEL_MAX_BYTES, NULL, 0) == 0 && n < 1000)
        n++;
    CHECK_EQ(n, CHANNEL_MAX_QUEUED);
    for (int i = 0; i < n; i++)
        sys_channel_read(ch[1], large, sizeof(large), NULL, 0, &actual, 0);
    /* Copies at every alignment, and a source that runs into an unmapped page. */
    static uint8_t src[CHANNEL_MAX_BYTES + 16], dst[CHANNEL_MAX_BYTES + 16];
    for (int i = 0; i < (int)sizeof(src); i++)
        src[i] = (uint8_t)(i * 7 + 3);
    int copies_ok = 1;
    for (int off = 0; off < 9; off++) {
        uint32_t len = CHANNEL_MAX_BYTES - off;
        memset(dst, 0, sizeof(dst));
        copies_ok &= sys_channel_write(ch[0], src + off, len, NULL, 0) == 0;
        copies_ok &= sys_channel_read(ch[1], dst + (8 - off), len, NULL, 0, &actual, 0) == 0;
        copies_ok &= actual == len && memcmp(dst + (8 - off), src + off, len) == 0;
    }
    CHECK(copies_ok);
    int64_t edge = sys_vmo_create(4096);
    CHECK_EQ(sys_vmo_map(edge, 0x31000000, MAP_READ | MAP_WRITE), 0x31000000);
    CHECK_EQ(sys_channel_write(ch[0], (void *)(0x31000000 + 4000), 200, NULL, 0), ERR_FAULT);
    CHECK_EQ(sys_channel_read(ch[1], dst, sizeof(dst), NULL, 0, &actual, 0), ERR_SHOULD_WAIT);
    CHECK_EQ(sys_channel_write(ch[0], (void *)(0x31000000 + 4000), 96, NULL, 0), 0);
    CHECK_EQ(sys_channel_read(ch[1], (void *)(0x31000000 + 4050), 96, NULL, 0, &actual, 0),
             ERR_FAULT); /* the message stays queued */
    CHECK_EQ(sys_channel_read(ch[1], dst, sizeof(dst), NULL, 0, &actual, 0), 0);
    sys_vm_unmap(0x31000000);
    sys_handle_close(edge);

    /* Handles travel; a channel cannot carry its own ends. */
    uint64_t hs[2];
    hs[0] = (uint64_t)sys_vmo_create(4096);
    CHECK_EQ(sys_channel_write(ch[0], "", 0, &ch[0], 1), ERR_NOT_SUPPORTED);
    CHECK_EQ(sys_channel_write(ch[0], "", 0, &ch[1], 1), ERR_NOT_SUPPORTED);
    hs[1] = hs[0];
    CHECK_EQ(sys_channel_write(ch[0], "", 0, hs, 2), ERR_INVALID_ARGS); /* duplicate entry */
    CHECK_EQ(sys_channel_write(ch[0], "v", 1, hs, 1), 0);
    CHECK_EQ(sys_handle_info(hs[0]), ERR_BAD_HANDLE); /* moved out of our table */
    uint64_t got[4];
    CHECK_EQ(sys_channel_read(ch[1], buf, sizeof(buf), got, 0, &actual, 0), ERR_BUFFER_TOO_SMALL);
    CHECK_EQ(sys_channel_read(ch[1], buf, sizeof(buf), got, 4, &actual, 0), 0);
    CHECK_EQ(actual >> 32, 1);
    CHECK_EQ(sys_handle_info(got[0]) & 0xff, OBJ_VMO);
    sys_handle_close(got[0]);
    /* A blocked read is woken by a write from another thread. */
    waker_channel = ch[0];
    int64_t th = xpc_thread_start(delayed_writer, NULL, 8192, DEFAULT_PRIORITY);
    CHECK_EQ(sys_channel_read(ch[1], buf, sizeof(buf), NULL, 0, &actual, CHANNEL_READ_WAIT), 0);
    CHECK(actual == 4 && memcmp(buf, "wake", 4) == 0);
    sys_object_wait(th);
    sys_handle_close(th);
    /* Queued messages with handles die with the end; the peer sees the closure. */
    hs[0] = (uint64_t)sys_vmo_create(4096);
    sys_channel_write(ch[0], "x", 1, hs, 1);
    struct kstats s0;
    sys_kstats(&s0);
    CHECK_EQ(sys_handle_close(ch[1]), 0);
    struct kstats s1;
    sys_kstats(&s1);
    CHECK_EQ(s1.objects[OBJ_VMO], s0.objects[OBJ_VMO] - 1);
    CHECK_EQ(sys_channel_write(ch[0], "x", 1, NULL, 0), ERR_PEER_CLOSED);
    CHECK_EQ(sys_channel_read(ch[0], buf, sizeof(buf), NULL, 0, &actual, CHANNEL_READ_WAIT),
             ERR_PEER_CLOSED);
    sys_handle_close(ch[0]);

    /* A chain of channels, each queued inside the next: closing the head destroys them all
     * (iteratively: a recursive teardown would overflow the kernel stack). */
    struct kstats c0, c1;
    sys_kstats(&c0);
    uint64_t hold = 0;
    int built = 0;
    for (int i = 0; i < 3000; i++) {
        if (sys_channel_create(ch) < 0)
            break;
        if (hold && sys_channel_write(ch[0], "", 0, &hold, 1) < 0)
            break;
        sys_handle_close(ch[0]);
        hold = ch[1];
        built++;
    }
    CHECK_EQ(built, 3000);
    CHECK_EQ(sys_handle_close(hold), 0);
    sys_kstats(&c1);
    CHECK_EQ(c1.objects[OBJ_CHANNEL], c0.objects[OBJ_CHANNEL]);
    CHECK_EQ(c1.heap_bytes, c0.heap_bytes);

    /* channel_call against a server process. */
    CHECK_EQ(sys_channel_create(ch), 0);
    int64_t p = xpc_spawn("server", "chan", ch[1]);
    CHECK(p > 0);
    uint8_t req[16], rep[16];
    for (int i = 0; i < 16; i++)
        req[i] = (uint8_t)i;
    struct channel_call_args a = {req, NULL, 16, 0, rep, NULL, sizeof(rep), 0};
    int ok = 1;
    for (int round = 0; round < 20; round++)
        ok &= sys_channel_call(ch[0], &a) == 0 && rep[4] == 5 && rep[15] == 16 &&
              (rep[3] & 0x80) != 0; /* the kernel-made transaction id came back */
    CHECK(ok);
    a.wr_num_bytes = 2;
    CHECK_EQ(sys_channel_call(ch[0], &a), ERR_INVALID_ARGS);
    CHECK_EQ(sys_channel_call(ch[0], (void *)0x10), ERR_FAULT);
    a.wr_num_bytes = 16;
    a.rd_num_bytes = 8; /* the reply does not fit */
    CHECK_EQ(sys_channel_call(ch[0], &a), ERR_BUFFER_TOO_SMALL);
    sys_handle_close(ch[0]); /* the server sees PEER_CLOSED and exits */
    CHECK_EQ(sys_object_wait(p), 0);
    sys_handle_close(p);
}
