/* A bare-metal virtio-net driver run on xpcsim and on QEMU (virtio-mmio, force-legacy=false),
 * both with -netdev user (libslirp): it finds the card, negotiates MAC and STATUS, reads the
 * configuration, sets up the receive and transmit queues and then talks to slirp's gateway the
 * way a booting guest does: DHCP discover and request, an ARP request for 10.0.2.2, ICMP echo
 * to the gateway and to the DNS address. Slirp answers all of these itself, without a host
 * socket, so every frame is the same on both machines: they are printed in full, and the
 * output must match byte for byte but for the "cycles" lines (tests/virtio/run-net.sh checks
 * those on xpcsim). */
#include <stdbool.h>

#include "test.h"

#define SLOT(n)      (MEMMAP_VIRTIO_BASE + (n)*MEMMAP_VIRTIO_SIZE)
#define REG(n, off)  ((volatile uint32_t *)(SLOT(n) + (off)))
#define CFG8(n, off) ((volatile uint8_t *)(SLOT(n) + 0x100 + (off)))

#define PLIC_PRIORITY(src) ((volatile uint32_t *)(MEMMAP_PLIC_BASE + 4 * (src)))
#define PLIC_ENABLE_M      ((volatile uint32_t *)(MEMMAP_PLIC_BASE + 0x2000))
#define PLIC_THRESHOLD_M   ((volatile uint32_t *)(MEMMAP_PLIC_BASE + 0x200000))
#define PLIC_CLAIM_M       ((volatile uint32_t *)(MEMMAP_PLIC_BASE + 0x200004))

enum {
    DEVICE_ID = 0x008,
    DEV_FEATURES = 0x010,
    DEV_FEATURES_SEL = 0x014,
    DRV_FEATURES = 0x020,
    DRV_FEATURES_SEL = 0x024,
    QUEUE_SEL = 0x030,
    QUEUE_NUM_MAX = 0x034,
    QUEUE_NUM = 0x038,
    QUEUE_READY = 0x044,
    QUEUE_NOTIFY = 0x050,
    INT_STATUS = 0x060,
    INT_ACK = 0x064,
    STATUS = 0x070,
    DESC_LO = 0x080,
    DESC_HI = 0x084,
    DRIVER_LO = 0x090,
    DRIVER_HI = 0x094,
    DEVICE_LO = 0x0a0,
    DEVICE_HI = 0x0a4,
};

#define S_ACK       1
#define S_DRIVER    2
#define S_DRIVER_OK 4
#define S_FEAT_OK   8

#define F_MAC       (1ULL << 5)
#define F_STATUS    (1ULL << 16)
#define F_INDIRECT  (1ULL << 28)
#define F_VERSION_1 (1ULL << 32)
#define F_SHOWN     (F_MAC | F_STATUS | F_INDIRECT | F_VERSION_1)

#define QSIZE         8
#define BUF_BYTES     2048
#define HDR_BYTES     12
#define D_WRITE       2
#define NO_INTERRUPT  1
#define RX            0
#define TX            1
#define TIMEOUT_TICKS 10000000 /* 1 s of mtime: a reply that never comes ends the test */

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

struct avail {
    uint16_t flags, idx, ring[QSIZE], used_event;
};

struct used {
    uint16_t flags, idx;
    struct {
        uint32_t id, len;
    } ring[QSIZE];
};

struct queue {
    struct desc table[QSIZE] __attribute__((aligned(4096)));
    struct avail avail __attribute__((aligned(4096)));
    struct used used __attribute__((aligned(4096)));
    uint8_t buf[QSIZE][BUF_BYTES] __attribute__((aligned(64)));
    uint16_t last_used;
};

static struct queue q[2];
static unsigned slot;
static uint8_t mac[6];
static const uint8_t gateway_ip[4] = {10, 0, 2, 2}, dns_ip[4] = {10, 0, 2, 3};
static uint8_t my_ip[4];
static uint8_t gateway_mac[6];

static void fence(void)
{
    asm volatile("fence rw, rw" ::: "memory");
}

static uint64_t cycles(void)
{
    uint64_t c;
    asm volatile("rdcycle %0" : "=r"(c));
    return c;
}

static void label(const char *what, uint64_t v)
{
    print_str(what);
    print_str(" = ");
    print_hex(v);
    print_char('\n');
}

static void print_byte(uint8_t b)
{
    const char *hex = "0123456789abcdef";
    print_char(hex[b >> 4]);
    print_char(hex[b & 15]);
}

