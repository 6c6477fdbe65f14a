/* An lwIP network interface on the frame protocol (netproto.h): frames go to and come from a
 * network card's driver server (netvirtio) over any transport. */
#ifndef LWIP_FRAMENETIF_H
#define LWIP_FRAMENETIF_H

#include <stdint.h>
#include <xpc/transport.h>

#include "lwip/netif.h"

/* Adds the interface with a static address (host byte order) and brings it up; the MAC comes
 * from the driver. 0 or an error. */
int64_t framenetif_add(struct netif *nif, struct tp_conn *driver, uint32_t addr, uint32_t mask,
                       uint32_t gateway);
/* Hands lwIP the next frame the driver has, waiting up to wait_ns for one: 1 if one came, 0 if
 * not, or an error. */
int64_t framenetif_poll(struct netif *nif, uint64_t wait_ns);

#endif
