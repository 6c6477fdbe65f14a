/* blkvirtio: a virtio-blk driver as a user-level server behind the block protocol
 * (blockproto.h). It holds a device resource for the eight virtio-mmio slots and their PLIC
 * sources (its starter sends it), finds a block device by probing the slots through device
 * VMOs, drives it with one split virtqueue in contiguous DMA memory, and waits for completions
 * on the device's interrupt.
 *
 * With the XPC transport the buffer a caller hands down is a window of its relay segment, which
 * is physically contiguous: the driver puts the window's physical address (relay_phys) straight
 * into the data descriptor, so the device reads or writes the caller's bytes with no copy. With
 * the copying transports the buffer is the server's staging memory, which is not contiguous, and
 * goes through a bounce buffer in the DMA memory.
 *
 * Both virtio-mmio versions work: version 2 (virtio 1.x; QEMU with
 * -global virtio-mmio.force-legacy=false, and xpcsim) and QEMU's default legacy version 1.
 *
 * usage: blkvirtio fs=xpc|endpoint|channel [disk=N] [poll] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/device.h>
#include <xpc/transport.h>
#include <xpc/blockproto.h>
#include <xpc/memmap.h>
#include "virtio.h"

#define QSZ         8    /* one request at a time needs three descriptors */
#define MAX_SECTORS 256u /* 128 KiB per call: the bounce buffer */
#define BOUNCE_OFF  0x3000u
#define DMA_SIZE    (BOUNCE_OFF + MAX_SECTORS * BLK_SECTOR)

static uint64_t resource, irq_handle;
static volatile uint32_t *regs;
static int version, poll_mode;
static uint8_t *dma; /* desc at 0, avail at 0x80, used at 0x1000, request at 0x2000 */
static uint64_t dma_pa;
static uint64_t sectors;
static int readonly, has_flush;
static uint16_t used_seen;

static uint32_t rd(uint32_t off)
{
    return regs[off / 4];
}

static void wr(uint32_t off, uint32_t v)
{
    regs[off / 4] = v;
}

static void io_fence(void)
{
    __asm__ volatile("fence iorw, iorw" ::: "memory");
}

static volatile struct virtq_desc *desc(void)
{
    return (volatile struct virtq_desc *)dma;
}
static volatile struct virtq_avail *avail(void)
{
    return (volatile struct virtq_avail *)(dma + 0x80);
}
static volatile struct virtq_used *used(void)
{
    return (volatile struct virtq_used *)(dma + 0x1000);
}

/* Maps slot n's registers if a block device sits there. */
static int probe(unsigned n)
{
    int64_t vmo = sys_device_vmo_create(resource, MEMMAP_VIRTIO_BASE + n * MEMMAP_VIRTIO_SIZE,
                                        MEMMAP_VIRTIO_SIZE);
    if (vmo < 0)
        return 0;
    int64_t va = sys_vmo_map((uint64_t)vmo, 0, MAP_READ | MAP_WRITE);
    sys_handle_close((uint64_t)vmo);
    if (va < 0)
        return 0;
    regs = (volatile uint32_t *)va;
    uint32_t v = rd(VIRTIO_MMIO_VERSION);
    if (rd(VIRTIO_MMIO_MAGIC) == VIRTIO_MAGIC && (v == 1 || v == 2) &&
        rd(VIRTIO_MMIO_DEVICE_ID) == VIRTIO_DEVICE_BLOCK) {
        version = (int)v;
        return 1;
    }
    sys_vm_unmap((uint64_t)va);
    regs = NULL;
    return 0;
}

static uint32_t features(uint32_t sel)
{
    wr(VIRTIO_MMIO_DEVICE_FEAT_SEL, sel);
    return rd(VIRTIO_MMIO_DEVICE_FEAT);
}

static void set_features(uint32_t sel, uint32_t v)
{
    wr(VIRTIO_MMIO_DRIVER_FEAT_SEL, sel);
    wr(VIRTIO_MMIO_DRIVER_FEAT, v);
}

