/* The "xpc" VFS: SQLite's operating-system interface over the user library's POSIX file calls
 * (user/lib/file_*.c, which speak the file protocol to the file system server). Built with
 * SQLITE_OS_OTHER=1, so this file supplies sqlite3_os_init. See docs/sqlite.md for why this VFS
 * and not SQLite's unix one, and for what the locking below promises. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <xpc/fileproto.h>
#include "sqlite3.h"
#include "shm.h"

struct xpc_file {
    sqlite3_file base;
    int fd;
    int last_errno;
    char *delete_on_close; /* the path to unlink at close (temporary files), or NULL */
    struct shm_node *shm;  /* this file's wal-index, once mapped */
    const char *path;      /* the name SQLite passed to xOpen (it outlives the file) */
};

static int io_close(sqlite3_file *f)
{
    struct xpc_file *p = (struct xpc_file *)f;
    shm_unmap(&p->shm, 0);
    int rc = close(p->fd) < 0 ? SQLITE_IOERR_CLOSE : SQLITE_OK;
    if (p->delete_on_close) {
        unlink(p->delete_on_close);
        sqlite3_free(p->delete_on_close);
    }
    return rc;
}

static int io_read(sqlite3_file *f, void *buf, int amount, sqlite3_int64 offset)
{
    struct xpc_file *p = (struct xpc_file *)f;
    ssize_t n = pread(p->fd, buf, (size_t)amount, (off_t)offset);
    if (n < 0) {
        p->last_errno = errno;
        return SQLITE_IOERR_READ;
    }
    if (n < amount) {
        /* SQLite requires the missing tail zeroed on a short read. */
        memset((char *)buf + n, 0, (size_t)(amount - n));
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

static int io_write(sqlite3_file *f, const void *buf, int amount, sqlite3_int64 offset)
{
    struct xpc_file *p = (struct xpc_file *)f;
    ssize_t n = pwrite(p->fd, buf, (size_t)amount, (off_t)offset);
    if (n == amount)
        return SQLITE_OK;
    p->last_errno = n < 0 ? errno : ENOSPC;
    return (n >= 0 || errno == ENOSPC) ? SQLITE_FULL : SQLITE_IOERR_WRITE;
}

static int io_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    struct xpc_file *p = (struct xpc_file *)f;
    if (ftruncate(p->fd, (off_t)size) < 0) {
        p->last_errno = errno;
        return SQLITE_IOERR_TRUNCATE;
    }
    return SQLITE_OK;
}

/* The server's fsync makes the file's data and metadata durable (its log commits), so neither
 * SQLITE_SYNC_DATAONLY nor a directory sync needs anything more. */
static int io_sync(sqlite3_file *f, int flags)
{
    struct xpc_file *p = (struct xpc_file *)f;
    int r = (flags & SQLITE_SYNC_DATAONLY) ? fdatasync(p->fd) : fsync(p->fd);
    if (r < 0) {
        p->last_errno = errno;
        return SQLITE_IOERR_FSYNC;
    }
    return SQLITE_OK;
}

static int io_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    struct xpc_file *p = (struct xpc_file *)f;
    struct stat st;
    if (fstat(p->fd, &st) < 0) {
        p->last_errno = errno;
        return SQLITE_IOERR_FSTAT;
    }
    *size = st.st_size;
    return SQLITE_OK;
}

/* No locks between processes: the file protocol has none. Correct only while one process owns
 * the database (docs/sqlite.md); within that process SQLite's own pager serialises connections
 * of one thread. */
static int io_lock(sqlite3_file *f, int level)
{
    (void)f;
    (void)level;
    return SQLITE_OK;
}

static int io_check_reserved(sqlite3_file *f, int *out)
{
    (void)f;
    *out = 0;
    return SQLITE_OK;
}

static int io_file_control(sqlite3_file *f, int op, void *arg)
{
    struct xpc_file *p = (struct xpc_file *)f;
    if (op == SQLITE_FCNTL_LAST_ERRNO) {
        *(int *)arg = p->last_errno;
        return SQLITE_OK;
    }
    return SQLITE_NOTFOUND;
}

/* The file system's block: a write of one block is all-or-nothing once its log commits. */
static int io_sector_size(sqlite3_file *f)
{
    (void)f;
    return 4096;
}

static int io_device_characteristics(sqlite3_file *f)
{
    (void)f;
    return 0; /* promise nothing: SQLite keeps its full journal protocol */
}

static int io_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **out)
{
    struct xpc_file *p = (struct xpc_file *)f;
    return shm_map(&p->shm, p->path, region, size, extend, out);
}

static int io_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    struct xpc_file *p = (struct xpc_file *)f;
    return shm_lock(p->shm, p, offset, n, flags);
}

static void io_shm_barrier(sqlite3_file *f)
{
    (void)f;
    __sync_synchronize();
}

static int io_shm_unmap(sqlite3_file *f, int delete_flag)
{
    struct xpc_file *p = (struct xpc_file *)f;
    shm_unmap(&p->shm, delete_flag);
    return SQLITE_OK;
}

