/* fsd: the file system server. It mounts the file system core (fs/) on a block device and
 * serves the file protocol (<xpc/fileproto.h>) over the transport the boot arguments choose
 * (fs=xpc|endpoint|channel). Every request is checked here before the core sees it: paths must
 * be NUL-terminated, absolute and short enough, handles must be the caller's own, counts must
 * fit the buffer the transport delivered. */
#define _DEFAULT_SOURCE /* strnlen under -std=c11 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xpc/transport.h>
#include <xpc/usys.h>
#include "fsd.h"

static struct fs *fs;
static size_t reply_len; /* bytes of data the current reply carries */

static uint64_t clock_ns(void *ctx)
{
    (void)ctx;
    return sys_clock_ns();
}

/* A path in the request buffer at `off`: NUL-terminated within the request, absolute. */
static int64_t request_path(const struct tp_req *r, size_t off, const char **out)
{
    if (off >= r->len)
        return -EINVAL;
    const char *p = (const char *)r->buf + off;
    size_t n = strnlen(p, r->len - off);
    if (n == r->len - off)
        return n >= FILE_PATH_MAX ? -ENAMETOOLONG : -EINVAL;
    if (n >= FILE_PATH_MAX)
        return -ENAMETOOLONG;
    if (n == 0)
        return -ENOENT;
    if (p[0] != '/')
        return -EINVAL;
    *out = p;
    return 0;
}

static int core_flags(unsigned f)
{
    int o = (int)(f & FILE_O_ACCMODE);
    if (f & FILE_O_CREAT)
        o |= FS_O_CREAT;
    if (f & FILE_O_EXCL)
        o |= FS_O_EXCL;
    if (f & FILE_O_TRUNC)
        o |= FS_O_TRUNC;
    if (f & FILE_O_APPEND)
        o |= FS_O_APPEND;
    if (f & FILE_O_DIRECTORY)
        o |= FS_O_DIRECTORY;
    return o;
}

static int64_t do_open(struct client *c, struct tp_req *r)
{
    const char *path;
    int64_t e = request_path(r, 0, &path);
    if (e < 0)
        return e;
    unsigned flags = (unsigned)r->arg[0];
    if ((flags & ~FILE_O_ALL) || (flags & FILE_O_ACCMODE) == FILE_O_ACCMODE)
        return -EINVAL;
    int64_t slot = client_new_file(c);
    if (slot < 0)
        return slot;
    int fh = fs_open(fs, path, core_flags(flags), (uint32_t)r->arg[1] & 07777);
    if (fh < 0)
        return fh;
    c->files[slot] = (struct open_file){1, fh, flags, 0};
    return slot;
}

static void put_stat(struct tp_req *r, const struct fs_stat *s)
{
    struct file_stat out = {.ino = s->ino,
                            .size = s->size,
                            .blocks = s->blocks * (FS_BLOCK_SIZE / 512),
                            .mtime_ns = s->mtime,
                            .mode = s->mode,
                            .nlink = s->nlink};
    memcpy(r->buf, &out, sizeof(out));
    reply_len = sizeof(out);
}

static int64_t do_io(struct open_file *f, struct tp_req *r, int positioned, int writing)
{
    unsigned acc = f->flags & FILE_O_ACCMODE;
    if (writing ? acc == FILE_O_RDONLY : acc == FILE_O_WRONLY)
        return -EBADF;
    uint64_t offset = positioned ? r->arg[2] : f->offset;
    if ((int64_t)offset < 0)
        return -EINVAL;
    int64_t n;
    if (writing) {
        n = fs_write(fs, f->fh, r->buf, r->len, offset);
        if (n >= 0 && (f->flags & FILE_O_APPEND) && !positioned) {
            struct fs_stat st;
            if (fs_fstat(fs, f->fh, &st) == 0)
                f->offset = st.size;
            return n;
        }
    } else {
        uint64_t count = r->arg[1];
        if (count > r->cap || count > FILE_DATA_MAX)
            return -EINVAL;
        n = fs_read(fs, f->fh, r->buf, count, offset);
        reply_len = n > 0 ? (size_t)n : 0;
    }
    if (n > 0 && !positioned)
        f->offset = offset + (uint64_t)n;
    return n;
}

static int64_t do_lseek(struct open_file *f, struct tp_req *r)
{
    int64_t base;
    switch (r->arg[2]) {
    case 0: base = 0; break;
    case 1: base = (int64_t)f->offset; break;
    case 2: {
        struct fs_stat st;
        int e = fs_fstat(fs, f->fh, &st);
        if (e < 0)
            return e;
        base = (int64_t)st.size;
        break;
    }
    default: return -EINVAL;
    }
    int64_t pos = base + (int64_t)r->arg[1];
    if (pos < 0)
        return -EINVAL;
    f->offset = (uint64_t)pos;
    return pos;
}

static int64_t do_readdir(struct open_file *f, struct tp_req *r)
{
    uint64_t cookie = r->arg[1];
    struct fs_dirent ent;
    int e = fs_readdir(fs, f->fh, &cookie, &ent);
    if (e <= 0)
        return e;
    struct file_dirent out = {.ino = ent.ino,
                              .type = ent.type == FS_DT_DIR ? FILE_TYPE_DIR : FILE_TYPE_REG};
    out.name_len = (uint32_t)strnlen(ent.name, sizeof(ent.name));
    memcpy(out.name, ent.name, out.name_len);
    size_t n = offsetof(struct file_dirent, name) + out.name_len + 1;
    memcpy(r->buf, &out, n);
    reply_len = n;
    r->res[1] = cookie;
    return 1;
}

