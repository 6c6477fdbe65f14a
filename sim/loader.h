/* Loading firmware and kernel images into guest RAM: ELF64 RISC-V executables or raw binaries.
 *
 * Every check a malformed file can fail is made before a byte is written to RAM, so a bad image
 * is reported and loses nothing. */
#ifndef SIM_LOADER_H
#define SIM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guest_ram {
    uint8_t *host;
    uint64_t base; /* guest physical address of host[0] */
    uint64_t size;
};

struct image_info {
    uint64_t entry; /* ELF entry, or the load address of a raw image */
    uint64_t low;   /* lowest and one-past-highest guest address written */
    uint64_t high;
    bool is_elf;
    uint64_t tohost;   /* address of the `tohost` symbol, 0 if absent (HTIF) */
    uint64_t fromhost; /* address of the `fromhost` symbol, 0 if absent */
};

/* Load `path`. An ELF goes to its physical addresses (p_paddr); anything else is a raw image
 * loaded at raw_addr. Returns 0, or -1 with a one-line message in err naming the problem. */
int load_image(const struct guest_ram *ram, const char *path, uint64_t raw_addr,
               struct image_info *info, char *err, size_t errlen);

#endif
