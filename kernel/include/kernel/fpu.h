/* Lazy floating-point state: threads start with sstatus.FS = Off and get an FP context on their
 * first FP instruction (see docs/kernel.md, "Floating point"). */
#ifndef KERNEL_FPU_H
#define KERNEL_FPU_H

#include <kernel/types.h>

struct thread;
struct trap_frame;

/* f0-f31 as 64-bit values, then fcsr (frm and fflags). */
struct fp_context {
    uint64_t f[32];
    uint64_t fcsr;
};

/* Called on every trap from user mode: remembers that the thread wrote its FP registers. */
void fpu_note_trap(struct thread *t, const struct trap_frame *f);
/* An illegal-instruction trap: true if it was t's first FP instruction and was handled (the
 * instruction is retried, or the process was killed for want of memory). */
bool fpu_claim_first_use(struct thread *t, const struct trap_frame *f);
/* Before t returns to user mode: puts t's FP state in the registers; returns the sstatus.FS
 * bits t runs with. */
uint64_t fpu_switch_in(struct thread *t);
/* Kernel access to t's FP registers (XPC's emulated relay-segment accesses): the context in
 * memory, up to date (NULL if the thread has none); then say it changed. */
struct fp_context *fpu_sync_to_memory(struct thread *t);
void fpu_context_changed(struct thread *t);
/* Thread teardown: frees the FP context. */
void fpu_release(struct thread *t);

extern uint64_t stat_fp_first_use, stat_fp_saves, stat_fp_restores, fp_contexts_live;

#endif
