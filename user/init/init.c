/* init: the first process. With run="cmd; cmd" in its arguments the shell runs those commands
 * and the machine powers off; with "test" it runs the test programs and reports the totals
 * (plus the kernel's self-tests and a whole-system leak check) as the last line, then powers
 * off; with "bench" it runs the benchmark; with lwipresp=N it serves N TCP connections on
 * lwIP (docs/network.md) and powers off; otherwise it keeps a shell running. */
#include <stdio.h>
#include <string.h>
#include <xpc/fileclient.h>
#include <xpc/usys.h>
#include <xpc/device.h>
#include <xpc/memmap.h>
#include <xpc/transport.h>
#include <xpc/blockproto.h>

static uint64_t total_passed, total_failed;
static uint64_t root; /* the root resource, init's bootstrap handle */

/* A test that hangs is killed after this long and counted as a failure, so the run always ends
 * with a result line (the emulator's own timeout is only the last resort). */
#define TEST_TIME_LIMIT_NS (120ULL * 1000000000ULL)

struct watchdog {
    volatile int64_t process;
    volatile int done, fired;
};

/* Runs on a static stack without TLS (system calls only), so init's memory does not grow and
 * the system leak check stays exact. */
static void watchdog_thread(struct watchdog *w)
{
    uint64_t start = sys_clock_ns();
    while (!w->done && sys_clock_ns() - start < TEST_TIME_LIMIT_NS)
        sys_sleep_ns(100000000);
    if (!w->done && w->process) {
        w->fired = 1;
        sys_kill(w->process);
    }
    sys_thread_exit(0);
}

static uint8_t watchdog_stack[4096] __attribute__((aligned(16)));

/* Runs a test program; it reports {passed, failed} through a channel before exiting. */
/* A test program's bootstrap handle is its end of a channel; with give_root a duplicate of the
 * root resource waits in that channel as the first message. */
static void run_test(const char *name, const char *args, int give_root)
{
    uint64_t ch[2];
    if (sys_channel_create(ch) < 0) {
        total_failed++;
        return;
    }
    if (give_root) {
        uint64_t dup = (uint64_t)sys_handle_duplicate(root, RIGHT_SAME_RIGHTS);
        sys_channel_write(ch[0], "root", 4, &dup, 1);
    }
    /* The watchdog exists before the test starts, so the test's own before/after object counts
     * see the same set of threads. */
    static struct watchdog w;
    w = (struct watchdog){0, 0, 0};
    int64_t dog = sys_thread_create((uint64_t)watchdog_thread,
                                    (uint64_t)watchdog_stack + sizeof(watchdog_stack), (uint64_t)&w,
                                    DEFAULT_PRIORITY + 1);
    int64_t p = xpc_spawn(name, args, ch[1]);
    if (p < 0) {
        printf("init: cannot start %s: %s\n", name, xpc_strerror(p));
        total_failed++;
        sys_handle_close(ch[0]);
        w.done = 1;
        if (dog > 0) {
            sys_object_wait(dog);
            sys_handle_close(dog);
        }
        return;
    }
    w.process = p;
    int64_t code = sys_object_wait(p);
    w.done = 1;
    if (dog > 0) {
        sys_object_wait(dog);
        sys_handle_close(dog);
    }
    if (w.fired) {
        printf("init: %s did not finish in time: killed\n", name);
        total_failed++;
    }
    uint64_t counts[2];
    uint64_t actual;
    int64_t r = sys_channel_read(ch[0], counts, sizeof(counts), NULL, 0, &actual, 0);
    if (r < 0 || actual != sizeof(counts)) {
        printf("init: %s reported nothing (exit %ld)\n", name, (long)code);
        total_failed++;
    } else {
        printf("init: %s: %lu passed, %lu failed (exit %ld)\n", name, (unsigned long)counts[0],
               (unsigned long)counts[1], (long)code);
        total_passed += counts[0];
        total_failed += counts[1];
        if (code != 0 && counts[1] == 0)
            total_failed++;
    }
    sys_handle_close(p);
    sys_handle_close(ch[0]);
}

