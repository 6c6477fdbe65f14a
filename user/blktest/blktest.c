/* blktest: the block protocol (blockproto.h) over each transport, on the RAM disk and, when
 * the machine has one, on a virtio-blk drive: round trips, flush, the driver's refusals, bad
 * buffer pointers, and data that outlives the driver. Reports {passed, failed} to init. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/device.h>
#include <xpc/transport.h>
#include <xpc/blockproto.h>
#include <xpc/memmap.h>
#include "../tests/harness.h"

unsigned long tests_passed, tests_failed;
uint64_t root_resource;

#define CONN_BUF (128u << 10) /* the virtio driver stages at most 128 KiB */

static uint64_t nonce;

static void fill(uint8_t *b, uint64_t sector, uint64_t count, uint64_t seed)
{
    for (uint64_t i = 0; i < count * BLK_SECTOR; i++)
        b[i] = (uint8_t)((sector * BLK_SECTOR + i) * 131 + seed + (i >> 9) * 7);
}

static int filled(const uint8_t *b, uint64_t sector, uint64_t count, uint64_t seed)
{
    for (uint64_t i = 0; i < count * BLK_SECTOR; i++)
        if (b[i] != (uint8_t)((sector * BLK_SECTOR + i) * 131 + seed + (i >> 9) * 7))
            return 0;
    return 1;
}

static int64_t blk(struct tp_conn *c, uint32_t op, uint64_t first, uint64_t count, void *buf,
                   size_t len, size_t cap)
{
    struct tp_req r = {.op = op, .arg = {first, count}, .buf = buf, .len = len, .cap = cap};
    int64_t st = tp_call(c, &r);
    if (st == 0 && op == BLK_OP_READ && r.len != count * BLK_SECTOR)
        return ERR_BAD_STATE;
    return st;
}

