/* Where the CPU meets the XPC engine (sim/xpc/engine.h). */
#ifndef SIM_XPC_GLUE_H
#define SIM_XPC_GLUE_H

#include <stdbool.h>

#include "cpu.h"
#include "decode.h"

struct xpc_cost;

/* Execute an XPC instruction at h->pc. false = exception in h->exc_cause/exc_tval. */
bool xpc_execute(struct hart *h, const struct insn *in);

/* The relay segment comes before the TLB and the page table for data accesses (brief §3.4).
 * Sets *hit when va is the segment's; returns false (exception set) on a permission fault. */
bool xpc_data_translate(struct hart *h, uint64_t va, unsigned size, bool is_store, bool is_amo,
                        bool *hit, uint64_t *pa);
/* The soft TLB must not cache a page that overlaps the active window. */
bool xpc_page_in_window(const struct hart *h, uint64_t va_page);
/* CSR access through the engine: 0 = not an XPC CSR, 1 = done, -1 = illegal. */
int xpc_csr_access(struct hart *h, unsigned csrno, bool write, uint64_t *val);
/* Call after anything that may have moved the active segment. */
void xpc_segment_changed(struct hart *h);
/* Charge the cycle model for an XPC instruction (no-op with the model off). */
void xpc_timing(struct hart *h, const struct insn *in, const struct xpc_cost *cost,
                uint64_t old_satp, uint64_t new_satp);

#endif
