/* POSIX file descriptors over the file protocol: open, close, read, write, pread, pwrite, lseek,
 * fstat, ftruncate, fsync, fdatasync. Descriptors 0-2 are the console; 3 and up name files the
 * server holds open for this process. picolibc's stdio (fopen, fprintf, fgets, ...) runs on
 * these symbols. */
#define _DEFAULT_SOURCE  /* POSIX and BSD declarations (O_DIRECTORY, sync, strnlen) under -std=c11 \
                          */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xpc/fileclient.h>
#include <xpc/transport.h>
#include <xpc/usys.h>
#include "file_internal.h"

#define FIRST_FILE_FD 3
#define FD_COUNT      (FIRST_FILE_FD + FILE_OPEN_MAX)

/* fh + 1, so that 0 is a free slot. */
static int64_t fd_handle[FD_COUNT];

int file_fail(int64_t status)
{
    errno = (int)-status;
    return -1;
}

static int64_t handle_of(int fd)
{
    if (fd < FIRST_FILE_FD || fd >= FD_COUNT || !fd_handle[fd])
        return -EBADF;
    return fd_handle[fd] - 1;
}

static unsigned open_flags(int flags)
{
    unsigned f = (unsigned)(flags & O_ACCMODE);
    if (flags & O_CREAT)
        f |= FILE_O_CREAT;
    if (flags & O_EXCL)
        f |= FILE_O_EXCL;
    if (flags & O_TRUNC)
        f |= FILE_O_TRUNC;
    if (flags & O_APPEND)
        f |= FILE_O_APPEND;
    if (flags & O_DIRECTORY)
        f |= FILE_O_DIRECTORY;
    return f;
}

int file_open_handle(const char *path, unsigned flags, unsigned mode)
{
    int fd = FIRST_FILE_FD;
    while (fd < FD_COUNT && fd_handle[fd])
        fd++;
    if (fd == FD_COUNT)
        return file_fail(-EMFILE);
    struct file_msg m = {.op = FILE_OPEN, .arg = {flags, mode}};
    int64_t r = file_path_request(&m, path);
    if (r >= 0)
        r = file_call(&m);
    if (r < 0)
        return file_fail(r);
    fd_handle[fd] = r + 1;
    return fd;
}

int open(const char *path, int flags, ...)
{
    unsigned mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = (unsigned)va_arg(ap, int);
        va_end(ap);
    }
    return file_open_handle(path, open_flags(flags), mode);
}

int close(int fd)
{
    if (fd >= 0 && fd < FIRST_FILE_FD)
        return 0;
    int64_t fh = handle_of(fd);
    if (fh < 0)
        return file_fail(fh);
    fd_handle[fd] = 0; /* gone whatever the server says, as POSIX has it */
    struct file_msg m = {.op = FILE_CLOSE, .arg = {(uint64_t)fh}};
    int64_t r = file_call(&m);
    return r < 0 ? file_fail(r) : 0;
}

/* One read-like call of at most FILE_DATA_MAX bytes. */
static int64_t read_chunk(int64_t fh, void *buf, size_t n, int64_t offset, int positioned)
{
    struct file_msg m = {.op = positioned ? FILE_PREAD : FILE_READ,
                         .arg = {(uint64_t)fh, n, (uint64_t)offset}};
    int64_t r = file_call(&m);
    if (r < 0)
        return r;
    if ((uint64_t)r > n || m.len < (uint64_t)r)
        return -EIO; /* the server answered more than was asked: trust none of it */
    memcpy(buf, file_buffer(), (size_t)r);
    return r;
}

static int64_t write_chunk(int64_t fh, const void *buf, size_t n, int64_t offset, int positioned)
{
    memcpy(file_buffer(), buf, n);
    struct file_msg m = {.op = positioned ? FILE_PWRITE : FILE_WRITE,
                         .arg = {(uint64_t)fh, n, (uint64_t)offset},
                         .len = n};
    int64_t r = file_call(&m);
    if (r >= 0 && (uint64_t)r > n)
        return -EIO;
    return r;
}

static ssize_t transfer(int fd, void *buf, size_t n, int64_t offset, int positioned, int writing)
{
    int64_t fh = handle_of(fd);
    if (fh < 0)
        return file_fail(fh);
    if (positioned && offset < 0)
        return file_fail(-EINVAL);
    /* A buffer in the kernel or in memory this process does not have is refused before any
     * byte moves, as a system call would refuse it. */
    if (n && tp_check_buffer(buf, n, !writing) < 0)
        return file_fail(-EFAULT);
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done < FILE_DATA_MAX ? n - done : FILE_DATA_MAX;
        int64_t r =
            writing ? write_chunk(fh, (const char *)buf + done, chunk, offset + (int64_t)done,
                                  positioned)
                    : read_chunk(fh, (char *)buf + done, chunk, offset + (int64_t)done, positioned);
        if (r < 0)
            return done ? (ssize_t)done : file_fail(r);
        done += (size_t)r;
        if ((size_t)r < chunk)
            break; /* end of file, or the disk is full */
    }
    return (ssize_t)done;
}

