/* xpctest's server role: the entries the tests call, in a process of their own, offered as a
 * peer (peer.h): S_FORWARD calls on to whatever entry it was last given. */
#include <stdio.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>
#include <xpc/peer.h>
#include "xpctest.h"

uint64_t secret = 0x5e7e7;
static int64_t forward_id = -1;

/* A handle only this process has: a system call made inside a call is served with the handle
 * table of the process whose code runs (the callee's), not the caller's. */
static int64_t own_vmo;

static void on_echo(struct xpc_msg *m)
{
    for (int i = 1; i < 4; i++)
        m->r[i]++;
    m->r[4] = (uint64_t)own_vmo;
    m->r[5] = (uint64_t)sys_handle_info((uint64_t)own_vmo);
    m->r[6] = xpc_caller();
    m->r[0] = 0;
}

/* Sums the active segment and adds 1 to every byte of it. */
static void on_seg(struct xpc_msg *m)
{
    size_t len;
    uint8_t *p = xpc_seg_active(&len);
    uint64_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum += p[i];
        p[i]++;
    }
    m->r[0] = 0;
    m->r[1] = sum;
    m->r[2] = len;
    m->r[3] = (uint64_t)p;
}

/* What lives at the caller's address in this address space: never the caller's data. */
static int64_t own_ep;

static void on_peek(struct xpc_msg *m)
{
    m->r[1] = m->r[1] == (uint64_t)&secret ? secret : 0;
    /* An endpoint call with words beyond the registers, from inside the call: the IPC buffer of
     * this thread is its caller's, so the kernel refuses before anything is copied. */
    struct ipc_msg msg = {MSGINFO(0, 10, 0), {0}, 0};
    m->r[2] = (uint64_t)ipc_call((uint64_t)own_ep, &msg);
    m->r[3] = (uint64_t)ipc_recv((uint64_t)own_ep, &msg); /* nor may it receive */
    m->r[0] = 0;
}

static void on_sleep(struct xpc_msg *m)
{
    sys_sleep_ns(m->r[1]);
    m->r[0] = 0;
    m->r[1] = 42;
}

/* Spins until the kernel takes the caller back; r[1] == 1 returns at once instead. It has one
 * context, so every call that got it and never returned would leave it taken. */
static void on_spin(struct xpc_msg *m)
{
    m->r[0] = 0;
    if (m->r[1] == 1)
        return;
    for (volatile int i = 0;; i++)
        ;
}

static void on_crash(struct xpc_msg *m)
{
    (void)m;
    volatile uint64_t *volatile nowhere = (volatile uint64_t *)8;
    *nowhere = 1; /* a fault in the callee ends the callee's process */
}

/* Returns without the segment it was handed: swaps it into the (empty) seg-list slot. */
static void on_badret(struct xpc_msg *m)
{
    xpc_seg_swap(XPC_SEGLIST_SIZE - 1);
    m->r[0] = 0;
}

/* Passes the call on to the entry bound by the last command. */
static void on_forward(struct xpc_msg *m)
{
    struct xpc_msg inner = *m;
    int64_t r = forward_id < 0 ? ERR_BAD_STATE : xpc_call((uint64_t)forward_id, &inner);
    *m = inner;
    m->r[0] = (uint64_t)r;
}

static void set_forward(int64_t id)
{
    forward_id = id;
}

int server_main(void)
{
    static const xpc_handler_t fns[SERVER_ENTRIES] = {
        [S_ECHO] = on_echo, [S_SEG] = on_seg,     [S_PEEK] = on_peek,     [S_SLEEP] = on_sleep,
        [S_SPIN] = on_spin, [S_CRASH] = on_crash, [S_BADRET] = on_badret, [S_FORWARD] = on_forward,
    };
    uint64_t handles[SERVER_ENTRIES];
    own_vmo = sys_vmo_create(4096);
    own_ep = sys_endpoint_create();
    for (int i = 0; i < SERVER_ENTRIES; i++) {
        int64_t h = xpc_entry_create(fns[i], i == S_SPIN ? 1 : 4, i == S_FORWARD ? 4096 : 0, 0);
        /* S_SPIN's handle may be passed on: the test gives a copy to a child. */
        uint64_t rights =
            RIGHT_CALL | RIGHT_TRANSFER | (i == S_SPIN ? RIGHT_GRANT | RIGHT_DUPLICATE : 0);
        int64_t g = h > 0 ? SYSCALL(SYS_XENTRY_GRANT, (uint64_t)h, rights, 0, 0, 0) : h;
        if (g < 0) {
            printf("xpctest server: entry %d: %s\n", i, xpc_strerror(g));
            return 1;
        }
        handles[i] = (uint64_t)g;
    }
    if (xpc_peer_offer(handles, SERVER_ENTRIES) < 0)
        return 1;
    return xpc_peer_serve(set_forward);
}
