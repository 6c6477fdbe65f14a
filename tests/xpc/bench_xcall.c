/* One-way xcall and xret latency in cycles, the E1 microbenchmark for XPC.
 *
 * The caller reads cycle right before xcall and the callee right at its entry (so "xcall" is
 * the instruction and the switch into the callee's address space); the callee reads cycle right
 * before xret and the caller right after it returns. Hot cache: warm-up calls first, then
 * SAMPLES measured ones. Each figure includes one rdcycle; the rdcycle-to-rdcycle overhead is
 * printed too so a table can subtract it. Lines starting with BENCH are for scripts. */
#include "xpc_world.h"

#define WARMUP  16
#define SAMPLES 256

static uint64_t xcall_cycles[SAMPLES], xret_cycles[SAMPLES], timer_cycles[SAMPLES];

static void sort(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

static uint64_t isqrt(uint64_t x)
{
    uint64_t r = 0;
    for (uint64_t bit = 1ULL << 62; bit; bit >>= 2)
        if (x >= r + bit) {
            x -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    return r;
}

static void report(const char *name, uint64_t *v)
{
    uint64_t sum = 0, sq = 0;
    for (int i = 0; i < SAMPLES; i++)
        sum += v[i];
    uint64_t mean = sum / SAMPLES;
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t d = v[i] > mean ? v[i] - mean : mean - v[i];
        sq += d * d;
    }
    sort(v, SAMPLES);
    print_str("BENCH ");
    print_str(name);
    print_str(" samples=");
    print_dec(SAMPLES);
    print_str(" mean=");
    print_dec(mean);
    print_str(" stddev=");
    print_dec(isqrt(sq / SAMPLES));
    print_str(" min=");
    print_dec(v[0]);
    print_str(" median=");
    print_dec(v[SAMPLES / 2]);
    print_str(" max=");
    print_dec(v[SAMPLES - 1]);
    print_char('\n');
}

int main(void)
{
    xpc_world_init();
    enter_user();
    int ordered = 1;
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        /* s2/s3 survive the callee, which only uses temporaries; nothing runs between the
         * reads and the instructions they time. */
        register uint64_t before asm("s2"), after asm("s3");
        asm volatile("li a0, %2\n\t"
                     "rdcycle s2\n\t" XPC_ASM_XCALL("a0") "\n\t"
                                                          "rdcycle s3"
                     : "=r"(before), "=r"(after)
                     : "i"(ENTRY_BENCH)
                     : "a0", XPC_CLOBBERS);
        uint64_t t0, t1;
        asm volatile("rdcycle %0\n\trdcycle %1" : "=r"(t0), "=r"(t1));
        if (i < WARMUP)
            continue;
        ordered &= before <= callee_log.bench_entry &&
                   callee_log.bench_entry <= callee_log.bench_leave &&
                   callee_log.bench_leave <= after;
        xcall_cycles[i - WARMUP] = callee_log.bench_entry - before;
        xret_cycles[i - WARMUP] = after - callee_log.bench_leave;
        timer_cycles[i - WARMUP] = t1 - t0;
    }
    check("cycle readings in call order in every sample", ordered, 1);
    report("xpc_xcall_oneway", xcall_cycles);
    report("xpc_xret_oneway", xret_cycles);
    report("rdcycle_overhead", timer_cycles);
    return 0;
}
