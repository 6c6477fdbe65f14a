/* Bare-metal driver: run one workload, print its checksum on the UART, exit through the
 * sifive_test finisher. Selected at build time with -DWORKLOAD=workload_int / workload_mem. */
#include <stdint.h>

#include "workload.h"

#define UART     ((volatile uint8_t *)0x10000000UL)
#define FINISHER ((volatile uint32_t *)0x100000UL)

static void putc_uart(char c)
{
    while (!(UART[5] & 0x20))
        ;
    UART[0] = (uint8_t)c;
}

static void puthex(uint64_t v)
{
    for (int i = 60; i >= 0; i -= 4)
        putc_uart("0123456789abcdef"[(v >> i) & 15]);
    putc_uart('\n');
}

void guest_main(void)
{
    puthex(WORKLOAD(SCALE));
    *FINISHER = 0x5555;
    for (;;)
        ;
}
