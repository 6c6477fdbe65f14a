/* Parcels (docs/binder.md): flat data, 4-byte aligned values, and the offsets of 8-byte aligned
 * objects. Reads are bounds-checked; the first bad read sets a sticky error and later reads
 * return zeros, so a malformed parcel is one error for the service, never a wild read. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include "binder_internal.h"

void binder_copy(void *dst, const void *src, uint64_t n)
{
    uint64_t *d = dst;
    const uint64_t *s = src;
    if (((uintptr_t)dst | (uintptr_t)src) % 8 == 0) {
        for (; n >= 32; n -= 32, d += 4, s += 4) {
            uint64_t a = s[0], b = s[1], c = s[2], e = s[3];
            d[0] = a, d[1] = b, d[2] = c, d[3] = e;
        }
    }
    memcpy(d, s, n);
}

void parcel_init(struct parcel *p)
{
    memset(p, 0, sizeof(*p));
    if (binder_tp == BINDER_XPC && binder_xpc_parcel_init(p) == 0)
        return;
    p->kind = PK_HEAP;
}

void parcel_destroy(struct parcel *p)
{
    if (p->kind == PK_KBUF) {
        for (uint64_t i = 0; i < p->n_offsets; i++) {
            const struct binder_object *o = (const void *)(p->data + p->offsets[i]);
            if (i < 64 && (p->taken >> i) & 1)
                continue;
            if (o->type == BINDER_TYPE_HANDLE || o->type == BINDER_TYPE_FD)
                sys_handle_close(o->handle);
        }
        if (p->kbuf)
            SYSCALL(SYS_BINDER_FREE, binder_ctx, p->kbuf, 0, 0, 0);
    } else if (p->kind == PK_HEAP) {
        free(p->data);
        free(p->offsets);
    } else if (p->kind == PK_XPC_OUT) {
        binder_xpc_parcel_done(p);
    }
    memset(p, 0, sizeof(*p));
}

uint8_t binder_parcel_grow(struct parcel *p, uint64_t need)
{
    if (p->error)
        return 0;
    if (p->kind != PK_HEAP && p->kind != PK_XPC_OUT && p->kind != PK_XPC_REPLY) {
        p->error = ERR_BAD_STATE; /* a received parcel is read-only */
        return 0;
    }
    if (p->pos + need <= p->cap)
        return 1;
    if (p->kind != PK_HEAP || p->pos + need > BINDER_BUFFER_SIZE) {
        p->error = ERR_NO_RESOURCES;
        return 0;
    }
    uint64_t cap = p->cap ? p->cap : 256;
    while (cap < p->pos + need)
        cap *= 2;
    if (cap > BINDER_BUFFER_SIZE)
        cap = BINDER_BUFFER_SIZE;
    uint8_t *d = realloc(p->data, cap);
    if (!d) {
        p->error = ERR_NO_MEMORY;
        return 0;
    }
    p->data = d;
    p->cap = cap;
    return 1;
}

static int put(struct parcel *p, const void *src, uint64_t n, uint64_t pad)
{
    if (!binder_parcel_grow(p, n + pad))
        return p->error;
    binder_copy(p->data + p->pos, src, n);
    memset(p->data + p->pos + n, 0, pad);
    p->pos += n + pad;
    if (p->pos > p->size)
        p->size = p->pos;
    return 0;
}

int parcel_write_i32(struct parcel *p, int32_t v)
{
    return put(p, &v, 4, 0);
}

int parcel_write_i64(struct parcel *p, int64_t v)
{
    return put(p, &v, 8, 0);
}

int parcel_write_bytes(struct parcel *p, const void *b, uint64_t n)
{
    if (n > BINDER_BUFFER_SIZE)
        return p->error = ERR_NO_RESOURCES;
    int r = parcel_write_i32(p, (int32_t)n);
    return r ? r : put(p, b, n, (4 - n % 4) % 4);
}

/* As Android's writeString8: the length, the bytes, a NUL, padded to 4. */
int parcel_write_string(struct parcel *p, const char *s)
{
    uint64_t n = strlen(s);
    int r = parcel_write_i32(p, (int32_t)n);
    return r ? r : put(p, s, n + 1, (4 - (n + 1) % 4) % 4);
}

