/* fptest: the kernel's lazy FP state, from a program built for rv64imafdc/lp64d.
 *
 * Two threads run a double-precision recurrence in different rounding modes, with different
 * accrued flags, at the same priority as an FP-free thread, so the timer switches between them
 * while their FP registers hold live values. Each round's result bits, fflags and frm must equal
 * what the main thread computed the same way before they started. The kernel's counters (kstats)
 * must show that the FP-free thread never got FP state, that Dirty state was saved and restored,
 * that every kind of first FP instruction is recognised, and that teardown frees the contexts.
 * With "badfp" / "badint" as argument the program runs one illegal instruction (a child of the
 * test, which must be killed). */
#include <stdio.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/xpc.h>
#include "../tests/harness.h"

/* utest's harness: CHECK, CHECK_EQ and the two counters. */
unsigned long tests_passed, tests_failed;
uint64_t root_resource;

#define FRM_RTZ         1
#define FRM_RUP         3
#define FFLAGS_DZ       0x08
#define ITERATIONS      100000
#define MIN_ROUNDS      4
#define MIN_TIMER_TICKS 12 /* rounds go on until this many ticks passed: preemption is certain */
#define MAX_ROUNDS      2000
#define STACK_SIZE      16384

static inline void set_frm(unsigned m)
{
    __asm__ volatile("fsrm %0" ::"r"(m));
}
static inline unsigned get_frm(void)
{
    unsigned m;
    __asm__ volatile("frrm %0" : "=r"(m));
    return m;
}
static inline void set_fflags(unsigned f)
{
    __asm__ volatile("fsflags %0" ::"r"(f));
}
static inline unsigned get_fflags(void)
{
    unsigned f;
    __asm__ volatile("frflags %0" : "=r"(f));
    return f;
}

/* Four logistic-map lanes (chaotic, so one wrong bit anywhere changes the result completely),
 * all live in FP registers for the whole loop. noipa: otherwise GCC, which assumes a fixed
 * rounding mode, finds it pure and reuses one result for every call and every round. */
__attribute__((noipa)) static uint64_t recurrence(double seed, unsigned n)
{
    double a = seed, b = seed * 0.75, c = seed * 0.5, d = seed * 0.25;
    for (unsigned i = 0; i < n; i++) {
        a = 3.91 * a * (1.0 - a);
        b = 3.83 * b * (1.0 - b);
        c = 3.77 * c * (1.0 - c);
        d = 3.99 * d * (1.0 - d);
    }
    double mix = a + b * 2.0 + c * 4.0 + d * 8.0;
    uint64_t bits;
    memcpy(&bits, &mix, sizeof(bits));
    return bits;
}

struct fp_worker {
    unsigned frm, fflags_seed;
    double seed;
    uint64_t expect_bits;
    unsigned expect_fflags;
    uint64_t start_ticks;
    volatile uint64_t rounds, bad_bits, bad_fflags, bad_frm;
};

static uint64_t timer_ticks(void)
{
    struct kstats k;
    sys_kstats(&k);
    return k.timer_interrupts;
}

static void expect(struct fp_worker *w)
{
    set_frm(w->frm);
    set_fflags(w->fflags_seed);
    w->expect_bits = recurrence(w->seed, ITERATIONS);
    w->expect_fflags = get_fflags();
    set_frm(0);
    set_fflags(0);
}

static void fp_worker(void *arg)
{
    struct fp_worker *w = arg;
    set_frm(w->frm);
    while (w->rounds < MAX_ROUNDS &&
           (w->rounds < MIN_ROUNDS || timer_ticks() - w->start_ticks < MIN_TIMER_TICKS)) {
        set_fflags(w->fflags_seed);
        uint64_t bits = recurrence(w->seed, ITERATIONS);
        unsigned flags = get_fflags();
        if (bits != w->expect_bits)
            w->bad_bits++;
        if (flags != w->expect_fflags)
            w->bad_fflags++;
        if (get_frm() != w->frm)
            w->bad_frm++;
        w->rounds++;
    }
}

static volatile int integer_stop;
static volatile uint64_t integer_count;

static void integer_worker(void *arg)
{
    (void)arg;
    while (!integer_stop)
        integer_count++;
}

