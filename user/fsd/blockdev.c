/* fsd's block device: the block server its starter handed it, or, without one, memory of its
 * own (a RAM disk that lives as long as fsd does). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fsd.h"

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

/* The block protocol's client side comes with the block servers (drv); until then a block
 * service handle is refused. */
static int remote_open(uint64_t block_service, struct fs_blockdev *dev)
{
    (void)block_service;
    (void)dev;
    return -ENOSYS;
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
