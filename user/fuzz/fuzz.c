/* fuzz: random system calls with random arguments, seeded and deterministic.
 *
 * "fuzz N SEED" runs a child "fuzz child N SEED" that issues N calls, waits for it, and checks
 * that the whole system is back to the counts it had before (objects, frames, kernel heap,
 * handles). The child holds no handle it needs, so random closes cannot hurt the harness.
 *
 * Calls that would block forever (receive on an endpoint nobody sends to, wait on an interrupt
 * that never fires...) get handles that are not valid, so their argument checks are exercised
 * but they return. Calls that end the caller (exit, thread exit, poweroff) are skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t x = rng_state; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

#define POOL 64
static uint64_t pool[POOL];
static uint8_t scratch[65536] __attribute__((aligned(4096)));
static uint8_t thread_stacks[8][2048] __attribute__((aligned(16)));
static unsigned long results[32];

static uint64_t pool_handle(void)
{
    return pool[rnd() % POOL];
}

static void remember(uint64_t h)
{
    pool[rnd() % POOL] = h;
}

static uint64_t bad_handle(void)
{
    switch (rnd() % 4) {
    case 0: return 0;
    case 1: return rnd() % 300;
    case 2: return rnd();
    default: return (rnd() << 16 & 0xffff0000ULL) | (HANDLE_TABLE_SIZE + 1 + rnd() % 1000);
    }
}

static uint64_t pointer(void)
{
    static const uint64_t bad[] = {0,
                                   0x1000,
                                   0x80200000,
                                   RELAY_WINDOW_BASE,
                                   USER_TOP - 8,
                                   USER_TOP,
                                   0xffffffffffffff00ULL,
                                   0x10000,
                                   USER_STACK_TOP,
                                   USER_MAP_BASE};
    if (rnd() % 3 == 0)
        return bad[rnd() % (sizeof(bad) / sizeof(bad[0]))];
    return (uint64_t)scratch + rnd() % sizeof(scratch);
}

static uint64_t size(void)
{
    static const uint64_t sizes[] = {0, 1, 7, 8, 64, 4095, 4096, 4097, 65536, 1ULL << 21, ~0ULL};
    return rnd() % 2 ? rnd() % 5000 : sizes[rnd() % (sizeof(sizes) / sizeof(sizes[0]))];
}

static uint64_t any(void)
{
    switch (rnd() % 5) {
    case 0: return pool_handle();
    case 1: return pointer();
    case 2: return size();
    case 3: return rnd() % 40;
    default: return rnd();
    }
}

/* Fills the first words of scratch with handle values that are not channels (a channel handle
 * queued inside another channel can form a cycle no close reaches: a documented limit). */
static void prepare_handles(void)
{
    uint64_t *w = (uint64_t *)scratch;
    for (int i = 0; i < 8; i++) {
        uint64_t h = rnd() % 2 ? pool_handle() : bad_handle();
        if ((sys_handle_info(h) & 0xff) == OBJ_CHANNEL)
            h = 0;
        w[i] = h;
    }
}

static void fuzz_thread(void)
{
    sys_thread_exit(0);
}

