/* The harness every ISA test program includes: CSR access, output on the UART, self-checks,
 * privilege changes and the trap bookkeeping the tests assert on. */
#ifndef ISA_TEST_H
#define ISA_TEST_H

#include <stdint.h>
#include "riscv/spec.h"
#include "xpc/memmap.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

#define csr_read(csr)                                                                              \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        asm volatile("csrr %0, " STR(csr) : "=r"(v_)::"memory");                                   \
        v_;                                                                                        \
    })
#define csr_write(csr, val) asm volatile("csrw " STR(csr) ", %0" ::"r"((uint64_t)(val)) : "memory")
#define csr_set(csr, val)   asm volatile("csrs " STR(csr) ", %0" ::"r"((uint64_t)(val)) : "memory")
#define csr_clear(csr, val) asm volatile("csrc " STR(csr) ", %0" ::"r"((uint64_t)(val)) : "memory")

#define CLINT_MSIP     ((volatile uint32_t *)(MEMMAP_CLINT_BASE + 0x0))
#define CLINT_MTIMECMP ((volatile uint64_t *)(MEMMAP_CLINT_BASE + 0x4000))
#define CLINT_MTIME    ((volatile uint64_t *)(MEMMAP_CLINT_BASE + 0xbff8))

/* One instruction on registers, so the compiler cannot fold what a test checks. */
#define RR(op, a, b)                                                                               \
    ({                                                                                             \
        uint64_t r_;                                                                               \
        asm volatile(op " %0, %1, %2" : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)));        \
        r_;                                                                                        \
    })
#define RI(op, a, imm)                                                                             \
    ({                                                                                             \
        uint64_t r_;                                                                               \
        asm volatile(op " %0, %1, %2" : "=r"(r_) : "r"((uint64_t)(a)), "i"(imm));                  \
        r_;                                                                                        \
    })

#define R1(op, a)                                                                                  \
    ({                                                                                             \
        uint64_t r_;                                                                               \
        asm volatile(op " %0, %1" : "=r"(r_) : "r"((uint64_t)(a)));                                \
        r_;                                                                                        \
    })

#define MIN64 0x8000000000000000ULL
#define MAX64 0x7fffffffffffffffULL

/* The test's name for its verdict line, defined in the test's own translation unit (the Makefile
 * compiles only that one with -DTEST_NAME). */
extern const char test_name[];
#ifdef TEST_NAME
const char test_name[] = TEST_NAME;
#endif

/* ---- output (print.c) ---- */
void print_char(char c);
void print_str(const char *s);
void print_hex(uint64_t v);
void print_dec(uint64_t v);
/* "what = 0x<got>", and a MISMATCH line (counted as a failure) when got != expected. */
void check(const char *what, uint64_t got, uint64_t expected);
extern int check_failures;
/* Ends the test: the PASS/FAIL line, then the finisher. Never returns. */
void test_finish(int failures) __attribute__((noreturn));
void test_abort(const char *why) __attribute__((noreturn));

/* ---- traps (trap.c) ---- */
struct trap_frame {
    uint64_t x[32];
    uint64_t cause, epc, tval, status;
};

/* What the last expected trap looked like, per handling mode. */
struct trap_log {
    uint64_t count, cause, epc, tval, status;
};
extern volatile struct trap_log trap_m, trap_s;

/* An exception is only acceptable while armed; the handler then records it and resumes after the
 * faulting instruction (or, for a fault on fetch, at the saved ra: tests reach bad fetch targets
 * with a call). Unexpected exceptions end the test with FAIL. */
void trap_arm(void);
void trap_disarm(void);
/* Checks that exactly one trap was taken by `log` since trap_arm, with this cause and tval. */
void check_trap(const char *what, volatile struct trap_log *log, uint64_t cause, uint64_t tval);
/* Checks for one illegal instruction trap whose tval holds the instruction's own bits. */
void check_illegal(const char *what, volatile struct trap_log *log);
/* Checks that no trap was taken since trap_arm. */
void check_no_trap(const char *what);

/* Interrupt hooks: called with the interrupt number; must quiet the source. */
typedef void (*irq_hook_fn)(uint64_t irq);
extern volatile irq_hook_fn irq_hook_m, irq_hook_s;
/* A per-test hook for exceptions that need more than recording (may edit the frame). Returns
 * nonzero when it handled the trap. */
typedef int (*trap_hook_fn)(struct trap_frame *f);
extern volatile trap_hook_fn trap_hook_m, trap_hook_s;

void trap_entry_m(void);
void trap_entry_s(void);

/* ---- privilege changes (trap_entry.S) ---- */
void m_enter(int priv); /* from M, continue in `priv` */
void s_enter_u(void);   /* from S, continue in U */
/* Continue in the mode of the handler that takes ecall from here (M, or S for U when ecall from
 * U is delegated), with that mode's interrupt enable (MIE/SIE) off. */
void raise_priv(void);
#define RAISE_PRIV_MAGIC 0x5ec0de

/* Past the end of 128 MiB of DRAM nothing decodes on the virt board: an access fault. */
#define UNMAPPED_PADDR 0x90000000ULL

#endif
