/* netvirtio: a virtio-net driver as a user-level server behind the frame protocol
 * (netproto.h). It holds a device resource for the eight virtio-mmio slots and their PLIC
 * sources (its starter sends it), finds a network card by probing the slots through device
 * VMOs, and drives it with a receive and a transmit queue in one contiguous DMA VMO.
 *
 * Frames are copied between the caller's buffer and the DMA buffers (the header the card wants
 * in front of each frame makes a frame in place impossible without a header-sized gap in the
 * caller's buffer). Both virtio-mmio versions work: version 2 (virtio 1.x, a 12-byte header)
 * and QEMU's default legacy version 1 (a 10-byte header without mergeable buffers).
 *
 * Waiting: the card's interrupt wakes a RECV that waits without limit; a RECV with a time limit
 * polls the used ring, sleeping in steps of RECV_POLL_NS, so a frame slirp answers at once is
 * seen within one step.
 *
 * usage: netvirtio net=xpc|endpoint|channel [card=N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/device.h>
#include <xpc/transport.h>
#include <xpc/netproto.h>
#include <xpc/memmap.h>
#include "../blkvirtio/virtio.h"

#define VIRTIO_DEVICE_NET    1u
#define VIRTIO_NET_F_MAC     5
#define VIRTIO_NET_F_STATUS  16
#define VIRTIO_NET_S_LINK_UP 1u

#define RX        0u
#define TX        1u
#define QSZ       16u
#define BUF_BYTES 2048u /* a header and the largest frame */
/* One area per queue, laid out as the legacy transport needs it (descriptors, the available
 * ring, the used ring at the next 4 KiB); version 2 uses the same addresses. */
#define QUEUE_AREA(q) ((q)*0x2000u)
#define AVAIL_OFF     0x100u
#define USED_OFF      0x1000u
#define BUF_OFF(q, i) (0x4000u + ((q)*QSZ + (i)) * BUF_BYTES)
#define DMA_SIZE      BUF_OFF(2, 0)
#define RECV_POLL_NS  20000u

static uint64_t resource, irq_handle;
static volatile uint32_t *regs;
static int version;
static unsigned hdr_len;
static uint8_t *dma;
static uint64_t dma_pa;
static uint64_t mac, link_flags, dropped;
static uint16_t used_seen[2];

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

static volatile struct virtq_desc *desc(unsigned q)
{
    return (volatile struct virtq_desc *)(dma + QUEUE_AREA(q));
}
static volatile struct virtq_avail *avail(unsigned q)
{
    return (volatile struct virtq_avail *)(dma + QUEUE_AREA(q) + AVAIL_OFF);
}
static volatile struct virtq_used *used(unsigned q)
{
    return (volatile struct virtq_used *)(dma + QUEUE_AREA(q) + USED_OFF);
}

/* Maps slot n's registers if a network card sits there. */
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
        rd(VIRTIO_MMIO_DEVICE_ID) == VIRTIO_DEVICE_NET) {
        version = (int)v;
        return 1;
    }
    sys_vm_unmap((uint64_t)va);
    regs = NULL;
    return 0;
}

static void set_features(uint32_t sel, uint32_t v)
{
    wr(VIRTIO_MMIO_DRIVER_FEAT_SEL, sel);
    wr(VIRTIO_MMIO_DRIVER_FEAT, v);
}

static void offer_rx(unsigned i)
{
    volatile struct virtq_avail *a = avail(RX);
    a->ring[a->idx % QSZ] = (uint16_t)i;
    io_fence();
    a->idx = (uint16_t)(a->idx + 1);
}

static const char *setup_queue(unsigned q)
{
    wr(VIRTIO_MMIO_QUEUE_SEL, q);
    if (rd(VIRTIO_MMIO_QUEUE_NUM_MAX) < QSZ)
        return "a queue is too small";
    wr(VIRTIO_MMIO_QUEUE_NUM, QSZ);
    uint64_t area = dma_pa + QUEUE_AREA(q);
    if (version == 2) {
        wr(VIRTIO_MMIO_QUEUE_DESC_LO, (uint32_t)area);
        wr(VIRTIO_MMIO_QUEUE_DESC_HI, (uint32_t)(area >> 32));
        wr(VIRTIO_MMIO_QUEUE_AVAIL_LO, (uint32_t)(area + AVAIL_OFF));
        wr(VIRTIO_MMIO_QUEUE_AVAIL_HI, (uint32_t)((area + AVAIL_OFF) >> 32));
        wr(VIRTIO_MMIO_QUEUE_USED_LO, (uint32_t)(area + USED_OFF));
        wr(VIRTIO_MMIO_QUEUE_USED_HI, (uint32_t)((area + USED_OFF) >> 32));
        wr(VIRTIO_MMIO_QUEUE_READY, 1);
    } else {
        wr(VIRTIO_MMIO_QUEUE_ALIGN, 4096);
        wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(area >> 12));
    }
    for (unsigned i = 0; i < QSZ; i++)
        desc(q)[i] = (struct virtq_desc){dma_pa + BUF_OFF(q, i), BUF_BYTES,
                                         q == RX ? VIRTQ_DESC_F_WRITE : 0, 0};
    return NULL;
}