/* Round trips and refusals on one service; returns the disk's size in sectors. */
static uint64_t exercise(struct tp_service *svc, const char *what)
{
    struct tp_conn c;
    int64_t e = tp_connect(svc->handle, CONN_BUF, &c);
    CHECK_EQ(e, 0);
    if (e < 0)
        return 0;
    struct tp_req info = {.op = BLK_OP_INFO, .buf = NULL};
    CHECK_EQ(tp_call(&c, &info), 0);
    uint64_t sectors = info.res[0], max = info.res[3];
    CHECK_EQ(info.res[1], BLK_SECTOR);
    CHECK(sectors >= 1024 && max >= 8);
    if (max > CONN_BUF / BLK_SECTOR)
        max = CONN_BUF / BLK_SECTOR;
    /* Where the kernel emulates XPC (QEMU) a RAM disk's copy into a relay segment traps every 8
     * bytes: keep the big transfers for the engine (xpcsim) and the copying transports. */
    if (svc->kind == TP_XPC &&
        SYSCALL(SYS_XPC_INFO, XPC_INFO_MODE, 0, 0, 0, 0) == XPC_MODE_EMULATED && max > 32)
        max = 32;
    uint8_t *mine = malloc(CONN_BUF);
    /* Round trips from our own memory: one sector, a few, the most one call moves, the end. */
    const uint64_t firsts[] = {0, 1, 100, sectors - 1 - max, sectors - 1};
    const uint64_t counts[] = {1, 8, max, max, 1};
    int ok = 1;
    for (unsigned i = 0; i < 5; i++) {
        fill(mine, firsts[i], counts[i], nonce + i);
        ok &= blk(&c, BLK_OP_WRITE, firsts[i], counts[i], mine, counts[i] * BLK_SECTOR,
                  counts[i] * BLK_SECTOR) == 0;
    }
    CHECK(ok);
    CHECK_EQ(blk(&c, BLK_OP_FLUSH, 0, 0, mine, 0, 0), 0);
    ok = 1;
    for (unsigned i = 0; i < 5; i++) {
        memset(mine, 0, counts[i] * BLK_SECTOR);
        ok &= blk(&c, BLK_OP_READ, firsts[i], counts[i], mine, 0, counts[i] * BLK_SECTOR) == 0 &&
              filled(mine, firsts[i], counts[i], nonce + i);
        if (!ok) {
            printf("blktest: %s: read %lu+%lu differs\n", what, (unsigned long)firsts[i],
                   (unsigned long)counts[i]);
            break;
        }
    }
    CHECK(ok);
    /* In the connection's buffer: with XPC the relay segment, which the driver DMAs into. */
    uint8_t *b = tp_buffer(&c);
    CHECK(b != NULL);
    if (b) {
        fill(b, 300, 16, nonce + 9);
        CHECK_EQ(blk(&c, BLK_OP_WRITE, 300, 16, b, 16 * BLK_SECTOR, 16 * BLK_SECTOR), 0);
        memset(b, 0, 16 * BLK_SECTOR);
        CHECK_EQ(blk(&c, BLK_OP_READ, 300, 16, b + BLK_SECTOR, 0, 16 * BLK_SECTOR), 0);
        CHECK(filled(b + BLK_SECTOR, 300, 16, nonce + 9));
        CHECK_EQ(b[0], 0); /* nothing outside the window */
    }
    /* The driver's refusals. */
    CHECK_EQ(blk(&c, BLK_OP_READ, sectors, 1, mine, 0, BLK_SECTOR), ERR_OUT_OF_RANGE);
    CHECK_EQ(blk(&c, BLK_OP_READ, sectors - 1, 2, mine, 0, 2 * BLK_SECTOR), ERR_OUT_OF_RANGE);
    CHECK_EQ(blk(&c, BLK_OP_WRITE, ~0ULL - 1, 4, mine, 4 * BLK_SECTOR, 4 * BLK_SECTOR),
             ERR_OUT_OF_RANGE);
    CHECK_EQ(blk(&c, BLK_OP_READ, 0, 0, mine, 0, BLK_SECTOR), ERR_INVALID_ARGS);
    CHECK_EQ(blk(&c, BLK_OP_READ, 0, info.res[3] + 1, mine, 0, BLK_SECTOR), ERR_INVALID_ARGS);
    CHECK_EQ(blk(&c, BLK_OP_WRITE, 0, 2, mine, BLK_SECTOR, 2 * BLK_SECTOR), ERR_INVALID_ARGS);
    CHECK_EQ(blk(&c, BLK_OP_READ, 0, 2, mine, 0, BLK_SECTOR), ERR_INVALID_ARGS);
    CHECK_EQ(blk(&c, 77, 0, 1, mine, 0, BLK_SECTOR), ERR_NOT_SUPPORTED);
    /* Buffers that are not the client's: the kernel, below user space, the relay window. */
    CHECK_EQ(blk(&c, BLK_OP_READ, 0, 1, (void *)MEMMAP_KERNEL_BASE, 0, BLK_SECTOR), ERR_FAULT);
    CHECK_EQ(blk(&c, BLK_OP_WRITE, 0, 1, (void *)0x1000, BLK_SECTOR, BLK_SECTOR), ERR_FAULT);
    CHECK_EQ(
        blk(&c, BLK_OP_WRITE, 0, 1, (void *)(RELAY_WINDOW_LIMIT - 4096), BLK_SECTOR, BLK_SECTOR),
        ERR_FAULT);
    /* The sectors next to the refused writes are what we wrote. */
    CHECK_EQ(blk(&c, BLK_OP_READ, 0, 1, mine, 0, BLK_SECTOR), 0);
    CHECK(filled(mine, 0, 1, nonce));
    free(mine);
    tp_close(&c);
    return sectors;
}

static void ramdisk(enum tp_kind kind)
{
    char args[48];
    snprintf(args, sizeof(args), "fs=%s size=4", tp_kind_name(kind));
    struct tp_service svc;
    CHECK_EQ(tp_service_start("blkram", args, NULL, 0, &svc), 0);
    if (svc.handle)
        CHECK_EQ(exercise(&svc, "ram"), 4 * 2048);
    tp_service_stop(&svc);
}

