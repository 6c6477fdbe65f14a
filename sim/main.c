/* xpcsim: command-line front end. Flags follow qemu-system-riscv64 where QEMU has them. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "drive.h"
#include "gdb/gdb.h"
#include "machine.h"
#include "net/netdev.h"
#include "options.h"
#include "timing/timing.h"
#include "log.h"
#include "trace.h"
#include "xpc/engine.h"
#include "xpc/memmap.h"

/* Everything the command line chooses; the options' table below writes into it. */
struct settings {
    struct machine_config cfg;
    struct timing_params tp;
    bool stats, dump_params;
    const char *stats_json;
    const char *phase_map;
    uint64_t phase_start, phase_stop;
    bool phase_start_set, phase_stop_set;
    struct drive_set drives;
    const char *trace_path;   /* --trace: XPC calls and traps as Chrome trace-event JSON */
    struct netdev_set net;
    const char *log_path;     /* -D: where -d logs go */
    const char *gdb_endpoint; /* -gdb / -s: listen for a debugger here */
    bool gdb_wait;            /* -S: wait for it before the first instruction */
};

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

/* ---- the flags' handlers: each returns 0, or -1 with a message in err */

static int set_ram(void *st, char *v, char *err, size_t errlen)
{
    struct settings *s = st;
    if (!parse_size(strncmp(v, "size=", 5) ? v : v + 5, &s->cfg.ram_size))
        return snprintf(err, errlen, "bad RAM size '%s'", v), -1;
    return 0;
}

static void show_ram(const void *st, char *buf, size_t len)
{
    snprintf(buf, len, "%lluM",
             (unsigned long long)(((const struct settings *)st)->cfg.ram_size >> 20));
}

static int set_machine(void *st, char *v, char *err, size_t errlen)
{
    struct settings *s = st;
    if (strncmp(v, "virt", 4) || (v[4] && v[4] != ','))
        return snprintf(err, errlen, "only the 'virt' machine exists, not '%s'", v), -1;
    struct opt_kv_list kv;
    if (opt_kv_split(v, &kv, err, errlen))
        return -1;
    const char *dump = opt_kv_get(&kv, "dumpdtb");
    if (dump)
        s->cfg.dtb_out = dump;
    return 0;
}

static int set_smp(void *st, char *v, char *err, size_t errlen)
{
    (void)st;
    if (strcmp(v, "1") && strcmp(v, "cpus=1"))
        return snprintf(err, errlen, "only one hart is emulated (-smp 1)"), -1;
    return 0;
}

/* -d ITEMS; -d help lists them and exits, as QEMU does. */
static int set_log_items(void *st, char *v, char *err, size_t errlen)
{
    (void)st;
    int r = log_parse_items(v, err, errlen);
    if (r > 0)
        exit(0);
    return r;
}

static int ignore(void *st, char *v, char *err, size_t errlen)
{
    (void)st, (void)v, (void)err, (void)errlen;
    return 0;
}

static int add_drive(void *st, char *v, char *err, size_t errlen)
{
    return drive_parse(&((struct settings *)st)->drives, v, err, errlen);
}

static int add_device(void *st, char *v, char *err, size_t errlen)
{
    struct settings *s = st;
    if (netdev_is_net_device(v))
        return netdev_device_parse(&s->net, v, s->drives.ndevices, err, errlen);
    size_t name = strcspn(v, ",");
    if (strncmp(v, "virtio-blk-device", name) || name != strlen("virtio-blk-device"))
        return snprintf(err, errlen,
                        "-device: '%.*s' is not supported (virtio-blk-device or "
                        "virtio-net-device)",
                        (int)name, v),
               -1;
    return drive_device_parse(&s->drives, v, err, errlen);
}

static int add_netdev(void *st, char *v, char *err, size_t errlen)
{
    return netdev_parse(&((struct settings *)st)->net, v, err, errlen);
}

static int add_nic(void *st, char *v, char *err, size_t errlen)
{
    return netdev_nic_parse(&((struct settings *)st)->net, v, err, errlen);
}

