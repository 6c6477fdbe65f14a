/* virtio-net behind the virtio-mmio transport, driven through its registers with a recording
 * peer: identification and configuration, transmit (header stripped, used length 0, the modeled
 * cost), receive (frames wait for buffers, buffers wait for frames, the header, too-small
 * buffers), the backlog's limit, reset, and a malformed transmit chain. ASan watches RAM. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio_net.h"
#include "xpc/memmap.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x40000ULL
#define QSIZE    8
#define PACKET   500
#define BYTE     2

enum {
    R_DEVICE_ID = 0x008,
    R_DEV_FEAT = 0x010,
    R_DEV_FEAT_SEL = 0x014,
    R_DRV_FEAT = 0x020,
    R_DRV_FEAT_SEL = 0x024,
    R_QUEUE_SEL = 0x030,
    R_QUEUE_NUM_MAX = 0x034,
    R_QUEUE_NUM = 0x038,
    R_QUEUE_READY = 0x044,
    R_NOTIFY = 0x050,
    R_STATUS = 0x070,
    R_DESC_LO = 0x080,
    R_DRIVER_LO = 0x090,
    R_DEVICE_LO = 0x0a0,
    R_CONFIG = 0x100,
};

static struct {
    uint8_t *ram;
    struct virtio_net *net;
    struct virtio_mmio *t;
    struct device dev;
    uint8_t sent[4][2048];
    size_t sent_len[4];
    unsigned nsent;
    uint16_t avail_idx[2];
} v;

static uint64_t ring(unsigned q, unsigned which) /* 0 desc, 1 avail, 2 used */
{
    return RAM_BASE + 0x1000 + 0x3000 * q + 0x1000 * which;
}
static uint64_t buffer(unsigned q, unsigned i)
{
    return RAM_BASE + 0x10000 + 0x8000 * q + 0x800 * i;
}
static uint8_t *host(uint64_t pa)
{
    return v.ram + (pa - RAM_BASE);
}
static uint32_t rd(uint64_t off)
{
    uint64_t x = 0;
    v.dev.read(v.dev.opaque, off, 4, &x);
    return (uint32_t)x;
}
static void wr(uint64_t off, uint32_t x)
{
    v.dev.write(v.dev.opaque, off, 4, x);
}

static void peer_send(void *opaque, const uint8_t *frame, size_t len)
{
    (void)opaque;
    if (v.nsent < 4 && len <= sizeof v.sent[0]) {
        memcpy(v.sent[v.nsent], frame, len);
        v.sent_len[v.nsent] = len;
    }
    v.nsent++;
}

static void setup(void)
{
    memset(&v, 0, sizeof v);
    v.ram = calloc(1, RAM_SIZE);
    struct virtio_net_options o = {.mac = {0x52, 0x54, 0, 0x12, 0x34, 0x56},
                                   .peer = {.send = peer_send},
                                   .packet_cycles = PACKET,
                                   .byte_cycles = BYTE};
    v.net = virtio_net_create(&o);
    struct dma_memory mem = {.host = v.ram, .base = RAM_BASE, .size = RAM_SIZE};
    v.t = virtio_mmio_create(MEMMAP_VIRTIO_BASE, virtio_net_backend(v.net), v.net, mem, NULL, 1);
    cr_assert(v.ram && v.net && v.t);
    virtio_net_attach(v.net, v.t);
    v.dev = virtio_mmio_device(v.t);
}

static void teardown(void)
{
    virtio_mmio_destroy(v.t);
    virtio_net_destroy(v.net);
    free(v.ram);
}

TestSuite(virtio_net, .init = setup, .fini = teardown);

/* Negotiate VERSION_1, MAC and STATUS and set up both queues; DRIVER_OK. */
static void driver_init(void)
{
    wr(R_STATUS, 1);
    wr(R_STATUS, 3);
    wr(R_DRV_FEAT_SEL, 0);
    wr(R_DRV_FEAT, 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS);
    wr(R_DRV_FEAT_SEL, 1);
    wr(R_DRV_FEAT, 1);
    wr(R_STATUS, 11);
    for (unsigned q = 0; q < 2; q++) {
        wr(R_QUEUE_SEL, q);
        wr(R_QUEUE_NUM, QSIZE);
        wr(R_DESC_LO, (uint32_t)ring(q, 0));
        wr(R_DESC_LO + 4, (uint32_t)(ring(q, 0) >> 32));
        wr(R_DRIVER_LO, (uint32_t)ring(q, 1));
        wr(R_DRIVER_LO + 4, (uint32_t)(ring(q, 1) >> 32));
        wr(R_DEVICE_LO, (uint32_t)ring(q, 2));
        wr(R_DEVICE_LO + 4, (uint32_t)(ring(q, 2) >> 32));
        wr(R_QUEUE_READY, 1);
    }
    wr(R_STATUS, 15);
}

