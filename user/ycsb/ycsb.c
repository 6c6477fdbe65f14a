/* ycsb: YCSB's core workloads A-F on SQLite (docs/experiments.md, "E6"). A load phase inserts
 * the records, a run phase performs the operations; each statement is its own transaction
 * (autocommit), as YCSB's JDBC binding runs by default. Reports cycles, operations per million
 * cycles, and mean and 99th-percentile latency per operation type. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "stats.h"
#include "workload.h"
#include "ycsb.h"

struct options {
    char workload;
    uint64_t records, operations, seed, load_batch;
    const char *path, *phase, *kill_transport;
    int print_commits, check, dump_keys;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ycsb [options]\n"
            "YCSB's core workloads on SQLite: a load phase, then a run phase.\n"
            "  --workload a|b|c|d|e|f   a 50/50 read/update, b 95/5 read/update, c read only,\n"
            "                           d 95/5 read/insert (latest), e 95/5 scan/insert,\n"
            "                           f 50/50 read/read-modify-write (default a)\n"
            "  --records N              records loaded (default 1000)\n"
            "  --operations N           operations in the run phase (default 1000)\n"
            "  --seed N                 the random seed; a run is a function of it (default 1)\n"
            "  --db PATH                the database (default /ycsb.db)\n"
            "  --phase load|run|both    what to do (default both; run expects the records\n"
            "                           of --records loaded)\n"
            "  --load-batch N           records per transaction in the load phase (default 1:\n"
            "                           each insert its own, as YCSB's JDBC binding)\n"
            "  --print-commits          print 'COMMITTED <key>' once each write committed\n"
            "  --check                  only PRAGMA integrity_check and the row count\n"
            "  --dump-keys              with --check: print 'KEY <key>' for every row\n"
            "  --server-kill TRANSPORT  the file server killed inside a transaction and started\n"
            "                           again (guest only; xpc or channel)\n"
            "  --help                   this text\n"
            "Output: 'YCSB run ...' and 'YCSB op ...' lines (cycles: the modeled cycle CSR).\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return -1;
    *out = strtoull(s, &end, 0);
    return *end ? -1 : 0;
}

static int parse(int argc, char **argv, struct options *o)
{
    *o = (struct options){'a', 1000, 1000, 1, 1, "/ycsb.db", "both", NULL, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--workload")) {
            if (!v || strlen(v) != 1 || !ycsb_workload_find(v[0]))
                return fprintf(stderr, "ycsb: --workload: one of a-f\n"), -1;
            o->workload = v[0];
        } else if (!strcmp(a, "--records")) {
            if (parse_u64(v, &o->records) || o->records < 2)
                return fprintf(stderr, "ycsb: --records: a number of at least 2\n"), -1;
        } else if (!strcmp(a, "--operations")) {
            if (parse_u64(v, &o->operations))
                return fprintf(stderr, "ycsb: --operations: a number\n"), -1;
        } else if (!strcmp(a, "--seed")) {
            if (parse_u64(v, &o->seed))
                return fprintf(stderr, "ycsb: --seed: a number\n"), -1;
        } else if (!strcmp(a, "--load-batch")) {
            if (parse_u64(v, &o->load_batch) || o->load_batch == 0)
                return fprintf(stderr, "ycsb: --load-batch: a number of at least 1\n"), -1;
        } else if (!strcmp(a, "--db")) {
            if (!v)
                return fprintf(stderr, "ycsb: --db: a path\n"), -1;
            o->path = v;
        } else if (!strcmp(a, "--phase")) {
            if (!v || (strcmp(v, "load") && strcmp(v, "run") && strcmp(v, "both")))
                return fprintf(stderr, "ycsb: --phase: load, run or both\n"), -1;
            o->phase = v;
        } else if (!strcmp(a, "--server-kill")) {
            if (!v)
                return fprintf(stderr, "ycsb: --server-kill: a transport\n"), -1;
            o->kill_transport = v;
        } else {
            takes = 0;
            if (!strcmp(a, "--print-commits"))
                o->print_commits = 1;
            else if (!strcmp(a, "--check"))
                o->check = 1;
            else if (!strcmp(a, "--dump-keys"))
                o->dump_keys = 1;
            else
                return fprintf(stderr, "ycsb: unknown option %s (see --help)\n", a), -1;
        }
        i += takes;
    }
    return 0;
}

/* The run phase's window for xpcsim's phase profiler (--phase-start/--phase-stop): e6.sh takes
 * these two functions' addresses from ycsb.elf, which is linked apart from every other
 * program, so no other process has code there. */
