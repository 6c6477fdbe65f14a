#include <criterion/criterion.h>

#include "irq_recorder.h"
#include "xpc/memmap.h"

#define PRIORITY(s)  (0x4ULL * (s))
#define PENDING(w)   (0x1000 + 4ULL * (w))
#define ENABLE(c, w) (0x2000 + 0x80ULL * (c) + 4ULL * (w))
#define THRESHOLD(c) (0x200000 + 0x1000ULL * (c))
#define CLAIM(c)     (0x200004 + 0x1000ULL * (c))
#define CTX_M(h)     (2 * (h))
#define CTX_S(h)     (2 * (h) + 1)

static struct irq_recorder rec;
static struct plic *plic;
static struct device dev;

static void setup(void)
{
    rec = (struct irq_recorder){0};
    plic = plic_create(2, irq_recorder_sink(&rec));
    cr_assert_not_null(plic);
    dev = plic_device(plic);
}

static void teardown(void)
{
    plic_destroy(plic);
}

TestSuite(plic, .init = setup, .fini = teardown);

static uint64_t rd(uint64_t off)
{
    uint64_t v = 0xdeadbeef;
    cr_assert(dev.read(dev.opaque, off, 4, &v), "read 0x%llx refused", (unsigned long long)off);
    return v;
}

static void wr(uint64_t off, uint64_t v)
{
    cr_assert(dev.write(dev.opaque, off, 4, v), "write 0x%llx refused", (unsigned long long)off);
}

static void enable(unsigned ctx, unsigned source)
{
    wr(ENABLE(ctx, source / 32), rd(ENABLE(ctx, source / 32)) | (1u << (source % 32)));
}

Test(plic, window_matches_memmap)
{
    cr_expect_eq(dev.base, MEMMAP_PLIC_BASE);
    cr_expect_eq(dev.size, MEMMAP_PLIC_SIZE);
}

Test(plic, priority_registers_hold_three_bits_and_source0_is_hardwired)
{
    wr(PRIORITY(10), 5);
    cr_expect_eq(rd(PRIORITY(10)), 5);
    wr(PRIORITY(10), 0xff);
    cr_expect_eq(rd(PRIORITY(10)), MEMMAP_PLIC_NUM_PRIORITIES);
    wr(PRIORITY(0), 3);
    cr_expect_eq(rd(PRIORITY(0)), 0);
    wr(PRIORITY(MEMMAP_PLIC_NUM_SOURCES - 1), 2);
    cr_expect_eq(rd(PRIORITY(MEMMAP_PLIC_NUM_SOURCES - 1)), 2);
}

Test(plic, pending_follows_level_and_is_read_only)
{
    plic_set_source(plic, 10, true);
    plic_set_source(plic, 33, true);
    cr_expect_eq(rd(PENDING(0)), 1u << 10);
    cr_expect_eq(rd(PENDING(1)), 1u << 1);
    wr(PENDING(0), 0);
    cr_expect_eq(rd(PENDING(0)), 1u << 10);
    plic_set_source(plic, 10, false);
    cr_expect_eq(rd(PENDING(0)), 0);
}

Test(plic, enable_bits_exclude_source0)
{
    wr(ENABLE(CTX_S(1), 0), 0xffffffff);
    cr_expect_eq(rd(ENABLE(CTX_S(1), 0)), 0xfffffffe);
    cr_expect_eq(rd(ENABLE(CTX_M(1), 0)), 0, "contexts are independent");
}

Test(plic, delivers_to_enabled_context_when_priority_exceeds_threshold)
{
    wr(PRIORITY(10), 1);
    enable(CTX_S(0), 10);
    plic_set_source(plic, 10, true);
    cr_expect_eq(rec.mip[0] & MIP_SEIP, MIP_SEIP);
    cr_expect_eq(rec.mip[0] & MIP_MEIP, 0, "not enabled for M-mode");
    cr_expect_eq(rec.mip[1] & (MIP_SEIP | MIP_MEIP), 0, "other hart");

    wr(THRESHOLD(CTX_S(0)), 1); /* priority must be strictly greater */
    cr_expect_eq(rec.mip[0] & MIP_SEIP, 0);
    wr(PRIORITY(10), 2);
    cr_expect_eq(rec.mip[0] & MIP_SEIP, MIP_SEIP);
    wr(PRIORITY(10), 0); /* priority 0 never interrupts */
    wr(THRESHOLD(CTX_S(0)), 0);
    cr_expect_eq(rec.mip[0] & MIP_SEIP, 0);
}

Test(plic, m_context_drives_meip)
{
    wr(PRIORITY(7), 3);
    enable(CTX_M(1), 7);
    plic_set_source(plic, 7, true);
    cr_expect_eq(rec.mip[1] & MIP_MEIP, MIP_MEIP);
    cr_expect_eq(rec.mip[1] & MIP_SEIP, 0);
    plic_set_source(plic, 7, false);
    cr_expect_eq(rec.mip[1] & MIP_MEIP, 0);
}

