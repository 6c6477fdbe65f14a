/* UART output and the end of a test. The ns16550a needs no setup to transmit on either machine;
 * waiting for THR empty (LSR bit 5) keeps us correct on a UART that models its FIFO. */
#include "test.h"

#define UART_THR      ((volatile uint8_t *)(MEMMAP_UART0_BASE + 0))
#define UART_LSR      ((volatile uint8_t *)(MEMMAP_UART0_BASE + 5))
#define UART_LSR_THRE 0x20

#define FINISHER      ((volatile uint32_t *)MEMMAP_TEST_BASE)
#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333

int check_failures;

void print_char(char c)
{
    while (!(*UART_LSR & UART_LSR_THRE))
        ;
    *UART_THR = (uint8_t)c;
}

void print_str(const char *s)
{
    while (*s)
        print_char(*s++);
}

void print_hex(uint64_t v)
{
    print_str("0x");
    for (int shift = 60; shift >= 0; shift -= 4)
        print_char("0123456789abcdef"[(v >> shift) & 0xf]);
}

void print_dec(uint64_t v)
{
    char buf[21];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        print_char(buf[--n]);
}

void check(const char *what, uint64_t got, uint64_t expected)
{
    print_str(what);
    print_str(" = ");
    print_hex(got);
    print_char('\n');
    if (got != expected) {
        print_str("  MISMATCH: expected ");
        print_hex(expected);
        print_char('\n');
        check_failures++;
    }
}

void test_finish(int failures)
{
    failures += check_failures;
    if (failures) {
        print_str("FAIL ");
        print_str(test_name);
        print_str(": ");
        print_dec((uint64_t)failures);
        print_str(" check(s) failed\n");
        *FINISHER = ((uint32_t)(failures > 0xffff ? 0xffff : failures) << 16) | FINISHER_FAIL;
    } else {
        print_str("PASS ");
        print_str(test_name);
        print_char('\n');
        *FINISHER = FINISHER_PASS;
    }
    for (;;)
        ;
}

void test_abort(const char *why)
{
    print_str("ABORT: ");
    print_str(why);
    print_char('\n');
    test_finish(1);
}
