/* A host-side virtio driver for the unit tests: guest RAM in an array, a virtio-blk device on a
 * real temporary image behind the virtio-mmio transport and a PLIC, and helpers that build split
 * virtqueue requests the way a kernel would (or break them on purpose). */
#ifndef TESTS_UNIT_VIRTIO_DRIVER_H
#define TESTS_UNIT_VIRTIO_DRIVER_H

#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev/virtio.h"
#include "dev/virtio_blk.h"
#include "irq_recorder.h"
#include "xpc/memmap.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1u << 20)
#define QSIZE    8
/* Where the test driver keeps its rings and buffers. */
#define DESC_PA  (RAM_BASE + 0x1000)
#define AVAIL_PA (RAM_BASE + 0x2000)
#define USED_PA  (RAM_BASE + 0x3000)
#define HDR_PA   (RAM_BASE + 0x4000)
#define DATA_PA  (RAM_BASE + 0x10000)
#define STAT_PA  (RAM_BASE + 0x5000)
#define INDIR_PA (RAM_BASE + 0x6000)

#define CTX_S0        1
#define IMAGE_SECTORS 64

/* Registers (virtio 1.2 §4.2.2). */
enum {
    R_MAGIC = 0x000,
    R_VERSION = 0x004,
    R_DEVICE_ID = 0x008,
    R_VENDOR = 0x00c,
    R_DEV_FEAT = 0x010,
    R_DEV_FEAT_SEL = 0x014,
    R_DRV_FEAT = 0x020,
    R_DRV_FEAT_SEL = 0x024,
    R_QUEUE_SEL = 0x030,
    R_QUEUE_NUM_MAX = 0x034,
    R_QUEUE_NUM = 0x038,
    R_QUEUE_READY = 0x044,
    R_NOTIFY = 0x050,
    R_INT_STATUS = 0x060,
    R_INT_ACK = 0x064,
    R_STATUS = 0x070,
    R_DESC_LO = 0x080,
    R_DESC_HI = 0x084,
    R_DRIVER_LO = 0x090,
    R_DRIVER_HI = 0x094,
    R_DEVICE_LO = 0x0a0,
    R_DEVICE_HI = 0x0a4,
    R_CONFIG_GEN = 0x0fc,
    R_CONFIG = 0x100,
};

struct vtest {
    uint8_t *ram;
    char image[64];
    struct irq_recorder rec;
    struct plic *plic;
    struct virtio_blk *blk;
    struct virtio_mmio *t;
    struct device dev;
    uint16_t avail_idx;
    unsigned written_calls;
};

static struct vtest vt;

static void vt_written(void *opaque, uint64_t pa, uint64_t len)
{
    (void)pa;
    (void)len;
    ((struct vtest *)opaque)->written_calls++;
}

static inline uint8_t *host(uint64_t pa)
{
    cr_assert(pa >= RAM_BASE && pa < RAM_BASE + RAM_SIZE);
    return vt.ram + (pa - RAM_BASE);
}

static inline uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdeadbeef;
    cr_assert(vt.dev.read(vt.dev.opaque, off, 4, &v));
    return (uint32_t)v;
}

static inline void wr(uint64_t off, uint32_t v)
{
    cr_assert(vt.dev.write(vt.dev.opaque, off, 4, v));
}

/* An image whose sector s is filled with the byte (s + 1). */
static inline void vt_make_image(uint64_t bytes)
{
    strcpy(vt.image, "/tmp/xpc-vblk-XXXXXX");
    int fd = mkstemp(vt.image);
    cr_assert_geq(fd, 0);
    uint8_t sec[VIRTIO_BLK_SECTOR];
    for (uint64_t s = 0; s * VIRTIO_BLK_SECTOR < bytes; s++) {
        memset(sec, (int)(s + 1), sizeof sec);
        uint64_t n = bytes - s * VIRTIO_BLK_SECTOR;
        cr_assert(write(fd, sec, n < sizeof sec ? n : sizeof sec) > 0);
    }
    close(fd);
}

static inline struct virtio_blk_options vt_options(void)
{
    return (struct virtio_blk_options){
        .path = vt.image, .request_cycles = 1000, .sector_cycles = 100};
}

static inline void vt_attach(const struct virtio_blk_options *o)
{
    char err[256];
    vt.blk = virtio_blk_open(o, err, sizeof err);
    cr_assert_not_null(vt.blk, "%s", err);
    struct dma_memory mem = {
        .host = vt.ram, .base = RAM_BASE, .size = RAM_SIZE, .opaque = &vt, .written = vt_written};
    vt.t = virtio_mmio_create(MEMMAP_VIRTIO_BASE, virtio_blk_backend(vt.blk), vt.blk, mem, vt.plic,
                              MEMMAP_VIRTIO_IRQ);
    cr_assert_not_null(vt.t);
    vt.dev = virtio_mmio_device(vt.t);
}

