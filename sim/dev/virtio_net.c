/* virtio-net: frames between the driver's rings and a peer.
 *
 * Transmit is a request like a disk's: the transport hands over a chain, the frame after the
 * header goes to the peer at once, and the used entry appears after the frame's modeled cost.
 * Receive is the other way round: the driver's buffers wait in the ring (the backend's `ready`
 * says no) until the peer delivers a frame; then the device wakes the transport, which takes the
 * next buffer at the following block boundary, and the frame lands after its modeled cost. A
 * reply the peer produces while a frame is being sent (slirp answers ARP, ICMP to the gateway,
 * DHCP at once) therefore arrives at the same modeled cycle on every run. */
#include "virtio_net.h"

#include <stdlib.h>
#include <string.h>

#define CFG_MAC    0
#define CFG_STATUS 6
#define CFG_SIZE   8 /* mac and status: what QEMU's device has without MQ, MTU or RSS */

struct frame {
    uint8_t *data;
    size_t len;
};

struct virtio_net {
    struct virtio_backend backend;
    struct virtio_net_options o;
    struct virtio_mmio *transport;
    uint8_t config[CFG_SIZE];
    struct frame backlog[VIRTIO_NET_BACKLOG];
    unsigned backlog_head, backlog_count;
    struct virtio_net_stats stats;
    uint8_t tx[VIRTIO_NET_MAX_FRAME];
};

static void read_config(void *opaque, uint32_t offset, uint8_t *out, unsigned size)
{
    struct virtio_net *n = opaque;
    memcpy(out, n->config + offset, size);
}

/* Copy [skip, skip + len) of the chain's readable (or writable) bytes to (or from) buf. */
static uint64_t stream_copy(const struct virtio_chain *c, bool writable, uint64_t skip,
                            uint8_t *buf, uint64_t len)
{
    unsigned first = writable ? c->n_out : 0, count = writable ? c->n_in : c->n_out;
    uint64_t done = 0;
    for (unsigned i = 0; i < count && done < len; i++) {
        const struct virtio_segment *s = &c->seg[first + i];
        if (skip >= s->len) {
            skip -= s->len;
            continue;
        }
        uint64_t take = s->len - skip < len - done ? s->len - skip : len - done;
        if (writable)
            memcpy(s->host + skip, buf + done, take);
        else
            memcpy(buf + done, s->host + skip, take);
        done += take;
        skip = 0;
    }
    return done;
}

static void drop_backlog(struct virtio_net *n)
{
    while (n->backlog_count) {
        free(n->backlog[n->backlog_head].data);
        n->backlog_head = (n->backlog_head + 1) % VIRTIO_NET_BACKLOG;
        n->backlog_count--;
    }
}

static uint64_t cost(const struct virtio_net *n, uint64_t bytes)
{
    return n->o.packet_cycles + bytes * n->o.byte_cycles;
}

static bool transmit(struct virtio_net *n, const struct virtio_chain *c, uint64_t *cycles)
{
    /* The header is part of every buffer; without it the chain is malformed (QEMU: "virtio-net
     * header not in first element" / "header incorrect", and a reset). */
    if (c->out_bytes < VIRTIO_NET_HDR_BYTES)
        return false;
    uint64_t len = c->out_bytes - VIRTIO_NET_HDR_BYTES;
    *cycles = cost(n, len);
    if (len > VIRTIO_NET_MAX_FRAME) {
        n->stats.tx_dropped++;
        return true;
    }
    stream_copy(c, false, VIRTIO_NET_HDR_BYTES, n->tx, len);
    n->stats.tx_frames++;
    n->stats.tx_bytes += len;
    if (n->o.peer.send)
        n->o.peer.send(n->o.peer.opaque, n->tx, len);
    return true;
}

