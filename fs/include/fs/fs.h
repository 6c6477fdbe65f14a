/* The XPC file system core (xpcfs): what it offers its users.
 *
 * A crash-consistent file system with a write-ahead (physical redo) log, in portable C11. The same
 * sources build for the host (mkfs, fsck, the copy tool, the tests) and for the guest (the file
 * system server). The core is single-threaded: one caller at a time per mounted instance. It keeps
 * no global state; every mounted file system is a `struct fs`, so a program can mount several.
 *
 * Storage is reached only through `struct fs_blockdev`: read, write and flush whole 4096-byte
 * blocks. Errors are negative POSIX errno values of the platform's <errno.h> (ENOENT, EEXIST, ...);
 * a corrupt image gives FS_ECORRUPT. Paths are absolute ("/a/b"), components at most FS_NAME_MAX
 * bytes, the whole path at most FS_PATH_MAX bytes; "." and ".." are resolved. The on-disk format
 * and the crash guarantees are in docs/storage.md and <fs/disk.h>.
 */
#ifndef FS_FS_H
#define FS_FS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define FS_BLOCK_SIZE 4096u
#define FS_NAME_MAX   59u   /* bytes in one path component */
#define FS_PATH_MAX   1024u /* bytes in a whole path, without its NUL */

/* Corruption detected (bad checksum, a pointer out of range): EUCLEAN where the libc has it. */
#ifdef EUCLEAN
#define FS_ECORRUPT EUCLEAN
#else
#define FS_ECORRUPT EIO
#endif

/* Storage: whole FS_BLOCK_SIZE blocks. Each callback returns 0 or a negative errno (-EIO).
 * `flush` returns only when every write that completed before it is durable. A device with
 * 512-byte sectors is addressed by its owner in groups of eight. */
struct fs_blockdev {
    void *ctx;
    uint64_t nblocks; /* the device's size in FS blocks */
    int (*read)(void *ctx, uint64_t block, uint32_t count, void *buf);
    int (*write)(void *ctx, uint64_t block, uint32_t count, const void *buf);
    int (*flush)(void *ctx);
};

/* Open flags: Linux's values, so a Linux host passes its own; other libcs map theirs. */
#define FS_O_RDONLY    0x0
#define FS_O_WRONLY    0x1
#define FS_O_RDWR      0x2
#define FS_O_ACCMODE   0x3
#define FS_O_CREAT     0x40
#define FS_O_EXCL      0x80
#define FS_O_TRUNC     0x200
#define FS_O_APPEND    0x400
#define FS_O_DIRECTORY 0x10000

/* File types, as POSIX's S_IFMT bits, in fs_stat.mode. */
#define FS_S_IFMT  0170000u
#define FS_S_IFDIR 0040000u
#define FS_S_IFREG 0100000u

struct fs_stat {
    uint32_t ino;
    uint32_t mode; /* type (FS_S_IF*) | permission bits */
    uint32_t nlink;
    uint64_t size;   /* bytes */
    uint64_t blocks; /* FS blocks allocated to the file, its index blocks included */
    uint64_t mtime;  /* the mount's clock (fs_mount_options.clock) at the last change */
    uint64_t ctime;
};

struct fs_statfs {
    uint32_t block_size;
    uint64_t blocks;      /* all blocks of the file system */
    uint64_t data_blocks; /* blocks that can hold file data and index blocks */
    uint64_t free_blocks;
    uint64_t inodes;
    uint64_t free_inodes;
    uint32_t name_max;
};

struct fs_dirent {
    uint32_t ino;
    uint8_t type; /* FS_DT_DIR or FS_DT_REG */
    char name[FS_NAME_MAX + 1];
};
#define FS_DT_REG 8 /* as POSIX's DT_REG */
#define FS_DT_DIR 4

/* A plain line of explanation (no newline): why a mount refused, what a check found. */
typedef void (*fs_report_fn)(void *ctx, const char *line);

struct fs_format_options {
    uint64_t inodes;     /* 0: one inode per 16 KiB of device */
    uint32_t log_blocks; /* 0: sized from the device; see docs/storage.md */
};