/* The virtio initialisation sequence (§3.1.1; legacy §4.2.4): 0 or a message. */
static const char *device_init(void)
{
    wr(VIRTIO_MMIO_STATUS, 0);
    while (rd(VIRTIO_MMIO_STATUS) != 0)
        sys_yield();
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACK);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
    uint32_t lo = features(0), hi = features(1);
    uint32_t want = lo & (1u << VIRTIO_BLK_F_RO | 1u << VIRTIO_BLK_F_FLUSH);
    readonly = !!(want & 1u << VIRTIO_BLK_F_RO);
    has_flush = !!(want & 1u << VIRTIO_BLK_F_FLUSH);
    uint32_t status = VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER;
    set_features(0, want);
    if (version == 2) {
        if (!(hi & 1u << (VIRTIO_F_VERSION_1 - 32)))
            return "a version-2 device without VIRTIO_F_VERSION_1";
        set_features(1, 1u << (VIRTIO_F_VERSION_1 - 32));
        status |= VIRTIO_STATUS_FEATURES_OK;
        wr(VIRTIO_MMIO_STATUS, status);
        if (!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
            return "the device refused our features";
    }
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    uint32_t max = rd(VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (max < QSZ)
        return "queue 0 is too small";
    wr(VIRTIO_MMIO_QUEUE_NUM, QSZ);
    if (version == 2) {
        wr(VIRTIO_MMIO_QUEUE_DESC_LO, (uint32_t)dma_pa);
        wr(VIRTIO_MMIO_QUEUE_DESC_HI, (uint32_t)(dma_pa >> 32));
        wr(VIRTIO_MMIO_QUEUE_AVAIL_LO, (uint32_t)(dma_pa + 0x80));
        wr(VIRTIO_MMIO_QUEUE_AVAIL_HI, (uint32_t)((dma_pa + 0x80) >> 32));
        wr(VIRTIO_MMIO_QUEUE_USED_LO, (uint32_t)(dma_pa + 0x1000));
        wr(VIRTIO_MMIO_QUEUE_USED_HI, (uint32_t)((dma_pa + 0x1000) >> 32));
        wr(VIRTIO_MMIO_QUEUE_READY, 1);
    } else {
        /* Legacy: one area, the used ring at the next QueueAlign boundary after the avail ring. */
        wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
        wr(VIRTIO_MMIO_QUEUE_ALIGN, 4096);
        wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(dma_pa >> 12));
    }
    wr(VIRTIO_MMIO_STATUS, status | VIRTIO_STATUS_DRIVER_OK);
    sectors = rd(VIRTIO_MMIO_CONFIG) | (uint64_t)rd(VIRTIO_MMIO_CONFIG + 4) << 32;
    return NULL;
}

/* Runs one request: data at physical address `pa` (n bytes, 0 for none). 0 or an error. */
static int64_t run(uint32_t type, uint64_t sector, uint64_t pa, uint32_t n)
{
    volatile struct virtio_blk_req *req = (volatile struct virtio_blk_req *)(dma + 0x2000);
    volatile uint8_t *status = dma + 0x2010;
    req->type = type;
    req->reserved = 0;
    req->sector = sector;
    *status = 0xff;
    volatile struct virtq_desc *d = desc();
    d[0] =
        (struct virtq_desc){dma_pa + 0x2000, sizeof(struct virtio_blk_req), VIRTQ_DESC_F_NEXT, 1};
    uint16_t last = 1;
    if (n) {
        uint16_t f = VIRTQ_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0);
        d[1] = (struct virtq_desc){pa, n, f, 2};
        last = 2;
    }
    d[last] = (struct virtq_desc){dma_pa + 0x2010, 1, VIRTQ_DESC_F_WRITE, 0};
    volatile struct virtq_avail *a = avail();
    a->ring[a->idx % QSZ] = 0;
    io_fence();
    a->idx = (uint16_t)(a->idx + 1);
    io_fence();
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    while (used()->idx == used_seen) {
        if (poll_mode || irq_handle == 0) {
            sys_yield();
            continue;
        }
        sys_interrupt_wait(irq_handle);
        wr(VIRTIO_MMIO_INT_ACK, rd(VIRTIO_MMIO_INT_STATUS));
        sys_interrupt_ack(irq_handle);
    }
    used_seen = (uint16_t)(used_seen + 1);
    io_fence();
    return *status == VIRTIO_BLK_S_OK ? 0 : ERR_BAD_STATE;
}

