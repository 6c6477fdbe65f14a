/* Transports (transport.h): what the three share. Starting a server and receiving its
 * announcement, connecting by the type of the service handle, boot-argument parsing. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/transport.h>

enum tp_kind tp_kind_parse(const char *s)
{
    if (strcmp(s, "xpc") == 0)
        return TP_XPC;
    if (strcmp(s, "endpoint") == 0)
        return TP_ENDPOINT;
    if (strcmp(s, "channel") == 0)
        return TP_CHANNEL;
    return TP_NONE;
}

const char *tp_kind_name(enum tp_kind k)
{
    return k == TP_XPC        ? "xpc"
           : k == TP_ENDPOINT ? "endpoint"
           : k == TP_CHANNEL  ? "channel"
                              : "none";
}

enum tp_kind tp_kind_from_args(int argc, char **argv, const char *key, enum tp_kind dflt)
{
    size_t n = strlen(key);
    for (int i = 0; i < argc; i++)
        if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=') {
            enum tp_kind k = tp_kind_parse(argv[i] + n + 1);
            if (k != TP_NONE)
                return k;
        }
    return dflt;
}

bool tp_user_range(const void *p, size_t n)
{
    uint64_t a = (uint64_t)p;
    return a >= USER_BASE && n <= USER_TOP - USER_BASE && a <= USER_TOP - n;
}

int64_t tp_check_buffer(const void *p, size_t n, int write)
{
    if (!tp_user_range(p, n))
        return ERR_FAULT;
    return SYSCALL(SYS_VM_CHECK, (uint64_t)p, n, write ? 1 : 0, 0, 0);
}

/* A lock for handlers that must run one at a time on transports whose server threads would
 * otherwise run them concurrently: a spin that yields (a handler is short). */
void tp_lock(volatile int *l)
{
    while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
        sys_yield();
}

