/* The virtio-mmio transport: registers as QEMU's (version 2), feature negotiation, queue setup,
 * descriptor chains (direct and indirect), completion after the modeled latency with the
 * interrupt through the PLIC, and every kind of malformed input ending in DEVICE_NEEDS_RESET
 * without touching memory outside guest RAM (ASan watches). */
#include "virtio_driver.h"

TestSuite(virtio_mmio, .init = vt_setup, .fini = vt_teardown);

Test(virtio_mmio, identification_registers)
{
    cr_expect_eq(rd(R_MAGIC), 0x74726976);
    cr_expect_eq(rd(R_VERSION), 2);
    cr_expect_eq(rd(R_DEVICE_ID), 2);
    cr_expect_eq(rd(R_VENDOR), 0x554d4551);
    wr(R_DEV_FEAT_SEL, 1);
    cr_expect_eq(rd(R_DEV_FEAT), 1u << (VIRTIO_F_VERSION_1 - 32));
    wr(R_DEV_FEAT_SEL, 0);
    uint32_t f = rd(R_DEV_FEAT);
    cr_expect(f & 1u << VIRTIO_F_RING_INDIRECT_DESC);
    cr_expect(f & 1u << VIRTIO_BLK_F_FLUSH);
    cr_expect(f & 1u << VIRTIO_BLK_F_BLK_SIZE);
    cr_expect_not(f & 1u << VIRTIO_BLK_F_RO);
    wr(R_DEV_FEAT_SEL, 2);
    cr_expect_eq(rd(R_DEV_FEAT), 0);
    wr(R_QUEUE_SEL, 0);
    cr_expect_eq(rd(R_QUEUE_NUM_MAX), VIRTIO_BLK_QUEUE_NUM_MAX);
    wr(R_QUEUE_SEL, 1);
    cr_expect_eq(rd(R_QUEUE_NUM_MAX), 0, "virtio-blk has one queue");
    cr_expect_eq(rd(R_CONFIG_GEN), 0);
}

Test(virtio_mmio, wide_and_narrow_accesses_as_qemu)
{
    uint64_t v = 0;
    /* 8 bytes: two 32-bit accesses, as QEMU's memory core splits them. */
    cr_assert(vt.dev.read(vt.dev.opaque, R_MAGIC, 8, &v));
    cr_expect_eq(v, 0x74726976 | 2ULL << 32);
    cr_assert(vt.dev.read(vt.dev.opaque, R_CONFIG, 8, &v));
    cr_expect_eq(v, IMAGE_SECTORS, "capacity in 512-byte sectors");
    /* Narrow register accesses read 0 (QEMU logs a guest error); config allows any width. */
    cr_assert(vt.dev.read(vt.dev.opaque, R_MAGIC, 1, &v));
    cr_expect_eq(v, 0);
    cr_assert(vt.dev.read(vt.dev.opaque, R_CONFIG + 20, 2, &v));
    cr_expect_eq(v, 512, "blk_size");
    cr_assert(vt.dev.read(vt.dev.opaque, R_CONFIG + 12, 4, &v));
    cr_expect_eq(v, VIRTIO_BLK_SEG_MAX, "seg_max");
    cr_assert(vt.dev.read(vt.dev.opaque, R_CONFIG + 0x200, 4, &v));
    cr_expect_eq(v, 0, "beyond the configuration");
}

