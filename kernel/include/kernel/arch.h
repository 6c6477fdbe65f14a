/* What arch/riscv offers the core: trap entry and return, the timer, user copies, and the
 * assembly routines of entry.S and fpu.S. The core's entry points that entry.S calls are here
 * too, so that each side of the assembly boundary is declared once. */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <kernel/types.h>

struct thread;
struct trap_frame;
struct fp_context;

/* ---- called from entry.S */
void kmain(uint64_t hartid, const void *fdt);                          /* core/main.c */
void fastpath_syscall(struct trap_frame *f) __attribute__((noreturn)); /* core/fastpath.c */
void trap_from_user(struct trap_frame *f) __attribute__((noreturn));   /* arch/riscv/trap.c */
void trap_from_kernel(struct trap_frame *f);

/* ---- arch/riscv/trap.c */
/* Enter user mode in t (its address space, XPC state, FP state and frame). */
void thread_return_to_user(struct thread *t) __attribute__((noreturn));
/* The next timer interrupt at the end of the time slice, or at `time` if a deadline is sooner. */
void timer_arm(void);
void timer_arm_before(uint64_t time);
extern uint64_t timer_interval; /* the time slice in timebase ticks, set at boot */

/* ---- arch/riscv/entry.S */
void user_return(struct trap_frame *f) __attribute__((noreturn));
/* memcpy that may touch user memory: a fault inside it (pc in [user_copy_start, user_copy_end))
 * resumes at user_copy_fault, and user_copy returns nonzero. */
int user_copy(void *dst, const void *src, size_t n);
extern char user_copy_start[], user_copy_end[], user_copy_fault[];

/* ---- arch/riscv/fpu.S */
void fpu_save(struct fp_context *c);
void fpu_restore(const struct fp_context *c);

#endif