void tp_unlock(volatile int *l)
{
    __atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

void _init_tls(void *tls);
void _set_tls(void *tls);
extern char __tls_size[];

struct tp_thread_start {
    void (*fn)(void *);
    void *arg;
    void *tls;
};

static void tp_thread_entry(struct tp_thread_start *s)
{
    _set_tls(s->tls);
    s->fn(s->arg);
    sys_thread_exit(0);
}

/* Like xpc_thread_start, but the caller gets the memory back (*mem) to free once the thread's
 * handle says it has ended. */
int64_t tp_start_thread(void (*fn)(void *), void *arg, size_t stack, char **mem)
{
    size_t tls_size = ((uintptr_t)__tls_size + 15) & ~15UL;
    char *m = malloc(stack + tls_size + sizeof(struct tp_thread_start) + 32);
    if (!m)
        return ERR_NO_MEMORY;
    char *tls = (char *)(((uintptr_t)m + stack + 15) & ~15UL);
    _init_tls(tls);
    struct tp_thread_start *s = (struct tp_thread_start *)(tls + tls_size);
    s->fn = fn;
    s->arg = arg;
    s->tls = tls;
    int64_t r = sys_thread_create((uint64_t)tp_thread_entry, ((uintptr_t)m + stack) & ~15UL,
                                  (uint64_t)s, DEFAULT_PRIORITY);
    if (r < 0)
        free(m);
    else
        *mem = m;
    return r;
}

/* ---- server ---- */

int64_t tp_receive_handles(uint64_t *handles, unsigned n)
{
    char tag[8];
    uint64_t actual;
    int64_t r = sys_channel_read(xpc_bootstrap_handle, tag, sizeof(tag), handles, n, &actual,
                                 CHANNEL_READ_WAIT);
    if (r < 0)
        return r;
    if ((actual & 0xffffffff) != 7 || memcmp(tag, "handles", 7) != 0)
        return ERR_BAD_STATE;
    return (int64_t)(actual >> 32);
}

int64_t tp_serve(enum tp_kind kind, const struct tp_server_config *cfg)
{
    if (!cfg || !cfg->handler || cfg->concurrency == 0 || cfg->concurrency > XPC_MAX_CALLERS ||
        cfg->buf_size > TP_BUF_MAX)
        return ERR_INVALID_ARGS;
    uint64_t offer = 0;
    int64_t r = kind == TP_XPC        ? tp_xpc_serve(cfg, &offer)
                : kind == TP_ENDPOINT ? tp_ep_serve(cfg, &offer)
                : kind == TP_CHANNEL  ? tp_ch_serve(cfg, &offer)
                                      : ERR_INVALID_ARGS;
    if (r < 0)
        return r;
    r = sys_channel_write(xpc_bootstrap_handle, "tp", 2, &offer, 1);
    if (r < 0)
        return r;
    /* The serving threads (or the x-entry) do the work; this one waits to be told to stop. */
    for (;;) {
        char cmd[8];
        uint64_t actual;
        r = sys_channel_read(xpc_bootstrap_handle, cmd, sizeof(cmd), NULL, 0, &actual,
                             CHANNEL_READ_WAIT);
        if (r < 0 || (actual == 4 && memcmp(cmd, "quit", 4) == 0))
            return 0;
    }
}

/* ---- starter ---- */

int64_t tp_service_start(const char *program, const char *args, const uint64_t *handles, unsigned n,
                         struct tp_service *s)
{
    memset(s, 0, sizeof(*s));
    s->proc = -1;
    uint64_t ch[2];
    int64_t r = sys_channel_create(ch);
    if (r < 0)
        return r;
    s->ch = ch[0];
    if (n && (r = sys_channel_write(ch[0], "handles", 7, handles, n)) < 0)
        goto fail;
    s->proc = xpc_spawn(program, args, ch[1]);
    if (s->proc < 0) {
        r = s->proc;
        sys_handle_close(ch[1]);
        goto fail;
    }
    char tag[8];
    uint64_t actual, h = 0;
    r = sys_channel_read(s->ch, tag, sizeof(tag), &h, 1, &actual, CHANNEL_READ_WAIT);
    if (r < 0 || actual != (2 | 1ULL << 32) || memcmp(tag, "tp", 2) != 0) {
        r = r < 0 ? r : ERR_BAD_STATE;
        goto fail;
    }
    s->handle = h;
    int64_t info = sys_handle_info(h);
    uint32_t type = (uint32_t)info & 0xff;
    s->kind = type == OBJ_XENTRY ? TP_XPC : type == OBJ_ENDPOINT ? TP_ENDPOINT : TP_CHANNEL;
    return 0;
fail:
    tp_service_stop(s);
    return r;
}

void tp_service_stop(struct tp_service *s)
{
    if (s->ch)
        sys_channel_write(s->ch, "quit", 4, NULL, 0);
    if (s->proc > 0) {
        sys_object_wait((uint64_t)s->proc);
        sys_handle_close((uint64_t)s->proc);
    }
    if (s->ch)
        sys_handle_close(s->ch);
    if (s->handle)
        sys_handle_close(s->handle);
    memset(s, 0, sizeof(*s));
    s->proc = -1;
}

int64_t tp_service_share(uint64_t h)
{
    int64_t info = sys_handle_info(h);
    if (info < 0)
        return info;
    if ((info & 0xff) == OBJ_XENTRY)
        return SYSCALL(SYS_XENTRY_GRANT, h,
                       RIGHT_CALL | RIGHT_GRANT | RIGHT_DUPLICATE | RIGHT_TRANSFER, 0, 0, 0);
    return sys_handle_duplicate(h, RIGHT_SAME_RIGHTS);
}

/* ---- client ---- */

int64_t tp_connect(uint64_t h, size_t buf_size, struct tp_conn *c)
{
    memset(c, 0, sizeof(*c));
    if (buf_size == 0)
        buf_size = TP_BUF_DEFAULT;
    if (buf_size > TP_BUF_MAX)
        return ERR_INVALID_ARGS;
    int64_t info = sys_handle_info(h);
    if (info < 0)
        return info;
    switch (info & 0xff) {
    case OBJ_XENTRY: return tp_xpc_connect(h, buf_size, c);
    case OBJ_ENDPOINT:
    case OBJ_CHANNEL: return tp_copy_connect(h, buf_size, c);
    default: return ERR_WRONG_TYPE;
    }
}

int64_t tp_call(struct tp_conn *c, struct tp_req *r)
{
    if (r->op > TP_OP_MAX || r->len > r->cap)
        return ERR_INVALID_ARGS;
    return c->kind == TP_XPC ? tp_xpc_call(c, r) : tp_copy_call(c, r);
}

void *tp_buffer(struct tp_conn *c)
{
    return c->kind == TP_XPC ? tp_xpc_buffer(c) : c->seg.va;
}

void tp_close(struct tp_conn *c)
{
    if (c->kind == TP_XPC)
        tp_xpc_close(c);
    else if (c->kind != TP_NONE)
        tp_copy_close(c);
    memset(c, 0, sizeof(*c));
}
