/* ns16550a console. Polled output; input is polled by the console read system call. */
#include <kernel/console.h>
#include <kernel/sbi.h>

#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_LSR 5
#define LSR_DR   0x01
#define LSR_THRE 0x20

static volatile uint8_t *uart;
static uint32_t shift;

static inline uint8_t rd(int reg)
{
    return uart[reg << shift];
}
static inline void wr(int reg, uint8_t v)
{
    uart[reg << shift] = v;
}

void uart_init(uint64_t base, uint32_t reg_shift)
{
    uart = (volatile uint8_t *)base;
    shift = reg_shift;
    if (!uart)
        return;
    wr(UART_IER, 0);
    wr(UART_FCR, 0x07); /* enable and clear FIFOs */
    wr(UART_LCR, 0x03); /* 8N1; the firmware already set the divisor */
}

void uart_remap(uint64_t base)
{
    uart = (volatile uint8_t *)base;
}

void console_putc(char c)
{
    if (!uart) {
        sbi_console_putchar(c);
        return;
    }
    if (c == '\n')
        console_putc('\r');
    while (!(rd(UART_LSR) & LSR_THRE))
        ;
    wr(UART_THR, (uint8_t)c);
}

/* "Received data available" raises the UART's line; reading the byte lowers it. */
void uart_enable_rx_interrupt(void)
{
    if (uart)
        wr(UART_IER, 0x01);
}

/* Bytes taken from the UART in the interrupt handler, waiting for a reader. */
static uint8_t rx_ring[256];
static uint32_t rx_head, rx_tail;

void uart_rx_drain(void)
{
    while (uart && (rd(UART_LSR) & LSR_DR)) {
        uint8_t c = rd(UART_RBR);
        if (rx_head - rx_tail < sizeof(rx_ring))
            rx_ring[rx_head++ % sizeof(rx_ring)] = c;
    }
}

int console_getc(void)
{
    if (rx_tail != rx_head)
        return rx_ring[rx_tail++ % sizeof(rx_ring)];
    if (uart && (rd(UART_LSR) & LSR_DR))
        return rd(UART_RBR);
    return -1;
}