static void preemption_test(void)
{
    struct fp_worker w[2] = {
        {.frm = FRM_RTZ, .fflags_seed = 0, .seed = 0.1234567},
        {.frm = FRM_RUP, .fflags_seed = FFLAGS_DZ, .seed = 0.7654321},
    };
    for (int i = 0; i < 2; i++)
        expect(&w[i]);
    /* The rounding modes must matter, or a leaked frm would go unnoticed. */
    set_frm(0);
    CHECK(recurrence(w[0].seed, ITERATIONS) != w[0].expect_bits);
    CHECK(recurrence(w[1].seed, ITERATIONS) != w[1].expect_bits);
    CHECK_EQ(w[1].expect_fflags & FFLAGS_DZ, FFLAGS_DZ);

    struct kstats before, after;
    sys_kstats(&before);
    integer_stop = 0;
    integer_count = 0;
    int64_t integer = xpc_thread_start(integer_worker, NULL, STACK_SIZE, DEFAULT_PRIORITY);
    int64_t t[2];
    for (int i = 0; i < 2; i++) {
        w[i].start_ticks = before.timer_interrupts;
        t[i] = xpc_thread_start(fp_worker, &w[i], STACK_SIZE, DEFAULT_PRIORITY);
        CHECK(t[i] > 0);
    }
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(sys_object_wait(t[i]), 0);
        sys_handle_close(t[i]);
    }
    sys_kstats(&after); /* the FP workers are gone, the integer thread still runs */
    integer_stop = 1;
    CHECK_EQ(sys_object_wait(integer), 0);
    sys_handle_close(integer);

    for (int i = 0; i < 2; i++) {
        printf("fptest: worker %d: %lu rounds\n", i, (unsigned long)w[i].rounds);
        CHECK(w[i].rounds >= MIN_ROUNDS);
        CHECK_EQ(w[i].bad_bits, 0);
        CHECK_EQ(w[i].bad_fflags, 0);
        CHECK_EQ(w[i].bad_frm, 0);
    }
    CHECK(integer_count > 0);
    CHECK(after.timer_interrupts - before.timer_interrupts >= MIN_TIMER_TICKS);
    /* Exactly the two FP workers trapped on first use; the integer thread never did. */
    CHECK_EQ(after.fp_first_use_traps - before.fp_first_use_traps, 2);
    /* The workers' contexts are freed and the integer thread has none. */
    CHECK_EQ(after.fp_contexts, before.fp_contexts);
    /* The workers were switched while Dirty: their registers went out and came back. */
    CHECK(after.fp_saves - before.fp_saves >= 2);
    CHECK(after.fp_restores - before.fp_restores >= 2);
    printf("fptest: %lu saves, %lu restores, %lu timer ticks\n",
           (unsigned long)(after.fp_saves - before.fp_saves),
           (unsigned long)(after.fp_restores - before.fp_restores),
           (unsigned long)(after.timer_interrupts - before.timer_interrupts));
}

/* Each probe's first FP instruction is of one kind; the kernel must recognise all of them. */
static uint64_t probe_buffer[2] __attribute__((aligned(8)));

static void probe_fld(void *a)
{
    (void)a;
    __asm__ volatile(".insn i 0x07, 3, fa0, 0(%0)" ::"r"(probe_buffer) : "fa0");
}
static void probe_fsd(void *a)
{
    (void)a;
    __asm__ volatile(".insn s 0x27, 3, fa0, 0(%0)" ::"r"(probe_buffer) : "memory");
}
static void probe_c_fld(void *a)
{
    (void)a;
    register uint64_t *p __asm__("a1") = probe_buffer;
    __asm__ volatile("c.fld fa0, 0(%0)" ::"r"(p) : "fa0");
}
static void probe_c_fsd(void *a)
{
    (void)a;
    register uint64_t *p __asm__("a1") = probe_buffer;
    __asm__ volatile("c.fsd fa0, 0(%0)" ::"r"(p) : "memory");
}
static void probe_c_fldsp(void *a)
{
    (void)a;
    __asm__ volatile("c.fldsp fa0, 0(sp)" ::: "fa0");
}
static void probe_c_fsdsp(void *a)
{
    (void)a;
    __asm__ volatile("addi sp, sp, -16\n c.fsdsp fa0, 0(sp)\n addi sp, sp, 16" ::: "memory");
}
static void probe_op_fp(void *a)
{
    (void)a;
    __asm__ volatile("fmv.d.x fa0, zero" ::: "fa0");
}
static void probe_fmadd(void *a)
{
    (void)a;
    __asm__ volatile("fmadd.d fa0, fa1, fa2, fa3\n fnmsub.d fa0, fa1, fa2, fa3" ::: "fa0");
}
static void probe_fflags(void *a)
{
    *(volatile unsigned *)a = get_fflags(); /* zero-initialised state */
}
static void probe_fcsr(void *a)
{
    unsigned v;
    __asm__ volatile("frcsr %0" : "=r"(v));
    *(volatile unsigned *)a = v;
}
static void probe_frm(void *a)
{
    *(volatile unsigned *)a = get_frm();
}

