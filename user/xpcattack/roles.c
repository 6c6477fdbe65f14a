/* xpcattack's other processes: the victim server whose entries the attacks aim at, and the
 * small child roles (each one attack seen from inside another process). */
#include <stdio.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>
#include "xpcattack.h"

/* ---- the victim server ---- */

static int64_t forward_id = -1, self_handle;
static uint64_t chan_call_end;    /* V_CHCALL's end of the channel to the replier thread */
static volatile uint64_t hold_tp; /* the tp of V_HOLD's one context while a call holds it */

static void on_echo(struct xpc_msg *m)
{
    m->r[0] = 0;
    m->r[1] = xpc_caller();
    m->r[2] = m->r[2] + 1;
}

/* Takes the caller's segment into the seg-list and keeps it there, spinning: the caller's time
 * limit must bring the segment back to it alone. */
static void on_steal(struct xpc_msg *m)
{
    m->r[0] = 0;
    xpc_seg_swap(STEAL_SLOT);
    for (volatile int i = 0;; i++)
        ;
}

/* What the steal slot holds now (length), put back afterwards. */
static void on_slotlen(struct xpc_msg *m)
{
    size_t len = 0;
    xpc_seg_swap(STEAL_SLOT);
    xpc_seg_active(&len);
    xpc_seg_swap(STEAL_SLOT);
    m->r[0] = 0;
    m->r[1] = len;
}

/* A channel_call from inside the call; the replier answers late (see replier). */
static void on_chcall(struct xpc_msg *m)
{
    uint64_t req[2] = {0, m->r[1]}, reply[2], hs[1];
    struct channel_call_args a = {req, NULL, sizeof(req), 0, reply, hs, sizeof(reply), 1};
    int64_t r = sys_channel_call(chan_call_end, &a);
    if (r == 0)
        sys_handle_close(hs[0]);
    m->r[1] = (uint64_t)r;
    m->r[0] = 0;
}

/* Answers V_CHCALL's request just before the caller's deadline (r[1], clock ns) with a handle,
 * then keeps the processor (it runs above the caller) until after the deadline: the reply is
 * with the caller's thread, ready but not run, when its time limit takes it back. */
static void replier(void *arg)
{
    uint64_t ch = (uint64_t)arg;
    for (;;) {
        uint64_t req[2], actual;
        if (sys_channel_read(ch, req, sizeof(req), NULL, 0, &actual, CHANNEL_READ_WAIT) < 0)
            return;
        uint64_t deadline = req[1], now = sys_clock_ns();
        if (deadline > now + 4000000)
            sys_sleep_ns(deadline - now - 4000000);
        int64_t vmo = sys_vmo_create(4096);
        uint64_t h = (uint64_t)vmo;
        sys_channel_write(ch, req, sizeof(req), &h, 1);
        while (sys_clock_ns() < deadline + 10000000)
            ;
    }
}

static void on_forward(struct xpc_msg *m)
{
    struct xpc_msg inner = *m;
    int64_t r = forward_id < 0 ? ERR_BAD_STATE : xpc_call((uint64_t)forward_id, &inner);
    *m = inner;
    m->r[0] = (uint64_t)r;
}

static void on_hold(struct xpc_msg *m)
{
    uint64_t tp;
    __asm__ volatile("mv %0, tp" : "=r"(tp));
    hold_tp = tp;
    sys_sleep_ns(m->r[1]);
    hold_tp = 0;
    m->r[0] = 0;
}

static void on_holdtp(struct xpc_msg *m)
{
    m->r[0] = 0;
    m->r[1] = hold_tp;
}

static void on_misc(struct xpc_msg *m)
{
    m->r[0] = 0;
    switch (m->r[1]) {
    case MISC_THREAD_EXIT: /* the thread is the caller's: refused */
        m->r[2] = (uint64_t)SYSCALL(SYS_THREAD_EXIT, 7, 0, 0, 0, 0);
        return;
    case MISC_KILL_SELF: /* through a handle: the caller must see why, not a 0 */
        sys_kill((uint64_t)self_handle);
        m->r[2] = 1; /* not reached */
        return;
    case MISC_LIE_AND_SPIN: {
        /* The libxpc context's word for the caller's tp, overwritten with r[2]: a deeper
         * callee lying about whose context its caller holds. */
        uint64_t tp;
        __asm__ volatile("mv %0, tp" : "=r"(tp));
        if (m->r[2])
            *(volatile uint64_t *)(tp + XPC_CTX_CALLER_TP) = m->r[2];
        for (volatile int i = 0;; i++)
            ;
    }
    default: return;
    }
}

