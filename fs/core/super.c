/* The superblock: the geometry of the regions (see <fs/disk.h>), formatting a device, and the
 * checks that refuse an image whose superblock is damaged before anything trusts its numbers. */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

#define FS_MIN_BLOCKS 512u /* 2 MiB */
#define FS_MAX_BLOCKS                                                                              \
    (16u * 1024 * 1024) /* 64 GiB: 512 bitmap blocks still fit one transaction                     \
                         */

void fs_reportf(fs_report_fn report, void *ctx, const char *fmt, ...)
{
    if (!report)
        return;
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    report(ctx, line);
}

static uint32_t div_up(uint64_t a, uint64_t b)
{
    return (uint32_t)((a + b - 1) / b);
}

/* Log blocks an image of `bitmap_blocks` block-bitmap blocks needs: the largest operation. */
static uint32_t log_min_blocks(uint32_t bitmap_blocks)
{
    uint32_t largest = 2 * FS_RES_META + bitmap_blocks + 16;
    return 1 + (largest > FS_RES_WRITE ? largest : FS_RES_WRITE);
}

/* Every region's place follows from nblocks, ninodes and log_blocks. */
static void geometry(struct fs_superblock *sb)
{
    sb->block_size = FS_BLOCK_SIZE;
    sb->log_start = 1;
    sb->inode_bitmap_start = sb->log_start + sb->log_blocks;
    sb->inode_bitmap_blocks = div_up(sb->ninodes, FS_BITS_PER_BLOCK);
    sb->block_bitmap_start = sb->inode_bitmap_start + sb->inode_bitmap_blocks;
    sb->block_bitmap_blocks = div_up(sb->nblocks, FS_BITS_PER_BLOCK);
    sb->inode_start = sb->block_bitmap_start + sb->block_bitmap_blocks;
    sb->inode_blocks = sb->ninodes / FS_INODES_PER_BLOCK;
    sb->data_start = sb->inode_start + sb->inode_blocks;
}

void super_seal(struct fs_superblock *sb)
{
    sb->checksum = fs_crc32c(0, sb, offsetof(struct fs_superblock, checksum));
}

int super_validate(const struct fs_superblock *sb, uint64_t dev_blocks, fs_report_fn report,
                   void *ctx)
{
    if (sb->magic != FS_MAGIC) {
        fs_reportf(report, ctx, "superblock: bad magic 0x%08x (not an xpcfs image)", sb->magic);
        return -FS_ECORRUPT;
    }
    if (sb->checksum != fs_crc32c(0, sb, offsetof(struct fs_superblock, checksum))) {
        fs_reportf(report, ctx, "superblock: checksum mismatch (the superblock is damaged)");
        return -FS_ECORRUPT;
    }
    if (sb->version != FS_VERSION) {
        fs_reportf(report, ctx, "superblock: version %u, this code reads version %u", sb->version,
                   FS_VERSION);
        return -FS_ECORRUPT;
    }
    struct fs_superblock want = *sb;
    geometry(&want);
    bool ok = sb->nblocks >= FS_MIN_BLOCKS && sb->nblocks <= FS_MAX_BLOCKS &&
              sb->ninodes >= FS_INODES_PER_BLOCK && sb->ninodes % FS_INODES_PER_BLOCK == 0 &&
              sb->log_blocks >= log_min_blocks(want.block_bitmap_blocks) &&
              sb->log_blocks <= FS_LOG_MAX_BLOCKS + 1 &&
              !memcmp(&want, sb, offsetof(struct fs_superblock, orphans)) &&
              sb->data_start + 8 <= sb->nblocks && sb->orphans <= sb->ninodes;
    if (!ok) {
        fs_reportf(report, ctx, "superblock: inconsistent geometry (%llu blocks, %u inodes)",
                   (unsigned long long)sb->nblocks, sb->ninodes);
        return -FS_ECORRUPT;
    }
    if (sb->nblocks > dev_blocks) {
        fs_reportf(report, ctx, "superblock: %llu blocks but the device has only %llu",
                   (unsigned long long)sb->nblocks, (unsigned long long)dev_blocks);
        return -FS_ECORRUPT;
    }
    return 0;
}

