/* nettest: the frame protocol (netproto.h) over each transport, on the virtio-net card the
 * kernel test run attaches (-netdev user): the card's MAC and link, an ARP request for slirp's
 * gateway and its reply, an ICMP echo to the gateway and its reply, the driver's refusals, and
 * nothing left behind. Reports {passed, failed} to init. Without a card it says so and checks
 * only that the driver refuses to start. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/device.h>
#include <xpc/transport.h>
#include <xpc/netproto.h>
#include <xpc/memmap.h>
#include "../tests/harness.h"

unsigned long tests_passed, tests_failed;
uint64_t root_resource;

#define WAIT_NS 50000000ull /* slirp answers at once; 50 ms of modeled time is plenty */

static const uint8_t my_ip[4] = {10, 0, 2, 15}, gateway_ip[4] = {10, 0, 2, 2};
static uint8_t my_mac[6], gateway_mac[6];
static uint8_t frame[NET_FRAME_MAX];

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t checksum(const uint8_t *p, unsigned n)
{
    uint32_t sum = 0;
    for (unsigned i = 0; i + 1 < n; i += 2)
        sum += get16(p + i);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static int64_t net(struct tp_conn *c, uint32_t op, uint64_t arg, void *buf, size_t len, size_t cap,
                   struct tp_req *out)
{
    struct tp_req r = {.op = op, .arg = {arg}, .buf = buf, .len = len, .cap = cap};
    int64_t st = tp_call(c, &r);
    if (out)
        *out = r;
    return st;
}

/* The next frame of `type` (ARP 0x0806, IPv4 0x0800) into frame[]; its length or 0. */
static size_t receive(struct tp_conn *c, uint16_t type)
{
    for (int tries = 0; tries < 8; tries++) {
        struct tp_req r;
        if (net(c, NET_OP_RECV, WAIT_NS, frame, 0, sizeof frame, &r) != 0)
            return 0;
        if (r.len >= 14 && get16(frame + 12) == type)
            return r.len;
    }
    return 0;
}

static void arp(struct tp_conn *c)
{
    memset(frame, 0xff, 6);
    memcpy(frame + 6, my_mac, 6);
    put16(frame + 12, 0x0806);
    uint8_t *a = frame + 14;
    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6, a[5] = 4;
    put16(a + 6, 1);
    memcpy(a + 8, my_mac, 6);
    memcpy(a + 14, my_ip, 4);
    memset(a + 18, 0, 6);
    memcpy(a + 24, gateway_ip, 4);
    CHECK_EQ(net(c, NET_OP_SEND, 0, frame, 42, 42, NULL), 0);
    size_t n = receive(c, 0x0806);
    CHECK(n >= 42);
    CHECK_EQ(get16(frame + 20), 2); /* a reply */
    CHECK(memcmp(frame + 28, gateway_ip, 4) == 0);
    CHECK(memcmp(frame + 32, my_mac, 6) == 0);
    memcpy(gateway_mac, frame + 22, 6);
}

static void ping(struct tp_conn *c, uint16_t seq)
{
    memcpy(frame, gateway_mac, 6);
    memcpy(frame + 6, my_mac, 6);
    put16(frame + 12, 0x0800);
    uint8_t *ip = frame + 14, *icmp = ip + 20;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, 20 + 64);
    ip[8] = 64;
    ip[9] = 1;
    memcpy(ip + 12, my_ip, 4);
    memcpy(ip + 16, gateway_ip, 4);
    put16(ip + 10, checksum(ip, 20));
    memset(icmp, 0, 64);
    icmp[0] = 8;
    put16(icmp + 4, 0x4e54);
    put16(icmp + 6, seq);
    for (unsigned i = 8; i < 64; i++)
        icmp[i] = (uint8_t)(seq + i);
    put16(icmp + 2, checksum(icmp, 64));
    CHECK_EQ(net(c, NET_OP_SEND, 0, frame, 14 + 20 + 64, 14 + 20 + 64, NULL), 0);
    size_t n = receive(c, 0x0800);
    CHECK(n >= 14 + 20 + 64);
    CHECK_EQ(icmp[0], 0); /* an echo reply */
    CHECK_EQ(get16(icmp + 6), seq);
    CHECK(memcmp(ip + 12, gateway_ip, 4) == 0);
    CHECK_EQ(icmp[63], (uint8_t)(seq + 63));
    CHECK_EQ(checksum(icmp, 64), 0);
}

