/* ns16550a with reg-shift 0, as QEMU virt has at 0x10000000. Output leaves immediately, so the
 * transmitter is always empty (LSR.THRE and LSR.TEMT stay set) and "THR empty" becomes pending
 * again after every write. Input arrives through a 16-byte receive FIFO filled by uart_poll(),
 * which also interprets QEMU's Ctrl-A escape, as QEMU's mux character device does. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "../dev.h"
#include "fdio.h"
#include "xpc/memmap.h"

enum {
    UART_RBR_THR = 0, /* DLL when LCR.DLAB */
    UART_IER = 1,     /* DLM when LCR.DLAB */
    UART_IIR_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define IER_RDI  0x01 /* received data available */
#define IER_THRI 0x02 /* transmitter holding register empty */
#define IER_MASK 0x0f

#define IIR_NONE    0x01
#define IIR_THRI    0x02
#define IIR_RDI     0x04
#define IIR_FIFO_ON 0xc0

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02

#define LCR_DLAB 0x80

#define LSR_DR   0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

/* With nothing attached to the modem lines QEMU reports carrier, data set ready and clear to send.
 */
#define MSR_IDLE 0xb0

#define MCR_MASK 0x1f

#define UART_FIFO_SIZE 16
#define CTRL_A         0x01

struct uart {
    struct plic *plic;
    unsigned irq;
    int in_fd;
    int out_fd;
    struct machine_exit *exit;

    uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
    bool thr_pending; /* the "THR empty" interrupt is pending until IIR reports it or THR is written
                       */

    uint8_t fifo[UART_FIFO_SIZE];
    unsigned fifo_head, fifo_count;
    bool got_escape;
};

struct uart *uart_create(struct plic *plic, unsigned irq, int in_fd, int out_fd,
                         struct machine_exit *exit)
{
    struct uart *u = calloc(1, sizeof(*u));
    if (!u)
        return NULL;
    u->plic = plic;
    u->irq = irq;
    u->in_fd = in_fd;
    u->out_fd = out_fd;
    u->exit = exit;
    /* QEMU's reset divisor: 115200 baud from the 1.8432 MHz reference. */
    u->dll = 0x0c;
    return u;
}

void uart_destroy(struct uart *u)
{
    free(u);
}

static uint8_t uart_iir_id(const struct uart *u)
{
    if ((u->ier & IER_RDI) && u->fifo_count)
        return IIR_RDI;
    if ((u->ier & IER_THRI) && u->thr_pending)
        return IIR_THRI;
    return IIR_NONE;
}

static void uart_update_irq(struct uart *u)
{
    if (u->plic)
        plic_set_source(u->plic, u->irq, uart_iir_id(u) != IIR_NONE);
}

static void uart_output(struct uart *u, const void *buf, size_t len)
{
    fd_write_all(u->out_fd, buf, len);
}

static void uart_fifo_push(struct uart *u, uint8_t byte)
{
    if (u->fifo_count == UART_FIFO_SIZE)
        return;
    u->fifo[(u->fifo_head + u->fifo_count) % UART_FIFO_SIZE] = byte;
    u->fifo_count++;
}

static uint8_t uart_fifo_pop(struct uart *u)
{
    if (u->fifo_count == 0)
        return 0;
    uint8_t byte = u->fifo[u->fifo_head];
    u->fifo_head = (u->fifo_head + 1) % UART_FIFO_SIZE;
    u->fifo_count--;
    return byte;
}

/* QEMU's mux escape: Ctrl-A x quits, Ctrl-A Ctrl-A passes one Ctrl-A, Ctrl-A h prints help,
 * anything else after Ctrl-A is swallowed. */
static void uart_input_byte(struct uart *u, uint8_t byte)
{
    if (u->got_escape) {
        u->got_escape = false;
        if (byte == CTRL_A) {
            uart_fifo_push(u, byte);
        } else if (byte == 'x') {
            static const char msg[] = "xpcsim: Terminated\r\n";
            uart_output(u, msg, sizeof(msg) - 1);
            if (u->exit) {
                u->exit->requested = true;
                u->exit->reset = false;
                u->exit->code = 0;
            }
        } else if (byte == 'h' || byte == '?') {
            static const char help[] = "\r\nC-a h    print this help\r\n"
                                       "C-a x    exit emulator\r\n"
                                       "C-a C-a  sends C-a\r\n";
            uart_output(u, help, sizeof(help) - 1);
        }
    } else if (byte == CTRL_A) {
        u->got_escape = true;
    } else {
        uart_fifo_push(u, byte);
    }
}

