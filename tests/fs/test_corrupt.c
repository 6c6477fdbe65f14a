/* Random corruption: bit flips in the superblock, the log, the bitmaps, the inode table,
 * directory blocks and index blocks of a populated image. Where a flip always changes meaning,
 * mount must refuse or fsck must report it; wherever it lands, nothing may crash (ASan/UBSan),
 * and a mount that succeeds must survive reads and writes on the damaged image. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/disk.h"
#include "fstest.h"

#define NBLOCKS 2048

static uint8_t *pristine;
static struct ramdev dev; /* each trial: the pristine image, damaged */
static struct fs_superblock sb;

static int put(struct fs *fs, const char *path, size_t len, uint8_t fill)
{
    uint8_t *buf = malloc(len);
    memset(buf, fill, len);
    int h = fs_open(fs, path, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC, 0644);
    int64_t n = h >= 0 ? fs_write(fs, h, buf, len, 0) : h;
    if (h >= 0)
        fs_close(fs, h);
    free(buf);
    return n == (int64_t)len ? 0 : -1;
}

static void build_image(void)
{
    ramdev_init(&dev, NBLOCKS);
    cr_assert_eq(fs_format(&dev.dev, NULL), 0);
    struct fs *fs;
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), 0);
    cr_assert_eq(fs_mkdir(fs, "/etc", 0755), 0);
    cr_assert_eq(fs_mkdir(fs, "/etc/deep", 0755), 0);
    char path[64];
    for (int i = 0; i < 70; i++) { /* two directory blocks */
        snprintf(path, sizeof(path), "/etc/file%02d", i);
        cr_assert_eq(put(fs, path, 100 + (size_t)i * 37, (uint8_t)i), 0);
    }
    cr_assert_eq(put(fs, "/etc/deep/big", 300 * 1024, 0xab), 0); /* an indirect block */
    cr_assert_eq(fs_unmount(fs), 0);
    cr_assert_eq(fs_check(&dev.dev, NULL, NULL, NULL), 0);
    pristine = malloc((size_t)NBLOCKS * FS_BLOCK_SIZE);
    memcpy(pristine, dev.mem, (size_t)NBLOCKS * FS_BLOCK_SIZE);
    memcpy(&sb, pristine, sizeof(sb));
}

static void cleanup(void)
{
    free(pristine);
    ramdev_free(&dev);
}

static const struct fs_dinode *inode_at(const uint8_t *img, uint32_t ino)
{
    return (const struct fs_dinode *)(img + (size_t)sb.inode_start * FS_BLOCK_SIZE +
                                      (size_t)ino * FS_INODE_SIZE);
}

static void flip(uint8_t *img, uint64_t byte_offset, uint32_t bit)
{
    img[byte_offset] ^= (uint8_t)(1u << (bit % 8));
}

/* Whatever happened to the image, using it must not crash. */
static const struct fs_mount_options small_cache = {.cache_blocks = 1};

static void exercise(struct ramdev *dev)
{
    struct fs *fs;
    if (fs_mount(&fs, &dev->dev, &small_cache) != 0)
        return;
    uint64_t digest;
    (void)fs_tree_digest(fs, &digest);
    (void)put(fs, "/etc/new", 5000, 1);
    (void)put(fs, "/etc/file03", 70000, 2);
    (void)fs_unlink(fs, "/etc/file05");
    (void)fs_mkdir(fs, "/etc/deep/more", 0755);
    (void)fs_rename(fs, "/etc/file07", "/etc/deep/moved");
    (void)fs_rmdir(fs, "/etc/deep");
    (void)fs_truncate(fs, "/etc/deep/big", 10);
    struct fs_statfs st;
    fs_statfs(fs, &st);
    (void)fs_unmount(fs);
    (void)fs_check(&dev->dev, NULL, NULL, NULL);
}

/* Flip one bit chosen by `place`; returns whether mount refused or fsck reported. */
static bool detected_after(uint64_t offset, uint32_t bit, bool *mount_refused)
{
    ramdev_reset(&dev, pristine);
    flip(dev.mem, offset, bit);
    struct check_log log = {0};
    int problems = fs_check(&dev.dev, check_log_line, &log, NULL);
    cr_assert_geq(problems, 0, "fsck failed to run: %s", fs_strerror(problems));
    struct fs *fs;
    int rc = fs_mount(&fs, &dev.dev, &small_cache);
    *mount_refused = rc != 0;
    if (rc == 0)
        fs_unmount(fs);
    else
        cr_assert_eq(rc, -FS_ECORRUPT, "mount refuses a damaged image as corrupt, not %s",
                     fs_strerror(rc));
    exercise(&dev);
    return problems > 0 || *mount_refused;
}

TestSuite(corrupt, .init = build_image, .fini = cleanup);

Test(corrupt, superblock_flips_refuse_mount)
{
    uint32_t seed = 101;
    for (int i = 0; i < 150; i++) {
        uint64_t off = rng_next(&seed) % sizeof(struct fs_superblock);
        bool refused;
        cr_assert(detected_after(off, rng_next(&seed), &refused), "superblock byte %llu",
                  (unsigned long long)off);
        cr_assert(refused, "mount accepted a superblock with byte %llu flipped",
                  (unsigned long long)off);
    }
}