int victim_main(void)
{
    static const xpc_handler_t fns[VICTIM_ENTRIES] = {
        [V_ECHO] = on_echo,     [V_STEAL] = on_steal, [V_SLOTLEN] = on_slotlen,
        [V_CHCALL] = on_chcall, [V_FWD] = on_forward, [V_HOLD] = on_hold,
        [V_HOLDTP] = on_holdtp, [V_MISC] = on_misc,
    };
    uint64_t handles[VICTIM_ENTRIES], ch[2];
    if (sys_channel_create(ch) < 0)
        return 1;
    chan_call_end = ch[0];
    if (xpc_thread_start(replier, (void *)ch[1], 8192, DEFAULT_PRIORITY + 1) < 0)
        return 1;
    for (int i = 0; i < VICTIM_ENTRIES; i++) {
        int64_t h = xpc_entry_create(fns[i], i == V_HOLD || i == V_FWD ? 1 : 4, 0, 0);
        uint64_t rights = RIGHT_CALL | RIGHT_TRANSFER | RIGHT_DUPLICATE | RIGHT_GRANT;
        int64_t g = h > 0 ? SYSCALL(SYS_XENTRY_GRANT, (uint64_t)h, rights, 0, 0, 0) : h;
        if (g < 0)
            return 1;
        handles[i] = (uint64_t)g;
    }
    if (sys_channel_write(xpc_bootstrap_handle, "entries", 7, handles, VICTIM_ENTRIES) < 0)
        return 1;
    for (;;) {
        char cmd[8];
        uint64_t h = 0, actual;
        if (sys_channel_read(xpc_bootstrap_handle, cmd, sizeof(cmd), &h, 1, &actual,
                             CHANNEL_READ_WAIT) < 0 ||
            memcmp(cmd, "quit", 4) == 0)
            return 0;
        int64_t r = (int64_t)h;
        if (memcmp(cmd, "bind", 4) == 0)
            r = forward_id = xpc_bind(h);
        else
            self_handle = (int64_t)h;
        sys_channel_write(xpc_bootstrap_handle, &r, sizeof(r), NULL, 0);
    }
}

/* ---- the starter's side ---- */

int victim_start(struct victim *v)
{
    uint64_t ch[2], actual;
    char tag[8];
    memset(v, 0, sizeof(*v));
    if (sys_channel_create(ch) < 0)
        return -1;
    v->ch = ch[0];
    v->proc = xpc_spawn("xpcattack", "victim", ch[1]);
    if (v->proc < 0 || sys_channel_read(v->ch, tag, sizeof(tag), v->entry, VICTIM_ENTRIES, &actual,
                                        CHANNEL_READ_WAIT) < 0)
        return -1;
    for (int i = 0; i < VICTIM_ENTRIES; i++)
        v->id[i] = xpc_bind(v->entry[i]);
    return 0;
}

static int64_t command(struct victim *v, const char *cmd, uint64_t h)
{
    int64_t r = ERR_PEER_CLOSED;
    uint64_t actual;
    if (sys_channel_write(v->ch, cmd, 4, &h, 1) < 0 ||
        sys_channel_read(v->ch, &r, sizeof(r), NULL, 0, &actual, CHANNEL_READ_WAIT) < 0)
        return ERR_PEER_CLOSED;
    return r;
}

int64_t victim_bind(struct victim *v, uint64_t call_handle)
{
    return command(v, "bind", call_handle);
}

int64_t victim_give_self(struct victim *v)
{
    int64_t dup = sys_handle_duplicate((uint64_t)v->proc, RIGHT_SAME_RIGHTS);
    return dup < 0 ? dup : command(v, "self", (uint64_t)dup);
}

void victim_stop(struct victim *v)
{
    sys_channel_write(v->ch, "quit", 4, NULL, 0);
    if (v->proc > 0) {
        sys_kill((uint64_t)v->proc); /* its spinning contexts never finish on their own */
        sys_object_wait((uint64_t)v->proc);
        sys_handle_close((uint64_t)v->proc);
    }
    sys_handle_close(v->ch);
    for (int i = 0; i < VICTIM_ENTRIES; i++)
        if (v->entry[i])
            sys_handle_close(v->entry[i]);
}
