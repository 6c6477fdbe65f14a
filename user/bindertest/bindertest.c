/* bindertest (docs/binder.md): run on the transport the system booted with (binder=kernel or
 * binder=xpc): the service manager, every parcel type, status codes, one-way calls, handles
 * passed in parcels and back, shared memory, the thread pool, death notices and in-flight
 * calls of a dying service, the kernel object's limits and malformed parcels; after each phase
 * the kernel's object, handle, heap and frame counts are back where they were.
 *   bindertest                 the tests; ends with "N passed, N failed"
 *   bindertest serve NAME N    a test service with N threads (the tests start these) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include "bindertest.h"

int passed, failed;
uint8_t *bindertest_big;

void check(int ok, const char *what)
{
    if (ok)
        passed++;
    else
        failed++;
    printf("%s %s\n", ok ? "PASS" : "FAIL", what);
}

static int64_t start_service(const char *name, uint32_t threads, uint64_t *handle)
{
    char args[64];
    snprintf(args, sizeof(args), "serve %s %u", name, (unsigned)threads);
    int64_t p = xpc_spawn("bindertest", args, 0);
    for (int i = 0; i < 200 && p > 0; i++) {
        int64_t h = binder_get_service(name);
        if (h > 0) {
            *handle = (uint64_t)h;
            return p;
        }
        sys_sleep_ns(1000000);
    }
    return p > 0 ? ERR_NOT_FOUND : p;
}

/* Kills a service and waits until the service manager has heard of its death. */
static void stop_service(int64_t proc, const char *name)
{
    if (proc > 0) {
        sys_kill((uint64_t)proc);
        sys_object_wait((uint64_t)proc);
        sys_handle_close((uint64_t)proc);
    }
    for (int i = 0; i < 200; i++) {
        int64_t h = binder_get_service(name);
        if (h == ERR_NOT_FOUND)
            return;
        if (h > 0)
            binder_release((uint64_t)h);
        sys_sleep_ns(1000000);
    }
}

/* The kernel's counts before and after a phase run in a child process: whatever the child held
 * (its heap, page tables, threads and their segments) is gone with it, so any difference is a
 * leak in the kernel object or the services. */
static void leak_check(const struct kstats *a, const char *phase)
{
    struct kstats b;
    sys_kstats(&b);
    int ok =
        a->frames_used == b.frames_used && a->heap_bytes == b.heap_bytes && a->handles == b.handles;
    for (int i = 0; i < OBJ_TYPE_COUNT; i++)
        ok &= a->objects[i] == b.objects[i];
    char what[160];
    snprintf(what, sizeof(what),
             "%s leaks nothing (frames %lu -> %lu, heap %lu -> %lu, handles %lu -> %lu)", phase,
             (unsigned long)a->frames_used, (unsigned long)b.frames_used,
             (unsigned long)a->heap_bytes, (unsigned long)b.heap_bytes, (unsigned long)a->handles,
             (unsigned long)b.handles);
    check(ok, what);
}

void bindertest_meet(void *arg);

