/* A bare-metal virtio-blk driver run on xpcsim and on QEMU (virtio-mmio, force-legacy=false):
 * it lists the eight transports, then on every block device found does what a kernel does:
 * reset, feature negotiation, queue setup, a read woken by the interrupt (WFI, PLIC claim),
 * reads, a write, a flush, the write read back, GET_ID, a read through an indirect table, an
 * out-of-range read, an unknown request, and finally a malformed chain that must end in
 * DEVICE_NEEDS_RESET. Everything it prints must be the same on both machines, except the "cycles"
 * lines, which tests/virtio/run.sh checks on xpcsim alone. */
#include <stdbool.h>

#include "test.h"

#define SLOT(n)       (MEMMAP_VIRTIO_BASE + (n)*MEMMAP_VIRTIO_SIZE)
#define REG(n, off)   ((volatile uint32_t *)(SLOT(n) + (off)))
#define CFG32(n, off) ((volatile uint32_t *)(SLOT(n) + 0x100 + (off)))

#define PLIC_PRIORITY(src) ((volatile uint32_t *)(MEMMAP_PLIC_BASE + 4 * (src)))
#define PLIC_ENABLE_M      ((volatile uint32_t *)(MEMMAP_PLIC_BASE + 0x2000))
#define PLIC_THRESHOLD_M   ((volatile uint32_t *)(MEMMAP_PLIC_BASE + 0x200000))
#define PLIC_CLAIM_M       ((volatile uint32_t *)(MEMMAP_PLIC_BASE + 0x200004))