static int64_t start_driver(enum tp_kind kind, struct tp_service *svc)
{
    int64_t res = sys_resource_create(root_resource, MEMMAP_VIRTIO_BASE,
                                      MEMMAP_VIRTIO_COUNT * MEMMAP_VIRTIO_SIZE, MEMMAP_VIRTIO_IRQ,
                                      MEMMAP_VIRTIO_COUNT);
    if (res < 0)
        return res;
    uint64_t h = (uint64_t)res;
    char args[32];
    snprintf(args, sizeof(args), "net=%s", tp_kind_name(kind));
    return tp_service_start("netvirtio", args, &h, 1, svc);
}

/* One transport: 0 when the machine has no card. */
static int exercise(enum tp_kind kind)
{
    struct tp_service svc;
    if (start_driver(kind, &svc) < 0)
        return 0;
    struct tp_conn c;
    int64_t e = tp_connect(svc.handle, 4096, &c);
    CHECK_EQ(e, 0);
    if (e == 0) {
        struct tp_req info;
        CHECK_EQ(net(&c, NET_OP_INFO, 0, NULL, 0, 0, &info), 0);
        CHECK_EQ(info.res[0], 0x525400123456ull); /* QEMU's first default MAC, on both */
        CHECK_EQ(info.res[1], NET_FRAME_MAX);
        CHECK_EQ(info.res[2] & NET_INFO_LINK_UP, NET_INFO_LINK_UP);
        for (int i = 0; i < 6; i++)
            my_mac[i] = (uint8_t)(info.res[0] >> (40 - 8 * i));
        arp(&c);
        ping(&c, (uint16_t)(kind * 10 + 1));
        ping(&c, (uint16_t)(kind * 10 + 2));
        /* Refusals. */
        CHECK_EQ(net(&c, NET_OP_SEND, 0, frame, 10, 10, NULL), ERR_INVALID_ARGS);
        CHECK_EQ(net(&c, NET_OP_SEND, 0, frame, 2000, 2000, NULL), ERR_INVALID_ARGS);
        CHECK_EQ(net(&c, NET_OP_RECV, 0, frame, 0, 100, NULL), ERR_INVALID_ARGS);
        CHECK_EQ(net(&c, NET_OP_RECV, 0, frame, 0, sizeof frame, NULL), ERR_SHOULD_WAIT);
        CHECK_EQ(net(&c, NET_OP_RECV, 1000000, frame, 0, sizeof frame, NULL), ERR_SHOULD_WAIT);
        CHECK_EQ(net(&c, 99, 0, NULL, 0, 0, NULL), ERR_NOT_SUPPORTED);
        tp_close(&c);
    }
    tp_service_stop(&svc);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: nettest   (from init, which sends the root resource)\n"
               "  the frame protocol on the virtio-net card, each transport\n");
        return 0;
    }
    char tag[8];
    uint64_t actual;
    sys_channel_read(xpc_bootstrap_handle, tag, sizeof(tag), &root_resource, 1, &actual, 0);
    struct kstats before, after;
    sys_kstats(&before);
    static const enum tp_kind kinds[] = {TP_XPC, TP_ENDPOINT, TP_CHANNEL};
    int cards = 0;
    for (unsigned i = 0; i < 3; i++) {
        unsigned long p = tests_passed, f = tests_failed;
        cards += exercise(kinds[i]);
        printf("nettest: %-8s %lu passed, %lu failed\n", tp_kind_name(kinds[i]), tests_passed - p,
               tests_failed - f);
    }
    if (!cards)
        printf("nettest: no virtio-net card: nothing to drive\n");
    sys_kstats(&after);
    CHECK_EQ(after.objects[OBJ_PROCESS], before.objects[OBJ_PROCESS]);
    CHECK_EQ(after.objects[OBJ_VMO], before.objects[OBJ_VMO]);
    CHECK_EQ(after.objects[OBJ_RESOURCE], before.objects[OBJ_RESOURCE]);
    CHECK_EQ(after.objects[OBJ_INTERRUPT], before.objects[OBJ_INTERRUPT]);
    uint64_t counts[2] = {tests_passed, tests_failed};
    sys_channel_write(xpc_bootstrap_handle, counts, sizeof(counts), NULL, 0);
    return tests_failed != 0;
}