Test(virtio_mmio, empty_slot_reads_like_qemu)
{
    struct dma_memory mem = {.host = vt.ram, .base = RAM_BASE, .size = RAM_SIZE};
    struct virtio_mmio *e = virtio_mmio_create(MEMMAP_VIRTIO_BASE + 0x7000, NULL, NULL, mem,
                                               vt.plic, MEMMAP_VIRTIO_IRQ + 7);
    cr_assert_not_null(e);
    struct device d = virtio_mmio_device(e);
    cr_expect_eq(d.base, MEMMAP_VIRTIO_BASE + 0x7000);
    cr_expect_eq(d.size, MEMMAP_VIRTIO_SIZE);
    uint64_t v;
    d.read(e, R_MAGIC, 4, &v);
    cr_expect_eq(v, 0x74726976);
    d.read(e, R_VERSION, 4, &v);
    cr_expect_eq(v, 2);
    d.read(e, R_DEVICE_ID, 4, &v);
    cr_expect_eq(v, 0, "no device");
    d.read(e, R_VENDOR, 4, &v);
    cr_expect_eq(v, 0x554d4551);
    cr_expect(d.write(e, R_STATUS, 4, 1));
    d.read(e, R_STATUS, 4, &v);
    cr_expect_eq(v, 0);
    virtio_mmio_update(e, 100);
    cr_expect_eq(virtio_mmio_next_deadline(e), UINT64_MAX);
    virtio_mmio_destroy(e);
}

Test(virtio_mmio, features_ok_needs_version_1_and_a_subset)
{
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(R_DRV_FEAT_SEL, 0);
    wr(R_DRV_FEAT, 1u << VIRTIO_BLK_F_FLUSH);
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    cr_expect_not(rd(R_STATUS) & VIRTIO_STATUS_FEATURES_OK, "legacy driver (no VERSION_1)");
    wr(R_DRV_FEAT_SEL, 1);
    wr(R_DRV_FEAT, 1u | 1u << 3); /* VERSION_1 and an unoffered bit 35 */
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    cr_expect_not(rd(R_STATUS) & VIRTIO_STATUS_FEATURES_OK, "feature not offered");
    wr(R_DRV_FEAT, 1u);
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    cr_expect(rd(R_STATUS) & VIRTIO_STATUS_FEATURES_OK);
    wr(R_STATUS, 0);
    cr_expect_eq(rd(R_STATUS), 0, "reset");
}

Test(virtio_mmio, completion_waits_for_the_modeled_latency)
{
    vt_init(FEATURES_DEFAULT);
    vt_request(VIRTIO_BLK_T_IN, 3, 2 * VIRTIO_BLK_SECTOR);
    virtio_mmio_update(vt.t, 5000);
    /* 1000 cycles per request + 100 per sector, from the notify at cycle 5000. */
    cr_expect_eq(virtio_mmio_next_deadline(vt.t), 5000 + 1000 + 2 * 100);
    cr_expect_eq(used_idx(), 0, "not yet published");
    cr_expect_eq(rd(R_INT_STATUS), 0);
    virtio_mmio_update(vt.t, 6199);
    cr_expect_eq(used_idx(), 0);
    virtio_mmio_update(vt.t, 6200);
    cr_expect_eq(used_idx(), 1);
    uint32_t id, len;
    used_entry(0, &id, &len);
    cr_expect_eq(id, 0);
    cr_expect_eq(len, 2 * VIRTIO_BLK_SECTOR + 1, "data and status");
    cr_expect_eq(*host(STAT_PA), VIRTIO_BLK_S_OK);
    cr_expect_eq(*host(DATA_PA), 4, "sector 3 holds 4s");
    cr_expect_eq(rd(R_INT_STATUS), VIRTIO_INT_USED_BUFFER);
    cr_expect(vt.rec.mip[0] & (1u << 9), "SEIP through the PLIC");
    cr_expect_gt(vt.written_calls, 0, "DMA writes reported to the machine");
    wr(R_INT_ACK, VIRTIO_INT_USED_BUFFER);
    cr_expect_eq(rd(R_INT_STATUS), 0);
    struct device p = plic_device(vt.plic);
    uint64_t claim;
    p.read(vt.plic, 0x200004 + 0x1000 * CTX_S0, 4, &claim);
    cr_expect_eq(claim, 0, "the line fell with the acknowledgement");
    cr_expect_eq(virtio_mmio_next_deadline(vt.t), UINT64_MAX);
}