static void dump(const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i += 16) {
        print_str("    ");
        for (unsigned j = i; j < n && j < i + 16; j++) {
            print_byte(p[j]);
            print_char(j + 1 < i + 16 && j + 1 < n ? ' ' : '\n');
        }
    }
}

static void setup_queue(unsigned qi)
{
    struct queue *qq = &q[qi];
    *REG(slot, QUEUE_SEL) = qi;
    label("  queue num max", *REG(slot, QUEUE_NUM_MAX));
    *REG(slot, QUEUE_NUM) = QSIZE;
    uint64_t d = (uint64_t)qq->table, a = (uint64_t)&qq->avail, u = (uint64_t)&qq->used;
    *REG(slot, DESC_LO) = (uint32_t)d;
    *REG(slot, DESC_HI) = (uint32_t)(d >> 32);
    *REG(slot, DRIVER_LO) = (uint32_t)a;
    *REG(slot, DRIVER_HI) = (uint32_t)(a >> 32);
    *REG(slot, DEVICE_LO) = (uint32_t)u;
    *REG(slot, DEVICE_HI) = (uint32_t)(u >> 32);
    *REG(slot, QUEUE_READY) = 1;
    for (unsigned i = 0; i < QSIZE; i++)
        qq->table[i] = (struct desc){(uint64_t)qq->buf[i], BUF_BYTES, qi == RX ? D_WRITE : 0, 0};
}

/* Hand receive buffer i (back) to the card. */
static void post_rx(unsigned i)
{
    for (unsigned k = 0; k < BUF_BYTES; k++)
        q[RX].buf[i][k] = 0;
    q[RX].avail.ring[q[RX].avail.idx % QSIZE] = (uint16_t)i;
    fence();
    q[RX].avail.idx++;
    fence();
    *REG(slot, QUEUE_NOTIFY) = RX;
}

static uint64_t t_sent;

static void send(const uint8_t *frame, unsigned len)
{
    struct queue *t = &q[TX];
    unsigned i = t->avail.idx % QSIZE;
    for (unsigned k = 0; k < HDR_BYTES; k++)
        t->buf[i][k] = 0;
    for (unsigned k = 0; k < len; k++)
        t->buf[i][HDR_BYTES + k] = frame[k];
    t->table[i].len = HDR_BYTES + len;
    t->avail.ring[i] = (uint16_t)i;
    fence();
    t->avail.idx++;
    fence();
    t_sent = cycles();
    *REG(slot, QUEUE_NOTIFY) = TX;
}

/* Wait (WFI, woken by the card's interrupt) for the next received frame; print it and return
 * its bytes (after the header) in *frame, or 0 on a timeout. */
static unsigned receive(const uint8_t **frame)
{
    struct queue *r = &q[RX];
    unsigned src = MEMMAP_VIRTIO_IRQ + slot;
    *CLINT_MTIMECMP = *CLINT_MTIME + TIMEOUT_TICKS;
    csr_set(mie, 1ULL << IRQ_M_EXT | 1ULL << IRQ_M_TIMER);
    while (*(volatile uint16_t *)&r->used.idx == r->last_used) {
        if (csr_read(mip) & (1ULL << IRQ_M_TIMER)) {
            print_str("  timeout: no frame\n");
            csr_clear(mie, 1ULL << IRQ_M_EXT | 1ULL << IRQ_M_TIMER);
            return 0;
        }
        if (csr_read(mip) & (1ULL << IRQ_M_EXT)) {
            uint32_t claimed = *PLIC_CLAIM_M;
            *REG(slot, INT_ACK) = *REG(slot, INT_STATUS);
            *PLIC_CLAIM_M = claimed;
            if (claimed != src)
                label("  unexpected interrupt source", claimed);
            continue;
        }
        asm volatile("wfi");
    }
    uint64_t t_received = cycles();
    csr_clear(mie, 1ULL << IRQ_M_EXT | 1ULL << IRQ_M_TIMER);
    *CLINT_MTIMECMP = ~0ULL;
    fence();
    unsigned i = r->used.ring[r->last_used % QSIZE].id,
             len = r->used.ring[r->last_used % QSIZE].len;
    r->last_used++;
    print_str("cycles: send to receive = ");
    print_dec(t_received - t_sent);
    print_char('\n');
    label("  rx buffer", i);
    label("  used len", len);
    print_str("  header:");
    for (unsigned k = 0; k < 10; k++) { /* num_buffers: see docs/devices.md */
        print_char(' ');
        print_byte(r->buf[i][k]);
    }
    print_char('\n');
    unsigned n = len > HDR_BYTES ? len - HDR_BYTES : 0;
    dump(r->buf[i] + HDR_BYTES, n);
    *frame = r->buf[i] + HDR_BYTES;
    return n;
}