static void one_call(uint64_t orig_brk)
{
    uint64_t n = rnd() % (SYS_COUNT + 4);
    uint64_t a[7];
    for (int i = 0; i < 7; i++)
        a[i] = any();
    switch (n) {
    case SYS_EXIT:
    case SYS_THREAD_EXIT: return; /* poweroff stays in: the child holds no root resource */
    case SYS_DEBUG_WRITE:
        a[1] = 0; /* keep the console clean; pointer checks still run */
        if (rnd() % 2) {
            a[0] = rnd() % 2 ? 0x80200000 : 0x1000;
            a[1] = 1 + rnd() % 64;
        }
        break;
    case SYS_DEBUG_READ: a[2] &= ~1ULL; break;
    case SYS_SLEEP: a[0] %= 100000; break;
    case SYS_CHANNEL_READ: a[6] &= ~(uint64_t)CHANNEL_READ_WAIT; break;
    case SYS_CALL:
    case SYS_RECV:
    case SYS_REPLY_RECV:
    case SYS_INTERRUPT_WAIT:
    case SYS_CHANNEL_CALL:
    case SYS_BINDER_TRANSACT:
    case SYS_BINDER_RECV: a[0] = bad_handle(); break;
    case SYS_BINDER_OPEN: a[0] = 0; break; /* each context is a 1 MiB buffer: none here */
    case SYS_OBJECT_WAIT:
        if ((sys_handle_info(a[0]) & 0xff) != OBJ_THREAD)
            a[0] = bad_handle();
        break;
    case SYS_THREAD_CREATE:
        if (rnd() % 2) {
            a[0] = (uint64_t)fuzz_thread;
            a[1] = (uint64_t)thread_stacks[rnd() % 8] + sizeof(thread_stacks[0]);
            a[3] %= MAX_PRIORITY + 1;
        } else {
            a[3] = MAX_PRIORITY + 1 + rnd() % 100;
        }
        break;
    case SYS_PROCESS_KILL:
        if ((sys_handle_info(a[0]) & 0xff) == OBJ_THREAD)
            a[0] = bad_handle(); /* our own threads only ever exit */
        break;
    case SYS_CHANNEL_WRITE:
        prepare_handles();
        a[3] = (uint64_t)scratch;
        a[4] %= 10;
        break;
    case SYS_IPC_BUFFER: break;
    default: break;
    }
    int64_t r = syscall7(n, a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    results[r < 0 && r > -32 ? -r : 0]++;
    if (r > 0 && r < (1LL << 32) && n != SYS_DEBUG_WRITE && n != SYS_DEBUG_READ)
        remember((uint64_t)r);
    if (n == SYS_CHANNEL_CREATE && r == 0 && a[0] >= (uint64_t)scratch &&
        a[0] + 16 <= (uint64_t)scratch + sizeof(scratch)) {
        uint64_t hv[2];
        memcpy(hv, (void *)a[0], 16);
        remember(hv[0]);
        remember(hv[1]);
    }
    if (n == SYS_BRK)
        sys_brk(orig_brk);
    if (n == SYS_VMO_MAP && r > 0 && rnd() % 2)
        sys_vm_unmap((uint64_t)r);
}

/* splitmix64: call i draws from its own stream, a pure function of (seed, i), so however many
 * numbers one call consumes (that can depend on the kernel's answers) the next call's number
 * and arguments are the same in every run. */
static uint64_t call_seed(uint64_t seed, uint64_t i)
{
    uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (z ^ (z >> 31)) | 1;
}

static int child(unsigned long count, uint64_t seed)
{
    uint64_t orig_brk = (uint64_t)sys_brk(0);
    for (unsigned long i = 0; i < count; i++) {
        rng_state = call_seed(seed, i);
        one_call(orig_brk);
    }
    printf("fuzz: %lu calls, results:", count);
    for (int i = 0; i < 32; i++)
        if (results[i])
            printf(" %s=%lu", i ? xpc_strerror(-i) : "ok", results[i]);
    printf("\n");
    return 0;
}

static int same(const struct kstats *a, const struct kstats *b)
{
    int ok = a->frames_used == b->frames_used && a->heap_bytes == b->heap_bytes &&
             a->handles == b->handles;
    for (int i = 0; i < OBJ_TYPE_COUNT; i++)
        ok &= a->objects[i] == b->objects[i];
    return ok;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "child") == 0)
        return child(strtoul(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
    const char *count = argc > 1 ? argv[1] : "100000";
    const char *seed = argc > 2 ? argv[2] : "1";
    char args[64];
    snprintf(args, sizeof(args), "child %s %s", count, seed);
    uint64_t passed = 0, failed = 0;
    struct kstats before, after;
    sys_kstats(&before);
    int64_t p = xpc_spawn("fuzz", args, 0);
    int64_t code = p > 0 ? sys_object_wait(p) : p;
    sys_handle_close(p);
    sys_kstats(&after);
    if (code == 0) {
        passed++;
    } else {
        failed++;
        printf("fuzz: child ended with %ld\n", (long)code);
    }
    if (same(&before, &after)) {
        passed++;
    } else {
        failed++;
        printf("fuzz: LEAK: frames %lu -> %lu, heap %lu -> %lu, handles %lu -> %lu\n",
               (unsigned long)before.frames_used, (unsigned long)after.frames_used,
               (unsigned long)before.heap_bytes, (unsigned long)after.heap_bytes,
               (unsigned long)before.handles, (unsigned long)after.handles);
        for (int i = 0; i < OBJ_TYPE_COUNT; i++)
            if (before.objects[i] != after.objects[i])
                printf("fuzz: LEAK: objects of type %d: %lu -> %lu\n", i,
                       (unsigned long)before.objects[i], (unsigned long)after.objects[i]);
    }
    if (xpc_bootstrap_handle) {
        uint64_t counts[2] = {passed, failed};
        sys_channel_write(xpc_bootstrap_handle, counts, sizeof(counts), NULL, 0);
    }
    return failed != 0;
}
