/* System-call stubs for user programs (ABI in docs/syscalls.md). */
#ifndef XPC_USYS_H
#define XPC_USYS_H

#include <stddef.h>
#include <stdint.h>
#include <xpc/sys.h>

static inline int64_t syscall7(uint64_t n, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                               uint64_t a4, uint64_t a5, uint64_t a6)
{
    register uint64_t r0 __asm__("a0") = a0;
    register uint64_t r1 __asm__("a1") = a1;
    register uint64_t r2 __asm__("a2") = a2;
    register uint64_t r3 __asm__("a3") = a3;
    register uint64_t r4 __asm__("a4") = a4;
    register uint64_t r5 __asm__("a5") = a5;
    register uint64_t r6 __asm__("a6") = a6;
    register uint64_t r7 __asm__("a7") = n;
    __asm__ volatile("ecall"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6)
                     : "r"(r7)
                     : "memory");
    return (int64_t)r0;
}
#define SYSCALL(n, a0, a1, a2, a3, a4) syscall7(n, a0, a1, a2, a3, a4, 0, 0)

static inline int64_t sys_null(void)
{
    return SYSCALL(SYS_NULL, 0, 0, 0, 0, 0);
}
static inline int64_t sys_debug_write(const void *b, size_t n)
{
    return SYSCALL(SYS_DEBUG_WRITE, (uint64_t)b, n, 0, 0, 0);
}
static inline int64_t sys_debug_read(void *b, size_t n, uint64_t flags)
{
    return SYSCALL(SYS_DEBUG_READ, (uint64_t)b, n, flags, 0, 0);
}
static inline void sys_exit(int64_t code)
{
    SYSCALL(SYS_EXIT, (uint64_t)code, 0, 0, 0, 0);
    __builtin_unreachable();
}
static inline void sys_yield(void)
{
    SYSCALL(SYS_YIELD, 0, 0, 0, 0, 0);
}
static inline uint64_t sys_clock_ns(void)
{
    return (uint64_t)SYSCALL(SYS_CLOCK_GET, 0, 0, 0, 0, 0);
}
static inline int64_t sys_sleep_ns(uint64_t ns)
{
    return SYSCALL(SYS_SLEEP, ns, 0, 0, 0, 0);
}
static inline int64_t sys_brk(uint64_t addr)
{
    return SYSCALL(SYS_BRK, addr, 0, 0, 0, 0);
}
static inline int64_t sys_handle_close(uint64_t h)
{
    return SYSCALL(SYS_HANDLE_CLOSE, h, 0, 0, 0, 0);
}
static inline int64_t sys_handle_duplicate(uint64_t h, uint32_t rights)
{
    return SYSCALL(SYS_HANDLE_DUPLICATE, h, rights, 0, 0, 0);
}
static inline int64_t sys_handle_info(uint64_t h)
{
    return SYSCALL(SYS_HANDLE_INFO, h, 0, 0, 0, 0);
}
/* bootstrap and service (0 = none) move into the child (its a2 and a3 at entry). */
static inline int64_t sys_spawn(const char *name, size_t namelen, const char *args, size_t argslen,
                                uint64_t bootstrap, uint64_t service)
{
    return syscall7(SYS_PROCESS_SPAWN, (uint64_t)name, namelen, (uint64_t)args, argslen, bootstrap,
                    service, 0);
}
static inline int64_t sys_kill(uint64_t h)
{
    return SYSCALL(SYS_PROCESS_KILL, h, 0, 0, 0, 0);
}
static inline int64_t sys_object_wait(uint64_t h)
{
    return SYSCALL(SYS_OBJECT_WAIT, h, 0, 0, 0, 0);
}
static inline int64_t sys_thread_create(uint64_t entry, uint64_t sp, uint64_t arg, uint32_t prio)
{
    return SYSCALL(SYS_THREAD_CREATE, entry, sp, arg, prio, 0);
}
static inline void sys_thread_exit(int64_t code)
{
    SYSCALL(SYS_THREAD_EXIT, (uint64_t)code, 0, 0, 0, 0);
    __builtin_unreachable();
}
static inline int64_t sys_thread_set_priority(uint64_t h, uint32_t prio)
{
    return SYSCALL(SYS_THREAD_SET_PRIORITY, h, prio, 0, 0, 0);
}
static inline int64_t sys_vmo_create(uint64_t size)
{
    return SYSCALL(SYS_VMO_CREATE, size, 0, 0, 0, 0);
}
static inline int64_t sys_vmo_map(uint64_t h, uint64_t va, uint32_t flags)
{
    return SYSCALL(SYS_VMO_MAP, h, va, flags, 0, 0);
}
static inline int64_t sys_vm_unmap(uint64_t va)
{
    return SYSCALL(SYS_VM_UNMAP, va, 0, 0, 0, 0);
}
/* The same in another process's address space (a process handle with MANAGE). */
static inline int64_t sys_vmo_map_in(uint64_t proc, uint64_t h, uint64_t va, uint32_t flags)
{
    return SYSCALL(SYS_VMO_MAP, h, va, flags, proc, 0);
}
static inline int64_t sys_vm_unmap_in(uint64_t proc, uint64_t va)
{
    return SYSCALL(SYS_VM_UNMAP, va, proc, 0, 0, 0);
}
static inline int64_t sys_endpoint_create(void)
{
    return SYSCALL(SYS_ENDPOINT_CREATE, 0, 0, 0, 0, 0);
}
static inline int64_t sys_endpoint_mint(uint64_t ep, uint32_t badge)
{
    return SYSCALL(SYS_ENDPOINT_MINT, ep, badge, 0, 0, 0);
}
static inline int64_t sys_channel_create(uint64_t out[2])
{
    return SYSCALL(SYS_CHANNEL_CREATE, (uint64_t)out, 0, 0, 0, 0);
}
static inline int64_t sys_channel_write(uint64_t h, const void *b, uint32_t n, const uint64_t *hs,
                                        uint32_t nh)
{
    return SYSCALL(SYS_CHANNEL_WRITE, h, (uint64_t)b, n, (uint64_t)hs, nh);
}
static inline int64_t sys_channel_read(uint64_t h, void *b, uint32_t n, uint64_t *hs, uint32_t nh,
                                       uint64_t *actual, uint32_t flags)
{
    return syscall7(SYS_CHANNEL_READ, h, (uint64_t)b, n, (uint64_t)hs, nh, (uint64_t)actual, flags);
}
static inline int64_t sys_channel_call(uint64_t h, const struct channel_call_args *a)
{
    return SYSCALL(SYS_CHANNEL_CALL, h, (uint64_t)a, 0, 0, 0);
}
static inline int64_t sys_interrupt_create(uint64_t resource, uint64_t irq)
{
    return SYSCALL(SYS_INTERRUPT_CREATE, resource, irq, 0, 0, 0);
}
static inline int64_t sys_kstats(struct kstats *s)
{
    return SYSCALL(SYS_KSTATS, (uint64_t)s, 0, 0, 0, 0);
}
static inline struct ipc_buffer *sys_ipc_buffer(void)
{
    return (struct ipc_buffer *)SYSCALL(SYS_IPC_BUFFER, 0, 0, 0, 0, 0);
}
/* Returns only on error (no root resource). */
static inline int64_t sys_poweroff(uint64_t resource, int failure)
{
    return SYSCALL(SYS_POWEROFF, resource, (uint64_t)failure, 0, 0, 0);
}
static inline int64_t sys_bootimage_list(char *buf, size_t len)
{
    return SYSCALL(SYS_BOOTIMAGE_LIST, (uint64_t)buf, len, 0, 0, 0);
}