static void done_rx(const uint8_t *frame)
{
    post_rx((unsigned)((frame - HDR_BYTES - q[RX].buf[0]) / BUF_BYTES));
}

/* ---- frames ---- */

static uint8_t pkt[600];

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
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void copy(uint8_t *to, const uint8_t *from, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        to[i] = from[i];
}

static void ethernet(const uint8_t *dst, uint16_t type)
{
    copy(pkt, dst, 6);
    copy(pkt + 6, mac, 6);
    put16(pkt + 12, type);
}

/* An IPv4 header at pkt + 14 for `payload` bytes; returns the frame length. */
static unsigned ipv4(const uint8_t *src, const uint8_t *dst, uint8_t proto, unsigned payload)
{
    uint8_t *ip = pkt + 14;
    ip[0] = 0x45;
    ip[1] = 0;
    put16(ip + 2, (uint16_t)(20 + payload));
    put16(ip + 4, 1);
    put16(ip + 6, 0);
    ip[8] = 64;
    ip[9] = proto;
    put16(ip + 10, 0);
    copy(ip + 12, src, 4);
    copy(ip + 16, dst, 4);
    put16(ip + 10, checksum(ip, 20));
    return 14 + 20 + payload;
}

static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* A DHCP message (RFC 2131) from port 68 to 67, broadcast. */
static unsigned dhcp(uint8_t type, const uint8_t *requested)
{
    static const uint8_t zero[4], all[4] = {255, 255, 255, 255};
    ethernet(broadcast, 0x0800);
    uint8_t *udp = pkt + 34, *b = udp + 8;
    for (unsigned i = 0; i < 300; i++)
        b[i] = 0;
    b[0] = 1; /* BOOTREQUEST */
    b[1] = 1; /* Ethernet */
    b[2] = 6;
    b[4] = 0x58, b[5] = 0x50, b[6] = 0x43, b[7] = 0x31; /* xid */
    copy(b + 28, mac, 6);
    b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99; /* magic cookie */
    unsigned o = 240;
    b[o++] = 53, b[o++] = 1, b[o++] = type;
    if (requested) {
        b[o++] = 50, b[o++] = 4;
        copy(b + o, requested, 4);
        o += 4;
        b[o++] = 54, b[o++] = 4;
        copy(b + o, gateway_ip, 4);
        o += 4;
    }
    b[o++] = 255;
    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, 8 + 300);
    put16(udp + 6, 0); /* no UDP checksum */
    return ipv4(zero, all, 17, 8 + 300);
}

/* The DHCP option `code` of a reply, or NULL. */
static const uint8_t *dhcp_option(const uint8_t *f, unsigned len, uint8_t code)
{
    for (unsigned o = 14 + 20 + 8 + 240; o + 1 < len && f[o] != 255;) {
        if (f[o] == 0) {
            o++;
            continue;
        }
        if (f[o] == code)
            return f + o + 2;
        o += 2u + f[o + 1];
    }
    return 0;
}