static int64_t start_driver(enum tp_kind kind, struct tp_service *svc)
{
    int64_t res = sys_resource_create(root_resource, MEMMAP_VIRTIO_BASE,
                                      MEMMAP_VIRTIO_COUNT * MEMMAP_VIRTIO_SIZE, MEMMAP_VIRTIO_IRQ,
                                      MEMMAP_VIRTIO_COUNT);
    if (res < 0)
        return res;
    uint64_t h = (uint64_t)res;
    char args[32];
    snprintf(args, sizeof(args), "fs=%s", tp_kind_name(kind));
    return tp_service_start("blkvirtio", args, &h, 1, svc);
}

/* The drive: the same checks; then data written through one transport is read back through
 * another by a new driver process, so it was on the device, not in a server's memory. */
static int drive(enum tp_kind kind, enum tp_kind next)
{
    struct tp_service svc;
    if (start_driver(kind, &svc) < 0)
        return 0;
    exercise(&svc, tp_kind_name(kind));
    struct tp_conn c;
    uint8_t *buf = malloc(64 * BLK_SECTOR);
    if (tp_connect(svc.handle, 0, &c) < 0) {
        CHECK(0);
        tp_service_stop(&svc);
        free(buf);
        return 1;
    }
    fill(buf, 5000, 64, nonce + kind);
    CHECK_EQ(blk(&c, BLK_OP_WRITE, 5000, 64, buf, 64 * BLK_SECTOR, 64 * BLK_SECTOR), 0);
    CHECK_EQ(blk(&c, BLK_OP_FLUSH, 0, 0, buf, 0, 0), 0);
    tp_close(&c);
    tp_service_stop(&svc);
    if (start_driver(next, &svc) < 0 || tp_connect(svc.handle, 0, &c) < 0) {
        CHECK(0);
        tp_service_stop(&svc);
        free(buf);
        return 1;
    }
    memset(buf, 0, 64 * BLK_SECTOR);
    CHECK_EQ(blk(&c, BLK_OP_READ, 5000, 64, buf, 0, 64 * BLK_SECTOR), 0);
    CHECK(filled(buf, 5000, 64, nonce + kind));
    tp_close(&c);
    tp_service_stop(&svc);
    free(buf);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: blktest   (from init, which sends the root resource)\n"
               "  the block protocol on the RAM disk and a virtio-blk drive, each transport\n");
        return 0;
    }
    char tag[8];
    uint64_t actual;
    sys_channel_read(xpc_bootstrap_handle, tag, sizeof(tag), &root_resource, 1, &actual, 0);
    nonce = sys_clock_ns();
    struct kstats before, after;
    sys_kstats(&before);
    static const enum tp_kind kinds[] = {TP_XPC, TP_ENDPOINT, TP_CHANNEL};
    int drives = 0;
    for (unsigned i = 0; i < 3; i++) {
        unsigned long p = tests_passed, f = tests_failed;
        ramdisk(kinds[i]);
        drives += drive(kinds[i], kinds[(i + 1) % 3]);
        printf("blktest: %-8s %lu passed, %lu failed\n", tp_kind_name(kinds[i]), tests_passed - p,
               tests_failed - f);
    }
    if (!drives)
        printf("blktest: no virtio-blk drive: the RAM disk only\n");
    sys_kstats(&after);
    CHECK_EQ(after.objects[OBJ_PROCESS], before.objects[OBJ_PROCESS]);
    CHECK_EQ(after.objects[OBJ_VMO], before.objects[OBJ_VMO]);
    CHECK_EQ(after.objects[OBJ_RESOURCE], before.objects[OBJ_RESOURCE]);
    CHECK_EQ(after.objects[OBJ_INTERRUPT], before.objects[OBJ_INTERRUPT]);
    uint64_t counts[2] = {tests_passed, tests_failed};
    sys_channel_write(xpc_bootstrap_handle, counts, sizeof(counts), NULL, 0);
    return tests_failed != 0;
}