/* A parcel in the XPC segment that gets a handle must go through the kernel, which cannot read
 * the relay window: it moves to the heap (once; the handle is what costs here). */
int binder_parcel_to_heap(struct parcel *p)
{
    uint8_t *d = malloc(p->size ? p->size : 8);
    uint64_t *o = malloc(PARCEL_MAX_OBJECTS * sizeof(uint64_t));
    if (!d || !o) {
        free(d);
        free(o);
        return p->error = ERR_NO_MEMORY;
    }
    memcpy(d, p->data, p->size);
    memcpy(o, p->offsets, p->n_offsets * sizeof(uint64_t));
    binder_xpc_parcel_done(p);
    p->data = d;
    p->offsets = o;
    p->cap = p->size ? p->size : 8;
    p->cap_offsets = PARCEL_MAX_OBJECTS;
    p->kind = PK_HEAP;
    return 0;
}

int parcel_write_object(struct parcel *p, const struct binder_object *o, int record_offset)
{
    if (record_offset && o->type != BINDER_TYPE_ASHMEM_XPC) {
        if (p->kind == PK_XPC_REPLY)
            return p->error = ERR_NOT_SUPPORTED; /* an XPC reply carries no handle */
        if (p->kind == PK_XPC_OUT && binder_parcel_to_heap(p))
            return p->error;
    }
    uint64_t pad = (8 - p->pos % 8) % 8;
    if (put(p, "\0\0\0\0\0\0\0", pad, 0))
        return p->error;
    uint64_t at = p->pos;
    if (put(p, o, sizeof(*o), 0))
        return p->error;
    if (!record_offset)
        return 0;
    if (p->n_offsets >= PARCEL_MAX_OBJECTS)
        return p->error = ERR_NO_RESOURCES;
    if (p->kind == PK_HEAP && p->n_offsets == p->cap_offsets) {
        uint64_t *o2 = realloc(p->offsets, PARCEL_MAX_OBJECTS * sizeof(uint64_t));
        if (!o2)
            return p->error = ERR_NO_MEMORY;
        p->offsets = o2;
        p->cap_offsets = PARCEL_MAX_OBJECTS;
    }
    p->offsets[p->n_offsets++] = at;
    return 0;
}

int parcel_write_handle(struct parcel *p, uint64_t node)
{
    struct binder_object o = {.type = BINDER_TYPE_HANDLE, .handle = node};
    return parcel_write_object(p, &o, 1);
}

static const uint8_t *get(struct parcel *p, uint64_t n)
{
    if (p->error || n > p->size || p->pos > p->size - n) {
        if (!p->error)
            p->error = ERR_INVALID_ARGS;
        return NULL;
    }
    const uint8_t *at = p->data + p->pos;
    p->pos += n;
    return at;
}

int32_t parcel_read_i32(struct parcel *p)
{
    int32_t v = 0;
    const uint8_t *s = get(p, 4);
    if (s)
        memcpy(&v, s, 4);
    return v;
}

int64_t parcel_read_i64(struct parcel *p)
{
    int64_t v = 0;
    const uint8_t *s = get(p, 8);
    if (s)
        memcpy(&v, s, 8);
    return v;
}

const void *parcel_read_bytes(struct parcel *p, uint64_t *n)
{
    int32_t len = parcel_read_i32(p);
    if (len < 0 && !p->error)
        p->error = ERR_INVALID_ARGS;
    const uint8_t *b = p->error ? NULL : get(p, (uint64_t)len + (4 - (uint64_t)len % 4) % 4);
    *n = b ? (uint64_t)len : 0;
    return b;
}

const char *parcel_read_string(struct parcel *p)
{
    int32_t len = parcel_read_i32(p);
    if (len < 0 && !p->error)
        p->error = ERR_INVALID_ARGS;
    uint64_t n = (uint64_t)len + 1;
    const uint8_t *b = p->error ? NULL : get(p, n + (4 - n % 4) % 4);
    if (b && b[len] != 0) { /* truncated or unterminated: not a string */
        p->error = ERR_INVALID_ARGS;
        return NULL;
    }
    return (const char *)b;
}