int super_write(struct fs *fs)
{
    struct fs_buf *b;
    int rc = buf_get(fs, 0, true, &b);
    if (rc < 0)
        return rc;
    super_seal(&fs->sb);
    memcpy(b->data, &fs->sb, sizeof(fs->sb));
    buf_dirty(fs, b);
    buf_put(fs, b);
    return 0;
}

static void set_bit(uint8_t *map, uint64_t bit)
{
    map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* Write region [start, start+count) from a generator of block contents. */
static int write_region(const struct fs_blockdev *dev, uint8_t *blk, uint64_t start, uint64_t count,
                        void (*fill)(uint8_t *blk, uint64_t i, const struct fs_superblock *sb),
                        const struct fs_superblock *sb)
{
    for (uint64_t i = 0; i < count; i++) {
        memset(blk, 0, FS_BLOCK_SIZE);
        if (fill)
            fill(blk, i, sb);
        int rc = dev->write(dev->ctx, start + i, 1, blk);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static void fill_inode_bitmap(uint8_t *blk, uint64_t i, const struct fs_superblock *sb)
{
    (void)sb;
    if (i == 0) {
        set_bit(blk, 0); /* inode 0 is never used */
        set_bit(blk, FS_ROOT_INO);
    }
}

static void fill_block_bitmap(uint8_t *blk, uint64_t i, const struct fs_superblock *sb)
{
    /* Metadata and the root directory's first block (data_start) are in use, as are the bits
     * past the end of the device, so the allocator never hands them out. */
    uint64_t first = i * FS_BITS_PER_BLOCK;
    for (uint64_t b = 0; b < FS_BITS_PER_BLOCK; b++) {
        uint64_t block = first + b;
        if (block <= sb->data_start || block >= sb->nblocks)
            set_bit(blk, b);
    }
}

static void fill_inodes(uint8_t *blk, uint64_t i, const struct fs_superblock *sb)
{
    if (i != 0)
        return;
    struct fs_dinode root = {.mode = FS_S_IFDIR | 0755, .nlink = 2, .size = FS_BLOCK_SIZE};
    root.direct[0] = sb->data_start;
    inode_seal(&root, FS_ROOT_INO);
    memcpy(blk + FS_ROOT_INO * FS_INODE_SIZE, &root, sizeof(root));
}

static void fill_log(uint8_t *blk, uint64_t i, const struct fs_superblock *sb)
{
    if (i != 0)
        return;
    struct fs_log_header *h = (struct fs_log_header *)blk;
    h->magic = FS_LOG_MAGIC;
    h->uuid = sb->uuid;
    h->checksum = fs_crc32c(0, h, FS_BLOCK_SIZE);
}

int fs_format(const struct fs_blockdev *dev, const struct fs_format_options *opt)
{
    struct fs_superblock sb = {.magic = FS_MAGIC, .version = FS_VERSION};
    sb.nblocks = dev->nblocks < FS_MAX_BLOCKS ? dev->nblocks : FS_MAX_BLOCKS;
    if (sb.nblocks < FS_MIN_BLOCKS)
        return -ENOSPC;
    uint64_t inodes = opt && opt->inodes ? opt->inodes : sb.nblocks / 4;
    if (inodes < 64)
        inodes = 64;
    inodes = (inodes + FS_INODES_PER_BLOCK - 1) / FS_INODES_PER_BLOCK * FS_INODES_PER_BLOCK;
    if (inodes > sb.nblocks * 2)
        return -EINVAL;
    sb.ninodes = (uint32_t)inodes;
    uint32_t bitmap_blocks = div_up(sb.nblocks, FS_BITS_PER_BLOCK);
    uint64_t log = sb.nblocks / 16;
    if (opt && opt->log_blocks)
        log = opt->log_blocks;
    else
        log = log < 160 ? 160 : log > FS_LOG_MAX_BLOCKS + 1 ? FS_LOG_MAX_BLOCKS + 1 : log;
    if (log < log_min_blocks(bitmap_blocks))
        log = log_min_blocks(bitmap_blocks);
    if (log > FS_LOG_MAX_BLOCKS + 1)
        return -EINVAL;
    sb.log_blocks = (uint32_t)log;
    geometry(&sb);
    if (sb.data_start + 8 > sb.nblocks)
        return -ENOSPC;
    /* Distinct images get distinct log ids, so a stale log of another image never replays. */
    sb.uuid = fs_crc32c(sb.nblocks, &sb, sizeof(sb)) | (uint64_t)(uintptr_t)&sb << 32;

    uint8_t *blk = malloc(FS_BLOCK_SIZE);
    if (!blk)
        return -ENOMEM;
    int rc = write_region(dev, blk, sb.log_start, 1, fill_log, &sb);
    if (!rc)
        rc = write_region(dev, blk, sb.inode_bitmap_start, sb.inode_bitmap_blocks,
                          fill_inode_bitmap, &sb);
    if (!rc)
        rc = write_region(dev, blk, sb.block_bitmap_start, sb.block_bitmap_blocks,
                          fill_block_bitmap, &sb);
    if (!rc)
        rc = write_region(dev, blk, sb.inode_start, sb.inode_blocks, fill_inodes, &sb);
    if (!rc) {
        dir_block_init(blk, FS_ROOT_INO);
        struct fs_ddirent *e = (struct fs_ddirent *)blk;
        e[0] = (struct fs_ddirent){.ino = FS_ROOT_INO, .name_len = 1, .name = "."};
        e[1] = (struct fs_ddirent){.ino = FS_ROOT_INO, .name_len = 2, .name = ".."};
        dir_block_seal(blk, FS_ROOT_INO);
        rc = dev->write(dev->ctx, sb.data_start, 1, blk);
    }
    /* The superblock goes last, after a flush: a format cut short leaves no valid image. */
    if (!rc)
        rc = dev->flush(dev->ctx);
    if (!rc) {
        super_seal(&sb);
        memset(blk, 0, FS_BLOCK_SIZE);
        memcpy(blk, &sb, sizeof(sb));
        rc = dev->write(dev->ctx, 0, 1, blk);
    }
    if (!rc)
        rc = dev->flush(dev->ctx);
    free(blk);
    return rc;
}

const char *fs_strerror(int err)
{
    if (err < 0)
        err = -err;
    switch (err) {
    case 0: return "success";
    case ENOENT: return "ENOENT (no such file or directory)";
    case EEXIST: return "EEXIST (file exists)";
    case ENOSPC: return "ENOSPC (no space left on the file system)";
    case ENAMETOOLONG: return "ENAMETOOLONG (name too long)";
    case ENOTDIR: return "ENOTDIR (not a directory)";
    case EISDIR: return "EISDIR (is a directory)";
    case ENOTEMPTY: return "ENOTEMPTY (directory not empty)";
    case EINVAL: return "EINVAL (invalid argument)";
    case EBADF: return "EBADF (bad handle)";
    case EMFILE: return "EMFILE (too many open files)";
    case EROFS: return "EROFS (read-only file system)";
    case EFBIG: return "EFBIG (file too large)";
    case EBUSY: return "EBUSY (busy)";
    case ENOMEM: return "ENOMEM (out of memory)";
    case EIO: return "EIO (I/O error or corruption)";
#if defined(EUCLEAN) && EUCLEAN != EIO
    case EUCLEAN: return "EUCLEAN (file system corrupt)";
#endif
    default: return "unknown error";
    }
}
