/* The model's parameters: names, defaults, ranges, sources; config files and flags.
 *
 * One table drives everything (defaults, parsing, range checks, --timing-params), so a new
 * parameter is one line here and one field in timing.h. docs/cycle-model.md explains each. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "timing.h"
#include "../../include/xpc/memmap.h"

enum { PARAM_INT, PARAM_BOOL, PARAM_POW2 };

struct param_desc {
    const char *name;
    size_t offset;
    int kind;
    uint64_t def, min, max;
    const char *doc;
};

#define P(field, kind, def, min, max, doc)                                                         \
    {                                                                                              \
#field, offsetof(struct timing_params, field), kind, def, min, max, doc                    \
    }

static const struct param_desc params[] = {
    P(core_hz, PARAM_INT, TIMING_DEFAULT_CORE_HZ, 1000000, 10000000000ULL,
      "modeled core clock in Hz; mtime (10 MHz) follows cycles at this rate"),
    P(base_cpi, PARAM_INT, 1, 1, 100, "cycles per instruction without stalls (single issue)"),
    P(alu_latency, PARAM_INT, 1, 1, 100, "result latency of ALU instructions (fully bypassed)"),
    P(load_latency, PARAM_INT, 2, 1, 100, "result latency of LW/LWU/LD on a D-cache hit"),
    P(load_subword_latency, PARAM_INT, 3, 1, 100, "result latency of LB/LBU/LH/LHU on a hit"),
    P(csr_read_latency, PARAM_INT, 3, 1, 100, "result latency of a CSR read"),
    P(mul_latency, PARAM_INT, 9, 1, 200, "MUL/MULH/MULHU/MULHSU result latency (8 bits/cycle)"),
    P(mulw_latency, PARAM_INT, 5, 1, 200, "MULW result latency"),
    P(div_latency, PARAM_INT, 65, 1, 500, "DIV/DIVU/REM/REMU worst-case latency (1 bit/cycle)"),
    P(divw_latency, PARAM_INT, 33, 1, 500, "DIVW/DIVUW/REMW/REMUW worst-case latency"),
    P(mispredict_penalty, PARAM_INT, 3, 0, 100, "cycles lost to a mispredicted branch or jump"),
    P(bht_entries, PARAM_POW2, 512, 1, 1 << 20, "branch history table: 2-bit counters"),
    P(bht_history_bits, PARAM_INT, 8, 0, 32, "global history bits XORed into the BHT index"),
    P(btb_entries, PARAM_INT, 28, 1, 4096, "branch target buffer entries (fully assoc., LRU)"),
    P(ras_entries, PARAM_INT, 6, 0, 64, "return-address stack entries"),
    P(icache_sets, PARAM_POW2, 64, 1, 1 << 16, "L1 I-cache sets"),
    P(icache_ways, PARAM_INT, 4, 1, 64, "L1 I-cache ways (LRU)"),
    P(icache_line, PARAM_POW2, 64, 4, 4096, "L1 I-cache line bytes"),
    P(dcache_sets, PARAM_POW2, 64, 1, 1 << 16, "L1 D-cache sets"),
    P(dcache_ways, PARAM_INT, 4, 1, 64, "L1 D-cache ways (LRU, write-back, write-allocate)"),
    P(dcache_line, PARAM_POW2, 64, 8, 4096, "L1 D-cache line bytes"),
    P(mem_latency, PARAM_INT, 30, 0, 10000, "cycles to refill an L1 line from memory"),
    P(writeback_cycles, PARAM_INT, 8, 0, 10000, "extra cycles when a refill evicts a dirty line"),
    P(itlb_sets, PARAM_POW2, 1, 1, 4096, "L1 instruction TLB sets (4 KiB pages)"),
    P(itlb_ways, PARAM_INT, 32, 1, 256, "L1 instruction TLB ways (LRU)"),
    P(itlb_superpages, PARAM_INT, 4, 0, 64, "L1 instruction TLB superpage entries"),
    P(dtlb_sets, PARAM_POW2, 1, 1, 4096, "L1 data TLB sets (4 KiB pages)"),
    P(dtlb_ways, PARAM_INT, 32, 1, 256, "L1 data TLB ways (LRU)"),
    P(dtlb_superpages, PARAM_INT, 4, 0, 64, "L1 data TLB superpage entries"),
    P(tlb_miss_cycles, PARAM_INT, 4, 0, 1000, "fixed cost of a TLB miss (walker hand-off, replay)"),
    P(ptw_hit_cycles, PARAM_INT, 2, 0, 1000, "one PTE read that hits in the D-cache"),
    P(flush_cycles, PARAM_INT, 5, 0, 1000,
      "pipeline refill after a trap, mret/sret, satp write, fence.i, sfence.vma"),
    P(asid_tlb, PARAM_BOOL, 1, 0, 1, "XPC optimisation: ASID-tagged TLB (0: satp switch flushes)"),
    P(engine_cache, PARAM_BOOL, 1, 0, 1,
      "XPC optimisation: engine cache (0: every xcall reads x-entry and cap through the D-cache)"),
    P(nonblocking_link, PARAM_BOOL, 1, 0, 1,
      "XPC optimisation: non-blocking link stack (0: xcall waits for the record's stores)"),
    P(link_buffer_entries, PARAM_INT, 4, 0, TIMING_LINK_BUFFER_MAX,
      "records the non-blocking link stack keeps, so xret need not read them back"),
    P(xcall_cycles, PARAM_INT, 17, 0, 10000, "xcall engine work on the fast path"),
    P(xret_cycles, PARAM_INT, 17, 0, 10000, "xret engine work on the fast path"),
    P(swapseg_cycles, PARAM_INT, 1, 0, 10000, "swapseg engine work besides its seg-list access"),
    P(xpc_redirect_cycles, PARAM_INT, 3, 0, 1000, "pipeline refill after xcall/xret change pc"),
    P(xpc_word_cycles, PARAM_INT, 1, 0, 1000, "one engine word access hitting in the D-cache"),
    P(blk_request_cycles, PARAM_INT, 10000, 0, 1000000000,
      "virtio-blk: cycles from notify to completion of any request (device latency)"),
    P(blk_sector_cycles, PARAM_INT, 256, 0, 1000000000,
      "virtio-blk: cycles per 512-byte sector transferred (bandwidth: 512 B / this)"),
    P(net_packet_cycles, PARAM_INT, 2000, 0, 1000000000,
      "virtio-net: cycles from notify (or arrival) to completion of any frame"),
    P(net_byte_cycles, PARAM_INT, 1, 0, 1000000,
      "virtio-net: cycles per byte of a frame moved (bandwidth: 1 byte / this)"),
};

#define NPARAMS (sizeof params / sizeof params[0])

static uint64_t *field(struct timing_params *p, const struct param_desc *d)
{
    return (uint64_t *)((char *)p + d->offset);
}

static uint64_t field_value(const struct timing_params *p, const struct param_desc *d)
{
    return *(const uint64_t *)((const char *)p + d->offset);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void timing_params_defaults(struct timing_params *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < NPARAMS; i++)
        *field(p, &params[i]) = params[i].def;
}

static int parse_bool(const char *s, uint64_t *out)
{
    static const char *const yes[] = {"1", "on", "true", "yes"};
    static const char *const no[] = {"0", "off", "false", "no"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* Decimal or 0x hex, nothing else: no sign, no trailing text, no overflow. */
