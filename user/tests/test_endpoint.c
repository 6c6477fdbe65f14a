/* seL4-style endpoints: fastpath and slow path, long messages, handle transfer, in-process and
 * cross-process servers, errors. */
#include <string.h>
#include "harness.h"

static void local_server(void *arg)
{
    uint64_t ep = (uint64_t)arg;
    struct ipc_msg m = {0};
    if (ipc_recv(ep, &m) < 0)
        return;
    for (;;) {
        if (MSGINFO_LABEL(m.info) == LABEL_EXIT)
            return;
        if (MSGINFO_LABEL(m.info) == LABEL_BADGE)
            m.mr[3] = m.badge;
        m.info = MSGINFO(0, MSGINFO_WORDS(m.info), 0);
        m.mr[0] += 100;
        if (ipc_reply_recv(ep, &m) < 0)
            return;
    }
}

static void exercise(uint64_t ep, uint64_t add, const char *where)
{
    struct ipc_buffer *buf = sys_ipc_buffer();
    struct kstats s0, s1;
    sys_kstats(&s0);
    struct ipc_msg m = {MSGINFO(LABEL_ECHO, 0, 0), {41, 0, 0, 0}, 0};
    CHECK_EQ(ipc_call(ep, &m), 0);
    CHECK_EQ(m.mr[0], 41 + add);
    /* Four register words: the fastpath takes it (the server waits in recv by now). */
    for (int i = 0; i < 10; i++) {
        m = (struct ipc_msg){MSGINFO(LABEL_ECHO, 4, 0), {7, 8, 9, 10}, 0};
        CHECK_EQ(ipc_call(ep, &m), 0);
        CHECK(m.mr[0] == 7 + add && m.mr[1] == 8 && m.mr[2] == 9 && m.mr[3] == 10);
    }
    sys_kstats(&s1);
    CHECK(s1.fastpath_calls >= s0.fastpath_calls + 10);
    /* Ten words and a full buffer: the slow path copies the IPC buffer. */
    for (int i = 4; i < IPC_MSG_WORDS; i++)
        buf->msg[i] = 1000 + i;
    m = (struct ipc_msg){MSGINFO(LABEL_ECHO, 10, 0), {1, 2, 3, 4}, 0};
    CHECK_EQ(ipc_call(ep, &m), 0);
    CHECK_EQ(MSGINFO_WORDS(m.info), 10);
    memset(&buf->msg[4], 0, 8 * 8);
    for (int i = 4; i < IPC_MSG_WORDS; i++)
        buf->msg[i] = 5000 + i;
    m = (struct ipc_msg){MSGINFO(LABEL_ECHO, IPC_MSG_WORDS, 0), {1, 2, 3, 4}, 0};
    CHECK_EQ(ipc_call(ep, &m), 0);
    int ok = MSGINFO_WORDS(m.info) == IPC_MSG_WORDS;
    for (int i = 4; i < IPC_MSG_WORDS; i++)
        ok &= buf->msg[i] == (uint64_t)(5000 + i);
    CHECK(ok);
    m = (struct ipc_msg){MSGINFO(LABEL_ECHO, IPC_MSG_WORDS + 1, 0), {0}, 0};
    CHECK_EQ(ipc_call(ep, &m), ERR_INVALID_ARGS);
    m = (struct ipc_msg){MSGINFO(LABEL_ECHO, 0, IPC_MAX_HANDLES + 1), {0}, 0};
    CHECK_EQ(ipc_call(ep, &m), ERR_INVALID_ARGS);
    (void)where;
}