/* Offer descriptor i of queue q: `len` bytes at its buffer, writable for receive. */
static void offer(unsigned q, unsigned i, uint32_t len)
{
    uint64_t addr = buffer(q, i);
    uint16_t flags = q == VIRTIO_NET_RX_QUEUE ? 2 : 0, next = 0;
    uint8_t *d = host(ring(q, 0) + 16 * i);
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
    uint16_t head = (uint16_t)i;
    memcpy(host(ring(q, 1) + 4 + 2 * (v.avail_idx[q] % QSIZE)), &head, 2);
    v.avail_idx[q]++;
    memcpy(host(ring(q, 1) + 2), &v.avail_idx[q], 2);
    wr(R_NOTIFY, q);
}

static uint16_t used_idx(unsigned q)
{
    uint16_t x;
    memcpy(&x, host(ring(q, 2) + 2), 2);
    return x;
}
static uint32_t used_len(unsigned q, unsigned k)
{
    uint32_t x;
    memcpy(&x, host(ring(q, 2) + 4 + 8 * k + 4), 4);
    return x;
}

Test(virtio_net, identification_and_configuration)
{
    cr_expect_eq(rd(R_DEVICE_ID), 1);
    wr(R_DEV_FEAT_SEL, 0);
    uint32_t f = rd(R_DEV_FEAT);
    cr_expect(f & 1u << VIRTIO_NET_F_MAC);
    cr_expect(f & 1u << VIRTIO_NET_F_STATUS);
    cr_expect_not(f & 1u << 15, "no mergeable receive buffers");
    cr_expect_not(f & 1u, "no checksum offload");
    for (unsigned i = 0; i < 6; i++) {
        uint64_t b = 0;
        v.dev.read(v.dev.opaque, R_CONFIG + i, 1, &b);
        cr_expect_eq(b, ((const uint8_t[]){0x52, 0x54, 0, 0x12, 0x34, 0x56})[i]);
    }
    uint64_t status = 0;
    v.dev.read(v.dev.opaque, R_CONFIG + 6, 2, &status);
    cr_expect_eq(status, VIRTIO_NET_S_LINK_UP);
    wr(R_QUEUE_SEL, 1);
    cr_expect_eq(rd(R_QUEUE_NUM_MAX), 1024);
    wr(R_QUEUE_SEL, 2);
    cr_expect_eq(rd(R_QUEUE_NUM_MAX), 0, "no control queue");
}

Test(virtio_net, transmit_strips_the_header_and_costs_the_frame)
{
    driver_init();
    uint8_t *b = host(buffer(VIRTIO_NET_TX_QUEUE, 0));
    memset(b, 0xee, VIRTIO_NET_HDR_BYTES);
    for (unsigned i = 0; i < 60; i++)
        b[VIRTIO_NET_HDR_BYTES + i] = (uint8_t)i;
    offer(VIRTIO_NET_TX_QUEUE, 0, VIRTIO_NET_HDR_BYTES + 60);
    virtio_mmio_update(v.t, 1000);
    cr_assert_eq(v.nsent, 1);
    cr_expect_eq(v.sent_len[0], 60);
    cr_expect_eq(v.sent[0][0], 0);
    cr_expect_eq(v.sent[0][59], 59);
    cr_expect_eq(virtio_mmio_next_deadline(v.t), 1000 + PACKET + 60 * BYTE);
    virtio_mmio_update(v.t, 1000 + PACKET + 60 * BYTE);
    cr_expect_eq(used_idx(VIRTIO_NET_TX_QUEUE), 1);
    cr_expect_eq(used_len(VIRTIO_NET_TX_QUEUE, 0), 0, "as QEMU");
    cr_expect_eq(virtio_net_stats(v.net)->tx_frames, 1);
}

