/* fsd's block device: the block server its starter handed it (virtio-blk or the RAM-disk
 * server, through the block protocol), or, without one, memory of its own (a RAM disk that
 * lives as long as fsd does). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xpc/blockproto.h>
#include <xpc/transport.h>
#include "fsd.h"

struct blockdev_stats blockdev_stats;

struct ram_disk {
    uint8_t *bytes;
    uint64_t blocks;
};

/* A request past the end is the core's mistake (or a corrupt image's): refused, never obeyed. */
static int out_of_range(const struct ram_disk *d, uint64_t block, uint32_t count)
{
    return block >= d->blocks || count > d->blocks - block;
}

static int ram_read(void *ctx, uint64_t block, uint32_t count, void *buf)
{
    struct ram_disk *d = ctx;
    if (out_of_range(d, block, count))
        return -EIO;
    memcpy(buf, d->bytes + block * FS_BLOCK_SIZE, (size_t)count * FS_BLOCK_SIZE);
    return 0;
}

static int ram_write(void *ctx, uint64_t block, uint32_t count, const void *buf)
{
    struct ram_disk *d = ctx;
    if (out_of_range(d, block, count))
        return -EIO;
    memcpy(d->bytes + block * FS_BLOCK_SIZE, buf, (size_t)count * FS_BLOCK_SIZE);
    return 0;
}

/* Memory is as durable as this process: nothing to wait for. */
static int ram_flush(void *ctx)
{
    (void)ctx;
    return 0;
}

static int ram_open(uint64_t bytes, struct fs_blockdev *dev)
{
    static struct ram_disk disk;
    uint64_t blocks = bytes / FS_BLOCK_SIZE;
    if (blocks < 64)
        return -EINVAL;
    disk.bytes = calloc(blocks, FS_BLOCK_SIZE);
    if (!disk.bytes)
        return -ENOMEM;
    disk.blocks = blocks;
    *dev = (struct fs_blockdev){&disk, blocks, ram_read, ram_write, ram_flush};
    return 0;
}

/* ---- a block server (<xpc/blockproto.h>), over any transport ---- */

#define BLOCK_CONN_BYTES  (64u << 10)
#define SECTORS_PER_BLOCK (FS_BLOCK_SIZE / BLK_SECTOR)

struct remote_disk {
    struct tp_conn conn;
    uint64_t max_blocks; /* per call */
};

/* Moves [block, block+count) in calls of at most max_blocks, straight from or into the core's
 * buffer. With XPC a buffer inside the active relay segment (a read the core sends straight
 * into the client's bytes) is handed over in place and the driver DMAs into it; anything else
 * (the block cache: a parked segment is not addressable, so the cache cannot live in one) the
 * transport copies into this connection's segment, from which the driver DMAs. The copying
 * transports copy every buffer. */
static int remote_io(void *ctx, uint64_t block, uint32_t count, void *buf, int writing)
{
    struct remote_disk *d = ctx;
    while (count) {
        uint32_t n = count < d->max_blocks ? count : (uint32_t)d->max_blocks;
        size_t bytes = (size_t)n * FS_BLOCK_SIZE;
        struct tp_req r = {.op = writing ? BLK_OP_WRITE : BLK_OP_READ,
                           .arg = {block * SECTORS_PER_BLOCK, (uint64_t)n * SECTORS_PER_BLOCK},
                           .buf = buf,
                           .len = writing ? bytes : 0,
                           .cap = bytes};
        size_t seg_len;
        const char *seg = xpc_seg_active(&seg_len);
        blockdev_stats.requests++;
        if (d->conn.kind == TP_XPC && seg_len && (const char *)buf >= seg &&
            (const char *)buf + bytes <= seg + seg_len)
            blockdev_stats.in_place++;
        int64_t st = tp_call(&d->conn, &r);
        if (st < 0 || (!writing && r.len != bytes))
            return -EIO;
        block += n;
        count -= n;
        buf = (char *)buf + bytes;
    }
    return 0;
}

static int remote_read(void *ctx, uint64_t block, uint32_t count, void *buf)
{
    return remote_io(ctx, block, count, buf, 0);
}

static int remote_write(void *ctx, uint64_t block, uint32_t count, const void *buf)
{
    return remote_io(ctx, block, count, (void *)buf, 1);
}

static int remote_flush(void *ctx)
{
    struct remote_disk *d = ctx;
    struct tp_req r = {.op = BLK_OP_FLUSH};
    return tp_call(&d->conn, &r) < 0 ? -EIO : 0;
}

static int remote_open(uint64_t block_service, struct fs_blockdev *dev)
{
    static struct remote_disk disk;
    if (tp_connect(block_service, BLOCK_CONN_BYTES, &disk.conn) < 0)
        return -EIO;
    struct tp_req info = {.op = BLK_OP_INFO};
    if (tp_call(&disk.conn, &info) < 0 || info.res[1] != BLK_SECTOR)
        return -EIO;
    if (info.res[2] & BLK_INFO_READONLY)
        return -EROFS;
    uint64_t per_call = info.res[3] / SECTORS_PER_BLOCK;
    disk.max_blocks =
        per_call < BLOCK_CONN_BYTES / FS_BLOCK_SIZE ? per_call : BLOCK_CONN_BYTES / FS_BLOCK_SIZE;
    if (disk.max_blocks == 0)
        return -EIO;
    *dev = (struct fs_blockdev){&disk, info.res[0] / SECTORS_PER_BLOCK, remote_read, remote_write,
                                remote_flush};
    return 0;
}

int blockdev_open(uint64_t block_service, uint64_t ram_bytes, struct fs_blockdev *dev)
{
    if (block_service)
        return remote_open(block_service, dev);
    return ram_open(ram_bytes, dev);
}

int blockdev_blank(const struct fs_blockdev *dev)
{
    static uint8_t block[FS_BLOCK_SIZE];
    if (dev->read(dev->ctx, 0, 1, block) < 0)
        return 0;
    for (size_t i = 0; i < sizeof(block); i++)
        if (block[i])
            return 0;
    return 1;
}
