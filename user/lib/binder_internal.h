/* libbinder's parts talk through this (not an application interface). */
#ifndef BINDER_INTERNAL_H
#define BINDER_INTERNAL_H

#include <xpc/binder.h>

enum parcel_kind {
    PK_HEAP = 1, /* written, in the heap (kernel transport) */
    PK_KBUF,     /* received in the kernel's receive buffer: read-only, given back on destroy */
    PK_XPC_OUT,  /* written in this thread's relay segment */
    PK_XPC_IN,   /* received in the active relay segment */
    PK_XPC_REPLY /* a reply written in the active relay segment, or read from it */
};
/* The XPC ashmem object (no kernel sees it: it names the active segment of the call). */
#define BINDER_TYPE_ASHMEM_XPC 0x61732a85u
#define XPC_PARCEL_PAGE        4096u /* a region's first page carries the call's parcel */

extern enum binder_transport binder_tp;
int binder_xpc_parcel_init(struct parcel *p);  /* 0 if the parcel went into the segment */
void binder_xpc_parcel_done(struct parcel *p); /* the segment is free again */
int64_t binder_xpc_transact(uint64_t handle, uint32_t code, struct parcel *data,
                            struct parcel *reply, uint32_t flags, int *handled);
int64_t binder_xpc_serve_create(uint32_t svc, uint32_t threads, binder_on_transact_t fn, void *arg);
int64_t binder_xpc_grant(uint32_t svc); /* a CALL handle for a client, or an error */
int binder_xpc_ashmem_create(uint64_t size, struct ashmem *a);
void binder_xpc_ashmem_destroy(struct ashmem *a);
int binder_xpc_read_ashmem(struct parcel *p, const struct binder_object *o, struct ashmem_view *v);
int64_t binder_local_node(uint64_t cookie); /* a new handle to one of our own nodes */
void binder_xpc_forget(uint64_t handle);
int binder_parcel_to_heap(struct parcel *p); /* for the kernel path: it cannot read the window */
uint8_t binder_parcel_grow(struct parcel *p, uint64_t need);
int binder_parcel_check_objects(const struct parcel *p); /* offsets inside, ordered, known */

#endif
