#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "irq_recorder.h"
#include "xpc/memmap.h"

#define RBR 0
#define THR 0
#define IER 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

#define CTX_S0 1

static struct irq_recorder rec;
static struct plic *plic;
static struct uart *uart;
static struct device dev, plic_dev;
static struct machine_exit mexit;
static int in_pipe[2], out_pipe[2];

static void setup(void)
{
    rec = (struct irq_recorder){0};
    mexit = (struct machine_exit){0};
    cr_assert_eq(pipe(in_pipe), 0);
    cr_assert_eq(pipe(out_pipe), 0);
    /* Reading what the UART wrote must not block the test if it wrote nothing. */
    fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
    plic = plic_create(1, irq_recorder_sink(&rec));
    uart = uart_create(plic, MEMMAP_UART0_IRQ, in_pipe[0], out_pipe[1], &mexit);
    cr_assert_not_null(uart);
    dev = uart_device(uart);
    plic_dev = plic_device(plic);
    /* Route the UART's source to hart 0's S-mode context. */
    plic_dev.write(plic, 4 * MEMMAP_UART0_IRQ, 4, 1);
    plic_dev.write(plic, 0x2000 + 0x80 * CTX_S0, 4, 1u << MEMMAP_UART0_IRQ);
}

static void teardown(void)
{
    uart_destroy(uart);
    plic_destroy(plic);
    close(in_pipe[0]);
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(out_pipe[1]);
}

TestSuite(uart, .init = setup, .fini = teardown);

static uint8_t rd(unsigned reg)
{
    uint64_t v = 0xdead;
    cr_assert(dev.read(dev.opaque, reg, 1, &v));
    cr_assert_leq(v, 0xff);
    return (uint8_t)v;
}

static void wr(unsigned reg, uint8_t v)
{
    cr_assert(dev.write(dev.opaque, reg, 1, v));
}

static void feed(const char *s, size_t n)
{
    cr_assert_eq(write(in_pipe[1], s, n), (ssize_t)n);
}

static size_t drain(char *buf, size_t cap)
{
    ssize_t n = read(out_pipe[0], buf, cap);
    return n < 0 ? 0 : (size_t)n;
}

static bool irq_line(void)
{
    return rec.mip[0] & MIP_SEIP;
}

Test(uart, window_matches_memmap)
{
    cr_expect_eq(dev.base, MEMMAP_UART0_BASE);
    cr_expect_eq(dev.size, MEMMAP_UART0_SIZE);
}

Test(uart, transmit_is_immediate_and_unbuffered)
{
    cr_expect_eq(rd(LSR) & 0x60, 0x60, "THRE and TEMT always set");
    wr(THR, 'o');
    wr(THR, 'k');
    char buf[8];
    cr_expect_eq(drain(buf, sizeof(buf)), 2);
    cr_expect_eq(memcmp(buf, "ok", 2), 0);
    cr_expect_eq(rd(LSR) & 0x60, 0x60);
}

Test(uart, receive_fifo_and_data_ready)
{
    cr_expect_eq(rd(LSR) & 1, 0);
    feed("ab", 2);
    uart_poll(uart);
    cr_expect_eq(rd(LSR) & 1, 1);
    cr_expect_eq(rd(RBR), 'a');
    cr_expect_eq(rd(RBR), 'b');
    cr_expect_eq(rd(LSR) & 1, 0);
    cr_expect_eq(rd(RBR), 0, "empty FIFO reads 0");
}

Test(uart, fifo_holds_sixteen_and_leaves_the_rest_in_the_host)
{
    char in[40];
    for (int i = 0; i < 40; i++)
        in[i] = (char)('A' + i % 26);
    feed(in, sizeof(in));
    uart_poll(uart);
    for (int i = 0; i < 16; i++)
        cr_expect_eq(rd(RBR), (uint8_t)in[i]);
    cr_expect_eq(rd(LSR) & 1, 0);
    uart_poll(uart);
    cr_expect_eq(rd(RBR), (uint8_t)in[16], "nothing lost");
}

Test(uart, receive_interrupt_through_plic)
{
    feed("z", 1);
    uart_poll(uart);
    cr_expect_not(irq_line(), "IER.RDI is off");
    cr_expect_eq(rd(IIR) & 0x0f, 0x01);
    wr(IER, 0x01);
    cr_expect(irq_line());
    cr_expect_eq(rd(IIR) & 0x0f, 0x04);
    cr_expect_eq(rd(RBR), 'z');
    cr_expect_not(irq_line(), "reading the last byte lowers it");
    cr_expect_eq(rd(IIR) & 0x0f, 0x01);
}

