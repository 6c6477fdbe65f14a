/* Small helpers over the raw system calls: spawning by name, threads, error names. */
#include <stdlib.h>
#include <string.h>
#include <xpc/fileclient.h>
#include <xpc/usys.h>

void _init_tls(void *tls);
void _set_tls(void *tls);
extern char __tls_size[];

/* argv[0] is the program name, as on Unix. */
int64_t xpc_spawn_service(const char *name, const char *args, uint64_t bootstrap, uint64_t service)
{
    char buf[1024];
    size_t n = strlen(name), a = args ? strlen(args) : 0;
    if (n + 1 + a > sizeof(buf))
        return ERR_INVALID_ARGS;
    memcpy(buf, name, n);
    buf[n] = ' ';
    if (a)
        memcpy(buf + n + 1, args, a);
    return sys_spawn(name, n, buf, n + 1 + a, bootstrap, service);
}

/* Programs linked without the file client (FILE_SRCS in user/Makefile) have no file system to
 * pass on. */
int64_t file_connect_child(void) __attribute__((weak));

int64_t xpc_spawn(const char *name, const char *args, uint64_t bootstrap)
{
    int64_t service = file_connect_child ? file_connect_child() : 0;
    int64_t p = xpc_spawn_service(name, args, bootstrap, service > 0 ? (uint64_t)service : 0);
    if (p < 0 && service > 0)
        sys_handle_close((uint64_t)service);
    return p;
}

struct thread_start {
    void (*fn)(void *);
    void *arg;
    void *tls;
};

static void thread_entry(struct thread_start *s)
{
    _set_tls(s->tls);
    s->fn(s->arg);
    sys_thread_exit(0);
}

/* The stack and TLS block are leaked on purpose when the thread exits: the thread cannot free
 * the stack it runs on, and tests create few threads. */
int64_t xpc_thread_start(void (*fn)(void *), void *arg, size_t stack_size, uint32_t prio)
{
    size_t tls_size = ((uintptr_t)__tls_size + 15) & ~15UL;
    char *mem = malloc(stack_size + tls_size + sizeof(struct thread_start) + 32);
    if (!mem)
        return ERR_NO_MEMORY;
    char *tls = (char *)(((uintptr_t)mem + stack_size + 15) & ~15UL);
    _init_tls(tls);
    struct thread_start *s = (struct thread_start *)(tls + tls_size);
    s->fn = fn;
    s->arg = arg;
    s->tls = tls;
    uint64_t sp = ((uintptr_t)mem + stack_size) & ~15UL;
    int64_t r = sys_thread_create((uint64_t)thread_entry, sp, (uint64_t)s, prio);
    if (r < 0)
        free(mem);
    return r;
}

const char *xpc_strerror(int64_t err)
{
    static const char *const names[] = {
        "ok",
        "bad syscall",
        "invalid args",
        "bad handle",
        "wrong type",
        "access denied",
        "no memory",
        "fault",
        "should wait",
        "peer closed",
        "buffer too small",
        "out of range",
        "not found",
        "no resources",
        "bad state",
        "already bound",
        "not supported",
    };
    if (err > 0 || -err >= (int64_t)(sizeof(names) / sizeof(names[0])))
        return "unknown error";
    return names[-err];
}
