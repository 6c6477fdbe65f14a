/* YCSB's generators (site.ycsb.generator), in C, for the guest driver and the host tests.
 *
 * Each follows YCSB's core workload definitions: the FNV-1a-style 64-bit hash of Utils.fnvhash64
 * (with its Math.abs), ZipfianGenerator (Gray et al., "Quickly Generating Billion-Record
 * Synthetic Databases", SIGMOD 1994; constant 0.99, incremental zeta when the item count grows),
 * ScrambledZipfianGenerator (a zipfian over 10^10 items with YCSB's precomputed zeta, hashed
 * into the key space), SkewedLatestGenerator (the newest acknowledged key is the most popular),
 * AcknowledgedCounterGenerator, UniformLongGenerator and DiscreteGenerator. Where YCSB draws
 * from ThreadLocalRandom, these draw from one seeded generator (splitmix64), so a run is a
 * function of its seed. */
#ifndef YCSB_GEN_H
#define YCSB_GEN_H

#include <stdint.h>

#define YCSB_ZIPFIAN_CONSTANT 0.99
/* ScrambledZipfianGenerator's fixed item count and its zeta(10^10, 0.99), as YCSB hard-codes
 * them so that a scrambled zipfian need not sum 10^10 terms. */
#define YCSB_SCRAMBLED_ITEM_COUNT 10000000000ULL
#define YCSB_SCRAMBLED_ZETAN      26.46902820178302

struct ycsb_rng {
    uint64_t state;
};

void rng_seed(struct ycsb_rng *r, uint64_t seed);
uint64_t rng_next(struct ycsb_rng *r);
/* Uniform in [0, 1) with 53 bits, as Java's nextDouble. */
double rng_double(struct ycsb_rng *r);

/* Utils.fnvhash64: 64-bit FNV over the value's eight bytes, low byte first, made
 * non-negative as a Java long (Math.abs, so 2^63 stays 2^63). */
uint64_t ycsb_fnvhash64(uint64_t value);

struct zipfian {
    uint64_t items, base, count_for_zeta;
    double theta, zeta2theta, alpha, zetan, eta;
};

/* zeta(n) = sum_{i=st}^{n-1} 1 / (i + 1)^theta, continued from `initial` (the sum up to st). */
double zipfian_zeta(uint64_t st, uint64_t n, double theta, double initial);
/* Items min..max (inclusive). zetan 0 computes it; else it is taken as given (YCSB's constructor
 * with a precomputed zeta). */
void zipfian_init(struct zipfian *z, uint64_t min, uint64_t max, double theta, double zetan);
/* nextLong(itemcount): a value in base .. base + itemcount - 1, item base the most popular. A
 * larger item count than before extends zeta incrementally; YCSB then recomputes eta from the
 * constructor's item count, and so does this. */
uint64_t zipfian_next_n(struct zipfian *z, struct ycsb_rng *r, uint64_t itemcount);
uint64_t zipfian_next(struct zipfian *z, struct ycsb_rng *r);
/* The probability the generator gives `base + k` or less when itemcount == items: its closed
 * form (for the tests, and for docs). */
double zipfian_cdf(const struct zipfian *z, uint64_t k);

struct scrambled_zipfian {
    struct zipfian zipf; /* over 0 .. 10^10 */
    uint64_t min, itemcount;
};

void scrambled_init(struct scrambled_zipfian *s, uint64_t min, uint64_t max);
uint64_t scrambled_next(struct scrambled_zipfian *s, struct ycsb_rng *r);

/* AcknowledgedCounterGenerator, single-threaded: next() hands out start, start + 1, ...;
 * last() is the highest value acknowledged with every smaller one (start - 1 at first). */
struct ack_counter {
    uint64_t next, limit;
};

void counter_init(struct ack_counter *c, uint64_t start);
uint64_t counter_next(struct ack_counter *c);
void counter_ack(struct ack_counter *c, uint64_t value);
uint64_t counter_last(const struct ack_counter *c);

/* SkewedLatestGenerator over a counter: last() - zipfian(last()). Its constructor draws once. */
struct skewed_latest {
    const struct ack_counter *basis;
    struct zipfian zipf;
};

void latest_init(struct skewed_latest *l, const struct ack_counter *basis, struct ycsb_rng *r);
uint64_t latest_next(struct skewed_latest *l, struct ycsb_rng *r);

/* UniformLongGenerator: lb .. ub inclusive. */
uint64_t uniform_next(struct ycsb_rng *r, uint64_t lb, uint64_t ub);

/* DiscreteGenerator: index i with probability weight[i] / sum, by YCSB's walk. */
int discrete_next(struct ycsb_rng *r, const double *weight, int n);

#endif
