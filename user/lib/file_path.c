/* POSIX calls on paths over the file protocol: stat, unlink, rename, mkdir, rmdir, access, sync,
 * the working directory (getcwd, chdir) and directory streams (opendir, readdir, closedir).
 * Relative paths are resolved here against the working directory, so the server sees only
 * absolute, normalised paths. */
#define _DEFAULT_SOURCE  /* POSIX and BSD declarations (O_DIRECTORY, sync, strnlen) under -std=c11 \
                          */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <xpc/fileclient.h>
#include <xpc/transport.h>
#include "file_internal.h"

static char cwd[FILE_PATH_MAX] = "/";

/* Appends path's components to out (which holds an absolute path), folding "." and "..". */
static int64_t append_components(char *out, const char *path)
{
    size_t len = strlen(out);
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *end = p;
        while (*end && *end != '/')
            end++;
        size_t n = (size_t)(end - p);
        if (n > FILE_NAME_MAX)
            return -ENAMETOOLONG;
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 1 && out[len - 1] != '/')
                len--;
            if (len > 1)
                len--;
            out[len] = 0;
        } else {
            if (len + (len > 1) + n >= FILE_PATH_MAX)
                return -ENAMETOOLONG;
            if (len > 1)
                out[len++] = '/';
            memcpy(out + len, p, n);
            len += n;
            out[len] = 0;
        }
        p = end;
    }
    return (int64_t)len;
}

/* Whether the string at p is readable up to its NUL or FILE_PATH_MAX bytes, a page at a time
 * (a path in the kernel or in unmapped memory gets EFAULT, not a fault). */
static int64_t path_readable(const char *p)
{
    const uintptr_t page = 4096;
    uintptr_t at = (uintptr_t)p, end = at + FILE_PATH_MAX;
    while (at < end) {
        uintptr_t stop = (at | (page - 1)) + 1;
        if (stop > end)
            stop = end;
        if (tp_check_buffer((const void *)at, stop - at, 0) < 0)
            return -EFAULT;
        if (memchr((const void *)at, 0, stop - at))
            return 0;
        at = stop;
    }
    return 0;
}

static int64_t resolve(const char *path, char out[FILE_PATH_MAX])
{
    if (!path)
        return -EFAULT;
    int64_t e = path_readable(path);
    if (e < 0)
        return e;
    if (!*path)
        return -ENOENT;
    if (strnlen(path, FILE_PATH_MAX) >= FILE_PATH_MAX)
        return -ENAMETOOLONG;
    if (path[0] == '/')
        strcpy(out, "/");
    else
        strcpy(out, cwd);
    return append_components(out, path);
}

int64_t file_path_request(struct file_msg *m, const char *path)
{
    char abs[FILE_PATH_MAX];
    int64_t n = resolve(path, abs);
    if (n < 0)
        return n;
    char *buf = file_buffer();
    if (!buf)
        return -ENOSYS;
    memcpy(buf, abs, (size_t)n + 1);
    m->len = (uint64_t)n + 1;
    return 0;
}

static int path_call(enum file_op op, const char *path, uint64_t mode)
{
    struct file_msg m = {.op = op, .arg = {0, mode}};
    int64_t r = file_path_request(&m, path);
    if (r >= 0)
        r = file_call(&m);
    return r < 0 ? file_fail(r) : 0;
}

int unlink(const char *path)
{
    return path_call(FILE_UNLINK, path, 0);
}

int rmdir(const char *path)
{
    return path_call(FILE_RMDIR, path, 0);
}

int mkdir(const char *path, mode_t mode)
{
    return path_call(FILE_MKDIR, path, (uint64_t)mode);
}

int rename(const char *from, const char *to)
{
    char a[FILE_PATH_MAX], b[FILE_PATH_MAX];
    int64_t na = resolve(from, a), nb = resolve(to, b);
    if (na < 0 || nb < 0)
        return file_fail(na < 0 ? na : nb);
    char *buf = file_buffer();
    if (!buf)
        return file_fail(-ENOSYS);
    memcpy(buf, a, (size_t)na + 1);
    memcpy(buf + na + 1, b, (size_t)nb + 1);
    struct file_msg m = {
        .op = FILE_RENAME, .arg = {(uint64_t)na + 1}, .len = (uint64_t)(na + nb + 2)};
    int64_t r = file_call(&m);
    return r < 0 ? file_fail(r) : 0;
}

