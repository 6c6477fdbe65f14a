/* Guest back-end: each operation is the real RISC-V instruction, run on QEMU or xpcsim.
 *
 * Operands reach the f registers through fmv.w.x (which NaN-boxes a single) or fmv.d.x (raw
 * 64 bits); results leave through fmv.x.d so the printed value shows the box too. frm is set and
 * fflags cleared right before the instruction, which uses the dynamic rounding mode. */
#include "ops.h"

#define UART_THR      ((volatile unsigned char *)0x10000000)
#define UART_LSR      ((volatile unsigned char *)0x10000005)
#define UART_LSR_THRE 0x20

void backend_putc(char ch)
{
    while (!(*UART_LSR & UART_LSR_THRE))
        ;
    *UART_THR = (unsigned char)ch;
}

#define LD_S "fmv.w.x"
#define LD_D "fmv.d.x"
#define TO_X "fmv.x.d %[r], ft3"

#define RUN(ld, insn, out)                                                                         \
    __asm__ volatile(ld " ft0, %[a]\n\t" ld " ft1, %[b]\n\t" ld " ft2, %[c]\n\t"                   \
                        "csrw frm, %[rm]\n\t"                                                      \
                        "csrw fflags, zero\n\t" insn "\n\t" out "\n\t"                             \
                        "csrr %[fl], fflags"                                                       \
                     : [r] "=&r"(r), [fl] "=&r"(fl)                                                \
                     : [a] "r"(a), [b] "r"(b), [c] "r"(c), [rm] "r"(rm)                            \
                     : "ft0", "ft1", "ft2", "ft3", "memory")

#define RUN_ACCRUE(ld, insn, out)                                                                  \
    __asm__ volatile(ld " ft0, %[a]\n\t" ld " ft1, %[b]\n\t"                                       \
                        "csrw frm, %[rm]\n\t"                                                      \
                        "csrwi fflags, 4\n\t" insn "\n\t" out "\n\t"                               \
                        "csrr %[fl], fflags"                                                       \
                     : [r] "=&r"(r), [fl] "=&r"(fl)                                                \
                     : [a] "r"(a), [b] "r"(b), [rm] "r"(rm)                                        \
                     : "ft0", "ft1", "ft3", "memory")

/* For instructions that may raise illegal-instruction: skip_trap (crt.S) records mcause in
 * trap_cause and resumes after the instruction, clobbering only t0/t1. */
volatile unsigned long long trap_cause;

#define RUN_TRAPPING(insn)                                                                         \
    __asm__ volatile("la t0, skip_trap\n\t"                                                        \
                     "csrrw %[old], mtvec, t0\n\t"                                                 \
                     "fmv.d.x ft0, %[a]\n\t"                                                       \
                     "fmv.d.x ft1, %[b]\n\t"                                                       \
                     "csrw frm, %[rm]\n\t"                                                         \
                     "csrw fflags, zero\n\t" insn "\n\t"                                           \
                     "fmv.x.d %[r], ft3\n\t"                                                       \
                     "csrr %[fl], fflags\n\t"                                                      \
                     "csrw mtvec, %[old]"                                                          \
                     : [r] "=&r"(r), [fl] "=&r"(fl), [old] "=&r"(old)                              \
                     : [a] "r"(one), [b] "r"(tie), [rm] "r"(frm)                                   \
                     : "t0", "t1", "ft0", "ft1", "ft3", "memory")

/* 1 + 2^-53: exactly halfway between 1 and its successor, so every mode gives a visible answer. */
static unsigned long long run_rm(int dyn, unsigned long long mode, unsigned *fflags)
{
    unsigned long long r = 0, fl = 0, old;
    unsigned long long one = 0x3ff0000000000000ull, tie = 0x3ca0000000000000ull;
    unsigned long long frm = dyn ? mode : 0;
    trap_cause = 0;
    if (dyn) {
        RUN_TRAPPING("fadd.d ft3, ft0, ft1, dyn");
    } else {
        switch (mode) { /* fadd.d = OP-FP (0x53), funct7 1, funct3 = rm */
        case 0: RUN_TRAPPING(".insn r 0x53, 0, 1, ft3, ft0, ft1"); break;
        case 1: RUN_TRAPPING(".insn r 0x53, 1, 1, ft3, ft0, ft1"); break;
        case 2: RUN_TRAPPING(".insn r 0x53, 2, 1, ft3, ft0, ft1"); break;
        case 3: RUN_TRAPPING(".insn r 0x53, 3, 1, ft3, ft0, ft1"); break;
        case 4: RUN_TRAPPING(".insn r 0x53, 4, 1, ft3, ft0, ft1"); break;
        case 5: RUN_TRAPPING(".insn r 0x53, 5, 1, ft3, ft0, ft1"); break;
        case 6: RUN_TRAPPING(".insn r 0x53, 6, 1, ft3, ft0, ft1"); break;
        default: RUN_TRAPPING(".insn r 0x53, 7, 1, ft3, ft0, ft1"); break;
        }
    }
    *fflags = (unsigned)fl;
    return trap_cause ? (1ull << 63) | trap_cause : r;
}

