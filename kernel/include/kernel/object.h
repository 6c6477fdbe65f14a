/* Kernel objects, handles, processes, threads and the scheduler. */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include <kernel/types.h>
#include <kernel/mm.h>
#include <xpc/sys.h>

/* Every kernel object starts with this header. refs counts handles plus internal references;
 * when it drops to zero the type's destroy function frees the object. */
struct kobj {
    uint32_t type;
    uint32_t refs;
    struct kobj *next_dead; /* on the destruction list once refs reaches zero */
};

void kobj_init(struct kobj *o, uint32_t type);
void kobj_ref(struct kobj *o);
void kobj_unref(struct kobj *o);
uint64_t kobj_live(uint32_t type);
struct kobj *root_resource_init(void);
int check_root_resource(uint64_t h); /* 0 if h is a root-resource handle with MANAGE */
bool is_root_resource(const struct kobj *o);
void resource_destroy(struct kobj *o); /* a device resource (device.c); the root is never freed */

/* Handle table: a fixed array per process. A handle value is (generation << 16) | (index + 1), so
 * a stale value of a closed slot is refused. */
struct handle {
    struct kobj *obj;
    uint16_t rights;
    uint16_t gen;
    uint32_t badge; /* endpoints: delivered to the receiver with each call (seL4 badges) */
};
struct handle_table {
    struct handle slot[HANDLE_TABLE_SIZE];
};
extern uint64_t handles_live;

int64_t handle_install(struct handle_table *t, struct kobj *o, uint32_t rights);
int64_t handle_install_badged(struct handle_table *t, struct kobj *o, uint32_t rights,
                              uint32_t badge);
/* The live entry a handle value names in t, or NULL: inline, the IPC fastpath's lookup. */
static inline __attribute__((always_inline)) struct handle *handle_lookup(struct handle_table *t,
                                                                          uint64_t h)
{
    uint64_t idx = (h & 0xffff) - 1;
    if (h == 0 || (h >> 32) != 0 || idx >= HANDLE_TABLE_SIZE)
        return NULL;
    struct handle *e = &t->slot[idx];
    if (!e->obj || e->gen != (uint16_t)(h >> 16))
        return NULL;
    return e;
}
/* Looks up a handle: type OBJ_NONE accepts any; returns 0 or an error and sets *out. */
int handle_get(struct handle_table *t, uint64_t h, uint32_t type, uint32_t rights,
               struct handle **out);
int handle_close(struct handle_table *t, uint64_t h);
/* Removes the handle without dropping its reference (for transfer); *out gets its contents. */
int handle_take(struct handle_table *t, uint64_t h, struct handle *out);
void handle_table_clear(struct handle_table *t);
bool handle_table_has_room(const struct handle_table *t, uint32_t n);

/* The saved user context. Keep the layout in step with arch/riscv/entry.S; later fields (XPC
 * CSRs) go after the ones the assembly touches. */
struct trap_frame {
    uint64_t x[32];
    uint64_t sepc;
    uint64_t sstatus;
};
#define REG_RA 1
#define REG_SP 2
#define REG_TP 4
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A3 13
#define REG_A4 14
#define REG_A5 15
#define REG_A6 16
#define REG_A7 17

enum thread_state { TS_READY, TS_RUNNING, TS_BLOCKED, TS_DEAD };
enum block_reason {
    BLOCK_NONE,
    BLOCK_EP_SEND, /* in an endpoint's send queue (call) */
    BLOCK_EP_RECV, /* in an endpoint's receive queue */
    BLOCK_REPLY,   /* called, waiting for the reply */
    BLOCK_CHANNEL, /* waiting for a channel message */
    BLOCK_CHANNEL_CALL,
    BLOCK_WAIT_OBJ, /* waiting for a process or thread to end */
    BLOCK_SLEEP,
    BLOCK_INTERRUPT,
    BLOCK_CONSOLE, /* waiting for console input (with a polling timeout) */
    BLOCK_BINDER,  /* a binder looper waiting for work, or a sender waiting for its reply */
};

struct process;
struct endpoint;
struct thread;
typedef void (*continuation_fn)(struct thread *t);

