/* Random programs must never crash the machine. RAM is filled with random words (seeded, so a
 * failure can be replayed), the trap vectors point into it, and the hart runs a bounded number
 * of cycles with the model off and on. Random code reaches every corner: wild CSR writes
 * (satp pointing at random page tables, PMP, delegation, the XPC CSRs), loads and stores to
 * devices and to nowhere, self-modifying code, XPC instructions on random tables. The checks
 * are the sanitizers (this binary runs under ASan and UBSan) and the invariants below. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "machine.h"
#include "timing/timing.h"
#include "xpc/memmap.h"

#define FUZZ_RAM        (4ULL << 20)
#define SEEDS           48
#define CYCLES_PER_SEED 200000

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void run_seed(uint64_t seed, bool timed)
{
    static struct machine m;
    static struct timing_params tp;
    timing_params_defaults(&tp);
    struct machine_config cfg = {
        .ram_size = FUZZ_RAM,
        .bios = "none",
        .core_hz = 1000000000ULL,
        .timing = timed,
        .timing_params = &tp,
        .xpc = true,
        .xpc_cache_entries = 16,
        .xpc_cache = true,
        .xpc_nonblocking = true,
    };
    char err[256];
    cr_assert_eq(machine_init(&m, &cfg, err, sizeof err), 0, "machine_init: %s", err);
    /* Random words in the first 64 KiB, where the hart starts and where traps go; the rest of
     * RAM stays zero, which decodes as an illegal instruction and traps back into the mess. */
    uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (uint64_t off = 0; off < 64 * 1024; off += 8) {
        uint64_t w = next_random(&s);
        memcpy(m.ram + off, &w, 8);
    }
    struct hart *h = &m.hart;
    h->pc = MEMMAP_DRAM_BASE + (next_random(&s) & 0xfffc);
    h->csr.mtvec = MEMMAP_DRAM_BASE + (next_random(&s) & 0xfffc);
    h->csr.stvec = MEMMAP_DRAM_BASE + (next_random(&s) & 0xfffc);
    for (unsigned r = 1; r < 32; r++)
        h->x[r] = (r & 1) ? MEMMAP_DRAM_BASE + (next_random(&s) & 0x3ffff8) : next_random(&s);

    uint64_t before = h->instret;
    hart_run(h, CYCLES_PER_SEED);
    /* Invariants that hold whatever the program did. */
    cr_assert_eq(h->x[0], 0, "seed %llu: x0 = %llx", (unsigned long long)seed,
                 (unsigned long long)h->x[0]);
    cr_assert(h->priv == PRIV_U || h->priv == PRIV_S || h->priv == PRIV_M);
    cr_assert(h->pc % 2 == 0, "seed %llu: odd pc %llx", (unsigned long long)seed,
              (unsigned long long)h->pc);
    cr_assert_leq(h->instret - before, CYCLES_PER_SEED + 64);
    if (timed)
        cr_assert_geq(h->cycle, h->instret, "the model never runs faster than CPI 1");
    machine_destroy(&m);
}

/* A random WFI with no timer would wait for console input: give it none. */
static void no_console_input(void)
{
    cr_assert_not_null(freopen("/dev/null", "r", stdin));
}

Test(fuzz_cpu, random_programs_functional, .init = no_console_input)
{
    for (uint64_t seed = 1; seed <= SEEDS; seed++)
        run_seed(seed, false);
}

Test(fuzz_cpu, random_programs_cycle_model, .init = no_console_input)
{
    for (uint64_t seed = 1000; seed < 1000 + SEEDS / 2; seed++)
        run_seed(seed, true);
}