Test(corrupt, inode_table_flips_are_reported)
{
    uint32_t seed = 202;
    uint64_t base = (uint64_t)sb.inode_start * FS_BLOCK_SIZE;
    for (int i = 0; i < 150; i++) {
        /* Half in inodes in use, half anywhere in the first inode blocks. */
        uint64_t off = i % 2 ? rng_next(&seed) % (80 * FS_INODE_SIZE)
                             : rng_next(&seed) % (3 * (uint64_t)FS_BLOCK_SIZE);
        bool refused;
        cr_assert(detected_after(base + off, rng_next(&seed), &refused), "inode table byte %llu",
                  (unsigned long long)off);
    }
}

Test(corrupt, bitmap_flips_are_reported)
{
    uint32_t seed = 303;
    for (int i = 0; i < 150; i++) {
        bool inodes = i % 3 == 0;
        uint64_t bits = inodes ? sb.ninodes : sb.nblocks;
        uint64_t bit = rng_next(&seed) % bits;
        uint32_t start = inodes ? sb.inode_bitmap_start : sb.block_bitmap_start;
        bool refused;
        cr_assert(detected_after((uint64_t)start * FS_BLOCK_SIZE + bit / 8, (uint32_t)(bit % 8),
                                 &refused),
                  "%s bitmap bit %llu", inodes ? "inode" : "block", (unsigned long long)bit);
    }
}

Test(corrupt, directory_block_flips_are_reported)
{
    uint32_t seed = 404;
    /* The directories: root (1), /etc, /etc/deep; their blocks from the inode table. */
    uint32_t blocks[8], n = 0;
    for (uint32_t ino = 1; ino < 16 && n < 8; ino++) {
        const struct fs_dinode *ip = inode_at(pristine, ino);
        if ((ip->mode & FS_S_IFMT) != FS_S_IFDIR)
            continue;
        for (uint32_t k = 0; k < FS_NDIRECT && ip->direct[k] && n < 8; k++)
            blocks[n++] = ip->direct[k];
    }
    cr_assert_geq(n, 4, "root, /etc (two blocks), /etc/deep");
    for (int i = 0; i < 200; i++) {
        uint32_t blk = blocks[rng_next(&seed) % n];
        uint64_t off = (uint64_t)blk * FS_BLOCK_SIZE + rng_next(&seed) % FS_BLOCK_SIZE;
        bool refused;
        cr_assert(detected_after(off, rng_next(&seed), &refused), "directory block %u", blk);
    }
}

Test(corrupt, index_block_flips_are_reported)
{
    uint32_t seed = 505, indirect = 0;
    for (uint32_t ino = 1; ino < sb.ninodes && !indirect; ino++)
        indirect = inode_at(pristine, ino)->indirect;
    cr_assert_neq(indirect, 0);
    for (int i = 0; i < 150; i++) {
        /* The pointers in use and the first unused ones past them. */
        uint64_t off = (uint64_t)indirect * FS_BLOCK_SIZE + rng_next(&seed) % (4 * 80);
        bool refused;
        cr_assert(detected_after(off, rng_next(&seed), &refused), "index block byte %llu",
                  (unsigned long long)off);
    }
}

Test(corrupt, log_header_flips_never_hurt)
{
    uint32_t seed = 606;
    for (int i = 0; i < 150; i++) {
        ramdev_reset(&dev, pristine);
        uint64_t off =
            (uint64_t)sb.log_start * FS_BLOCK_SIZE + rng_next(&seed) % sizeof(struct fs_log_header);
        flip(dev.mem, off, rng_next(&seed));
        /* A clean log's header names nothing to replay: a flip either breaks its magic (mount
         * refuses, fsck says so) or leaves a header that replays nothing. */
        struct fs *fs;
        int rc = fs_mount(&fs, &dev.dev, &small_cache);
        int problems = fs_check(&dev.dev, NULL, NULL, NULL);
        if (rc == 0) {
            cr_assert_eq(fs_unmount(fs), 0);
            cr_assert_eq(fs_check(&dev.dev, NULL, NULL, NULL), 0, "log byte %llu",
                         (unsigned long long)off);
        } else {
            cr_assert_eq(rc, -FS_ECORRUPT);
            cr_assert_gt(problems, 0, "fsck agrees with mount");
        }
        exercise(&dev);
    }
}

Test(corrupt, random_flips_anywhere_in_metadata_never_crash)
{
    uint32_t seed = 707;
    for (int i = 0; i < 60; i++) {
        ramdev_reset(&dev, pristine);
        int flips = 1 + (int)(rng_next(&seed) % 20);
        for (int f = 0; f < flips; f++) {
            uint64_t region = (uint64_t)(sb.data_start + 120) * FS_BLOCK_SIZE;
            flip(dev.mem, rng_next(&seed) % region, rng_next(&seed));
        }
        int problems = fs_check(&dev.dev, NULL, NULL, NULL);
        cr_assert_geq(problems, 0);
        exercise(&dev);
    }
}

Test(corrupt, not_an_image)
{
    memset(dev.mem, 0, (size_t)NBLOCKS * FS_BLOCK_SIZE);
    struct fs *fs;
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), -FS_ECORRUPT);
    struct check_log log = {0};
    cr_assert_eq(fs_check(&dev.dev, check_log_line, &log, NULL), 1);
    cr_assert(strstr(log.text, "not an xpcfs image"), "%s", log.text);
    /* A device smaller than the image it holds. */
    ramdev_reset(&dev, pristine);
    dev.dev.nblocks = NBLOCKS / 2;
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), -FS_ECORRUPT);
    dev.dev.nblocks = NBLOCKS;
}
