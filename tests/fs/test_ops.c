/* Each xpcfs operation on its own: results, errors, and what a remount still shows. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/disk.h"
#include "fstest.h"

static struct ramdev dev;
static struct fs *fs;

static void setup(void)
{
    ramdev_init(&dev, 4096); /* 16 MiB */
    cr_assert_eq(fs_format(&dev.dev, NULL), 0);
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), 0);
}

static void assert_clean(void)
{
    struct check_log log = {0};
    int problems = fs_check(&dev.dev, check_log_line, &log, NULL);
    cr_assert_eq(problems, 0, "fsck: %s", log.text);
}

static void teardown(void)
{
    if (fs)
        cr_assert_eq(fs_unmount(fs), 0);
    fs = NULL;
    assert_clean();
    ramdev_free(&dev);
}

static void remount(void)
{
    cr_assert_eq(fs_unmount(fs), 0);
    assert_clean();
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), 0);
}

static int put(const char *path, const char *text)
{
    int h = fs_open(fs, path, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC, 0644);
    if (h < 0)
        return h;
    int64_t n = fs_write(fs, h, text, strlen(text), 0);
    fs_close(fs, h);
    return n == (int64_t)strlen(text) ? 0 : -1;
}

static void assert_text(const char *path, const char *text)
{
    int h = fs_open(fs, path, FS_O_RDONLY, 0);
    cr_assert_geq(h, 0, "open %s: %s", path, fs_strerror(h));
    char buf[256] = {0};
    int64_t n = fs_read(fs, h, buf, sizeof(buf) - 1, 0);
    fs_close(fs, h);
    cr_assert_str_eq(buf, text, "%s holds '%s' (%lld bytes)", path, buf, (long long)n);
}

TestSuite(ops, .init = setup, .fini = teardown);

Test(ops, create_write_read_survives_remount)
{
    cr_assert_eq(put("/hello", "hello, disk"), 0);
    assert_text("/hello", "hello, disk");
    remount();
    assert_text("/hello", "hello, disk");
    struct fs_stat st;
    cr_assert_eq(fs_stat(fs, "/hello", &st), 0);
    cr_assert_eq(st.size, 11);
    cr_assert_eq(st.nlink, 1);
    cr_assert_eq(st.mode, FS_S_IFREG | 0644);
}

Test(ops, open_flags)
{
    cr_assert_eq(fs_open(fs, "/none", FS_O_RDONLY, 0), -ENOENT);
    /* Creating under a directory that does not exist: ENOENT, nothing made anywhere. */
    cr_assert_eq(fs_open(fs, "/no/such/f", FS_O_RDWR | FS_O_CREAT, 0600), -ENOENT);
    cr_assert_eq(fs_mkdir(fs, "/gone", 0755), 0);
    cr_assert_eq(fs_rmdir(fs, "/gone"), 0);
    cr_assert_eq(fs_open(fs, "/gone/f", FS_O_RDWR | FS_O_CREAT, 0600), -ENOENT);
    int h = fs_open(fs, "/x", FS_O_RDWR | FS_O_CREAT | FS_O_EXCL, 0600);
    cr_assert_geq(h, 0);
    cr_assert_eq(fs_open(fs, "/x", FS_O_RDWR | FS_O_CREAT | FS_O_EXCL, 0600), -EEXIST);
    cr_assert_eq(fs_write(fs, h, "abcdef", 6, 0), 6);
    cr_assert_eq(fs_close(fs, h), 0);
    cr_assert_eq(fs_close(fs, h), -EBADF);
    /* Read-only handles do not write, write-only handles do not read. */
    h = fs_open(fs, "/x", FS_O_RDONLY, 0);
    cr_assert_eq(fs_write(fs, h, "z", 1, 0), -EBADF);
    fs_close(fs, h);
    h = fs_open(fs, "/x", FS_O_WRONLY, 0);
    char c;
    cr_assert_eq(fs_read(fs, h, &c, 1, 0), -EBADF);
    fs_close(fs, h);
    /* O_APPEND writes at the end whatever the offset. */
    h = fs_open(fs, "/x", FS_O_WRONLY | FS_O_APPEND, 0);
    cr_assert_eq(fs_write(fs, h, "gh", 2, 0), 2);
    fs_close(fs, h);
    assert_text("/x", "abcdefgh");
    /* O_TRUNC empties. */
    h = fs_open(fs, "/x", FS_O_WRONLY | FS_O_TRUNC, 0);
    struct fs_stat st;
    cr_assert_eq(fs_fstat(fs, h, &st), 0);
    cr_assert_eq(st.size, 0);
    fs_close(fs, h);
    cr_assert_eq(fs_open(fs, "/x", FS_O_ACCMODE, 0), -EINVAL);
    cr_assert_eq(fs_open(fs, "/x", FS_O_RDONLY | FS_O_DIRECTORY, 0), -ENOTDIR);
    cr_assert_eq(fs_open(fs, "/x/", FS_O_RDONLY, 0), -ENOTDIR);
    cr_assert_eq(fs_open(fs, "/x/y", FS_O_RDONLY | FS_O_CREAT, 0), -ENOTDIR);
    cr_assert_eq(fs_open(fs, "relative", FS_O_RDONLY, 0), -EINVAL);
    cr_assert_eq(fs_read(fs, 99, &c, 1, 0), -EBADF);
    cr_assert_eq(fs_read(fs, -1, &c, 1, 0), -EBADF);
}