/* The physical address of [buf, buf+n) if it lies in the active relay segment, else 0. */
static uint64_t relay_pa(const void *buf, size_t n)
{
    size_t len;
    const char *va = xpc_seg_active(&len);
    if (!len || (const char *)buf < va || n > len || (size_t)((const char *)buf - va) > len - n)
        return 0;
    int64_t pa = sys_relay_phys(resource);
    return pa < 0 ? 0 : (uint64_t)pa + (uint64_t)((const char *)buf - va);
}

static int64_t transfer(struct tp_req *r, int write)
{
    uint64_t first = r->arg[0], count = r->arg[1];
    int64_t e = blk_check_range(first, count, sectors, MAX_SECTORS);
    if (e < 0)
        return e;
    uint32_t n = (uint32_t)(count * BLK_SECTOR);
    if (write && readonly)
        return ERR_ACCESS_DENIED;
    if (write ? r->len != n : r->cap < n)
        return ERR_INVALID_ARGS;
    uint64_t pa = relay_pa(r->buf, n); /* XPC: DMA straight to/from the caller's segment */
    if (!pa && write)
        memcpy(dma + BOUNCE_OFF, r->buf, n);
    e = run(write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, first, pa ? pa : dma_pa + BOUNCE_OFF, n);
    if (e == 0 && !pa && !write)
        memcpy(r->buf, dma + BOUNCE_OFF, n);
    r->len = e == 0 && !write ? n : 0;
    return e;
}

static int64_t handle(struct tp_req *r)
{
    switch (r->op) {
    case BLK_OP_INFO:
        r->res[0] = sectors;
        r->res[1] = BLK_SECTOR;
        r->res[2] = readonly ? BLK_INFO_READONLY : 0;
        r->res[3] = MAX_SECTORS;
        r->len = 0;
        return 0;
    case BLK_OP_READ: return transfer(r, 0);
    case BLK_OP_WRITE: return transfer(r, 1);
    case BLK_OP_FLUSH: r->len = 0; return has_flush ? run(VIRTIO_BLK_T_FLUSH, 0, 0, 0) : 0;
    default: return ERR_NOT_SUPPORTED;
    }
}

int main(int argc, char **argv)
{
    unsigned disk = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: blkvirtio fs=xpc|endpoint|channel [disk=N] [poll]\n"
                   "  drives the N-th virtio-blk device (default 0) behind the block protocol;\n"
                   "  its starter sends a device resource for the virtio-mmio slots first\n");
            return 0;
        }
        if (strncmp(argv[i], "disk=", 5) == 0)
            disk = (unsigned)strtoul(argv[i] + 5, NULL, 10);
        if (strcmp(argv[i], "poll") == 0)
            poll_mode = 1;
    }
    enum tp_kind kind = tp_kind_from_args(argc, argv, "fs", TP_NONE);
    if (kind == TP_NONE || tp_receive_handles(&resource, 1) != 1) {
        printf("blkvirtio: need fs=xpc|endpoint|channel and a device resource\n");
        return 2;
    }
    unsigned found = 0, slot = 0;
    for (; slot < MEMMAP_VIRTIO_COUNT; slot++)
        if (probe(slot) && found++ == disk)
            break;
        else if (regs) {
            sys_vm_unmap((uint64_t)regs);
            regs = NULL;
        }
    if (!regs)
        return 3; /* no such drive: the starter falls back to a RAM disk */
    int64_t vmo = sys_vmo_create_contig(resource, DMA_SIZE);
    int64_t va = vmo < 0 ? vmo : sys_vmo_map((uint64_t)vmo, 0, MAP_READ | MAP_WRITE);
    if (va < 0) {
        printf("blkvirtio: no DMA memory: %s\n", xpc_strerror(va));
        return 1;
    }
    dma = (uint8_t *)va;
    dma_pa = (uint64_t)sys_vmo_phys((uint64_t)vmo, 0);
    int64_t irq = sys_interrupt_create(resource, MEMMAP_VIRTIO_IRQ + slot);
    irq_handle = irq > 0 ? (uint64_t)irq : 0;
    const char *err = device_init();
    if (err) {
        wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
        printf("blkvirtio: slot %u: %s\n", slot, err);
        return 1;
    }
    struct tp_server_config cfg = {
        .handler = handle, .concurrency = 1, .buf_size = MAX_SECTORS * BLK_SECTOR};
    return tp_serve(kind, &cfg) < 0;
}
