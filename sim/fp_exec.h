/* Executing F and D instructions: register and CSR state around the arithmetic of sim/fpu/. */
#ifndef SIM_FP_EXEC_H
#define SIM_FP_EXEC_H

#include <stdbool.h>

#include "cpu.h"
#include "decode.h"

/* mstatus.FS = Off makes every FP instruction and FP CSR illegal. */
static inline bool fp_enabled(const struct hart *h)
{
    return (h->csr.mstatus & MSTATUS_FS) != 0;
}

/* Any change to FP state marks it Dirty, so a kernel knows to save it. */
static inline void fp_dirty(struct hart *h)
{
    h->csr.mstatus |= MSTATUS_FS;
}

/* NaN-boxing: a single lives in the low half of an f register whose upper half is all ones. */
static inline uint64_t fp_box_s(uint32_t v)
{
    return 0xffffffff00000000ULL | v;
}

/* Execute an OP_FP instruction. false: illegal instruction (FS off, bad rounding mode). */
bool fp_execute(struct hart *h, const struct insn *in);

#endif
