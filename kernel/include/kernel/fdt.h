/* A small, bounds-checked reader of the flattened device tree OpenSBI hands over. */
#ifndef KERNEL_FDT_H
#define KERNEL_FDT_H

#include <kernel/types.h>

struct boot_info {
    uint64_t mem_base, mem_size;
    uint64_t uart_base;
    uint32_t uart_reg_shift;
    uint32_t uart_irq; /* PLIC source, 0 if the tree does not say */
    uint64_t plic_base;
    uint64_t timebase_hz;
    uint64_t fdt_base, fdt_size;
    char bootargs[1000]; /* room for a run="..." script; the spawn limit is 1 KiB */
    bool has_xpc;        /* a cpu's riscv,isa names the XPC extension ("_xxpc") */
};

/* Fills *info from the tree at fdt; returns 0 or a negative value when the tree is malformed. */
int fdt_parse(const void *fdt, struct boot_info *info);

#endif
