/* Binder-style transactions (docs/binder.md): a process's binder context (its receive buffer,
 * mapped read-only into it, and its work queue), nodes (the objects services export) and the
 * transactions between them. binder.c holds contexts, buffers, nodes and death notices;
 * binder_txn.c transactions, their single copy and the translation of objects. */
#ifndef KERNEL_BINDER_H
#define KERNEL_BINDER_H

#include <kernel/object.h>
#include <kernel/ipc.h>

/* One allocation in a receive buffer (Android's binder_buffer). */
struct binder_alloc {
    struct list link; /* in the context's allocs, sorted by offset */
    uint64_t off, size;
    bool async;     /* counts against the one-way half */
    bool delivered; /* the receiver has it: only then may it free it */
};

struct binder_ctx {
    struct kobj obj;       /* the owner's handle (Android: the open /dev/binder file) */
    struct process *owner; /* whose handle table receives translated objects */
    bool dead;             /* released: the owner died or closed its handle */
    uint32_t pins;         /* the context itself, its nodes, death records and transactions */
    struct vmo *buf;       /* the receive buffer */
    uint64_t buf_va;       /* where it is mapped, read-only, in the owner */
    uint64_t async_used;   /* bytes of the buffer held by one-way transactions */
    uint32_t nallocs;
    struct list allocs;
    struct list todo;      /* work: transactions and death notices, in order */
    struct list waiting;   /* looper threads blocked in recv */
    struct list delivered; /* synchronous transactions received and not yet answered */
    struct list nodes;
    struct list links; /* death records this context asked for */
    uint64_t next_id;
};

struct binder_node {
    struct kobj obj;
    struct binder_ctx *ctx; /* the owner, pinned (dead once the owner is released) */
    uint64_t cookie;        /* the owner's name for it, given back with each transaction */
    struct list link;       /* in ctx->nodes */
    struct list deaths;     /* death records */
};

/* A work item: a transaction, or a death notice (then only cookie matters). */
struct binder_tx {
    struct list link; /* in the target's todo, then its delivered list */
    uint32_t type, code, flags;
    uint64_t id;
    uint64_t cookie;
    struct binder_ctx *to, *from; /* pinned; from is NULL for one-way and death notices */
    struct list waiter;           /* the sender's thread (run_link) while it waits for the reply */
    struct binder_alloc *buf;
    uint64_t data_size, n_offsets;
};

struct binder_death {
    struct list node_link;  /* in node->deaths */
    struct list ctx_link;   /* in ctx->links */
    struct binder_ctx *ctx; /* who is told, pinned */
    struct binder_node *node;
    uint64_t cookie;
};

extern struct binder_node *binder_context_mgr;

void binder_ctx_destroy(struct kobj *o);
void binder_node_destroy(struct kobj *o);
void binder_pin(struct binder_ctx *c);
void binder_unpin(struct binder_ctx *c);
struct binder_alloc *binder_buf_alloc(struct binder_ctx *c, uint64_t size, bool async);
void binder_buf_free(struct binder_ctx *c, struct binder_alloc *a);
int binder_buf_copy_in(struct binder_ctx *c, uint64_t off, uint64_t usrc, uint64_t n);
void binder_buf_read(struct binder_ctx *c, uint64_t off, void *dst, uint64_t n);
void binder_buf_write(struct binder_ctx *c, uint64_t off, const void *src, uint64_t n);
void binder_queue(struct binder_ctx *c, struct binder_tx *tx); /* and wake one looper */
void binder_tx_free(struct binder_tx *tx);
int binder_get_ctx(uint64_t h, uint32_t rights, struct binder_ctx **out);

/* The system calls (docs/syscalls.md, 70-77). */
int64_t binder_syscall(struct trap_frame *f);
int64_t sys_binder_transact(struct trap_frame *f);
int64_t sys_binder_recv(struct trap_frame *f);
int64_t sys_binder_reply(uint64_t ctx, uint64_t id, uint64_t args);

#endif