Test(ops, directories_open_read_only)
{
    cr_assert_eq(fs_mkdir(fs, "/d", 0755), 0);
    cr_assert_eq(fs_open(fs, "/d", FS_O_WRONLY, 0), -EISDIR);
    cr_assert_eq(fs_open(fs, "/d", FS_O_RDWR | FS_O_CREAT, 0), -EISDIR);
    int h = fs_open(fs, "/d", FS_O_RDONLY, 0);
    cr_assert_geq(h, 0);
    char c;
    cr_assert_eq(fs_read(fs, h, &c, 1, 0), -EISDIR);
    fs_close(fs, h);
}

Test(ops, read_write_at_offsets_and_holes)
{
    int h = fs_open(fs, "/f", FS_O_RDWR | FS_O_CREAT, 0644);
    cr_assert_eq(fs_write(fs, h, "end", 3, 100000), 3);
    uint8_t buf[100003];
    cr_assert_eq(fs_read(fs, h, buf, sizeof(buf) + 10, 0), 100003);
    for (int i = 0; i < 100000; i++)
        cr_assert_eq(buf[i], 0, "hole byte %d", i);
    cr_assert_eq(memcmp(buf + 100000, "end", 3), 0);
    cr_assert_eq(fs_read(fs, h, buf, 10, 100003), 0);
    cr_assert_eq(fs_read(fs, h, buf, 10, 1u << 30), 0);
    struct fs_stat st;
    cr_assert_eq(fs_fstat(fs, h, &st), 0);
    cr_assert_eq(st.size, 100003);
    cr_assert_eq(st.blocks, 2, "one data block and one indirect block: %llu",
                 (unsigned long long)st.blocks);
    fs_close(fs, h);
}

Test(ops, truncate_shrinks_grows_and_zeroes)
{
    cr_assert_eq(put("/t", "0123456789"), 0);
    cr_assert_eq(fs_truncate(fs, "/t", 4), 0);
    assert_text("/t", "0123");
    cr_assert_eq(fs_truncate(fs, "/t", 8), 0);
    int h = fs_open(fs, "/t", FS_O_RDWR, 0);
    char buf[8];
    cr_assert_eq(fs_read(fs, h, buf, 8, 0), 8);
    cr_assert_eq(memcmp(buf, "0123\0\0\0\0", 8), 0, "bytes past a shrink read as zeros");
    cr_assert_eq(fs_ftruncate(fs, h, 0), 0);
    fs_close(fs, h);
    h = fs_open(fs, "/t", FS_O_RDONLY, 0);
    cr_assert_eq(fs_ftruncate(fs, h, 0), -EINVAL);
    fs_close(fs, h);
    cr_assert_eq(fs_truncate(fs, "/nope", 0), -ENOENT);
    cr_assert_eq(fs_mkdir(fs, "/dd", 0755), 0);
    cr_assert_eq(fs_truncate(fs, "/dd", 0), -EISDIR);
}

