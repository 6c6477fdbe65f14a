/* A small S-mode payload that proves the boot path on both machines: it prints through the
 * SBI console and through the UART directly, takes timer interrupts set through SBI, and
 * powers off through SBI SRST. Its output is the same on xpcsim and on QEMU. */
#include <stdint.h>

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_BASE           0x10
#define SBI_EXT_TIME           0x54494d45
#define SBI_EXT_SRST           0x53525354
#define UART_BASE              0x10000000UL

struct sbiret {
    long error;
    long value;
};

static struct sbiret sbi_call(long ext, long fid, long a0, long a1)
{
    register long r_a0 asm("a0") = a0;
    register long r_a1 asm("a1") = a1;
    register long r_a6 asm("a6") = fid;
    register long r_a7 asm("a7") = ext;
    asm volatile("ecall" : "+r"(r_a0), "+r"(r_a1) : "r"(r_a6), "r"(r_a7) : "memory");
    return (struct sbiret){r_a0, r_a1};
}

static void sbi_puts(const char *s)
{
    for (; *s; s++)
        sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, *s, 0);
}

static void uart_puts(const char *s)
{
    volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;
    for (; *s; s++) {
        while (!(uart[5] & 0x20)) /* LSR.THRE */
            ;
        uart[0] = (uint8_t)*s;
    }
}

static void put_dec(char *buf, unsigned long v)
{
    char tmp[24];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n)
        *buf++ = tmp[--n];
    *buf = 0;
}

static volatile unsigned long ticks;

static unsigned long rdtime(void)
{
    unsigned long t;
    asm volatile("rdtime %0" : "=r"(t));
    return t;
}

void trap_handler(void)
{
    unsigned long cause;
    asm volatile("csrr %0, scause" : "=r"(cause));
    if (cause == ((1UL << 63) | 5)) {
        ticks++;
        /* 1 ms at 10 MHz; the last tick disarms the timer. */
        sbi_call(SBI_EXT_TIME, 0, ticks < 3 ? (long)(rdtime() + 10000) : -1L, 0);
        return;
    }
    sbi_puts("payload: unexpected trap\n");
    sbi_call(SBI_EXT_SRST, 0, 0, 1);
}

void payload_main(unsigned long hartid, unsigned long fdt)
{
    char num[24];
    (void)fdt;
    sbi_puts("payload: hello through SBI\n");
    uart_puts("payload: hello through the UART\n");
    put_dec(num, hartid);
    sbi_puts("payload: hart ");
    sbi_puts(num);
    sbi_puts("\n");
    struct sbiret r = sbi_call(SBI_EXT_BASE, 3, SBI_EXT_SRST, 0); /* probe_extension */
    sbi_puts(r.value ? "payload: SRST present\n" : "payload: SRST missing\n");

    asm volatile("csrs sie, %0" ::"r"(1UL << 5));
    asm volatile("csrs sstatus, %0" ::"r"(1UL << 1));
    sbi_call(SBI_EXT_TIME, 0, (long)(rdtime() + 10000), 0);
    while (ticks < 3)
        asm volatile("wfi");
    put_dec(num, ticks);
    sbi_puts("payload: timer interrupts taken: ");
    sbi_puts(num);
    sbi_puts("\npayload: shutting down through SRST\n");
    sbi_call(SBI_EXT_SRST, 0, 0, 0); /* shutdown, no reason */
    sbi_puts("payload: SRST returned\n");
}