static int parse_u64(const char *s, uint64_t *out)
{
    if (!isdigit((unsigned char)s[0]))
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int timing_params_set(struct timing_params *p, const char *key, const char *value, char *err,
                      size_t errlen)
{
    const struct param_desc *d = NULL;
    for (size_t i = 0; i < NPARAMS; i++)
        if (strcmp(params[i].name, key) == 0)
            d = &params[i];
    if (!d)
        return fail(err, errlen,
                    "unknown timing parameter '%s' (xpcsim --timing-params lists them)", key);
    uint64_t v;
    if (d->kind == PARAM_BOOL) {
        if (parse_bool(value, &v) < 0)
            return fail(err, errlen, "timing parameter %s: '%s' is not a boolean (on/off, 1/0)",
                        key, value);
    } else if (parse_u64(value, &v) < 0) {
        return fail(err, errlen, "timing parameter %s: '%s' is not an unsigned integer", key,
                    value);
    }
    if (v < d->min || v > d->max)
        return fail(err, errlen, "timing parameter %s: %llu is outside %llu..%llu", key,
                    (unsigned long long)v, (unsigned long long)d->min, (unsigned long long)d->max);
    if (d->kind == PARAM_POW2 && (v & (v - 1)) != 0)
        return fail(err, errlen, "timing parameter %s: %llu is not a power of two", key,
                    (unsigned long long)v);
    *field(p, d) = v;
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Split "key = value" in place; the value may not be empty. */
static int split_assignment(char *line, char **key, char **value)
{
    char *eq = strchr(line, '=');
    if (!eq)
        return -1;
    *eq = '\0';
    *key = trim(line);
    *value = trim(eq + 1);
    return **key && **value ? 0 : -1;
}

int timing_params_set_arg(struct timing_params *p, const char *arg, char *err, size_t errlen)
{
    char buf[256];
    if (strlen(arg) >= sizeof buf)
        return fail(err, errlen, "--timing-param: argument too long");
    strcpy(buf, arg);
    char *key, *value;
    if (split_assignment(buf, &key, &value) < 0)
        return fail(err, errlen, "--timing-param: expected key=value, got '%s'", arg);
    return timing_params_set(p, key, value, err, errlen);
}

int timing_params_load(struct timing_params *p, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    char line[512];
    unsigned lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
            rc = fail(err, errlen, "%s:%u: line too long", path, lineno);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (*s == '\0')
            continue;
        char *key, *value;
        if (split_assignment(s, &key, &value) < 0) {
            rc = fail(err, errlen, "%s:%u: expected 'key = value'", path, lineno);
            break;
        }
        char msg[200];
        if (timing_params_set(p, key, value, msg, sizeof msg) < 0)
            rc = fail(err, errlen, "%s:%u: %s", path, lineno, msg);
    }
    if (rc == 0 && ferror(f))
        rc = fail(err, errlen, "%s: read error", path);
    fclose(f);
    return rc == 0 ? timing_params_check(p, err, errlen) : rc;
}

int timing_params_check(const struct timing_params *p, char *err, size_t errlen)
{
    for (size_t i = 0; i < NPARAMS; i++) {
        uint64_t v = field_value(p, &params[i]);
        if (v < params[i].min || v > params[i].max ||
            (params[i].kind == PARAM_POW2 && (v & (v - 1)) != 0))
            return fail(err, errlen, "timing parameter %s: %llu is out of range", params[i].name,
                        (unsigned long long)v);
    }
    /* The I-cache shortcut compares fetch lines; a line must hold at least one instruction. */
    if (p->icache_line < 4)
        return fail(err, errlen, "timing parameter icache_line: must be at least 4");
    return 0;
}

void timing_params_print(const struct timing_params *p, FILE *f)
{
    fprintf(f, "# xpcsim cycle model parameters (docs/cycle-model.md); a loadable config file\n");
    for (size_t i = 0; i < NPARAMS; i++) {
        const struct param_desc *d = &params[i];
        char value[32];
        snprintf(value, sizeof value, "%llu", (unsigned long long)field_value(p, d));
        fprintf(f, "%-22s = %-12s # %s (default %llu)\n", d->name, value, d->doc,
                (unsigned long long)d->def);
    }
}

/* cycles * timebase / core_hz without overflow or floating point: split off whole seconds. */
uint64_t timing_cycles_to_mtime(const struct timing_params *p, uint64_t cycles)
{
    uint64_t seconds = cycles / p->core_hz, rest = cycles % p->core_hz;
    return seconds * MEMMAP_TIMEBASE_HZ + rest * MEMMAP_TIMEBASE_HZ / p->core_hz;
}

uint64_t timing_mtime_to_cycles(const struct timing_params *p, uint64_t mtime)
{
    uint64_t seconds = mtime / MEMMAP_TIMEBASE_HZ, rest = mtime % MEMMAP_TIMEBASE_HZ;
    uint64_t whole = seconds * p->core_hz;
    /* Round up: the first cycle whose mtime has reached `mtime`. */
    uint64_t part = (rest * p->core_hz + MEMMAP_TIMEBASE_HZ - 1) / MEMMAP_TIMEBASE_HZ;
    if (seconds > UINT64_MAX / p->core_hz || whole > UINT64_MAX - part)
        return UINT64_MAX;
    return whole + part;
}