/* seL4-style IPC: the message registers travel in a2-a5, the info word in a1. */
struct ipc_msg {
    uint64_t info;
    uint64_t mr[IPC_REG_WORDS];
    uint64_t badge;
};

static inline int64_t ipc_op(uint64_t n, uint64_t ep, struct ipc_msg *m)
{
    register uint64_t r0 __asm__("a0") = ep;
    register uint64_t r1 __asm__("a1") = m->info;
    register uint64_t r2 __asm__("a2") = m->mr[0];
    register uint64_t r3 __asm__("a3") = m->mr[1];
    register uint64_t r4 __asm__("a4") = m->mr[2];
    register uint64_t r5 __asm__("a5") = m->mr[3];
    register uint64_t r6 __asm__("a6") = 0;
    register uint64_t r7 __asm__("a7") = n;
    __asm__ volatile("ecall"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6)
                     : "r"(r7)
                     : "memory");
    if ((int64_t)r0 == 0) {
        m->info = r1;
        m->mr[0] = r2;
        m->mr[1] = r3;
        m->mr[2] = r4;
        m->mr[3] = r5;
        m->badge = r6;
    }
    return (int64_t)r0;
}
static inline int64_t ipc_call(uint64_t ep, struct ipc_msg *m)
{
    return ipc_op(SYS_CALL, ep, m);
}
static inline int64_t ipc_recv(uint64_t ep, struct ipc_msg *m)
{
    return ipc_op(SYS_RECV, ep, m);
}
static inline int64_t ipc_reply_recv(uint64_t ep, struct ipc_msg *m)
{
    return ipc_op(SYS_REPLY_RECV, ep, m);
}

/* From the user library (lib/). */
extern uint64_t xpc_bootstrap_handle;
/* The service handle a process started with: its connection to the file system server (0 if
 * it has none). */
extern uint64_t xpc_service_handle;
/* Spawns a boot-image program; the child gets a connection of its own to the file system
 * server when this process has one. */
int64_t xpc_spawn(const char *name, const char *args, uint64_t bootstrap);
/* The same with an explicit service handle (moved into the child; 0 = none). */
int64_t xpc_spawn_service(const char *name, const char *args, uint64_t bootstrap, uint64_t service);
int64_t xpc_thread_start(void (*fn)(void *), void *arg, size_t stack_size, uint32_t prio);
const char *xpc_strerror(int64_t err);

#endif
