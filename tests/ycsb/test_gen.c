/* Host tests of the YCSB driver's generators and workload choices (user/ycsb/gen.c,
 * workload.c), under ASan and UBSan: the zipfian's distribution against the closed form of
 * YCSB's generator, the scrambled zipfian, the latest distribution, the workloads' operation
 * mix, and that a run is a function of its seed. Prints "N passed, N failed". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "workload.h"

static int passed, failed;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

/* A frequency f out of n draws against probability p: within five standard deviations. */
static int close_to(double f, double p, int n)
{
    double sd = sqrt(p * (1 - p) / n);
    return fabs(f - p) <= 5 * sd + 1e-12;
}

static void test_fnv(void)
{
    /* FNV-1a over the eight bytes of 0: computed by hand from the offset basis and prime. */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < 8; i++)
        h = h * 1099511628211ULL;
    uint64_t want = (h >> 63) ? (uint64_t)0 - h : h;
    CHECK(ycsb_fnvhash64(0) == want, "fnvhash64(0) = %llu, want %llu",
          (unsigned long long)ycsb_fnvhash64(0), (unsigned long long)want);
    int negative = 0;
    for (uint64_t v = 0; v < 100000; v++)
        negative |= (int)(ycsb_fnvhash64(v) >> 63) & (ycsb_fnvhash64(v) != 1ULL << 63);
    CHECK(!negative, "fnvhash64 is a non-negative Java long");
    char key[YCSB_KEY_MAX];
    ycsb_key(0, key);
    char want_key[YCSB_KEY_MAX];
    snprintf(want_key, sizeof(want_key), "user%llu", (unsigned long long)want);
    CHECK(!strcmp(key, want_key), "key 0 is %s, want %s", key, want_key);
    CHECK(ycsb_fnvhash64(1) != ycsb_fnvhash64(256), "each byte counts");
}

static void test_zeta(void)
{
    double direct = zipfian_zeta(0, 5000, 0.99, 0);
    double split = zipfian_zeta(2000, 5000, 0.99, zipfian_zeta(0, 2000, 0.99, 0));
    CHECK(fabs(direct - split) < 1e-9, "zeta extends incrementally: %.12f vs %.12f", direct, split);
    CHECK(fabs(zipfian_zeta(0, 2, 0.99, 0) - (1 + pow(0.5, 0.99))) < 1e-15, "zeta(2)");
    /* YCSB's zeta(10^10, 0.99) against the integral estimate of the sum's tail: the first
     * 10^6 terms exactly, the rest by Euler-Maclaurin to 1e-9. */
    double s = zipfian_zeta(0, 1000000, 0.99, 0);
    double a = 1e6, b = 1e10, t = 0.01;
    double tail = (pow(b, t) - pow(a, t)) / t + 0.5 * (pow(b, -0.99) - pow(a, -0.99));
    tail += 0.99 / 12 * (pow(a, -1.99) - pow(b, -1.99));
    CHECK(fabs(s + tail - YCSB_SCRAMBLED_ZETAN) < 1e-6, "zeta(10^10) = %.9f, YCSB has %.9f",
          s + tail, YCSB_SCRAMBLED_ZETAN);
}

/* The empirical distribution of the zipfian against YCSB's formula: items 0 and 1 exactly
 * 1/zetan and 0.5^theta/zetan, and the CDF at spaced points against the closed form of Gray's
 * generator; and against the true zipfian's head. */