ssize_t read(int fd, void *buf, size_t n)
{
    if (fd == 0) {
        int64_t r = n ? sys_debug_read(buf, n, 1) : 0;
        return r < 0 ? file_fail(-EIO) : (ssize_t)r;
    }
    if (fd == 1 || fd == 2)
        return file_fail(-EBADF);
    return transfer(fd, buf, n, 0, 0, 0);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    if (fd == 1 || fd == 2) {
        sys_debug_write(buf, n);
        return (ssize_t)n;
    }
    if (fd == 0)
        return file_fail(-EBADF);
    return transfer(fd, (void *)buf, n, 0, 0, 1);
}

ssize_t pread(int fd, void *buf, size_t n, off_t offset)
{
    return transfer(fd, buf, n, offset, 1, 0);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset)
{
    return transfer(fd, (void *)buf, n, offset, 1, 1);
}

off_t lseek(int fd, off_t offset, int whence)
{
    if (fd >= 0 && fd < FIRST_FILE_FD)
        return file_fail(-ESPIPE);
    int64_t fh = handle_of(fd);
    if (fh < 0)
        return file_fail(fh);
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
        return file_fail(-EINVAL);
    struct file_msg m = {.op = FILE_LSEEK,
                         .arg = {(uint64_t)fh, (uint64_t)offset, (uint64_t)whence}};
    int64_t r = file_call(&m);
    return r < 0 ? file_fail(r) : (off_t)r;
}

static int simple_fd_call(int fd, enum file_op op, uint64_t arg1)
{
    int64_t fh = handle_of(fd);
    if (fh < 0)
        return file_fail(fh);
    struct file_msg m = {.op = op, .arg = {(uint64_t)fh, arg1}};
    int64_t r = file_call(&m);
    return r < 0 ? file_fail(r) : 0;
}

int ftruncate(int fd, off_t length)
{
    if (length < 0)
        return file_fail(-EINVAL);
    return simple_fd_call(fd, FILE_FTRUNCATE, (uint64_t)length);
}

int fsync(int fd)
{
    return simple_fd_call(fd, FILE_FSYNC, 0);
}

int fdatasync(int fd)
{
    return simple_fd_call(fd, FILE_FDATASYNC, 0);
}

void file_stat_to_posix(const struct file_stat *in, struct stat *out)
{
    memset(out, 0, sizeof(*out));
    out->st_ino = (ino_t)in->ino;
    out->st_mode = (mode_t)in->mode;
    out->st_nlink = (nlink_t)in->nlink;
    out->st_size = (off_t)in->size;
    out->st_blocks = (blkcnt_t)in->blocks;
    out->st_blksize = 4096;
    out->st_mtim.tv_sec = (time_t)(in->mtime_ns / 1000000000u);
    out->st_mtim.tv_nsec = (long)(in->mtime_ns % 1000000000u);
    out->st_atim = out->st_ctim = out->st_mtim;
}

int fstat(int fd, struct stat *st)
{
    if (fd >= 0 && fd < FIRST_FILE_FD) {
        memset(st, 0, sizeof(*st));
        st->st_mode = S_IFCHR | 0600;
        return 0;
    }
    int64_t fh = handle_of(fd);
    if (fh < 0)
        return file_fail(fh);
    struct file_msg m = {.op = FILE_FSTAT, .arg = {(uint64_t)fh}};
    int64_t r = file_call(&m);
    if (r < 0)
        return file_fail(r);
    if (m.len != sizeof(struct file_stat))
        return file_fail(-EIO);
    struct file_stat fs;
    memcpy(&fs, file_buffer(), sizeof(fs));
    file_stat_to_posix(&fs, st);
    return 0;
}

int isatty(int fd)
{
    if (fd >= 0 && fd < FIRST_FILE_FD)
        return 1;
    errno = handle_of(fd) < 0 ? EBADF : ENOTTY;
    return 0;
}

int64_t file_readdir_call(int fd, uint64_t cookie, struct file_dirent *out, uint64_t *next)
{
    int64_t fh = handle_of(fd);
    if (fh < 0)
        return fh;
    struct file_msg m = {.op = FILE_READDIR, .arg = {(uint64_t)fh, cookie}};
    int64_t r = file_call(&m);
    if (r <= 0)
        return r;
    if (m.len < offsetof(struct file_dirent, name) || m.len > sizeof(*out))
        return -EIO;
    memset(out, 0, sizeof(*out));
    memcpy(out, file_buffer(), m.len);
    if (out->name_len > FILE_NAME_MAX)
        return -EIO;
    *next = m.arg[0];
    return 1;
}
