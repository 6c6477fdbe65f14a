/* virtio 1.x over memory-mapped I/O, as QEMU's virt board has it, and the interface a device
 * (virtio-blk, virtio-net) fills to sit behind the transport.
 *
 * The transport (virtio_mmio.c, with virtqueue.c) owns everything virtio has in common: the
 * version 2 register file, feature negotiation, the split virtqueues, descriptor chains (direct
 * and indirect), the used ring and the interrupt. A backend only sees whole requests: a chain
 * already checked to lie in guest RAM, readable segments first. It carries the request out at once
 * and says how many bytes it wrote and how many modeled cycles the hardware would have taken; the
 * transport publishes the used entry and raises the interrupt when those cycles have passed. */
#ifndef SIM_DEV_VIRTIO_H
#define SIM_DEV_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "../dev.h"

/* Device status bits (virtio 1.2 §2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE        1
#define VIRTIO_STATUS_DRIVER             2
#define VIRTIO_STATUS_DRIVER_OK          4
#define VIRTIO_STATUS_FEATURES_OK        8
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED             0x80

/* Transport feature bits the transport itself offers. */
#define VIRTIO_F_RING_INDIRECT_DESC 28
#define VIRTIO_F_VERSION_1          32

/* InterruptStatus bits. */
#define VIRTIO_INT_USED_BUFFER   1
#define VIRTIO_INT_CONFIG_CHANGE 2

/* The longest chain the transport accepts (direct plus indirect), as QEMU's VIRTQUEUE_MAX_SIZE. */
#define VIRTIO_MAX_SEGMENTS 1024

/* Guest RAM as a DMA master sees it. `written` (may be NULL) is told about every range the
 * device stored into, so the machine can drop code it decoded from there. */
struct dma_memory {
    uint8_t *host;
    uint64_t base, size;
    void *opaque;
    void (*written)(void *opaque, uint64_t pa, uint64_t len);
};

/* One buffer of a descriptor chain, already translated to host memory. */
struct virtio_segment {
    uint8_t *host;
    uint64_t pa;
    uint32_t len;
};

/* A request: n_out device-readable segments, then n_in device-writable ones. */
struct virtio_chain {
    unsigned n_out, n_in;
    uint64_t out_bytes, in_bytes;
    struct virtio_segment seg[VIRTIO_MAX_SEGMENTS];
};

static inline const struct virtio_segment *virtio_chain_in(const struct virtio_chain *c, unsigned i)
{
    return &c->seg[c->n_out + i];
}

/* What a device offers the transport. Every callback gets the backend's `opaque`. */
struct virtio_backend {
    uint32_t device_id;     /* 2 = block, 1 = network */
    uint64_t features;      /* device-specific feature bits the device offers */
    unsigned num_queues;    /* at most VIRTIO_MMIO_MAX_QUEUES */
    unsigned queue_num_max; /* QueueNumMax, a power of two */
    uint32_t config_size;   /* bytes of device configuration at 0x100 */
    /* Copy config[offset, offset + size) to out; the transport keeps the range inside. */
    void (*read_config)(void *opaque, uint32_t offset, uint8_t *out, unsigned size);
    /* Carry out one request from `queue`: set *used_len (bytes written into the writable
     * segments, the used ring's len) and *cycles (the modeled time the device needs). Return
     * false when the chain breaks the device's rules (missing header or status byte): the
     * transport then asks the driver for a reset. */
    bool (*request)(void *opaque, unsigned queue, const struct virtio_chain *c, uint32_t *used_len,
                    uint64_t *cycles);
    /* The driver reset the device (Status = 0). May be NULL. */
    void (*reset)(void *opaque);
    /* Whether the device can use a buffer of `queue` now. May be NULL: always. A network card's
     * receive buffers wait in the ring until a frame comes; while this says no the transport
     * leaves them there, and it asks again after the device calls virtio_mmio_wake(). */
    bool (*ready)(void *opaque, unsigned queue);
};

/* ---- split virtqueues (virtqueue.c), for transports ---- */

/* One queue as the driver set it up; the transport owns it. */
struct virtqueue {
    uint32_t num;
    bool ready;
    uint64_t desc, driver, device; /* descriptor table, available ring, used ring */
    uint16_t last_avail;           /* next available-ring slot the device takes */
    uint16_t used_idx;             /* the used ring's idx as the device last wrote it */
};

/* NULL when the rings are usable (size a power of two up to num_max, aligned, in RAM), or why
 * not. The calls below assume the queue passed this check. */
const char *virtqueue_problem(const struct virtqueue *q, const struct dma_memory *mem,
                              unsigned num_max);
/* *n = entries made available and not yet taken; why not, if more than the ring holds. */
const char *virtqueue_available(const struct virtqueue *q, const struct dma_memory *mem,
                                unsigned *n);
/* Take the next available chain into c (head index in *head). NULL, or what is malformed: a
 * loop, an index out of range, a buffer or table outside RAM, a readable buffer after a writable
 * one, a bad indirect table (or any indirect one unless indirect_ok). */
const char *virtqueue_pop(struct virtqueue *q, const struct dma_memory *mem, bool indirect_ok,
                          struct virtio_chain *c, uint32_t *head);
/* Publish (head, len) on the used ring. Returns whether the driver wants an interrupt. */
bool virtqueue_push(struct virtqueue *q, const struct dma_memory *mem, uint32_t head, uint32_t len);
/* Tell the machine the device stored into [pa, pa + len). */
void virtio_dma_written(const struct dma_memory *mem, uint64_t pa, uint64_t len);

/* ---- the virtio-mmio transport (virtio_mmio.c) ---- */

#define VIRTIO_MMIO_MAX_QUEUES 8

struct plic;
struct virtio_mmio;

/* A transport at `base` raising PLIC source `irq`. backend == NULL is an empty slot: magic,
 * version and vendor read as on QEMU, device ID 0, everything else zero. */
struct virtio_mmio *virtio_mmio_create(uint64_t base, const struct virtio_backend *backend,
                                       void *opaque, struct dma_memory mem, struct plic *plic,
                                       unsigned irq);
void virtio_mmio_destroy(struct virtio_mmio *t);
struct device virtio_mmio_device(struct virtio_mmio *t);
/* At modeled cycle `now`: start the requests the driver has made available since the last call
 * and publish those whose time has come, raising the interrupt. */
void virtio_mmio_update(struct virtio_mmio *t, uint64_t now);
/* The cycle at which update() next has work (0: at once), or UINT64_MAX. */
uint64_t virtio_mmio_next_deadline(const struct virtio_mmio *t);
/* The device has work for a queue it was not ready for: look at the queues at the next update
 * (the machine runs it at the next block boundary). */
void virtio_mmio_wake(struct virtio_mmio *t);
/* The Status register, for tests and diagnostics. */
uint32_t virtio_mmio_status(const struct virtio_mmio *t);
/* Why the device last set DEVICE_NEEDS_RESET (once; NULL when nothing new), for a diagnostic. */
const char *virtio_mmio_take_error(struct virtio_mmio *t);

#endif
