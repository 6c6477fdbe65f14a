/* The virtio-mmio transport, version 2 (virtio 1.2 §4.2), over the split virtqueues of
 * virtqueue.c.
 *
 * Registers behave as QEMU 7.2's virtio-mmio with force-legacy=false: 32-bit registers (an
 * 8-byte access is two 32-bit ones, as QEMU's memory core splits it), other widths and unknown
 * offsets read 0 and ignore writes rather than fault, and an empty slot answers only magic,
 * version and vendor. Everything the driver hands over by address (rings, descriptor tables,
 * buffers) is checked against guest RAM before it is touched; anything malformed sets
 * DEVICE_NEEDS_RESET and raises a configuration-change interrupt, as the spec asks, and the
 * device does no more work until the driver resets it. */
#include <stdlib.h>
#include <string.h>

#include "virtio.h"
#include "xpc/memmap.h"

#define VIRTIO_MAGIC  0x74726976 /* "virt" */
#define VIRTIO_VENDOR 0x554d4551 /* "QEMU", what QEMU reports */

enum {
    REG_MAGIC = 0x000,
    REG_VERSION = 0x004,
    REG_DEVICE_ID = 0x008,
    REG_VENDOR_ID = 0x00c,
    REG_DEVICE_FEATURES = 0x010,
    REG_DEVICE_FEATURES_SEL = 0x014,
    REG_DRIVER_FEATURES = 0x020,
    REG_DRIVER_FEATURES_SEL = 0x024,
    REG_QUEUE_SEL = 0x030,
    REG_QUEUE_NUM_MAX = 0x034,
    REG_QUEUE_NUM = 0x038,
    REG_QUEUE_READY = 0x044,
    REG_QUEUE_NOTIFY = 0x050,
    REG_INTERRUPT_STATUS = 0x060,
    REG_INTERRUPT_ACK = 0x064,
    REG_STATUS = 0x070,
    REG_QUEUE_DESC_LOW = 0x080,
    REG_QUEUE_DESC_HIGH = 0x084,
    REG_QUEUE_DRIVER_LOW = 0x090,
    REG_QUEUE_DRIVER_HIGH = 0x094,
    REG_QUEUE_DEVICE_LOW = 0x0a0,
    REG_QUEUE_DEVICE_HIGH = 0x0a4,
    REG_CONFIG_GENERATION = 0x0fc,
    REG_CONFIG = 0x100,
};

/* Requests started but not yet published, over all queues: the device's internal queue. */
#define MAX_IN_FLIGHT 1024

struct completion {
    uint64_t done; /* modeled cycle at which it is published */
    uint32_t head, len;
    unsigned queue;
};

struct virtio_mmio {
    uint64_t base;
    const struct virtio_backend *be;
    void *opaque;
    struct dma_memory mem;
    struct plic *plic;
    unsigned irq;

    uint32_t status, int_status;
    uint32_t device_features_sel, driver_features_sel, queue_sel;
    uint64_t driver_features;
    bool kicked;       /* a notification waits for update() */
    bool stalled;      /* requests wait for room in `flight` */
    const char *error; /* why the device last asked for a reset, until taken */
    struct virtqueue q[VIRTIO_MMIO_MAX_QUEUES];

    struct completion flight[MAX_IN_FLIGHT];
    unsigned flight_head, flight_count;
    uint64_t busy_until; /* the device serves one request at a time */

    struct virtio_chain chain; /* scratch for the request being parsed */
};

static uint64_t offered_features(const struct virtio_mmio *t)
{
    return t->be->features | 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_RING_INDIRECT_DESC;
}

static void drive_irq(struct virtio_mmio *t)
{
    if (t->plic)
        plic_set_source(t->plic, t->irq, t->int_status != 0);
}