static int set_max_insns(void *st, char *v, char *err, size_t errlen)
{
    if (!parse_u64(v, &((struct settings *)st)->cfg.max_insns))
        return snprintf(err, errlen, "bad instruction count '%s'", v), -1;
    return 0;
}

static int set_timing(void *st, char *v, char *err, size_t errlen)
{
    struct settings *s = st;
    if (strcmp(v, "off") && strcmp(v, "rocket"))
        return snprintf(err, errlen, "--timing takes off or rocket, not '%s'", v), -1;
    s->cfg.timing = !strcmp(v, "rocket");
    return 0;
}

static void show_timing(const void *st, char *buf, size_t len)
{
    snprintf(buf, len, "%s", ((const struct settings *)st)->cfg.timing ? "rocket" : "off");
}

static int set_timing_param(void *st, char *v, char *err, size_t errlen)
{
    return timing_params_set_arg(&((struct settings *)st)->tp, v, err, errlen);
}

static int load_timing_config(void *st, char *v, char *err, size_t errlen)
{
    return timing_params_load(&((struct settings *)st)->tp, v, err, errlen);
}

static int set_core_hz(void *st, char *v, char *err, size_t errlen)
{
    struct settings *s = st;
    if (!parse_u64(v, &s->cfg.core_hz) || s->cfg.core_hz < MEMMAP_TIMEBASE_HZ)
        return snprintf(err, errlen, "--core-hz must be at least %llu", MEMMAP_TIMEBASE_HZ), -1;
    return 0;
}

static void show_core_hz(const void *st, char *buf, size_t len)
{
    snprintf(buf, len, "%llu", (unsigned long long)((const struct settings *)st)->cfg.core_hz);
}

static int set_cache_entries(void *st, char *v, char *err, size_t errlen)
{
    uint64_t n;
    if (!parse_u64(v, &n) || n > XPC_CACHE_MAX_ENTRIES)
        return snprintf(err, errlen, "--xpc-cache-entries takes 0..%d", XPC_CACHE_MAX_ENTRIES), -1;
    ((struct settings *)st)->cfg.xpc_cache_entries = (unsigned)n;
    return 0;
}

static void show_cache_entries(const void *st, char *buf, size_t len)
{
    snprintf(buf, len, "%u; at most %d", ((const struct settings *)st)->cfg.xpc_cache_entries,
             XPC_CACHE_MAX_ENTRIES);
}

static int set_phase_pc(const char *flag, char *v, uint64_t *pc, bool *set, char *err,
                        size_t errlen)
{
    if (!parse_u64(v, pc))
        return snprintf(err, errlen, "%s takes an address, not '%s'", flag, v), -1;
    *set = true;
    return 0;
}

static int set_phase_start(void *st, char *v, char *err, size_t errlen)
{
    struct settings *s = st;
    return set_phase_pc("--phase-start", v, &s->phase_start, &s->phase_start_set, err, errlen);
}

static int set_phase_stop(void *st, char *v, char *err, size_t errlen)
{
    struct settings *s = st;
    return set_phase_pc("--phase-stop", v, &s->phase_stop, &s->phase_stop_set, err, errlen);
}

static void show_bios(const void *st, char *buf, size_t len)
{
    snprintf(buf, len, "%s", ((const struct settings *)st)->cfg.bios);
}

static int set_gdb_default(void *st, char *v, char *err, size_t errlen)
{
    (void)v, (void)err, (void)errlen;
    ((struct settings *)st)->gdb_endpoint = GDB_DEFAULT_ENDPOINT;
    return 0;
}

/* Spike style: a bare program is the firmware. */
static int set_program(void *st, char *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    ((struct settings *)st)->cfg.bios = arg;
    return 0;
}

/* Every flag of xpcsim, in --help's order. A flag is one entry: a plain value goes straight into
 * a field of struct settings (FIELD); anything else has a handler (CALL). A flag with QEMU's
 * comma-separated value ("file=X,format=raw,id=d0") is a handler that splits it with
 * opt_kv_split and reads it with opt_kv_get, as set_machine does. */
#define FIELD(f) offsetof(struct settings, f)
#define CALL(fn) .kind = OPT_CALL, .call = fn

