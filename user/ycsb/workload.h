/* YCSB's CoreWorkload: the six standard workloads (workloads/workloada .. workloadf), the key
 * names, field values and the choice of the next operation and its key. No database here: the
 * driver (ycsb.c) executes what this chooses, so the host tests can check the choices alone. */
#ifndef YCSB_WORKLOAD_H
#define YCSB_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "gen.h"

#define YCSB_FIELD_COUNT  10  /* fieldcount */
#define YCSB_FIELD_LENGTH 100 /* fieldlength (constant distribution) */
#define YCSB_MAX_SCAN     100 /* maxscanlength; scans are 1 .. 100 records, uniform */
#define YCSB_KEY_MAX      32  /* "user" + up to 19 digits + NUL */

enum ycsb_op { OP_READ, OP_UPDATE, OP_INSERT, OP_SCAN, OP_RMW, OP_COUNT };
enum ycsb_dist { DIST_ZIPFIAN, DIST_LATEST, DIST_UNIFORM };

struct ycsb_workload_def {
    char name;                   /* 'a' .. 'f' */
    double proportion[OP_COUNT]; /* read, update, insert, scan, read-modify-write */
    enum ycsb_dist dist;         /* requestdistribution */
    const char *what;
};

/* The definition of workload `name` ('a'..'f', either case), or NULL. */
const struct ycsb_workload_def *ycsb_workload_find(char name);
const char *ycsb_op_name(enum ycsb_op op);

struct ycsb_workload {
    const struct ycsb_workload_def *def;
    struct ycsb_rng rng;
    uint64_t record_count, operation_count;
    uint64_t load_next;            /* the load phase's key sequence (CounterGenerator) */
    struct ack_counter insert_seq; /* transactioninsertkeysequence */
    struct scrambled_zipfian zipf; /* keychooser for zipfian */
    struct skewed_latest latest;   /* keychooser for latest */
};

/* Ready for the load phase and then the run phase of def, with record_count records loaded and
 * operation_count operations to come (zipfian's key space counts the inserts expected). */
void ycsb_workload_init(struct ycsb_workload *w, const struct ycsb_workload_def *def,
                        uint64_t record_count, uint64_t operation_count, uint64_t seed);

/* buildKeyName with insertorder=hashed, zeropadding=1: "user" + fnvhash64(keynum) in decimal. */
void ycsb_key(uint64_t keynum, char out[YCSB_KEY_MAX]);
/* One field's value: fieldlength random printable bytes (RandomByteIterator's alphabet), no NUL
 * added. */
void ycsb_value(struct ycsb_rng *r, char out[YCSB_FIELD_LENGTH]);

/* The next record of the load phase: its key number (0, 1, ... record_count - 1). */
uint64_t ycsb_next_load(struct ycsb_workload *w);

/* One operation of the run phase. For an insert, keynum is new and must be acknowledged with
 * ycsb_insert_done once its transaction committed. */
struct ycsb_choice {
    enum ycsb_op op;
    uint64_t keynum;
    int field;       /* update and read-modify-write: the one field written */
    int scan_length; /* scan: 1 .. YCSB_MAX_SCAN */
};

void ycsb_next_op(struct ycsb_workload *w, struct ycsb_choice *c);
void ycsb_insert_done(struct ycsb_workload *w, uint64_t keynum);

#endif
