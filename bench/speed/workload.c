#include "workload.h"

#define SIEVE_N    8192
#define SORT_N     512
#define MAT_N      24
#define RING_WORDS (1u << 20) /* 8 MiB of pointers: larger than any cache */
#define COPY_WORDS (1u << 16)

static uint8_t sieve[SIEVE_N];
static uint32_t sort_buf[SORT_N];
static int32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];
static uint64_t ring[RING_WORDS];
static uint64_t copy_src[COPY_WORDS], copy_dst[COPY_WORDS];

static uint32_t next_random(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static uint64_t do_sieve(void)
{
    uint64_t count = 0;
    for (unsigned i = 2; i < SIEVE_N; i++)
        sieve[i] = 1;
    for (unsigned i = 2; i < SIEVE_N; i++) {
        if (!sieve[i])
            continue;
        count++;
        for (unsigned j = i * 2; j < SIEVE_N; j += i)
            sieve[j] = 0;
    }
    return count;
}

static uint32_t do_crc(uint32_t seed)
{
    uint32_t crc = ~0u, s = seed | 1;
    for (unsigned i = 0; i < 16384; i++) {
        uint8_t byte = (uint8_t)next_random(&s);
        crc ^= byte;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint64_t do_sort(uint32_t seed)
{
    uint32_t s = seed | 1;
    for (unsigned i = 0; i < SORT_N; i++)
        sort_buf[i] = next_random(&s);
    for (unsigned i = 1; i < SORT_N; i++) {
        uint32_t v = sort_buf[i];
        unsigned j = i;
        while (j > 0 && sort_buf[j - 1] > v) {
            sort_buf[j] = sort_buf[j - 1];
            j--;
        }
        sort_buf[j] = v;
    }
    return sort_buf[SORT_N / 2];
}

static uint64_t do_matrix(uint32_t seed)
{
    uint32_t s = seed | 1;
    for (unsigned i = 0; i < MAT_N; i++)
        for (unsigned j = 0; j < MAT_N; j++) {
            mat_a[i][j] = (int32_t)(next_random(&s) & 0xff) - 128;
            mat_b[i][j] = (int32_t)(next_random(&s) & 0xff) - 128;
        }
    for (unsigned i = 0; i < MAT_N; i++)
        for (unsigned j = 0; j < MAT_N; j++) {
            int32_t sum = 0;
            for (unsigned k = 0; k < MAT_N; k++)
                sum += mat_a[i][k] * mat_b[k][j];
            mat_c[i][j] = sum;
        }
    return (uint64_t)(uint32_t)mat_c[MAT_N / 2][MAT_N / 3];
}

uint64_t workload_int(unsigned scale)
{
    uint64_t acc = 0;
    for (unsigned r = 0; r < scale; r++)
        acc += do_sieve() + do_crc(r) + do_sort(r) + do_matrix(r);
    return acc;
}

uint64_t workload_mem(unsigned scale)
{
    /* A single random cycle through the ring (Sattolo's shuffle), so every step misses. */
    uint32_t s = 12345;
    for (unsigned i = 0; i < RING_WORDS; i++)
        ring[i] = i;
    for (unsigned i = RING_WORDS - 1; i > 0; i--) {
        unsigned j = next_random(&s) % i;
        uint64_t t = ring[i];
        ring[i] = ring[j];
        ring[j] = t;
    }
    uint64_t acc = 0, p = 0;
    for (unsigned r = 0; r < scale; r++) {
        for (unsigned i = 0; i < RING_WORDS / 4; i++)
            p = ring[p];
        for (unsigned i = 0; i < COPY_WORDS; i++)
            copy_src[i] = i ^ p;
        for (unsigned k = 0; k < 8; k++)
            for (unsigned i = 0; i < COPY_WORDS; i++)
                copy_dst[i] = copy_src[i] + k;
        acc += p + copy_dst[COPY_WORDS - 1];
    }
    return acc;
}

/* Only where there is an FPU: the integer guests are built soft-float without a libgcc. */
#if !defined(__riscv) || defined(__riscv_flen)
#define FMAT_N 32
#define BODIES 32

static double fmat_a[FMAT_N][FMAT_N], fmat_b[FMAT_N][FMAT_N], fmat_c[FMAT_N][FMAT_N];
static double pos[BODIES][3], vel[BODIES][3];

uint64_t workload_fp(unsigned scale)
{
    uint32_t s = 777;
    for (unsigned i = 0; i < FMAT_N; i++)
        for (unsigned j = 0; j < FMAT_N; j++) {
            fmat_a[i][j] = (double)(next_random(&s) & 0xffff) / 65536.0 - 0.5;
            fmat_b[i][j] = (double)(next_random(&s) & 0xffff) / 65536.0 - 0.5;
        }
    for (unsigned b = 0; b < BODIES; b++)
        for (unsigned k = 0; k < 3; k++) {
            pos[b][k] = (double)(next_random(&s) & 0xffff) / 256.0;
            vel[b][k] = 0;
        }
    double acc = 0;
    for (unsigned r = 0; r < scale; r++) {
        for (unsigned i = 0; i < FMAT_N; i++)
            for (unsigned j = 0; j < FMAT_N; j++) {
                double sum = 0;
                for (unsigned k = 0; k < FMAT_N; k++)
                    sum += fmat_a[i][k] * fmat_b[k][j];
                fmat_c[i][j] = sum;
            }
        acc += fmat_c[r % FMAT_N][(r * 7) % FMAT_N];
        for (unsigned a = 0; a < BODIES; a++)
            for (unsigned b = 0; b < BODIES; b++) {
                if (a == b)
                    continue;
                double d[3], r2 = 1e-3;
                for (unsigned k = 0; k < 3; k++) {
                    d[k] = pos[b][k] - pos[a][k];
                    r2 += d[k] * d[k];
                }
                double inv = 1.0 / (r2 * __builtin_sqrt(r2));
                for (unsigned k = 0; k < 3; k++)
                    vel[a][k] += d[k] * inv * 1e-3;
            }
        for (unsigned a = 0; a < BODIES; a++)
            for (unsigned k = 0; k < 3; k++)
                pos[a][k] += vel[a][k];
        acc += pos[r % BODIES][0];
    }
    /* The bits of the result, so that the guest and the host are compared exactly. */
    union {
        double d;
        uint64_t u;
    } bits = {.d = acc};
    return bits.u;
}
#endif