static const struct opt options[] = {
    {.kind = OPT_SECTION, .help = "Machine (as QEMU):"},
    {"-bios", NULL, " FILE|none", OPT_STRING, FIELD(cfg.bios), .show_default = show_bios,
     .help = "M-mode firmware, ELF or raw at 0x80000000"},
    {"-kernel", NULL, " FILE", OPT_STRING, FIELD(cfg.kernel),
     .help = "S-mode payload, ELF or raw at the next 2 MiB boundary"},
    {"-initrd", NULL, " FILE", OPT_STRING, FIELD(cfg.initrd),
     .help = "initial RAM disk (needs -kernel)"},
    {"-append", NULL, " STRING", OPT_STRING, FIELD(cfg.append),
     .help = "kernel command line (/chosen/bootargs)"},
    {"-m", NULL, " SIZE", CALL(set_ram), .show_default = show_ram,
     .help = "RAM size, e.g. 128M or 1G"},
    {"-dtb", NULL, " FILE", OPT_STRING, FIELD(cfg.dtb_in),
     .help = "use this device tree blob instead of the generated one"},
    {"-machine", "-M", " virt[,dumpdtb=FILE]", CALL(set_machine),
     .help = "the machine; dumpdtb= writes the generated device tree and exits"},
    {"-drive", NULL, " file=IMAGE,format=raw,if=none,id=ID[,readonly=on][,snapshot=on]",
     CALL(add_drive),
     .help = "a raw disk image for -device; if=virtio instead of if=none,id=\n"
             "adds the virtio-blk disk at once; ,cache=writeback: a volatile\n"
             "write cache (unflushed writes lost when the machine stops)"},
    {"-device", NULL, " virtio-blk-device,drive=ID[,serial=S]", CALL(add_device),
     .help = "a virtio-blk disk in the highest free virtio-mmio slot\n"
             "(the first at 0x10008000, as on QEMU)"},
    {"-device", NULL, " virtio-net-device,netdev=ID[,mac=M]", .kind = OPT_NOTE,
     .help = "a virtio-net card on that network, in the same slot order"},
    {"-netdev", NULL, " user,id=ID[,hostfwd=tcp:ADDR:PORT-:PORT][,net=A/N]", CALL(add_netdev),
     .help = "a user-mode network (libslirp; gateway 10.0.2.2, DHCP from\n"
             ".15, DNS .3); also host=, dhcpstart=, dns=, ipv6=, restrict="},
    {"-nic", NULL, " user[,hostfwd=...][,mac=M]|none", CALL(add_nic),
     .help = "-netdev user and its card at once, after the other devices"},
    {"-smp", NULL, " 1", CALL(set_smp), .help = "one hart (accepted for compatibility)"},
    {"-nographic", NULL, NULL, CALL(ignore), .help = "accepted: the console is always on stdio"},
    {"-serial", NULL, " X", CALL(ignore), .help = "accepted and ignored (the UART is on stdio)"},
    {"-display", NULL, " X", CALL(ignore), .help = "accepted and ignored"},
    {"-monitor", NULL, " X", CALL(ignore), .help = "accepted and ignored"},
    {"-d", NULL, " ITEM[,...]", CALL(set_log_items),
     .help = "log int (QEMU's format), mmu, guest_errors, unimp; -d help lists them"},
    {"-D", NULL, " FILE", OPT_STRING, FIELD(log_path), .help = "write the -d log to FILE"},
    {"-gdb", NULL, " tcp:HOST:PORT", OPT_STRING, FIELD(gdb_endpoint),
     .help = "wait for a GDB connection on this TCP endpoint"},
    {"-s", NULL, NULL, CALL(set_gdb_default), .help = "shorthand for -gdb " GDB_DEFAULT_ENDPOINT},
    {"-S", NULL, NULL, OPT_TRUE, FIELD(gdb_wait),
     .help = "with -gdb or -s: wait for the debugger before the first\ninstruction"},
    {"program.elf", .kind = OPT_NOTE,
     .help = "a bare-metal program (Spike style): same as -bios FILE"},

    {.kind = OPT_SECTION, .help = "Simulation:"},
    {"--max-insns", NULL, " N", CALL(set_max_insns),
     .help = "stop after about N instructions and traps (exit status 3)"},
    {"--timing", NULL, "=off|rocket", CALL(set_timing), .show_default = show_timing,
     .help = "cycle model: off (cycles = instructions, fastest) or a\nRocket-like in-order core"},
    {"--timing-param", NULL, " K=V", CALL(set_timing_param),
     .help = "set one cycle-model parameter (repeatable)"},
    {"--timing-config", NULL, " FILE", CALL(load_timing_config),
     .help = "load cycle-model parameters (key = value lines)"},
    {"--timing-params", NULL, NULL, OPT_TRUE, FIELD(dump_params),
     .help = "print every cycle-model parameter with its value and exit"},
    {"--stats", NULL, NULL, OPT_TRUE, FIELD(stats), .help = "print statistics at exit (stderr)"},
    {"--stats-json", NULL, " FILE", OPT_STRING, FIELD(stats_json),
     .help = "write the statistics as JSON"},
    {"--core-hz", NULL, " HZ", CALL(set_core_hz), .show_default = show_core_hz,
     .help = "modeled core clock with the model off; mtime ticks at 10 MHz"},
    {"--xpc", NULL, "=on|off", OPT_ON_OFF, FIELD(cfg.xpc),
     .help = "the XPC engine (off: its instructions are illegal)"},
    {"--xpc-cache", NULL, "=on|off", OPT_ON_OFF, FIELD(cfg.xpc_cache),
     .help = "the engine's x-entry cache"},
    {"--xpc-cache-entries", NULL, " N", CALL(set_cache_entries), .show_default = show_cache_entries,
     .help = "its size in x-entries"},
    {"--xpc-nonblocking-link", NULL, "=on|off", OPT_ON_OFF, FIELD(cfg.xpc_nonblocking),
     .help = "the non-blocking link stack"},
    {"--trace", NULL, " FILE", OPT_STRING, FIELD(trace_path),
     .help = "write XPC calls, returns, swapseg, XPC exceptions and traps to FILE as Chrome\n"
             "trace-event JSON (Perfetto, chrome://tracing): a track per address space"},
    {"--phase-map", NULL, " FILE", OPT_STRING, FIELD(phase_map),
     .help = "charge cycles to named PC ranges ('name start end' lines,\nhex, half-open); needs "
             "--timing=rocket; shown by --stats"},
    {"--phase-start", NULL, " PC", CALL(set_phase_start),
     .help = "count only from the instruction at this PC ..."},
    {"--phase-stop", NULL, " PC", CALL(set_phase_stop),
     .help = "... until the one at this PC (each pass is one window)"},
    {"--help", "-h", NULL, OPT_HELP, .help = "this text"},
};

