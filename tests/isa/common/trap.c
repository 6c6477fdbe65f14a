/* The C side of the trap entries: record the trap for the test to check and resume, or end the
 * test when nothing expected it. */
#include "test.h"

volatile struct trap_log trap_m, trap_s;
volatile irq_hook_fn irq_hook_m, irq_hook_s;
volatile trap_hook_fn trap_hook_m, trap_hook_s;
static volatile int trap_armed;

void trap_arm(void)
{
    trap_m.count = trap_s.count = 0;
    trap_m.cause = trap_s.cause = ~0ULL;
    trap_m.tval = trap_s.tval = ~0ULL;
    trap_armed = 1;
}

void trap_disarm(void)
{
    trap_armed = 0;
}

void check_trap(const char *what, volatile struct trap_log *log, uint64_t cause, uint64_t tval)
{
    trap_disarm();
    print_str(what);
    print_str(": traps ");
    print_dec(log->count);
    print_str(" cause ");
    print_dec(log->cause);
    print_str(" tval ");
    print_hex(log->tval);
    print_char('\n');
    if (log->count != 1 || log->cause != cause || log->tval != tval) {
        print_str("  MISMATCH: expected 1 trap, cause ");
        print_dec(cause);
        print_str(" tval ");
        print_hex(tval);
        print_char('\n');
        check_failures++;
    }
}

static uint64_t instruction_bits(uint64_t epc)
{
    uint64_t low = *(volatile uint16_t *)epc;
    return (low & 3) == 3 ? low | (uint64_t) * (volatile uint16_t *)(epc + 2) << 16 : low;
}

void check_illegal(const char *what, volatile struct trap_log *log)
{
    /* QEMU, like most hardware, puts the faulting instruction's bits in tval. */
    check_trap(what, log, CAUSE_ILLEGAL_INSN, log->count == 1 ? instruction_bits(log->epc) : 0);
}

void check_no_trap(const char *what)
{
    trap_disarm();
    print_str(what);
    print_str(": traps ");
    print_dec(trap_m.count + trap_s.count);
    print_char('\n');
    if (trap_m.count + trap_s.count) {
        print_str("  MISMATCH: expected no trap\n");
        check_failures++;
    }
}

/* Instruction fetch faults have nothing to skip: the tests reach the bad target with a call, so
 * going on at ra returns to the caller. */
static int is_fetch_fault(uint64_t cause)
{
    return cause == CAUSE_MISALIGNED_FETCH || cause == CAUSE_FETCH_ACCESS ||
           cause == CAUSE_FETCH_PAGE_FAULT;
}

/* The instruction at epc: code is identity-mapped in every test, so its physical address is epc. */
static uint64_t instruction_length(uint64_t epc)
{
    return (*(volatile uint16_t *)epc & 3) == 3 ? 4 : 2;
}

static void unexpected(const char *mode, struct trap_frame *f)
{
    print_str("unexpected trap in ");
    print_str(mode);
    print_str(" handler: cause ");
    print_hex(f->cause);
    print_str(" epc ");
    print_hex(f->epc);
    print_str(" tval ");
    print_hex(f->tval);
    print_char('\n');
    test_finish(1);
}

static void handle(const char *mode, struct trap_frame *f, volatile struct trap_log *log,
                   irq_hook_fn irq_hook, trap_hook_fn trap_hook)
{
    if (f->cause & CAUSE_INTERRUPT) {
        if (!irq_hook)
            unexpected(mode, f);
        irq_hook(f->cause & ~CAUSE_INTERRUPT);
        return;
    }
    if (trap_hook && trap_hook(f))
        return;
    if (!trap_armed)
        unexpected(mode, f);
    log->count++;
    log->cause = f->cause;
    log->epc = f->epc;
    log->tval = f->tval;
    log->status = f->status;
    if (is_fetch_fault(f->cause))
        f->epc = f->x[1];
    else
        f->epc += instruction_length(f->epc);
}

void trap_handler_m(struct trap_frame *f)
{
    if (f->cause < 12 && (f->cause & ~3ULL) == 8 && f->x[17] == RAISE_PRIV_MAGIC) {
        /* MPIE is 1 after any mret; clearing it resumes M with interrupts off, as it began. */
        csr_set(mstatus, MSTATUS_MPP);
        csr_clear(mstatus, MSTATUS_MPIE);
        f->epc += 4;
        return;
    }
    handle("M", f, &trap_m, irq_hook_m, trap_hook_m);
}

void trap_handler_s(struct trap_frame *f)
{
    if (f->cause == CAUSE_ECALL_U && f->x[17] == RAISE_PRIV_MAGIC) {
        csr_set(sstatus, MSTATUS_SPP);
        csr_clear(sstatus, MSTATUS_SPIE);
        f->epc += 4;
        return;
    }
    handle("S", f, &trap_s, irq_hook_s, trap_hook_s);
}
