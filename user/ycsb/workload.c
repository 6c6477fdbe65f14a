/* YCSB's CoreWorkload (workload.h): what each workload file sets, and the choices. */
#include "workload.h"

#include <ctype.h>
#include <stdio.h>

/* workloads/workloada .. workloadf: their proportions and request distributions (the rest of
 * CoreWorkload's properties at their defaults: 10 fields of 100 bytes, readallfields=true,
 * writeallfields=false, insertorder=hashed, scans uniform over 1 .. 100 records). */
static const struct ycsb_workload_def workloads[] = {
    {'a', {0.5, 0.5, 0, 0, 0}, DIST_ZIPFIAN, "update heavy: 50% read, 50% update, zipfian"},
    {'b', {0.95, 0.05, 0, 0, 0}, DIST_ZIPFIAN, "read mostly: 95% read, 5% update, zipfian"},
    {'c', {1, 0, 0, 0, 0}, DIST_ZIPFIAN, "read only: 100% read, zipfian"},
    {'d', {0.95, 0, 0.05, 0, 0}, DIST_LATEST, "read latest: 95% read, 5% insert, latest"},
    {'e',
     {0, 0, 0.05, 0.95, 0},
     DIST_ZIPFIAN,
     "short ranges: 95% scan of 1-100 records (uniform), 5% insert, zipfian"},
    {'f', {0.5, 0, 0, 0, 0.5}, DIST_ZIPFIAN, "read-modify-write: 50% read, 50% RMW, zipfian"},
};

const struct ycsb_workload_def *ycsb_workload_find(char name)
{
    for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
        if (workloads[i].name == tolower((unsigned char)name))
            return &workloads[i];
    return NULL;
}

const char *ycsb_op_name(enum ycsb_op op)
{
    static const char *const names[OP_COUNT] = {"READ", "UPDATE", "INSERT", "SCAN",
                                                "READ-MODIFY-WRITE"};
    return op < OP_COUNT ? names[op] : "?";
}

void ycsb_workload_init(struct ycsb_workload *w, const struct ycsb_workload_def *def,
                        uint64_t record_count, uint64_t operation_count, uint64_t seed)
{
    w->def = def;
    rng_seed(&w->rng, seed);
    w->record_count = record_count;
    w->operation_count = operation_count;
    w->load_next = 0;
    counter_init(&w->insert_seq, record_count);
    /* CoreWorkload: the zipfian key space covers the loaded records and twice the inserts
     * expected, so that new keys become popular too. (int)(opcount * insertproportion * 2.0) */
    uint64_t expected_new = (uint64_t)((double)operation_count * def->proportion[OP_INSERT] * 2.0);
    scrambled_init(&w->zipf, 0, record_count + expected_new);
    if (def->dist == DIST_LATEST)
        latest_init(&w->latest, &w->insert_seq, &w->rng);
}

void ycsb_key(uint64_t keynum, char out[YCSB_KEY_MAX])
{
    snprintf(out, YCSB_KEY_MAX, "user%llu", (unsigned long long)ycsb_fnvhash64(keynum));
}

/* RandomByteIterator's bytes: printable ASCII from ' ' upwards, six random bits per byte. */
void ycsb_value(struct ycsb_rng *r, char out[YCSB_FIELD_LENGTH])
{
    uint64_t bits = 0;
    for (int i = 0; i < YCSB_FIELD_LENGTH; i++) {
        if (i % 10 == 0)
            bits = rng_next(r);
        out[i] = (char)(' ' + (bits & 63));
        bits >>= 6;
    }
}

uint64_t ycsb_next_load(struct ycsb_workload *w)
{
    return w->load_next++;
}

/* nextKeynum: draw until the key has been inserted and acknowledged. */
static uint64_t next_keynum(struct ycsb_workload *w)
{
    uint64_t k;
    do {
        switch (w->def->dist) {
        case DIST_LATEST: k = latest_next(&w->latest, &w->rng); break;
        case DIST_UNIFORM: k = uniform_next(&w->rng, 0, w->record_count - 1); break;
        default: k = scrambled_next(&w->zipf, &w->rng); break;
        }
    } while (k > counter_last(&w->insert_seq));
    return k;
}

void ycsb_next_op(struct ycsb_workload *w, struct ycsb_choice *c)
{
    /* CoreWorkload adds the operations to its DiscreteGenerator in this order (and only those
     * with a proportion above 0; a zero weight is never chosen either way). */
    c->op = (enum ycsb_op)discrete_next(&w->rng, w->def->proportion, OP_COUNT);
    c->field = 0;
    c->scan_length = 0;
    switch (c->op) {
    case OP_INSERT: c->keynum = counter_next(&w->insert_seq); break;
    case OP_SCAN:
        c->keynum = next_keynum(w);
        c->scan_length = (int)uniform_next(&w->rng, 1, YCSB_MAX_SCAN);
        break;
    case OP_UPDATE:
    case OP_RMW:
        c->keynum = next_keynum(w);
        c->field = (int)uniform_next(&w->rng, 0, YCSB_FIELD_COUNT - 1);
        break;
    default: c->keynum = next_keynum(w); break;
    }
}

void ycsb_insert_done(struct ycsb_workload *w, uint64_t keynum)
{
    counter_ack(&w->insert_seq, keynum);
}