/* The virtio initialisation sequence (§3.1.1; legacy §4.2.4): 0 or a message. */
static const char *device_init(void)
{
    wr(VIRTIO_MMIO_STATUS, 0);
    while (rd(VIRTIO_MMIO_STATUS) != 0)
        sys_yield();
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACK);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
    wr(VIRTIO_MMIO_DEVICE_FEAT_SEL, 0);
    uint32_t lo = rd(VIRTIO_MMIO_DEVICE_FEAT);
    wr(VIRTIO_MMIO_DEVICE_FEAT_SEL, 1);
    uint32_t hi = rd(VIRTIO_MMIO_DEVICE_FEAT);
    uint32_t want = lo & (1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS);
    uint32_t status = VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER;
    set_features(0, want);
    hdr_len = 10;
    if (version == 2) {
        if (!(hi & 1u << (VIRTIO_F_VERSION_1 - 32)))
            return "a version-2 device without VIRTIO_F_VERSION_1";
        set_features(1, 1u << (VIRTIO_F_VERSION_1 - 32));
        status |= VIRTIO_STATUS_FEATURES_OK;
        wr(VIRTIO_MMIO_STATUS, status);
        if (!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
            return "the device refused our features";
        hdr_len = 12; /* VERSION_1: num_buffers is always there */
    } else {
        wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
    }
    const char *why = setup_queue(RX);
    if (!why)
        why = setup_queue(TX);
    if (why)
        return why;
    avail(TX)->flags = 1; /* no interrupt for sent frames: they are reclaimed when needed */
    for (unsigned i = 0; i < QSZ; i++)
        offer_rx(i);
    wr(VIRTIO_MMIO_STATUS, status | VIRTIO_STATUS_DRIVER_OK);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, RX);
    volatile uint8_t *cfg = (volatile uint8_t *)regs + VIRTIO_MMIO_CONFIG;
    for (unsigned i = 0; i < 6; i++)
        mac = mac << 8 | ((want & 1u << VIRTIO_NET_F_MAC) ? cfg[i] : 0);
    link_flags = !(want & 1u << VIRTIO_NET_F_STATUS) || (cfg[6] & VIRTIO_NET_S_LINK_UP)
                     ? NET_INFO_LINK_UP
                     : 0;
    return NULL;
}

static int needs_reset(void)
{
    return (rd(VIRTIO_MMIO_STATUS) & 0x40) != 0;
}

static int64_t send_frame(const struct tp_req *r)
{
    if (r->len < NET_FRAME_MIN || r->len > NET_FRAME_MAX)
        return ERR_INVALID_ARGS;
    volatile struct virtq_avail *a = avail(TX);
    /* A full ring: wait for the card to take a frame (it serves one every few microseconds). */
    while ((uint16_t)(a->idx - used(TX)->idx) >= QSZ) {
        if (needs_reset())
            return ERR_BAD_STATE;
        sys_yield();
    }
    unsigned i = a->idx % QSZ;
    uint8_t *b = dma + BUF_OFF(TX, i);
    memset(b, 0, hdr_len);
    memcpy(b + hdr_len, r->buf, r->len);
    desc(TX)[i].len = hdr_len + (uint32_t)r->len;
    a->ring[i] = (uint16_t)i;
    io_fence();
    a->idx = (uint16_t)(a->idx + 1);
    io_fence();
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, TX);
    return needs_reset() ? ERR_BAD_STATE : 0;
}

static void wait_interrupt(void)
{
    if (!irq_handle) {
        sys_sleep_ns(RECV_POLL_NS);
        return;
    }
    sys_interrupt_wait(irq_handle);
    wr(VIRTIO_MMIO_INT_ACK, rd(VIRTIO_MMIO_INT_STATUS));
    sys_interrupt_ack(irq_handle);
}

