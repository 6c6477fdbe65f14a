/* --stats and --stats-json: the numbers come from the model, the JSON parses, keys are stable. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timing.h"

static struct timing *busy_model(void)
{
    struct timing_params p;
    timing_params_defaults(&p);
    char err[200];
    struct timing *t = timing_create(&p, err, sizeof err);
    cr_assert_not_null(t, "%s", err);
    for (unsigned i = 0; i < 100; i++) {
        timing_fetch(t, 0x1000 + 4 * (i & 31));
        timing_load(t, 0x8000 + 64 * (i & 7), 8, 5, 0);
        timing_fetch(t, 0x1000);
        timing_branch(t, 0x1000, 5, 0, i & 1, 0x1100);
    }
    timing_flush(t, TIMING_FLUSH_TRAP);
    struct timing_xpc_event ev = {.op = TIMING_XPC_XCALL,
                                  .engine_cache_hit = true,
                                  .entry_pa = 0x9000,
                                  .cap_pa = 0x9100,
                                  .link_pa = 0x9200};
    timing_xpc(t, &ev);
    return t;
}

/* Print into a temporary file and return its path (the caller unlinks it). */
static void print_to_file(char *path, const struct sim_stats *s, bool json)
{
    strcpy(path, "/tmp/timing_stats_XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    if (json)
        stats_print_json(s, f);
    else
        stats_print_text(s, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    static char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int json_tool(const char *path)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "python3 -m json.tool '%s' > /dev/null 2>&1", path);
    return system(cmd);
}

Test(stats, counters_come_from_the_model)
{
    struct timing *t = busy_model();
    struct sim_stats s;
    memset(&s, 0, sizeof s);
    timing_stats(t, &s);
    cr_assert(s.timing_model);
    cr_assert_eq(s.instructions, 200);
    cr_assert_eq(s.cycles, timing_cycles(t));
    cr_assert_eq(s.branches, 100);
    /* 100 loads over 8 lines, and the xcall's linkage record: 9 words over 2 lines. */
    cr_assert_eq(s.dcache_hits + s.dcache_misses, 100 + TIMING_LINK_WORDS);
    cr_assert_eq(s.dcache_misses, 8 + 2);
    cr_assert_eq(s.flushes[TIMING_FLUSH_TRAP], 1);
    cr_assert_eq(s.xcalls, 1);
    cr_assert_eq(s.engine_cache_hits, 1);
    cr_assert_gt(s.stall_load_use, 0);
    timing_destroy(t);
}

Test(stats, json_parses_and_has_stable_keys)
{
    struct timing *t = busy_model();
    struct sim_stats s;
    memset(&s, 0, sizeof s);
    timing_stats(t, &s);
    s.exceptions[8] = 3;  /* the lead's trap counts */
    s.exceptions[24] = 1; /* an XPC cause */
    s.exceptions[40] = 2; /* a cause without a name */
    s.interrupts[5] = 7;
    char path[64];
    print_to_file(path, &s, true);
    cr_assert_eq(json_tool(path), 0, "python3 -m json.tool rejected:\n%s", slurp(path));
    char *text = slurp(path);
    const char *keys[] = {"\"timing_model\": \"rocket\"",
                          "\"instructions\": 200",
                          "\"cpi\": ",
                          "\"ecall_u\": 3",
                          "\"xpc_invalid_xentry\": 1",
                          "\"cause_40\": 2",
                          "\"supervisor_timer\": 7",
                          "\"engine_cache_hit_rate\": 1.000000"};
    const char *last = text;
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *at = strstr(text, keys[i]);
        cr_assert_not_null(at, "missing %s in\n%s", keys[i], text);
        cr_assert_geq(at, last, "%s out of order", keys[i]);
        last = at;
    }
    unlink(path);
    /* The same stats print the same bytes. */
    char again[64];
    print_to_file(again, &s, true);
    char copy[16384];
    strcpy(copy, slurp(again));
    print_to_file(path, &s, true);
    cr_assert_str_eq(copy, slurp(path));
    unlink(path);
    unlink(again);
    timing_destroy(t);
}

Test(stats, json_for_a_run_without_the_model)
{
    struct sim_stats s;
    memset(&s, 0, sizeof s);
    s.instructions = s.cycles = 1000;
    char path[64];
    print_to_file(path, &s, true);
    cr_assert_eq(json_tool(path), 0, "%s", slurp(path));
    cr_assert(strstr(slurp(path), "\"timing_model\": \"off\""));
    cr_assert(strstr(slurp(path), "\"cpi\": 1.000000"));
    unlink(path);
    /* A run of zero instructions must not divide by zero. */
    memset(&s, 0, sizeof s);
    print_to_file(path, &s, true);
    cr_assert_eq(json_tool(path), 0, "%s", slurp(path));
    unlink(path);
}

Test(stats, text_report)
{
    struct timing *t = busy_model();
    struct sim_stats s;
    memset(&s, 0, sizeof s);
    timing_stats(t, &s);
    s.exceptions[2] = 4;
    char path[64];
    print_to_file(path, &s, false);
    char *text = slurp(path);
    cr_assert(strstr(text, "cycle model rocket"), "%s", text);
    cr_assert(strstr(text, "CPI"), "%s", text);
    cr_assert(strstr(text, "L1 D-cache"), "%s", text);
    cr_assert(strstr(text, "illegal_instruction (2)"), "%s", text);
    cr_assert(strstr(text, "engine cache"), "%s", text);
    unlink(path);
    timing_destroy(t);
}
