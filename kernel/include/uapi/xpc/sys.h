/* The system-call ABI shared by the kernel and user space: numbers, errors, rights, object types.
 *
 * Calling convention (documented in docs/syscalls.md): ecall with the number in a7 and up to
 * seven arguments in a0-a6; the kernel returns a status or value in a0 (negative = error) and,
 * for IPC, further results in a1-a6. All other registers are preserved. */
#ifndef XPC_UAPI_SYS_H
#define XPC_UAPI_SYS_H

#include <stdint.h>

enum sys_number {
    SYS_NULL = 0,
    SYS_DEBUG_WRITE = 1,
    SYS_DEBUG_READ = 2,
    SYS_EXIT = 3,
    SYS_YIELD = 4,
    SYS_CLOCK_GET = 5,
    SYS_SLEEP = 6,
    SYS_BRK = 7,
    SYS_HANDLE_CLOSE = 8,
    SYS_HANDLE_DUPLICATE = 9,
    SYS_HANDLE_INFO = 10,
    SYS_PROCESS_SPAWN = 11,
    SYS_PROCESS_KILL = 12,
    SYS_OBJECT_WAIT = 13,
    SYS_THREAD_CREATE = 14,
    SYS_THREAD_EXIT = 15,
    SYS_VMO_CREATE = 16,
    SYS_VMO_MAP = 17,
    SYS_VM_UNMAP = 18,
    SYS_ENDPOINT_CREATE = 19,
    SYS_CALL = 20,
    SYS_RECV = 21,
    SYS_REPLY_RECV = 22,
    SYS_CHANNEL_CREATE = 23,
    SYS_CHANNEL_WRITE = 24,
    SYS_CHANNEL_READ = 25,
    SYS_CHANNEL_CALL = 26,
    SYS_INTERRUPT_CREATE = 27,
    SYS_INTERRUPT_WAIT = 28,
    SYS_INTERRUPT_ACK = 29,
    SYS_KSTATS = 30,
    SYS_IPC_BUFFER = 31,
    SYS_POWEROFF = 32,
    SYS_THREAD_SET_PRIORITY = 33,
    SYS_BOOTIMAGE_LIST = 34,
    SYS_ENDPOINT_MINT = 35,
    /* XPC (docs/xpc-kernel.md) */
    SYS_XENTRY_CREATE = 36,
    SYS_XENTRY_GRANT = 37,
    SYS_XENTRY_BIND = 38,
    SYS_XENTRY_DESTROY = 39,
    SYS_XENTRY_INFO = 40,
    SYS_RELAY_CREATE = 41,
    SYS_RELAY_ATTACH = 42,
    SYS_RELAY_DETACH = 43,
    SYS_XPC_CALL_TIMEOUT = 44,
    SYS_XPC_INFO = 45,
    SYS_PROCESS_SET_LIMITS = 46, /* a0 process (MANAGE), a1 max priority, a2 x-entry quota */
    /* User-level drivers (docs/syscalls.md, "Devices") */
    SYS_RESOURCE_CREATE = 60,
    SYS_DEVICE_VMO_CREATE = 61,
    SYS_VMO_CREATE_CONTIG = 62,
    SYS_VMO_PHYS = 63,
    SYS_RELAY_PHYS = 64,
    SYS_VM_CHECK = 65,
    /* Binder-style transactions (docs/binder.md). */
    SYS_BINDER_OPEN = 70,
    SYS_BINDER_NODE_CREATE = 71,
    SYS_BINDER_SET_CONTEXT_MGR = 72,
    SYS_BINDER_TRANSACT = 73,
    SYS_BINDER_RECV = 74,
    SYS_BINDER_REPLY = 75,
    SYS_BINDER_FREE = 76,
    SYS_BINDER_DEATH = 77,
    SYS_COUNT
};

