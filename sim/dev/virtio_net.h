/* virtio-net (virtio 1.2 §5.1) behind the virtio-mmio transport: a network card whose other end
 * is a `struct net_peer` (the user-mode network of sim/net/, or a test).
 *
 * Queue 0 receives, queue 1 transmits. Every buffer starts with the 12-byte virtio_net_hdr_v1
 * (VERSION_1 makes num_buffers part of it); no offload is offered, so the header carries nothing
 * on transmit and is zero (num_buffers 1) on receive. Features: MAC and STATUS (link up). */
#ifndef SIM_DEV_VIRTIO_NET_H
#define SIM_DEV_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

#include "virtio.h"

#define VIRTIO_NET_F_MAC     5
#define VIRTIO_NET_F_STATUS  16
#define VIRTIO_NET_S_LINK_UP 1

#define VIRTIO_NET_RX_QUEUE  0
#define VIRTIO_NET_TX_QUEUE  1
#define VIRTIO_NET_HDR_BYTES 12
/* The largest frame either way: a 64 KiB packet and its Ethernet header, as QEMU's limit. */
#define VIRTIO_NET_MAX_FRAME (65536 + 14)
/* Frames that wait for receive buffers; past this the card drops them, as a full FIFO does
 * (TCP retransmits). */
#define VIRTIO_NET_BACKLOG 256

/* One end of a link: frames given to `send` go to it. The card sends to its peer (the network)
 * and is itself the peer the network sends to. */
struct net_peer {
    void *opaque;
    void (*send)(void *opaque, const uint8_t *frame, size_t len);
};

struct virtio_net_options {
    uint8_t mac[6];
    struct net_peer peer;
    /* The device's cost in modeled cycles: every frame, plus each byte of it. */
    uint64_t packet_cycles;
    uint64_t byte_cycles;
};

/* Counters for --stats and the tests. */
struct virtio_net_stats {
    uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes;
    uint64_t rx_dropped;   /* the backlog was full, or no driver was there */
    uint64_t rx_truncated; /* a receive buffer was too small: the frame was dropped */
    uint64_t tx_dropped;   /* larger than VIRTIO_NET_MAX_FRAME */
};

struct virtio_net;
struct virtio_mmio;
struct virtio_net *virtio_net_create(const struct virtio_net_options *o);
void virtio_net_destroy(struct virtio_net *n);
/* The backend to give virtio_mmio_create() along with the virtio_net as its opaque. */
const struct virtio_backend *virtio_net_backend(const struct virtio_net *n);
/* The transport the device sits behind, so an arriving frame can wake it. */
void virtio_net_attach(struct virtio_net *n, struct virtio_mmio *t);
/* A frame from the peer: kept until the driver's next receive buffer takes it. */
void virtio_net_receive(struct virtio_net *n, const uint8_t *frame, size_t len);
/* The card as a peer: what is sent to it, it receives (virtio_net_receive). */
struct net_peer virtio_net_as_peer(struct virtio_net *n);
const struct virtio_net_stats *virtio_net_stats(const struct virtio_net *n);

#endif
