/* libbinder: Binder-style transactions over the binder kernel object or over XPC
 * (docs/binder.md). The API is the same on both transports; the service manager says which one
 * the system booted with (boot argument binder=kernel|xpc), and applications do not change.
 *
 *   client:   binder_init(); h = binder_get_service("name");
 *             parcel_init(&p); parcel_write_i32(&p, 7); binder_transact(h, CODE, &p, &reply, 0);
 *   service:  binder_init(); n = binder_service_create(on_transact, arg, threads);
 *             binder_add_service("name", n); binder_join_thread_pool();
 */
#ifndef XPC_BINDER_H
#define XPC_BINDER_H

#include <stddef.h>
#include <stdint.h>
#include <xpc/sys.h>

enum binder_transport { BINDER_KERNEL = 1, BINDER_XPC = 2 };

#define PARCEL_MAX_OBJECTS  64
#define BINDER_MAX_SERVICES 8 /* services one process exports */

/* A parcel: flat data plus the offsets of the objects in it (handles, shared memory). Written
 * parcels live in the transport's storage (the heap, or this thread's relay segment on XPC);
 * received ones are read in place (the kernel's receive buffer, or the relay segment). */
struct parcel {
    uint8_t *data;
    uint64_t size, pos, cap;
    uint64_t *offsets;
    uint64_t n_offsets, cap_offsets;
    int32_t error;    /* the first error of a read or write; sticky */
    uint32_t kind;    /* where the storage is (libbinder's own) */
    uint64_t kbuf;    /* a kernel receive buffer to give back */
    uint64_t taken;   /* objects whose handles the reader took (the rest are closed with it) */
    uint64_t seg_off; /* XPC: where the data starts in the segment */
};

void parcel_init(struct parcel *p);
void parcel_destroy(struct parcel *p);
int parcel_write_i32(struct parcel *p, int32_t v);
int parcel_write_i64(struct parcel *p, int64_t v);
int parcel_write_string(struct parcel *p, const char *s);
int parcel_write_bytes(struct parcel *p, const void *b, uint64_t n);
int parcel_write_handle(struct parcel *p, uint64_t node); /* a service handle */
int32_t parcel_read_i32(struct parcel *p);
int64_t parcel_read_i64(struct parcel *p);
const char *parcel_read_string(struct parcel *p); /* in place; NULL (and p->error) if malformed */
const void *parcel_read_bytes(struct parcel *p, uint64_t *n);
/* A handle the reader now owns (close it with sys_handle_close), or a negative error. */
int64_t parcel_read_handle(struct parcel *p);
/* Raw access for tests: write an object header at an arbitrary place. */
int parcel_write_object(struct parcel *p, const struct binder_object *o, int record_offset);

/* ashmem-like shared memory. On the kernel transport: VMOs mapped in the creator and by each
 * receiver, which copies the contents out before use (the TOCTTOU defence). On XPC: a relay
 * segment lent for the call, reachable by one side at a time, used in place. */
struct ashmem {
    uint64_t size;
    uint8_t *data;   /* valid between ashmem_begin and ashmem_end (always on the kernel) */
    uint64_t vmo[8]; /* kernel: 2 MiB VMOs, mapped contiguously */
    uint32_t nvmo, slot;
    uint64_t seg; /* XPC: the relay segment's handle and seg-list slot */
    uint8_t *seg_va;
};
#define ASHMEM_MAX_SIZE (16u << 20)
int ashmem_create(uint64_t size, struct ashmem *a);
void ashmem_destroy(struct ashmem *a);
uint8_t *ashmem_begin(struct ashmem *a); /* the bytes, writable by the creator */
void ashmem_end(struct ashmem *a);
int parcel_write_ashmem(struct parcel *p, struct ashmem *a);
/* What a receiver sees: the contents (a private copy on the kernel transport), size. */
struct ashmem_view {
    const uint8_t *data;
    uint64_t size;
    void *copy;
};
int parcel_read_ashmem(struct parcel *p, struct ashmem_view *v);
void ashmem_view_release(struct ashmem_view *v);

/* onTransact: returns 0 (the reply parcel is sent) or a negative status (sent instead). */
typedef int32_t (*binder_on_transact_t)(void *arg, uint32_t code, struct parcel *data,
                                        struct parcel *reply, uint32_t flags);
typedef void (*binder_death_fn)(void *arg);

int binder_init(void); /* opens the context; asks the service manager for the transport */
int binder_init_transport(enum binder_transport t); /* for the service manager itself */
enum binder_transport binder_transport(void);
/* Synchronous (flags 0) or one-way (BINDER_FLAG_ONE_WAY). 0, the service's negative status,
 * ERR_PEER_CLOSED (dead object), ERR_NO_RESOURCES (failed transaction: no room), or the error of
 * a malformed parcel. reply is initialised in every case (destroy it). */
int64_t binder_transact(uint64_t handle, uint32_t code, struct parcel *data, struct parcel *reply,
                        uint32_t flags);
int64_t binder_service_create(binder_on_transact_t fn, void *arg, uint32_t threads);
int binder_start_thread_pool(uint32_t threads); /* looper threads for the kernel queue */
void binder_join_thread_pool(void) __attribute__((noreturn));
int binder_link_to_death(uint64_t handle, binder_death_fn fn, void *arg);
int binder_unlink_to_death(uint64_t handle, binder_death_fn fn, void *arg);
void binder_release(uint64_t handle); /* closes a handle and forgets its XPC binding */
void binder_thread_release(void);     /* a thread about to exit gives back its relay segment */

/* The service manager (handle 0). */
enum { SM_ADD = 1, SM_GET, SM_LIST, SM_TRANSPORT };
int binder_add_service(const char *name, uint64_t node);
int64_t binder_get_service(const char *name);
int binder_list_services(char *buf, uint64_t cap); /* names, one per line */

/* Raw access, for tests and the service manager. */
extern uint64_t binder_ctx;
extern uint64_t binder_xpc_calls; /* transactions this process made over XPC */
int64_t binder_kernel_transact(uint64_t target, uint32_t code, const struct binder_txn *t,
                               struct parcel *reply);
void binder_copy(void *dst, const void *src, uint64_t n); /* word-wise, as a tuned memcpy */

#endif