Test(virtio_mmio, requests_are_served_one_after_another)
{
    vt_init(FEATURES_DEFAULT);
    /* Two requests at once: the second finishes one service time after the first. */
    set_header(VIRTIO_BLK_T_FLUSH, 0);
    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(DESC_PA, 1, STAT_PA, 1, 2, 0);
    set_desc(DESC_PA, 2, HDR_PA, 16, 1, 3);
    set_desc(DESC_PA, 3, STAT_PA + 1, 1, 2, 0);
    uint8_t *avail = host(AVAIL_PA);
    uint16_t heads[2] = {0, 2}, idx = 2;
    memcpy(avail + 4, heads, 4);
    memcpy(avail + 2, &idx, 2);
    wr(R_NOTIFY, 0);
    virtio_mmio_update(vt.t, 100);
    cr_expect_eq(virtio_mmio_next_deadline(vt.t), 1100);
    virtio_mmio_update(vt.t, 1100);
    cr_expect_eq(used_idx(), 1);
    cr_expect_eq(virtio_mmio_next_deadline(vt.t), 2100);
    virtio_mmio_update(vt.t, 2100);
    cr_expect_eq(used_idx(), 2);
}

Test(virtio_mmio, no_interrupt_flag_suppresses_the_interrupt)
{
    vt_init(FEATURES_DEFAULT);
    uint16_t flags = 1;
    memcpy(host(AVAIL_PA), &flags, 2);
    vt_request(VIRTIO_BLK_T_FLUSH, 0, 0);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(used_idx(), 1);
    cr_expect_eq(rd(R_INT_STATUS), 0);
}

Test(virtio_mmio, nothing_happens_before_driver_ok_or_without_notify)
{
    vt_init(FEATURES_DEFAULT);
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    vt_request(VIRTIO_BLK_T_FLUSH, 0, 0);
    vt_complete();
    cr_expect_eq(used_idx(), 0);
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                     VIRTIO_STATUS_DRIVER_OK);
    vt_complete();
    cr_expect_eq(used_idx(), 0, "still no notification");
    wr(R_NOTIFY, 0);
    vt_complete();
    cr_expect_eq(used_idx(), 1);
}

Test(virtio_mmio, indirect_descriptors)
{
    vt_init(FEATURES_DEFAULT);
    set_header(VIRTIO_BLK_T_IN, 5);
    set_desc(INDIR_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(INDIR_PA, 1, DATA_PA, 512, 3, 2);
    set_desc(INDIR_PA, 2, STAT_PA, 1, 2, 0);
    set_desc(DESC_PA, 4, INDIR_PA, 3 * 16, 4, 0);
    vt_submit(4);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(*host(DATA_PA + 511), 6);
    uint32_t id, len;
    used_entry(0, &id, &len);
    cr_expect_eq(id, 4);
    cr_expect_not(needs_reset());
}

Test(virtio_mmio, header_data_and_status_may_share_a_buffer)
{
    vt_init(FEATURES_DEFAULT);
    /* One readable buffer with header and data, one writable byte: a write of sector 1. */
    uint8_t *h = host(HDR_PA);
    set_header(VIRTIO_BLK_T_OUT, 1);
    memset(h + 16, 0xab, 512);
    set_desc(DESC_PA, 0, HDR_PA, 16 + 512, 1, 1);
    set_desc(DESC_PA, 1, STAT_PA, 1, 2, 0);
    vt_submit(0);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    vt_request(VIRTIO_BLK_T_IN, 1, 512);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(*host(DATA_PA + 100), 0xab);
}

/* ---- malformed input: DEVICE_NEEDS_RESET, a config-change interrupt, no crash ---- */

static void expect_needs_reset(const char *what)
{
    vt_complete();
    cr_expect(needs_reset(), "%s", what);
    cr_expect(rd(R_INT_STATUS) & VIRTIO_INT_CONFIG_CHANGE, "%s: config interrupt", what);
    cr_expect_eq(used_idx(), 0, "%s: nothing published", what);
    cr_expect_not_null(virtio_mmio_take_error(vt.t), "%s: a reason for the diagnostic", what);
    cr_expect_null(virtio_mmio_take_error(vt.t), "%s: said once", what);
    /* Dead until reset: a good request now is ignored; after a reset the device works again. */
    vt_request(VIRTIO_BLK_T_FLUSH, 0, 0);
    vt_complete();
    cr_expect_eq(used_idx(), 0, "%s: ignored while it needs a reset", what);
    vt_init(FEATURES_DEFAULT);
    cr_expect_not(needs_reset());
    memset(host(USED_PA), 0, 0x100);
    vt_request(VIRTIO_BLK_T_FLUSH, 0, 0);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK, "%s: works after reset", what);
}