/* Errors: always negative in a0. */
#define ERR_BAD_SYSCALL      (-1)  /* no such system call number */
#define ERR_INVALID_ARGS     (-2)  /* an argument is out of its documented range */
#define ERR_BAD_HANDLE       (-3)  /* not a live handle of the calling process */
#define ERR_WRONG_TYPE       (-4)  /* the handle names an object of another type */
#define ERR_ACCESS_DENIED    (-5)  /* the handle lacks a right the operation needs */
#define ERR_NO_MEMORY        (-6)  /* out of frames or kernel memory */
#define ERR_FAULT            (-7)  /* a user pointer is outside user space or not mapped */
#define ERR_SHOULD_WAIT      (-8)  /* nothing to read and the caller asked not to block */
#define ERR_PEER_CLOSED      (-9)  /* the other side is gone */
#define ERR_BUFFER_TOO_SMALL (-10) /* the message does not fit; it stays queued */
#define ERR_OUT_OF_RANGE     (-11) /* address range overlaps something it may not */
#define ERR_NOT_FOUND        (-12) /* no such boot-image program */
#define ERR_NO_RESOURCES     (-13) /* a table or queue limit is reached */
#define ERR_BAD_STATE        (-14) /* e.g. reply with nobody to reply to */
#define ERR_ALREADY_BOUND    (-15) /* the interrupt line is already bound */
#define ERR_NOT_SUPPORTED    (-16) /* e.g. sending a channel handle through itself */
#define ERR_TIMED_OUT        (-17) /* an XPC call outlived its time limit */
/* An XPC instruction that faults in user mode returns -cause in a0 and continues after it. */
#define ERR_XPC_INVALID_XENTRY  (-24) /* xcall: no such x-entry (or destroyed) */
#define ERR_XPC_INVALID_CAP     (-25) /* xcall: the caller holds no call right for it */
#define ERR_XPC_INVALID_LINKAGE (-26) /* xret with nothing to return to */
#define ERR_XPC_LINK_OVERFLOW   (-27) /* xcall: the thread's link stack is full */
#define ERR_XPC_INVALID_SWAPSEG (-28) /* swapseg: index beyond the seg-list */
#define ERR_XPC_SEG_MISMATCH    (-29) /* xret: the active segment is not the one handed over */
#define ERR_XPC_INVALID_SEGMASK (-30) /* xcall: the seg-mask leaves the active segment */
#define ERR_XPC_BUSY            (-31) /* libxpc: every context of the x-entry is taken */

/* Handle rights. */
#define RIGHT_READ        (1u << 0)
#define RIGHT_WRITE       (1u << 1)
#define RIGHT_DUPLICATE   (1u << 2)
#define RIGHT_TRANSFER    (1u << 3)
#define RIGHT_MAP         (1u << 4)
#define RIGHT_WAIT        (1u << 5)
#define RIGHT_MANAGE      (1u << 6) /* kill a process, set a thread's priority */
#define RIGHT_GRANT       (1u << 7) /* x-entry: hand out call rights (duplicate needs it) */
#define RIGHT_CALL        (1u << 8) /* x-entry: bind it into the process's xcall-cap bitmap */
#define RIGHT_SAME_RIGHTS 0xffffffffu
#define RIGHTS_ALL        0x1ffu

/* Kernel object types (SYS_HANDLE_INFO returns type | rights << 8). */
enum obj_type {
    OBJ_NONE = 0,
    OBJ_PROCESS,
    OBJ_THREAD,
    OBJ_ADDRESS_SPACE,
    OBJ_VMO,
    OBJ_ENDPOINT,
    OBJ_CHANNEL,
    OBJ_INTERRUPT,
    OBJ_RESOURCE,  /* the root resource (power off, interrupts, devices) or a device range of it */
    OBJ_XENTRY,    /* an XPC entry point of a server process */
    OBJ_RELAY_SEG, /* an XPC relay segment: physically contiguous, lives in the relay window */
    OBJ_BINDER,      /* a process's binder context: its receive buffer and work queue */
    OBJ_BINDER_NODE, /* a binder object (a service) owned by one binder context */
    OBJ_TYPE_COUNT
};

/* Limits. */
#define HANDLE_TABLE_SIZE   256
#define IPC_MSG_WORDS       496 /* message words in an IPC buffer (4 KiB page) */
#define IPC_REG_WORDS       4   /* words carried in registers a2-a5 */
#define IPC_MAX_HANDLES     8
#define CHANNEL_MAX_BYTES   4096
#define CHANNEL_MAX_HANDLES 8
#define CHANNEL_MAX_QUEUED  64
#define VMO_MAX_SIZE        (2u << 20) /* one frame of page addresses */
#define MAX_PRIORITY        31
#define DEFAULT_PRIORITY    16