static const sqlite3_io_methods io_methods = {
    .iVersion = 2,
    .xClose = io_close,
    .xRead = io_read,
    .xWrite = io_write,
    .xTruncate = io_truncate,
    .xSync = io_sync,
    .xFileSize = io_file_size,
    .xLock = io_lock,
    .xUnlock = io_lock,
    .xCheckReservedLock = io_check_reserved,
    .xFileControl = io_file_control,
    .xSectorSize = io_sector_size,
    .xDeviceCharacteristics = io_device_characteristics,
    .xShmMap = io_shm_map,
    .xShmLock = io_shm_lock,
    .xShmBarrier = io_shm_barrier,
    .xShmUnmap = io_shm_unmap,
};

/* Temporary files (the temp store is memory, see the Makefile, so these are rare: a VACUUM's
 * copy, a sorter that spills) get a unique name in the root directory, unlinked at close. */
static char *temp_name(void)
{
    static unsigned counter;
    return sqlite3_mprintf("/.sqlite-tmp-%u-%u", (unsigned)getpid(), ++counter);
}

static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    struct xpc_file *p = (struct xpc_file *)f;
    memset(p, 0, sizeof(*p));
    char *temp = NULL;
    if (!name) {
        temp = temp_name();
        if (!temp)
            return SQLITE_NOMEM;
        name = temp;
        flags |= SQLITE_OPEN_DELETEONCLOSE | SQLITE_OPEN_CREATE;
    }
    int oflags = (flags & SQLITE_OPEN_READWRITE) ? O_RDWR : O_RDONLY;
    if (flags & SQLITE_OPEN_CREATE)
        oflags |= O_CREAT;
    if (flags & SQLITE_OPEN_EXCLUSIVE)
        oflags |= O_EXCL;
    p->fd = open(name, oflags, 0644);
    if (p->fd < 0 && (flags & SQLITE_OPEN_READWRITE) && errno != ENOENT && errno != EEXIST) {
        /* Read-only media: SQLite falls back to a read-only connection. */
        flags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
        p->fd = open(name, O_RDONLY);
    }
    if (p->fd < 0) {
        sqlite3_free(temp);
        return SQLITE_CANTOPEN;
    }
    if (flags & SQLITE_OPEN_DELETEONCLOSE)
        p->delete_on_close = temp ? temp : sqlite3_mprintf("%s", name);
    p->path = temp ? NULL : name;
    if (out_flags)
        *out_flags = flags;
    p->base.pMethods = &io_methods;
    return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    (void)sync_dir; /* the server's unlink is in its log; the next fsync makes it durable */
    if (unlink(name) < 0)
        return errno == ENOENT ? SQLITE_IOERR_DELETE_NOENT : SQLITE_IOERR_DELETE;
    if (sync_dir)
        sync();
    return SQLITE_OK;
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    /* No permissions: a file that exists may be read and written. As in the unix VFS, an empty
     * regular file does not "exist" (a journal truncated to nothing is no hot journal). */
    struct stat st;
    *out = stat(name, &st) == 0 &&
           (flags != SQLITE_ACCESS_EXISTS || !S_ISREG(st.st_mode) || st.st_size > 0);
    return SQLITE_OK;
}

static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    if (name[0] == '/') {
        sqlite3_snprintf(n, out, "%s", name);
    } else {
        char cwd[FILE_PATH_MAX];
        if (!getcwd(cwd, sizeof(cwd)))
            return SQLITE_CANTOPEN;
        sqlite3_snprintf(n, out, "%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "", name);
    }
    return (int)strlen(out) + 1 >= n ? SQLITE_CANTOPEN : SQLITE_OK;
}

/* Randomness only seeds temporary names and the b-tree's choices; xpcsim and QEMU must give the
 * same results, so it is a fixed sequence, not the clock. */
static int vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    for (int i = 0; i < n; i++)
        out[i] = (char)(i * 131 + 17);
    return n;
}

static int vfs_sleep(sqlite3_vfs *vfs, int microseconds)
{
    (void)vfs;
    return microseconds; /* nothing to wait for: no other process holds a lock */
}

/* Julian day number in milliseconds, from the machine's clock. */
static int vfs_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    *out = 210866760000000LL + (sqlite3_int64)tv.tv_sec * 1000 + tv.tv_usec / 1000;
    return SQLITE_OK;
}

static int vfs_current_time(sqlite3_vfs *vfs, double *out)
{
    sqlite3_int64 ms;
    vfs_current_time_int64(vfs, &ms);
    *out = (double)ms / 86400000.0;
    return SQLITE_OK;
}

static int vfs_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    if (n > 0)
        sqlite3_snprintf(n, out, "%s", strerror(errno));
    return errno;
}

static sqlite3_vfs xpc_vfs = {
    .iVersion = 2,
    .szOsFile = sizeof(struct xpc_file),
    .mxPathname = FILE_PATH_MAX,
    .zName = "xpc",
    .xOpen = vfs_open,
    .xDelete = vfs_delete,
    .xAccess = vfs_access,
    .xFullPathname = vfs_full_pathname,
    .xRandomness = vfs_randomness,
    .xSleep = vfs_sleep,
    .xCurrentTime = vfs_current_time,
    .xGetLastError = vfs_last_error,
    .xCurrentTimeInt64 = vfs_current_time_int64,
};

int sqlite3_os_init(void)
{
    return sqlite3_vfs_register(&xpc_vfs, 1);
}

int sqlite3_os_end(void)
{
    return SQLITE_OK;
}