Test(virtio_mmio, buffer_outside_ram)
{
    vt_init(FEATURES_DEFAULT);
    set_header(VIRTIO_BLK_T_IN, 0);
    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(DESC_PA, 1, RAM_BASE + RAM_SIZE - 256, 512, 3, 2); /* runs off the end */
    set_desc(DESC_PA, 2, STAT_PA, 1, 2, 0);
    vt_submit(0);
    expect_needs_reset("buffer past the end of RAM");
}

Test(virtio_mmio, buffer_at_a_device_address)
{
    vt_init(FEATURES_DEFAULT);
    set_header(VIRTIO_BLK_T_IN, 0);
    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(DESC_PA, 1, MEMMAP_UART0_BASE, 512, 3, 2);
    set_desc(DESC_PA, 2, STAT_PA, 1, 2, 0);
    vt_submit(0);
    expect_needs_reset("buffer on the UART");
}

Test(virtio_mmio, buffer_wrapping_the_address_space)
{
    vt_init(FEATURES_DEFAULT);
    set_header(VIRTIO_BLK_T_IN, 0);
    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(DESC_PA, 1, UINT64_MAX - 100, 512, 3, 2);
    set_desc(DESC_PA, 2, STAT_PA, 1, 2, 0);
    vt_submit(0);
    expect_needs_reset("buffer wrapping around 2^64");
}

Test(virtio_mmio, descriptor_loop)
{
    vt_init(FEATURES_DEFAULT);
    set_header(VIRTIO_BLK_T_IN, 0);
    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(DESC_PA, 1, HDR_PA, 16, 1, 0); /* back to 0 */
    vt_submit(0);
    expect_needs_reset("a chain that loops");
}

Test(virtio_mmio, next_out_of_range)
{
    vt_init(FEATURES_DEFAULT);
    set_header(VIRTIO_BLK_T_IN, 0);
    set_desc(DESC_PA, 0, HDR_PA, 16, 1, QSIZE + 3);
    vt_submit(0);
    expect_needs_reset("next beyond the queue size");
}

Test(virtio_mmio, head_out_of_range)
{
    vt_init(FEATURES_DEFAULT);
    vt_submit(QSIZE);
    expect_needs_reset("head beyond the queue size");
}

Test(virtio_mmio, readable_after_writable)
{
    vt_init(FEATURES_DEFAULT);
    set_header(VIRTIO_BLK_T_IN, 0);
    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(DESC_PA, 1, STAT_PA, 1, 3, 2);
    set_desc(DESC_PA, 2, DATA_PA, 512, 0, 0);
    vt_submit(0);
    expect_needs_reset("a readable buffer after a writable one");
}

Test(virtio_mmio, missing_status_byte)
{
    vt_init(FEATURES_DEFAULT);
    set_header(VIRTIO_BLK_T_IN, 0);
    set_desc(DESC_PA, 0, HDR_PA, 16, 0, 0);
    vt_submit(0);
    expect_needs_reset("no writable status byte");
}

Test(virtio_mmio, short_header)
{
    vt_init(FEATURES_DEFAULT);
    set_header(VIRTIO_BLK_T_IN, 0);
    set_desc(DESC_PA, 0, HDR_PA, 8, 1, 1);
    set_desc(DESC_PA, 1, STAT_PA, 1, 2, 0);
    vt_submit(0);
    expect_needs_reset("an 8-byte header");
}

Test(virtio_mmio, nested_indirect)
{
    vt_init(FEATURES_DEFAULT);
    set_desc(INDIR_PA, 0, INDIR_PA, 16, 4, 0);
    set_desc(DESC_PA, 0, INDIR_PA, 16, 4, 0);
    vt_submit(0);
    expect_needs_reset("an indirect table inside an indirect table");
}

