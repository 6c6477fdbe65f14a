/* ycsb --server-kill TRANSPORT: the file system server killed during SQLite transactions and
 * started again (issue 11). The database lives on a RAM-disk block server (blkram) that
 * outlives fsd, so what fsd made durable survives its death. Each round: transactions that
 * rewrite a field of every record run until the kernel kills fsd from a thread of this process
 * after a delay; SQLite must report an I/O error; the application closes the database, starts
 * fsd again on the same disk and reopens it; the hot journal (if the kill left one) rolls back;
 * PRAGMA integrity_check is ok and the table is exactly the last committed one (or, when the
 * kill hit the COMMIT itself, the one it was committing). Prints "N passed, N failed". */
#define _DEFAULT_SOURCE
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xpc/fileclient.h>
#include <xpc/transport.h>
#include <xpc/usys.h>

#include "db.h"
#include "ycsb.h"

#define DB_PATH      "/kill.db"
#define JOURNAL_PATH "/kill.db-journal"

static int passed, failed;

static void expect(int ok, const char *what, uint64_t detail)
{
    if (ok)
        passed++;
    else
        failed++;
    printf("%s %s (%" PRIu64 ")\n", ok ? "ok  " : "FAIL", what, detail);
}

struct killer {
    volatile int64_t victim;
    volatile uint64_t delay_ns;
};

/* System calls only, on a static stack: SQLite and picolibc are not thread-safe here. */
static void killer_thread(struct killer *k)
{
    sys_sleep_ns(k->delay_ns);
    sys_kill((uint64_t)k->victim);
    sys_thread_exit(0);
}

static uint8_t killer_stack[4096] __attribute__((aligned(16)));

static int start_fsd(const struct tp_service *blk, const char *args, struct tp_service *fsd)
{
    int64_t h = tp_service_share(blk->handle);
    uint64_t handle = (uint64_t)h;
    if (h < 0 || tp_service_start("fsd", args, &handle, 1, fsd) < 0)
        return -1;
    file_connect((uint64_t)tp_service_share(fsd->handle));
    return 0;
}

/* Rewrites FIELD0 of every record in one transaction per pass until an error; returns the
 * SQLite code of the failure, and whether it came from the COMMIT. */
static int write_until_error(struct ycsb_db *db, struct ycsb_rng *rng, uint64_t *committed,
                             uint64_t *inflight, int *in_commit, int *rounds)
{
    char value[YCSB_FIELD_LENGTH + 1];
    for (*rounds = 0; *rounds < 100000; (*rounds)++) {
        ycsb_value(rng, value);
        value[YCSB_FIELD_LENGTH] = '\0';
        for (char *q = value; *q; q++) /* keep the SQL literal free of quotes */
            if (*q == '\'')
                *q = '"';
        char sql[200];
        snprintf(sql, sizeof(sql), "UPDATE usertable SET FIELD0 = '%s'", value);
        int rc = db_exec(db, "BEGIN");
        *in_commit = 0;
        if (rc == SQLITE_OK)
            rc = db_exec(db, sql);
        if (rc == SQLITE_OK && db_digest(db, inflight) != SQLITE_OK)
            rc = SQLITE_IOERR;
        if (rc == SQLITE_OK) {
            *in_commit = 1;
            rc = db_exec(db, "COMMIT");
        }
        if (rc != SQLITE_OK)
            return rc;
        *committed = *inflight;
    }
    return SQLITE_OK;
}

