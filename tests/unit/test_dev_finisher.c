#include <criterion/criterion.h>

#include "dev.h"
#include "xpc/memmap.h"

static struct machine_exit mexit;
static struct device dev;

static void setup(void)
{
    mexit = (struct machine_exit){0};
    dev = finisher_device(&mexit);
}

TestSuite(finisher, .init = setup);

Test(finisher, window_matches_memmap)
{
    cr_expect_eq(dev.base, MEMMAP_TEST_BASE);
    cr_expect_eq(dev.size, MEMMAP_TEST_SIZE);
}

Test(finisher, pass_exits_zero)
{
    cr_assert(dev.write(dev.opaque, 0, 4, 0x5555));
    cr_expect(mexit.requested);
    cr_expect_not(mexit.reset);
    cr_expect_eq(mexit.code, 0);
}

Test(finisher, fail_carries_code_in_upper_half)
{
    cr_assert(dev.write(dev.opaque, 0, 4, (42u << 16) | 0x3333));
    cr_expect(mexit.requested);
    cr_expect_not(mexit.reset);
    cr_expect_eq(mexit.code, 42);
}

Test(finisher, fail_code_is_sixteen_bits)
{
    cr_assert(dev.write(dev.opaque, 0, 4, 0xffff3333u));
    cr_expect_eq(mexit.code, 0xffff);
}

Test(finisher, reset_requests_reset)
{
    cr_assert(dev.write(dev.opaque, 0, 4, 0x7777));
    cr_expect(mexit.requested);
    cr_expect(mexit.reset);
}

Test(finisher, other_values_are_ignored)
{
    cr_assert(dev.write(dev.opaque, 0, 4, 0x1234));
    cr_assert(dev.write(dev.opaque, 0, 4, 0x55550000));
    cr_expect_not(mexit.requested);
}

Test(finisher, reads_return_zero)
{
    uint64_t v = 99;
    cr_assert(dev.read(dev.opaque, 0, 4, &v));
    cr_expect_eq(v, 0);
}

Test(finisher, only_offset_zero_and_16_or_32_bit)
{
    uint64_t v;
    cr_expect_not(dev.write(dev.opaque, 4, 4, 0x5555));
    cr_expect_not(dev.write(dev.opaque, 0, 8, 0x5555));
    cr_expect_not(dev.write(dev.opaque, 0, 1, 0x55));
    cr_expect_not(dev.read(dev.opaque, 8, 4, &v));
    cr_expect_not(mexit.requested);
}
