/* xpcsim: command-line front end. Flags follow qemu-system-riscv64 where QEMU has them. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "machine.h"
#include "timing/timing.h"

#define DEFAULT_BIOS "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf"

static void usage(FILE *f)
{
    fprintf(
        f, "usage: xpcsim [options] [program.elf]\n"
           "\n"
           "A RISC-V RV64IMAC machine compatible with qemu-system-riscv64 -machine virt,\n"
           "with the XPC engine and a Rocket-like cycle model.\n"
           "\n"
           "Machine (as QEMU):\n"
           "  -bios FILE|none      M-mode firmware, ELF or raw at 0x80000000\n"
           "                       (default: Debian's OpenSBI fw_dynamic.elf)\n"
           "  -kernel FILE         S-mode payload, ELF or raw at the next 2 MiB boundary\n"
           "  -initrd FILE         initial RAM disk (needs -kernel)\n"
           "  -append STRING       kernel command line (/chosen/bootargs)\n"
           "  -m SIZE              RAM size, e.g. 128M or 1G (default 128M)\n"
           "  -dtb FILE            use this device tree blob instead of the generated one\n"
           "  -machine virt[,dumpdtb=FILE]  dump the generated device tree and exit\n"
           "  -smp 1, -nographic, -serial mon:stdio, -display none, -monitor none\n"
           "                       accepted for compatibility (one hart, console on stdio)\n"
           "  program.elf          a bare-metal program (Spike style): same as -bios FILE\n"
           "\n"
           "Simulation:\n"
           "  --max-insns N        stop after about N instructions (exit status 3)\n"
           "  --timing=off|rocket  cycle model: off (cycles = instructions, fastest) or a\n"
           "                       Rocket-like in-order core (default off)\n"
           "  --timing-param K=V   set one cycle-model parameter (repeatable)\n"
           "  --timing-config FILE load cycle-model parameters (key = value lines)\n"
           "  --timing-params      print every cycle-model parameter with its value and exit\n"
           "  --stats              print statistics at exit (stderr)\n"
           "  --stats-json FILE    write the statistics as JSON\n"
           "  --core-hz HZ         modeled core clock; mtime ticks at 10 MHz (default 1000000000)\n"
           "  --xpc=on|off         the XPC engine (default on; off: its instructions are illegal)\n"
           "  --xpc-cache=on|off   the engine's x-entry cache (default on)\n"
           "  --xpc-cache-entries N  its size (default 16, at most 64)\n"
           "  --xpc-nonblocking-link=on|off  the non-blocking link stack (default on)\n"
           "  --phase-map FILE     charge cycles to named PC ranges ('name start end' lines,\n"
           "                       hex, half-open); needs --timing=rocket; shown by --stats\n"
           "  --phase-start PC, --phase-stop PC  count only from the instruction at one PC\n"
           "                       until the one at the other (each pass is one window)\n"
           "  --help               this text\n"
           "\n"
           "The console is the UART on stdin/stdout; Ctrl-A x quits. The exit status is\n"
           "the guest's: the sifive_test finisher's code, HTIF's exit code, or 0 on SBI\n"
           "shutdown.\n");
}

static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return false;
    uint64_t mult = 1ULL << 20; /* QEMU: a plain number means MiB */
    if (*end) {
        switch (*end) {
        case 'k':
        case 'K': mult = 1ULL << 10; break;
        case 'm':
        case 'M': mult = 1ULL << 20; break;
        case 'g':
        case 'G': mult = 1ULL << 30; break;
        default: return false;
        }
        if (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
            return false;
    }
    if (v > UINT64_MAX / mult)
        return false;
    *out = v * mult;
    return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end)
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    bool stats = false, dump_params = false;
    const char *stats_json = NULL;
    const char *phase_map = NULL;
    uint64_t phase_start = 0, phase_stop = 0;
    bool phase_window = false, phase_start_set = false, phase_stop_set = false;
    static struct timing_params tp;
    timing_params_defaults(&tp);
    char perr[256];
    struct machine_config cfg = {
        .ram_size = 128ULL << 20,
        .bios = DEFAULT_BIOS,
        .core_hz = 1000000000ULL,
        .xpc = true,
        .xpc_cache_entries = 16,
        .xpc_cache = true,
        .xpc_nonblocking = true,
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        /* QEMU accepts both -flag and --flag. */
        if (a[0] == '-' && a[1] == '-')
            a++;
#define NEEDS_VALUE()                                                                              \
    do {                                                                                           \
        if (!val) {                                                                                \
            fprintf(stderr, "xpcsim: option %s needs a value\n", argv[i]);                         \
            return 2;                                                                              \
        }                                                                                          \
        i++;                                                                                       \
    } while (0)
        if (!strcmp(a, "-help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-bios")) {
            NEEDS_VALUE();
            cfg.bios = val;
        } else if (!strcmp(a, "-kernel")) {
            NEEDS_VALUE();
            cfg.kernel = val;
        } else if (!strcmp(a, "-initrd")) {
            NEEDS_VALUE();
            cfg.initrd = val;
        } else if (!strcmp(a, "-append")) {
            NEEDS_VALUE();
            cfg.append = val;
        } else if (!strcmp(a, "-dtb")) {
            NEEDS_VALUE();
            cfg.dtb_in = val;
        } else if (!strcmp(a, "-m")) {
            NEEDS_VALUE();
            const char *v = strncmp(val, "size=", 5) ? val : val + 5;
            if (!parse_size(v, &cfg.ram_size)) {
                fprintf(stderr, "xpcsim: bad RAM size '%s'\n", val);
                return 2;
            }
        } else if (!strcmp(a, "-machine") || !strcmp(a, "-M")) {
            NEEDS_VALUE();
            if (strncmp(val, "virt", 4) || (val[4] && val[4] != ',')) {
                fprintf(stderr, "xpcsim: only the 'virt' machine exists, not '%s'\n", val);
                return 2;
            }
            const char *d = strstr(val, "dumpdtb=");
            if (d)
                cfg.dtb_out = d + 8;
        } else if (!strcmp(a, "-smp")) {
            NEEDS_VALUE();
            if (strcmp(val, "1") && strcmp(val, "cpus=1")) {
                fprintf(stderr, "xpcsim: only one hart is emulated (-smp 1)\n");
                return 2;
            }
        } else if (!strcmp(a, "-serial") || !strcmp(a, "-display") || !strcmp(a, "-monitor")) {
            NEEDS_VALUE();
        } else if (!strcmp(a, "-nographic")) {
            /* the default */
        } else if (!strcmp(a, "-max-insns")) {
            NEEDS_VALUE();
            if (!parse_u64(val, &cfg.max_insns)) {
                fprintf(stderr, "xpcsim: bad instruction count '%s'\n", val);
                return 2;
            }
        } else if (!strncmp(a, "-xpc", 4) && strchr(a, '=')) {
            const char *eq = strchr(a, '=');
            bool on = !strcmp(eq + 1, "on");
            if (!on && strcmp(eq + 1, "off") && strncmp(a, "-xpc-cache-entries=", 19)) {
                fprintf(stderr, "xpcsim: %s takes on or off\n", argv[i]);
                return 2;
            }
            if (!strncmp(a, "-xpc=", 5)) {
                cfg.xpc = on;
            } else if (!strncmp(a, "-xpc-cache=", 11)) {
                cfg.xpc_cache = on;
            } else if (!strncmp(a, "-xpc-nonblocking-link=", 22)) {
                cfg.xpc_nonblocking = on;
            } else if (!strncmp(a, "-xpc-cache-entries=", 19)) {
                uint64_t n;
                if (!parse_u64(eq + 1, &n) || n > 64) {
                    fprintf(stderr, "xpcsim: --xpc-cache-entries takes 0..64\n");
                    return 2;
                }
                cfg.xpc_cache_entries = (unsigned)n;
            } else {
                fprintf(stderr, "xpcsim: unknown option '%s' (try --help)\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "-stats")) {
            stats = true;
        } else if (!strcmp(a, "-stats-json")) {
            NEEDS_VALUE();
            stats_json = val;
        } else if (!strncmp(a, "-timing=", 8)) {
            if (!strcmp(a + 8, "off"))
                cfg.timing = false;
            else if (!strcmp(a + 8, "rocket"))
                cfg.timing = true;
            else {
                fprintf(stderr, "xpcsim: --timing takes off or rocket, not '%s'\n", a + 8);
                return 2;
            }
        } else if (!strcmp(a, "-timing-param")) {
            NEEDS_VALUE();
            if (timing_params_set_arg(&tp, val, perr, sizeof perr)) {
                fprintf(stderr, "xpcsim: %s\n", perr);
                return 2;
            }
        } else if (!strcmp(a, "-timing-config")) {
            NEEDS_VALUE();
            if (timing_params_load(&tp, val, perr, sizeof perr)) {
                fprintf(stderr, "xpcsim: %s\n", perr);
                return 2;
            }
        } else if (!strcmp(a, "-phase-map")) {
            NEEDS_VALUE();
            phase_map = val;
        } else if (!strcmp(a, "-phase-start") || !strcmp(a, "-phase-stop")) {
            NEEDS_VALUE();
            bool start = !strcmp(a, "-phase-start");
            if (!parse_u64(val, start ? &phase_start : &phase_stop)) {
                fprintf(stderr, "xpcsim: %s takes an address, not '%s'\n", argv[i - 1], val);
                return 2;
            }
            *(start ? &phase_start_set : &phase_stop_set) = true;
        } else if (!strcmp(a, "-timing-params")) {
            dump_params = true;
        } else if (!strcmp(a, "-core-hz")) {
            NEEDS_VALUE();
            if (!parse_u64(val, &cfg.core_hz) || cfg.core_hz < 10000000ULL) {
                fprintf(stderr, "xpcsim: --core-hz must be at least 10000000\n");
                return 2;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "xpcsim: unknown option '%s' (try --help)\n", argv[i]);
            return 2;
        } else {
            cfg.bios = argv[i]; /* Spike style: the program is the firmware */
        }
#undef NEEDS_VALUE
    }

    if (dump_params) {
        timing_params_print(&tp, stdout);
        return 0;
    }
    /* One switch per optimisation: the engine's behaviour and the model's charge agree. */
    if (!cfg.xpc_cache)
        tp.engine_cache = 0;
    if (!cfg.xpc_nonblocking)
        tp.nonblocking_link = 0;
    cfg.xpc_cache = tp.engine_cache != 0;
    cfg.xpc_nonblocking = tp.nonblocking_link != 0;
    cfg.timing_params = &tp;
    if (cfg.timing && timing_params_check(&tp, perr, sizeof perr)) {
        fprintf(stderr, "xpcsim: %s\n", perr);
        return 2;
    }
    /* The profiler charges the cycle model's cycles: without the model there are none. */
    phase_window = phase_start_set || phase_stop_set;
    if (phase_window && !(phase_start_set && phase_stop_set)) {
        fprintf(stderr, "xpcsim: --phase-start and --phase-stop go together\n");
        return 2;
    }
    if ((phase_map || phase_window) && !cfg.timing) {
        fprintf(stderr, "xpcsim: --phase-map needs --timing=rocket\n");
        return 2;
    }
    if (phase_window && !phase_map) {
        fprintf(stderr, "xpcsim: --phase-start/--phase-stop need --phase-map\n");
        return 2;
    }
    struct timing_phases *phases = NULL;
    if (phase_map) {
        phases = timing_phases_load(phase_map, perr, sizeof perr);
        if (!phases || (phase_window && timing_phases_set_window(phases, phase_start, phase_stop,
                                                                 perr, sizeof perr))) {
            fprintf(stderr, "xpcsim: %s\n", perr);
            timing_phases_free(phases);
            return 2;
        }
    }

    static struct machine m;
    char err[512] = "";
    if (machine_init(&m, &cfg, err, sizeof err)) {
        fprintf(stderr, "xpcsim: %s\n", err);
        timing_phases_free(phases);
        machine_destroy(&m);
        return 1;
    }
    if (cfg.dtb_out) {
        timing_phases_free(phases);
        machine_destroy(&m);
        return 0;
    }
    if (phases)
        timing_attach_phases(m.hart.timing, phases);
    console_raw_mode(STDIN_FILENO);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int code = machine_run(&m);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (stats || stats_json) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        struct sim_stats st;
        machine_stats(&m, &st);
        if (stats) {
            stats_print_text(&st, stderr);
            /* Host speed is not a simulated quantity: printed here, never in the JSON. */
            fprintf(stderr, "host_seconds %.6f\nmips %.1f\n", secs,
                    secs > 0 ? (double)m.hart.instret / secs / 1e6 : 0.0);
        }
        if (stats_json) {
            FILE *f = fopen(stats_json, "w");
            if (!f) {
                fprintf(stderr, "xpcsim: cannot write %s: %s\n", stats_json, strerror(errno));
                code = code ? code : 1;
            } else {
                stats_print_json(&st, f);
                fclose(f);
            }
        }
    }
    machine_destroy(&m);
    return code;
}
