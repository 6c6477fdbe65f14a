/* -netdev, -device virtio-net-device and -nic: QEMU's defaults, hostfwd rules, and the slots
 * cards and disks share in command-line order. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "net/netdev.h"

static struct netdev_set s;
static struct machine_config cfg;
static char err[256];

static void reset(void)
{
    memset(&s, 0, sizeof s);
    memset(&cfg, 0, sizeof cfg);
    err[0] = '\0';
}

TestSuite(netdev, .init = reset);

static int netdev(const char *arg)
{
    static char buf[8][256];
    static unsigned k;
    char *b = buf[k++ % 8];
    strcpy(b, arg);
    return netdev_parse(&s, b, err, sizeof err);
}

static int card(const char *arg, unsigned disks_before)
{
    static char buf[8][256];
    static unsigned k;
    char *b = buf[k++ % 8];
    strcpy(b, arg);
    return netdev_device_parse(&s, b, disks_before, err, sizeof err);
}

static uint32_t addr(struct in_addr a)
{
    return ntohl(a.s_addr);
}

Test(netdev, qemu_defaults)
{
    cr_assert_eq(netdev("user,id=n0"), 0, "%s", err);
    const struct netdev_user *u = &s.netdevs[0];
    cr_expect_eq(addr(u->net), 0x0a000200);
    cr_expect_eq(addr(u->mask), 0xffffff00);
    cr_expect_eq(addr(u->host), 0x0a000202);
    cr_expect_eq(addr(u->dhcp_start), 0x0a00020f);
    cr_expect_eq(addr(u->dns), 0x0a000203);
    cr_expect(u->ipv6);
    cr_expect_not(u->restricted);
}

Test(netdev, another_network_moves_every_address)
{
    cr_assert_eq(netdev("user,id=n0,net=192.168.76.0/24,ipv6=off,restrict=on"), 0, "%s", err);
    const struct netdev_user *u = &s.netdevs[0];
    cr_expect_eq(addr(u->host), 0xc0a84c02);
    cr_expect_eq(addr(u->dhcp_start), 0xc0a84c0f);
    cr_expect_eq(addr(u->dns), 0xc0a84c03);
    cr_expect_not(u->ipv6);
    cr_expect(u->restricted);
}

Test(netdev, hostfwd_rules)
{
    cr_assert_eq(netdev("user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp::5353-10.0.2.9:53"),
                 0, "%s", err);
    const struct netdev_user *u = &s.netdevs[0];
    cr_assert_eq(u->nfwd, 2);
    cr_expect_not(u->fwd[0].udp);
    cr_expect_eq(addr(u->fwd[0].host_addr), 0x7f000001);
    cr_expect_eq(u->fwd[0].host_port, 8080);
    cr_expect_eq(addr(u->fwd[0].guest_addr), 0x0a00020f, "the DHCP address by default");
    cr_expect_eq(u->fwd[0].guest_port, 80);
    cr_expect(u->fwd[1].udp);
    cr_expect_eq(addr(u->fwd[1].host_addr), 0, "any host address");
    cr_expect_eq(addr(u->fwd[1].guest_addr), 0x0a000209);
    cr_expect_neq(netdev("user,id=n1,hostfwd=tcp:127.0.0.1:80"), 0);
    cr_expect_neq(netdev("user,id=n1,hostfwd=sctp::1-:2"), 0);
    cr_expect_neq(netdev("user,id=n1,hostfwd=tcp::70000-:80"), 0);
    cr_expect_neq(netdev("user,id=n1,hostfwd=tcp::1-:0"), 0);
    cr_expect_eq(s.nnetdevs, 1, "rejected arguments leave the set alone");
}

Test(netdev, cards_and_disks_share_the_slots_in_command_line_order)
{
    /* -device blk(d0) -device net(n0) -device blk(d1) -nic user, and one if=virtio disk:
     * d0 -> 7, n0 -> 6, d1 -> 5, the if=virtio disk -> 4, the -nic card -> 3. */
    cfg.drives[7].path = "d0";
    cfg.drives[6].path = "d1";
    cfg.drives[5].path = "virtio";
    cr_assert_eq(netdev("user,id=n0"), 0);
    cr_assert_eq(card("virtio-net-device,netdev=n0", 1), 0, "%s", err);
    char nic[] = "user,mac=52:54:00:aa:bb:cc";
    cr_assert_eq(netdev_nic_parse(&s, nic, err, sizeof err), 0, "%s", err);
    cr_assert_eq(netdev_assign(&s, &cfg, 2, err, sizeof err), 0, "%s", err);
    cr_expect_str_eq(cfg.drives[7].path, "d0");
    cr_expect_null(cfg.drives[6].path);
    cr_expect_eq(cfg.nics[6].netdev, &s.netdevs[0]);
    cr_expect_eq(cfg.nics[6].mac[5], 0x56, "QEMU's first default MAC");
    cr_expect_str_eq(cfg.drives[5].path, "d1");
    cr_expect_str_eq(cfg.drives[4].path, "virtio");
    cr_expect_eq(cfg.nics[3].netdev, &s.netdevs[1]);
    cr_expect_eq(cfg.nics[3].mac[3], 0xaa);
    cr_expect_null(cfg.nics[7].netdev);
}

Test(netdev, every_netdev_needs_one_card)
{
    cr_assert_eq(netdev("user,id=n0"), 0);
    cr_expect_neq(netdev_assign(&s, &cfg, 0, err, sizeof err), 0);
    cr_expect(strstr(err, "no network card uses it"), "%s", err);
    cr_expect_eq(card("virtio-net-device,netdev=n0", 0), 0);
    cr_expect_neq(card("virtio-net-device,netdev=n0", 0), 0, "in use");
    cr_expect_neq(card("virtio-net-device,netdev=n9", 0), 0, "unknown");
    cr_expect_neq(card("virtio-net-device,netdev=n0,mac=ff:ff:ff:ff:ff:ff", 0), 0);
}

Test(netdev, more_than_eight_devices)
{
    for (unsigned i = 0; i < 7; i++)
        cfg.drives[7 - i].path = "disk";
    cr_assert_eq(netdev("user,id=a"), 0);
    cr_assert_eq(netdev("user,id=b"), 0);
    cr_assert_eq(card("virtio-net-device,netdev=a", 7), 0);
    cr_assert_eq(card("virtio-net-device,netdev=b", 7), 0);
    cr_expect_neq(netdev_assign(&s, &cfg, 7, err, sizeof err), 0);
    cr_expect(strstr(err, "virtio-mmio slots"), "%s", err);
}