static void first_use_test(void)
{
    static void (*const probes[])(void *) = {probe_fld,     probe_fsd,     probe_c_fld, probe_c_fsd,
                                             probe_c_fldsp, probe_c_fsdsp, probe_op_fp, probe_fmadd,
                                             probe_fflags,  probe_fcsr,    probe_frm};
    for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        struct kstats before, after;
        volatile unsigned csr_value = 0xdead;
        sys_kstats(&before);
        int64_t t = xpc_thread_start(probes[i], (void *)&csr_value, STACK_SIZE, DEFAULT_PRIORITY);
        CHECK_EQ(sys_object_wait(t), 0);
        sys_handle_close(t);
        sys_kstats(&after);
        CHECK_EQ(after.fp_first_use_traps - before.fp_first_use_traps, 1);
        CHECK_EQ(after.fp_contexts, before.fp_contexts);
        if (probes[i] == probe_fflags || probes[i] == probe_fcsr || probes[i] == probe_frm)
            CHECK_EQ(csr_value, 0);
    }
}

/* A child running an illegal instruction is killed (exit -1002 = -1000 - illegal instruction),
 * whether or not the instruction has an FP opcode, and its FP context does not outlive it. */
static void illegal_test(void)
{
    static const char *const args[] = {"badfp", "badint"};
    for (int i = 0; i < 2; i++) {
        struct kstats before, after;
        sys_kstats(&before);
        int64_t p = xpc_spawn("fptest", args[i], 0);
        CHECK(p > 0);
        CHECK_EQ(sys_object_wait(p), -1002);
        sys_handle_close(p);
        sys_kstats(&after);
        CHECK_EQ(after.fp_contexts, before.fp_contexts);
        CHECK_EQ(after.heap_bytes, before.heap_bytes);
    }
}

/* FP loads and stores into an XPC relay segment: the engine translates them like any access;
 * where the kernel emulates XPC, it must emulate these too (flw/fld/fsw/fsd and the compressed
 * forms), writing the thread's FP registers. */
static void relay_fp_test(void)
{
    struct xpc_seg seg;
    CHECK_EQ(xpc_seg_alloc(4096, MAP_READ | MAP_WRITE, 0, &seg), 0);
    CHECK_EQ(xpc_seg_swap(0), 0);
    volatile double *d = seg.va;
    volatile float *s = (volatile float *)seg.va + 64;
    d[0] = 1.5;
    d[1] = d[0] * 2.0 + 0.25;
    s[0] = 2.5f;
    s[1] = s[0] * 3.0f;
    CHECK(d[1] == 3.25);
    CHECK(s[1] == 7.5f);
    double sum = 0;
    for (int i = 0; i < 8; i++) {
        d[8 + i] = i * 0.5;
        sum += d[8 + i];
    }
    CHECK(sum == 14.0);
    CHECK_EQ(xpc_seg_free(&seg), 0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "badfp") == 0) {
        /* fadd.d with the reserved rounding mode 5: illegal even with the FPU on. */
        __asm__ volatile(".insn r 0x53, 5, 0x01, fa0, fa1, fa2");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "badint") == 0) {
        __asm__ volatile("unimp");
        return 0;
    }
    preemption_test();
    first_use_test();
    illegal_test();
    relay_fp_test();
    printf("fptest: %lu passed, %lu failed\n", tests_passed, tests_failed);
    uint64_t counts[2] = {tests_passed, tests_failed};
    sys_channel_write(xpc_bootstrap_handle, counts, sizeof(counts), NULL, 0);
    return tests_failed != 0;
}