Test(virtio_net, a_frame_waits_for_a_buffer_and_a_buffer_for_a_frame)
{
    driver_init();
    uint8_t frame[64];
    for (unsigned i = 0; i < sizeof frame; i++)
        frame[i] = (uint8_t)(0x80 + i);
    /* A buffer and no frame: it stays in the ring. */
    offer(VIRTIO_NET_RX_QUEUE, 0, 1526);
    virtio_mmio_update(v.t, 100);
    cr_expect_eq(virtio_mmio_next_deadline(v.t), UINT64_MAX);
    cr_expect_eq(used_idx(VIRTIO_NET_RX_QUEUE), 0);
    /* The frame comes: the transport is woken and takes the buffer at its next update. */
    memset(host(buffer(VIRTIO_NET_RX_QUEUE, 0)), 0xee, 128);
    virtio_net_receive(v.net, frame, sizeof frame);
    cr_expect_eq(virtio_mmio_next_deadline(v.t), 0, "woken");
    virtio_mmio_update(v.t, 200);
    cr_expect_eq(virtio_mmio_next_deadline(v.t), 200 + PACKET + 64 * BYTE);
    virtio_mmio_update(v.t, 200 + PACKET + 64 * BYTE);
    cr_assert_eq(used_idx(VIRTIO_NET_RX_QUEUE), 1);
    cr_expect_eq(used_len(VIRTIO_NET_RX_QUEUE, 0), VIRTIO_NET_HDR_BYTES + 64);
    const uint8_t *b = host(buffer(VIRTIO_NET_RX_QUEUE, 0));
    for (unsigned i = 0; i < 10; i++)
        cr_expect_eq(b[i], 0, "header byte %u", i);
    cr_expect_eq(b[10] | b[11] << 8, 1, "num_buffers");
    cr_expect_eq(memcmp(b + VIRTIO_NET_HDR_BYTES, frame, 64), 0);
    cr_expect_eq(b[VIRTIO_NET_HDR_BYTES + 64], 0xee, "nothing past the frame");
    /* A frame and no buffer: it waits until the driver offers one. */
    virtio_net_receive(v.net, frame, 40);
    virtio_mmio_update(v.t, 10000);
    cr_expect_eq(used_idx(VIRTIO_NET_RX_QUEUE), 1);
    offer(VIRTIO_NET_RX_QUEUE, 1, 1526);
    virtio_mmio_update(v.t, 20000);
    virtio_mmio_update(v.t, 20000 + PACKET + 40 * BYTE);
    cr_expect_eq(used_idx(VIRTIO_NET_RX_QUEUE), 2);
    cr_expect_eq(used_len(VIRTIO_NET_RX_QUEUE, 1), VIRTIO_NET_HDR_BYTES + 40);
}

Test(virtio_net, a_buffer_too_small_drops_the_frame)
{
    driver_init();
    uint8_t frame[100] = {1};
    offer(VIRTIO_NET_RX_QUEUE, 0, 50);
    virtio_net_receive(v.net, frame, sizeof frame);
    virtio_mmio_update(v.t, 0);
    virtio_mmio_update(v.t, 1000000);
    cr_expect_eq(used_idx(VIRTIO_NET_RX_QUEUE), 1);
    cr_expect_eq(used_len(VIRTIO_NET_RX_QUEUE, 0), 0);
    cr_expect_eq(virtio_net_stats(v.net)->rx_truncated, 1);
    cr_expect_eq(virtio_net_stats(v.net)->rx_frames, 0);
}

Test(virtio_net, frames_without_a_driver_or_past_the_backlog_are_dropped)
{
    uint8_t frame[60] = {0};
    virtio_net_receive(v.net, frame, sizeof frame);
    cr_expect_eq(virtio_net_stats(v.net)->rx_dropped, 1, "before DRIVER_OK");
    driver_init();
    for (unsigned i = 0; i < VIRTIO_NET_BACKLOG + 10; i++)
        virtio_net_receive(v.net, frame, sizeof frame);
    cr_expect_eq(virtio_net_stats(v.net)->rx_dropped, 11);
    /* A reset forgets the backlog: a buffer offered afterwards gets nothing. */
    wr(R_STATUS, 0);
    driver_init();
    offer(VIRTIO_NET_RX_QUEUE, 0, 1526);
    virtio_mmio_update(v.t, 0);
    virtio_mmio_update(v.t, 1000000);
    cr_expect_eq(used_idx(VIRTIO_NET_RX_QUEUE), 0);
}

Test(virtio_net, a_transmit_chain_without_the_header_needs_a_reset)
{
    driver_init();
    offer(VIRTIO_NET_TX_QUEUE, 0, VIRTIO_NET_HDR_BYTES - 1);
    virtio_mmio_update(v.t, 0);
    cr_expect(rd(R_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    cr_expect_eq(v.nsent, 0);
    cr_expect_not_null(virtio_mmio_take_error(v.t));
}