static inline void vt_setup_opts(const struct virtio_blk_options *o)
{
    vt = (struct vtest){0};
    vt.ram = calloc(1, RAM_SIZE);
    cr_assert_not_null(vt.ram);
    vt.plic = plic_create(1, irq_recorder_sink(&vt.rec));
    struct device p = plic_device(vt.plic);
    p.write(vt.plic, 4 * MEMMAP_VIRTIO_IRQ, 4, 1);
    p.write(vt.plic, 0x2000 + 0x80 * CTX_S0, 4, 1u << MEMMAP_VIRTIO_IRQ);
    if (!o->path) {
        vt_make_image(IMAGE_SECTORS * VIRTIO_BLK_SECTOR);
        struct virtio_blk_options with = *o;
        with.path = vt.image;
        vt_attach(&with);
    } else {
        vt_attach(o);
    }
}

static inline void vt_setup(void)
{
    struct virtio_blk_options o = {.request_cycles = 1000, .sector_cycles = 100};
    vt_setup_opts(&o);
}

static inline void vt_teardown(void)
{
    virtio_mmio_destroy(vt.t);
    virtio_blk_close(vt.blk);
    plic_destroy(vt.plic);
    free(vt.ram);
    unlink(vt.image);
}

/* The driver's initialisation (§3.1.1) accepting `features`; queue 0 with QSIZE entries. */
static inline void vt_init(uint64_t features)
{
    wr(R_STATUS, 0);
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(R_DRV_FEAT_SEL, 0);
    wr(R_DRV_FEAT, (uint32_t)features);
    wr(R_DRV_FEAT_SEL, 1);
    wr(R_DRV_FEAT, (uint32_t)(features >> 32));
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    cr_assert(rd(R_STATUS) & VIRTIO_STATUS_FEATURES_OK);
    wr(R_QUEUE_SEL, 0);
    wr(R_QUEUE_NUM, QSIZE);
    wr(R_DESC_LO, (uint32_t)DESC_PA);
    wr(R_DESC_HI, (uint32_t)(DESC_PA >> 32));
    wr(R_DRIVER_LO, (uint32_t)AVAIL_PA);
    wr(R_DRIVER_HI, (uint32_t)(AVAIL_PA >> 32));
    wr(R_DEVICE_LO, (uint32_t)USED_PA);
    wr(R_DEVICE_HI, (uint32_t)(USED_PA >> 32));
    wr(R_QUEUE_READY, 1);
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                     VIRTIO_STATUS_DRIVER_OK);
    vt.avail_idx = 0;
}

#define FEATURES_DEFAULT (1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_RING_INDIRECT_DESC)

static inline void set_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                            uint16_t next)
{
    uint8_t *d = host(table + 16ULL * i);
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

static inline void set_header(uint32_t type, uint64_t sector)
{
    uint8_t *h = host(HDR_PA);
    memset(h, 0, 16);
    memcpy(h, &type, 4);
    memcpy(h + 8, &sector, 8);
}

/* Offer descriptor `head` on the available ring and notify. */
static inline void vt_submit(uint16_t head)
{
    uint8_t *avail = host(AVAIL_PA);
    memcpy(avail + 4 + 2 * (vt.avail_idx % QSIZE), &head, 2);
    vt.avail_idx++;
    memcpy(avail + 2, &vt.avail_idx, 2);
    wr(R_NOTIFY, 0);
}

static inline uint16_t used_idx(void)
{
    uint16_t v;
    memcpy(&v, host(USED_PA + 2), 2);
    return v;
}

static inline void used_entry(unsigned i, uint32_t *id, uint32_t *len)
{
    memcpy(id, host(USED_PA + 4 + 8 * (i % QSIZE)), 4);
    memcpy(len, host(USED_PA + 8 + 8 * (i % QSIZE)), 4);
}

/* A three-descriptor request: header, data (device-writable for reads), status. */
static inline void vt_request(uint32_t type, uint64_t sector, uint32_t data_len)
{
    set_header(type, sector);
    *host(STAT_PA) = 0xff;
    bool in = type != VIRTIO_BLK_T_OUT;
    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 1);
    if (data_len) {
        set_desc(DESC_PA, 1, DATA_PA, data_len, 1 | (in ? 2 : 0), 2);
        set_desc(DESC_PA, 2, STAT_PA, 1, 2, 0);
    } else {
        set_desc(DESC_PA, 0, HDR_PA, 16, 1, 2);
        set_desc(DESC_PA, 2, STAT_PA, 1, 2, 0);
    }
    vt_submit(0);
}

/* Run the device far enough for everything to complete; returns the status byte. */
static inline uint8_t vt_complete(void)
{
    virtio_mmio_update(vt.t, 0);
    uint64_t d = virtio_mmio_next_deadline(vt.t);
    if (d != UINT64_MAX)
        virtio_mmio_update(vt.t, d);
    return *host(STAT_PA);
}

static inline bool needs_reset(void)
{
    return rd(R_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

#endif
