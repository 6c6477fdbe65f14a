/* The block interpreter, in a functional and a cycle-model flavour. */
#ifndef SIM_INTERP_H
#define SIM_INTERP_H

#include "block.h"
#include "cpu.h"

/* Run b and the blocks linked from it until a block boundary needs the hart's loop (an
 * interrupt check, a timer, a missing link). Returns the last block, whose exit may be linked
 * to what comes next, or NULL when it ended in a trap or a context change. */
struct block *run_block_fast(struct hart *h, struct block *b);
struct block *run_block_timed(struct hart *h, struct block *b);

#endif