struct fs_mount_options {
    uint32_t cache_blocks; /* 0: FS_DEFAULT_CACHE_BLOCKS; the only memory the core allocates */
    uint32_t max_open;     /* 0: FS_DEFAULT_MAX_OPEN; more open handles than this give EMFILE */
    int read_only;         /* mutating calls give EROFS; a log to replay makes mount fail (EROFS) */
    /* The time stamped into mtime/ctime; NULL: a counter that advances once per change. */
    uint64_t (*clock)(void *ctx);
    void *clock_ctx;
    fs_report_fn report; /* NULL: silent; else told why a mount refuses or what it repaired */
    void *report_ctx;
};
#define FS_DEFAULT_CACHE_BLOCKS 512
#define FS_DEFAULT_MAX_OPEN     64

struct fs;

/* Make an empty file system (root directory only) on the whole device. */
int fs_format(const struct fs_blockdev *dev, const struct fs_format_options *opt);

/* Mount: check the superblock, replay a committed log, finish deleting files that were unlinked
 * while open. `opt` may be NULL. On success *out is the instance; release it with fs_unmount. */
int fs_mount(struct fs **out, const struct fs_blockdev *dev, const struct fs_mount_options *opt);
/* Commit, flush and free the instance (also on error; the error is returned). */
int fs_unmount(struct fs *fs);

/* Handles: small integers >= 0, valid until fs_close. Directories open read-only (readdir). */
int fs_open(struct fs *fs, const char *path, int flags, uint32_t mode);
int fs_close(struct fs *fs, int handle);
/* Bytes read (0 at or past the end) or a negative errno. */
int64_t fs_read(struct fs *fs, int handle, void *buf, uint64_t len, uint64_t offset);
/* Bytes written or a negative errno. With FS_O_APPEND the data goes at the end of the file and
 * `offset` is ignored (fs_fstat then gives the new end). A short count means the disk filled. */
int64_t fs_write(struct fs *fs, int handle, const void *buf, uint64_t len, uint64_t offset);
int fs_ftruncate(struct fs *fs, int handle, uint64_t size);
int fs_truncate(struct fs *fs, const char *path, uint64_t size);
int fs_fstat(struct fs *fs, int handle, struct fs_stat *st);
int fs_stat(struct fs *fs, const char *path, struct fs_stat *st);
/* The next entry at or after *cookie ("." and ".." included): 1 and *cookie advanced, 0 at the
 * end, or a negative errno. Start with *cookie = 0. */
int fs_readdir(struct fs *fs, int handle, uint64_t *cookie, struct fs_dirent *ent);

int fs_unlink(struct fs *fs, const char *path);
/* Atomic: after a crash, `to` names either its old file or the renamed one, never neither. */
int fs_rename(struct fs *fs, const char *from, const char *to);
int fs_mkdir(struct fs *fs, const char *path, uint32_t mode);
int fs_rmdir(struct fs *fs, const char *path);
int fs_statfs(struct fs *fs, struct fs_statfs *st);

/* Return only when the file's data and metadata (fsync) or its data and size (fdatasync) are
 * durable: the log is committed and the device flushed. fs_sync does the same for everything. */
int fs_fsync(struct fs *fs, int handle);
int fs_fdatasync(struct fs *fs, int handle);
int fs_sync(struct fs *fs);

/* The check (fsck) over an unmounted device, reading only. Each problem found is one plain line
 * given to `report` (no newline). The result: 0 clean, or a count of problems; negative on an
 * I/O error. A committed log is counted as a note ("log holds a committed transaction"), not a
 * problem: mounting replays it. */
struct fs_check_result {
    uint32_t problems;
    uint32_t log_pending; /* 1: a committed transaction waits in the log */
    uint64_t files, directories, used_blocks;
};
int fs_check(const struct fs_blockdev *dev, fs_report_fn report, void *ctx,
             struct fs_check_result *res);

/* A short name for an errno the core returns, for tools' messages ("ENOSPC"). */
const char *fs_strerror(int err);

#endif
