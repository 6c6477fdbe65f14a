/* Limits: a full disk gives ENOSPC and corrupts nothing; inodes run out the same way; a 256 MiB
 * file (sparse, its blocks in the direct, indirect and double-indirect ranges) reads back; the
 * largest file size gives EFBIG. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/disk.h"
#include "fstest.h"

static void assert_clean(struct ramdev *dev)
{
    struct check_log log = {0};
    cr_assert_eq(fs_check(&dev->dev, check_log_line, &log, NULL), 0, "fsck: %s", log.text);
}

Test(limits, full_disk_gives_enospc_and_stays_consistent)
{
    struct ramdev dev;
    ramdev_init(&dev, 1024);
    cr_assert_eq(fs_format(&dev.dev, NULL), 0);
    struct fs *fs;
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), 0);
    cr_assert_eq(fs_mkdir(fs, "/d", 0755), 0);
    int keep = fs_open(fs, "/d/keep", FS_O_RDWR | FS_O_CREAT, 0644);
    cr_assert_eq(fs_write(fs, keep, "precious", 8, 0), 8);
    cr_assert_eq(fs_fsync(fs, keep), 0);
    fs_close(fs, keep);
    /* Fill the disk with one file, 100 KiB at a time, until a write comes up short. */
    static uint8_t chunk[100 * 1024];
    memset(chunk, 0x77, sizeof(chunk));
    int h = fs_open(fs, "/fill", FS_O_RDWR | FS_O_CREAT, 0644);
    uint64_t off = 0;
    int64_t n;
    while ((n = fs_write(fs, h, chunk, sizeof(chunk), off)) == (int64_t)sizeof(chunk))
        off += (uint64_t)n;
    if (n > 0)
        off += (uint64_t)n;
    cr_assert_eq(fs_write(fs, h, chunk, sizeof(chunk), off), -ENOSPC);
    struct fs_statfs st;
    fs_statfs(fs, &st);
    cr_assert_eq(st.free_blocks, 0);
    struct fs_stat fst;
    cr_assert_eq(fs_fstat(fs, h, &fst), 0);
    cr_assert_eq(fst.size, off, "the size counts what was written, no more");
    /* Everything that needs a block fails cleanly. */
    cr_assert_eq(fs_mkdir(fs, "/d/sub", 0755), -ENOSPC);
    int g = fs_open(fs, "/d/grow", FS_O_RDWR | FS_O_CREAT, 0644);
    cr_assert_geq(g, 0, "a new empty file needs only an inode and room in its directory");
    cr_assert_eq(fs_write(fs, g, "x", 1, 0), -ENOSPC);
    fs_close(fs, g);
    /* What was written reads back. */
    uint8_t buf[4096];
    cr_assert_eq(fs_read(fs, h, buf, sizeof(buf), off - sizeof(buf)), (int64_t)sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++)
        cr_assert_eq(buf[i], 0x77);
    fs_close(fs, h);
    cr_assert_eq(fs_unmount(fs), 0);
    assert_clean(&dev);
    /* After a remount: freeing space makes room again. */
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), 0);
    cr_assert_eq(fs_unlink(fs, "/fill"), 0);
    cr_assert_eq(fs_mkdir(fs, "/d/sub", 0755), 0);
    keep = fs_open(fs, "/d/keep", FS_O_RDONLY, 0);
    char text[9] = {0};
    cr_assert_eq(fs_read(fs, keep, text, 8, 0), 8);
    cr_assert_str_eq(text, "precious");
    fs_close(fs, keep);
    cr_assert_eq(fs_unmount(fs), 0);
    assert_clean(&dev);
    ramdev_free(&dev);
}

Test(limits, inodes_run_out)
{
    struct ramdev dev;
    ramdev_init(&dev, 1024);
    struct fs_format_options fo = {.inodes = 64};
    cr_assert_eq(fs_format(&dev.dev, &fo), 0);
    struct fs *fs;
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), 0);
    struct fs_statfs st;
    fs_statfs(fs, &st);
    char path[32];
    uint64_t made = 0;
    for (;;) {
        snprintf(path, sizeof(path), "/f%llu", (unsigned long long)made);
        int h = fs_open(fs, path, FS_O_WRONLY | FS_O_CREAT, 0644);
        if (h < 0) {
            cr_assert_eq(h, -ENOSPC);
            break;
        }
        fs_close(fs, h);
        made++;
    }
    cr_assert_eq(made, st.free_inodes);
    cr_assert_eq(fs_mkdir(fs, "/dir", 0755), -ENOSPC);
    cr_assert_eq(fs_unmount(fs), 0);
    assert_clean(&dev);
    ramdev_free(&dev);
}

