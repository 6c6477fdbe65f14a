/* Ending a test the riscv-tests way, for xpcsim's HTIF: the emulator watches the `tohost` symbol
 * (in section .tohost); 1 means pass, (code << 1) | 1 means fail with exit status `code`. QEMU's
 * virt board has no HTIF, so tests using this are named xpcsim_*. The finisher is never used. */
#ifndef ISA_HTIF_H
#define ISA_HTIF_H

#include "test.h"

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(64)));

static inline __attribute__((noreturn)) void htif_finish(void)
{
    if (check_failures) {
        print_str("FAIL ");
        print_str(test_name);
        print_str(": ");
        print_dec((uint64_t)check_failures);
        print_str(" check(s) failed\n");
        tohost = ((uint64_t)check_failures << 1) | 1;
    } else {
        print_str("PASS ");
        print_str(test_name);
        print_char('\n');
        tohost = 1;
    }
    for (;;)
        ;
}

#endif
