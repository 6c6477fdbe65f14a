/* virtio-blk on a real image file: reads, writes that reach the file, flush, GET_ID, snapshot
 * (the file never changes), readonly (VIRTIO_BLK_F_RO, writes fail), out-of-range and odd-sized
 * requests, and the images it refuses to open. */
#include "virtio_driver.h"

#include <fcntl.h>
#include <sys/stat.h>

static uint8_t file_byte(uint64_t pos)
{
    int fd = open(vt.image, O_RDONLY);
    cr_assert_geq(fd, 0);
    uint8_t b = 0;
    cr_assert_eq(pread(fd, &b, 1, (off_t)pos), 1);
    close(fd);
    return b;
}

static void write_sector(uint64_t sector, uint8_t fill)
{
    memset(host(DATA_PA), fill, VIRTIO_BLK_SECTOR);
    vt_request(VIRTIO_BLK_T_OUT, sector, VIRTIO_BLK_SECTOR);
}

TestSuite(virtio_blk, .init = vt_setup, .fini = vt_teardown);

Test(virtio_blk, reads_what_the_image_holds)
{
    vt_init(FEATURES_DEFAULT);
    vt_request(VIRTIO_BLK_T_IN, 0, 4 * VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    for (unsigned s = 0; s < 4; s++)
        cr_expect_eq(*host(DATA_PA + s * VIRTIO_BLK_SECTOR + 7), s + 1);
    vt_request(VIRTIO_BLK_T_IN, IMAGE_SECTORS - 1, VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(*host(DATA_PA), IMAGE_SECTORS);
}

Test(virtio_blk, writes_reach_the_file_and_read_back)
{
    vt_init(FEATURES_DEFAULT);
    write_sector(9, 0x5a);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(file_byte(9 * 512), 0x5a);
    cr_expect_eq(file_byte(9 * 512 + 511), 0x5a);
    cr_expect_eq(file_byte(10 * 512), 11, "the next sector is untouched");
    memset(host(DATA_PA), 0, 512);
    vt_request(VIRTIO_BLK_T_IN, 9, VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(*host(DATA_PA + 300), 0x5a);
    uint32_t id, len;
    used_entry(0, &id, &len);
    cr_expect_eq(len, 1, "a write's used length is its status byte");
}

Test(virtio_blk, flush_succeeds)
{
    vt_init(FEATURES_DEFAULT | 1ULL << VIRTIO_BLK_F_FLUSH);
    write_sector(2, 0x11);
    vt_complete();
    vt_request(VIRTIO_BLK_T_FLUSH, 0, 0);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(file_byte(2 * 512), 0x11);
}

Test(virtio_blk, get_id_is_the_serial)
{
    vt_teardown();
    struct virtio_blk_options o = {.serial = "xpc-disk-0"};
    vt_setup_opts(&o);
    vt_init(FEATURES_DEFAULT);
    memset(host(DATA_PA), 0xee, 32);
    vt_request(VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_str_eq((char *)host(DATA_PA), "xpc-disk-0");
    cr_expect_eq(*host(DATA_PA + 11), 0xee, "only the string and its NUL");
    uint32_t id, len;
    used_entry(0, &id, &len);
    cr_expect_eq(len, VIRTIO_BLK_ID_BYTES + 1);
}

Test(virtio_blk, get_id_without_serial_is_empty)
{
    vt_init(FEATURES_DEFAULT);
    memset(host(DATA_PA), 0xee, 32);
    vt_request(VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(*host(DATA_PA), 0);
    cr_expect_eq(*host(DATA_PA + 1), 0xee);
}

Test(virtio_blk, out_of_range_and_partial_sectors_fail)
{
    vt_init(FEATURES_DEFAULT);
    vt_request(VIRTIO_BLK_T_IN, IMAGE_SECTORS, VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_IOERR, "past the end");
    vt_request(VIRTIO_BLK_T_IN, IMAGE_SECTORS - 1, 2 * VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_IOERR, "running past the end");
    vt_request(VIRTIO_BLK_T_OUT, UINT64_MAX, VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_IOERR, "sector 2^64-1");
    vt_request(VIRTIO_BLK_T_IN, 0, 100);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_IOERR, "not a whole sector");
    vt_request(77, 0, 0);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_UNSUPP);
    cr_expect_not(needs_reset(), "bad requests are errors, not a broken device");
    cr_expect_eq(file_byte(0), 1);
}

Test(virtio_blk, readonly_refuses_writes)
{
    vt_teardown();
    struct virtio_blk_options o = {.readonly = true};
    vt_setup_opts(&o);
    wr(R_DEV_FEAT_SEL, 0);
    cr_expect(rd(R_DEV_FEAT) & 1u << VIRTIO_BLK_F_RO);
    vt_init(FEATURES_DEFAULT | 1ULL << VIRTIO_BLK_F_RO);
    write_sector(4, 0x77);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_IOERR);
    cr_expect_eq(file_byte(4 * 512), 5);
    vt_request(VIRTIO_BLK_T_IN, 4, VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(*host(DATA_PA), 5);
}

Test(virtio_blk, snapshot_keeps_writes_in_memory)
{
    vt_teardown();
    struct virtio_blk_options o = {.snapshot = true};
    vt_setup_opts(&o);
    struct stat before, after;
    cr_assert_eq(stat(vt.image, &before), 0);
    vt_init(FEATURES_DEFAULT);
    write_sector(1, 0x99);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    /* Out of range is out of range in snapshot mode too. */
    memset(host(DATA_PA), 0x42, 4 * 512);
    vt_request(VIRTIO_BLK_T_OUT, 126, 4 * VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_IOERR, "the image has only 64 sectors");
    vt_request(VIRTIO_BLK_T_FLUSH, 0, 0);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    memset(host(DATA_PA), 0, 3 * 512);
    vt_request(VIRTIO_BLK_T_IN, 0, 3 * VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(*host(DATA_PA), 1);
    cr_expect_eq(*host(DATA_PA + 512), 0x99, "the guest sees its write");
    cr_expect_eq(*host(DATA_PA + 1024), 3);
    cr_expect_eq(file_byte(512), 2, "the file does not");
    cr_assert_eq(stat(vt.image, &after), 0);
    cr_expect_eq(after.st_mtime, before.st_mtime);
}

/* cache=writeback: the file sees a write only at a flush; a stop loses what is unflushed. */
Test(virtio_blk_cache, unflushed_writes_are_lost_when_the_device_stops)
{
    struct virtio_blk_options o = {.write_cache = true};
    vt_setup_opts(&o);
    vt_init(FEATURES_DEFAULT | 1ULL << VIRTIO_BLK_F_FLUSH);
    write_sector(1, 0x77);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(file_byte(512), 2, "not in the file before a flush");
    memset(host(DATA_PA), 0, 512);
    vt_request(VIRTIO_BLK_T_IN, 1, VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(*host(DATA_PA + 100), 0x77, "the guest reads its write from the cache");
    vt_request(VIRTIO_BLK_T_FLUSH, 0, 0);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(file_byte(512 + 511), 0x77, "a flush writes it to the file");
    cr_expect_eq(file_byte(1024), 3, "and nothing else");
    write_sector(9, 0x66);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    virtio_mmio_destroy(vt.t);
    virtio_blk_close(vt.blk); /* the power goes */
    cr_expect_eq(file_byte(9 * 512), 10, "the unflushed write is lost");
    cr_expect_eq(file_byte(512), 0x77, "the flushed one stays");
    plic_destroy(vt.plic);
    free(vt.ram);
    unlink(vt.image);
}

Test(virtio_blk, snapshot_across_chunks)
{
    vt_teardown();
    vt = (struct vtest){0};
    vt_make_image(300 * 512); /* five 64 KiB chunks, the last one partial */
    char image[64];
    strcpy(image, vt.image);
    struct virtio_blk_options o = {.path = image, .snapshot = true};
    vt.ram = calloc(1, RAM_SIZE);
    vt.plic = plic_create(1, irq_recorder_sink(&vt.rec));
    vt_attach(&o);
    vt_init(FEATURES_DEFAULT);
    memset(host(DATA_PA), 0x42, 8 * 512);
    vt_request(VIRTIO_BLK_T_OUT, 124, 8 * VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    write_sector(299, 0x43);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    memset(host(DATA_PA), 0, 10 * 512);
    vt_request(VIRTIO_BLK_T_IN, 123, 10 * VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(*host(DATA_PA), 124);
    for (unsigned s = 1; s <= 8; s++)
        cr_expect_eq(*host(DATA_PA + s * 512), 0x42);
    cr_expect_eq(*host(DATA_PA + 9 * 512), 133);
    vt_request(VIRTIO_BLK_T_IN, 299, VIRTIO_BLK_SECTOR);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    cr_expect_eq(*host(DATA_PA), 0x43);
    cr_expect_eq(file_byte(128 * 512), 129);
}

Test(virtio_blk, a_write_and_read_of_many_segments)
{
    vt_init(FEATURES_DEFAULT);
    /* 8 sectors, each in its own descriptor, through an indirect table. */
    set_header(VIRTIO_BLK_T_OUT, 20);
    set_desc(INDIR_PA, 0, HDR_PA, 16, 1, 1);
    for (unsigned i = 0; i < 8; i++) {
        memset(host(DATA_PA + i * 1024), 0x30 + i, 512);
        set_desc(INDIR_PA, 1 + i, DATA_PA + i * 1024, 512, 1, (uint16_t)(2 + i));
    }
    set_desc(INDIR_PA, 9, STAT_PA, 1, 2, 0);
    set_desc(DESC_PA, 0, INDIR_PA, 10 * 16, 4, 0);
    vt_submit(0);
    cr_expect_eq(vt_complete(), VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 8; i++)
        cr_expect_eq(file_byte((20 + i) * 512 + 5), 0x30 + i);
}

/* ---- images it refuses, with one line naming the problem ---- */

Test(virtio_blk_open, bad_images)
{
    char err[256];
    struct virtio_blk_options o = {.path = "/nonexistent/disk.img"};
    cr_expect_null(virtio_blk_open(&o, err, sizeof err));
    cr_expect(strstr(err, "cannot open /nonexistent/disk.img"), "%s", err);

    char odd[] = "/tmp/xpc-vblk-odd-XXXXXX";
    int fd = mkstemp(odd);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "0123456789", 10), 10);
    close(fd);
    o.path = odd;
    cr_expect_null(virtio_blk_open(&o, err, sizeof err));
    cr_expect(strstr(err, "not a multiple of 512"), "%s", err);
    unlink(odd);

    o.path = "/tmp";
    o.readonly = true;
    cr_expect_null(virtio_blk_open(&o, err, sizeof err));
    cr_expect(strstr(err, "not a regular file"), "%s", err);
    cr_expect_null(strchr(err, '\n'));
}

Test(virtio_blk, one_writer_per_image)
{
    char err[256];
    struct virtio_blk_options o = {.path = vt.image};
    cr_expect_null(virtio_blk_open(&o, err, sizeof err), "the fixture has it open read-write");
    cr_expect(strstr(err, "in use by another process"), "%s", err);
    o.snapshot = true;
    cr_expect_null(virtio_blk_open(&o, err, sizeof err), "nor may anyone read it meanwhile");
}

Test(virtio_blk, readers_share_an_image)
{
    vt_teardown();
    struct virtio_blk_options o = {.readonly = true};
    vt_setup_opts(&o);
    char err[256];
    struct virtio_blk_options other = {.path = vt.image, .snapshot = true};
    struct virtio_blk *b = virtio_blk_open(&other, err, sizeof err);
    cr_expect_not_null(b, "%s", err);
    virtio_blk_close(b);
    other.snapshot = false;
    cr_expect_null(virtio_blk_open(&other, err, sizeof err), "but a writer may not join");
}

Test(virtio_blk_open, unreadable_image)
{
    if (geteuid() == 0)
        cr_skip_test("root reads every file");
    char path[] = "/tmp/xpc-vblk-ro-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    chmod(path, 0);
    char err[256];
    struct virtio_blk_options o = {.path = path};
    cr_expect_null(virtio_blk_open(&o, err, sizeof err));
    cr_expect(strstr(err, "Permission denied"), "%s", err);
    unlink(path);
}
