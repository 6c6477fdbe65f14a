/* The ns16550a UART console. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <kernel/types.h>

void uart_init(uint64_t base, uint32_t reg_shift);
void uart_remap(uint64_t base);
void console_putc(char c);
int console_getc(void); /* -1 when no byte is waiting */
void uart_enable_rx_interrupt(void);
void uart_rx_drain(void); /* move waiting bytes into the kernel's buffer (interrupt handler) */

#endif
