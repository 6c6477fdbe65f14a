/* YCSB's generators (gen.h says which and where each comes from). */
#include "gen.h"

#include <math.h>

void rng_seed(struct ycsb_rng *r, uint64_t seed)
{
    r->state = seed;
}

/* splitmix64 (Steele, Lea and Flood): one 64-bit word of state, every seed a full period. */
uint64_t rng_next(struct ycsb_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double rng_double(struct ycsb_rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

#define FNV_OFFSET_BASIS_64 0xcbf29ce484222325ULL
#define FNV_PRIME_64        1099511628211ULL

uint64_t ycsb_fnvhash64(uint64_t value)
{
    uint64_t hash = FNV_OFFSET_BASIS_64;
    for (int i = 0; i < 8; i++) {
        hash ^= value & 0xff;
        hash *= FNV_PRIME_64;
        value >>= 8; /* Java's >> on a long: only the eight low bytes are ever used */
    }
    /* Math.abs of a Java long: negate when the sign bit is set (Long.MIN_VALUE stays). */
    return (hash >> 63) ? (uint64_t)0 - hash : hash;
}

double zipfian_zeta(uint64_t st, uint64_t n, double theta, double initial)
{
    double sum = initial;
    for (uint64_t i = st; i < n; i++)
        sum += 1.0 / pow((double)(i + 1), theta);
    return sum;
}

static double zipfian_eta(const struct zipfian *z)
{
    return (1.0 - pow(2.0 / (double)z->items, 1.0 - z->theta)) / (1.0 - z->zeta2theta / z->zetan);
}

void zipfian_init(struct zipfian *z, uint64_t min, uint64_t max, double theta, double zetan)
{
    z->items = max - min + 1;
    z->base = min;
    z->theta = theta;
    z->zeta2theta = zipfian_zeta(0, 2, theta, 0);
    z->alpha = 1.0 / (1.0 - theta);
    z->zetan = zetan != 0 ? zetan : zipfian_zeta(0, z->items, theta, 0);
    z->count_for_zeta = z->items;
    z->eta = zipfian_eta(z);
}

uint64_t zipfian_next_n(struct zipfian *z, struct ycsb_rng *r, uint64_t itemcount)
{
    /* YCSB extends zeta only when items were added (it never shrinks it by default), and
     * recomputes eta from the constructor's item count: both kept as YCSB has them. */
    if (itemcount > z->count_for_zeta) {
        z->zetan = zipfian_zeta(z->count_for_zeta, itemcount, z->theta, z->zetan);
        z->count_for_zeta = itemcount;
        z->eta = zipfian_eta(z);
    }
    double u = rng_double(r);
    double uz = u * z->zetan;
    if (uz < 1.0)
        return z->base;
    if (uz < 1.0 + pow(0.5, z->theta))
        return z->base + 1;
    return z->base + (uint64_t)((double)itemcount * pow(z->eta * u - z->eta + 1.0, z->alpha));
}

uint64_t zipfian_next(struct zipfian *z, struct ycsb_rng *r)
{
    return zipfian_next_n(z, r, z->items);
}

double zipfian_cdf(const struct zipfian *z, uint64_t k)
{
    /* u < 1/zetan gives item 0, u < (1 + 0.5^theta)/zetan item 1; above that the item is
     * floor(n (eta u - eta + 1)^alpha), which is <= k while u < t_k below. */
    double u1 = 1.0 / z->zetan;
    double u2 = (1.0 + pow(0.5, z->theta)) / z->zetan;
    double t = (pow((double)(k + 1) / (double)z->items, 1.0 - z->theta) + z->eta - 1.0) / z->eta;
    if (t > 1.0)
        t = 1.0;
    double tail = t > u2 ? t - u2 : 0.0;
    return (k == 0 ? u1 : u2) + tail;
}

void scrambled_init(struct scrambled_zipfian *s, uint64_t min, uint64_t max)
{
    zipfian_init(&s->zipf, 0, YCSB_SCRAMBLED_ITEM_COUNT, YCSB_ZIPFIAN_CONSTANT,
                 YCSB_SCRAMBLED_ZETAN);
    s->min = min;
    s->itemcount = max - min + 1;
}

uint64_t scrambled_next(struct scrambled_zipfian *s, struct ycsb_rng *r)
{
    return s->min + ycsb_fnvhash64(zipfian_next(&s->zipf, r)) % s->itemcount;
}

void counter_init(struct ack_counter *c, uint64_t start)
{
    c->next = start;
    c->limit = start - 1;
}

uint64_t counter_next(struct ack_counter *c)
{
    return c->next++;
}

/* Single-threaded inserts are acknowledged in order, so the limit simply moves up. */
void counter_ack(struct ack_counter *c, uint64_t value)
{
    if (value == c->limit + 1)
        c->limit = value;
}

uint64_t counter_last(const struct ack_counter *c)
{
    return c->limit;
}

void latest_init(struct skewed_latest *l, const struct ack_counter *basis, struct ycsb_rng *r)
{
    l->basis = basis;
    /* new ZipfianGenerator(basis.lastValue()): items 0 .. last - 1 */
    zipfian_init(&l->zipf, 0, counter_last(basis) - 1, YCSB_ZIPFIAN_CONSTANT, 0);
    latest_next(l, r);
}

uint64_t latest_next(struct skewed_latest *l, struct ycsb_rng *r)
{
    uint64_t max = counter_last(l->basis);
    return max - zipfian_next_n(&l->zipf, r, max);
}

uint64_t uniform_next(struct ycsb_rng *r, uint64_t lb, uint64_t ub)
{
    return lb + rng_next(r) % (ub - lb + 1);
}

int discrete_next(struct ycsb_rng *r, const double *weight, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += weight[i];
    double val = rng_double(r);
    for (int i = 0; i < n; i++) {
        double pw = weight[i] / sum;
        if (val < pw)
            return i;
        val -= pw;
    }
    return n - 1; /* rounding left val at the top: YCSB would throw; the last one is right */
}