Test(limits, file_of_256_mib_sparse)
{
    struct ramdev dev;
    ramdev_init(&dev, 8192); /* 32 MiB holds the blocks written, not the holes */
    cr_assert_eq(fs_format(&dev.dev, NULL), 0);
    struct fs *fs;
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), 0);
    int h = fs_open(fs, "/big", FS_O_RDWR | FS_O_CREAT, 0644);
    const uint64_t size = 256ull << 20;
    /* Direct, indirect, the start of the double-indirect range, its far end. */
    const uint64_t offsets[] = {0, 20 * 4096ull, (FS_NDIRECT + FS_PTRS_PER_BLOCK) * 4096ull + 17,
                                size / 2 + 5, size - 4096};
    char mark[64];
    for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        int len =
            snprintf(mark, sizeof(mark), "mark %zu at %llu", i, (unsigned long long)offsets[i]);
        cr_assert_eq(fs_write(fs, h, mark, (uint64_t)len, offsets[i]), len);
    }
    /* A dense stretch of 8 MiB across the indirect / double-indirect boundary. */
    static uint8_t dense[8 << 20];
    for (size_t i = 0; i < sizeof(dense); i++)
        dense[i] = (uint8_t)(i * 7 + i / 4096);
    const uint64_t dense_at = 2 << 20;
    cr_assert_eq(fs_write(fs, h, dense, sizeof(dense), dense_at), (int64_t)sizeof(dense));
    cr_assert_eq(fs_ftruncate(fs, h, size), 0, "grows: the tail is a hole");
    cr_assert_eq(fs_fsync(fs, h), 0);
    fs_close(fs, h);
    cr_assert_eq(fs_unmount(fs), 0);
    assert_clean(&dev);
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), 0);
    h = fs_open(fs, "/big", FS_O_RDONLY, 0);
    struct fs_stat st;
    cr_assert_eq(fs_fstat(fs, h, &st), 0);
    cr_assert_eq(st.size, size);
    cr_assert_lt(st.blocks, 2200, "sparse: %llu blocks", (unsigned long long)st.blocks);
    for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        int len =
            snprintf(mark, sizeof(mark), "mark %zu at %llu", i, (unsigned long long)offsets[i]);
        char got[64] = {0};
        if (offsets[i] >= dense_at && offsets[i] < dense_at + sizeof(dense))
            continue; /* overwritten by the dense stretch */
        cr_assert_eq(fs_read(fs, h, got, (uint64_t)len, offsets[i]), len);
        cr_assert_str_eq(got, mark);
    }
    static uint8_t back[8 << 20];
    cr_assert_eq(fs_read(fs, h, back, sizeof(back), dense_at), (int64_t)sizeof(back));
    cr_assert_eq(memcmp(back, dense, sizeof(back)), 0);
    uint8_t hole[4096];
    cr_assert_eq(fs_read(fs, h, hole, sizeof(hole), size / 4), (int64_t)sizeof(hole));
    for (size_t i = 0; i < sizeof(hole); i++)
        cr_assert_eq(hole[i], 0);
    fs_close(fs, h);
    /* Shrinking frees the double-indirect tree. */
    struct fs_statfs before, after;
    fs_statfs(fs, &before);
    cr_assert_eq(fs_truncate(fs, "/big", 4096), 0);
    fs_statfs(fs, &after);
    cr_assert_gt(after.free_blocks, before.free_blocks + 2000);
    cr_assert_eq(fs_unmount(fs), 0);
    assert_clean(&dev);
    ramdev_free(&dev);
}

Test(limits, largest_file_size)
{
    struct ramdev dev;
    ramdev_init(&dev, 1024);
    cr_assert_eq(fs_format(&dev.dev, NULL), 0);
    struct fs *fs;
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), 0);
    int h = fs_open(fs, "/edge", FS_O_RDWR | FS_O_CREAT, 0644);
    const uint64_t max = (uint64_t)FS_MAX_FILE_BLOCKS * FS_BLOCK_SIZE;
    cr_assert_eq(fs_write(fs, h, "z", 1, max - 1), 1, "the last byte a file can hold");
    cr_assert_eq(fs_write(fs, h, "z", 1, max), -EFBIG);
    cr_assert_eq(fs_write(fs, h, "zz", 2, max - 1), 1, "a write that crosses the limit is short");
    cr_assert_eq(fs_ftruncate(fs, h, max + 1), -EFBIG);
    struct fs_stat st;
    cr_assert_eq(fs_fstat(fs, h, &st), 0);
    cr_assert_eq(st.size, max);
    cr_assert_eq(fs_ftruncate(fs, h, 0), 0);
    fs_close(fs, h);
    cr_assert_eq(fs_unmount(fs), 0);
    assert_clean(&dev);
    ramdev_free(&dev);
}

Test(limits, format_refuses_a_tiny_device)
{
    struct ramdev dev;
    ramdev_init(&dev, 100);
    cr_assert_eq(fs_format(&dev.dev, NULL), -ENOSPC);
    ramdev_free(&dev);
}