Test(ops, truncate_frees_blocks)
{
    struct fs_statfs before, after;
    fs_statfs(fs, &before);
    int h = fs_open(fs, "/big", FS_O_RDWR | FS_O_CREAT, 0644);
    static uint8_t data[5 << 20];
    memset(data, 0x5a, sizeof(data));
    cr_assert_eq(fs_write(fs, h, data, sizeof(data), 0), (int64_t)sizeof(data));
    fs_statfs(fs, &after);
    cr_assert_geq(before.free_blocks - after.free_blocks, 1280);
    cr_assert_eq(fs_ftruncate(fs, h, 4097), 0);
    fs_close(fs, h);
    fs_statfs(fs, &after);
    cr_assert_eq(before.free_blocks - after.free_blocks, 2);
    cr_assert_eq(fs_unlink(fs, "/big"), 0);
    fs_statfs(fs, &after);
    cr_assert_eq(after.free_blocks, before.free_blocks);
    cr_assert_eq(after.free_inodes, before.free_inodes);
}

Test(ops, mkdir_rmdir)
{
    cr_assert_eq(fs_mkdir(fs, "/a", 0755), 0);
    cr_assert_eq(fs_mkdir(fs, "/a", 0755), -EEXIST);
    cr_assert_eq(fs_mkdir(fs, "/", 0755), -EEXIST);
    cr_assert_eq(fs_mkdir(fs, "/a/b", 0700), 0);
    cr_assert_eq(fs_mkdir(fs, "/x/y", 0755), -ENOENT);
    struct fs_stat st;
    cr_assert_eq(fs_stat(fs, "/a", &st), 0);
    cr_assert_eq(st.nlink, 3);
    cr_assert_eq(st.mode, FS_S_IFDIR | 0755);
    cr_assert_eq(fs_stat(fs, "/a/b/..", &st), 0);
    cr_assert_eq(fs_stat(fs, "//a///b/", &st), 0);
    cr_assert_eq(st.mode, FS_S_IFDIR | 0700);
    cr_assert_eq(fs_rmdir(fs, "/a"), -ENOTEMPTY);
    cr_assert_eq(put("/a/b/f", "x"), 0);
    cr_assert_eq(fs_rmdir(fs, "/a/b/f"), -ENOTDIR);
    cr_assert_eq(fs_unlink(fs, "/a/b"), -EISDIR);
    cr_assert_eq(fs_unlink(fs, "/a/b/f"), 0);
    cr_assert_eq(fs_rmdir(fs, "/a/b/."), -EINVAL);
    cr_assert_eq(fs_rmdir(fs, "/"), -EBUSY);
    cr_assert_eq(fs_rmdir(fs, "/a/b"), 0);
    cr_assert_eq(fs_rmdir(fs, "/a/b"), -ENOENT);
    cr_assert_eq(fs_stat(fs, "/a", &st), 0);
    cr_assert_eq(st.nlink, 2);
    cr_assert_eq(fs_rmdir(fs, "/a"), 0);
    remount();
    cr_assert_eq(fs_stat(fs, "/a", &st), -ENOENT);
}

