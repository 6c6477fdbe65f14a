/* xpcfs: put files into an xpcfs image and take them out, as mtools does for FAT. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image.h"

#define CHUNK (256u * 1024)

static void usage(FILE *out)
{
    fprintf(out,
            "usage: xpcfs IMAGE COMMAND [ARGS]\n"
            "Work with the files of the xpcfs file system in IMAGE (see xpcfs-mkfs).\n"
            "Paths in the image are absolute (/dir/file).\n"
            "  ls [-l] [PATH]        list a directory (default /); -l: type, size, links\n"
            "  cat PATH              write a file of the image to standard output\n"
            "  cp SRC DST            copy; the image side is written :/path, e.g.\n"
            "                        cp notes.txt :/doc/notes.txt   cp :/doc/notes.txt out.txt\n"
            "  put HOSTFILE PATH     the same as cp HOSTFILE :PATH\n"
            "  get PATH HOSTFILE     the same as cp :PATH HOSTFILE (HOSTFILE - : stdout)\n"
            "  mkdir [-p] PATH       make a directory (-p: and missing parents)\n"
            "  rm PATH               remove a file\n"
            "  rmdir PATH            remove an empty directory\n"
            "  mv FROM TO            rename (atomic; replaces TO)\n"
            "  stat PATH             inode, type, size, links, blocks\n"
            "  df                    blocks and inodes in use and free\n"
            "Exit status: 0 success, 1 the command failed, 2 usage error.\n");
}

/* mtime in the image: seconds since 1970, as the guest's clock will give them. */
static uint64_t host_clock(void *ctx)
{
    (void)ctx;
    return (uint64_t)time(NULL);
}

static int fail(const char *what, int err)
{
    fprintf(stderr, "xpcfs: %s: %s\n", what, fs_strerror(err));
    return 1;
}

static int cmd_ls(struct fs *fs, int argc, char **argv)
{
    int longfmt = argc > 0 && !strcmp(argv[0], "-l");
    const char *path = argc > longfmt ? argv[longfmt] : "/";
    struct fs_stat st;
    int rc = fs_stat(fs, path, &st);
    if (rc < 0)
        return fail(path, rc);
    if ((st.mode & FS_S_IFMT) != FS_S_IFDIR) {
        printf("%s\n", path);
        return 0;
    }
    int h = fs_open(fs, path, FS_O_RDONLY | FS_O_DIRECTORY, 0);
    if (h < 0)
        return fail(path, h);
    uint64_t cookie = 0;
    struct fs_dirent e;
    while ((rc = fs_readdir(fs, h, &cookie, &e)) == 1) {
        if (!strcmp(e.name, ".") || !strcmp(e.name, ".."))
            continue;
        if (!longfmt) {
            printf("%s%s\n", e.name, e.type == FS_DT_DIR ? "/" : "");
            continue;
        }
        char full[FS_PATH_MAX + 2];
        snprintf(full, sizeof(full), "%s/%s", strcmp(path, "/") ? path : "", e.name);
        if ((rc = fs_stat(fs, full, &st)) < 0)
            break;
        printf("%c%04o %3u %10llu  %s\n", e.type == FS_DT_DIR ? 'd' : '-', st.mode & 07777,
               st.nlink, (unsigned long long)st.size, e.name);
    }
    fs_close(fs, h);
    return rc < 0 ? fail(path, rc) : 0;
}

static int put(struct fs *fs, const char *host, const char *path)
{
    int in = strcmp(host, "-") ? open(host, O_RDONLY) : 0;
    if (in < 0) {
        fprintf(stderr, "xpcfs: %s: %s\n", host, strerror(errno));
        return 1;
    }
    int h = fs_open(fs, path, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC, 0644);
    if (h < 0) {
        if (in)
            close(in);
        return fail(path, h);
    }
    char *buf = malloc(CHUNK);
    uint64_t off = 0;
    int rc = buf ? 0 : -ENOMEM;
    ssize_t n;
    while (rc == 0 && (n = read(in, buf, CHUNK)) > 0) {
        int64_t w = fs_write(fs, h, buf, (uint64_t)n, off);
        if (w < 0)
            rc = (int)w;
        else if (w < n)
            rc = -ENOSPC;
        off += (uint64_t)n;
    }
    free(buf);
    if (in)
        close(in);
    int crc = fs_close(fs, h);
    return rc < 0 || crc < 0 ? fail(path, rc < 0 ? rc : crc) : 0;
}

static int get(struct fs *fs, const char *path, const char *host)
{
    int h = fs_open(fs, path, FS_O_RDONLY, 0);
    if (h < 0)
        return fail(path, h);
    struct fs_stat st;
    int rc = fs_fstat(fs, h, &st);
    if (rc == 0 && (st.mode & FS_S_IFMT) == FS_S_IFDIR)
        rc = -EISDIR;
    if (rc < 0) {
        fs_close(fs, h);
        return fail(path, rc);
    }
    int out = strcmp(host, "-") ? open(host, O_WRONLY | O_CREAT | O_TRUNC, 0644) : 1;
    if (out < 0) {
        fprintf(stderr, "xpcfs: %s: %s\n", host, strerror(errno));
        fs_close(fs, h);
        return 1;
    }
    char *buf = malloc(CHUNK);
    uint64_t off = 0;
    int64_t n = buf ? 0 : -ENOMEM;
    while (buf && (n = fs_read(fs, h, buf, CHUNK, off)) > 0) {
        if (write(out, buf, (size_t)n) != n) {
            fprintf(stderr, "xpcfs: %s: %s\n", host, strerror(errno));
            n = -EIO;
            break;
        }
        off += (uint64_t)n;
    }
    free(buf);
    if (out != 1)
        close(out);
    fs_close(fs, h);
    return n < 0 ? fail(path, (int)n) : 0;
}