/* Endpoint message info word (a1): length in words, handle count, label. */
#define MSGINFO(label, words, handles)                                                             \
    (((uint64_t)(label) << 16) | ((uint64_t)(handles) << 12) | (uint64_t)(words))
#define MSGINFO_WORDS(i)   ((i)&0xfffu)
#define MSGINFO_HANDLES(i) (((i) >> 12) & 0xfu)
#define MSGINFO_LABEL(i)   ((i) >> 16)

/* The per-thread IPC buffer: one page, mapped read-write in the thread's process. Message words
 * 0-3 travel in registers; words 4.. travel here at the same index. */
struct ipc_buffer {
    uint64_t msg[IPC_MSG_WORDS];
    uint64_t handles[IPC_MAX_HANDLES]; /* handles to send; received handles arrive here */
    uint64_t badge;
    uint64_t reserved[7];
};

/* SYS_CHANNEL_READ flags. */
#define CHANNEL_READ_WAIT 1u /* block until a message or peer closure */

/* SYS_CHANNEL_CALL argument block (as Zircon's zx_channel_call_args_t). The first 4 bytes of the
 * written message are overwritten with a transaction id; the reply must start with the same. */
struct channel_call_args {
    const void *wr_bytes;
    const uint64_t *wr_handles;
    uint32_t wr_num_bytes;
    uint32_t wr_num_handles;
    void *rd_bytes;
    uint64_t *rd_handles;
    uint32_t rd_num_bytes;
    uint32_t rd_num_handles;
};

/* SYS_VM_CHECK flags. */
#define VM_CHECK_WRITE 1u

/* SYS_VMO_MAP flags. */
#define MAP_READ  1u
#define MAP_WRITE 2u

/* SYS_KSTATS result: what the leak checks compare. */
struct kstats {
    uint64_t objects[OBJ_TYPE_COUNT]; /* live kernel objects per type */
    uint64_t frames_used;             /* frames in use, excluding kernel-heap slabs */
    uint64_t frames_total;
    uint64_t frames_free;     /* what frame_alloc can still give */
    uint64_t heap_bytes;      /* live kernel-heap allocations */
    uint64_t handles;         /* live handles in all tables */
    uint64_t selftest_passed; /* kernel self-test results at boot */
    uint64_t selftest_failed;
    uint64_t fastpath_calls; /* IPC fastpath hits */
    uint64_t slowpath_calls;
    uint64_t asid_mode;           /* 1 = ASIDs, 0 = flush on every switch */
    uint64_t external_interrupts; /* PLIC interrupts taken (console input included) */
    uint64_t timer_interrupts;
    uint64_t fp_first_use_traps; /* threads given FP state by their first FP instruction */
    uint64_t fp_saves;           /* FP registers saved because they were Dirty */
    uint64_t fp_restores;        /* FP registers loaded for a thread switched in */
    uint64_t fp_contexts;        /* live FP contexts */
};

/* XPC limits and the x-entry information block (SYS_XENTRY_INFO). */
#define XPC_MAX_XENTRIES 1024 /* the x-entry table: IDs 0..1023 */
#define XPC_LINK_DEPTH   63   /* calls a thread can nest: 64 records less the sentinel */
#define XPC_SEGLIST_SIZE 16   /* seg-list entries per process */
#define XPC_MAX_CALLERS  64   /* contexts an x-entry may declare */
#define RELAY_MAX_SIZE   (16u << 20)
struct xentry_info {
    uint64_t id;          /* the x-entry ID for xcall */
    uint64_t max_callers; /* the contexts its server declared */
    uint64_t chain_bytes; /* what the server may add to a message, worst case down its chain */
};
/* SYS_XPC_INFO queries. */
#define XPC_INFO_MODE     0 /* returns XPC_MODE_* */
#define XPC_INFO_DEPTH    1 /* calls the current thread is nested in (0 at home) */
#define XPC_INFO_CHECK    2 /* 0 if the kernel's XPC invariants hold, else XPC_BROKEN_* */
#define XPC_INFO_IDENTITY 3 /* the caller's own identity (what a callee reads as xcaller) */
/* XPC_INFO_CHECK results: which invariant broke (the adversarial tests call it after each step). */
#define XPC_BROKEN_SEG_PLACES (-100) /* a relay segment is in more than one place */
#define XPC_BROKEN_CAP_BIT    (-101) /* a cap bit without a live entry and a CALL handle for it */
#define XPC_BROKEN_LINK       (-102) /* a link pointer outside its stack */
#define XPC_BROKEN_QUOTA      (-103) /* x-entries charged differ from x-entries owned */
#define XPC_MODE_ENGINE   1 /* the hardware engine runs xcall/xret/swapseg */
#define XPC_MODE_EMULATED 2 /* no engine (or xpc=emulate): the kernel traps and emulates them */
/* The libxpc context ABI the kernel relies on when it ends a call the callee cannot finish: while
 * a callee context runs, tp points just past the caller's sp, gp and tp, the context's index in
 * its entry's pool and the address of the pool's free mask. The kernel reads the first three to
 * resume the caller, and sets the bit of a context it abandons (a time limit passed, or the
 * calling thread died inside), so the pool does not shrink. */