/* Operations on a handle the client holds. */
static int64_t on_file(struct client *c, struct tp_req *r)
{
    struct open_file *f = client_file(c, r->arg[0]);
    if (!f)
        return -EBADF;
    struct fs_stat st;
    int64_t e;
    switch (r->op) {
    case FILE_CLOSE:
        e = fs_close(fs, f->fh);
        f->used = 0;
        return e;
    case FILE_READ: return do_io(f, r, 0, 0);
    case FILE_WRITE: return do_io(f, r, 0, 1);
    case FILE_PREAD: return do_io(f, r, 1, 0);
    case FILE_PWRITE: return do_io(f, r, 1, 1);
    case FILE_LSEEK: return do_lseek(f, r);
    case FILE_FTRUNCATE:
        if ((f->flags & FILE_O_ACCMODE) == FILE_O_RDONLY)
            return -EBADF;
        return fs_ftruncate(fs, f->fh, r->arg[1]);
    case FILE_FSTAT:
        e = fs_fstat(fs, f->fh, &st);
        if (e == 0)
            put_stat(r, &st);
        return e;
    case FILE_FSYNC: return fs_fsync(fs, f->fh);
    case FILE_FDATASYNC: return fs_fdatasync(fs, f->fh);
    case FILE_READDIR: return do_readdir(f, r);
    default: return -ENOSYS;
    }
}

static int64_t dispatch(struct client *c, struct tp_req *r)
{
    const char *path, *to;
    int64_t e;
    switch (r->op) {
    case FILE_OPEN: return do_open(c, r);
    case FILE_STAT: {
        struct fs_stat st;
        if ((e = request_path(r, 0, &path)) < 0 || (e = fs_stat(fs, path, &st)) < 0)
            return e;
        put_stat(r, &st);
        return 0;
    }
    case FILE_UNLINK: return (e = request_path(r, 0, &path)) < 0 ? e : fs_unlink(fs, path);
    case FILE_MKDIR:
        return (e = request_path(r, 0, &path)) < 0
                   ? e
                   : fs_mkdir(fs, path, (uint32_t)r->arg[1] & 07777);
    case FILE_RMDIR: return (e = request_path(r, 0, &path)) < 0 ? e : fs_rmdir(fs, path);
    case FILE_RENAME:
        if ((e = request_path(r, 0, &path)) < 0)
            return e;
        if (r->arg[0] != strlen(path) + 1)
            return -EINVAL;
        return (e = request_path(r, r->arg[0], &to)) < 0 ? e : fs_rename(fs, path, to);
    case FILE_STATFS: {
        struct fs_statfs s;
        if ((e = fs_statfs(fs, &s)) < 0)
            return e;
        struct file_statfs out = {s.block_size, s.blocks,      s.free_blocks,
                                  s.inodes,     s.free_inodes, s.name_max};
        memcpy(r->buf, &out, sizeof(out));
        reply_len = sizeof(out);
        return 0;
    }
    case FILE_SYNC: return fs_sync(fs);
    default: return on_file(c, r);
    }
}

static int64_t handle(struct tp_req *r)
{
    int64_t status;
    reply_len = 0;
    r->res[1] = r->res[2] = r->res[3] = 0;
    struct client *c = client_find(r->client);
    if (!c)
        status = -ENFILE;
    else if (r->op == 0 || r->op >= FILE_OP_COUNT)
        status = -ENOSYS;
    else if (r->len > r->cap || r->cap < sizeof(struct file_dirent))
        status = -EINVAL;
    else
        status = dispatch(c, r);
    r->len = status < 0 || reply_len > r->cap ? 0 : reply_len;
    r->res[0] = (uint64_t)status;
    return 0;
}

static int usage(void)
{
    printf("usage: fsd [fs=xpc|endpoint|channel] [disk=server | ram=MiB]\n"
           "  The file system server: serves the file protocol over the transport named, on\n"
           "  the block server its starter hands it (disk=server) or on a RAM disk of its own\n"
           "  of ram MiB (default 8). A blank device is formatted; anything else must mount,\n"
           "  or fsd says why and exits.\n");
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t ram_mib = 8;
    int from_server = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help"))
            return usage();
        if (!strncmp(argv[i], "ram=", 4))
            ram_mib = (uint64_t)atoi(argv[i] + 4);
        if (!strcmp(argv[i], "disk=server"))
            from_server = 1;
    }
    enum tp_kind kind = tp_kind_from_args(argc, argv, "fs", TP_XPC);
    uint64_t block = 0;
    if (from_server && tp_receive_handles(&block, 1) < 1) {
        printf("fsd: disk=server, but no block server handed over\n");
        return 1;
    }
    static struct fs_blockdev dev;
    int e = blockdev_open(block, ram_mib << 20, &dev);
    if (e < 0) {
        printf("fsd: no block device: %s\n", strerror(-e));
        return 1;
    }
    struct fs_mount_options mo = {.clock = clock_ns};
    e = fs_mount(&fs, &dev, &mo);
    if (e < 0 && blockdev_blank(&dev)) {
        e = fs_format(&dev, NULL);
        if (e == 0)
            e = fs_mount(&fs, &dev, &mo);
    }
    if (e < 0) {
        printf("fsd: cannot mount: %s\n", fs_strerror(e));
        return 1;
    }
    struct tp_server_config cfg = {.handler = handle, .concurrency = 1, .buf_size = FILE_DATA_MAX};
    int64_t r = tp_serve(kind, &cfg);
    e = fs_unmount(fs);
    if (block)
        printf("fsd: unmounted (%s); block requests %lu, %lu of them in place in a relay segment\n",
               e < 0 ? fs_strerror(e) : "clean", (unsigned long)blockdev_stats.requests,
               (unsigned long)blockdev_stats.in_place);
    return r < 0;
}