static const struct opt_table option_table = {
    .program = "xpcsim",
    .opts = options,
    .n = sizeof options / sizeof options[0],
    .positional = set_program,
};

static void settings_defaults(struct settings *s)
{
    const struct xpc_config engine = XPC_CONFIG_DEFAULT;
    *s = (struct settings){
        .cfg =
            {
                .ram_size = MACHINE_DEFAULT_RAM_SIZE,
                .bios = MACHINE_DEFAULT_BIOS,
                .core_hz = TIMING_DEFAULT_CORE_HZ,
                .xpc = true,
                .xpc_cache_entries = engine.cache_entries,
                .xpc_cache = engine.cache_enabled,
                .xpc_nonblocking = engine.nonblocking_link,
            },
    };
    timing_params_defaults(&s->tp);
}

static void usage(FILE *f)
{
    static struct settings defaults;
    settings_defaults(&defaults);
    fprintf(f, "usage: xpcsim [options] [program.elf]\n"
               "\n"
               "A RISC-V RV64GC machine compatible with qemu-system-riscv64 -machine virt,\n"
               "with the XPC engine and a Rocket-like cycle model. Every flag is spelled\n"
               "-flag or --flag; a value follows as the next argument or after '='.\n");
    opt_print_help(&option_table, &defaults, f);
    fprintf(f, "\n"
               "The console is the UART on stdin/stdout; Ctrl-A x quits. The exit status is\n"
               "the guest's: the sifive_test finisher's code, HTIF's exit code, or 0 on SBI\n"
               "shutdown.\n");
}

