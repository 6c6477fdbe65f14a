/* The user-mode network behind a card: Debian's libslirp (the library QEMU's -netdev user uses)
 * emulating a guest network with a gateway (10.0.2.2), a DHCP server, a DNS forwarder (10.0.2.3)
 * and host ports forwarded in (hostfwd), through ordinary host sockets.
 *
 * Time: slirp reads the machine's modeled clock, never the host's, so its timers (TCP's delayed
 * ACKs and retransmissions, IPv6 router advertisements) run in guest time. Host sockets are polled
 * without waiting whenever the machine looks at its events (at least every million cycles); a
 * frame from the host therefore arrives at whatever modeled cycle the machine has reached, which
 * is host pace, while traffic between the guest and slirp alone (ARP, DHCP, ICMP to the gateway)
 * touches no host socket and arrives at the same cycle on every run. */
#ifndef SIM_NET_USER_H
#define SIM_NET_USER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/virtio_net.h"
#include "net/netdev.h"

/* The modeled clock slirp runs on: cycles at core_hz. */
struct net_clock {
    const uint64_t *cycle;
    uint64_t core_hz;
};

struct net_user;
/* Starts slirp and its host forwards. NULL with one line (a port in use: the rule and why). */
struct net_user *net_user_open(const struct netdev_user *cfg, struct net_clock clock, char *err,
                               size_t errlen);
void net_user_close(struct net_user *u);
/* Where slirp's frames go (the card). */
void net_user_connect(struct net_user *u, struct net_peer guest);
/* The network as the card's peer: frames sent to it enter slirp. */
struct net_peer net_user_as_peer(struct net_user *u);
/* Host sockets (without waiting) and slirp's timers at the current modeled time. Returns the
 * modeled cycle at which slirp has a timer due, or UINT64_MAX. */
uint64_t net_user_poll(struct net_user *u);
/* For a machine with nothing to do but wait: the host sockets slirp listens on, into fds (at
 * most max). Returns how many. */
unsigned net_user_pollfds(struct net_user *u, struct pollfd *fds, unsigned max);

#endif
