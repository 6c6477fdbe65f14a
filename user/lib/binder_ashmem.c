/* ashmem-like regions (docs/binder.md). Kernel transport: up to eight 2 MiB VMOs (the kernel's
 * VMO limit) mapped contiguously, read and written in place by the creator; a receiver maps
 * them, copies them out and unmaps them (binder_parcel.c). XPC: one relay segment with a parcel
 * page in front, reachable while it is the active segment (between begin and end). */
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>
#include "binder_internal.h"

int ashmem_create(uint64_t size, struct ashmem *a)
{
    memset(a, 0, sizeof(*a));
    if (size == 0 || size > ASHMEM_MAX_SIZE)
        return ERR_INVALID_ARGS;
    if (binder_tp == BINDER_XPC)
        return size > RELAY_MAX_SIZE - XPC_PARCEL_PAGE ? ERR_INVALID_ARGS
                                                       : binder_xpc_ashmem_create(size, a);
    a->size = size;
    a->nvmo = (uint32_t)((size + VMO_MAX_SIZE - 1) / VMO_MAX_SIZE);
    int64_t base = 0, r = 0;
    for (uint32_t i = 0; i < a->nvmo && r >= 0; i++) {
        uint64_t part = size - i * (uint64_t)VMO_MAX_SIZE;
        r = sys_vmo_create(part < VMO_MAX_SIZE ? part : VMO_MAX_SIZE);
        if (r < 0)
            break;
        a->vmo[i] = (uint64_t)r;
        r = sys_vmo_map(a->vmo[i], base ? (uint64_t)base + i * VMO_MAX_SIZE : 0,
                        MAP_READ | MAP_WRITE);
        if (r >= 0 && !base)
            base = r;
        if (r < 0)
            a->vmo[i] = (sys_handle_close(a->vmo[i]), 0);
    }
    a->data = (uint8_t *)base;
    if (r < 0) {
        ashmem_destroy(a);
        return (int)r;
    }
    return 0;
}

void ashmem_destroy(struct ashmem *a)
{
    if (a->seg) {
        binder_xpc_ashmem_destroy(a);
    } else {
        for (uint32_t i = 0; i < a->nvmo; i++) {
            if (!a->vmo[i])
                continue;
            sys_vm_unmap((uint64_t)a->data + i * VMO_MAX_SIZE);
            sys_handle_close(a->vmo[i]);
        }
    }
    memset(a, 0, sizeof(*a));
}

uint8_t *ashmem_begin(struct ashmem *a)
{
    if (!a->seg)
        return a->data;
    if (xpc_seg_swap(a->slot) < 0)
        return NULL;
    return a->data = a->seg_va + XPC_PARCEL_PAGE;
}

void ashmem_end(struct ashmem *a)
{
    if (a->seg) {
        xpc_seg_swap(a->slot);
        a->data = NULL;
    }
}

int parcel_write_ashmem(struct parcel *p, struct ashmem *a)
{
    if (a->seg) {
        struct binder_object o = {
            .type = BINDER_TYPE_ASHMEM_XPC, .flags = a->slot, .cookie = a->size};
        return parcel_write_object(p, &o, 1);
    }
    parcel_write_i64(p, (int64_t)a->size);
    parcel_write_i32(p, (int32_t)a->nvmo);
    for (uint32_t i = 0; i < a->nvmo; i++) {
        struct binder_object o = {.type = BINDER_TYPE_FD, .handle = a->vmo[i]};
        parcel_write_object(p, &o, 1);
    }
    return p->error;
}
