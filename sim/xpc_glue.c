#include "xpc_glue.h"

bool xpc_execute(struct hart *h, const struct insn *in)
{
    /* No engine on this core: the instructions are illegal, so a kernel can emulate them. */
    h->exc_cause = CAUSE_ILLEGAL_INSN;
    h->exc_tval = in->raw;
    return false;
}