static void leak_check(const struct kstats *a, const struct kstats *b)
{
    int ok = a->frames_used == b->frames_used && a->heap_bytes == b->heap_bytes &&
             a->handles == b->handles;
    for (int i = 0; i < OBJ_TYPE_COUNT; i++)
        ok &= a->objects[i] == b->objects[i];
    printf("init: system leak check: frames %lu -> %lu, heap %lu -> %lu, handles %lu -> %lu: %s\n",
           (unsigned long)a->frames_used, (unsigned long)b->frames_used,
           (unsigned long)a->heap_bytes, (unsigned long)b->heap_bytes, (unsigned long)a->handles,
           (unsigned long)b->handles, ok ? "ok" : "LEAK");
    if (ok)
        total_passed++;
    else
        total_failed++;
}

static int has_word(int argc, char **argv, const char *w)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], w) == 0)
            return 1;
    return 0;
}

/* The value of the boot argument run="..." (the quotes already gone), or NULL. */
static const char *run_script(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strncmp(argv[i], "run=", 4) == 0)
            return argv[i] + 4;
    return NULL;
}

/* The block service: the virtio-blk driver with a resource for the virtio-mmio slots and their
 * interrupts, or a RAM disk when the machine has no drive. Over the transport of `fs=`. */
static struct tp_service block;

static int start_block_service(enum tp_kind kind)
{
    char args[32];
    snprintf(args, sizeof(args), "fs=%s", tp_kind_name(kind));
    int64_t res =
        sys_resource_create(root, MEMMAP_VIRTIO_BASE, MEMMAP_VIRTIO_COUNT * MEMMAP_VIRTIO_SIZE,
                            MEMMAP_VIRTIO_IRQ, MEMMAP_VIRTIO_COUNT);
    uint64_t h = res > 0 ? (uint64_t)res : 0;
    const char *what = "virtio-blk";
    if (res < 0 || tp_service_start("blkvirtio", args, &h, 1, &block) < 0) {
        what = "RAM disk";
        if (tp_service_start("blkram", args, NULL, 0, &block) < 0) {
            printf("init: no block service\n");
            return -1;
        }
    }
    struct tp_conn c;
    struct tp_req info = {.op = BLK_OP_INFO};
    if (tp_connect(block.handle, 4096, &c) == 0) {
        if (tp_call(&c, &info) == 0)
            printf("init: block device: %s, %lu sectors, over %s\n", what,
                   (unsigned long)info.res[0], tp_kind_name(kind));
        tp_close(&c);
    }
    return what[0] == 'v' ? 0 : -1;
}

/* The file system server, over the transport the boot arguments name (fs=, default xpc); the
 * service handle it gives becomes the shell's (and through it every program's) file system.
 * With disk=virtio it lives on the machine's first virtio-blk disk, through the block driver
 * server (files survive a reboot); otherwise on a RAM disk of its own. */
static struct tp_service storage;

static void start_storage(int argc, char **argv)
{
    enum tp_kind kind = tp_kind_from_args(argc, argv, "fs", TP_XPC);
    char args[48];
    uint64_t handles[1];
    unsigned n = 0;
    if (has_word(argc, argv, "disk=virtio")) {
        if (start_block_service(kind) < 0) {
            printf("init: disk=virtio, but no virtio-blk disk: no file system\n");
            return;
        }
        handles[n++] = (uint64_t)tp_service_share(block.handle);
    }
    snprintf(args, sizeof(args), "fs=%s%s", tp_kind_name(kind), n ? " disk=server" : "");
    int64_t r = tp_service_start("fsd", args, handles, n, &storage);
    if (r < 0)
        printf("init: no file system (fsd: %s)\n", xpc_strerror(r));
    else
        file_connect((uint64_t)tp_service_share(storage.handle));
}

/* run="cmd; cmd; ...": the shell runs the commands, then the machine powers off (with the
 * failure flag when a command failed), so a test can script the shell from the boot
 * arguments. */
static void run_commands(const char *script)
{
    char args[1024];
    snprintf(args, sizeof(args), "-c \"%s\"", script); /* one word: the shell splits it at ; */
    int64_t p = xpc_spawn("shell", args, sys_handle_duplicate(root, RIGHT_SAME_RIGHTS));
    int64_t failed = p < 0 ? 1 : sys_object_wait(p);
    if (p < 0)
        printf("init: cannot start the shell: %s\n", xpc_strerror(p));
    if (storage.handle)
        tp_service_stop(&storage); /* fsd unmounts: everything written is on the disk */
    sys_poweroff(root, failed != 0);
}