static void needs_reset(struct virtio_mmio *t, const char *why)
{
    if (t->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
        return;
    t->error = why;
    t->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    if (t->status & VIRTIO_STATUS_DRIVER_OK) {
        t->int_status |= VIRTIO_INT_CONFIG_CHANGE;
        drive_irq(t);
    }
}

/* Start every request made available on queue `qi` since the last call. */
static void start_requests(struct virtio_mmio *t, unsigned qi, uint64_t now)
{
    struct virtqueue *q = &t->q[qi];
    unsigned pending;
    const char *why = virtqueue_problem(q, &t->mem, t->be->queue_num_max);
    if (!why)
        why = virtqueue_available(q, &t->mem, &pending);
    bool indirect_ok = t->driver_features & 1ULL << VIRTIO_F_RING_INDIRECT_DESC;
    for (; !why && pending; pending--) {
        if (t->be->ready && !t->be->ready(t->opaque, qi))
            return; /* the buffers wait for the device (virtio_mmio_wake) */
        if (t->flight_count == MAX_IN_FLIGHT) {
            t->stalled = true; /* resume once something completes */
            return;
        }
        uint32_t head, used_len = 0;
        uint64_t cycles = 0;
        why = virtqueue_pop(q, &t->mem, indirect_ok, &t->chain, &head);
        if (!why && !t->be->request(t->opaque, qi, &t->chain, &used_len, &cycles))
            why = "the device cannot parse the request";
        if (why)
            break;
        for (unsigned i = 0; i < t->chain.n_in; i++) {
            const struct virtio_segment *s = virtio_chain_in(&t->chain, i);
            virtio_dma_written(&t->mem, s->pa, s->len);
        }
        uint64_t start = now > t->busy_until ? now : t->busy_until;
        t->busy_until = start + cycles;
        unsigned slot = (t->flight_head + t->flight_count++) % MAX_IN_FLIGHT;
        t->flight[slot] =
            (struct completion){.done = t->busy_until, .head = head, .len = used_len, .queue = qi};
    }
    if (why)
        needs_reset(t, why);
}

static void publish(struct virtio_mmio *t, const struct completion *c)
{
    struct virtqueue *q = &t->q[c->queue];
    if (!q->ready || virtqueue_problem(q, &t->mem, t->be->queue_num_max))
        return; /* the queue went away meanwhile: the request is dropped */
    if (virtqueue_push(q, &t->mem, c->head, c->len)) {
        t->int_status |= VIRTIO_INT_USED_BUFFER;
        drive_irq(t);
    }
}

static void retire(struct virtio_mmio *t, uint64_t now)
{
    while (t->flight_count && t->flight[t->flight_head].done <= now) {
        publish(t, &t->flight[t->flight_head]);
        t->flight_head = (t->flight_head + 1) % MAX_IN_FLIGHT;
        t->flight_count--;
    }
}

void virtio_mmio_update(struct virtio_mmio *t, uint64_t now)
{
    if (!t->be)
        return;
    retire(t, now);
    if (t->kicked || t->stalled) {
        t->kicked = t->stalled = false;
        bool live = (t->status & VIRTIO_STATUS_DRIVER_OK) &&
                    !(t->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
        for (unsigned qi = 0; live && qi < t->be->num_queues; qi++) {
            if (t->q[qi].ready)
                start_requests(t, qi, now);
            live = !(t->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
        }
    }
    retire(t, now); /* requests that cost nothing complete at once */
}

uint64_t virtio_mmio_next_deadline(const struct virtio_mmio *t)
{
    if (t->kicked)
        return 0;
    return t->flight_count ? t->flight[t->flight_head].done : UINT64_MAX;
}

void virtio_mmio_wake(struct virtio_mmio *t)
{
    t->kicked = true;
}

uint32_t virtio_mmio_status(const struct virtio_mmio *t)
{
    return t->status;
}

const char *virtio_mmio_take_error(struct virtio_mmio *t)
{
    const char *why = t->error;
    t->error = NULL;
    return why;
}

/* ---- registers ---- */

static void reset(struct virtio_mmio *t)
{
    t->status = 0;
    t->int_status = 0;
    t->device_features_sel = t->driver_features_sel = t->queue_sel = 0;
    t->driver_features = 0;
    t->kicked = t->stalled = false;
    memset(t->q, 0, sizeof t->q);
    t->flight_head = t->flight_count = 0;
    if (t->be && t->be->reset)
        t->be->reset(t->opaque);
    drive_irq(t);
}

static void write_status(struct virtio_mmio *t, uint32_t value)
{
    if (value == 0) {
        reset(t);
        return;
    }
    /* FEATURES_OK sticks only for a subset of what is offered that includes VERSION_1 (§3.1.1). */
    if ((value & VIRTIO_STATUS_FEATURES_OK) && !(t->status & VIRTIO_STATUS_FEATURES_OK) &&
        ((t->driver_features & ~offered_features(t)) ||
         !(t->driver_features & 1ULL << VIRTIO_F_VERSION_1)))
        value &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
    t->status = (value & 0xff & ~(uint32_t)VIRTIO_STATUS_DEVICE_NEEDS_RESET) |
                (t->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static uint32_t read_reg(struct virtio_mmio *t, uint64_t off)
{
    if (!t->be) {
        switch (off) {
        case REG_MAGIC: return VIRTIO_MAGIC;
        case REG_VERSION: return 2;
        case REG_VENDOR_ID: return VIRTIO_VENDOR;
        default: return 0;
        }
    }
    struct virtqueue *q = t->queue_sel < t->be->num_queues ? &t->q[t->queue_sel] : NULL;
    switch (off) {
    case REG_MAGIC: return VIRTIO_MAGIC;
    case REG_VERSION: return 2;
    case REG_DEVICE_ID: return t->be->device_id;
    case REG_VENDOR_ID: return VIRTIO_VENDOR;
    case REG_DEVICE_FEATURES:
        return t->device_features_sel < 2
                   ? (uint32_t)(offered_features(t) >> (32 * t->device_features_sel))
                   : 0;
    case REG_QUEUE_NUM_MAX: return q ? t->be->queue_num_max : 0;
    case REG_QUEUE_READY: return q && q->ready;
    case REG_INTERRUPT_STATUS: return t->int_status;
    case REG_STATUS: return t->status;
    case REG_CONFIG_GENERATION: return 0; /* the configuration never changes */
    default: return 0;                    /* write-only or reserved */
    }
}

static void set_half(uint64_t *field, bool high, uint32_t value)
{
    *field =
        high ? (*field & 0xffffffffULL) | (uint64_t)value << 32 : (*field & ~0xffffffffULL) | value;
}

static void write_reg(struct virtio_mmio *t, uint64_t off, uint32_t value)
{
    if (!t->be)
        return;
    struct virtqueue *q = t->queue_sel < t->be->num_queues ? &t->q[t->queue_sel] : NULL;
    switch (off) {
    case REG_DEVICE_FEATURES_SEL: t->device_features_sel = value; break;
    case REG_DRIVER_FEATURES:
        if (t->driver_features_sel < 2 && !(t->status & VIRTIO_STATUS_FEATURES_OK))
            set_half(&t->driver_features, t->driver_features_sel, value);
        break;
    case REG_DRIVER_FEATURES_SEL: t->driver_features_sel = value; break;
    case REG_QUEUE_SEL: t->queue_sel = value; break;
    case REG_QUEUE_NUM:
        if (q)
            q->num = value;
        break;
    case REG_QUEUE_READY:
        if (q) {
            q->ready = value & 1;
            if (!q->ready)
                q->last_avail = q->used_idx = 0;
        }
        break;
    case REG_QUEUE_NOTIFY:
        if (value < t->be->num_queues)
            t->kicked = true;
        break;
    case REG_INTERRUPT_ACK:
        t->int_status &= ~value;
        drive_irq(t);
        break;
    case REG_STATUS: write_status(t, value); break;
    case REG_QUEUE_DESC_LOW:
    case REG_QUEUE_DESC_HIGH:
        if (q)
            set_half(&q->desc, off == REG_QUEUE_DESC_HIGH, value);
        break;
    case REG_QUEUE_DRIVER_LOW:
    case REG_QUEUE_DRIVER_HIGH:
        if (q)
            set_half(&q->driver, off == REG_QUEUE_DRIVER_HIGH, value);
        break;
    case REG_QUEUE_DEVICE_LOW:
    case REG_QUEUE_DEVICE_HIGH:
        if (q)
            set_half(&q->device, off == REG_QUEUE_DEVICE_HIGH, value);
        break;
    default: break; /* read-only or reserved: ignored, as QEMU does */
    }
}

static uint32_t read_config(struct virtio_mmio *t, uint64_t off, unsigned size)
{
    uint8_t buf[4] = {0};
    if (t->be && off + size <= t->be->config_size)
        t->be->read_config(t->opaque, (uint32_t)off, buf, size);
    uint32_t v;
    memcpy(&v, buf, 4);
    return v;
}

/* One access of 1, 2 or 4 bytes. */
static uint32_t read32(struct virtio_mmio *t, uint64_t off, unsigned size)
{
    if (off >= REG_CONFIG)
        return read_config(t, off - REG_CONFIG, size);
    return size == 4 && !(off & 3) ? read_reg(t, off) : 0;
}

static bool mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    struct virtio_mmio *t = opaque;
    if (size == 8) /* two 32-bit accesses, low half first */
        *value = read32(t, off, 4) | (uint64_t)read32(t, off + 4, 4) << 32;
    else
        *value = read32(t, off, size);
    return true;
}

static bool mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct virtio_mmio *t = opaque;
    if (size == 8) {
        mmio_write(opaque, off, 4, (uint32_t)value);
        return mmio_write(opaque, off + 4, 4, value >> 32);
    }
    /* The configuration of the devices here has no writable field. */
    if (off < REG_CONFIG && size == 4 && !(off & 3))
        write_reg(t, off, (uint32_t)value);
    return true;
}

struct virtio_mmio *virtio_mmio_create(uint64_t base, const struct virtio_backend *backend,
                                       void *opaque, struct dma_memory mem, struct plic *plic,
                                       unsigned irq)
{
    if (backend && (backend->num_queues == 0 || backend->num_queues > VIRTIO_MMIO_MAX_QUEUES))
        return NULL;
    struct virtio_mmio *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->base = base;
    t->be = backend;
    t->opaque = opaque;
    t->mem = mem;
    t->plic = plic;
    t->irq = irq;
    return t;
}

void virtio_mmio_destroy(struct virtio_mmio *t)
{
    free(t);
}

struct device virtio_mmio_device(struct virtio_mmio *t)
{
    return (struct device){.name = "virtio-mmio",
                           .base = t->base,
                           .size = MEMMAP_VIRTIO_SIZE,
                           .opaque = t,
                           .read = mmio_read,
                           .write = mmio_write};
}
