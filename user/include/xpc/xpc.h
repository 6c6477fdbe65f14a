/* libxpc: cross-process calls on the XPC engine (docs/libxpc.md).
 *
 * A server declares an entry as an ordinary C function. A caller binds the entry's handle once
 * and then calls it with xpc_call(): seven words go in and come back in registers; bulk data
 * travels in a relay segment, handed over without a copy.
 *
 * The register convention of an XPC call (what xpc_call and the entry trampoline agree on):
 *   a0-a6   arguments in, results out; a0 comes back as the status (negative = error)
 *   sp, gp, tp   preserved for the caller by the callee's trampoline (the engine saves no
 *           general register), and by the kernel when it ends a call the callee cannot finish
 *   everything else   clobbered; xpc_call saves ra and s0-s11 on the caller's stack, then
 *           clears them and t0-t5 so the callee sees nothing but the message; the trampoline
 *           clears its own temporaries before xret */
#ifndef XPC_XPC_H
#define XPC_XPC_H

#include <stddef.h>
#include <stdint.h>
#include <xpc/sys.h>
#include <xpc/isa.h>

struct xpc_msg {
    uint64_t r[7]; /* a0-a6 */
};

/* A server entry. It runs on a context (stack + TLS) taken from the entry's pool; m holds the
 * caller's registers and is what the caller gets back. */
typedef void (*xpc_handler_t)(struct xpc_msg *m);

#define XPC_LOCAL_ENTRIES 64   /* entries one process can serve */
#define XPC_DEFAULT_STACK 8192 /* bytes of stack per context */

/* Server side. Returns the x-entry handle (with every right) or an error. max_callers contexts
 * are made up front (1..XPC_MAX_CALLERS); a call that finds none free gets ERR_XPC_BUSY.
 * chain_bytes: the most the server (and whatever it calls) may add to a relay-segment message. */
int64_t xpc_entry_create(xpc_handler_t fn, uint32_t max_callers, uint64_t chain_bytes,
                         size_t stack_size);
/* A handle for a client: CALL (and TRANSFER so it can travel), from one with GRANT. */
int64_t xpc_grant_call(uint64_t entry_handle);

/* Client side. Bind returns the x-entry ID used by xpc_call. */
int64_t xpc_bind(uint64_t entry_handle);
int64_t xpc_call(uint64_t id, struct xpc_msg *m);
/* The same with a time limit: after `ns` the kernel takes the call back and it returns
 * ERR_TIMED_OUT. The kernel makes this call, so it costs two traps. */
int64_t xpc_call_timeout(uint64_t id, struct xpc_msg *m, uint64_t ns);
/* Loads the entry into the engine cache ahead of a call. */
static inline void xpc_prefetch(uint64_t id)
{
    register uint64_t r __asm__("t6") = ~id;
    __asm__ volatile(XPC_ASM_XCALL("t6") : "+r"(r)::"memory");
}

/* Inside a handler: who called (the caller's xcap, stable per calling process). */
static inline uint64_t xpc_caller(void)
{
    uint64_t v;
    __asm__ volatile("csrr %0, 0xCC0" : "=r"(v));
    return v;
}

/* Calls the current thread is nested in (0 when it runs at home). */
static inline int64_t sys_xpc_depth(void)
{
    register int64_t a0 __asm__("a0") = XPC_INFO_DEPTH;
    register int64_t a7 __asm__("a7") = SYS_XPC_INFO;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
    return a0;
}

/* ---- relay segments ---- */
struct xpc_seg {
    uint64_t handle;
    void *va;
    size_t len;
};
/* Creates a segment of len bytes and parks it in seg-list slot `slot` of this process. */
int64_t xpc_seg_alloc(size_t len, uint32_t perm, uint32_t slot, struct xpc_seg *out);
/* Exchanges the active segment with seg-list slot `slot`: 0, or ERR_XPC_INVALID_SWAPSEG. */
static inline int64_t xpc_seg_swap(uint64_t slot)
{
    register int64_t a0 __asm__("a0") = (int64_t)slot;
    __asm__ volatile(XPC_ASM_SWAPSEG("a0") : "+r"(a0)::"memory");
    return a0 == (int64_t)slot ? 0 : a0;
}
/* The next xcall hands over only [off, off+len) of the active segment. */
static inline void xpc_seg_mask(uint64_t off, uint64_t len)
{
    uint64_t v = XPC_SEGMASK(off, len);
    __asm__ volatile("csrw 0x8C0, %0" ::"r"(v) : "memory");
}
/* The active segment as this thread sees it now (len 0: none). */
static inline void *xpc_seg_active(size_t *len)
{
    uint64_t va, l;
    __asm__ volatile("csrr %0, 0xCC8" : "=r"(va));
    __asm__ volatile("csrr %0, 0xCCA" : "=r"(l));
    if (len)
        *len = l & XPC_SEG_LEN_MASK;
    return (void *)va;
}
/* Takes it out of circulation (it must be back: active or in this process's seg-list) and
 * frees it. */
int64_t xpc_seg_free(struct xpc_seg *s);
/* Chain sizing: the segment a caller needs to send `msg` bytes down the entry's chain. */
int64_t xpc_chain_size(uint64_t entry_handle, size_t msg);

/* Called by the trampoline when the handler's xret fails (it returned with another segment
 * than it was given): prints and exits, and the caller then gets ERR_PEER_CLOSED. */
void xpc_return_failed(int64_t err) __attribute__((noreturn));

#endif
