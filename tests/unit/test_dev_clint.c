#include <criterion/criterion.h>

#include "irq_recorder.h"
#include "xpc/memmap.h"

static uint64_t fake_now;
static uint64_t fake_mtime(void *opaque)
{
    (void)opaque;
    return fake_now;
}

static struct irq_recorder rec;
static struct clint *clint;
static struct device dev;

static void setup(void)
{
    fake_now = 1000;
    rec = (struct irq_recorder){0};
    clint = clint_create(2, irq_recorder_sink(&rec), (struct clock_source){NULL, fake_mtime});
    cr_assert_not_null(clint);
    dev = clint_device(clint);
}

static void teardown(void)
{
    clint_destroy(clint);
}

TestSuite(clint, .init = setup, .fini = teardown);

static uint64_t rd(uint64_t off, unsigned size)
{
    uint64_t v = 0xdeadbeef;
    cr_assert(dev.read(dev.opaque, off, size, &v), "read 0x%llx/%u refused",
              (unsigned long long)off, size);
    return v;
}

static void wr(uint64_t off, unsigned size, uint64_t v)
{
    cr_assert(dev.write(dev.opaque, off, size, v), "write 0x%llx/%u refused",
              (unsigned long long)off, size);
}

Test(clint, window_matches_memmap)
{
    cr_expect_eq(dev.base, MEMMAP_CLINT_BASE);
    cr_expect_eq(dev.size, MEMMAP_CLINT_SIZE);
}

Test(clint, mtime_follows_clock_source)
{
    cr_expect_eq(rd(0xbff8, 8), 1000);
    fake_now = 0x123456789aULL;
    cr_expect_eq(rd(0xbff8, 8), 0x123456789aULL);
    cr_expect_eq(rd(0xbff8, 4), 0x3456789a);
    cr_expect_eq(rd(0xbffc, 4), 0x12);
}

Test(clint, mtime_write_sets_offset_against_clock)
{
    wr(0xbff8, 8, 5000);
    cr_expect_eq(rd(0xbff8, 8), 5000);
    fake_now += 250;
    cr_expect_eq(rd(0xbff8, 8), 5250);
    wr(0xbffc, 4, 1); /* high half only */
    cr_expect_eq(rd(0xbff8, 8), (1ULL << 32) | 5250);
}

Test(clint, msip_raises_and_lowers_msip_per_hart)
{
    wr(0x4, 4, 1);
    cr_expect_eq(rec.mip[1] & MIP_MSIP, MIP_MSIP);
    cr_expect_eq(rec.mip[0] & MIP_MSIP, 0);
    cr_expect_eq(rd(0x4, 4), 1);
    wr(0x4, 4, 0xfffffffe); /* only bit 0 exists */
    cr_expect_eq(rec.mip[1] & MIP_MSIP, 0);
    cr_expect_eq(rd(0x4, 4), 0);
}

Test(clint, msip_only_32bit)
{
    uint64_t v;
    cr_expect_not(dev.read(dev.opaque, 0x0, 8, &v));
    cr_expect_not(dev.write(dev.opaque, 0x0, 1, 1));
}

Test(clint, mtimecmp_resets_to_all_ones_and_no_timer_pending)
{
    cr_expect_eq(rd(0x4000, 8), UINT64_MAX);
    clint_update(clint);
    cr_expect_eq(rec.mip[0] & MIP_MTIP, 0);
    cr_expect_eq(rec.mip[1] & MIP_MTIP, 0);
}

Test(clint, mtip_is_a_level_of_mtime_against_mtimecmp)
{
    wr(0x4008, 8, 1500); /* hart 1 */
    cr_expect_eq(rec.mip[1] & MIP_MTIP, 0);
    fake_now = 1499;
    clint_update(clint);
    cr_expect_eq(rec.mip[1] & MIP_MTIP, 0);
    fake_now = 1500;
    clint_update(clint);
    cr_expect_eq(rec.mip[1] & MIP_MTIP, MIP_MTIP);
    cr_expect_eq(rec.mip[0] & MIP_MTIP, 0);
    wr(0x4008, 8, 2000); /* moving mtimecmp ahead lowers it at once */
    cr_expect_eq(rec.mip[1] & MIP_MTIP, 0);
    wr(0x4008, 8, 10); /* and setting it behind raises it at once */
    cr_expect_eq(rec.mip[1] & MIP_MTIP, MIP_MTIP);
}

Test(clint, mtimecmp_32bit_halves)
{
    wr(0x4000, 4, 0x89abcdef);
    wr(0x4004, 4, 0x01234567);
    cr_expect_eq(rd(0x4000, 8), 0x0123456789abcdefULL);
    cr_expect_eq(rd(0x4004, 4), 0x01234567);
    cr_expect_eq(rd(0x4000, 4), 0x89abcdef);
}

Test(clint, mtime_write_reevaluates_timers)
{
    wr(0x4000, 8, 3000);
    cr_expect_eq(rec.mip[0] & MIP_MTIP, 0);
    wr(0xbff8, 8, 3000);
    cr_expect_eq(rec.mip[0] & MIP_MTIP, MIP_MTIP);
    wr(0xbff8, 8, 0);
    cr_expect_eq(rec.mip[0] & MIP_MTIP, 0);
}

Test(clint, next_deadline_is_earliest_future_compare)
{
    cr_expect_eq(clint_next_deadline(clint), UINT64_MAX);
    wr(0x4000, 8, 5000);
    wr(0x4008, 8, 3000);
    cr_expect_eq(clint_next_deadline(clint), 3000);
    fake_now = 3000; /* hart 1's compare is no longer ahead */
    cr_expect_eq(clint_next_deadline(clint), 5000);
    fake_now = 6000;
    cr_expect_eq(clint_next_deadline(clint), UINT64_MAX);
}

Test(clint, undecoded_offsets_fault)
{
    uint64_t v;
    cr_expect_not(dev.read(dev.opaque, 0x8, 4, &v), "msip of a hart that does not exist");
    cr_expect_not(dev.read(dev.opaque, 0x4010, 8, &v), "mtimecmp of a hart that does not exist");
    cr_expect_not(dev.read(dev.opaque, 0x4002, 4, &v), "misaligned");
    cr_expect_not(dev.read(dev.opaque, 0x4004, 8, &v), "64-bit access to the high half");
    cr_expect_not(dev.write(dev.opaque, 0xbff8, 2, 0));
}

Test(clint, create_rejects_bad_arguments)
{
    struct clock_source clock = {NULL, fake_mtime};
    cr_expect_null(clint_create(0, irq_recorder_sink(&rec), clock));
    cr_expect_null(clint_create(1, irq_recorder_sink(&rec), (struct clock_source){NULL, NULL}));
    clint_destroy(NULL);
}
