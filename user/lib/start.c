/* C start-up: TLS for picolibc, argv from the kernel's argument string, main, exit. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>

extern char __tls_size[];
void _init_tls(void *tls);
void _set_tls(void *tls);
int main(int argc, char **argv);
void *sbrk(ptrdiff_t incr);

uint64_t xpc_bootstrap_handle, xpc_service_handle;

#define MAX_ARGS 16

void __xpc_start(char *args, uint64_t len, uint64_t bootstrap, uint64_t service)
{
    void *tls = sbrk((ptrdiff_t)(((uintptr_t)__tls_size + 15) & ~15UL) + 16);
    tls = (void *)(((uintptr_t)tls + 15) & ~15UL);
    _init_tls(tls);
    _set_tls(tls);
    xpc_bootstrap_handle = bootstrap;
    xpc_service_handle = service;
    static char *argv[MAX_ARGS + 1];
    int argc = 0;
    char *p = args, *end = args + len;
    /* Words split at spaces; a double-quoted stretch keeps its spaces and loses its quotes, so
     * a boot argument like run="mkdir /d; ls /d" stays one word. */
    while (p < end && argc < MAX_ARGS) {
        while (p < end && (*p == ' ' || *p == 0))
            *p++ = 0;
        if (p >= end)
            break;
        argv[argc++] = p;
        char *out = p;
        int quoted = 0;
        while (p < end && *p != 0 && (quoted || *p != ' ')) {
            if (*p == '"')
                quoted = !quoted;
            else
                *out++ = *p;
            p++;
        }
        while (out < p)
            *out++ = 0;
    }
    if (p < end)
        *p = 0;
    argv[argc] = NULL;
    exit(main(argc, argv));
}