static void api_tests(uint64_t echo)
{
    struct parcel d, r;
    static const uint8_t bytes[5] = {1, 2, 3, 4, 5};
    parcel_init(&d);
    parcel_write_i32(&d, -7);
    parcel_write_i64(&d, 0x123456789abcdefLL);
    parcel_write_string(&d, "hello, binder");
    parcel_write_bytes(&d, bytes, sizeof(bytes));
    int64_t s = binder_transact(echo, T_ECHO, &d, &r, 0);
    uint64_t n = 0;
    int32_t a = parcel_read_i32(&r);
    int64_t b = parcel_read_i64(&r);
    const char *str = parcel_read_string(&r);
    const uint8_t *back = parcel_read_bytes(&r, &n);
    check(s == 0 && a == -7 && b == 0x123456789abcdefLL && str && !strcmp(str, "hello, binder") &&
              n == 5 && back && !memcmp(back, bytes, 5) && !r.error,
          "int32, int64, string and bytes come back");
    check(parcel_read_i32(&r) == 0 && r.error == ERR_INVALID_ARGS,
          "reading past the end of a parcel is an error");
    parcel_destroy(&r);
    parcel_destroy(&d);

    parcel_init(&d);
    parcel_write_i32(&d, 40);
    parcel_write_i32(&d, 2);
    s = binder_transact(echo, T_ADD, &d, &r, 0);
    check(s == 0 && parcel_read_i32(&r) == 42, "onTransact dispatches by code");
    parcel_destroy(&r);
    parcel_destroy(&d);

    parcel_init(&d);
    check(binder_transact(echo, T_FAIL, &d, &r, 0) == T_STATUS_FAIL,
          "a service's status comes back as the transaction's result");
    parcel_destroy(&r);
    check(binder_transact(echo, 999, &d, &r, 0) == ERR_INVALID_ARGS, "an unknown code is an error");
    parcel_destroy(&r);
    parcel_destroy(&d);

    for (int i = 0; i < 10; i++) {
        parcel_init(&d);
        s = binder_transact(echo, T_ONEWAY, &d, &r, BINDER_FLAG_ONE_WAY);
        parcel_destroy(&r);
        parcel_destroy(&d);
        if (s < 0)
            break;
    }
    int32_t count = 0;
    for (int i = 0; i < 100 && count < 10; i++) {
        parcel_init(&d);
        if (binder_transact(echo, T_COUNT, &d, &r, 0) == 0)
            count = parcel_read_i32(&r);
        parcel_destroy(&r);
        parcel_destroy(&d);
        if (count < 10)
            sys_sleep_ns(1000000);
    }
    check(s == 0 && count == 10, "ten one-way transactions all arrive");

    /* Where the service reads: in place in the relay segment on XPC, in its receive buffer on
     * the kernel (the one copy). */
    parcel_init(&d);
    s = binder_transact(echo, T_WHERE, &d, &r, 0);
    int32_t in_seg = s == 0 ? parcel_read_i32(&r) : -1;
    check(in_seg == (binder_transport() == BINDER_XPC),
          binder_transport() == BINDER_XPC ? "the parcel is read in place in the relay segment"
                                           : "the parcel is read from the receive buffer");
    parcel_destroy(&r);
    parcel_destroy(&d);
    if (binder_transport() == BINDER_XPC) {
        /* A handle forged into an XPC parcel: no kernel translated it, the library refuses it. */
        parcel_init(&d);
        parcel_write_i32(&d, 0);
        struct binder_object forged = {.type = BINDER_TYPE_HANDLE, .handle = echo};
        uint64_t at = d.pos + (8 - d.pos % 8) % 8;
        parcel_write_object(&d, &forged, 0);
        d.offsets[d.n_offsets++] = at;
        uint64_t calls = binder_xpc_calls;
        s = binder_transact(echo, T_HANDLE, &d, &r, 0);
        check(s == ERR_INVALID_ARGS && binder_xpc_calls == calls + 1,
              "a handle forged into an XPC parcel is refused");
        parcel_destroy(&r);
        parcel_destroy(&d);
    }

    /* A truncated string: the length says 100, the parcel holds 4 bytes. */
    parcel_init(&d);
    parcel_write_i32(&d, 100);
    parcel_write_i32(&d, 0x41414141);
    check(binder_transact(echo, T_STRING, &d, &r, 0) == ERR_INVALID_ARGS,
          "a truncated string is refused by the reader");
    parcel_destroy(&r);
    parcel_destroy(&d);
    parcel_init(&d);
    parcel_write_i32(&d, 3);
    parcel_write_i32(&d, 0x41414141); /* "AAAA": no NUL where the length says */
    check(binder_transact(echo, T_STRING, &d, &r, 0) == ERR_INVALID_ARGS,
          "an unterminated string is refused by the reader");
    parcel_destroy(&r);
    parcel_destroy(&d);

    /* A handle in a parcel: the service gets its own object, sends it back as a handle. */
    parcel_init(&d);
    parcel_write_handle(&d, echo);
    s = binder_transact(echo, T_HANDLE, &d, &r, 0);
    int64_t h = s == 0 ? parcel_read_handle(&r) : s;
    check(h > 0 && (uint64_t)h != echo, "a handle travels there and back");
    parcel_destroy(&r);
    parcel_destroy(&d);
    if (h > 0) {
        parcel_init(&d);
        parcel_write_i32(&d, 1);
        parcel_write_i32(&d, 2);
        s = binder_transact((uint64_t)h, T_ADD, &d, &r, 0);
        check(s == 0 && parcel_read_i32(&r) == 3, "the handle that came back works");
        parcel_destroy(&r);
        parcel_destroy(&d);
        binder_release((uint64_t)h);
    }
    parcel_init(&d);
    struct binder_object fake = {.type = BINDER_TYPE_HANDLE, .handle = echo};
    parcel_write_object(&d, &fake, 0); /* looks like an object, but no offset names it */
    s = binder_transact(echo, T_HANDLE, &d, &r, 0);
    check(s == ERR_INVALID_ARGS, "bytes that look like a handle are not one");
    parcel_destroy(&r);
    parcel_destroy(&d);

    /* Shared memory: 3 MiB, over two VMOs on the kernel transport, one segment on XPC. */
    struct ashmem mem;
    uint64_t size = 3u << 20, want = 0;
    check(ashmem_create(size, &mem) == 0, "an ashmem region is created");
    uint8_t *p = ashmem_begin(&mem);
    for (uint64_t i = 0; p && i < size; i++) {
        p[i] = (uint8_t)(i * 7);
        want += (uint8_t)(i * 7);
    }
    ashmem_end(&mem);
    parcel_init(&d);
    parcel_write_ashmem(&d, &mem);
    s = binder_transact(echo, T_ASHMEM_SUM, &d, &r, 0);
    check(s == 0 && (uint64_t)parcel_read_i64(&r) == want, "the service reads the region");
    check((binder_transport() == BINDER_XPC) == (binder_xpc_calls > 0),
          "calls take XPC exactly when the system booted with it");
    parcel_destroy(&r);
    parcel_destroy(&d);
    ashmem_destroy(&mem);

    /* The pool: two client threads meet inside the service at once. */
    static volatile int32_t met[2];
    met[0] = met[1] = -1;
    struct meet {
        uint64_t h;
        volatile int32_t *out;
    } args[2] = {{echo, &met[0]}, {echo, &met[1]}};
    int64_t threads[2];
    for (int i = 0; i < 2; i++)
        threads[i] = xpc_thread_start(bindertest_meet, &args[i], 16384, DEFAULT_PRIORITY);
    for (int i = 0; i < 2; i++) {
        if (threads[i] > 0) {
            sys_object_wait((uint64_t)threads[i]);
            sys_handle_close((uint64_t)threads[i]);
        }
    }
    check(met[0] == 1 && met[1] == 1, "two transactions run at once on the service's threads");
}