static void one_round(const struct tp_service *blk, const char *fsd_args, uint64_t records,
                      uint64_t seed, uint64_t delay_ns, int *hot_journals)
{
    struct tp_service fsd;
    int r = start_fsd(blk, fsd_args, &fsd);
    expect(r == 0, "fsd starts on the block server", (uint64_t)-r);
    if (r)
        return;
    char err[200];
    struct ycsb_db *db = db_open(DB_PATH, err, sizeof(err));
    expect(db != NULL, "the database opens", 0);
    if (!db)
        return;
    uint64_t rows = 0, committed = 0, inflight = 0;
    db_count(db, &rows);
    if (rows == 0) { /* the first round loads the records */
        static char values[YCSB_FIELD_COUNT][YCSB_FIELD_LENGTH];
        struct ycsb_rng rng;
        rng_seed(&rng, seed);
        db_exec(db, "BEGIN");
        for (uint64_t k = 0; k < records; k++) {
            char key[YCSB_KEY_MAX];
            ycsb_key(k, key);
            for (int f = 0; f < YCSB_FIELD_COUNT; f++)
                ycsb_value(&rng, values[f]);
            db_insert(db, key, values);
        }
        expect(db_exec(db, "COMMIT") == SQLITE_OK, "records loaded", records);
    }
    expect(db_digest(db, &committed) == SQLITE_OK, "the table is read before the kill", 0);
    static struct killer k;
    k.victim = fsd.proc;
    k.delay_ns = delay_ns;
    int64_t t =
        sys_thread_create((uint64_t)killer_thread, (uint64_t)killer_stack + sizeof(killer_stack),
                          (uint64_t)&k, DEFAULT_PRIORITY);
    struct ycsb_rng rng;
    rng_seed(&rng, seed + delay_ns);
    int in_commit = 0, passes = 0;
    int rc = write_until_error(db, &rng, &committed, &inflight, &in_commit, &passes);
    expect((rc & 0xff) == SQLITE_IOERR, "SQLite reports an I/O error when fsd dies", (uint64_t)rc);
    printf("ycsb: the kill came after %d committed transactions, %s: %s\n", passes,
           in_commit ? "in a COMMIT" : "before the COMMIT", db_error(db));
    if (t > 0) {
        sys_object_wait((uint64_t)t);
        sys_handle_close((uint64_t)t);
    }
    db_close(db);
    file_connect(0);
    tp_service_stop(&fsd);

    r = start_fsd(blk, fsd_args, &fsd);
    expect(r == 0, "fsd starts again on the same disk", (uint64_t)-r);
    if (r)
        return;
    int hot = access(JOURNAL_PATH, F_OK) == 0;
    *hot_journals += hot;
    printf("ycsb: after the restart the journal is %s\n", hot ? "there (hot)" : "absent");
    db = db_open(DB_PATH, err, sizeof(err));
    expect(db != NULL, "the application reopens the database", 0);
    if (!db)
        return;
    char integrity[128] = "";
    uint64_t now = 0;
    expect(db_integrity(db, integrity, sizeof(integrity)) == SQLITE_OK && !strcmp(integrity, "ok"),
           "PRAGMA integrity_check is ok after the rollback", 0);
    expect(db_digest(db, &now) == SQLITE_OK && (now == committed || (in_commit && now == inflight)),
           "the table is the last committed one", now);
    int wrc = db_exec(db, "UPDATE usertable SET FIELD1 = 'after the restart'");
    expect(wrc == SQLITE_OK, "the database takes writes again", (uint64_t)wrc);
    expect(db_integrity(db, integrity, sizeof(integrity)) == SQLITE_OK && !strcmp(integrity, "ok"),
           "and is still sound after them", 0);
    db_count(db, &rows);
    expect(rows == records, "every record is there", rows);
    db_close(db);
    file_connect(0);
    tp_service_stop(&fsd);
}

int ycsb_server_kill_test(const char *transport, uint64_t records, uint64_t seed)
{
    char args[48];
    snprintf(args, sizeof(args), "fs=%s", transport);
    char *argv[] = {args};
    enum tp_kind kind = tp_kind_from_args(1, argv, "fs", TP_NONE);
    if (kind == TP_NONE || kind == TP_ENDPOINT) {
        /* An endpoint call queued when its server dies waits for ever (seL4's semantics,
         * docs/storage.md): the kill test runs on XPC and the channel, as fsstress's. */
        printf("ycsb: --server-kill: xpc or channel\n");
        return 2;
    }
    struct tp_service blk;
    char blk_args[48];
    /* The disk over the channel whatever fsd serves over: a block server whose XPC caller is
     * killed in the middle of a call faults on the revoked relay segment (docs/storage.md). */
    snprintf(blk_args, sizeof(blk_args), "fs=channel size=8");
    if (tp_service_start("blkram", blk_args, NULL, 0, &blk) < 0) {
        printf("ycsb: cannot start blkram\n");
        return 1;
    }
    char fsd_args[48];
    snprintf(fsd_args, sizeof(fsd_args), "fs=%s disk=server", transport);
    int hot = 0;
    static const uint64_t delays_ns[] = {20000000, 33000000, 47000000};
    for (unsigned i = 0; i < sizeof(delays_ns) / sizeof(delays_ns[0]); i++)
        one_round(&blk, fsd_args, records, seed, delays_ns[i], &hot);
    expect(hot > 0, "at least one kill left a hot journal to roll back", (uint64_t)hot);
    tp_service_stop(&blk);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
