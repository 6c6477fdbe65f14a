/* The YCSB table in SQLite (db.h). */
#include "db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ycsb_db {
    sqlite3 *handle;
    sqlite3_stmt *insert, *read, *scan, *update[YCSB_FIELD_COUNT];
};

static const char create_sql[] =
    "CREATE TABLE IF NOT EXISTS usertable (YCSB_KEY TEXT PRIMARY KEY, FIELD0 TEXT, FIELD1 TEXT, "
    "FIELD2 TEXT, FIELD3 TEXT, FIELD4 TEXT, FIELD5 TEXT, FIELD6 TEXT, FIELD7 TEXT, FIELD8 TEXT, "
    "FIELD9 TEXT)";

static int prepare(struct ycsb_db *db, const char *sql, sqlite3_stmt **out)
{
    return sqlite3_prepare_v2(db->handle, sql, -1, out, NULL);
}

struct ycsb_db *db_open(const char *path, char *err, int errlen)
{
    struct ycsb_db *db = calloc(1, sizeof(*db));
    if (!db) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int rc = sqlite3_open(path, &db->handle);
    /* EXTRA: a COMMIT that returned survives a crash. In the default journal mode (DELETE) the
     * commit point is the journal's deletion, which FULL does not make durable (SQLite documents
     * that the last transaction may then roll back after a power loss). */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db->handle, "PRAGMA synchronous = EXTRA", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db->handle, create_sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = prepare(db, "INSERT INTO usertable VALUES (?,?,?,?,?,?,?,?,?,?,?)", &db->insert);
    if (rc == SQLITE_OK)
        rc = prepare(db, "SELECT * FROM usertable WHERE YCSB_KEY = ?", &db->read);
    if (rc == SQLITE_OK)
        rc = prepare(db, "SELECT * FROM usertable WHERE YCSB_KEY >= ? ORDER BY YCSB_KEY LIMIT ?",
                     &db->scan);
    for (int f = 0; f < YCSB_FIELD_COUNT && rc == SQLITE_OK; f++) {
        char sql[64];
        snprintf(sql, sizeof(sql), "UPDATE usertable SET FIELD%d = ? WHERE YCSB_KEY = ?", f);
        rc = prepare(db, sql, &db->update[f]);
    }
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path,
                 db->handle ? sqlite3_errmsg(db->handle) : sqlite3_errstr(rc));
        db_close(db);
        return NULL;
    }
    return db;
}

void db_close(struct ycsb_db *db)
{
    if (!db)
        return;
    sqlite3_finalize(db->insert);
    sqlite3_finalize(db->read);
    sqlite3_finalize(db->scan);
    for (int f = 0; f < YCSB_FIELD_COUNT; f++)
        sqlite3_finalize(db->update[f]);
    sqlite3_close(db->handle);
    free(db);
}

const char *db_error(struct ycsb_db *db)
{
    return sqlite3_errmsg(db->handle);
}

int db_exec(struct ycsb_db *db, const char *sql)
{
    return sqlite3_exec(db->handle, sql, NULL, NULL, NULL);
}

/* Steps a statement to its end, touching every column of every row (YCSB's readallfields). */
static int run(sqlite3_stmt *s, int *rows)
{
    int rc, n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int columns = sqlite3_column_count(s);
        for (int c = 0; c < columns; c++)
            if (!sqlite3_column_text(s, c) && sqlite3_column_type(s, c) != SQLITE_NULL)
                return SQLITE_NOMEM;
        n++;
    }
    if (rows)
        *rows = n;
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int db_insert(struct ycsb_db *db, const char *key, char values[YCSB_FIELD_COUNT][YCSB_FIELD_LENGTH])
{
    sqlite3_bind_text(db->insert, 1, key, -1, SQLITE_STATIC);
    for (int f = 0; f < YCSB_FIELD_COUNT; f++)
        sqlite3_bind_text(db->insert, f + 2, values[f], YCSB_FIELD_LENGTH, SQLITE_STATIC);
    return run(db->insert, NULL);
}

int db_read(struct ycsb_db *db, const char *key, int *found)
{
    sqlite3_bind_text(db->read, 1, key, -1, SQLITE_STATIC);
    return run(db->read, found);
}

int db_update(struct ycsb_db *db, const char *key, int field, const char value[YCSB_FIELD_LENGTH])
{
    sqlite3_stmt *s = db->update[field];
    sqlite3_bind_text(s, 1, value, YCSB_FIELD_LENGTH, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
    return run(s, NULL);
}

int db_scan(struct ycsb_db *db, const char *key, int count, int *rows)
{
    sqlite3_bind_text(db->scan, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int(db->scan, 2, count);
    return run(db->scan, rows);
}

int db_integrity(struct ycsb_db *db, char *out, int outlen)
{
    sqlite3_stmt *s;
    int rc = prepare(db, "PRAGMA integrity_check", &s);
    if (rc != SQLITE_OK)
        return rc;
    snprintf(out, outlen, "(no result)");
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(s, 0));
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int db_each_key(struct ycsb_db *db, void (*fn)(const char *key, void *arg), void *arg)
{
    sqlite3_stmt *s;
    int rc = prepare(db, "SELECT YCSB_KEY FROM usertable ORDER BY YCSB_KEY", &s);
    if (rc != SQLITE_OK)
        return rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        fn((const char *)sqlite3_column_text(s, 0), arg);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int db_count(struct ycsb_db *db, uint64_t *rows)
{
    sqlite3_stmt *s;
    int rc = prepare(db, "SELECT count(*) FROM usertable", &s);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *rows = (uint64_t)sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int db_digest(struct ycsb_db *db, uint64_t *digest)
{
    sqlite3_stmt *s;
    int rc = prepare(db, "SELECT * FROM usertable ORDER BY YCSB_KEY", &s);
    if (rc != SQLITE_OK)
        return rc;
    uint64_t h = 0xcbf29ce484222325ULL;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count(s); c++) {
            const unsigned char *t = sqlite3_column_text(s, c);
            for (int i = 0; t && i < sqlite3_column_bytes(s, c); i++)
                h = (h ^ t[i]) * 1099511628211ULL;
            h = (h ^ 0xff) * 1099511628211ULL; /* column boundary */
        }
    sqlite3_finalize(s);
    *digest = h;
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

struct sqlite3 *db_handle(struct ycsb_db *db)
{
    return db->handle;
}