Test(plic, claim_returns_highest_priority_then_lowest_id)
{
    for (unsigned s = 3; s <= 5; s++) {
        enable(CTX_S(0), s);
        plic_set_source(plic, s, true);
    }
    wr(PRIORITY(3), 2);
    wr(PRIORITY(4), 6);
    wr(PRIORITY(5), 6);
    cr_expect_eq(rd(CLAIM(CTX_S(0))), 4);
    cr_expect_eq(rd(CLAIM(CTX_S(0))), 5);
    cr_expect_eq(rd(CLAIM(CTX_S(0))), 3);
    cr_expect_eq(rd(CLAIM(CTX_S(0))), 0, "nothing left");
    cr_expect_eq(rec.mip[0] & MIP_SEIP, 0, "all in flight");
}

Test(plic, claim_respects_threshold)
{
    wr(PRIORITY(9), 3);
    enable(CTX_S(0), 9);
    plic_set_source(plic, 9, true);
    wr(THRESHOLD(CTX_S(0)), 3);
    cr_expect_eq(rd(THRESHOLD(CTX_S(0))), 3);
    cr_expect_eq(rd(CLAIM(CTX_S(0))), 0);
    wr(THRESHOLD(CTX_S(0)), 2);
    cr_expect_eq(rd(CLAIM(CTX_S(0))), 9);
}

Test(plic, level_source_in_flight_until_complete)
{
    wr(PRIORITY(10), 1);
    enable(CTX_S(0), 10);
    plic_set_source(plic, 10, true);
    cr_expect_eq(rd(CLAIM(CTX_S(0))), 10);
    cr_expect_eq(rd(PENDING(0)) & (1u << 10), 0, "claim clears pending");
    cr_expect_eq(rec.mip[0] & MIP_SEIP, 0);

    plic_set_source(plic, 10, true); /* line still high while in flight: nothing new */
    cr_expect_eq(rec.mip[0] & MIP_SEIP, 0);
    cr_expect_eq(rd(CLAIM(CTX_S(0))), 0);

    wr(CLAIM(CTX_S(0)), 10); /* complete with the line still high: pending again */
    cr_expect_eq(rd(PENDING(0)) & (1u << 10), 1u << 10);
    cr_expect_eq(rec.mip[0] & MIP_SEIP, MIP_SEIP);
    cr_expect_eq(rd(CLAIM(CTX_S(0))), 10);

    plic_set_source(plic, 10, false); /* device serviced before completion */
    wr(CLAIM(CTX_S(0)), 10);
    cr_expect_eq(rd(PENDING(0)) & (1u << 10), 0);
    cr_expect_eq(rec.mip[0] & MIP_SEIP, 0);
}

Test(plic, completing_an_unclaimed_source_changes_nothing)
{
    wr(PRIORITY(10), 1);
    enable(CTX_S(0), 10);
    plic_set_source(plic, 10, true);
    wr(CLAIM(CTX_S(0)), 11);
    wr(CLAIM(CTX_S(0)), 0);
    wr(CLAIM(CTX_S(0)), 5000);
    cr_expect_eq(rd(CLAIM(CTX_S(0))), 10);
}

Test(plic, claim_by_one_context_hides_source_from_another)
{
    wr(PRIORITY(10), 1);
    enable(CTX_S(0), 10);
    enable(CTX_S(1), 10);
    plic_set_source(plic, 10, true);
    cr_expect_eq(rec.mip[1] & MIP_SEIP, MIP_SEIP);
    cr_expect_eq(rd(CLAIM(CTX_S(0))), 10);
    cr_expect_eq(rec.mip[1] & MIP_SEIP, 0);
    cr_expect_eq(rd(CLAIM(CTX_S(1))), 0);
}

Test(plic, only_aligned_32bit_accesses_and_existing_contexts)
{
    uint64_t v;
    cr_expect_not(dev.read(dev.opaque, PRIORITY(1), 8, &v));
    cr_expect_not(dev.read(dev.opaque, PRIORITY(1) + 1, 4, &v));
    cr_expect_not(dev.write(dev.opaque, THRESHOLD(CTX_S(0)), 1, 0));
    cr_expect_not(dev.read(dev.opaque, THRESHOLD(4), 4, &v), "two harts have four contexts");
    cr_expect_not(dev.read(dev.opaque, THRESHOLD(0) + 8, 4, &v));
}

Test(plic, registers_of_missing_sources_read_zero_and_ignore_writes)
{
    wr(PRIORITY(MEMMAP_PLIC_NUM_SOURCES), 7);
    cr_expect_eq(rd(PRIORITY(MEMMAP_PLIC_NUM_SOURCES)), 0);
    wr(PRIORITY(1023), 7);
    cr_expect_eq(rd(PRIORITY(1023)), 0);
    cr_expect_eq(rd(PENDING(31)), 0);
    wr(ENABLE(CTX_M(0), 31), 0xffffffff);
    cr_expect_eq(rd(ENABLE(CTX_M(0), 31)), 0);
}

Test(plic, out_of_range_sources_are_ignored)
{
    plic_set_source(plic, 0, true);
    plic_set_source(plic, MEMMAP_PLIC_NUM_SOURCES, true);
    plic_set_source(plic, 100000, true);
    for (unsigned w = 0; w < MEMMAP_PLIC_NUM_SOURCES / 32; w++)
        cr_expect_eq(rd(PENDING(w)), 0);
}
