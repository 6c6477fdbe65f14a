/* The YCSB table in SQLite, as YCSB's JDBC binding uses it: usertable (YCSB_KEY TEXT PRIMARY
 * KEY, FIELD0 .. FIELD9 TEXT), one prepared statement per operation, every statement in
 * autocommit (its own transaction) unless the caller opens one. */
#ifndef YCSB_DB_H
#define YCSB_DB_H

#include <stdint.h>

#include "workload.h"

struct sqlite3;
struct ycsb_db;

/* Opens (creating) the database at path and the table; NULL with the reason in err. */
struct ycsb_db *db_open(const char *path, char *err, int errlen);
void db_close(struct ycsb_db *db);

/* Each returns SQLite's result code (SQLITE_OK on success) and leaves a message for db_error. */
int db_exec(struct ycsb_db *db, const char *sql);
int db_insert(struct ycsb_db *db, const char *key,
              char values[YCSB_FIELD_COUNT][YCSB_FIELD_LENGTH]);
/* Reads every field of key; *found is 1 when the row exists. */
int db_read(struct ycsb_db *db, const char *key, int *found);
int db_update(struct ycsb_db *db, const char *key, int field, const char value[YCSB_FIELD_LENGTH]);
/* Reads every field of up to count rows from key on, in key order; *rows gets how many. */
int db_scan(struct ycsb_db *db, const char *key, int count, int *rows);
/* PRAGMA integrity_check's first line into out ("ok" when sound). */
int db_integrity(struct ycsb_db *db, char *out, int outlen);
/* Calls fn for every key in the table, in order. */
int db_each_key(struct ycsb_db *db, void (*fn)(const char *key, void *arg), void *arg);
/* Rows in the table. */
int db_count(struct ycsb_db *db, uint64_t *rows);
/* An FNV-1a digest of every row, every column, in key order: equal tables, equal digests. */
int db_digest(struct ycsb_db *db, uint64_t *digest);
/* The handle, for error codes. */
struct sqlite3 *db_handle(struct ycsb_db *db);
const char *db_error(struct ycsb_db *db);

#endif