/* What the flags say together; each one alone was checked as it was parsed. Returns 0, or 2 after
 * printing why not. */
static int settings_finish(struct settings *s, struct timing_phases **phases)
{
    char err[256];
    struct machine_config *cfg = &s->cfg;
    struct timing_params *tp = &s->tp;
    /* One switch per optimisation: the engine's behaviour and the model's charge agree. */
    if (!cfg->xpc_cache)
        tp->engine_cache = 0;
    if (!cfg->xpc_nonblocking)
        tp->nonblocking_link = 0;
    cfg->xpc_cache = tp->engine_cache != 0;
    cfg->xpc_nonblocking = tp->nonblocking_link != 0;
    cfg->timing_params = tp;
    if (cfg->timing && timing_params_check(tp, err, sizeof err))
        return fprintf(stderr, "xpcsim: %s\n", err), 2;
    if (drive_assign(&s->drives, cfg->drives, err, sizeof err) ||
        netdev_assign(&s->net, cfg, s->drives.ndevices, err, sizeof err))
        return fprintf(stderr, "xpcsim: %s\n", err), 2;
    /* The profiler charges the cycle model's cycles: without the model there are none. */
    bool window = s->phase_start_set || s->phase_stop_set;
    if (window && !(s->phase_start_set && s->phase_stop_set))
        return fprintf(stderr, "xpcsim: --phase-start and --phase-stop go together\n"), 2;
    if ((s->phase_map || window) && !cfg->timing)
        return fprintf(stderr, "xpcsim: --phase-map needs --timing=rocket\n"), 2;
    if (s->gdb_wait && !s->gdb_endpoint)
        return fprintf(stderr, "xpcsim: -S needs -gdb or -s\n"), 2;
    if (window && !s->phase_map)
        return fprintf(stderr, "xpcsim: --phase-start/--phase-stop need --phase-map\n"), 2;
    if (s->phase_map) {
        *phases = timing_phases_load(s->phase_map, err, sizeof err);
        if (!*phases || (window && timing_phases_set_window(*phases, s->phase_start, s->phase_stop,
                                                            err, sizeof err))) {
            fprintf(stderr, "xpcsim: %s\n", err);
            timing_phases_free(*phases);
            *phases = NULL;
            return 2;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static struct settings s;
    settings_defaults(&s);
    switch (opt_parse(&option_table, argc, argv, &s)) {
    case OPT_PARSE_HELP: usage(stdout); return 0;
    case OPT_PARSE_ERROR: return 2;
    case OPT_PARSE_OK: break;
    }
    if (s.dump_params) {
        timing_params_print(&s.tp, stdout);
        return 0;
    }
    struct timing_phases *phases = NULL;
    if (settings_finish(&s, &phases))
        return 2;
    const struct machine_config cfg = s.cfg;
    const bool stats = s.stats;
    const char *stats_json = s.stats_json;

    static struct machine m;
    char err[512] = "";
    if (s.log_path && log_open(s.log_path, err, sizeof err)) {
        fprintf(stderr, "xpcsim: %s\n", err);
        timing_phases_free(phases);
        return 1;
    }
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
    if (phases) {
        phases->ra = &m.hart.x[1];
        timing_attach_phases(m.hart.timing, phases);
    }
    if (s.trace_path && !(m.hart.trace = trace_open(s.trace_path, err, sizeof err))) {
        fprintf(stderr, "xpcsim: %s\n", err);
        machine_destroy(&m);
        return 1;
    }
    struct gdb *gdb = NULL;
    if (s.gdb_endpoint && !(gdb = gdb_listen(&m, s.gdb_endpoint, err, sizeof err))) {
        fprintf(stderr, "xpcsim: %s\n", err);
        trace_close(m.hart.trace, 0);
        machine_destroy(&m);
        return 1;
    }
    console_raw_mode(STDIN_FILENO);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int code = gdb ? gdb_run(gdb, s.gdb_wait) : machine_run(&m);
    gdb_close(gdb);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    trace_close(m.hart.trace, hart_now(&m.hart));
    m.hart.trace = NULL;
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
    log_close();
    return code;
}
