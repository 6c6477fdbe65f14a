/* The differential test's driver: the input grid and the output format, shared by both back-ends.
 *
 * Every operation runs on the cross product of an edge-value grid (all operand positions), in
 * every rounding mode if the operation rounds, then on pseudo-random operands from a fixed seed.
 * One line per run: "<op> <rm> <operands...> <result> <fflags>", all hex. The last line is
 * "END <count>" so that a truncated run cannot pass. No libc: this also runs bare-metal. */
#include "ops.h"

typedef unsigned long long u64;

struct op_info {
    const char *name;
    int nargs;
    char kind;
    int rounds;
};

static const struct op_info ops[OP_COUNT] = {
#define FP_OP_INFO(id, name, nargs, kind, rounds) {name, nargs, kind, rounds},
    FP_OPS(FP_OP_INFO)
#undef FP_OP_INFO
};

/* Edge values: signed zeros, subnormal and normal limits, values around 1 and around the integer
 * conversion limits, ties for the integer rounding modes, infinities, quiet and signalling NaNs
 * with and without payload. */
static const u64 grid_s[] = {
    0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00400000, 0x00800000,
    0x80800000, 0x00800001, 0x01000000, 0x3f800000, 0xbf800000, 0x3f800001, 0x3f7fffff, 0x3fc00000,
    0xc0200000, 0x3f000000, 0x40400000, 0x3eaaaaab, 0x1f800000, 0x4effffff, 0x4f000000, 0xcf000000,
    0xcf000001, 0x4f800000, 0x5effffff, 0x5f000000, 0xdf000000, 0x5f800000, 0x7f000000, 0x7f7fffff,
    0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001, 0xffa00123,
};

static const u64 grid_d[] = {
    0x0000000000000000,
    0x8000000000000000,
    0x0000000000000001,
    0x8000000000000001,
    0x000fffffffffffff,
    0x800fffffffffffff,
    0x0008000000000000,
    0x0010000000000000,
    0x8010000000000000,
    0x0010000000000001,
    0x0020000000000000,
    0x3ff0000000000000,
    0xbff0000000000000,
    0x3ff0000000000001,
    0x3fefffffffffffff,
    0x3ff8000000000000,
    0xc004000000000000,
    0x3fe0000000000000,
    0x4008000000000000,
    0x3fd5555555555555,
    0x3bf0000000000000,
    0x41dfffffffc00000,
    0x41dfffffffe00000,
    0x41e0000000000000,
    0xc1e0000000000000,
    0xc1e0000000200000,
    0x41efffffffe00000,
    0x41f0000000000000,
    0x43dfffffffffffff,
    0x43e0000000000000,
    0xc3e0000000000000,
    0x43f0000000000000,
    0x7fe0000000000000,
    0x7fefffffffffffff,
    0xffefffffffffffff,
    0x36a0000000000000,
    0x47efffffe0000000,
    0x7ff0000000000000,
    0xfff0000000000000,
    0x7ff8000000000000,
    0xfff8000000000001,
    0x7ff0000000000001,
    0xfff4000000000123,
    /* fcvt.s.d boundaries: float max + half an ulp (a tie that overflows in RNE), just below it,
     * 2^-126 - 2^-151, 2^-150 + tiny, 1.5 * 2^-149 (a subnormal tie) */
    0x47effffff0000000,
    0xc7efffffefffffff,
    0x380ffffff0000000,
    0x3690000000000001,
    0x36a8000000000000,
};

/* Smaller grids for the three-operand operations (the cross product is cubic). */
static const u64 grid3_s[] = {0x00000000, 0x80000000, 0x00000001, 0x00800000,
                              0x3f800000, 0xbf800001, 0x3f7fffff, 0x7f7fffff,
                              0x7f800000, 0x7fc00000, 0x7f800001};
static const u64 grid3_d[] = {0x0000000000000000, 0x8000000000000000, 0x0000000000000001,
                              0x0010000000000000, 0x3ff0000000000000, 0xbff0000000000001,
                              0x3fefffffffffffff, 0x7fefffffffffffff, 0x7ff0000000000000,
                              0x7ff8000000000000, 0x7ff0000000000001};

static const u64 grid_i[] = {
    0x0000000000000000, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000003,
    0xfffffffffffffffd, 0x000000007fffffff, 0x0000000080000000, 0xffffffff80000000,
    0x00000000ffffffff, 0x0000000100000000, 0x0000000001000001, 0x0000000001000003,
    0x00000000fffffe80, 0x0020000000000001, 0x0020000000000003, 0x7fffffffffffffff,
    0x8000000000000000, 0x8000000000000001, 0xfffffffffffffffe, 0x7ffffffffffffdff,
    0x0123456789abcdef, 0x00000000deadbeef,
};

/* f-register patterns for the NaN-boxing rule: properly boxed singles, singles with a broken
 * box (upper half not all ones), and doubles read as singles. */
static const u64 grid_r[] = {
    0xffffffff3f800000, 0x000000003f800000, 0xfffffffe3f800000, 0xffffffffbf800000,
    0xffffffff7f800001, 0x7ff0000000000001, 0x3ff0000000000000, 0xffffffff7fc00000,
};

/* Rounding-mode fields: the five modes, the reserved 5 and 6, and DYN (7). */
static const u64 grid_m[] = {0, 1, 2, 3, 4, 5, 6, 7};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static unsigned long line_count;

static void put_str(const char *s)
{
    while (*s)
        backend_putc(*s++);
}

