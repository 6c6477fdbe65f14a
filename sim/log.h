/* QEMU-style logging: `-d item[,item...]` chooses what, `-D FILE` where (default stderr).
 *
 *   int           every trap, in QEMU's own line format (riscv_cpu_do_interrupt: ...), so a log
 *                 of xpcsim diffs against one of qemu-system-riscv64 -d int
 *   mmu           every page walk (the soft TLB's misses): virtual address, access, result
 *   guest_errors  accesses nobody decodes (the access faults a real bus gives)
 *   unimp         CSRs the machine does not implement, accessed by the guest
 *
 * Off, each costs one test of a global mask on a path that already left the fast one (a trap,
 * a TLB miss, a bus error, an unknown CSR), so logging costs nothing when it is off. */
#ifndef SIM_LOG_H
#define SIM_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum log_item {
    LOG_INT = 1 << 0,
    LOG_MMU = 1 << 1,
    LOG_GUEST_ERRORS = 1 << 2,
    LOG_UNIMP = 1 << 3,
};

extern unsigned log_mask;
extern FILE *log_file;

/* "int,mmu": sets log_mask, or returns -1 with a message in err; "help" lists the items on
 * stdout and returns 1. */
int log_parse_items(const char *items, char *err, size_t errlen);
/* -D FILE: 0, or -1 with a message in err. */
int log_open(const char *path, char *err, size_t errlen);
void log_close(void);

void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define log_if(item, ...)                                                                          \
    do {                                                                                           \
        if (__builtin_expect(log_mask & (item), 0))                                                \
            log_printf(__VA_ARGS__);                                                               \
    } while (0)

/* The trap, as QEMU 7.2's riscv_cpu_do_interrupt logs it (its exception and interrupt names). */
void log_trap(unsigned hartid, uint64_t cause, uint64_t epc, uint64_t tval);

#endif
