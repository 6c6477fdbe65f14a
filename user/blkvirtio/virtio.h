/* virtio over MMIO (virtio 1.x §4.2, and the legacy version-1 layout QEMU offers by default) and
 * the block device's request format (§5.2): the numbers the driver needs, named once. */
#ifndef BLKVIRTIO_VIRTIO_H
#define BLKVIRTIO_VIRTIO_H

#include <stdint.h>

/* virtio-mmio registers (byte offsets). */
#define VIRTIO_MMIO_MAGIC           0x000 /* "virt" */
#define VIRTIO_MMIO_VERSION         0x004 /* 2 = virtio 1.x, 1 = legacy */
#define VIRTIO_MMIO_DEVICE_ID       0x008 /* 0 = no device in this slot, 2 = block */
#define VIRTIO_MMIO_DEVICE_FEAT     0x010
#define VIRTIO_MMIO_DEVICE_FEAT_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEAT     0x020
#define VIRTIO_MMIO_DRIVER_FEAT_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE 0x028 /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL       0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX   0x034
#define VIRTIO_MMIO_QUEUE_NUM       0x038
#define VIRTIO_MMIO_QUEUE_ALIGN     0x03c /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN       0x040 /* legacy */
#define VIRTIO_MMIO_QUEUE_READY     0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY    0x050
#define VIRTIO_MMIO_INT_STATUS      0x060
#define VIRTIO_MMIO_INT_ACK         0x064
#define VIRTIO_MMIO_STATUS          0x070
#define VIRTIO_MMIO_QUEUE_DESC_LO   0x080
#define VIRTIO_MMIO_QUEUE_DESC_HI   0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LO  0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HI  0x094
#define VIRTIO_MMIO_QUEUE_USED_LO   0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HI   0x0a4
#define VIRTIO_MMIO_CONFIG          0x100

#define VIRTIO_MAGIC        0x74726976u
#define VIRTIO_DEVICE_BLOCK 2u

/* Device status bits. */
#define VIRTIO_STATUS_ACK         1u
#define VIRTIO_STATUS_DRIVER      2u
#define VIRTIO_STATUS_DRIVER_OK   4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_FAILED      128u

/* Feature bits. */
#define VIRTIO_BLK_F_RO    5
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_F_VERSION_1 32

/* Split virtqueue (§2.7). */
#define VIRTQ_DESC_F_NEXT  1u
#define VIRTQ_DESC_F_WRITE 2u /* the device writes this buffer */
struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};
struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};
struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

/* Block requests (§5.2.6): a header, the data, a status byte the device writes. */
#define VIRTIO_BLK_T_IN    0u
#define VIRTIO_BLK_T_OUT   1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_S_OK    0u
struct virtio_blk_req {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

#endif
