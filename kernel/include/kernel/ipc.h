/* IPC objects: seL4-style endpoints, Zircon-style channels, memory objects, interrupts. */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include <kernel/object.h>

struct endpoint {
    struct kobj obj;
    struct list senders;   /* threads blocked in call */
    struct list receivers; /* threads blocked in recv */
    struct process *owner; /* the process that made it (its server), until that one dies */
    struct list owned_link;
    bool dead; /* its server died with nobody else receiving: calls fail, none queue */
};

struct channel_msg {
    struct list link;
    uint32_t num_bytes, num_handles;
    uint8_t *data; /* kernel heap for short messages, a frame for long ones, NULL if empty */
    struct handle handles[CHANNEL_MAX_HANDLES]; /* object, rights, badge: in flight */
};

struct channel {
    struct kobj obj;
    struct channel *peer; /* NULL once the peer is destroyed */
    struct list queue;    /* messages waiting to be read from this end */
    uint32_t queued;
    struct list readers; /* threads blocked in read or channel_call */
    uint32_t next_txid;
};

struct vmo {
    struct kobj obj;
    uint64_t size;
    uint64_t npages;
    uint64_t *pages; /* physical addresses */
    bool contiguous; /* pages[i] = pages[0] + i pages: DMA memory (SYS_VMO_CREATE_CONTIG) */
    bool device;     /* device registers (SYS_DEVICE_VMO_CREATE): no frames to free */
};

struct interrupt {
    struct kobj obj;
    uint32_t irq;
    bool pending;
    struct list waiters;
};

struct endpoint *endpoint_create(void);
/* The endpoint's server is p (the process that created it). */
void endpoint_set_owner(struct endpoint *ep, struct process *p);
/* p is dying: its endpoints with no other receiver turn dead and their queued calls fail. */
void endpoint_owner_died(struct process *p);
void endpoint_destroy(struct kobj *o);
void ipc_thread_cleanup(struct thread *t); /* unlink a dying thread from IPC partners */

void channel_destroy(struct kobj *o);
void channel_msg_free(struct channel_msg *m);
void vmo_destroy(struct kobj *o);
struct vmo *vmo_create(uint64_t size);
void interrupt_destroy(struct kobj *o);
void interrupt_fire(uint32_t irq);
void console_irq_init(uint32_t irq);
void console_wait(struct thread *t); /* block t until input arrives (or a polling timeout) */

/* System calls, each taking the caller's frame. */
void syscall_dispatch(struct trap_frame *f); /* the ecall from user mode */
int64_t sys_brk(uint64_t addr);
void sys_call(struct trap_frame *f);
void sys_recv(struct trap_frame *f);
void sys_reply_recv(struct trap_frame *f);
/* The fastpath (core/fastpath.c; its entry from the trap, fastpath_syscall, is in arch.h):
 * from the slow path's dispatch, and its switch to the partner. */
void fastpath_call(struct trap_frame *f) __attribute__((noreturn));
void fastpath_reply_recv(struct trap_frame *f) __attribute__((noreturn));
void fastpath_switch(struct thread *t) __attribute__((noreturn));
int64_t sys_channel_create(uint64_t out);
int64_t sys_channel_write(uint64_t h, uint64_t bytes, uint64_t nbytes, uint64_t handles,
                          uint64_t nhandles);
int64_t sys_channel_read(struct trap_frame *f);
int64_t sys_channel_call(struct trap_frame *f);
int64_t sys_vmo_create(uint64_t size);
int64_t sys_vmo_map(uint64_t h, uint64_t va, uint64_t flags, uint64_t proc);
int64_t sys_vm_unmap(uint64_t va, uint64_t proc);
int64_t sys_interrupt_create(uint64_t resource, uint64_t irq);
/* Device resources, device memory and DMA memory (device.c). */
int resource_allows_irq(uint64_t h, uint64_t irq); /* 0 if h (MANAGE) covers the PLIC source */
int64_t sys_resource_create(uint64_t parent, uint64_t base, uint64_t size, uint64_t irq,
                            uint64_t nirq);
int64_t sys_device_vmo_create(uint64_t resource, uint64_t base, uint64_t size);
int64_t sys_vmo_create_contig(uint64_t resource, uint64_t size);
int64_t sys_vmo_phys(uint64_t vmo, uint64_t offset);
int64_t sys_relay_phys(uint64_t resource);
int64_t sys_vm_check(uint64_t va, uint64_t len, uint64_t flags);
int64_t sys_interrupt_wait(struct trap_frame *f);
int64_t sys_interrupt_ack(uint64_t h);
void plic_init(uint64_t base, uint64_t hart);
void plic_enable(uint32_t irq, bool on);
uint32_t plic_claim(void);
void plic_complete(uint32_t irq);

extern uint64_t stat_fastpath, stat_slowpath, stat_external_irqs, stat_timer_irqs;

#endif