static void receive_into(struct virtio_net *n, const struct virtio_chain *c, uint32_t *used_len,
                         uint64_t *cycles)
{
    struct frame f = n->backlog[n->backlog_head];
    n->backlog_head = (n->backlog_head + 1) % VIRTIO_NET_BACKLOG;
    n->backlog_count--;
    *cycles = cost(n, f.len);
    if (c->in_bytes < VIRTIO_NET_HDR_BYTES + f.len) {
        /* Without mergeable buffers a frame must fit one chain; QEMU drops it too (and leaves
         * the buffer in the ring, where this device returns it empty). */
        n->stats.rx_truncated++;
        *used_len = 0;
    } else {
        /* No offloads: flags and GSO fields zero; num_buffers 1 (§5.1.6.4). */
        uint8_t hdr[VIRTIO_NET_HDR_BYTES] = {0};
        hdr[10] = 1;
        stream_copy(c, true, 0, hdr, sizeof hdr);
        stream_copy(c, true, VIRTIO_NET_HDR_BYTES, f.data, f.len);
        *used_len = (uint32_t)(VIRTIO_NET_HDR_BYTES + f.len);
        n->stats.rx_frames++;
        n->stats.rx_bytes += f.len;
    }
    free(f.data);
}

static bool request(void *opaque, unsigned queue, const struct virtio_chain *c, uint32_t *used_len,
                    uint64_t *cycles)
{
    struct virtio_net *n = opaque;
    *used_len = 0;
    if (queue == VIRTIO_NET_TX_QUEUE)
        return transmit(n, c, cycles); /* used length 0, as QEMU */
    receive_into(n, c, used_len, cycles);
    return true;
}

static bool ready(void *opaque, unsigned queue)
{
    struct virtio_net *n = opaque;
    return queue != VIRTIO_NET_RX_QUEUE || n->backlog_count > 0;
}

static void reset(void *opaque)
{
    drop_backlog(opaque);
}

void virtio_net_receive(struct virtio_net *n, const uint8_t *frame, size_t len)
{
    bool driver = n->transport && (virtio_mmio_status(n->transport) & VIRTIO_STATUS_DRIVER_OK);
    if (!driver || n->backlog_count == VIRTIO_NET_BACKLOG || len > VIRTIO_NET_MAX_FRAME) {
        n->stats.rx_dropped++;
        return;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        n->stats.rx_dropped++;
        return;
    }
    memcpy(copy, frame, len);
    unsigned slot = (n->backlog_head + n->backlog_count++) % VIRTIO_NET_BACKLOG;
    n->backlog[slot] = (struct frame){.data = copy, .len = len};
    virtio_mmio_wake(n->transport);
}

static void receive_cb(void *opaque, const uint8_t *frame, size_t len)
{
    virtio_net_receive(opaque, frame, len);
}

struct net_peer virtio_net_as_peer(struct virtio_net *n)
{
    return (struct net_peer){.opaque = n, .send = receive_cb};
}

struct virtio_net *virtio_net_create(const struct virtio_net_options *o)
{
    struct virtio_net *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->o = *o;
    memcpy(n->config + CFG_MAC, o->mac, 6);
    uint16_t status = VIRTIO_NET_S_LINK_UP;
    memcpy(n->config + CFG_STATUS, &status, 2);
    n->backend = (struct virtio_backend){
        .device_id = 1,
        .features = 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS,
        .num_queues = 2,
        .queue_num_max = 1024, /* QEMU's virtio-mmio reports VIRTQUEUE_MAX_SIZE for any queue */
        .config_size = CFG_SIZE,
        .read_config = read_config,
        .request = request,
        .reset = reset,
        .ready = ready,
    };
    return n;
}

void virtio_net_destroy(struct virtio_net *n)
{
    if (!n)
        return;
    drop_backlog(n);
    free(n);
}

const struct virtio_backend *virtio_net_backend(const struct virtio_net *n)
{
    return &n->backend;
}

void virtio_net_attach(struct virtio_net *n, struct virtio_mmio *t)
{
    n->transport = t;
}

const struct virtio_net_stats *virtio_net_stats(const struct virtio_net *n)
{
    return &n->stats;
}