static uint32_t ip_word(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void do_dhcp(void)
{
    const uint8_t *f;
    print_str("DHCP discover\n");
    send(pkt, dhcp(1, 0));
    unsigned n = receive(&f);
    const uint8_t *type = n ? dhcp_option(f, n, 53) : 0;
    check("  DHCP message type (offer)", type ? *type : 0, 2);
    check("  offered address", n > 62 ? ip_word(f + 58) : 0, 0x0a00020f);
    copy(my_ip, f + 58, 4);
    const uint8_t *router = n ? dhcp_option(f, n, 3) : 0;
    check("  router", router ? ip_word(router) : 0, 0x0a000202);
    if (n)
        done_rx(f);

    print_str("DHCP request\n");
    send(pkt, dhcp(3, my_ip));
    n = receive(&f);
    type = n ? dhcp_option(f, n, 53) : 0;
    check("  DHCP message type (ack)", type ? *type : 0, 5);
    const uint8_t *dns = n ? dhcp_option(f, n, 6) : 0;
    check("  DNS server", dns ? ip_word(dns) : 0, 0x0a000203);
    if (n)
        done_rx(f);
}

static void do_arp(void)
{
    const uint8_t *f;
    print_str("ARP who-has 10.0.2.2\n");
    ethernet(broadcast, 0x0806);
    uint8_t *a = pkt + 14;
    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6, a[5] = 4;
    put16(a + 6, 1); /* request */
    copy(a + 8, mac, 6);
    copy(a + 14, my_ip, 4);
    for (unsigned i = 0; i < 6; i++)
        a[18 + i] = 0;
    copy(a + 24, gateway_ip, 4);
    send(pkt, 42);
    unsigned n = receive(&f);
    check("  ARP opcode (reply)", n >= 42 ? get16(f + 20) : 0, 2);
    check("  sender address", n >= 42 ? ip_word(f + 28) : 0, 0x0a000202);
    if (n >= 42)
        copy(gateway_mac, f + 22, 6);
    if (n)
        done_rx(f);
}

static void do_ping(const uint8_t *to, uint16_t seq)
{
    const uint8_t *f;
    print_str("ICMP echo to ");
    print_dec(to[3]);
    print_char('\n');
    ethernet(gateway_mac, 0x0800);
    uint8_t *icmp = pkt + 34;
    icmp[0] = 8, icmp[1] = 0;
    put16(icmp + 2, 0);
    put16(icmp + 4, 0x5850);
    put16(icmp + 6, seq);
    for (unsigned i = 0; i < 32; i++)
        icmp[8 + i] = (uint8_t)('a' + i % 23);
    put16(icmp + 2, checksum(icmp, 40));
    send(pkt, ipv4(my_ip, to, 1, 40));
    unsigned n = receive(&f);
    check("  ICMP type (echo reply)", n >= 74 ? f[34] : 0xff, 0);
    check("  from", n >= 74 ? ip_word(f + 26) : 0, ip_word(to));
    check("  sequence", n >= 74 ? get16(f + 40) : 0, seq);
    check("  ICMP checksum", n >= 74 ? checksum(f + 34, n - 34) : 1, 0);
    if (n)
        done_rx(f);
}

static void exercise(void)
{
    *REG(slot, STATUS) = 0;
    *REG(slot, STATUS) = S_ACK;
    *REG(slot, STATUS) = S_ACK | S_DRIVER;
    *REG(slot, DEV_FEATURES_SEL) = 0;
    uint64_t f = *REG(slot, DEV_FEATURES);
    *REG(slot, DEV_FEATURES_SEL) = 1;
    f |= (uint64_t)*REG(slot, DEV_FEATURES) << 32;
    label("  device features (shown bits)", f & F_SHOWN);
    uint64_t want = f & (F_VERSION_1 | F_MAC | F_STATUS);
    *REG(slot, DRV_FEATURES_SEL) = 0;
    *REG(slot, DRV_FEATURES) = (uint32_t)want;
    *REG(slot, DRV_FEATURES_SEL) = 1;
    *REG(slot, DRV_FEATURES) = (uint32_t)(want >> 32);
    *REG(slot, STATUS) = S_ACK | S_DRIVER | S_FEAT_OK;
    check("  status after FEATURES_OK", *REG(slot, STATUS), S_ACK | S_DRIVER | S_FEAT_OK);
    print_str("  mac ");
    for (unsigned i = 0; i < 6; i++) {
        mac[i] = *CFG8(slot, i);
        print_byte(mac[i]);
        print_char(i < 5 ? ':' : '\n');
    }
    label("  link status", *CFG8(slot, 6) | *CFG8(slot, 7) << 8);
    setup_queue(RX);
    setup_queue(TX);
    q[TX].avail.flags = NO_INTERRUPT; /* only frames received wake the driver */
    *REG(slot, STATUS) = S_ACK | S_DRIVER | S_FEAT_OK | S_DRIVER_OK;

    unsigned src = MEMMAP_VIRTIO_IRQ + slot;
    *PLIC_PRIORITY(src) = 1;
    *PLIC_ENABLE_M = 1u << src;
    *PLIC_THRESHOLD_M = 0;
    for (unsigned i = 0; i < QSIZE; i++)
        post_rx(i);

    do_dhcp();
    do_arp();
    do_ping(gateway_ip, 1);
    do_ping(dns_ip, 2);
    label("transmitted (tx used idx)", q[TX].used.idx);
    *REG(slot, STATUS) = 0;
    check("status after reset", *REG(slot, STATUS), 0);
}

int main(void)
{
    unsigned cards = 0;
    for (unsigned n = MEMMAP_VIRTIO_COUNT; n-- > 0;) {
        if (*REG(n, DEVICE_ID) != 1)
            continue;
        print_str("network card in slot ");
        print_dec(n);
        print_char('\n');
        if (!cards++) {
            slot = n;
            exercise();
        }
    }
    label("network cards", cards);
    test_finish(cards ? 0 : 1);
}
