/* Physical memory protection (privileged spec 1.12 §3.7): 16 entries, 4-byte grain. */
#ifndef SIM_PMP_H
#define SIM_PMP_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

#define PMP_ENTRIES 16
#define PMP_R       0x01
#define PMP_W       0x02
#define PMP_X       0x04
#define PMP_A       0x18
#define PMP_L       0x80

/* Decode pmpcfg/pmpaddr into the ranges the checks below use; after every write to them. */
void pmp_update(struct csrs *c);
/* May `mode` access the byte at pa? `perm` is PMP_R, PMP_W or PMP_X. */
bool pmp_allows(const struct csrs *c, uint64_t pa, unsigned perm, unsigned mode);
/* Does every byte of the 4 KiB page at `page` get the same answer (so the soft TLB may cache
 * the page's translation)? */
bool pmp_page_uniform(const struct csrs *c, uint64_t page, unsigned mode);

#endif