Test(ops, readdir_lists_every_entry)
{
    cr_assert_eq(fs_mkdir(fs, "/d", 0755), 0);
    /* More than one directory block: 63 entries per block. */
    char path[32];
    for (int i = 0; i < 150; i++) {
        snprintf(path, sizeof(path), "/d/file%03d", i);
        cr_assert_eq(put(path, "x"), 0, "%s", path);
    }
    remount();
    int h = fs_open(fs, "/d", FS_O_RDONLY | FS_O_DIRECTORY, 0);
    cr_assert_geq(h, 0);
    uint64_t cookie = 0;
    struct fs_dirent e;
    int seen[150] = {0}, dots = 0, n = 0;
    while (fs_readdir(fs, h, &cookie, &e) == 1) {
        n++;
        if (!strcmp(e.name, ".") || !strcmp(e.name, "..")) {
            dots++;
            cr_assert_eq(e.type, FS_DT_DIR);
            continue;
        }
        int i = atoi(e.name + 4);
        cr_assert(i >= 0 && i < 150 && !seen[i], "entry %s", e.name);
        cr_assert_eq(e.type, FS_DT_REG);
        seen[i] = 1;
    }
    cr_assert_eq(n, 152);
    cr_assert_eq(dots, 2);
    fs_close(fs, h);
    h = fs_open(fs, "/d/file001", FS_O_RDONLY, 0);
    cr_assert_eq(fs_readdir(fs, h, &cookie, &e), -ENOTDIR);
    fs_close(fs, h);
}

Test(ops, rename_files_and_directories)
{
    cr_assert_eq(put("/a", "A"), 0);
    cr_assert_eq(put("/b", "B"), 0);
    cr_assert_eq(fs_rename(fs, "/a", "/b"), 0); /* replaces */
    assert_text("/b", "A");
    struct fs_stat st;
    cr_assert_eq(fs_stat(fs, "/a", &st), -ENOENT);
    cr_assert_eq(fs_rename(fs, "/a", "/c"), -ENOENT);
    cr_assert_eq(fs_rename(fs, "/b", "/b"), 0);
    cr_assert_eq(fs_mkdir(fs, "/d1", 0755), 0);
    cr_assert_eq(fs_mkdir(fs, "/d2", 0755), 0);
    cr_assert_eq(fs_mkdir(fs, "/d1/sub", 0755), 0);
    cr_assert_eq(fs_rename(fs, "/b", "/d1/sub/b"), 0);
    cr_assert_eq(fs_rename(fs, "/d1/sub", "/d2/sub"), 0); /* a directory changes parent */
    assert_text("/d2/sub/b", "A");
    cr_assert_eq(fs_stat(fs, "/d2/sub/..", &st), 0);
    struct fs_stat d2;
    cr_assert_eq(fs_stat(fs, "/d2", &d2), 0);
    cr_assert_eq(st.ino, d2.ino, ".. follows the move");
    cr_assert_eq(d2.nlink, 3);
    cr_assert_eq(fs_stat(fs, "/d1", &st), 0);
    cr_assert_eq(st.nlink, 2);
    cr_assert_eq(fs_rename(fs, "/d2", "/d2/sub/x"), -EINVAL, "into itself");
    cr_assert_eq(put("/f", "F"), 0);
    cr_assert_eq(fs_rename(fs, "/d2", "/f"), -ENOTDIR);
    cr_assert_eq(fs_rename(fs, "/f", "/d1"), -EISDIR);
    cr_assert_eq(fs_rename(fs, "/d1", "/d2"), -ENOTEMPTY);
    cr_assert_eq(fs_rename(fs, "/d2", "/d1"), 0); /* replaces an empty directory */
    assert_text("/d1/sub/b", "A");
    cr_assert_eq(fs_stat(fs, "/d2", &st), -ENOENT);
    remount();
    assert_text("/d1/sub/b", "A");
}

