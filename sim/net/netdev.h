/* QEMU's network options: -netdev user, -device virtio-net-device and the short -nic user, and
 * the virtio-mmio slot each network card lands in.
 *
 *   -netdev user,id=ID[,net=ADDR[/MASK]][,host=ADDR][,dhcpstart=ADDR][,dns=ADDR]
 *          [,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...[,restrict=on|off]
 *          [,ipv4=on][,ipv6=on|off][,hostname=NAME]
 *   -device virtio-net-device,netdev=ID[,mac=52:54:00:12:34:56][,id=X]
 *   -nic user[,mac=...][,model=virtio-net-device][,the -netdev user options]   (short form)
 *   -nic none                                                                     (no card)
 *
 * Cards and disks named by -device share the slots in command-line order, highest first, as on
 * QEMU's virt board; if=virtio disks follow, then -nic cards. Every -netdev must be named by
 * exactly one card. */
#ifndef SIM_NET_NETDEV_H
#define SIM_NET_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#include "machine.h"

#define NETDEV_MAX         8
#define NETDEV_MAX_HOSTFWD 8

struct netdev_hostfwd {
    bool udp;
    struct in_addr host_addr, guest_addr;
    int host_port, guest_port;
    const char *text; /* as given, for messages */
};

/* One -netdev user: the guest network slirp emulates (QEMU's defaults unless set). */
struct netdev_user {
    const char *id;
    struct in_addr net, mask, host, dhcp_start, dns;
    bool ipv6, restricted;
    const char *hostname;
    struct netdev_hostfwd fwd[NETDEV_MAX_HOSTFWD];
    unsigned nfwd;
    bool used;
};

struct netdev_card {
    unsigned netdev;
    uint8_t mac[6];
    bool mac_set;
    unsigned disks_before; /* -device disks on the command line before this card */
    bool short_form;       /* from -nic: after every disk */
};

struct netdev_set {
    struct netdev_user netdevs[NETDEV_MAX];
    unsigned nnetdevs;
    struct netdev_card cards[NETDEV_MAX];
    unsigned ncards;
    char nic_ids[NETDEV_MAX][16]; /* the ids -nic makes up for its netdevs */
};

/* One argument, split in place (the strings stay in it). 0, or -1 with a one-line message; a
 * rejected argument leaves the set as it was. disks_before: the -device disks parsed so far. */
int netdev_parse(struct netdev_set *s, char *arg, char *err, size_t errlen);
int netdev_device_parse(struct netdev_set *s, char *arg, unsigned disks_before, char *err,
                        size_t errlen);
int netdev_nic_parse(struct netdev_set *s, char *arg, char *err, size_t errlen);
/* Is this -device argument a network card (for netdev_device_parse)? */
bool netdev_is_net_device(const char *arg);
/* After drive_assign() placed the disks: put the cards in among them, in QEMU's order. */
int netdev_assign(struct netdev_set *s, struct machine_config *cfg, unsigned device_disks,
                  char *err, size_t errlen);

#endif