static void put_hex(u64 v, int digits)
{
    for (int i = digits - 1; i >= 0; i--)
        backend_putc("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

static void put_dec(unsigned long v)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        backend_putc(buf[--n]);
}

static void run_and_print(enum fp_op op, unsigned rm, const u64 *in)
{
    const struct op_info *info = &ops[op];
    unsigned fflags = 0;
    u64 r = backend_run(op, rm, in[0], in[1], in[2], &fflags);
    put_str(info->name);
    backend_putc(' ');
    put_hex(rm, 1);
    for (int i = 0; i < info->nargs; i++) {
        backend_putc(' ');
        put_hex(in[i], info->kind == 'S' ? 8 : 16);
    }
    backend_putc(' ');
    put_hex(r, 16);
    backend_putc(' ');
    put_hex(fflags, 2);
    backend_putc('\n');
    line_count++;
}

static void run_all_modes(enum fp_op op, const u64 *in)
{
    unsigned modes = ops[op].rounds ? 5 : 1;
    for (unsigned rm = 0; rm < modes; rm++)
        run_and_print(op, rm, in);
}

static void run_grid(enum fp_op op)
{
    const struct op_info *info = &ops[op];
    const u64 *g;
    unsigned n;
    switch (info->kind) {
    case 'S':
        g = info->nargs == 3 ? grid3_s : grid_s;
        n = info->nargs == 3 ? COUNT(grid3_s) : COUNT(grid_s);
        break;
    case 'D':
        g = info->nargs == 3 ? grid3_d : grid_d;
        n = info->nargs == 3 ? COUNT(grid3_d) : COUNT(grid_d);
        break;
    case 'I':
        g = grid_i;
        n = COUNT(grid_i);
        break;
    case 'M':
        g = grid_m;
        n = COUNT(grid_m);
        break;
    default:
        g = grid_r;
        n = COUNT(grid_r);
        break;
    }
    unsigned nb = info->nargs >= 2 ? n : 1, nc = info->nargs >= 3 ? n : 1;
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < nb; j++)
            for (unsigned k = 0; k < nc; k++) {
                u64 in[3] = {g[i], g[j], g[k]};
                run_all_modes(op, in);
            }
}

/* ---- Pseudo-random operands ---- */

static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u64 rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A value biased towards the interesting places: exponents near the bias (ordinary numbers and
 * integer-conversion range), near both ends of the range, and significands with short or
 * all-ones patterns so that exact results, ties and carries are common. */
static u64 random_float(unsigned mant_bits, unsigned exp_bits)
{
    u64 r = rng(), emax = (1ull << exp_bits) - 1, bias = emax >> 1;
    u64 e, m = rng() & ((1ull << mant_bits) - 1);
    switch (r & 7) {
    case 0: e = rng() % (emax + 1); break;
    case 1: e = rng() % 4; break;
    case 2: e = emax - rng() % 3; break;
    case 3: e = bias + 20 + rng() % 50; break;
    default: e = bias - 8 + rng() % 16; break;
    }
    switch ((r >> 3) & 3) {
    case 0: m &= ~0ull << (mant_bits - (rng() % 6)); break; /* few significant bits */
    case 1: m |= (1ull << (mant_bits - (rng() % 4))) - 1; break;
    default: break;
    }
    return ((r >> 8) & 1) << (mant_bits + exp_bits) | e << mant_bits | m;
}

static u64 random_int(void)
{
    /* One rng() per statement: C leaves the order of calls within an expression open, and the
     * guest and host compilers must draw the same sequence. */
    u64 v = rng();
    v >>= rng() % 64;
    return (rng() & 1) ? 0 - v : v;
}

static u64 random_operand(char kind)
{
    switch (kind) {
    case 'S': return random_float(23, 8);
    case 'D': return random_float(52, 11);
    case 'I': return random_int();
    default: return rng();
    }
}

#ifndef RANDOM_RUNS /* -DRANDOM_RUNS=n for a longer one-off run */
#define RANDOM_RUNS 200
#endif

static void run_random(enum fp_op op)
{
    const struct op_info *info = &ops[op];
    if (info->kind == 'R' || info->kind == 'M')
        return;
    for (int n = 0; n < RANDOM_RUNS; n++) {
        u64 in[3];
        for (int i = 0; i < 3; i++)
            in[i] = random_operand(info->kind);
        /* For fused ops, often make c cancel most of a*b: the hard case for a single rounding.
         * c comes from the back-end's own fmul, which the fmul lines check separately. */
        if (info->nargs == 3 && (n & 1)) {
            unsigned fl = 0;
            enum fp_op mul = info->kind == 'S' ? OP_FMUL_S : OP_FMUL_D;
            in[2] = backend_run(mul, (unsigned)rng() % 5, in[0], in[1], 0, &fl);
            unsigned sign_shift = info->kind == 'S' ? 31 : 63;
            if (info->kind == 'S')
                in[2] &= 0xffffffffull;
            if (op == OP_FMADD_S || op == OP_FNMADD_S || op == OP_FMADD_D || op == OP_FNMADD_D)
                in[2] ^= 1ull << sign_shift; /* these add c to +-a*b: make it cancel */
        }
        run_all_modes(op, in);
    }
}

void gen_main(void)
{
    for (int op = 0; op < OP_COUNT; op++) {
        run_grid((enum fp_op)op);
        run_random((enum fp_op)op);
    }
    put_str("END ");
    put_dec(line_count);
    backend_putc('\n');
}
