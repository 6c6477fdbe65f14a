/* Trap report for the bare-metal generator: an unexpected trap is a test failure. */
#include "ops.h"

static void put_hex64(unsigned long long v)
{
    for (int i = 15; i >= 0; i--)
        backend_putc("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

void report_trap(unsigned long long mcause, unsigned long long mepc);

void report_trap(unsigned long long mcause, unsigned long long mepc)
{
    const char *s = "TRAP mcause=";
    while (*s)
        backend_putc(*s++);
    put_hex64(mcause);
    s = " mepc=";
    while (*s)
        backend_putc(*s++);
    put_hex64(mepc);
    backend_putc('\n');
}
