/* libxpc: entry pools, binding, relay segments and chain sizing (docs/libxpc.md). The calls
 * themselves are in xpc_call.S. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>

extern char __tls_size[];
void _init_tls(void *tls);
extern char xpc_entry_stubs[];

/* Layout shared with xpc_call.S (E_*): 64 bytes each. */
struct xpc_local_entry {
    uint64_t free_mask; /* bit i set: context i is free */
    uint64_t ctx_base, ctx_size, tls_off;
    xpc_handler_t handler;
    uint64_t ncontexts;
    uint64_t in_use; /* this slot is taken */
    uint64_t pad;
};
_Static_assert(sizeof(struct xpc_local_entry) == 64, "xpc_call.S indexes entries by << 6");
struct xpc_local_entry xpc_local_entries[XPC_LOCAL_ENTRIES] __attribute__((aligned(64)));

#define CTX_HEADER 48 /* free-mask address, index, caller sp, gp, tp (+ pad): below tp */

int64_t xpc_entry_create(xpc_handler_t fn, uint32_t max_callers, uint64_t chain_bytes,
                         size_t stack_size)
{
    if (!fn || max_callers == 0 || max_callers > XPC_MAX_CALLERS)
        return ERR_INVALID_ARGS;
    if (stack_size == 0)
        stack_size = XPC_DEFAULT_STACK;
    unsigned i = 0;
    while (i < XPC_LOCAL_ENTRIES && xpc_local_entries[i].in_use)
        i++;
    if (i == XPC_LOCAL_ENTRIES)
        return ERR_NO_RESOURCES;
    uint64_t tls = ((uintptr_t)__tls_size + 15) & ~15UL;
    uint64_t stack = (stack_size + 15) & ~15UL;
    uint64_t ctx_size = stack + CTX_HEADER + tls;
    char *base = malloc(ctx_size * max_callers + 16);
    if (!base)
        return ERR_NO_MEMORY;
    base = (char *)(((uintptr_t)base + 15) & ~15UL);
    for (uint32_t k = 0; k < max_callers; k++)
        _init_tls(base + k * ctx_size + stack + CTX_HEADER);
    struct xpc_local_entry *e = &xpc_local_entries[i];
    e->ctx_base = (uint64_t)base;
    e->ctx_size = ctx_size;
    e->tls_off = stack + CTX_HEADER;
    e->handler = fn;
    e->ncontexts = max_callers;
    e->in_use = 1;
    __atomic_store_n(&e->free_mask, max_callers == 64 ? ~0ULL : (1ULL << max_callers) - 1,
                     __ATOMIC_RELEASE);
    int64_t h = SYSCALL(SYS_XENTRY_CREATE, (uint64_t)(xpc_entry_stubs + 8 * i), max_callers,
                        chain_bytes, 0, 0);
    if (h < 0) {
        e->in_use = 0; /* the pool stays allocated: a rare failure, not worth the bookkeeping */
        e->free_mask = 0;
    }
    return h;
}

int64_t xpc_grant_call(uint64_t entry_handle)
{
    return SYSCALL(SYS_XENTRY_GRANT, entry_handle, RIGHT_CALL | RIGHT_TRANSFER, 0, 0, 0);
}

int64_t xpc_bind(uint64_t entry_handle)
{
    return SYSCALL(SYS_XENTRY_BIND, entry_handle, 0, 0, 0, 0);
}

int64_t xpc_seg_alloc(size_t len, uint32_t perm, uint32_t slot, struct xpc_seg *out)
{
    int64_t h = SYSCALL(SYS_RELAY_CREATE, len, perm, 0, 0, 0);
    if (h < 0)
        return h;
    int64_t va = SYSCALL(SYS_RELAY_ATTACH, (uint64_t)h, slot, 0, 0, 0);
    if (va < 0) {
        sys_handle_close((uint64_t)h);
        return va;
    }
    out->handle = (uint64_t)h;
    out->va = (void *)va;
    out->len = len;
    return 0;
}

int64_t xpc_seg_free(struct xpc_seg *s)
{
    int64_t r = SYSCALL(SYS_RELAY_DETACH, s->handle, 0, 0, 0, 0);
    if (r < 0)
        return r;
    r = sys_handle_close(s->handle);
    s->handle = 0;
    return r;
}

int64_t xpc_chain_size(uint64_t entry_handle, size_t msg)
{
    struct xentry_info info;
    int64_t r = SYSCALL(SYS_XENTRY_INFO, entry_handle, (uint64_t)&info, 0, 0, 0);
    if (r < 0)
        return r;
    uint64_t need = msg + info.chain_bytes;
    return need > RELAY_MAX_SIZE ? ERR_OUT_OF_RANGE : (int64_t)need;
}

void xpc_return_failed(int64_t err)
{
    static const char msg[] =
        "libxpc: xret refused (the handler changed the relay segment): exit\n";
    sys_debug_write(msg, sizeof(msg) - 1);
    for (;;)
        sys_exit(err);
}
