/* Parameters: defaults, flags, config files, and one-line errors for everything wrong. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timing.h"

static char err[256];

static int set(struct timing_params *p, const char *k, const char *v)
{
    err[0] = '\0';
    return timing_params_set(p, k, v, err, sizeof err);
}

/* A temporary config file with the given text; the caller unlinks it. */
static void write_file(char *path, const char *text)
{
    strcpy(path, "/tmp/timing_params_XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void assert_one_line(void)
{
    cr_assert_gt(strlen(err), 0);
    cr_assert_null(strchr(err, '\n'), "one line: %s", err);
}

Test(params, defaults_are_rocket_like_and_consistent)
{
    struct timing_params p;
    timing_params_defaults(&p);
    cr_assert_eq(p.base_cpi, 1);
    cr_assert_eq(p.load_latency, 2);
    cr_assert_eq(p.mispredict_penalty, 3);
    cr_assert_eq(p.btb_entries, 28);
    cr_assert_eq(p.icache_sets * p.icache_ways * p.icache_line, 16384);
    cr_assert_eq(p.dcache_sets * p.dcache_ways * p.dcache_line, 16384);
    cr_assert(p.asid_tlb && p.engine_cache && p.nonblocking_link);
    cr_assert_eq(timing_params_check(&p, err, sizeof err), 0, "%s", err);
}

Test(params, set_accepts_integers_hex_and_booleans)
{
    struct timing_params p;
    timing_params_defaults(&p);
    cr_assert_eq(set(&p, "mem_latency", "55"), 0, "%s", err);
    cr_assert_eq(p.mem_latency, 55);
    cr_assert_eq(set(&p, "dcache_sets", "0x80"), 0, "%s", err);
    cr_assert_eq(p.dcache_sets, 128);
    cr_assert_eq(set(&p, "asid_tlb", "off"), 0, "%s", err);
    cr_assert_eq(p.asid_tlb, 0);
    cr_assert_eq(set(&p, "engine_cache", "false"), 0);
    cr_assert_eq(p.engine_cache, 0);
    cr_assert_eq(set(&p, "engine_cache", "1"), 0);
    cr_assert_eq(p.engine_cache, 1);
}

Test(params, bad_keys_and_values_are_one_line_errors)
{
    struct timing_params p, before;
    timing_params_defaults(&p);
    before = p;
    cr_assert_eq(set(&p, "no_such_param", "1"), -1);
    cr_assert(strstr(err, "no_such_param"), "%s", err);
    assert_one_line();
    const char *bad_numbers[] = {"", "abc", "-1", "12x", " 5", "1.5", "99999999999999999999999"};
    for (unsigned i = 0; i < sizeof bad_numbers / sizeof bad_numbers[0]; i++) {
        cr_assert_eq(set(&p, "mem_latency", bad_numbers[i]), -1, "'%s'", bad_numbers[i]);
        cr_assert(strstr(err, "mem_latency"), "%s", err);
        assert_one_line();
    }
    cr_assert_eq(set(&p, "base_cpi", "0"), -1, "below the minimum");
    cr_assert(strstr(err, "outside"), "%s", err);
    cr_assert_eq(set(&p, "icache_ways", "65"), -1, "above the maximum");
    cr_assert_eq(set(&p, "icache_sets", "48"), -1, "not a power of two");
    cr_assert(strstr(err, "power of two"), "%s", err);
    cr_assert_eq(set(&p, "asid_tlb", "maybe"), -1);
    cr_assert(strstr(err, "boolean"), "%s", err);
    cr_assert_eq(set(&p, "asid_tlb", "2"), -1);
    cr_assert_eq(memcmp(&p, &before, sizeof p), 0, "failed sets change nothing");
}

Test(params, flag_argument_form)
{
    struct timing_params p;
    timing_params_defaults(&p);
    cr_assert_eq(timing_params_set_arg(&p, "flush_cycles=12", err, sizeof err), 0, "%s", err);
    cr_assert_eq(p.flush_cycles, 12);
    cr_assert_eq(timing_params_set_arg(&p, " xcall_cycles = 30 ", err, sizeof err), 0, "%s", err);
    cr_assert_eq(p.xcall_cycles, 30);
    cr_assert_eq(timing_params_set_arg(&p, "flush_cycles", err, sizeof err), -1);
    assert_one_line();
    cr_assert_eq(timing_params_set_arg(&p, "=5", err, sizeof err), -1);
    cr_assert_eq(timing_params_set_arg(&p, "flush_cycles=", err, sizeof err), -1);
    char long_arg[400];
    memset(long_arg, 'a', sizeof long_arg - 1);
    long_arg[sizeof long_arg - 1] = '\0';
    cr_assert_eq(timing_params_set_arg(&p, long_arg, err, sizeof err), -1);
    assert_one_line();
}

Test(params, config_file_with_comments)
{
    char path[64];
    write_file(path, "# ablation: no engine cache\n"
                     "\n"
                     "engine_cache = off   # trailing comment\n"
                     "   mem_latency=70\n"
                     "dcache_ways = 8\n");
    struct timing_params p;
    timing_params_defaults(&p);
    int rc = timing_params_load(&p, path, err, sizeof err);
    unlink(path);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_eq(p.engine_cache, 0);
    cr_assert_eq(p.mem_latency, 70);
    cr_assert_eq(p.dcache_ways, 8);
}

Test(params, config_file_errors_name_file_and_line)
{
    char path[64];
    write_file(path, "mem_latency = 10\n\nbogus_key = 3\n");
    struct timing_params p;
    timing_params_defaults(&p);
    cr_assert_eq(timing_params_load(&p, path, err, sizeof err), -1);
    cr_assert(strstr(err, path) && strstr(err, ":3:") && strstr(err, "bogus_key"), "%s", err);
    assert_one_line();
    unlink(path);

    write_file(path, "mem_latency 10\n");
    cr_assert_eq(timing_params_load(&p, path, err, sizeof err), -1);
    cr_assert(strstr(err, ":1:"), "%s", err);
    unlink(path);

    cr_assert_eq(timing_params_load(&p, "/nonexistent/timing.cfg", err, sizeof err), -1);
    cr_assert(strstr(err, "/nonexistent/timing.cfg"), "%s", err);
    assert_one_line();
}

Test(params, printed_parameters_load_back)
{
    struct timing_params p, q;
    timing_params_defaults(&p);
    p.mem_latency = 123;
    p.nonblocking_link = 0;
    p.itlb_ways = 16;
    char path[64];
    write_file(path, "");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    timing_params_print(&p, f);
    fclose(f);
    timing_params_defaults(&q);
    int rc = timing_params_load(&q, path, err, sizeof err);
    unlink(path);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_eq(memcmp(&p, &q, sizeof p), 0);
}
