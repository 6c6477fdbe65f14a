/* The device tree the machine hands to firmware, built at start with libfdt. It describes
 * exactly what is emulated, in QEMU virt's node names and properties. */
#ifndef SIM_FDT_H
#define SIM_FDT_H

#include <stddef.h>
#include <stdint.h>

struct fdt_config {
    unsigned nharts;
    uint64_t ram_base;
    uint64_t ram_size;
    const char *isa;       /* riscv,isa string, e.g. "rv64imac_zicsr_zifencei" */
    const char *mmu_type;  /* "riscv,sv48" */
    const char *bootargs;  /* /chosen/bootargs, or NULL */
    uint64_t initrd_start; /* 0 = none */
    uint64_t initrd_end;
};

/* Build into buf (bufsize bytes). Returns the blob's size, or a negative value on error with a
 * message in err. */
int fdt_build(const struct fdt_config *cfg, void *buf, size_t bufsize, char *err, size_t errlen);

#endif
