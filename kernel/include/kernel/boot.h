/* What boot (core/main.c) learns from the device tree and the build, for the rest of the kernel. */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <kernel/types.h>

struct boot_info;

extern uint64_t timebase_hz;          /* mtime's rate, from /cpus/timebase-frequency */
extern uint64_t dram_base, dram_size; /* RAM, from /memory */
extern char _end[];                   /* the kernel image's end (kernel.ld) */
/* The boot arguments init receives when the device tree has none (core/flavour.c). */
extern const char *const flavour_bootargs;

/* core/selftest.c: the kernel's own checks, run once at boot; their counts for sys_info. */
void selftest_run(const struct boot_info *info);
extern uint64_t selftest_passed, selftest_failed;

#endif
