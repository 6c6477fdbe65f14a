/* The services bindertest talks to: `bindertest serve NAME THREADS` registers NAME. */
#include <stdio.h>
#include <string.h>
#include <xpc/usys.h>
#include "bindertest.h"

static volatile uint32_t oneway_count, inside;

static int32_t echo(struct parcel *d, struct parcel *r)
{
    int32_t a = parcel_read_i32(d);
    int64_t b = parcel_read_i64(d);
    const char *s = parcel_read_string(d);
    uint64_t n = 0;
    const void *bytes = parcel_read_bytes(d, &n);
    if (d->error)
        return d->error;
    parcel_write_i32(r, a);
    parcel_write_i64(r, b);
    parcel_write_string(r, s);
    parcel_write_bytes(r, bytes, n);
    return 0;
}

static int32_t on_transact(void *arg, uint32_t code, struct parcel *d, struct parcel *r,
                           uint32_t flags)
{
    (void)arg, (void)flags;
    switch (code) {
    case T_ECHO: return echo(d, r);
    case T_ADD: {
        int32_t a = parcel_read_i32(d), b = parcel_read_i32(d);
        return d->error ? d->error : parcel_write_i32(r, a + b);
    }
    case T_FAIL: return T_STATUS_FAIL;
    case T_ONEWAY: __atomic_fetch_add(&oneway_count, 1, __ATOMIC_SEQ_CST); return 0;
    case T_COUNT: return parcel_write_i32(r, (int32_t)oneway_count);
    case T_HANDLE: {
        int64_t h = parcel_read_handle(d);
        if (h < 0)
            return (int32_t)h;
        static int64_t last; /* closed at the next call: the reply is sent after we return */
        if (last > 0)
            sys_handle_close((uint64_t)last);
        last = h;
        return parcel_write_handle(r, (uint64_t)h);
    }
    case T_ASHMEM_SUM: {
        struct ashmem_view v;
        int rr = parcel_read_ashmem(d, &v);
        if (rr < 0)
            return rr;
        uint64_t sum = 0;
        for (uint64_t i = 0; i < v.size; i++)
            sum += v.data[i];
        ashmem_view_release(&v);
        return parcel_write_i64(r, (int64_t)sum);
    }
    case T_SIZE: return parcel_write_i64(r, (int64_t)d->size);
    case T_MEET: {
        __atomic_fetch_add(&inside, 1, __ATOMIC_SEQ_CST);
        for (int i = 0; i < 2000 && inside < 2; i++)
            sys_yield();
        int32_t met = inside >= 2;
        for (int i = 0; i < 50; i++)
            sys_yield(); /* the other one sees it too */
        __atomic_fetch_sub(&inside, 1, __ATOMIC_SEQ_CST);
        return parcel_write_i32(r, met);
    }
    case T_DIE: sys_exit(3); return 0;
    case T_STRING: {
        const char *s = parcel_read_string(d);
        return s ? parcel_write_i32(r, (int32_t)strlen(s)) : d->error;
    }
    case T_WHERE:
        return parcel_write_i32(r, (uint64_t)d->data >= RELAY_WINDOW_BASE &&
                                       (uint64_t)d->data < RELAY_WINDOW_LIMIT);
    default: return ERR_INVALID_ARGS;
    }
}

void serve_test_service(const char *name, uint32_t threads)
{
    int64_t r = binder_init();
    int64_t node = r < 0 ? r : binder_service_create(on_transact, NULL, threads);
    if (node > 0)
        r = binder_add_service(name, (uint64_t)node);
    if (node < 0 || r < 0) {
        printf("bindertest: service %s: %s\n", name, xpc_strerror(node < 0 ? node : r));
        sys_exit(1);
    }
    if (threads > 1)
        binder_start_thread_pool(threads - 1);
    binder_join_thread_pool();
}