Test(ops, unlink_while_open_keeps_data_until_close)
{
    cr_assert_eq(put("/u", "still here"), 0);
    int h = fs_open(fs, "/u", FS_O_RDONLY, 0);
    cr_assert_eq(fs_unlink(fs, "/u"), 0);
    struct fs_stat st;
    cr_assert_eq(fs_stat(fs, "/u", &st), -ENOENT);
    char buf[16] = {0};
    cr_assert_eq(fs_read(fs, h, buf, 15, 0), 10);
    cr_assert_str_eq(buf, "still here");
    cr_assert_eq(fs_fstat(fs, h, &st), 0);
    cr_assert_eq(st.nlink, 0);
    struct fs_statfs a, b;
    fs_statfs(fs, &a);
    cr_assert_eq(fs_close(fs, h), 0);
    fs_statfs(fs, &b);
    cr_assert_eq(b.free_inodes, a.free_inodes + 1);
}

Test(ops, orphan_freed_at_next_mount)
{
    cr_assert_eq(put("/o", "orphan"), 0);
    int h = fs_open(fs, "/o", FS_O_RDONLY, 0);
    cr_assert_geq(h, 0);
    cr_assert_eq(fs_unlink(fs, "/o"), 0);
    cr_assert_eq(fs_sync(fs), 0);
    /* The machine stops with the file still open: drop the instance without closing. */
    struct fs_statfs a;
    fs_statfs(fs, &a);
    struct ramdev copy;
    ramdev_init_copy(&copy, dev.mem, dev.nblocks);
    struct check_log log = {0};
    cr_assert_eq(fs_check(&copy.dev, check_log_line, &log, NULL), 0, "an orphan is no problem: %s",
                 log.text);
    struct fs *other;
    cr_assert_eq(fs_mount(&other, &copy.dev, NULL), 0);
    struct fs_statfs b;
    fs_statfs(other, &b);
    cr_assert_eq(b.free_inodes, a.free_inodes + 1);
    cr_assert_eq(fs_unmount(other), 0);
    cr_assert_eq(fs_check(&copy.dev, NULL, NULL, NULL), 0);
    ramdev_free(&copy);
    fs_close(fs, h);
}

Test(ops, names_and_paths_limits)
{
    char name[FS_NAME_MAX + 2];
    memset(name, 'n', sizeof(name));
    name[0] = '/';
    name[FS_NAME_MAX + 1] = '\0'; /* "/" + FS_NAME_MAX letters: the longest name */
    cr_assert_eq(put(name, "ok"), 0);
    assert_text(name, "ok");
    char toolong[FS_NAME_MAX + 3];
    memset(toolong, 'n', sizeof(toolong));
    toolong[0] = '/';
    toolong[FS_NAME_MAX + 2] = '\0';
    cr_assert_eq(fs_open(fs, toolong, FS_O_RDWR | FS_O_CREAT, 0), -ENAMETOOLONG);
    cr_assert_eq(fs_mkdir(fs, toolong, 0755), -ENAMETOOLONG);
    static char longpath[FS_PATH_MAX + 10];
    memset(longpath, '/', sizeof(longpath) - 1);
    cr_assert_eq(fs_stat(fs, longpath, &(struct fs_stat){0}), -ENAMETOOLONG);
    cr_assert_eq(fs_stat(fs, "", &(struct fs_stat){0}), -EINVAL);
    cr_assert_eq(fs_open(fs, "/.", FS_O_RDWR | FS_O_CREAT, 0), -EISDIR);
}

Test(ops, too_many_open_files)
{
    int h[FS_DEFAULT_MAX_OPEN];
    cr_assert_eq(put("/m", "m"), 0);
    for (int i = 0; i < FS_DEFAULT_MAX_OPEN; i++) {
        h[i] = fs_open(fs, "/m", FS_O_RDONLY, 0);
        cr_assert_geq(h[i], 0);
    }
    cr_assert_eq(fs_open(fs, "/m", FS_O_RDONLY, 0), -EMFILE);
    for (int i = 0; i < FS_DEFAULT_MAX_OPEN; i++)
        cr_assert_eq(fs_close(fs, h[i]), 0);
}

