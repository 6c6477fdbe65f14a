/* picolibc built for rv64gc/lp64d on the bare machine: printf of doubles and libm functions.
 * The output must be the same on xpcsim and on QEMU (the run compares them). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define UART     ((volatile uint8_t *)0x10000000UL)
#define FINISHER ((volatile uint32_t *)0x100000UL)

static int uart_putc(char c, FILE *f)
{
    (void)f;
    while (!(UART[5] & 0x20))
        ;
    UART[0] = (uint8_t)c;
    return (unsigned char)c;
}

static FILE uart_file = FDEV_SETUP_STREAM(uart_putc, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &uart_file;
FILE *const stdout = &uart_file;
FILE *const stderr = &uart_file;

void _exit(int status)
{
    *FINISHER = status == 0 ? 0x5555u : ((uint32_t)status << 16) | 0x3333u;
    for (;;)
        ;
}

int main(void)
{
    volatile double third = 1.0 / 3.0, big = 1e300, tiny = 4.9e-324, zero = 0.0;
    printf("1/3 = %.17g\n", third);
    printf("pi = %.15f, e = %.15f\n", M_PI, exp(1.0));
    printf("sqrt(2) = %.17g, cbrt(27) = %.17g\n", sqrt(2.0), cbrt(27.0));
    printf("sin(1) = %.17g, cos(1) = %.17g, tan(1) = %.17g\n", sin(1.0), cos(1.0), tan(1.0));
    printf("log(10) = %.17g, log2(10) = %.17g, pow(2, 0.5) = %.17g\n", log(10.0), log2(10.0),
           pow(2.0, 0.5));
    printf("atan2(1, -1) = %.17g, hypot(3, 4) = %.17g\n", atan2(1.0, -1.0), hypot(3.0, 4.0));
    printf("big*big = %g, -big*big = %g, tiny/2 = %g, 0/0 is nan: %d\n", big * big, -big * big,
           tiny / 2, isnan(zero / zero));
    printf("floats: %.9g %.9g %.9g\n", (double)(1.0f / 3.0f), (double)sqrtf(2.0f),
           (double)expf(1.0f));
    double sum = 0;
    for (int i = 1; i <= 1000; i++)
        sum += 1.0 / ((double)i * i);
    printf("sum 1/n^2 (1000 terms) = %.17g\n", sum);
    printf("strtod(\"2.5e-3\") = %.17g, lround(2.5) = %ld, fma = %.17g\n", strtod("2.5e-3", NULL),
           lround(2.5), fma(0.1, 10.0, -1.0));
    printf("done\n");
    exit(0); /* picolibc's default crt0 only spins after main returns */
}