enum {
    MAGIC = 0x000,
    VERSION = 0x004,
    DEVICE_ID = 0x008,
    VENDOR = 0x00c,
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

#define S_ACK         1
#define S_DRIVER      2
#define S_DRIVER_OK   4
#define S_FEAT_OK     8
#define S_NEEDS_RESET 0x40

#define F_SEG_MAX   (1ULL << 2)
#define F_RO        (1ULL << 5)
#define F_BLK_SIZE  (1ULL << 6)
#define F_FLUSH     (1ULL << 9)
#define F_INDIRECT  (1ULL << 28)
#define F_VERSION_1 (1ULL << 32)
#define F_SHOWN     (F_SEG_MAX | F_RO | F_BLK_SIZE | F_FLUSH | F_INDIRECT | F_VERSION_1)

#define T_IN     0
#define T_OUT    1
#define T_FLUSH  4
#define T_GET_ID 8

#define QSIZE      8
#define D_NEXT     1
#define D_WRITE    2
#define D_INDIRECT 4

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static struct desc table[QSIZE] __attribute__((aligned(4096)));
static struct {
    uint16_t flags, idx, ring[QSIZE], used_event;
} avail __attribute__((aligned(4096)));
static struct {
    uint16_t flags, idx;
    struct {
        uint32_t id, len;
    } ring[QSIZE];
} used __attribute__((aligned(4096)));
static struct desc indirect[4] __attribute__((aligned(16)));
static struct {
    uint32_t type, reserved;
    uint64_t sector;
} hdr;
static uint8_t data[8 * 512] __attribute__((aligned(64)));
static volatile uint8_t status_byte;
static uint16_t last_used;

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

static uint64_t fnv(const uint8_t *p, unsigned n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

static void label(const char *what, uint64_t v)
{
    print_str(what);
    print_str(" = ");
    print_hex(v);
    print_char('\n');
}

/* Offer chain `head`, notify, and wait on the used ring; returns the used length. */
static uint32_t submit_and_poll(unsigned slot, uint16_t head)
{
    avail.ring[avail.idx % QSIZE] = head;
    fence();
    avail.idx++;
    fence();
    *REG(slot, QUEUE_NOTIFY) = 0;
    while (*(volatile uint16_t *)&used.idx == last_used)
        ;
    fence();
    uint32_t len = used.ring[last_used % QSIZE].len;
    label("  used id", used.ring[last_used % QSIZE].id);
    last_used++;
    *REG(slot, INT_ACK) = *REG(slot, INT_STATUS);
    return len;
}

/* header -> [data] -> status, data device-writable for reads. */
static uint8_t request(unsigned slot, uint32_t type, uint64_t sector, uint32_t len, bool wait_irq)
{
    hdr.type = type;
    hdr.sector = sector;
    status_byte = 0xff;
    table[0] = (struct desc){(uint64_t)&hdr, 16, D_NEXT, 1};
    bool to_device = type == T_OUT;
    if (len) {
        table[1] = (struct desc){(uint64_t)data, len, D_NEXT | (to_device ? 0 : D_WRITE), 2};
        table[0].next = 1;
    } else {
        table[0].next = 2;
    }
    table[2] = (struct desc){(uint64_t)&status_byte, 1, D_WRITE, 0};
    uint32_t used_len;
    if (wait_irq) {
        /* Wait for the interrupt: WFI with MIE off still wakes on a pending, enabled MEIP. */
        unsigned src = MEMMAP_VIRTIO_IRQ + slot;
        *PLIC_PRIORITY(src) = 1;
        *PLIC_ENABLE_M = 1u << src;
        *PLIC_THRESHOLD_M = 0;
        csr_set(mie, 1ULL << IRQ_M_EXT);
        avail.ring[avail.idx % QSIZE] = 0;
        fence();
        avail.idx++;
        fence();
        uint64_t t0 = cycles();
        *REG(slot, QUEUE_NOTIFY) = 0;
        while (!(csr_read(mip) & (1ULL << IRQ_M_EXT)))
            asm volatile("wfi");
        uint64_t t1 = cycles();
        uint32_t claimed = *PLIC_CLAIM_M;
        label("  claimed source", claimed);
        label("  interrupt status", *REG(slot, INT_STATUS));
        *REG(slot, INT_ACK) = *REG(slot, INT_STATUS);
        *PLIC_CLAIM_M = claimed;
        csr_clear(mie, 1ULL << IRQ_M_EXT);
        *PLIC_ENABLE_M = 0;
        fence();
        label("  used idx", used.idx);
        used_len = used.ring[last_used % QSIZE].len;
        last_used++;
        print_str("cycles: notify to interrupt, ");
        print_dec(len / 512);
        print_str(" sectors = ");
        print_dec(t1 - t0);
        print_char('\n');
    } else {
        used_len = submit_and_poll(slot, 0);
    }
    label("  used len", used_len);
    label("  status", status_byte);
    return status_byte;
}

static void setup(unsigned slot, uint64_t *features)
{
    *REG(slot, STATUS) = 0;
    *REG(slot, STATUS) = S_ACK;
    *REG(slot, STATUS) = S_ACK | S_DRIVER;
    *REG(slot, DEV_FEATURES_SEL) = 0;
    uint64_t f = *REG(slot, DEV_FEATURES);
    *REG(slot, DEV_FEATURES_SEL) = 1;
    f |= (uint64_t)*REG(slot, DEV_FEATURES) << 32;
    label("  device features (shown bits)", f & F_SHOWN);
    uint64_t want = f & (F_VERSION_1 | F_FLUSH | F_RO | F_BLK_SIZE | F_INDIRECT);
    *REG(slot, DRV_FEATURES_SEL) = 0;
    *REG(slot, DRV_FEATURES) = (uint32_t)want;
    *REG(slot, DRV_FEATURES_SEL) = 1;
    *REG(slot, DRV_FEATURES) = (uint32_t)(want >> 32);
    *REG(slot, STATUS) = S_ACK | S_DRIVER | S_FEAT_OK;
    check("  status after FEATURES_OK", *REG(slot, STATUS), S_ACK | S_DRIVER | S_FEAT_OK);
    uint64_t capacity = *CFG32(slot, 0) | (uint64_t)*CFG32(slot, 4) << 32;
    label("  capacity", capacity);
    label("  blk_size", *CFG32(slot, 20));
    label("  seg_max", *CFG32(slot, 12));
    *REG(slot, QUEUE_SEL) = 0;
    label("  queue num max", *REG(slot, QUEUE_NUM_MAX));
    check("  queue ready before setup", *REG(slot, QUEUE_READY), 0);
    for (unsigned i = 0; i < sizeof used; i++)
        ((volatile uint8_t *)&used)[i] = 0;
    avail.idx = 0;
    avail.flags = 0;
    last_used = 0;
    *REG(slot, QUEUE_NUM) = QSIZE;
    *REG(slot, DESC_LO) = (uint32_t)(uint64_t)table;
    *REG(slot, DESC_HI) = (uint32_t)((uint64_t)table >> 32);
    *REG(slot, DRIVER_LO) = (uint32_t)(uint64_t)&avail;
    *REG(slot, DRIVER_HI) = (uint32_t)((uint64_t)&avail >> 32);
    *REG(slot, DEVICE_LO) = (uint32_t)(uint64_t)&used;
    *REG(slot, DEVICE_HI) = (uint32_t)((uint64_t)&used >> 32);
    *REG(slot, QUEUE_READY) = 1;
    check("  queue ready", *REG(slot, QUEUE_READY), 1);
    *REG(slot, STATUS) = S_ACK | S_DRIVER | S_FEAT_OK | S_DRIVER_OK;
    *features = want;
}

static void print_tag(void)
{
    print_str("  tag: ");
    for (unsigned i = 0; i < 16 && data[i] >= 0x20 && data[i] < 0x7f; i++)
        print_char((char)data[i]);
    print_char('\n');
}

static void exercise(unsigned slot)
{
    uint64_t features;
    setup(slot, &features);
    uint64_t capacity = *CFG32(slot, 0) | (uint64_t)*CFG32(slot, 4) << 32;

    print_str("  read sector 0 (by interrupt)\n");
    request(slot, T_IN, 0, 512, true);
    print_tag();

    print_str("  read sectors 2-9\n");
    request(slot, T_IN, 2, 8 * 512, true);
    label("  hash", fnv(data, sizeof data));

    print_str("  write sector 1\n");
    for (unsigned i = 0; i < 512; i++)
        data[i] = (uint8_t)(i * 3 + slot);
    uint8_t wrote = request(slot, T_OUT, 1, 512, false);
    if (features & F_FLUSH) {
        print_str("  flush\n");
        request(slot, T_FLUSH, 0, 0, false);
    }
    print_str("  read sector 1 back\n");
    for (unsigned i = 0; i < 512; i++)
        data[i] = 0;
    request(slot, T_IN, 1, 512, false);
    unsigned same = 0;
    for (unsigned i = 0; i < 512; i++)
        same += data[i] == (uint8_t)(i * 3 + slot);
    label("  bytes as written", same);
    if (wrote == 0)
        check("  a completed write reads back", same, 512);

    print_str("  get id\n");
    for (unsigned i = 0; i < 24; i++)
        data[i] = 0xee;
    request(slot, T_GET_ID, 0, 20, false);
    print_str("  id: ");
    for (unsigned i = 0; i < 20 && data[i] && data[i] != 0xee; i++)
        print_char((char)data[i]);
    print_char('\n');

    print_str("  read sector 3 through an indirect table\n");
    hdr.type = T_IN;
    hdr.sector = 3;
    status_byte = 0xff;
    indirect[0] = (struct desc){(uint64_t)&hdr, 16, D_NEXT, 1};
    indirect[1] = (struct desc){(uint64_t)data, 512, D_NEXT | D_WRITE, 2};
    indirect[2] = (struct desc){(uint64_t)&status_byte, 1, D_WRITE, 0};
    table[4] = (struct desc){(uint64_t)indirect, 3 * sizeof(struct desc), D_INDIRECT, 0};
    label("  used len", submit_and_poll(slot, 4));
    label("  status", status_byte);
    label("  hash", fnv(data, 512));

    print_str("  read past the end\n");
    check("  status", request(slot, T_IN, capacity, 512, false), 1);
    print_str("  unknown request type\n");
    check("  status", request(slot, 99, 0, 0, false), 2);

    /* (A buffer outside RAM is another such case on xpcsim, but QEMU maps unassigned addresses
     * through a bounce buffer and carries on, so only the unit tests check that one.) */
    print_str("  a descriptor chain that loops\n");
    table[0] = (struct desc){(uint64_t)&hdr, 16, D_NEXT, 1};
    table[1] = (struct desc){(uint64_t)data, 512, D_NEXT, 0};
    hdr.type = T_IN;
    hdr.sector = 0;
    avail.ring[avail.idx % QSIZE] = 0;
    fence();
    avail.idx++;
    fence();
    *REG(slot, QUEUE_NOTIFY) = 0;
    uint32_t st = 0;
    for (int i = 0; i < 1000000 && !(st & S_NEEDS_RESET); i++)
        st = *REG(slot, STATUS);
    check("  status", st, S_ACK | S_DRIVER | S_FEAT_OK | S_DRIVER_OK | S_NEEDS_RESET);
    check("  interrupt status", *REG(slot, INT_STATUS) & 2, 2);
    *REG(slot, STATUS) = 0;
    check("  status after reset", *REG(slot, STATUS), 0);
}

int main(void)
{
    unsigned disks = 0;
    for (unsigned n = 0; n < MEMMAP_VIRTIO_COUNT; n++) {
        print_str("slot ");
        print_dec(n);
        print_str(": magic ");
        print_hex(*REG(n, MAGIC));
        print_str(" version ");
        print_dec(*REG(n, VERSION));
        print_str(" device ");
        print_dec(*REG(n, DEVICE_ID));
        print_str(" vendor ");
        print_hex(*REG(n, VENDOR));
        print_char('\n');
    }
    for (unsigned n = 0; n < MEMMAP_VIRTIO_COUNT; n++) {
        if (*REG(n, DEVICE_ID) != 2)
            continue;
        print_str("block device in slot ");
        print_dec(n);
        print_char('\n');
        exercise(n);
        disks++;
    }
    label("block devices", disks);
    test_finish(disks ? 0 : 1);
}
