/* Processes: spawn, exit codes, faults, kill, teardown without leaks. */
#include <string.h>
#include "harness.h"

static volatile int thread_ran;

static void set_flag(void *arg)
{
    thread_ran = (int)(uintptr_t)arg;
}

void test_process(void)
{
    CHECK_EQ(xpc_spawn("no-such-program", "", 0), ERR_NOT_FOUND);
    CHECK_EQ(sys_spawn("server", 0, "", 0, 0, 0), ERR_INVALID_ARGS);
    CHECK_EQ(sys_spawn((char *)0x10, 6, "", 0, 0, 0), ERR_FAULT);
    CHECK_EQ(sys_spawn("server", 6, "", 0, 12345, 0), ERR_BAD_HANDLE);
    CHECK_EQ(sys_spawn("server", 6, "", 0, 0, 12345), ERR_BAD_HANDLE);
    {
        /* The service handle moves into the child: gone here, and its channel's peer sees the
         * end closed when the child exits. */
        uint64_t ch[2];
        CHECK_EQ(sys_channel_create(ch), 0);
        CHECK_EQ(sys_spawn("server", 6, "", 0, ch[1], ch[1]), ERR_INVALID_ARGS);
        int64_t child = xpc_spawn_service("server", "exit 0", 0, ch[1]);
        CHECK(child > 0);
        CHECK(sys_handle_info(ch[1]) < 0);
        CHECK_EQ(sys_object_wait(child), 0);
        uint64_t actual;
        CHECK_EQ(sys_channel_read(ch[0], NULL, 0, NULL, 0, &actual, 0), ERR_PEER_CLOSED);
        sys_handle_close((uint64_t)child);
        sys_handle_close(ch[0]);
    }
    struct kstats s0, s1;
    /* Warm up: the first spawn grows our heap and the handle table. */
    int64_t p = xpc_spawn("server", "exit 0", 0);
    sys_object_wait(p);
    sys_handle_close(p);
    sys_kstats(&s0);
    p = xpc_spawn("server", "exit 7", 0);
    CHECK(p > 0);
    CHECK_EQ(sys_object_wait(p), 7);
    CHECK_EQ(sys_object_wait(p), 7); /* a zombie keeps its status */
    CHECK_EQ(sys_handle_info(p) & 0xff, OBJ_PROCESS);
    sys_handle_close(p);
    /* A fault kills the process, not the kernel. */
    p = xpc_spawn("server", "crash", 0);
    int64_t code = sys_object_wait(p);
    CHECK(code < -1000);
    sys_handle_close(p);
    /* Program text is mapped from the boot image for every copy: writing it is a store fault,
     * and the next copy runs unharmed. */
    p = xpc_spawn("server", "writetext", 0);
    CHECK_EQ(sys_object_wait(p), -1000 - 15);
    sys_handle_close(p);
    p = xpc_spawn("server", "exit 9", 0);
    CHECK_EQ(sys_object_wait(p), 9);
    sys_handle_close(p);
    /* Kill a spinning process that holds objects. */
    p = xpc_spawn("server", "spin", 0);
    sys_sleep_ns(5000000);
    CHECK_EQ(sys_kill(p), 0);
    CHECK_EQ(sys_object_wait(p), ERR_PEER_CLOSED);
    CHECK_EQ(sys_kill(p), 0); /* already dead: no effect */
    sys_handle_close(p);
    /* A killed server in the middle of a session: its endpoint handle and mapping go away. */
    int64_t ep = sys_endpoint_create();
    p = xpc_spawn("server", "ep", sys_handle_duplicate(ep, RIGHT_SAME_RIGHTS));
    struct ipc_msg m = {MSGINFO(LABEL_ECHO, 1, 0), {1, 0, 0, 0}, 0};
    CHECK_EQ(ipc_call(ep, &m), 0);
    CHECK_EQ(sys_kill(p), 0);
    sys_object_wait(p);
    sys_handle_close(p);
    sys_handle_close(ep);
    sys_kstats(&s1);
    CHECK_EQ(s1.frames_used, s0.frames_used);
    CHECK_EQ(s1.heap_bytes, s0.heap_bytes);
    CHECK_EQ(s1.objects[OBJ_PROCESS], s0.objects[OBJ_PROCESS]);
    CHECK_EQ(s1.objects[OBJ_THREAD], s0.objects[OBJ_THREAD]);
    CHECK_EQ(s1.handles, s0.handles);
    /* A parent can map a VMO into a child it manages; the child's death releases it. */
    int64_t v = sys_vmo_create(8192);
    p = xpc_spawn("server", "spin", 0);
    int64_t cva = sys_vmo_map_in(p, v, 0, MAP_READ | MAP_WRITE);
    CHECK(cva >= (int64_t)USER_MAP_BASE);
    CHECK_EQ(sys_vmo_map_in(p, v, cva, MAP_READ), ERR_OUT_OF_RANGE);
    CHECK_EQ(sys_vm_unmap_in(p, cva), 0);
    CHECK(sys_vmo_map_in(p, v, 0, MAP_READ) > 0);
    CHECK_EQ(sys_vmo_map_in(v, v, 0, MAP_READ), ERR_WRONG_TYPE);
    int64_t weak = sys_handle_duplicate(p, RIGHT_WAIT);
    CHECK_EQ(sys_vmo_map_in(weak, v, 0, MAP_READ), ERR_ACCESS_DENIED);
    sys_handle_close(weak);
    sys_kill(p);
    sys_object_wait(p);
    CHECK_EQ(sys_vmo_map_in(p, v, 0, MAP_READ), ERR_BAD_STATE);
    CHECK_EQ(SYSCALL(SYS_THREAD_CREATE, 0x10000, 0x3e000000, 0, 1, p), ERR_BAD_STATE);
    sys_handle_close(p);
    struct kstats s2;
    sys_kstats(&s2);
    CHECK_EQ(s2.objects[OBJ_VMO], s0.objects[OBJ_VMO] + 1); /* only our handle holds it now */
    sys_handle_close(v);

    /* Threads. */
    CHECK_EQ(sys_thread_create(0, 0x3e000000, 0, DEFAULT_PRIORITY), ERR_INVALID_ARGS);
    CHECK_EQ(sys_thread_create(0x10000, 0x3e000008, 0, DEFAULT_PRIORITY), ERR_INVALID_ARGS);
    CHECK_EQ(sys_thread_create(0x10000, 0x3e000000, 0, MAX_PRIORITY + 1), ERR_INVALID_ARGS);
    int64_t t = xpc_thread_start(set_flag, (void *)5, 8192, DEFAULT_PRIORITY);
    CHECK(t > 0);
    CHECK_EQ(sys_object_wait(t), 0);
    CHECK_EQ(thread_ran, 5);
    CHECK_EQ(sys_handle_info(t) & 0xff, OBJ_THREAD);
    sys_handle_close(t);
}
