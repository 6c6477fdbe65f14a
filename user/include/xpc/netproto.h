/* The frame protocol: an Ethernet card, one frame per call, over any transport (transport.h).
 * Served by `netvirtio` (a virtio-net driver), documented in docs/network.md.
 *
 *   NET_OP_INFO  -> res[0] the MAC address (its six bytes, first byte most significant),
 *                   res[1] the largest frame (NET_FRAME_MAX), res[2] NET_INFO_* flags,
 *                   res[3] frames received and dropped so far (no room in the driver)
 *   NET_OP_SEND  the buffer holds one frame (NET_FRAME_MIN..NET_FRAME_MAX bytes, no FCS) -> 0
 *   NET_OP_RECV  arg[0] how long to wait for one, in ns (0: not at all) -> the next frame
 *                received in the buffer (its length in the reply's len)
 *
 * Errors: ERR_INVALID_ARGS (a frame shorter or longer than the limits; a RECV buffer that cannot
 * take NET_FRAME_MAX bytes), ERR_SHOULD_WAIT (RECV: no frame came in the time given),
 * ERR_BAD_STATE (the card asked for a reset), ERR_NOT_SUPPORTED (unknown operation). */
#ifndef XPC_NETPROTO_H
#define XPC_NETPROTO_H

#include <stdint.h>

#define NET_FRAME_MIN 14u   /* an Ethernet header */
#define NET_FRAME_MAX 1514u /* the header and a 1500-byte payload */

enum net_op {
    NET_OP_INFO = 1,
    NET_OP_SEND = 2,
    NET_OP_RECV = 3,
};

#define NET_INFO_LINK_UP 1u

#endif
