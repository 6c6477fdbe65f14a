/* Helper process for the tests and the benchmark. argv[1] picks the role:
 *   ep      seL4-style echo server on the bootstrap endpoint
 *   chan    channel echo server on the bootstrap channel end
 *   crash   touches an unmapped address (the kernel must kill it)
 *   writetext  writes to its own code (shared read-only text: killed)
 *   spin    loops forever (until killed)
 *   exit N  exits with status N */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>

#define LABEL_ECHO    1
#define LABEL_VMO_INC 2
#define LABEL_EXIT    3

static void serve_endpoint(uint64_t ep)
{
    struct ipc_buffer *buf = sys_ipc_buffer();
    struct ipc_msg m = {0};
    if (ipc_recv(ep, &m) < 0)
        sys_exit(1);
    for (;;) {
        uint64_t label = MSGINFO_LABEL(m.info);
        if (label == LABEL_EXIT)
            sys_exit(0);
        if (label == LABEL_VMO_INC && MSGINFO_HANDLES(m.info) == 1) {
            uint64_t h = buf->handles[0];
            int64_t va = sys_vmo_map(h, 0, MAP_READ | MAP_WRITE);
            if (va > 0) {
                (*(volatile uint64_t *)va)++;
                sys_vm_unmap((uint64_t)va);
            }
            sys_handle_close(h);
            m.info = MSGINFO(0, 1, 0);
            m.mr[0] = va > 0 ? 0 : (uint64_t)va;
        } else {
            /* Echo: same words back (the long part is already in our buffer), mr0 + 1. */
            m.info = MSGINFO(0, MSGINFO_WORDS(m.info), 0);
            m.mr[0]++;
        }
        if (ipc_reply_recv(ep, &m) < 0)
            sys_exit(2);
    }
}

static void serve_channel(uint64_t ch)
{
    static uint8_t msg[CHANNEL_MAX_BYTES];
    uint64_t handles[CHANNEL_MAX_HANDLES];
    for (;;) {
        uint64_t actual = 0;
        int64_t r = sys_channel_read(ch, msg, sizeof(msg), handles, CHANNEL_MAX_HANDLES, &actual,
                                     CHANNEL_READ_WAIT);
        if (r == ERR_PEER_CLOSED)
            sys_exit(0);
        if (r < 0)
            sys_exit(3);
        uint32_t n = (uint32_t)actual, nh = (uint32_t)(actual >> 32);
        /* A visible change to a few bytes, not all: the benchmark times the kernel's copies. */
        for (uint32_t i = 4; i < n && i < 16; i++)
            msg[i]++;
        if (sys_channel_write(ch, msg, n, handles, nh) < 0)
            sys_exit(4);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 100;
    if (strcmp(argv[1], "ep") == 0)
        serve_endpoint(xpc_bootstrap_handle);
    if (strcmp(argv[1], "chan") == 0)
        serve_channel(xpc_bootstrap_handle);
    if (strcmp(argv[1], "crash") == 0) {
        volatile int *volatile bad = (int *)8;
        return *bad;
    }
    if (strcmp(argv[1], "writetext") == 0) { /* text is shared by every copy: never writable */
        volatile uint32_t *volatile text = (volatile uint32_t *)(uintptr_t)main;
        *text = 0;
        return 102;
    }
    if (strcmp(argv[1], "spin") == 0)
        for (;;)
            __asm__ volatile("");
    if (strcmp(argv[1], "exit") == 0 && argc > 2)
        return atoi(argv[2]);
    return 101;
}