void bindertest_meet(void *arg)
{
    struct meet {
        uint64_t h;
        volatile int32_t *out;
    } *m = arg;
    struct parcel d, r;
    parcel_init(&d);
    int64_t s = binder_transact(m->h, T_MEET, &d, &r, 0);
    *m->out = s == 0 ? parcel_read_i32(&r) : (int32_t)s;
    parcel_destroy(&r);
    parcel_destroy(&d);
    binder_thread_release();
}

static volatile int deaths;
static void on_death(void *arg)
{
    (void)arg;
    deaths++;
}

static void death_tests(void)
{
    uint64_t h = 0;
    int64_t p = start_service("test.mortal", 2, &h);
    check(p > 0, "a second service starts");
    if (p <= 0)
        return;
    check(binder_link_to_death(h, on_death, NULL) == 0, "linkToDeath");
    struct parcel d, r;
    parcel_init(&d);
    int64_t s = binder_transact(h, T_DIE, &d, &r, 0);
    parcel_destroy(&r);
    parcel_destroy(&d);
    check(s == ERR_PEER_CLOSED, "a transaction in flight when the service dies fails: dead object");
    for (int i = 0; i < 1000 && !deaths; i++)
        sys_sleep_ns(1000000);
    check(deaths == 1, "the death notice arrives");
    parcel_init(&d);
    s = binder_transact(h, T_ADD, &d, &r, 0);
    parcel_destroy(&r);
    parcel_destroy(&d);
    check(s == ERR_PEER_CLOSED, "a transaction to a dead service fails: dead object");
    check(binder_link_to_death(h, on_death, NULL) == 0, "linkToDeath on a dead service");
    for (int i = 0; i < 1000 && deaths < 2; i++)
        sys_sleep_ns(1000000);
    check(deaths == 2, "is told at once");
    binder_release(h);
    stop_service(p, "test.mortal");
}

