/* C start-up: TLS for picolibc, argv from the kernel's argument string, main, exit. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>

extern char __tls_size[];
void _init_tls(void *tls);
void _set_tls(void *tls);
int main(int argc, char **argv);
void *sbrk(ptrdiff_t incr);

uint64_t xpc_bootstrap_handle;

#define MAX_ARGS 16

void __xpc_start(char *args, uint64_t len, uint64_t bootstrap)
{
    void *tls = sbrk((ptrdiff_t)(((uintptr_t)__tls_size + 15) & ~15UL) + 16);
    tls = (void *)(((uintptr_t)tls + 15) & ~15UL);
    _init_tls(tls);
    _set_tls(tls);
    xpc_bootstrap_handle = bootstrap;
    static char *argv[MAX_ARGS + 1];
    int argc = 0;
    char *p = args, *end = args + len;
    while (p < end && argc < MAX_ARGS) {
        while (p < end && (*p == ' ' || *p == 0))
            *p++ = 0;
        if (p >= end)
            break;
        argv[argc++] = p;
        while (p < end && *p != ' ' && *p != 0)
            p++;
    }
    if (p < end)
        *p = 0;
    argv[argc] = NULL;
    exit(main(argc, argv));
}