void test_endpoint(void)
{
    struct ipc_msg m = {0};
    CHECK_EQ(ipc_call(0, &m), ERR_BAD_HANDLE);
    CHECK_EQ(ipc_recv(999, &m), ERR_BAD_HANDLE);
    int64_t v = sys_vmo_create(4096);
    CHECK_EQ(ipc_call(v, &m), ERR_WRONG_TYPE);
    int64_t ep = sys_endpoint_create();
    CHECK(ep > 0);
    int64_t recv_only = sys_handle_duplicate(ep, RIGHT_READ);
    CHECK_EQ(ipc_call(recv_only, &m), ERR_ACCESS_DENIED);
    sys_handle_close(recv_only);

    /* Same address space: a server thread. */
    int64_t th = xpc_thread_start(local_server, (void *)ep, 16384, DEFAULT_PRIORITY);
    CHECK(th > 0);
    exercise((uint64_t)ep, 100, "thread");
    /* Badges: minted once, delivered with every call, not forgeable, kept by duplicates. */
    CHECK_EQ(sys_endpoint_mint(ep, 0), ERR_INVALID_ARGS);
    int64_t badged = sys_endpoint_mint(ep, 77);
    CHECK(badged > 0);
    CHECK_EQ(sys_endpoint_mint(badged, 5), ERR_BAD_STATE);
    CHECK_EQ(sys_endpoint_mint(v, 5), ERR_WRONG_TYPE);
    m = (struct ipc_msg){MSGINFO(LABEL_BADGE, 4, 0), {1, 2, 3, 4}, 0};
    CHECK_EQ(ipc_call(badged, &m), 0); /* fastpath */
    CHECK_EQ(m.mr[3], 77);
    CHECK_EQ(m.badge, 0); /* replies carry none */
    int64_t dup = sys_handle_duplicate(badged, RIGHT_SAME_RIGHTS);
    m = (struct ipc_msg){MSGINFO(LABEL_BADGE, 6, 0), {1, 2, 3, 4}, 0};
    CHECK_EQ(ipc_call(dup, &m), 0); /* slow path */
    CHECK_EQ(m.mr[3], 77);
    m = (struct ipc_msg){MSGINFO(LABEL_BADGE, 4, 0), {1, 2, 3, 4}, 0};
    CHECK_EQ(ipc_call(ep, &m), 0);
    CHECK_EQ(m.mr[3], 0);
    sys_handle_close(dup);
    sys_handle_close(badged);
    m = (struct ipc_msg){MSGINFO(LABEL_EXIT, 0, 0), {0}, 0};
    /* The server exits without replying: the caller gets an error, not a hang. */
    CHECK(ipc_call(ep, &m) < 0);
    CHECK_EQ(sys_object_wait(th), 0);
    sys_handle_close(th);

    /* Another address space: the server program, given a duplicate of the endpoint. */
    int64_t p = xpc_spawn("server", "ep", sys_handle_duplicate(ep, RIGHT_SAME_RIGHTS));
    CHECK(p > 0);
    exercise((uint64_t)ep, 1, "process");
    /* Handle transfer: the server maps our VMO and increments its first word. */
    int64_t va = sys_vmo_map(v, 0, MAP_READ | MAP_WRITE);
    *(volatile uint64_t *)va = 41;
    struct ipc_buffer *buf = sys_ipc_buffer();
    buf->handles[0] = (uint64_t)sys_handle_duplicate(v, RIGHT_SAME_RIGHTS);
    m = (struct ipc_msg){MSGINFO(LABEL_VMO_INC, 0, 1), {0}, 0};
    CHECK_EQ(ipc_call(ep, &m), 0);
    CHECK_EQ(m.mr[0], 0);
    CHECK_EQ(*(volatile uint64_t *)va, 42);
    CHECK_EQ(sys_handle_info(buf->handles[0]), ERR_BAD_HANDLE); /* it moved */
    sys_vm_unmap((uint64_t)va);
    m = (struct ipc_msg){MSGINFO(LABEL_EXIT, 0, 0), {0}, 0};
    CHECK(ipc_call(ep, &m) < 0);
    CHECK_EQ(sys_object_wait(p), 0);
    sys_handle_close(p);

    /* A receiver on an endpoint that loses its last handle is woken with an error. */
    sys_handle_close(v);
    sys_handle_close(ep);
}