Test(uart, thr_empty_interrupt_pends_until_iir_read_or_write)
{
    wr(IER, 0x02);
    cr_expect(irq_line(), "enabling THRI with an empty THR raises it");
    cr_expect_eq(rd(IIR) & 0x0f, 0x02);
    cr_expect_not(irq_line(), "reading IIR acknowledged it");
    cr_expect_eq(rd(IIR) & 0x0f, 0x01);
    wr(THR, 'x');
    cr_expect(irq_line(), "the byte left at once: THR empty again");
    wr(IER, 0x00);
    cr_expect_not(irq_line());
}

Test(uart, receive_interrupt_has_priority_over_thr_empty)
{
    wr(IER, 0x03);
    feed("q", 1);
    uart_poll(uart);
    cr_expect_eq(rd(IIR) & 0x0f, 0x04);
    rd(RBR);
    cr_expect_eq(rd(IIR) & 0x0f, 0x02);
}

Test(uart, fifo_enable_shows_in_iir_and_clear_drops_input)
{
    wr(FCR, 0x01);
    cr_expect_eq(rd(IIR) & 0xc0, 0xc0);
    feed("xy", 2);
    uart_poll(uart);
    wr(FCR, 0x03);
    cr_expect_eq(rd(LSR) & 1, 0);
}

Test(uart, divisor_latch_behind_dlab)
{
    wr(IER, 0x05);
    wr(LCR, 0x83);
    wr(0, 0x34);
    wr(1, 0x12);
    cr_expect_eq(rd(0), 0x34);
    cr_expect_eq(rd(1), 0x12);
    wr(LCR, 0x03);
    cr_expect_eq(rd(LCR), 0x03);
    cr_expect_eq(rd(IER), 0x05, "IER untouched by divisor writes");
    char buf[4];
    cr_expect_eq(drain(buf, sizeof(buf)), 0, "DLL write sent nothing");
}

Test(uart, scratch_mcr_msr)
{
    wr(SCR, 0x5a);
    cr_expect_eq(rd(SCR), 0x5a);
    wr(MCR, 0xff);
    cr_expect_eq(rd(MCR), 0x1f);
    cr_expect_eq(rd(MSR) & 0xb0, 0xb0, "carrier, DSR and CTS present");
}

Test(uart, ctrl_a_x_requests_exit)
{
    feed("a\x01x", 3);
    uart_poll(uart);
    cr_expect(mexit.requested);
    cr_expect_eq(mexit.code, 0);
    cr_expect_not(mexit.reset);
    cr_expect_eq(rd(RBR), 'a');
    cr_expect_eq(rd(LSR) & 1, 0, "the escape reached no one");
}

Test(uart, ctrl_a_ctrl_a_sends_one_ctrl_a)
{
    feed("\x01\x01"
         "b\x01z",
         5);
    uart_poll(uart);
    cr_expect_not(mexit.requested);
    cr_expect_eq(rd(RBR), 0x01);
    cr_expect_eq(rd(RBR), 'b');
    cr_expect_eq(rd(LSR) & 1, 0, "Ctrl-A z is swallowed");
}

Test(uart, escape_split_across_polls)
{
    feed("\x01", 1);
    uart_poll(uart);
    cr_expect_not(mexit.requested);
    feed("x", 1);
    uart_poll(uart);
    cr_expect(mexit.requested);
}

Test(uart, end_of_input_is_quiet)
{
    feed("k", 1);
    close(in_pipe[1]);
    in_pipe[1] = open("/dev/null", O_WRONLY); /* keep teardown's close valid */
    uart_poll(uart);
    uart_poll(uart);
    cr_expect_eq(rd(RBR), 'k');
    cr_expect_not(mexit.requested);
}

Test(uart, no_input_fd)
{
    struct uart *u = uart_create(NULL, MEMMAP_UART0_IRQ, -1, out_pipe[1], NULL);
    cr_assert_not_null(u);
    uart_poll(u);
    struct device d = uart_device(u);
    uint64_t v;
    cr_expect(d.read(u, LSR, 1, &v));
    cr_expect_eq(v & 1, 0);
    uart_destroy(u);
}

Test(uart, output_survives_a_non_blocking_full_pipe)
{
    /* Fill the output pipe, then let a reader drain it while the UART writes. */
    int flags = fcntl(out_pipe[1], F_GETFL);
    fcntl(out_pipe[1], F_SETFL, flags | O_NONBLOCK);
    static char junk[1 << 16];
    size_t filled = 0;
    for (;;) {
        ssize_t n = write(out_pipe[1], junk, sizeof(junk));
        if (n <= 0)
            break;
        filled += (size_t)n;
    }
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000}, NULL);
        char buf[4096];
        size_t got = 0;
        while (got < filled) {
            ssize_t n =
                read(out_pipe[0], buf, sizeof(buf) < filled - got ? sizeof(buf) : filled - got);
            if (n > 0)
                got += (size_t)n;
        }
        _exit(0);
    }
    wr(THR, '!');
    int status;
    waitpid(pid, &status, 0);
    char c = 0;
    cr_expect_eq(drain(&c, 1), 1, "the byte was written once there was room");
    cr_expect_eq(c, '!');
}