/* lwipresp=N [net=xpc|endpoint|channel]: the network driver and the lwIP responder for N
 * connections, then power off (with the failure flag if either failed), so a host test that
 * talks to the guest through -netdev user,hostfwd=... ends by itself. */
static void serve_network(const char *conns, enum tp_kind kind)
{
    int64_t res =
        sys_resource_create(root, MEMMAP_VIRTIO_BASE, MEMMAP_VIRTIO_COUNT * MEMMAP_VIRTIO_SIZE,
                            MEMMAP_VIRTIO_IRQ, MEMMAP_VIRTIO_COUNT);
    uint64_t h = res > 0 ? (uint64_t)res : 0;
    char args[64];
    snprintf(args, sizeof(args), "net=%s", tp_kind_name(kind));
    struct tp_service driver;
    if (res < 0 || tp_service_start("netvirtio", args, &h, 1, &driver) < 0) {
        printf("init: no network card\n");
        sys_poweroff(root, 1);
    }
    uint64_t ch[2], share = (uint64_t)tp_service_share(driver.handle);
    sys_channel_create(ch);
    sys_channel_write(ch[0], "handles", 7, &share, 1);
    snprintf(args, sizeof(args), "conns=%s", conns);
    int64_t p = xpc_spawn("lwipresp", args, ch[1]);
    int64_t code = p < 0 ? 1 : sys_object_wait(p);
    tp_service_stop(&driver);
    sys_poweroff(root, code != 0);
}

/* The binder service manager (docs/binder.md), over the transport of `binder=` (kernel or xpc):
 * applications ask it which one, so they run unchanged on both. */
static void start_service_manager(int argc, char **argv)
{
    const char *arg = "binder=kernel";
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "binder=xpc") == 0)
            arg = argv[i];
    if (xpc_spawn("servicemanager", arg, 0) < 0)
        printf("init: no service manager\n");
}

int main(int argc, char **argv)
{
    root = xpc_bootstrap_handle;
    printf("init: started\n");
    const char *script = run_script(argc, argv);
    for (int i = 0; i < argc; i++)
        if (strncmp(argv[i], "lwipresp=", 9) == 0)
            serve_network(argv[i] + 9, tp_kind_from_args(argc, argv, "net", TP_XPC));
    if (!has_word(argc, argv, "test") && !has_word(argc, argv, "bench")) {
        start_storage(argc, argv);
        start_service_manager(argc, argv);
    }
    if (script)
        run_commands(script);
    if (has_word(argc, argv, "test")) {
        struct kstats before, after;
        sys_kstats(&before);
        run_test("utest", "", 1);
        run_test("fuzz", "100000 1", 0);
        run_test("fptest", "", 0);
        run_test("xpctest", "", 0);
        run_test("xpcattack", "", 0);
        run_test("tptest", "", 0);
        run_test("blktest", "", 1);
        run_test("nettest", "", 1);
        run_test("fsstress", "fs=xpc", 0);
        run_test("fsstress", "fs=endpoint seed=2", 0);
        run_test("fsstress", "fs=channel seed=3", 0);
        sys_kstats(&after);
        leak_check(&before, &after);
        total_passed += after.selftest_passed;
        total_failed += after.selftest_failed;
        printf("%lu passed, %lu failed\n", (unsigned long)total_passed,
               (unsigned long)total_failed);
        sys_poweroff(root, total_failed != 0);
    }
    if (has_word(argc, argv, "bench")) {
        int64_t p = xpc_spawn("bench", "", 0);
        if (p >= 0)
            sys_object_wait(p);
        int64_t q = xpc_spawn("xpcbench", "", 0);
        if (q >= 0)
            sys_object_wait(q);
        sys_poweroff(root, p < 0 || q < 0);
    }
    if (!block.handle)
        start_block_service(tp_kind_from_args(argc, argv, "fs", TP_XPC));
    for (;;) {
        int64_t p = xpc_spawn("shell", "", sys_handle_duplicate(root, RIGHT_SAME_RIGHTS));
        if (p < 0) {
            printf("init: cannot start the shell: %s\n", xpc_strerror(p));
            sys_poweroff(root, 1);
        }
        sys_object_wait(p);
        sys_handle_close(p);
    }
}
