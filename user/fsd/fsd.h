/* fsd, the file system server: what its parts share. */
#ifndef FSD_FSD_H
#define FSD_FSD_H

#include <stdint.h>
#include <fs/fs.h>
#include <xpc/fileproto.h>

/* One file a client holds open: the core's handle and the client's file offset. */
struct open_file {
    int used;
    int fh;
    unsigned flags; /* FILE_O_* */
    uint64_t offset;
};

struct client {
    uint64_t id; /* the transport's caller identity; 0: free slot */
    struct open_file files[FILE_OPEN_MAX];
};

#define FSD_MAX_CLIENTS 64

/* The client with this id, made on first sight; NULL when every slot holds open files. */
struct client *client_find(uint64_t id);
/* A free slot of c's table (EMFILE if none), and the file a client's handle names (NULL: the
 * handle is not open, EBADF). */
int64_t client_new_file(struct client *c);
struct open_file *client_file(struct client *c, uint64_t handle);

/* The block device the file system lives on: the block server the handle names, or (handle 0)
 * memory of this process (a RAM disk of `ram_bytes`). 0 or -errno. */
int blockdev_open(uint64_t block_service, uint64_t ram_bytes, struct fs_blockdev *dev);
/* Reads and writes sent to a block server, and those whose data went down in place: a window
 * of the client's relay segment that the driver DMAs into (XPC; the rest is copied). */
struct blockdev_stats {
    uint64_t requests, in_place;
};
extern struct blockdev_stats blockdev_stats;

/* Whether the device's first block is all zeros (never formatted: fsd may format it). */
int blockdev_blank(const struct fs_blockdev *dev);

#endif
