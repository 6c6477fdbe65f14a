/* Kernel self-tests, run at every boot before init. Each checks an invariant by observing it
 * (counts, return values), so a broken allocator or table makes them fail. */
#include <kernel/fdt.h>
#include <kernel/ipc.h>
#include <kernel/riscv.h>
#include <kernel/boot.h>

uint64_t selftest_passed, selftest_failed;

static void check(bool ok, const char *what)
{
    if (ok) {
        selftest_passed++;
    } else {
        selftest_failed++;
        kprintf("selftest FAILED: %s\n", what);
    }
}

static void test_frames(void)
{
    uint64_t before = frames_used();
    uint64_t a = frame_alloc(), b = frame_alloc();
    check(a && b && a != b, "frame_alloc gives distinct frames");
    check(frames_used() == before + 2, "frame count rises by two");
    ((uint8_t *)phys_to_virt(a))[100] = 0x5a;
    frame_free(a);
    uint64_t c = frame_alloc();
    check(((uint8_t *)phys_to_virt(c))[100] == 0, "frames come zeroed");
    frame_free(b);
    frame_free(c);
    check(frames_used() == before, "frame count restored");
}

static void test_heap(void)
{
    uint64_t before = kheap_live_bytes();
    void *p = kmalloc(100), *q = kmalloc(100);
    check(p && q && p != q && kheap_live_bytes() == before + 256, "kmalloc rounds to 128");
    kfree(p, 100);
    kfree(q, 100);
    check(kheap_live_bytes() == before, "kheap bytes restored");
}

static void test_handles(void)
{
    struct handle_table *t = phys_to_virt(frame_alloc());
    struct endpoint *ep = endpoint_create();
    uint64_t live = kobj_live(OBJ_ENDPOINT);
    int64_t h = handle_install(t, &ep->obj, RIGHT_READ);
    struct handle *e = NULL;
    check(h > 0 && handle_get(t, (uint64_t)h, OBJ_ENDPOINT, RIGHT_READ, &e) == 0,
          "installed handle is found");
    check(handle_get(t, (uint64_t)h, OBJ_CHANNEL, 0, &e) == ERR_WRONG_TYPE, "wrong type refused");
    check(handle_get(t, (uint64_t)h, OBJ_NONE, RIGHT_WRITE, &e) == ERR_ACCESS_DENIED,
          "missing right refused");
    check(handle_get(t, 0, OBJ_NONE, 0, &e) == ERR_BAD_HANDLE, "handle 0 refused");
    check(handle_close(t, (uint64_t)h) == 0 && kobj_live(OBJ_ENDPOINT) == live - 1,
          "close of last handle frees the object");
    check(handle_get(t, (uint64_t)h, OBJ_NONE, 0, &e) == ERR_BAD_HANDLE, "stale handle refused");
    frame_free((uint64_t)t);
}

static void test_fdt(const struct boot_info *real)
{
    static uint8_t copy[256];
    struct boot_info bi;
    memcpy(copy, (const void *)real->fdt_base, sizeof(copy));
    check(fdt_parse(copy, &bi) < 0, "truncated device tree refused"); /* totalsize > 256 */
    copy[0] ^= 0xff;
    check(fdt_parse(copy, &bi) < 0, "bad magic refused");
    check(fdt_parse((const void *)real->fdt_base, &bi) == 0 && bi.mem_size == real->mem_size,
          "device tree parses again");
}

/* Random corruption of a copy of the real tree: the reader may refuse it or read nonsense, but
 * it must return. A deterministic generator, so a failure reproduces. */
static void test_fdt_corruption(const struct boot_info *real)
{
    static uint8_t copy[16384];
    if (real->fdt_size > sizeof(copy)) {
        check(true, "device tree too large to corrupt in place: skipped");
        return;
    }
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    int returned = 0;
    for (int round = 0; round < 500; round++) {
        memcpy(copy, (const void *)real->fdt_base, real->fdt_size);
        for (int flips = 0; flips < 1 + round % 8; flips++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            copy[x % real->fdt_size] ^= (uint8_t)(1u << (x >> 32) % 8);
        }
        struct boot_info bi;
        fdt_parse(copy, &bi);
        returned++;
    }
    check(returned == 500, "corrupted device trees: the reader always returns");
}

static void test_vm(void)
{
    uint64_t before = frames_used();
    struct address_space *as = as_create();
    check(as != NULL, "as_create");
    check(as_map_anon(as, 0x100000, 3 * PAGE_SIZE, PTE_R | PTE_W) == 0, "map anon pages");
    check(as_lookup(as, 0x101000, PTE_W) != 0 && as_lookup(as, 0x104000, 0) == 0, "lookup");
    check(as_map_page(as, 0x100000, 0x80000000, PTE_R) == ERR_OUT_OF_RANGE, "double map refused");
    check(as_map_page(as, RELAY_WINDOW_BASE, 0x80000000, PTE_R) == ERR_OUT_OF_RANGE,
          "relay window never mapped");
    as_activate(as);
    uint64_t v = 0;
    check(copy_from_user(&v, 0x100008, 8) == 0, "copy from mapped user page");
    check(copy_from_user(&v, 0x200000, 8) == ERR_FAULT, "unmapped user page faults to an error");
    check(copy_from_user(&v, 0x80200000, 8) == ERR_FAULT, "kernel address refused");
    check(copy_to_user(USER_TOP - 4, &v, 8) == ERR_FAULT, "range crossing USER_TOP refused");
    as_activate(NULL);
    as_destroy(as);
    check(frames_used() == before, "address space teardown frees every frame");
}

void selftest_run(const struct boot_info *info)
{
    test_frames();
    test_heap();
    test_handles();
    test_fdt(info);
    test_fdt_corruption(info);
    test_vm();
    kprintf("kernel selftest: %lu passed, %lu failed\n", selftest_passed, selftest_failed);
}