static int init_binder(void)
{
    int r = 0;
    for (int i = 0; i < 500; i++) { /* the service manager may still be starting */
        r = binder_init();
        if (r != ERR_NOT_FOUND)
            break;
        sys_sleep_ns(1000000);
    }
    return r;
}

/* One phase, in this (child) process. Its exit status carries passed * 1000 + failed. */
static int run_phase(const char *phase)
{
    int r = init_binder();
    check(r == 0, "binder_init: the service manager answers");
    if (r == 0) {
        binder_start_thread_pool(1); /* for death notices */
        if (strcmp(phase, "api") == 0) {
            bindertest_big = calloc(1, BINDER_BUFFER_SIZE + 8);
            uint64_t echo = 0;
            int64_t p = start_service("test.echo", 4, &echo);
            check(p > 0 && bindertest_big, "a service registers and is looked up by name");
            if (p > 0 && bindertest_big) {
                char list[256];
                int n = binder_list_services(list, sizeof(list));
                check(n > 0 && strstr(list, "test.echo\n") != NULL, "the service manager lists it");
                check(binder_get_service("no.such.service") == ERR_NOT_FOUND,
                      "an unknown name is not found");
                api_tests(echo);
                kernel_tests(echo);
                binder_release(echo);
            }
            stop_service(p, "test.echo");
        } else {
            death_tests();
        }
    }
    return passed * 1000 + failed;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: bindertest [serve NAME THREADS | phase api|death]\n"
               "the binder tests on the transport of the boot (binder=kernel|xpc); ends with\n"
               "\"N passed, N failed\"\n");
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "serve") == 0)
        serve_test_service(argv[2], (uint32_t)atoi(argv[3]));
    if (argc == 3 && strcmp(argv[1], "phase") == 0)
        return run_phase(argv[2]);
    int r = init_binder();
    check(r == 0, "binder_init: the service manager answers");
    if (r == 0)
        printf("bindertest: transport %s\n", binder_transport() == BINDER_XPC ? "xpc" : "kernel");
    static const char *const phases[] = {"api", "death"};
    for (int i = 0; r == 0 && i < 2; i++) {
        struct kstats base;
        sys_kstats(&base);
        char args[32];
        snprintf(args, sizeof(args), "phase %s", phases[i]);
        int64_t p = xpc_spawn("bindertest", args, 0);
        int64_t status = p > 0 ? sys_object_wait((uint64_t)p) : p;
        if (p > 0)
            sys_handle_close((uint64_t)p);
        if (status < 0) {
            check(0, "a test phase ran to its end");
        } else {
            passed += (int)(status / 1000);
            failed += (int)(status % 1000);
        }
        snprintf(args, sizeof(args), "the %s phase", phases[i]);
        leak_check(&base, args);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
