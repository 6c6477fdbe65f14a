/* xpcattack's child roles: each runs one attack from a process of its own and reports over its
 * bootstrap channel or through its exit status. */
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>
#include "xpcattack.h"

static int64_t read_boot(void *buf, uint32_t n, uint64_t *h)
{
    uint64_t actual;
    return sys_channel_read(xpc_bootstrap_handle, buf, n, h, h ? 1 : 0, &actual, CHANNEL_READ_WAIT);
}

/* Binds the echo handle it was sent, calls, and reports what the callee saw as its identity
 * next to the kernel's word for it. */
static int ident(void)
{
    char tag[8];
    uint64_t h = 0;
    if (read_boot(tag, sizeof(tag), &h) < 0)
        return 2;
    struct xpc_msg m = {{0}};
    int64_t r = xpc_call((uint64_t)xpc_bind(h), &m);
    uint64_t out[3] = {(uint64_t)r, m.r[1], (uint64_t)xpc_identity()};
    sys_channel_write(xpc_bootstrap_handle, out, sizeof(out), NULL, 0);
    return 0;
}

/* Calls an ID it holds no handle for (the ID arrives as bytes): must be refused. */
static int nocall(void)
{
    int64_t id = -1;
    if (read_boot(&id, sizeof(id), NULL) < 0)
        return 2;
    struct xpc_msg m = {{0}};
    return (int)xpc_call((uint64_t)id, &m);
}

/* A read-only handle to a segment: attached, it must stay read-only (the store faults). */
static int rowrite(void)
{
    int64_t h = SYSCALL(SYS_RELAY_CREATE, 4096, MAP_READ | MAP_WRITE, 0, 0, 0);
    int64_t ro = sys_handle_duplicate((uint64_t)h, RIGHT_MAP | RIGHT_READ);
    sys_handle_close((uint64_t)h);
    int64_t va = SYSCALL(SYS_RELAY_ATTACH, (uint64_t)ro, 2, 0, 0, 0);
    if (va < 0 || xpc_seg_swap(2) < 0)
        return 3;
    volatile uint64_t *p = (volatile uint64_t *)va;
    (void)*p;
    *p = 1; /* a store page fault ends the process here */
    return 4;
}

static void nothing(void *arg)
{
    (void)arg;
}

/* Limits set by the parent before "go": priority at most DEFAULT_PRIORITY, 4 x-entries. Each
 * refusal sets a bit; 0x3f is all of them. */
static int limits(void)
{
    char tag[8];
    if (read_boot(tag, sizeof(tag), NULL) < 0)
        return -2;
    int bits = 0;
    if (xpc_thread_start(nothing, NULL, 4096, DEFAULT_PRIORITY + 1) == ERR_ACCESS_DENIED)
        bits |= 1;
    int64_t t = xpc_thread_start(nothing, NULL, 4096, DEFAULT_PRIORITY);
    if (t > 0)
        bits |= 2;
    if (t > 0 && sys_thread_set_priority((uint64_t)t, MAX_PRIORITY) == ERR_ACCESS_DENIED)
        bits |= 4;
    int n = 0;
    int64_t e;
    while ((e = SYSCALL(SYS_XENTRY_CREATE, (uint64_t)nothing, 1, 0, 0, 0)) > 0)
        n++;
    if (n == 4 && e == ERR_NO_RESOURCES)
        bits |= 8;
    /* A grandchild inherits the limit and cannot be given more than its parent has. */
    int64_t g = xpc_spawn("xpcattack", "limits2", 0);
    if (g > 0 && sys_object_wait((uint64_t)g) == 0)
        bits |= 16;
    if (g > 0 && sys_process_set_limits((uint64_t)g, MAX_PRIORITY, 0) == ERR_ACCESS_DENIED)
        bits |= 32;
    return bits;
}

static int limits2(void)
{
    return xpc_thread_start(nothing, NULL, 4096, DEFAULT_PRIORITY + 1) == ERR_ACCESS_DENIED ? 0 : 1;
}

/* Takes every x-entry it can, says how many, and keeps them until told to quit. */
static int hog(void)
{
    int64_t n = 0;
    while (SYSCALL(SYS_XENTRY_CREATE, (uint64_t)nothing, 1, 0, 0, 0) > 0)
        n++;
    sys_channel_write(xpc_bootstrap_handle, &n, sizeof(n), NULL, 0);
    char tag[8];
    read_boot(tag, sizeof(tag), NULL);
    return 0;
}

/* Receives one endpoint message (the attacker's call handle travels in it) and answers. */
static int epsink(void)
{
    char tag[8];
    uint64_t ep = 0;
    if (read_boot(tag, sizeof(tag), &ep) < 0)
        return 2;
    struct ipc_msg m = {0, {0}, 0};
    if (ipc_recv(ep, &m) < 0)
        return 3;
    int got = MSGINFO_HANDLES(m.info) == 1 && sys_ipc_buffer()->handles[0] != 0;
    m.info = MSGINFO(0, 1, 0);
    m.mr[0] = (uint64_t)got;
    ipc_reply_recv(ep, &m); /* answers, then waits for nothing: the parent kills it */
    return 0;
}

int child_main(const char *role)
{
    if (strcmp(role, "epsink") == 0)
        return epsink();
    if (strcmp(role, "ident") == 0)
        return ident();
    if (strcmp(role, "nocall") == 0)
        return nocall();
    if (strcmp(role, "rowrite") == 0)
        return rowrite();
    if (strcmp(role, "limits") == 0)
        return limits();
    if (strcmp(role, "limits2") == 0)
        return limits2();
    if (strcmp(role, "hog") == 0)
        return hog();
    return 0; /* "idle" */
}
