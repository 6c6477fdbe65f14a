/* cycle, time and instret: M reads its mcycle/minstret and the user counters freely; S reads the
 * user counters only where mcounteren allows, U only where mcounteren and scounteren both allow,
 * else illegal instruction. Counter values are never printed (they differ run to run); only that
 * they move forward. */
#include "test.h"

#define CY 0
#define TM 1
#define IR 2

static uint64_t read_counter(int which)
{
    uint64_t v = 0;
    switch (which) {
    case CY: asm volatile("rdcycle %0" : "=r"(v)); break;
    case TM: asm volatile("rdtime %0" : "=r"(v)); break;
    case IR: asm volatile("rdinstret %0" : "=r"(v)); break;
    }
    return v;
}

static const char *const names[] = {"cycle", "time", "instret"};

/* Reads the counter twice with work in between: 1 if it was readable and did not go back. */
static void expect_readable(const char *mode, int which)
{
    trap_arm();
    uint64_t a = read_counter(which);
    for (volatile int i = 0; i < 50; i++)
        ;
    uint64_t b = read_counter(which);
    trap_disarm();
    print_str(mode);
    print_char(' ');
    check(names[which], trap_m.count == 0 && b >= a, 1);
}

static void expect_illegal(const char *mode, int which)
{
    trap_arm();
    read_counter(which);
    print_str(mode);
    print_char(' ');
    check_illegal(names[which], &trap_m);
}

int main(void)
{
    uint64_t a = csr_read(minstret);
    uint64_t b = csr_read(minstret);
    check("minstret counts forward", b > a, 1);
    a = csr_read(mcycle);
    for (volatile int i = 0; i < 50; i++)
        ;
    b = csr_read(mcycle);
    check("mcycle does not go back", b >= a, 1);
    for (int c = 0; c < 3; c++)
        expect_readable("M", c);
    /* the time counter follows the CLINT's mtime */
    uint64_t t0 = *CLINT_MTIME, t = read_counter(TM), t1 = *CLINT_MTIME;
    check("time lies between two mtime reads", t0 <= t && t <= t1, 1);

    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    m_enter(PRIV_S);
    for (int c = 0; c < 3; c++)
        expect_illegal("S, mcounteren=0:", c);
    raise_priv();
    csr_write(mcounteren, 1 << TM);
    m_enter(PRIV_S);
    expect_readable("S, mcounteren=TM:", TM);
    expect_illegal("S, mcounteren=TM:", CY);
    expect_illegal("S, mcounteren=TM:", IR);
    raise_priv();
    csr_write(mcounteren, 7);
    m_enter(PRIV_U);
    for (int c = 0; c < 3; c++)
        expect_illegal("U, mcounteren=7 scounteren=0:", c);
    raise_priv();
    csr_write(scounteren, 1 << IR);
    m_enter(PRIV_U);
    expect_readable("U, mcounteren=7 scounteren=IR:", IR);
    expect_illegal("U, mcounteren=7 scounteren=IR:", CY);
    raise_priv();
    csr_write(mcounteren, 1 << CY);
    csr_write(scounteren, 7);
    m_enter(PRIV_U);
    expect_readable("U, mcounteren=CY scounteren=7:", CY);
    expect_illegal("U, mcounteren=CY scounteren=7:", TM);
    raise_priv();
    /* the user counter CSRs are read-only, even to M (which writes mcycle instead) */
    trap_arm();
    asm volatile("csrw cycle, zero");
    check_illegal("csrw cycle in M", &trap_m);
    return 0;
}
