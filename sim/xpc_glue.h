/* Where the CPU meets the XPC engine (sim/xpc/): executing xcall/xret/swapseg. */
#ifndef SIM_XPC_GLUE_H
#define SIM_XPC_GLUE_H

#include <stdbool.h>

#include "cpu.h"
#include "decode.h"

/* Execute an XPC instruction at h->pc. false = exception in h->exc_cause/exc_tval. */
bool xpc_execute(struct hart *h, const struct insn *in);

#endif