void uart_poll(struct uart *u)
{
    bool had_data = u->fifo_count != 0;
    /* Read only what the FIFO can take, so the rest waits in the host's buffer (flow control). */
    while (u->in_fd >= 0 && u->fifo_count < UART_FIFO_SIZE) {
        struct pollfd pfd = {.fd = u->in_fd, .events = POLLIN};
        int ready = poll(&pfd, 1, 0);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        if (pfd.revents & POLLNVAL) {
            u->in_fd = -1;
            break;
        }
        uint8_t buf[UART_FIFO_SIZE];
        ssize_t n = read(u->in_fd, buf, UART_FIFO_SIZE - u->fifo_count);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            u->in_fd = -1; /* end of input: the line goes quiet, the machine keeps running */
            break;
        }
        for (ssize_t i = 0; i < n; i++)
            uart_input_byte(u, buf[i]);
        if (u->exit && u->exit->requested)
            break;
    }
    if (had_data != (u->fifo_count != 0))
        uart_update_irq(u);
}

static bool uart_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct uart *u = opaque;
    (void)size; /* wider accesses act on the byte register at their address, as on QEMU */
    bool dlab = u->lcr & LCR_DLAB;
    uint8_t v = 0;
    switch (offset & 7) {
    case UART_RBR_THR:
        if (dlab) {
            v = u->dll;
        } else {
            v = uart_fifo_pop(u);
            uart_update_irq(u);
        }
        break;
    case UART_IER: v = dlab ? u->dlm : u->ier; break;
    case UART_IIR_FCR: {
        uint8_t id = uart_iir_id(u);
        v = id | ((u->fcr & FCR_ENABLE) ? IIR_FIFO_ON : 0);
        if (id == IIR_THRI) {
            /* Reading IIR while it names "THR empty" is how that interrupt is acknowledged. */
            u->thr_pending = false;
            uart_update_irq(u);
        }
        break;
    }
    case UART_LCR: v = u->lcr; break;
    case UART_MCR: v = u->mcr; break;
    case UART_LSR: v = LSR_THRE | LSR_TEMT | (u->fifo_count ? LSR_DR : 0); break;
    case UART_MSR: v = MSR_IDLE; break;
    case UART_SCR: v = u->scr; break;
    }
    *value = v;
    return true;
}

static bool uart_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct uart *u = opaque;
    (void)size;
    bool dlab = u->lcr & LCR_DLAB;
    uint8_t v = (uint8_t)value;
    switch (offset & 7) {
    case UART_RBR_THR:
        if (dlab) {
            u->dll = v;
        } else {
            uart_output(u, &v, 1);
            u->thr_pending = true; /* sent at once, so the holding register is empty again */
            uart_update_irq(u);
        }
        break;
    case UART_IER:
        if (dlab) {
            u->dlm = v;
        } else {
            uint8_t enabled = (uint8_t)(v & ~u->ier);
            u->ier = v & IER_MASK;
            /* Enabling THRI while the transmitter is empty raises it at once (Linux relies on it).
             */
            if (enabled & IER_THRI)
                u->thr_pending = true;
            uart_update_irq(u);
        }
        break;
    case UART_IIR_FCR:
        u->fcr = v & (FCR_ENABLE | 0xc0);
        if (v & FCR_CLEAR_RX) {
            u->fifo_head = u->fifo_count = 0;
            uart_update_irq(u);
        }
        break;
    case UART_LCR: u->lcr = v; break;
    case UART_MCR: u->mcr = v & MCR_MASK; break;
    case UART_LSR:
    case UART_MSR: break; /* status registers: writes are ignored */
    case UART_SCR: u->scr = v; break;
    }
    return true;
}

struct device uart_device(struct uart *u)
{
    return (struct device){.name = "uart0",
                           .base = MEMMAP_UART0_BASE,
                           .size = MEMMAP_UART0_SIZE,
                           .opaque = u,
                           .read = uart_read,
                           .write = uart_write};
}