static void test_zipfian_shape(void)
{
    enum { ITEMS = 1000, DRAWS = 200000 };
    struct zipfian z;
    struct ycsb_rng r;
    zipfian_init(&z, 0, ITEMS - 1, YCSB_ZIPFIAN_CONSTANT, 0);
    rng_seed(&r, 42);
    static int count[ITEMS];
    memset(count, 0, sizeof(count));
    int out_of_range = 0;
    for (int i = 0; i < DRAWS; i++) {
        uint64_t v = zipfian_next(&z, &r);
        if (v >= ITEMS)
            out_of_range++;
        else
            count[v]++;
    }
    CHECK(out_of_range == 0, "%d draws out of range", out_of_range);
    double zetan = zipfian_zeta(0, ITEMS, 0.99, 0);
    double p0 = 1 / zetan, p1 = pow(0.5, 0.99) / zetan;
    CHECK(close_to((double)count[0] / DRAWS, p0, DRAWS), "item 0: %.4f, formula %.4f",
          (double)count[0] / DRAWS, p0);
    CHECK(close_to((double)count[1] / DRAWS, p1, DRAWS), "item 1: %.4f, formula %.4f",
          (double)count[1] / DRAWS, p1);
    double cum = 0;
    int k_checked = 0, bad = 0;
    for (int k = 0; k < ITEMS; k++) {
        cum += count[k];
        if (k == 2 || k == 5 || k == 10 || k == 50 || k == 100 || k == 500 || k == 998) {
            double want = zipfian_cdf(&z, (uint64_t)k);
            k_checked++;
            if (!close_to(cum / DRAWS, want, DRAWS)) {
                bad++;
                printf("  cdf(%d) = %.4f, closed form %.4f\n", k, cum / DRAWS, want);
            }
        }
    }
    CHECK(k_checked == 7 && bad == 0, "the CDF follows YCSB's generator (%d of %d off)", bad,
          k_checked);
    /* Skew as a zipfian with theta 0.99: the top 1% of the items take about half the draws
     * (the true zipfian: H(10, 0.99) / zeta(1000, 0.99) = 0.39; Gray's approximation gives more
     * to the head). */
    double top = 0;
    for (int k = 0; k < ITEMS / 100; k++)
        top += count[k];
    CHECK(top / DRAWS > 0.35 && top / DRAWS < 0.6, "top 1%% of items: %.3f of the draws",
          top / DRAWS);
    CHECK(count[0] > count[1] && count[1] > count[2] && count[2] > count[10],
          "popularity falls with rank");
}

/* The scrambled zipfian: values over the whole key space, popular items spread (not the
 * lowest numbers), and the most popular key is fnvhash64 of the zipfian's item 0. */
static void test_scrambled(void)
{
    enum { ITEMS = 1000, DRAWS = 100000 };
    struct scrambled_zipfian s;
    struct ycsb_rng r;
    scrambled_init(&s, 0, ITEMS - 1);
    rng_seed(&r, 7);
    static int count[ITEMS];
    memset(count, 0, sizeof(count));
    int bad = 0;
    for (int i = 0; i < DRAWS; i++) {
        uint64_t v = scrambled_next(&s, &r);
        if (v >= ITEMS)
            bad++;
        else
            count[v]++;
    }
    CHECK(bad == 0, "%d scrambled draws out of range", bad);
    int top = 0;
    for (int k = 1; k < ITEMS; k++)
        if (count[k] > count[top])
            top = k;
    uint64_t want = ycsb_fnvhash64(0) % ITEMS;
    CHECK((uint64_t)top == want, "the hottest key is %d, fnvhash64(0) %% n = %llu", top,
          (unsigned long long)want);
    double p0 = 1 / YCSB_SCRAMBLED_ZETAN;
    CHECK(close_to((double)count[want] / DRAWS, p0, DRAWS) || count[want] > p0 * DRAWS,
          "the hottest key gets at least 1/zetan: %.4f", (double)count[want] / DRAWS);
    int low = 0;
    for (int k = 0; k < 10; k++)
        low += count[k];
    CHECK(low < DRAWS / 20, "the lowest key numbers are not the popular ones (%d)", low);
    int distinct = 0;
    for (int k = 0; k < ITEMS; k++)
        distinct += count[k] > 0;
    CHECK(distinct > ITEMS / 2, "%d distinct keys of %d", distinct, ITEMS);
}

/* Latest: the newest acknowledged key is the most popular, and after an insert is
 * acknowledged the new key takes its place. */
static void test_latest(void)
{
    struct ack_counter c;
    struct skewed_latest l;
    struct ycsb_rng r;
    counter_init(&c, 1000);
    CHECK(counter_last(&c) == 999, "nothing acknowledged beyond the loaded records");
    rng_seed(&r, 3);
    latest_init(&l, &c, &r);
    enum { DRAWS = 50000 };
    int newest = 0, old = 0, beyond = 0;
    for (int i = 0; i < DRAWS; i++) {
        uint64_t v = latest_next(&l, &r);
        beyond += v > 999;
        newest += v == 999;
        old += v < 500;
    }
    CHECK(beyond == 0, "no key past the last acknowledged");
    double zetan = zipfian_zeta(0, 1000, 0.99, 0);
    CHECK(close_to((double)newest / DRAWS, 1 / zetan, DRAWS), "the newest key: %.4f, want %.4f",
          (double)newest / DRAWS, 1 / zetan);
    CHECK(old < newest, "old keys (%d draws) less popular than the newest (%d)", old, newest);
    uint64_t k = counter_next(&c);
    CHECK(k == 1000, "the next insert is key 1000");
    counter_ack(&c, k);
    int hit_new = 0;
    for (int i = 0; i < DRAWS; i++)
        hit_new += latest_next(&l, &r) == 1000;
    CHECK(close_to((double)hit_new / DRAWS, 1 / zipfian_zeta(0, 1001, 0.99, 0), DRAWS),
          "after the insert the new key is the hottest: %.4f", (double)hit_new / DRAWS);
}

