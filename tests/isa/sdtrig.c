/* Sdtrig (debug specification 1.0): tselect selects among the triggers, tdata1/tdata2 arm an
 * address-match trigger (mcontrol, type 2) on execute, load or store in chosen modes, and a match
 * raises a breakpoint exception (cause 3) before the instruction or access takes effect, with
 * the matched address in tval (or 0: the privileged spec allows either, QEMU 7.2 writes 0, xpcsim
 * the address, which tests/unit/test_trigger.c asserts). */
#include "test.h"

#define CSR_TSELECT 0x7a0
#define CSR_TDATA1  0x7a1
#define CSR_TDATA2  0x7a2
#define CSR_TINFO   0x7a4

#define MCONTROL (2ULL << 60)
#define MODE_M   (1ULL << 6)
#define MODE_S   (1ULL << 4)
#define MODE_U   (1ULL << 3)
#define EXECUTE  (1ULL << 2)
#define STORE    (1ULL << 1)
#define LOAD     (1ULL << 0)

static volatile uint64_t watched[4] = {10, 11, 12, 13};

/* A function whose first instruction is the execute trigger's target; the trap handler skips
 * that instruction, so a fired trigger shows as a result one smaller. */
uint64_t plus_two(uint64_t v);
asm(".globl plus_two\n"
    "plus_two:\n"
    "  addi a0, a0, 1\n"
    "  addi a0, a0, 1\n"
    "  ret\n");

/* One breakpoint exception taken in M, its tval the trigger's address or 0. */
static void check_fired(const char *what, uint64_t addr)
{
    uint64_t count = trap_m.count, cause = trap_m.cause, tval = trap_m.tval;
    trap_disarm();
    print_str(what);
    print_char('\n');
    check("  traps", count, 1);
    check("  cause", cause, CAUSE_BREAKPOINT);
    check("  tval is the address or 0", tval == addr || tval == 0, 1);
}

static void arm(unsigned index, uint64_t tdata1, uint64_t addr)
{
    csr_write(CSR_TSELECT, index);
    csr_write(CSR_TDATA1, MCONTROL); /* off while tdata2 changes */
    csr_write(CSR_TDATA2, addr);
    csr_write(CSR_TDATA1, tdata1);
}

static uint64_t (*volatile call_target)(uint64_t) = plus_two;

static void execute_in(int priv, const char *what, uint64_t expected_traps)
{
    uint64_t r;
    trap_arm();
    if (priv != PRIV_M)
        m_enter(priv);
    r = call_target(5);
    trap_disarm();
    if (priv != PRIV_M)
        raise_priv();
    if (expected_traps)
        check_fired(what, (uint64_t)plus_two);
    else
        check_no_trap(what);
    check("  result", r, expected_traps ? 6 : 7);
}

int main(void)
{
    csr_write(CSR_TSELECT, 1);
    check("tselect selects trigger 1", csr_read(CSR_TSELECT), 1);
    csr_write(CSR_TSELECT, 0);
    check("tselect selects trigger 0", csr_read(CSR_TSELECT), 0);
    check("tdata1 at reset: mcontrol, disarmed", csr_read(CSR_TDATA1), MCONTROL);
    check("tinfo: mcontrol and mcontrol6", csr_read(CSR_TINFO), (1 << 2) | (1 << 6));
    csr_write(CSR_TDATA2, 0x1234);
    check("tdata2 holds an address", csr_read(CSR_TDATA2), 0x1234);

    /* execute, in the modes its bits name */
    arm(0, MCONTROL | MODE_M | EXECUTE, (uint64_t)plus_two);
    check("tdata1 keeps the mode and match bits", csr_read(CSR_TDATA1),
          MCONTROL | MODE_M | EXECUTE);
    execute_in(PRIV_M, "execute trigger, M", 1);
    execute_in(PRIV_S, "execute trigger for M only, run in S", 0);
    arm(0, MCONTROL | MODE_S | EXECUTE, (uint64_t)plus_two);
    execute_in(PRIV_S, "execute trigger, S", 1);
    execute_in(PRIV_U, "execute trigger for S only, run in U", 0);
    arm(0, MCONTROL | MODE_U | EXECUTE, (uint64_t)plus_two);
    execute_in(PRIV_U, "execute trigger, U", 1);
    execute_in(PRIV_M, "execute trigger for U only, run in M", 0);
    arm(0, MCONTROL, 0);
    execute_in(PRIV_M, "disarmed", 0);

    /* a load trigger on watched[1], a store trigger on watched[2], at once */
    arm(0, MCONTROL | MODE_M | LOAD, (uint64_t)&watched[1]);
    arm(1, MCONTROL | MODE_M | STORE, (uint64_t)&watched[2]);
    uint64_t v = 0;
    trap_arm();
    v = watched[0];
    check_no_trap("load of a neighbour");
    check("  value", v, 10);
    trap_arm();
    v = watched[1];
    check_fired("load trigger", (uint64_t)&watched[1]);
    trap_arm();
    watched[1] = 21;
    check_no_trap("store to the load trigger's address");
    trap_arm();
    watched[2] = 22;
    check_fired("store trigger", (uint64_t)&watched[2]);
    check("  the store did not happen", watched[2], 12);
    trap_arm();
    watched[3] = 23;
    check_no_trap("store to a neighbour");

    arm(0, MCONTROL, 0);
    check("the store to the load trigger's address happened", watched[1], 21);

    /* a store trigger for U only: S does not fire it, U does */
    arm(1, MCONTROL | MODE_U | STORE, (uint64_t)&watched[3]);
    trap_arm();
    m_enter(PRIV_S);
    watched[3] = 33;
    raise_priv();
    check_no_trap("store trigger for U only, stored in S");
    trap_arm();
    m_enter(PRIV_U);
    watched[3] = 43;
    trap_disarm();
    raise_priv();
    check_fired("store trigger, U", (uint64_t)&watched[3]);
    check("  the value S stored", watched[3], 33);
    arm(1, MCONTROL, 0);
    return 0;
}