Test(ops, statfs_and_mtime)
{
    struct fs_statfs st;
    cr_assert_eq(fs_statfs(fs, &st), 0);
    cr_assert_eq(st.block_size, 4096);
    cr_assert_eq(st.blocks, 4096);
    cr_assert_lt(st.free_blocks, st.data_blocks);
    cr_assert_eq(st.name_max, FS_NAME_MAX);
    cr_assert_eq(put("/m", "1"), 0);
    struct fs_stat a, b;
    cr_assert_eq(fs_stat(fs, "/m", &a), 0);
    cr_assert_eq(put("/m", "2"), 0);
    cr_assert_eq(fs_stat(fs, "/m", &b), 0);
    cr_assert_gt(b.mtime, a.mtime);
}

static uint64_t fixed_clock(void *ctx)
{
    return *(uint64_t *)ctx;
}

Test(ops, supplied_clock_stamps_mtime)
{
    cr_assert_eq(fs_unmount(fs), 0);
    uint64_t now = 1700000000;
    struct fs_mount_options o = {.clock = fixed_clock, .clock_ctx = &now};
    cr_assert_eq(fs_mount(&fs, &dev.dev, &o), 0);
    cr_assert_eq(put("/c", "c"), 0);
    struct fs_stat st;
    cr_assert_eq(fs_stat(fs, "/c", &st), 0);
    cr_assert_eq(st.mtime, now);
}

Test(ops, read_only_mount)
{
    cr_assert_eq(put("/r", "r"), 0);
    cr_assert_eq(fs_unmount(fs), 0);
    struct fs_mount_options o = {.read_only = 1};
    cr_assert_eq(fs_mount(&fs, &dev.dev, &o), 0);
    assert_text("/r", "r");
    cr_assert_eq(fs_open(fs, "/r", FS_O_WRONLY, 0), -EROFS);
    cr_assert_eq(fs_open(fs, "/n", FS_O_WRONLY | FS_O_CREAT, 0), -EROFS);
    cr_assert_eq(fs_mkdir(fs, "/d", 0755), -EROFS);
    cr_assert_eq(fs_unlink(fs, "/r"), -EROFS);
    cr_assert_eq(fs_rename(fs, "/r", "/s"), -EROFS);
    cr_assert_eq(fs_truncate(fs, "/r", 0), -EROFS);
}

Test(ops, several_instances_at_once)
{
    struct ramdev dev2;
    ramdev_init(&dev2, 1024);
    cr_assert_eq(fs_format(&dev2.dev, NULL), 0);
    struct fs *fs2;
    cr_assert_eq(fs_mount(&fs2, &dev2.dev, NULL), 0);
    cr_assert_eq(put("/one", "1"), 0);
    int h = fs_open(fs2, "/two", FS_O_WRONLY | FS_O_CREAT, 0644);
    cr_assert_eq(fs_write(fs2, h, "2", 1, 0), 1);
    fs_close(fs2, h);
    struct fs_stat st;
    cr_assert_eq(fs_stat(fs2, "/one", &st), -ENOENT);
    cr_assert_eq(fs_stat(fs, "/two", &st), -ENOENT);
    cr_assert_eq(fs_unmount(fs2), 0);
    cr_assert_eq(fs_check(&dev2.dev, NULL, NULL, NULL), 0);
    ramdev_free(&dev2);
}

Test(ops, io_error_during_commit_leaves_the_image_consistent)
{
    cr_assert_eq(put("/before", "durable"), 0);
    cr_assert_eq(fs_sync(fs), 0);
    dev.fail_writes_after = (int64_t)dev.writes + 3;
    cr_assert_eq(put("/after", "lost"), 0);
    cr_assert_eq(fs_sync(fs), -EIO);
    cr_assert_eq(put("/more", "x"), -EIO, "the instance refuses changes after a failed commit");
    fs_unmount(fs);
    fs = NULL;
    dev.fail_writes_after = -1;
    cr_assert_eq(fs_mount(&fs, &dev.dev, NULL), 0);
    assert_text("/before", "durable");
}