static int64_t recv_frame(struct tp_req *r)
{
    if (r->cap < NET_FRAME_MAX)
        return ERR_INVALID_ARGS;
    uint64_t wait = r->arg[0], start = sys_clock_ns();
    volatile struct virtq_used *u = used(RX);
    for (;;) {
        if (needs_reset())
            return ERR_BAD_STATE;
        if (u->idx != used_seen[RX])
            break;
        uint64_t now = sys_clock_ns();
        if (now - start >= wait)
            return ERR_SHOULD_WAIT;
        if (wait == UINT64_MAX)
            wait_interrupt();
        else
            sys_sleep_ns(wait - (now - start) < RECV_POLL_NS ? wait - (now - start) : RECV_POLL_NS);
    }
    io_fence();
    volatile struct virtq_used_elem *e = &u->ring[used_seen[RX] % QSZ];
    unsigned i = e->id % QSZ;
    uint32_t len = e->len;
    used_seen[RX] = (uint16_t)(used_seen[RX] + 1);
    r->len = 0;
    int64_t status = 0;
    if (len < hdr_len + NET_FRAME_MIN || len > hdr_len + NET_FRAME_MAX) {
        dropped++; /* the card returned the buffer empty (a frame too large for it) */
        status = ERR_SHOULD_WAIT;
    } else {
        memcpy(r->buf, dma + BUF_OFF(RX, i) + hdr_len, len - hdr_len);
        r->len = len - hdr_len;
    }
    offer_rx(i);
    io_fence();
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, RX);
    return status;
}

static int64_t handle(struct tp_req *r)
{
    switch (r->op) {
    case NET_OP_INFO:
        r->res[0] = mac;
        r->res[1] = NET_FRAME_MAX;
        r->res[2] = link_flags;
        r->res[3] = dropped;
        r->len = 0;
        return 0;
    case NET_OP_SEND: {
        int64_t e = send_frame(r);
        r->len = 0;
        return e;
    }
    case NET_OP_RECV: return recv_frame(r);
    default: r->len = 0; return ERR_NOT_SUPPORTED;
    }
}

int main(int argc, char **argv)
{
    unsigned card = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: netvirtio net=xpc|endpoint|channel [card=N]\n"
                   "  drives the N-th virtio-net card (default 0) behind the frame protocol;\n"
                   "  its starter sends a device resource for the virtio-mmio slots first\n");
            return 0;
        }
        if (strncmp(argv[i], "card=", 5) == 0)
            card = (unsigned)strtoul(argv[i] + 5, NULL, 10);
    }
    enum tp_kind kind = tp_kind_from_args(argc, argv, "net", TP_NONE);
    if (kind == TP_NONE || tp_receive_handles(&resource, 1) != 1) {
        printf("netvirtio: need net=xpc|endpoint|channel and a device resource\n");
        return 2;
    }
    unsigned found = 0, slot = 0;
    for (; slot < MEMMAP_VIRTIO_COUNT; slot++)
        if (probe(slot) && found++ == card)
            break;
        else if (regs) {
            sys_vm_unmap((uint64_t)regs);
            regs = NULL;
        }
    if (!regs)
        return 3; /* no such card */
    int64_t vmo = sys_vmo_create_contig(resource, DMA_SIZE);
    int64_t va = vmo < 0 ? vmo : sys_vmo_map((uint64_t)vmo, 0, MAP_READ | MAP_WRITE);
    if (va < 0) {
        printf("netvirtio: no DMA memory: %s\n", xpc_strerror(va));
        return 1;
    }
    dma = (uint8_t *)va;
    memset(dma, 0, DMA_SIZE);
    dma_pa = (uint64_t)sys_vmo_phys((uint64_t)vmo, 0);
    int64_t irq = sys_interrupt_create(resource, MEMMAP_VIRTIO_IRQ + slot);
    irq_handle = irq > 0 ? (uint64_t)irq : 0;
    const char *err = device_init();
    if (err) {
        wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
        printf("netvirtio: slot %u: %s\n", slot, err);
        return 1;
    }
    /* A frame per call; a page, so a client may connect with a page-sized buffer. */
    struct tp_server_config cfg = {.handler = handle, .concurrency = 1, .buf_size = 4096};
    return tp_serve(kind, &cfg) < 0;
}
