/* Which CSR numbers exist, from M and from S: every number 0x000-0xfff is read once and the ranges
 * that do not trap are printed. Compared between the machines, this is what makes "is this CSR
 * legal" agree (QEMU's -cpu options in run-tests.sh trim its extras); the self-check is that
 * every CSR RV64 M/S/U with Zicsr and these tests rely on is there, and that S reaches no M CSR.
 * Skipped: the XPC extension's CSRs (include/xpc/isa.h; QEMU has no XPC engine and tests/xpc
 * covers them), and the PMP CSRs past entry 15, which the spec makes read-only zero but QEMU 7.2
 * lacks (xpcsim_spec checks them on xpcsim). */
#include "test.h"
#include "xpc/isa.h"

/* csrr a0, csr ; ret for every CSR number, written once: one fence.i instead of 4096 */
static uint32_t probes[4096][2] __attribute__((aligned(8)));
static uint8_t exists[2][4096 / 8];

static int skipped(unsigned csr)
{
    int xpc = (csr >= XPC_CSR_XTBL && csr <= XPC_CSR_SXCALLER) || csr == XPC_CSR_XSEGMASK ||
              csr == XPC_CSR_XCALLER || (csr >= XPC_CSR_USEGVA && csr <= XPC_CSR_USEGLEN);
    int pmp_past_16 = (csr >= 0x3a4 && csr <= 0x3af) || (csr >= 0x3c0 && csr <= 0x3ef);
    return xpc || pmp_past_16;
}

static void write_probes(void)
{
    for (unsigned csr = 0; csr < 4096; csr++) {
        probes[csr][0] = 0x00002573u | (uint32_t)csr << 20;
        probes[csr][1] = 0x00008067u;
    }
    asm volatile("fence.i" ::: "memory");
}

/* The CSR number is an immediate of the instruction, hence code generated per number. */
static int readable(unsigned csr)
{
    trap_arm();
    asm volatile("jalr ra, 0(%0)" ::"r"(probes[csr]) : "ra", "a0", "memory");
    trap_disarm();
    return trap_m.count == 0;
}

static int has(int mode, unsigned csr)
{
    return exists[mode][csr / 8] >> (csr % 8) & 1;
}

/* S only tries what M can read: M may access every CSR a lower mode can. */
static void sweep(int mode)
{
    for (unsigned csr = 0; csr < 4096; csr++)
        if (!skipped(csr) && (mode == 0 || has(0, csr)) && readable(csr))
            exists[mode][csr / 8] |= (uint8_t)(1u << (csr % 8));
}

static void print_ranges(const char *title, int mode)
{
    print_str(title);
    print_char('\n');
    for (unsigned csr = 0; csr < 4096; csr++) {
        if (!has(mode, csr) || (csr > 0 && has(mode, csr - 1)))
            continue;
        unsigned end = csr;
        while (end + 1 < 4096 && has(mode, end + 1))
            end++;
        print_str("  ");
        print_hex(csr);
        if (end != csr) {
            print_str(" - ");
            print_hex(end);
        }
        print_char('\n');
    }
}

static const uint16_t required[] = {
    0x001, 0x002, 0x003, /* fflags, frm, fcsr: F is present (they trap only with FS=Off) */
    0x100, 0x104, 0x105, 0x106, 0x140, 0x141, 0x142, 0x143, 0x144, 0x180,               /* S */
    0x300, 0x301, 0x302, 0x303, 0x304, 0x305, 0x306, 0x340, 0x341, 0x342, 0x343, 0x344, /* M */
    0x3a0, 0x3b0,                                                  /* pmpcfg0, pmpaddr0 */
    0xb00, 0xb02, 0xc00, 0xc01, 0xc02, 0xf11, 0xf12, 0xf13, 0xf14, /* counters, IDs */
};

int main(void)
{
    write_probes();
    csr_set(mstatus, 1ULL << 13); /* FS = Initial: FP CSRs exist */
    sweep(0);
    csr_write(mcounteren, ~0ULL);
    m_enter(PRIV_S);
    sweep(1);
    raise_priv();
    csr_write(mcounteren, 0);
    csr_clear(mstatus, 3ULL << 13);

    print_ranges("readable in M:", 0);
    print_ranges("readable in S (mcounteren all ones):", 1);
    for (unsigned i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (!has(0, required[i])) {
            print_str("missing ");
            check("CSR", required[i], ~0ULL);
        }
    }
    unsigned m_in_s = 0;
    for (unsigned csr = 0x300; csr < 0x1000; csr++)
        if ((csr >> 8 & 3) == 3 && has(1, csr))
            m_in_s++;
    check("M-level CSRs (bits 9:8 = 3) readable from S", m_in_s, 0);
    return 0;
}