/* Each workload's operation mix, its keys inside the loaded (or acknowledged) range, scans of
 * 1-100, and the same seed giving the same run. */
static void test_workloads(void)
{
    enum { RECORDS = 500, OPS = 20000 };
    for (const char *n = "abcdef"; *n; n++) {
        const struct ycsb_workload_def *def = ycsb_workload_find(*n);
        CHECK(def != NULL, "workload %c exists", *n);
        if (!def)
            continue;
        static struct ycsb_workload w;
        ycsb_workload_init(&w, def, RECORDS, OPS, 11);
        int count[OP_COUNT] = {0}, bad_key = 0, bad_scan = 0, bad_field = 0;
        for (int i = 0; i < OPS; i++) {
            struct ycsb_choice c;
            ycsb_next_op(&w, &c);
            count[c.op]++;
            if (c.op == OP_INSERT) {
                bad_key += c.keynum != counter_last(&w.insert_seq) + 1;
                ycsb_insert_done(&w, c.keynum);
            } else {
                bad_key += c.keynum > counter_last(&w.insert_seq);
            }
            if (c.op == OP_SCAN)
                bad_scan += c.scan_length < 1 || c.scan_length > YCSB_MAX_SCAN;
            bad_field += c.field < 0 || c.field >= YCSB_FIELD_COUNT;
        }
        int mix_ok = 1;
        for (int t = 0; t < OP_COUNT; t++)
            mix_ok &= def->proportion[t] == 0
                          ? count[t] == 0
                          : close_to((double)count[t] / OPS, def->proportion[t], OPS);
        CHECK(mix_ok, "workload %c: mix read %d update %d insert %d scan %d rmw %d", *n,
              count[OP_READ], count[OP_UPDATE], count[OP_INSERT], count[OP_SCAN], count[OP_RMW]);
        CHECK(!bad_key && !bad_scan && !bad_field, "workload %c: keys %d, scans %d, fields %d", *n,
              bad_key, bad_scan, bad_field);
    }
    CHECK(ycsb_workload_find('g') == NULL && ycsb_workload_find('A') != NULL, "names");
}

static uint64_t run_digest(char name, uint64_t seed)
{
    static struct ycsb_workload w;
    ycsb_workload_init(&w, ycsb_workload_find(name), 300, 2000, seed);
    uint64_t h = 0;
    char v[YCSB_FIELD_LENGTH];
    for (int i = 0; i < 300; i++) {
        ycsb_value(&w.rng, v);
        h = h * 31 + ycsb_next_load(&w) + (uint8_t)v[7];
    }
    for (int i = 0; i < 2000; i++) {
        struct ycsb_choice c;
        ycsb_next_op(&w, &c);
        if (c.op == OP_INSERT)
            ycsb_insert_done(&w, c.keynum);
        h = h * 1000003 + c.keynum * 7 + (uint64_t)c.op * 3 + (uint64_t)c.field +
            (uint64_t)c.scan_length;
    }
    return h;
}

static void test_determinism(void)
{
    for (const char *n = "abcdef"; *n; n++) {
        CHECK(run_digest(*n, 5) == run_digest(*n, 5), "workload %c: same seed, same run", *n);
        CHECK(run_digest(*n, 5) != run_digest(*n, 6), "workload %c: another seed, another run", *n);
    }
    struct ycsb_rng r;
    rng_seed(&r, 1);
    char v[YCSB_FIELD_LENGTH];
    ycsb_value(&r, v);
    int printable = 1;
    for (int i = 0; i < YCSB_FIELD_LENGTH; i++)
        printable &= v[i] >= ' ' && v[i] < ' ' + 64;
    CHECK(printable, "values are printable");
}

int main(void)
{
    test_fnv();
    test_zeta();
    test_zipfian_shape();
    test_scrambled();
    test_latest();
    test_workloads();
    test_determinism();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