#define XPC_CTX_FREE_MASK (-40)
#define XPC_CTX_INDEX     (-32)
#define XPC_CTX_CALLER_SP (-24)
#define XPC_CTX_CALLER_GP (-16)
#define XPC_CTX_CALLER_TP (-8)

/* Binder (docs/binder.md): the receive buffer is BINDER_VM_SIZE of libbinder (1 MiB less two
 * pages), half of it for one-way transactions, as Android's driver gives. */
#define BINDER_BUFFER_SIZE ((1u << 20) - 2 * 4096u)
#define BINDER_MAX_BUFFERS 64 /* transactions a context may hold in its buffer at once */
#define BINDER_FLAG_ONE_WAY 1u /* TF_ONE_WAY: no reply, the sender does not wait */
#define BINDER_FLAG_STATUS  2u /* a reply that carries only a status (its int32 data) */
/* Flat objects in a parcel (Android's flat_binder_object, 24 bytes), named by the offsets. */
#define BINDER_TYPE_HANDLE 0x73682a85u /* a node handle; arrives as the receiver's handle */
#define BINDER_TYPE_BINDER 0x73622a85u /* a node the receiver owns: arrives with its cookie */
#define BINDER_TYPE_FD     0x66642a85u /* a VMO or x-entry handle: duplicated into the receiver */
struct binder_object {
    uint32_t type;
    uint32_t flags;
    uint64_t handle;
    uint64_t cookie;
};
/* SYS_BINDER_TRANSACT and SYS_BINDER_REPLY: what to send. */
struct binder_txn {
    uint64_t target; /* node handle (0: the context manager); unused in a reply */
    uint32_t code, flags;
    uint64_t data, data_size;     /* user pointer and bytes */
    uint64_t offsets, n_offsets;  /* user pointer to uint64 offsets of binder_objects */
};
/* SYS_BINDER_RECV: one work item. */
#define BINDER_WORK_TRANSACTION 1u
#define BINDER_WORK_DEAD_BINDER 2u
struct binder_work {
    uint32_t type, flags;
    uint32_t code, reserved;
    uint64_t txn;    /* to reply to (0 for one-way) */
    uint64_t cookie; /* the target node's cookie, or the death notification's */
    uint64_t data, data_size;    /* in the receive buffer (read-only) */
    uint64_t offsets, n_offsets; /* the offsets, translated objects at each */
};

/* User address-space layout (see docs/kernel.md). */
#define USER_BASE         0x00010000ULL
#define USER_HEAP_LIMIT   0x20000000ULL
#define USER_MAP_BASE     0x20000000ULL /* SYS_VMO_MAP picks addresses here */
#define USER_MAP_LIMIT    0x3e000000ULL
#define USER_STACK_TOP    0x3f000000ULL
#define USER_STACK_SIZE   0x00010000ULL
#define USER_IPCBUF_BASE  0x3f000000ULL /* one page per thread slot */
#define USER_IPCBUF_LIMIT 0x40000000ULL
#define RELAY_WINDOW_BASE                                                                          \
    0x40000000ULL /* reserved for XPC relay segments: never in a page table                        \
                   */
#define RELAY_WINDOW_LIMIT 0x80000000ULL
#define USER_TOP           0x40000000ULL /* user pages live below this */

#endif