/* The object at the read position, which must be one the offsets name (Android's
 * readObject): bytes that only look like an object are refused. */
static const struct binder_object *next_object(struct parcel *p, uint64_t *index)
{
    p->pos = (p->pos + 7) & ~7ULL;
    for (uint64_t i = 0; i < p->n_offsets && !p->error; i++) {
        if (p->offsets[i] == p->pos) {
            *index = i;
            return (const struct binder_object *)get(p, sizeof(struct binder_object));
        }
    }
    if (!p->error)
        p->error = ERR_INVALID_ARGS;
    return NULL;
}

int64_t parcel_read_handle(struct parcel *p)
{
    uint64_t i;
    const struct binder_object *o = next_object(p, &i);
    if (!o)
        return p->error;
    if (o->type == BINDER_TYPE_BINDER)
        return binder_local_node(o->cookie);
    if (o->type != BINDER_TYPE_HANDLE || (i < 64 && (p->taken >> i) & 1))
        return p->error = ERR_INVALID_ARGS;
    if (i < 64)
        p->taken |= 1ULL << i;
    return (int64_t)o->handle;
}

int binder_parcel_check_objects(const struct parcel *p)
{
    uint64_t next = 0;
    for (uint64_t i = 0; i < p->n_offsets; i++) {
        uint64_t at = p->offsets[i];
        if (at % 8 || at < next || at > p->size || p->size - at < sizeof(struct binder_object))
            return ERR_INVALID_ARGS;
        next = at + sizeof(struct binder_object);
    }
    return 0;
}

int parcel_read_ashmem(struct parcel *p, struct ashmem_view *v)
{
    memset(v, 0, sizeof(*v));
    if (p->kind == PK_XPC_IN || p->kind == PK_XPC_REPLY) {
        uint64_t i;
        const struct binder_object *o = next_object(p, &i);
        if (!o)
            return p->error;
        return binder_xpc_read_ashmem(p, o, v);
    }
    int64_t size = parcel_read_i64(p);
    int32_t n = parcel_read_i32(p);
    if (p->error || size <= 0 || size > (int64_t)ASHMEM_MAX_SIZE || n < 1 || n > 8 ||
        (uint64_t)n != ((uint64_t)size + VMO_MAX_SIZE - 1) / VMO_MAX_SIZE)
        return p->error ? p->error : (p->error = ERR_INVALID_ARGS);
    uint64_t vmo[8];
    for (int32_t k = 0; k < n; k++) {
        uint64_t i;
        const struct binder_object *o = next_object(p, &i);
        if (!o || o->type != BINDER_TYPE_FD)
            return p->error ? p->error : (p->error = ERR_INVALID_ARGS);
        if (i < 64)
            p->taken |= 1ULL << i;
        vmo[k] = o->handle;
    }
    /* Mapped read-only and contiguously, copied out, unmapped: the sender can still write the
     * region, so the receiver uses only its own copy (the TOCTTOU defence). */
    int64_t base = 0, r = 0;
    int32_t mapped = 0;
    for (; mapped < n && r >= 0; mapped++) {
        r = SYSCALL(SYS_VMO_MAP, vmo[mapped], base ? (uint64_t)base + mapped * VMO_MAX_SIZE : 0,
                    MAP_READ, 0, 0);
        if (r >= 0 && !base)
            base = r;
    }
    if (r >= 0) {
        v->copy = malloc((size_t)size);
        r = v->copy ? 0 : ERR_NO_MEMORY;
    }
    if (r >= 0) {
        binder_copy(v->copy, (const void *)base, (uint64_t)size);
        v->data = v->copy;
        v->size = (uint64_t)size;
    }
    for (int32_t k = 0; k < mapped - (r < 0); k++)
        sys_vm_unmap((uint64_t)base + k * VMO_MAX_SIZE);
    for (int32_t k = 0; k < n; k++)
        sys_handle_close(vmo[k]);
    return (int)r;
}

void ashmem_view_release(struct ashmem_view *v)
{
    free(v->copy);
    memset(v, 0, sizeof(*v));
}