__attribute__((noinline)) void ycsb_window_open(void)
{
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void ycsb_window_close(void)
{
    __asm__ volatile("" ::: "memory");
}

static int fail(struct ycsb_db *db, const char *what, const char *key)
{
    printf("ycsb: %s %s: %s\n", what, key, db_error(db));
    return 1;
}

static int load(struct ycsb_db *db, struct ycsb_workload *w, const struct options *o)
{
    static char values[YCSB_FIELD_COUNT][YCSB_FIELD_LENGTH];
    char key[YCSB_KEY_MAX], batch_last[YCSB_KEY_MAX];
    uint64_t start = ycsb_cycles();
    for (uint64_t i = 0; i < o->records; i++) {
        int batched = o->load_batch > 1;
        if (batched && i % o->load_batch == 0 && db_exec(db, "BEGIN") != 0)
            return fail(db, "BEGIN before", "load");
        uint64_t k = ycsb_next_load(w);
        ycsb_key(k, key);
        for (int f = 0; f < YCSB_FIELD_COUNT; f++)
            ycsb_value(&w->rng, values[f]);
        if (db_insert(db, key, values) != 0)
            return fail(db, "INSERT", key);
        int ends = !batched || (i + 1) % o->load_batch == 0 || i + 1 == o->records;
        if (batched && ends && db_exec(db, "COMMIT") != 0)
            return fail(db, "COMMIT after", key);
        if (o->print_commits) {
            /* In a batch the keys since the last COMMIT are committed together. */
            if (!batched)
                printf("COMMITTED %s\n", key);
            else if (ends)
                for (uint64_t j = i - i % o->load_batch; j <= i; j++) {
                    ycsb_key(j, batch_last);
                    printf("COMMITTED %s\n", batch_last);
                }
        }
    }
    printf("ycsb: loaded %" PRIu64 " records in %" PRIu64 " cycles\n", o->records,
           ycsb_cycles() - start);
    return 0;
}

/* Operations per million cycles with three decimals, in integers (no printf of doubles). */
static void print_rate(uint64_t ops, uint64_t cycles)
{
    uint64_t milli = cycles ? ops * 1000000000ull / cycles : 0;
    printf("%" PRIu64 ".%03" PRIu64, milli / 1000, milli % 1000);
}

static int run(struct ycsb_db *db, struct ycsb_workload *w, const struct options *o)
{
    static struct latency lat[OP_COUNT];
    static char values[YCSB_FIELD_COUNT][YCSB_FIELD_LENGTH];
    char key[YCSB_KEY_MAX];
    for (int t = 0; t < OP_COUNT; t++)
        if (latency_init(&lat[t], w->def->proportion[t] > 0 ? o->operations : 0))
            return printf("ycsb: out of memory for %" PRIu64 " samples\n", o->operations), 1;
    uint64_t not_found = 0;
    ycsb_window_open();
    uint64_t start = ycsb_cycles();
    for (uint64_t i = 0; i < o->operations; i++) {
        struct ycsb_choice c;
        ycsb_next_op(w, &c);
        ycsb_key(c.keynum, key);
        uint64_t t0 = ycsb_cycles();
        int rc = 0, found = 1;
        switch (c.op) {
        case OP_READ: rc = db_read(db, key, &found); break;
        case OP_SCAN: rc = db_scan(db, key, c.scan_length, &found); break;
        case OP_UPDATE:
            ycsb_value(&w->rng, values[0]);
            rc = db_update(db, key, c.field, values[0]);
            break;
        case OP_RMW:
            ycsb_value(&w->rng, values[0]);
            rc = db_read(db, key, &found);
            if (rc == 0)
                rc = db_update(db, key, c.field, values[0]);
            break;
        case OP_INSERT:
            for (int f = 0; f < YCSB_FIELD_COUNT; f++)
                ycsb_value(&w->rng, values[f]);
            rc = db_insert(db, key, values);
            break;
        default: break;
        }
        latency_add(&lat[c.op], ycsb_cycles() - t0);
        if (rc != 0)
            return fail(db, ycsb_op_name(c.op), key);
        not_found += !found;
        if (c.op == OP_INSERT)
            ycsb_insert_done(w, c.keynum);
        if (o->print_commits && c.op != OP_READ && c.op != OP_SCAN)
            printf("COMMITTED %s\n", key);
    }
    uint64_t cycles = ycsb_cycles() - start;
    ycsb_window_close();
    printf("YCSB run workload=%c ops=%" PRIu64 " cycles=%" PRIu64 " ops_per_mcycle=", w->def->name,
           o->operations, cycles);
    print_rate(o->operations, cycles);
    printf(" not_found=%" PRIu64 "\n", not_found);
    for (int t = 0; t < OP_COUNT; t++) {
        if (lat[t].count)
            printf("YCSB op workload=%c op=%s count=%" PRIu64 " mean=%" PRIu64 " p99=%" PRIu64 "\n",
                   w->def->name, ycsb_op_name((enum ycsb_op)t), lat[t].count, latency_mean(&lat[t]),
                   latency_p99(&lat[t]));
        latency_free(&lat[t]);
    }
    return not_found ? (printf("ycsb: %" PRIu64 " records not found\n", not_found), 1) : 0;
}

static void print_key(const char *key, void *arg)
{
    (void)arg;
    printf("KEY %s\n", key);
}

static int check(struct ycsb_db *db, const struct options *o)
{
    char result[128];
    uint64_t rows = 0;
    if (db_integrity(db, result, sizeof(result)) != 0 || db_count(db, &rows) != 0)
        return fail(db, "check", o->path);
    printf("ycsb: integrity_check: %s\n", result);
    printf("ycsb: %" PRIu64 " rows\n", rows);
    if (o->dump_keys && db_each_key(db, print_key, NULL) != 0)
        return fail(db, "listing", o->path);
    return strcmp(result, "ok") != 0;
}

int main(int argc, char **argv)
{
    struct options o;
    if (parse(argc, argv, &o))
        return 2;
    if (o.kill_transport)
        return ycsb_server_kill_test(o.kill_transport, o.records, o.seed);
    char err[200];
    struct ycsb_db *db = db_open(o.path, err, sizeof(err));
    if (!db) {
        printf("ycsb: cannot open %s\n", err);
        return 1;
    }
    int status;
    if (o.check) {
        status = check(db, &o);
    } else {
        static struct ycsb_workload w;
        const struct ycsb_workload_def *def = ycsb_workload_find(o.workload);
        ycsb_workload_init(&w, def, o.records, o.operations, o.seed);
        printf("ycsb: workload %c (%s), %" PRIu64 " records, %" PRIu64 " operations, seed %" PRIu64
               ", %s\n",
               def->name, def->what, o.records, o.operations, o.seed, o.path);
        status = 0;
        if (strcmp(o.phase, "run"))
            status = load(db, &w, &o);
        else
            for (uint64_t i = 0; i < o.records; i++) /* the load's draws, so run is the same */
                for (int f = 0; f < YCSB_FIELD_COUNT; f++)
                    ycsb_value(&w.rng, (char[YCSB_FIELD_LENGTH]){0});
        if (status == 0 && strcmp(o.phase, "load"))
            status = run(db, &w, &o);
        if (status == 0) {
            char result[128];
            if (db_integrity(db, result, sizeof(result)) != 0)
                status = fail(db, "integrity_check", o.path);
            else
                printf("ycsb: integrity_check: %s\n", result);
            status |= strcmp(result, "ok") != 0;
        }
    }
    db_close(db);
    return status;
}
