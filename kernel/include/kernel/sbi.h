/* Supervisor Binary Interface calls into OpenSBI. */
#ifndef KERNEL_SBI_H
#define KERNEL_SBI_H

#include <kernel/types.h>

void sbi_init(void);
void sbi_set_timer(uint64_t stime);
void sbi_console_putchar(int c);
void sbi_shutdown(bool failure) __attribute__((noreturn));

#endif
