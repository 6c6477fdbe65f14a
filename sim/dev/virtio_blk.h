/* virtio-blk (virtio 1.2 §5.2) backed by a raw image file on the host, behind the virtio-mmio
 * transport. Reads, writes, flush (fdatasync of the image) and GET_ID; readonly (VIRTIO_BLK_F_RO,
 * writes fail with IOERR) and snapshot (writes stay in memory, the file is never written). */
#ifndef SIM_DEV_VIRTIO_BLK_H
#define SIM_DEV_VIRTIO_BLK_H

#include <stddef.h>
#include <stdint.h>

#include "virtio.h"

#define VIRTIO_BLK_SECTOR   512
#define VIRTIO_BLK_ID_BYTES 20

/* Request types and status values (§5.2.6). */
#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

/* Feature bits (§5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO       5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9

/* QueueNumMax as QEMU 7.2's virtio-mmio reports it (VIRTQUEUE_MAX_SIZE), and seg_max as its
 * virtio-blk computes it from its default queue-size of 256 (seg-max-adjust: 256 - 2). */
#define VIRTIO_BLK_QUEUE_NUM_MAX 1024
#define VIRTIO_BLK_SEG_MAX       254

struct virtio_blk_options {
    const char *path;
    bool readonly;
    bool snapshot;
    /* A volatile write cache: writes reach the file only at a flush; unflushed ones are lost
     * when the device is closed (cache=writeback). */
    bool write_cache;
    const char *serial; /* GET_ID's answer; NULL = "" as QEMU */
    /* The device's cost in modeled cycles: every request, plus each 512-byte sector moved. */
    uint64_t request_cycles;
    uint64_t sector_cycles;
};

struct virtio_blk;
/* Opens the image; NULL with a one-line message naming the problem. */
struct virtio_blk *virtio_blk_open(const struct virtio_blk_options *o, char *err, size_t errlen);
void virtio_blk_close(struct virtio_blk *b);
/* The backend to give virtio_mmio_create() along with the virtio_blk as its opaque. */
const struct virtio_backend *virtio_blk_backend(const struct virtio_blk *b);
uint64_t virtio_blk_sectors(const struct virtio_blk *b);

#endif
