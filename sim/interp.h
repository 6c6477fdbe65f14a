/* The block interpreter, in a functional and a cycle-model flavour. */
#ifndef SIM_INTERP_H
#define SIM_INTERP_H

#include "block.h"
#include "cpu.h"

void run_block_fast(struct hart *h, const struct block *b);
void run_block_timed(struct hart *h, const struct block *b);

#endif