#define F3(ld, m)  RUN(ld, m " ft3, ft0, ft1", TO_X)
#define F2(ld, m)  RUN(ld, m " ft3, ft0", TO_X)
#define F4(ld, m)  RUN(ld, m " ft3, ft0, ft1, ft2", TO_X)
#define XF2(ld, m) RUN(ld, m " %[r], ft0, ft1", "")
#define XF1(ld, m) RUN(ld, m " %[r], ft0", "")
#define FX1(m)     RUN(LD_D, m " ft3, %[a]", TO_X)

unsigned long long backend_run(enum fp_op op, unsigned rm, unsigned long long a,
                               unsigned long long b, unsigned long long c, unsigned *fflags)
{
    unsigned long long r = 0, fl = 0;
    switch (op) {
    case OP_FADD_S: F3(LD_S, "fadd.s"); break;
    case OP_FSUB_S: F3(LD_S, "fsub.s"); break;
    case OP_FMUL_S: F3(LD_S, "fmul.s"); break;
    case OP_FDIV_S: F3(LD_S, "fdiv.s"); break;
    case OP_FSQRT_S: F2(LD_S, "fsqrt.s"); break;
    case OP_FMIN_S: F3(LD_S, "fmin.s"); break;
    case OP_FMAX_S: F3(LD_S, "fmax.s"); break;
    case OP_FMADD_S: F4(LD_S, "fmadd.s"); break;
    case OP_FMSUB_S: F4(LD_S, "fmsub.s"); break;
    case OP_FNMSUB_S: F4(LD_S, "fnmsub.s"); break;
    case OP_FNMADD_S: F4(LD_S, "fnmadd.s"); break;
    case OP_FEQ_S: XF2(LD_S, "feq.s"); break;
    case OP_FLT_S: XF2(LD_S, "flt.s"); break;
    case OP_FLE_S: XF2(LD_S, "fle.s"); break;
    case OP_FCLASS_S: XF1(LD_S, "fclass.s"); break;
    case OP_FCVT_W_S: XF1(LD_S, "fcvt.w.s"); break;
    case OP_FCVT_WU_S: XF1(LD_S, "fcvt.wu.s"); break;
    case OP_FCVT_L_S: XF1(LD_S, "fcvt.l.s"); break;
    case OP_FCVT_LU_S: XF1(LD_S, "fcvt.lu.s"); break;
    case OP_FCVT_S_W: FX1("fcvt.s.w"); break;
    case OP_FCVT_S_WU: FX1("fcvt.s.wu"); break;
    case OP_FCVT_S_L: FX1("fcvt.s.l"); break;
    case OP_FCVT_S_LU: FX1("fcvt.s.lu"); break;
    case OP_FCVT_S_D: F2(LD_D, "fcvt.s.d"); break;
    case OP_FCVT_D_S: F2(LD_S, "fcvt.d.s"); break;
    case OP_FADD_D: F3(LD_D, "fadd.d"); break;
    case OP_FSUB_D: F3(LD_D, "fsub.d"); break;
    case OP_FMUL_D: F3(LD_D, "fmul.d"); break;
    case OP_FDIV_D: F3(LD_D, "fdiv.d"); break;
    case OP_FSQRT_D: F2(LD_D, "fsqrt.d"); break;
    case OP_FMIN_D: F3(LD_D, "fmin.d"); break;
    case OP_FMAX_D: F3(LD_D, "fmax.d"); break;
    case OP_FMADD_D: F4(LD_D, "fmadd.d"); break;
    case OP_FMSUB_D: F4(LD_D, "fmsub.d"); break;
    case OP_FNMSUB_D: F4(LD_D, "fnmsub.d"); break;
    case OP_FNMADD_D: F4(LD_D, "fnmadd.d"); break;
    case OP_FEQ_D: XF2(LD_D, "feq.d"); break;
    case OP_FLT_D: XF2(LD_D, "flt.d"); break;
    case OP_FLE_D: XF2(LD_D, "fle.d"); break;
    case OP_FCLASS_D: XF1(LD_D, "fclass.d"); break;
    case OP_FCVT_W_D: XF1(LD_D, "fcvt.w.d"); break;
    case OP_FCVT_WU_D: XF1(LD_D, "fcvt.wu.d"); break;
    case OP_FCVT_L_D: XF1(LD_D, "fcvt.l.d"); break;
    case OP_FCVT_LU_D: XF1(LD_D, "fcvt.lu.d"); break;
    case OP_FCVT_D_W: FX1("fcvt.d.w"); break;
    case OP_FCVT_D_WU: FX1("fcvt.d.wu"); break;
    case OP_FCVT_D_L: FX1("fcvt.d.l"); break;
    case OP_FCVT_D_LU: FX1("fcvt.d.lu"); break;
    case OP_BOX_FADD_S: F3(LD_D, "fadd.s"); break;
    case OP_BOX_FMADD_S: F4(LD_D, "fmadd.s"); break;
    case OP_BOX_FSGNJ_S: F3(LD_D, "fsgnj.s"); break;
    case OP_BOX_FSGNJN_S: F3(LD_D, "fsgnjn.s"); break;
    case OP_BOX_FEQ_S: XF2(LD_D, "feq.s"); break;
    case OP_BOX_FCLASS_S: XF1(LD_D, "fclass.s"); break;
    case OP_BOX_FCVT_D_S: F2(LD_D, "fcvt.d.s"); break;
    case OP_BOX_FMV_X_W: XF1(LD_D, "fmv.x.w"); break;
    case OP_BOX_FMV_W_X: RUN(LD_S, "", "fmv.x.d %[r], ft0"); break;
    case OP_FADD_D_RTZ: RUN(LD_D, "fadd.d ft3, ft0, ft1, rtz", TO_X); break;
    case OP_FMUL_S_RUP: RUN(LD_S, "fmul.s ft3, ft0, ft1, rup", TO_X); break;
    case OP_FMADD_D_RDN: RUN(LD_D, "fmadd.d ft3, ft0, ft1, ft2, rdn", TO_X); break;
    case OP_FDIV_D_ACCRUE: RUN_ACCRUE(LD_D, "fdiv.d ft3, ft0, ft1", TO_X); break;
    case OP_FSGNJ_D: F3(LD_D, "fsgnj.d"); break;
    case OP_FSGNJN_D: F3(LD_D, "fsgnjn.d"); break;
    case OP_FSGNJX_D: F3(LD_D, "fsgnjx.d"); break;
    case OP_BOX_FSGNJX_S: F3(LD_D, "fsgnjx.s"); break;
    case OP_BOX_FMIN_S: F3(LD_D, "fmin.s"); break;
    case OP_BOX_FSW: {
        unsigned word = 0;
        __asm__ volatile("fmv.d.x ft0, %[a]\n\tfsw ft0, %[m]"
                         : [m] "=m"(word)
                         : [a] "r"(a)
                         : "ft0");
        r = word;
        break;
    }
    case OP_BOX_FLW: {
        unsigned word = (unsigned)a;
        __asm__ volatile("flw ft0, %[m]\n\tfmv.x.d %[r], ft0"
                         : [r] "=r"(r)
                         : [m] "m"(word)
                         : "ft0");
        break;
    }
    case OP_RM_DYN: return run_rm(1, a, fflags);
    case OP_RM_STATIC: return run_rm(0, a, fflags);
    case OP_FS_DIRTY: {
        /* FS = Initial, then one FP register write, then read FS back. */
        __asm__ volatile("li t0, 0x6000\n\tcsrc mstatus, t0\n\t"
                         "li t0, 0x2000\n\tcsrs mstatus, t0\n\t"
                         "fmv.w.x ft0, %[a]\n\t"
                         "csrr %[r], mstatus"
                         : [r] "=r"(r)
                         : [a] "r"(a)
                         : "t0", "ft0");
        r = (r >> 13) & 3;
        break;
    }
    default: break;
    }
    *fflags = (unsigned)fl;
    return r;
}

/* Called by crt.S with mstatus.FS already set. */
int main(void)
{
    gen_main();
    return 0;
}