static int64_t stat_path(const char *path, struct file_stat *out)
{
    struct file_msg m = {.op = FILE_STAT};
    int64_t r = file_path_request(&m, path);
    if (r >= 0)
        r = file_call(&m);
    if (r >= 0 && m.len != sizeof(*out))
        r = -EIO;
    if (r >= 0)
        memcpy(out, file_buffer(), sizeof(*out));
    return r;
}

int stat(const char *path, struct stat *st)
{
    struct file_stat fs;
    int64_t r = stat_path(path, &fs);
    if (r < 0)
        return file_fail(r);
    file_stat_to_posix(&fs, st);
    return 0;
}

/* No symbolic links: every path names the file itself. */
int lstat(const char *path, struct stat *st)
{
    return stat(path, st);
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t size)
{
    (void)buf;
    (void)size;
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    return file_fail(-EINVAL); /* exists, and is not a link */
}

int symlink(const char *target, const char *path)
{
    (void)target;
    (void)path;
    return file_fail(-EPERM); /* the file system has no links of that kind */
}

/* No permissions are stored: changing them succeeds on a file that exists and changes nothing. */
int chmod(const char *path, mode_t mode)
{
    (void)mode;
    struct stat st;
    return stat(path, &st);
}

/* The protocol sets a file's times only by changing it. */
int utimes(const char *path, const struct timeval times[2])
{
    (void)times;
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    return file_fail(-ENOSYS);
}

/* No users or permissions: a file that exists may be used every way. */
int access(const char *path, int mode)
{
    struct file_stat fs;
    int64_t r = stat_path(path, &fs);
    if (r < 0)
        return file_fail(r);
    if (mode & ~(R_OK | W_OK | X_OK))
        return file_fail(-EINVAL);
    return 0;
}

void sync(void)
{
    struct file_msg m = {.op = FILE_SYNC};
    file_call(&m);
}

int file_statfs(struct file_statfs *out)
{
    struct file_msg m = {.op = FILE_STATFS};
    int64_t r = file_call(&m);
    if (r >= 0 && m.len != sizeof(*out))
        r = -EIO;
    if (r < 0)
        return file_fail(r);
    memcpy(out, file_buffer(), sizeof(*out));
    return 0;
}

char *getcwd(char *buf, size_t size)
{
    size_t n = strlen(cwd) + 1;
    if (!buf || size == 0) {
        errno = EINVAL;
        return NULL;
    }
    if (size < n) {
        errno = ERANGE;
        return NULL;
    }
    memcpy(buf, cwd, n);
    return buf;
}

int chdir(const char *path)
{
    char abs[FILE_PATH_MAX];
    int64_t r = resolve(path, abs);
    struct file_stat fs;
    if (r >= 0)
        r = stat_path(abs, &fs);
    if (r >= 0 && (fs.mode & FILE_TYPE_MASK) != FILE_TYPE_DIR)
        r = -ENOTDIR;
    if (r < 0)
        return file_fail(r);
    strcpy(cwd, abs);
    return 0;
}

DIR *opendir(const char *path)
{
    int fd = file_open_handle(path, FILE_O_RDONLY | FILE_O_DIRECTORY, 0);
    if (fd < 0)
        return NULL;
    DIR *d = calloc(1, sizeof(*d));
    if (!d) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    d->fd = fd;
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (!d) {
        errno = EBADF;
        return NULL;
    }
    struct file_dirent e;
    uint64_t next;
    int64_t r = file_readdir_call(d->fd, d->cookie, &e, &next);
    if (r <= 0) {
        if (r < 0)
            errno = (int)-r;
        return NULL;
    }
    d->cookie = next;
    d->entry.d_ino = (ino_t)e.ino;
    d->entry.d_type = (e.type & FILE_TYPE_MASK) == FILE_TYPE_DIR   ? DT_DIR
                      : (e.type & FILE_TYPE_MASK) == FILE_TYPE_REG ? DT_REG
                                                                   : DT_UNKNOWN;
    size_t n = e.name_len < sizeof(d->entry.d_name) - 1 ? e.name_len : sizeof(d->entry.d_name) - 1;
    memcpy(d->entry.d_name, e.name, n);
    d->entry.d_name[n] = 0;
    return &d->entry;
}

void rewinddir(DIR *d)
{
    if (d)
        d->cookie = 0;
}

int closedir(DIR *d)
{
    if (!d)
        return file_fail(-EBADF);
    int r = close(d->fd);
    free(d);
    return r;
}