static int mkdir_p(struct fs *fs, const char *path, int parents)
{
    if (!parents) {
        int rc = fs_mkdir(fs, path, 0755);
        return rc < 0 ? fail(path, rc) : 0;
    }
    char buf[FS_PATH_MAX + 1];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char save = *p;
            *p = '\0';
            int rc = fs_mkdir(fs, buf, 0755);
            if (rc < 0 && rc != -EEXIST)
                return fail(buf, rc);
            *p = save;
            if (!save)
                return 0;
        }
    }
}

static int run(struct fs *fs, const char *cmd, int argc, char **argv)
{
#define NEED(n)                                                                                    \
    if (argc != (n)) {                                                                             \
        fprintf(stderr, "xpcfs: %s takes %d argument%s (try --help)\n", cmd, n,                    \
                n == 1 ? "" : "s");                                                                \
        return 2;                                                                                  \
    }
    int rc;
    struct fs_stat st;
    if (!strcmp(cmd, "ls"))
        return cmd_ls(fs, argc, argv);
    if (!strcmp(cmd, "cat")) {
        NEED(1);
        return get(fs, argv[0], "-");
    }
    if (!strcmp(cmd, "put")) {
        NEED(2);
        return put(fs, argv[0], argv[1]);
    }
    if (!strcmp(cmd, "get")) {
        NEED(2);
        return get(fs, argv[0], argv[1]);
    }
    if (!strcmp(cmd, "cp")) {
        NEED(2);
        if (argv[0][0] == ':' && argv[1][0] != ':')
            return get(fs, argv[0] + 1, argv[1]);
        if (argv[1][0] == ':' && argv[0][0] != ':')
            return put(fs, argv[0], argv[1] + 1);
        fprintf(stderr, "xpcfs: cp: exactly one side must be in the image (:/path)\n");
        return 2;
    }
    if (!strcmp(cmd, "mkdir")) {
        int parents = argc == 2 && !strcmp(argv[0], "-p");
        NEED(1 + parents);
        return mkdir_p(fs, argv[parents], parents);
    }
    if (!strcmp(cmd, "rm")) {
        NEED(1);
        rc = fs_unlink(fs, argv[0]);
        return rc < 0 ? fail(argv[0], rc) : 0;
    }
    if (!strcmp(cmd, "rmdir")) {
        NEED(1);
        rc = fs_rmdir(fs, argv[0]);
        return rc < 0 ? fail(argv[0], rc) : 0;
    }
    if (!strcmp(cmd, "mv")) {
        NEED(2);
        rc = fs_rename(fs, argv[0], argv[1]);
        return rc < 0 ? fail(argv[0], rc) : 0;
    }
    if (!strcmp(cmd, "stat")) {
        NEED(1);
        if ((rc = fs_stat(fs, argv[0], &st)) < 0)
            return fail(argv[0], rc);
        printf("%s: inode %u, %s, mode %04o, size %llu, links %u, blocks %llu, mtime %llu\n",
               argv[0], st.ino, (st.mode & FS_S_IFMT) == FS_S_IFDIR ? "directory" : "file",
               st.mode & 07777, (unsigned long long)st.size, st.nlink,
               (unsigned long long)st.blocks, (unsigned long long)st.mtime);
        return 0;
    }
    if (!strcmp(cmd, "df")) {
        NEED(0);
        struct fs_statfs sf;
        fs_statfs(fs, &sf);
        printf("blocks of 4 KiB: %llu total, %llu for data, %llu free (%llu KiB)\n"
               "inodes: %llu total, %llu free\n",
               (unsigned long long)sf.blocks, (unsigned long long)sf.data_blocks,
               (unsigned long long)sf.free_blocks, (unsigned long long)sf.free_blocks * 4,
               (unsigned long long)sf.inodes, (unsigned long long)sf.free_inodes);
        return 0;
    }
    fprintf(stderr, "xpcfs: unknown command '%s' (try --help)\n", cmd);
    return 2;
#undef NEED
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc < 3) {
        usage(stderr);
        return 2;
    }
    struct image img;
    if (!image_open(&img, argv[1], false))
        return 1;
    struct fs *fs;
    struct fs_mount_options mo = {
        .report = image_report, .report_ctx = "xpcfs", .clock = host_clock};
    int rc = fs_mount(&fs, &img.dev, &mo);
    if (rc < 0) {
        fprintf(stderr, "xpcfs: %s: cannot mount: %s\n", argv[1], fs_strerror(rc));
        image_close(&img);
        return 1;
    }
    int status = run(fs, argv[2], argc - 3, argv + 3);
    rc = fs_unmount(fs);
    image_close(&img);
    if (rc < 0 && status == 0)
        status = fail(argv[1], rc);
    return status;
}