struct xthread;
struct thread {
    struct trap_frame frame; /* first: the trap entry finds it through sscratch */
    struct kobj obj;
    /* Migrating threads (XPC): `home` owns the thread; `proc` is the process whose code it runs
     * now, the callee's while it is inside an xcall. System calls, faults and the address space
     * are the runtime process's; scheduling state, IPC buffer and lifetime are the thread's. */
    struct process *proc;
    struct process *home;
    struct xthread *xpc;   /* NULL until the thread's first XPC instruction */
    struct list proc_link; /* in home->threads */
    struct list run_link;  /* in a run queue or a wait queue */
    enum thread_state state;
    enum block_reason block;
    void *wait_obj;            /* what it is blocked on */
    continuation_fn cont;      /* run in the thread's address space before it returns to user */
    struct process *cont_proc; /* the runtime process cont belongs to; it runs only there */
    bool unwound;              /* the kernel replaced the user context (XPC unwind) */
    bool restart;              /* blocked in a call that runs again when woken: keep a0 */
    uint32_t priority;
    uint64_t wake_time;
    struct list sleep_link;
    uint64_t ipcbuf_va, ipcbuf_pa;
    /* seL4-style IPC */
    struct thread *reply_to; /* the caller this thread must answer */
    struct thread *replier;  /* while BLOCK_REPLY: the thread that will answer */
    uint64_t ep_badge;
    /* Zircon-style channel_call */
    uint32_t call_txid;
    struct channel_msg *call_reply;
    uint64_t call_args; /* user pointer to channel_call_args */
    int64_t exit_code;
    struct list waiters;   /* threads in object_wait on this thread */
    struct fp_context *fp; /* NULL until the thread's first FP instruction */
    bool fp_dirty;         /* the registers hold FP state newer than *fp */
};

struct process {
    struct kobj obj;
    struct address_space *as;
    struct handle_table *handles;
    struct list threads;
    uint32_t nthreads;
    bool dead;
    int64_t exit_code;
    struct list waiters; /* threads in object_wait on this process */
    struct xproc *xpc;   /* XPC runtime state: xcall-cap bitmap, seg-list; NULL until used */
    char name[32];
    /* Limits derived from the parent (seL4's MCP, Zircon's job policy): the highest priority
     * any thread of it may be given, and how many x-entries it and its descendants may own. */
    struct process *parent; /* referenced; NULL for init */
    uint32_t max_priority;
    uint32_t xentry_quota, xentries; /* xentries: live ones of it and all its descendants */
};

extern struct thread *current;

struct process *process_create(const char *name);
void process_kill(struct process *p, int64_t code);
int process_charge_xentry(struct process *p); /* 0, or ERR_NO_RESOURCES over a quota */
void process_uncharge_xentry(struct process *p);
int64_t sys_process_set_limits(uint64_t h, uint64_t max_priority, uint64_t xentry_quota);
struct thread *thread_create(struct process *p, uint64_t entry, uint64_t sp, uint64_t arg,
                             uint32_t priority);
void thread_kill(struct thread *t, int64_t code);
void thread_unlink_blocked(struct thread *t); /* out of whatever queue t is blocked in */
void process_destroy(struct kobj *o);
void thread_destroy(struct kobj *o);
void thread_exit_current(int64_t code);
void thread_drop_continuation(struct thread *t);
void thread_set_priority(struct thread *t, uint32_t prio);
void process_inherit_limits(struct process *child, struct process *parent);

/* Scheduler */
void sched_init(void);
extern uint32_t sched_ready_mask;     /* bit p: a thread of priority p is ready */
void sched_ready(struct thread *t);   /* make runnable at the tail of its queue */
void sched_unready(struct thread *t); /* remove from its run queue */
void sched_block(struct thread *t, enum block_reason why, void *obj);
void sched_wake(struct thread *t, int64_t result);          /* unblock with a0 = result */
void schedule(void) __attribute__((noreturn));              /* pick and run the next thread */
void switch_to(struct thread *t) __attribute__((noreturn)); /* run t now, bypassing queues */
void sched_tick(void);
void sched_sleep_until(struct thread *t, uint64_t time);
void sched_cancel_sleep(struct thread *t);
uint32_t sched_highest_ready(void);
/* bootstrap and service (either may be NULL) are installed in the child, which finds their
 * values in a2 and a3 at its entry. */
int64_t process_spawn(const char *name, const char *args, uint64_t args_len,
                      const struct handle *bootstrap, const struct handle *service,
                      struct process **out);
struct bootimg_entry {
    const char *name;
    const uint8_t *data;
    uint64_t size;
};
const struct bootimg_entry *bootimg_find(const char *name, size_t len);
extern const struct bootimg_entry bootimg_table[];
extern const uint64_t bootimg_count;
void wake_waiters(struct list *waiters, int64_t result);

#endif