Test(virtio_mmio, indirect_with_next)
{
    vt_init(FEATURES_DEFAULT);
    set_desc(INDIR_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(DESC_PA, 0, INDIR_PA, 16, 4 | 1, 1);
    vt_submit(0);
    expect_needs_reset("INDIRECT together with NEXT");
}

Test(virtio_mmio, indirect_bad_length)
{
    vt_init(FEATURES_DEFAULT);
    set_desc(DESC_PA, 0, INDIR_PA, 24, 4, 0);
    vt_submit(0);
    expect_needs_reset("an indirect table of 24 bytes");
}

Test(virtio_mmio, indirect_table_outside_ram)
{
    vt_init(FEATURES_DEFAULT);
    set_desc(DESC_PA, 0, RAM_BASE + RAM_SIZE - 16, 64, 4, 0);
    vt_submit(0);
    expect_needs_reset("an indirect table past the end of RAM");
}

Test(virtio_mmio, indirect_not_negotiated)
{
    vt_init(1ULL << VIRTIO_F_VERSION_1);
    set_header(VIRTIO_BLK_T_FLUSH, 0);
    set_desc(INDIR_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(INDIR_PA, 1, STAT_PA, 1, 2, 0);
    set_desc(DESC_PA, 0, INDIR_PA, 32, 4, 0);
    vt_submit(0);
    expect_needs_reset("indirect without VIRTIO_F_RING_INDIRECT_DESC");
}

Test(virtio_mmio, indirect_loop)
{
    vt_init(FEATURES_DEFAULT);
    set_desc(INDIR_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(INDIR_PA, 1, HDR_PA, 16, 1, 0);
    set_desc(DESC_PA, 0, INDIR_PA, 32, 4, 0);
    vt_submit(0);
    expect_needs_reset("a loop inside an indirect table");
}

Test(virtio_mmio, avail_index_jumps_past_the_ring)
{
    vt_init(FEATURES_DEFAULT);
    uint16_t idx = QSIZE + 1;
    memcpy(host(AVAIL_PA + 2), &idx, 2);
    wr(R_NOTIFY, 0);
    expect_needs_reset("more available entries than the ring holds");
}

Test(virtio_mmio, rings_outside_ram_or_misaligned)
{
    static const struct {
        uint32_t reg;
        uint64_t addr;
        const char *what;
    } cases[] = {
        {R_DESC_LO, RAM_BASE + RAM_SIZE - 16, "descriptor table past RAM"},
        {R_DESC_LO, DESC_PA + 8, "descriptor table misaligned"},
        {R_DRIVER_LO, 0x1000, "available ring outside RAM"},
        {R_DEVICE_LO, USED_PA + 2, "used ring misaligned"},
        {R_QUEUE_NUM, 3, "queue size not a power of two"},
        {R_QUEUE_NUM, 2 * VIRTIO_BLK_QUEUE_NUM_MAX, "queue size above QueueNumMax"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vt_init(FEATURES_DEFAULT);
        wr(cases[i].reg, (uint32_t)cases[i].addr);
        if (cases[i].reg != R_QUEUE_NUM)
            wr(cases[i].reg + 4, (uint32_t)(cases[i].addr >> 32));
        vt_request(VIRTIO_BLK_T_FLUSH, 0, 0);
        vt_complete();
        cr_expect(needs_reset(), "%s", cases[i].what);
    }
}

Test(virtio_mmio, reset_drops_requests_in_flight)
{
    vt_init(FEATURES_DEFAULT);
    vt_request(VIRTIO_BLK_T_FLUSH, 0, 0);
    virtio_mmio_update(vt.t, 0);
    cr_expect_neq(virtio_mmio_next_deadline(vt.t), UINT64_MAX);
    wr(R_STATUS, 0);
    cr_expect_eq(virtio_mmio_next_deadline(vt.t), UINT64_MAX);
    virtio_mmio_update(vt.t, 1000000);
    cr_expect_eq(used_idx(), 0);
    cr_expect_eq(rd(R_INT_STATUS), 0);
}
