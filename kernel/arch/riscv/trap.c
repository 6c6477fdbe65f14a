/* Trap dispatch: one entry (entry.S), dispatch by scause. */
#include <kernel/riscv.h>
#include <kernel/object.h>
#include <kernel/ipc.h>
#include <kernel/sbi.h>
#include <kernel/fpu.h>
#include <kernel/xpc.h>
#include <kernel/arch.h>


uint64_t timer_interval;
static uint64_t timer_deadline;

/* The next timer interrupt: the end of the time slice, or a sleeper's deadline if sooner. */
void timer_arm(void)
{
    timer_deadline = read_time() + timer_interval;
    sbi_set_timer(timer_deadline);
}

void timer_arm_before(uint64_t time)
{
    if (time < timer_deadline) {
        timer_deadline = time;
        sbi_set_timer(time);
    }
}

uint64_t stat_timer_irqs;

static void handle_interrupt(uint64_t cause)
{
    if (cause == IRQ_S_TIMER) {
        stat_timer_irqs++;
        timer_arm();
        xpc_check_deadlines();
        sched_tick();
    } else if (cause == IRQ_S_EXT) {
        uint32_t irq;
        while ((irq = plic_claim()) != 0)
            interrupt_fire(irq);
    }
}

static const char *exc_name(uint64_t c)
{
    switch (c) {
    case CAUSE_MISALIGNED_FETCH: return "instruction misaligned";
    case CAUSE_FETCH_ACCESS: return "instruction access fault";
    case CAUSE_ILLEGAL_INSN: return "illegal instruction";
    case CAUSE_BREAKPOINT: return "breakpoint";
    case CAUSE_LOAD_ACCESS: return "load access fault";
    case CAUSE_STORE_ACCESS: return "store access fault";
    case CAUSE_FETCH_PAGE_FAULT: return "instruction page fault";
    case CAUSE_LOAD_PAGE_FAULT: return "load page fault";
    case CAUSE_STORE_PAGE_FAULT: return "store page fault";
    default: return "exception";
    }
}

void trap_from_user(struct trap_frame *f)
{
    uint64_t cause = csr_read(scause);
    if (current->fp) /* guard: FP-free threads, the IPC common case, pay nothing */
        fpu_note_trap(current, f);
    /* Guard, as for FP: the engine may have moved the thread into another process. */
    if (current->xpc && xpc_note_trap(current, f, cause))
        schedule(); /* a system call a callee may not make, refused */
    if (cause & CAUSE_INTERRUPT) {
        handle_interrupt(cause & ~CAUSE_INTERRUPT);
    } else if (cause == CAUSE_ILLEGAL_INSN && fpu_claim_first_use(current, f)) {
        /* The thread's first FP instruction: it now has FP state and runs it again. */
    } else if (cause == CAUSE_ECALL_U) {
        f->sepc += 4;
        syscall_dispatch(f);
    } else if (xpc_handle_exception(current, f, cause, csr_read(stval)) ||
               xpc_emulate(current, f, cause, csr_read(stval))) {
        /* an XPC instruction's fault became an error result, or the kernel emulated it */
    } else {
        /* A fault the process did not ask for ends the process (the one whose code ran). */
        kprintf("[%s] %s at pc %lx, addr %lx: killed\n", current->proc->name, exc_name(cause),
                f->sepc, csr_read(stval));
        process_kill(current->proc, -1000 - (int64_t)cause);
        schedule();
    }
    schedule();
}

void trap_from_kernel(struct trap_frame *f)
{
    uint64_t cause = csr_read(scause);
    uint64_t pc = f->sepc;
    if (!(cause & CAUSE_INTERRUPT) &&
        (cause == CAUSE_LOAD_PAGE_FAULT || cause == CAUSE_STORE_PAGE_FAULT ||
         cause == CAUSE_LOAD_ACCESS || cause == CAUSE_STORE_ACCESS) &&
        pc >= (uint64_t)user_copy_start && pc < (uint64_t)user_copy_end) {
        f->sepc = (uint64_t)user_copy_fault;
        return;
    }
    if (cause & CAUSE_INTERRUPT) {
        /* The kernel runs with interrupts off; only the idle loop can take one. */
        handle_interrupt(cause & ~CAUSE_INTERRUPT);
        return;
    }
    panic("kernel trap: %s (cause %lx) at %lx, stval %lx", exc_name(cause), cause, pc,
          csr_read(stval));
}

/* Returns to user mode in t: runs its pending continuation first, in its own address space. */
void thread_return_to_user(struct thread *t)
{
    as_activate(t->proc->as);
    xpc_switch_in(t);
    if (t->cont) {
        continuation_fn c = t->cont;
        if (t->cont_proc != t->proc) {
            thread_drop_continuation(t); /* moved elsewhere meanwhile: it belongs to nobody */
        } else {
            t->cont = NULL;
            c(t);
        }
    }
    uint64_t fs = t->fp ? fpu_switch_in(t) : SSTATUS_FS_OFF;
    t->frame.sstatus =
        (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SUM | SSTATUS_FS)) | SSTATUS_SPIE | fs;
    user_return(&t->frame);
}
