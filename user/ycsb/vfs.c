/* A small SQLite VFS on the project's POSIX file calls (user/lib/file_*.c, over the file
 * system server), used while SQLite is built for ycsb alone (user/ycsb/sqlite.mk); the shared
 * guest SQLite library (user/sqlite/) replaces it.
 *
 * Locking is a no-op: one process owns the database (ycsb), which is the only case this VFS
 * is for. Temporary files live in memory (SQLITE_TEMP_STORE=3). An error of the file server
 * (EIO when it died) becomes SQLite's SQLITE_IOERR_* for the call, so SQLite leaves a hot
 * journal behind and rolls it back at the next open. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ycsb_file {
    sqlite3_file base;
    int fd;
    int delete_on_close;
    char path[256];
};

static int file_close(sqlite3_file *f)
{
    struct ycsb_file *p = (struct ycsb_file *)f;
    int rc = close(p->fd) == 0 ? SQLITE_OK : SQLITE_IOERR_CLOSE;
    if (p->delete_on_close)
        unlink(p->path);
    return rc;
}

static int file_read(sqlite3_file *f, void *buf, int amount, sqlite3_int64 offset)
{
    struct ycsb_file *p = (struct ycsb_file *)f;
    int got = 0;
    while (got < amount) {
        ssize_t n = pread(p->fd, (char *)buf + got, (size_t)(amount - got), (off_t)offset + got);
        if (n < 0)
            return SQLITE_IOERR_READ;
        if (n == 0)
            break;
        got += (int)n;
    }
    if (got < amount) {
        memset((char *)buf + got, 0, (size_t)(amount - got)); /* SQLite requires the zeros */
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

static int file_write(sqlite3_file *f, const void *buf, int amount, sqlite3_int64 offset)
{
    struct ycsb_file *p = (struct ycsb_file *)f;
    int done = 0;
    while (done < amount) {
        ssize_t n =
            pwrite(p->fd, (const char *)buf + done, (size_t)(amount - done), (off_t)offset + done);
        if (n <= 0)
            return errno == ENOSPC ? SQLITE_FULL : SQLITE_IOERR_WRITE;
        done += (int)n;
    }
    return SQLITE_OK;
}

static int file_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return ftruncate(((struct ycsb_file *)f)->fd, (off_t)size) == 0 ? SQLITE_OK
                                                                    : SQLITE_IOERR_TRUNCATE;
}

static int file_sync(sqlite3_file *f, int flags)
{
    (void)flags;
    return fsync(((struct ycsb_file *)f)->fd) == 0 ? SQLITE_OK : SQLITE_IOERR_FSYNC;
}

static int file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    struct stat st;
    if (fstat(((struct ycsb_file *)f)->fd, &st) != 0)
        return SQLITE_IOERR_FSTAT;
    *size = st.st_size;
    return SQLITE_OK;
}

static int file_lock(sqlite3_file *f, int level)
{
    (void)f;
    (void)level;
    return SQLITE_OK;
}

static int file_reserved(sqlite3_file *f, int *out)
{
    (void)f;
    *out = 0;
    return SQLITE_OK;
}

static int file_control(sqlite3_file *f, int op, void *arg)
{
    (void)f;
    (void)op;
    (void)arg;
    return SQLITE_NOTFOUND;
}

/* The file system's block: a write of one block is atomic there (docs/storage.md). */
static int file_sector_size(sqlite3_file *f)
{
    (void)f;
    return 4096;
}

static int file_characteristics(sqlite3_file *f)
{
    (void)f;
    return 0;
}

static const sqlite3_io_methods io_methods = {
    .iVersion = 1,
    .xClose = file_close,
    .xRead = file_read,
    .xWrite = file_write,
    .xTruncate = file_truncate,
    .xSync = file_sync,
    .xFileSize = file_size,
    .xLock = file_lock,
    .xUnlock = file_lock,
    .xCheckReservedLock = file_reserved,
    .xFileControl = file_control,
    .xSectorSize = file_sector_size,
    .xDeviceCharacteristics = file_characteristics,
};

static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    struct ycsb_file *p = (struct ycsb_file *)f;
    static unsigned temp_counter;
    memset(p, 0, sizeof(*p));
    if (name)
        snprintf(p->path, sizeof(p->path), "%s", name);
    else
        snprintf(p->path, sizeof(p->path), "/.sqlite-temp-%u", temp_counter++);
    int oflags = (flags & SQLITE_OPEN_READWRITE) ? O_RDWR : O_RDONLY;
    if (flags & SQLITE_OPEN_CREATE)
        oflags |= O_CREAT;
    if (flags & SQLITE_OPEN_EXCLUSIVE)
        oflags |= O_EXCL;
    p->fd = open(p->path, oflags, 0644);
    if (p->fd < 0)
        return SQLITE_CANTOPEN;
    p->delete_on_close = (flags & SQLITE_OPEN_DELETEONCLOSE) != 0 || !name;
    p->base.pMethods = &io_methods;
    if (out_flags)
        *out_flags = flags;
    return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    if (unlink(name) != 0)
        return errno == ENOENT ? SQLITE_IOERR_DELETE_NOENT : SQLITE_IOERR_DELETE;
    /* The journal's deletion is the commit point in DELETE mode: with synchronous=EXTRA SQLite
     * asks for it to be durable, and the file system makes everything durable at once. */
    if (sync_dir)
        sync();
    return SQLITE_OK;
}

/* As SQLite's unix VFS: an empty regular file does not count as existing (a journal of size 0
 * is no hot journal). */
static int vfs_access(sqlite3_vfs *vfs, const char *name, int what, int *out)
{
    (void)vfs;
    (void)what;
    struct stat st;
    if (stat(name, &st) != 0) {
        *out = 0;
        return errno == ENOENT ? SQLITE_OK : SQLITE_IOERR_ACCESS;
    }
    *out = !S_ISREG(st.st_mode) || st.st_size > 0;
    return SQLITE_OK;
}

static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    snprintf(out, (size_t)n, "%s%s", name[0] == '/' ? "" : "/", name);
    return SQLITE_OK;
}

static int vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    static uint64_t x = 0x2545f4914f6cdd1dULL; /* deterministic, as the machine is */
    for (int i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        out[i] = (char)x;
    }
    return n;
}

static int vfs_sleep(sqlite3_vfs *vfs, int microseconds)
{
    (void)vfs;
    return microseconds; /* nothing to wait for: no other process holds a lock */
}

static int vfs_current_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    *out = 2440587.5 + (double)time(NULL) / 86400.0; /* the Julian day of the Unix epoch + now */
    return SQLITE_OK;
}

static int vfs_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    (void)n;
    (void)out;
    return errno;
}

static sqlite3_vfs ycsb_vfs = {
    .iVersion = 1,
    .szOsFile = sizeof(struct ycsb_file),
    .mxPathname = 255,
    .zName = "xpcfs",
    .xOpen = vfs_open,
    .xDelete = vfs_delete,
    .xAccess = vfs_access,
    .xFullPathname = vfs_full_pathname,
    .xRandomness = vfs_randomness,
    .xSleep = vfs_sleep,
    .xCurrentTime = vfs_current_time,
    .xGetLastError = vfs_last_error,
};

/* SQLITE_OS_OTHER: SQLite calls these at sqlite3_initialize / sqlite3_shutdown. */
int sqlite3_os_init(void)
{
    return sqlite3_vfs_register(&ycsb_vfs, 1);
}

int sqlite3_os_end(void)
{
    return SQLITE_OK;
}
