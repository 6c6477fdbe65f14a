#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000ULL
#define TOHOST   (RAM_BASE + 0x1000)
#define FROMHOST (RAM_BASE + 0x1040)
#define MAGIC    (RAM_BASE + 0x2000)
#define BUF      (RAM_BASE + 0x3000)

static uint8_t ram[RAM_SIZE];
static struct machine_exit mexit;
static struct htif *htif;
static int out_pipe[2];

static void put64(uint64_t addr, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        ram[addr - RAM_BASE + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(uint64_t addr)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)ram[addr - RAM_BASE + i] << (8 * i);
    return v;
}

static uint64_t cmd(unsigned device, unsigned command, uint64_t payload)
{
    return ((uint64_t)device << 56) | ((uint64_t)command << 48) | payload;
}

static size_t drain(char *buf, size_t cap)
{
    ssize_t n = read(out_pipe[0], buf, cap);
    return n < 0 ? 0 : (size_t)n;
}

static void setup(void)
{
    memset(ram, 0, sizeof(ram));
    mexit = (struct machine_exit){0};
    cr_assert_eq(pipe(out_pipe), 0);
    fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
    htif = htif_create(ram, RAM_BASE, RAM_SIZE, TOHOST, FROMHOST, out_pipe[1], &mexit);
    cr_assert_not_null(htif);
}

static void teardown(void)
{
    htif_destroy(htif);
    close(out_pipe[0]);
    close(out_pipe[1]);
}

TestSuite(htif, .init = setup, .fini = teardown);

Test(htif, idle_tohost_does_nothing)
{
    htif_poll(htif);
    cr_expect_not(mexit.requested);
    cr_expect_eq(get64(FROMHOST), 0);
}

Test(htif, pass_exit)
{
    put64(TOHOST, 1);
    htif_poll(htif);
    cr_expect(mexit.requested);
    cr_expect_eq(mexit.code, 0);
    cr_expect_eq(get64(TOHOST), 0, "tohost cleared");
}

Test(htif, fail_exit_code_is_payload_shifted)
{
    put64(TOHOST, (7 << 1) | 1);
    htif_poll(htif);
    cr_expect(mexit.requested);
    cr_expect_not(mexit.reset);
    cr_expect_eq(mexit.code, 7);
}

Test(htif, putchar_writes_and_acknowledges)
{
    put64(TOHOST, cmd(1, 1, 'Q'));
    htif_poll(htif);
    char c[4];
    cr_expect_eq(drain(c, sizeof(c)), 1);
    cr_expect_eq(c[0], 'Q');
    cr_expect_eq(get64(TOHOST), 0);
    cr_expect_eq(get64(FROMHOST), cmd(1, 1, 0x100 | 'Q'));
    cr_expect_not(mexit.requested);
}

Test(htif, answers_wait_until_fromhost_is_consumed)
{
    put64(TOHOST, cmd(1, 1, 'a'));
    htif_poll(htif);
    put64(TOHOST, cmd(1, 1, 'b'));
    htif_poll(htif);
    cr_expect_eq(get64(FROMHOST), cmd(1, 1, 0x100 | 'a'), "first answer not overwritten");
    put64(FROMHOST, 0);
    htif_poll(htif);
    cr_expect_eq(get64(FROMHOST), cmd(1, 1, 0x100 | 'b'));
}

Test(htif, syscall_write)
{
    memcpy(ram + (BUF - RAM_BASE), "hello", 5);
    put64(MAGIC + 0, 64);
    put64(MAGIC + 8, 1);
    put64(MAGIC + 16, BUF);
    put64(MAGIC + 24, 5);
    put64(TOHOST, MAGIC);
    htif_poll(htif);
    char out[16];
    cr_expect_eq(drain(out, sizeof(out)), 5);
    cr_expect_eq(memcmp(out, "hello", 5), 0);
    cr_expect_eq(get64(MAGIC), 5, "return value in word 0");
    cr_expect_eq(get64(FROMHOST), 1);
    cr_expect_eq(get64(TOHOST), 0);
}

Test(htif, syscall_write_out_of_ram_is_efault)
{
    put64(MAGIC + 0, 64);
    put64(MAGIC + 8, 1);
    put64(MAGIC + 16, RAM_BASE + RAM_SIZE - 2);
    put64(MAGIC + 24, 5);
    put64(TOHOST, MAGIC);
    htif_poll(htif);
    char out[16];
    cr_expect_eq(drain(out, sizeof(out)), 0);
    cr_expect_eq((int64_t)get64(MAGIC), -14);
    cr_expect_eq(get64(FROMHOST), 1);
}

Test(htif, syscall_write_huge_length_does_not_wrap)
{
    put64(MAGIC + 0, 64);
    put64(MAGIC + 8, 2);
    put64(MAGIC + 16, BUF);
    put64(MAGIC + 24, UINT64_MAX - 0x100);
    put64(TOHOST, MAGIC);
    htif_poll(htif);
    cr_expect_eq((int64_t)get64(MAGIC), -14);
}

Test(htif, syscall_write_bad_fd)
{
    put64(MAGIC + 0, 64);
    put64(MAGIC + 8, 5);
    put64(MAGIC + 16, BUF);
    put64(MAGIC + 24, 1);
    put64(TOHOST, MAGIC);
    htif_poll(htif);
    cr_expect_eq((int64_t)get64(MAGIC), -9);
}

Test(htif, syscall_exit)
{
    put64(MAGIC + 0, 93);
    put64(MAGIC + 8, 3);
    put64(TOHOST, MAGIC);
    htif_poll(htif);
    cr_expect(mexit.requested);
    cr_expect_eq(mexit.code, 3);
}

Test(htif, unknown_syscall_is_enosys)
{
    put64(MAGIC + 0, 12345);
    put64(TOHOST, MAGIC);
    htif_poll(htif);
    cr_expect_eq((int64_t)get64(MAGIC), -38);
    cr_expect_not(mexit.requested);
}

Test(htif, magic_block_outside_ram_is_not_touched)
{
    put64(TOHOST, RAM_BASE + RAM_SIZE - 16); /* block would end past RAM */
    htif_poll(htif);
    cr_expect_not(mexit.requested);
    cr_expect_eq(get64(TOHOST), 0);
    put64(TOHOST, 0x1000); /* below RAM */
    htif_poll(htif);
    cr_expect_not(mexit.requested);
}

Test(htif, unknown_device_is_dropped)
{
    put64(TOHOST, cmd(9, 0, 1));
    htif_poll(htif);
    cr_expect_not(mexit.requested);
    cr_expect_eq(get64(TOHOST), 0);
}

Test(htif, create_checks_addresses)
{
    struct machine_exit e = {0};
    cr_expect_null(htif_create(ram, RAM_BASE, RAM_SIZE, RAM_BASE + RAM_SIZE, 0, -1, &e));
    cr_expect_null(htif_create(ram, RAM_BASE, RAM_SIZE, RAM_BASE + RAM_SIZE - 4, 0, -1, &e));
    cr_expect_null(htif_create(ram, RAM_BASE, RAM_SIZE, RAM_BASE - 8, 0, -1, &e));
    cr_expect_null(htif_create(ram, RAM_BASE, RAM_SIZE, TOHOST + 4, 0, -1, &e), "misaligned");
    cr_expect_null(htif_create(ram, RAM_BASE, RAM_SIZE, TOHOST, RAM_BASE + RAM_SIZE, -1, &e));
    struct htif *h = htif_create(ram, RAM_BASE, RAM_SIZE, TOHOST, 0, -1, &e);
    cr_expect_not_null(h, "fromhost is optional");
    htif_destroy(h);
}
