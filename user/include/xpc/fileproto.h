/* The file protocol: what a client asks of the file system server (docs/storage.md, "Protocol
 * and transports").
 *
 * A call is one struct file_msg (six words of typed arguments) and one data buffer. The same
 * message travels over every transport: with XPC the words are registers and the buffer is the
 * caller's relay segment (handed on to the block driver without a copy); with the seL4-style
 * endpoint the words are message registers and the buffer goes in IPC-buffer chunks; with the
 * Zircon-style channel both are copied through the kernel. The server and the clients are the
 * same binaries on all three.
 *
 * Errors are negative errno values of the guest C library (picolibc's <errno.h>), so the user
 * library hands them to errno unchanged. */
#ifndef XPC_FILEPROTO_H
#define XPC_FILEPROTO_H

#include <stdint.h>

/* Operations. "data in" is what the request's buffer holds (m.len bytes), "data out" what the
 * reply's buffer holds (the reply's m.len bytes); "fh" is a file handle from FILE_OPEN, valid
 * only for the client that opened it. */
enum file_op {
    FILE_OPEN = 1,  /* data in: path. arg0 flags (FILE_O_*), arg1 mode. status: fh */
    FILE_CLOSE,     /* arg0 fh */
    FILE_READ,      /* arg0 fh, arg1 count. data out: the bytes; status: bytes read */
    FILE_WRITE,     /* arg0 fh. data in: the bytes; status: bytes written */
    FILE_PREAD,     /* arg0 fh, arg1 count, arg2 offset. As FILE_READ, the file offset stays */
    FILE_PWRITE,    /* arg0 fh, arg2 offset. data in: the bytes. As FILE_WRITE */
    FILE_LSEEK,     /* arg0 fh, arg1 offset (signed), arg2 whence (0 set, 1 cur, 2 end). status:
                       the new offset */
    FILE_FTRUNCATE, /* arg0 fh, arg1 length */
    FILE_FSTAT,     /* arg0 fh. data out: struct file_stat */
    FILE_STAT,      /* data in: path. data out: struct file_stat */
    FILE_FSYNC,     /* arg0 fh: returns once data and metadata are durable on the device */
    FILE_FDATASYNC, /* arg0 fh: the data and what is needed to read it back */
    FILE_UNLINK,    /* data in: path */
    FILE_RENAME,    /* data in: old path, NUL, new path, NUL. arg0: offset of the new path */
    FILE_MKDIR,     /* data in: path. arg1 mode */
    FILE_RMDIR,     /* data in: path */
    FILE_READDIR,   /* arg0 fh of a directory, arg1 cookie (0 = first). data out: struct
                       file_dirent; status 1 (an entry; reply arg0 = the next cookie), 0 (end) */
    FILE_STATFS,    /* data out: struct file_statfs */
    FILE_SYNC,      /* everything durable */
    FILE_OP_COUNT
};

/* The typed arguments. In a request `op` is the operation; in the reply it is the status (>= 0
 * or -errno) and arg[0..2] the results. `len` is the number of bytes of the data buffer the
 * message carries. On the transport (<xpc/transport.h>) a request is op, arg[0..3] and the
 * buffer; the reply's status travels in result word 0 and the results in words 1-3, so a file
 * error never looks like a transport error (the transport's own status). */
struct file_msg {
    int64_t op;
    uint64_t arg[4];
    uint64_t len;
};
#define FILE_MSG_WORDS 6

/* FILE_OPEN flags (the user library maps O_* onto these). */
#define FILE_O_RDONLY    0x0u
#define FILE_O_WRONLY    0x1u
#define FILE_O_RDWR      0x2u
#define FILE_O_ACCMODE   0x3u
#define FILE_O_CREAT     0x10u
#define FILE_O_EXCL      0x20u
#define FILE_O_TRUNC     0x40u
#define FILE_O_APPEND    0x80u
#define FILE_O_DIRECTORY 0x100u /* fail with ENOTDIR unless it is one (for readdir) */
#define FILE_O_ALL       0x1f3u

/* Limits. */
#define FILE_PATH_MAX 256         /* bytes of a path, its NUL included */
#define FILE_NAME_MAX 255         /* bytes of one name (the file system may allow fewer) */
#define FILE_DATA_MAX (64u << 10) /* the most bytes one call carries; the library splits */
#define FILE_OPEN_MAX 32          /* open files per client: one more gets EMFILE */

/* Types in file_stat.mode (its low 12 bits are the permission bits). */
#define FILE_TYPE_MASK 0xf000u
#define FILE_TYPE_REG  0x8000u
#define FILE_TYPE_DIR  0x4000u

struct file_stat {
    uint64_t ino;
    uint64_t size;
    uint64_t blocks; /* 512-byte units allocated */
    uint64_t mtime_ns;
    uint32_t mode;
    uint32_t nlink;
};

struct file_dirent {
    uint64_t ino;
    uint32_t type; /* FILE_TYPE_* */
    uint32_t name_len;
    char name[FILE_NAME_MAX + 1];
};

struct file_statfs {
    uint64_t block_size;
    uint64_t blocks;
    uint64_t blocks_free;
    uint64_t inodes;
    uint64_t inodes_free;
    uint64_t name_max;
};

#endif
