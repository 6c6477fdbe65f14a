/* -drive and -device: parsing, errors that name the problem, and the slots QEMU would use. */
#include <criterion/criterion.h>
#include <string.h>

#include "drive.h"

static struct drive_set set;
static char err[256];

/* The parsers split their argument in place and keep pointers into it, as into argv. */
static char *arg(const char *s)
{
    static char pool[8192];
    static size_t used;
    size_t n = strlen(s) + 1;
    cr_assert_leq(used + n, sizeof pool);
    char *p = memcpy(pool + used, s, n);
    used += n;
    return p;
}

static int drive(const char *s)
{
    return drive_parse(&set, arg(s), err, sizeof err);
}

static int device(const char *s)
{
    return drive_device_parse(&set, arg(s), err, sizeof err);
}

TestSuite(drive);

Test(drive, first_device_gets_the_highest_slot)
{
    struct machine_drive slots[MEMMAP_VIRTIO_COUNT] = {0};
    cr_assert_eq(drive("file=a.img,format=raw,if=none,id=d0"), 0, "%s", err);
    cr_assert_eq(drive("file=b,,c.img,if=virtio,readonly=on"), 0, "%s", err);
    cr_assert_eq(drive("file=d.img,if=none,id=d1,snapshot=on"), 0, "%s", err);
    cr_assert_eq(device("virtio-blk-device,drive=d1"), 0, "%s", err);
    cr_assert_eq(device("virtio-blk-device,serial=S0,drive=d0"), 0, "%s", err);
    cr_assert_eq(drive_assign(&set, slots, err, sizeof err), 0, "%s", err);
    /* -device drives in command-line order, then if=virtio drives. */
    cr_expect_str_eq(slots[7].path, "d.img");
    cr_expect(slots[7].snapshot);
    cr_expect_null(slots[7].serial);
    cr_expect_str_eq(slots[6].path, "a.img");
    cr_expect_str_eq(slots[6].serial, "S0");
    cr_expect_str_eq(slots[5].path, "b,c.img", "',,' is a comma");
    cr_expect(slots[5].readonly);
    cr_expect_not(slots[5].write_cache);
    for (unsigned n = 0; n < 5; n++)
        cr_expect_null(slots[n].path);
}

Test(drive, errors_name_the_problem)
{
    static const struct {
        bool device;
        const char *arg, *message;
    } cases[] = {
        {false, "file=x,if=virtio,cache=none", "cache=none is not supported"},
        {false, "file=x,if=virtio,kache=none", "unknown option 'kache'"},
        {false, "file=x,if=virtio,format=vmdk", "format 'vmdk' is not supported"},
        {false, "file=x,if=ide", "if=ide is not supported"},
        {false, "file=x", "give if=none"},
        {false, "if=virtio", "no file="},
        {false, "file=x,if=none", "needs an id="},
        {false, "file=x,if=virtio,snapshot=2", "snapshot takes on or off"},
        {false, "file=x,if=virtio,readonly", "not key=value"},
        {true, "virtio-blk-pci,drive=d0", "'virtio-blk-pci' is not supported"},
        {true, "virtio-blk-device", "no drive= given"},
        {true, "virtio-blk-device,drive=zz", "no -drive with if=none,id=zz"},
        {true, "virtio-blk-device,drive=d0,num-queues=2", "unknown option 'num-queues'"},
    };
    cr_assert_eq(drive("file=a.img,if=none,id=d0"), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = 0;
        int rc = cases[i].device ? device(cases[i].arg) : drive(cases[i].arg);
        cr_expect_eq(rc, -1, "%s accepted", cases[i].arg);
        cr_expect(strstr(err, cases[i].message), "%s: '%s'", cases[i].arg, err);
        cr_expect_null(strchr(err, '\n'));
    }
    cr_expect_eq(set.ndrives, 1, "rejected drives are not kept");
    cr_expect_eq(set.ndevices, 0);
    cr_expect_eq(drive("file=b.img,if=none,id=d0"), -1);
    cr_expect(strstr(err, "duplicate id 'd0'"), "%s", err);
}

Test(drive, cache_writeback_is_a_volatile_write_cache)
{
    struct machine_drive slots[MEMMAP_VIRTIO_COUNT] = {0};
    cr_assert_eq(drive("file=w.img,format=raw,if=none,id=d0,cache=writeback"), 0, "%s", err);
    cr_assert_eq(drive("file=t.img,if=virtio,cache=writethrough"), 0, "%s", err);
    cr_assert_eq(device("virtio-blk-device,drive=d0"), 0, "%s", err);
    cr_assert_eq(drive_assign(&set, slots, err, sizeof err), 0, "%s", err);
    cr_expect(slots[7].write_cache);
    cr_expect_not(slots[6].write_cache);
}

Test(drive, nine_disks_do_not_fit)
{
    struct machine_drive slots[MEMMAP_VIRTIO_COUNT] = {0};
    for (int i = 0; i < 9; i++)
        cr_assert_eq(drive("file=x.img,if=virtio"), 0);
    cr_expect_eq(drive_assign(&set, slots, err, sizeof err), -1);
    cr_expect(strstr(err, "8 virtio-mmio slots"), "%s", err);
}
