/* The operations the differential test runs, shared by the guest (RISC-V instructions) and host
 * (sim/fpu/) back-ends so that both walk the same grid in the same order.
 *
 * Columns: id, mnemonic as printed, operand count, operand kind, whether the rounding mode
 * matters (only those ops are run in all five modes).
 * Operand kinds: S/D = a single/double value (a single is NaN-boxed by fmv.w.x), I = a 64-bit
 * integer register, R = a raw 64-bit f-register pattern loaded by fmv.d.x, used to check the
 * NaN-boxing rule on single-precision instructions.
 * The last ops check the core's side: a static rounding mode in the instruction wins over frm
 * (which is set to each mode in turn), fflags accrue (preset to OF before the instruction), sign
 * injection, loads/stores of singles (flw boxes, fsw stores the low half whatever the box), and
 * an FP register write makes mstatus.FS Dirty (printed as the FS field, 3). Kind M operands are
 * rounding-mode fields 0..7 for 1 + 2^-53 (a tie): with frm = a and DYN, and as the static rm of
 * the instruction; the reserved ones (5, 6, and 7 in frm) must raise illegal-instruction, printed
 * as result (1 << 63) | mcause. */
#ifndef FP_GEN_OPS_H
#define FP_GEN_OPS_H

#define FP_OPS(X)                                                                                  \
    X(FADD_S, "fadd.s", 2, 'S', 1)                                                                 \
    X(FSUB_S, "fsub.s", 2, 'S', 1)                                                                 \
    X(FMUL_S, "fmul.s", 2, 'S', 1)                                                                 \
    X(FDIV_S, "fdiv.s", 2, 'S', 1)                                                                 \
    X(FSQRT_S, "fsqrt.s", 1, 'S', 1)                                                               \
    X(FMIN_S, "fmin.s", 2, 'S', 0)                                                                 \
    X(FMAX_S, "fmax.s", 2, 'S', 0)                                                                 \
    X(FMADD_S, "fmadd.s", 3, 'S', 1)                                                               \
    X(FMSUB_S, "fmsub.s", 3, 'S', 1)                                                               \
    X(FNMSUB_S, "fnmsub.s", 3, 'S', 1)                                                             \
    X(FNMADD_S, "fnmadd.s", 3, 'S', 1)                                                             \
    X(FEQ_S, "feq.s", 2, 'S', 0)                                                                   \
    X(FLT_S, "flt.s", 2, 'S', 0)                                                                   \
    X(FLE_S, "fle.s", 2, 'S', 0)                                                                   \
    X(FCLASS_S, "fclass.s", 1, 'S', 0)                                                             \
    X(FCVT_W_S, "fcvt.w.s", 1, 'S', 1)                                                             \
    X(FCVT_WU_S, "fcvt.wu.s", 1, 'S', 1)                                                           \
    X(FCVT_L_S, "fcvt.l.s", 1, 'S', 1)                                                             \
    X(FCVT_LU_S, "fcvt.lu.s", 1, 'S', 1)                                                           \
    X(FCVT_S_W, "fcvt.s.w", 1, 'I', 1)                                                             \
    X(FCVT_S_WU, "fcvt.s.wu", 1, 'I', 1)                                                           \
    X(FCVT_S_L, "fcvt.s.l", 1, 'I', 1)                                                             \
    X(FCVT_S_LU, "fcvt.s.lu", 1, 'I', 1)                                                           \
    X(FCVT_S_D, "fcvt.s.d", 1, 'D', 1)                                                             \
    X(FCVT_D_S, "fcvt.d.s", 1, 'S', 0)                                                             \
    X(FADD_D, "fadd.d", 2, 'D', 1)                                                                 \
    X(FSUB_D, "fsub.d", 2, 'D', 1)                                                                 \
    X(FMUL_D, "fmul.d", 2, 'D', 1)                                                                 \
    X(FDIV_D, "fdiv.d", 2, 'D', 1)                                                                 \
    X(FSQRT_D, "fsqrt.d", 1, 'D', 1)                                                               \
    X(FMIN_D, "fmin.d", 2, 'D', 0)                                                                 \
    X(FMAX_D, "fmax.d", 2, 'D', 0)                                                                 \
    X(FMADD_D, "fmadd.d", 3, 'D', 1)                                                               \
    X(FMSUB_D, "fmsub.d", 3, 'D', 1)                                                               \
    X(FNMSUB_D, "fnmsub.d", 3, 'D', 1)                                                             \
    X(FNMADD_D, "fnmadd.d", 3, 'D', 1)                                                             \
    X(FEQ_D, "feq.d", 2, 'D', 0)                                                                   \
    X(FLT_D, "flt.d", 2, 'D', 0)                                                                   \
    X(FLE_D, "fle.d", 2, 'D', 0)                                                                   \
    X(FCLASS_D, "fclass.d", 1, 'D', 0)                                                             \
    X(FCVT_W_D, "fcvt.w.d", 1, 'D', 1)                                                             \
    X(FCVT_WU_D, "fcvt.wu.d", 1, 'D', 1)                                                           \
    X(FCVT_L_D, "fcvt.l.d", 1, 'D', 1)                                                             \
    X(FCVT_LU_D, "fcvt.lu.d", 1, 'D', 1)                                                           \
    X(FCVT_D_W, "fcvt.d.w", 1, 'I', 0)                                                             \
    X(FCVT_D_WU, "fcvt.d.wu", 1, 'I', 0)                                                           \
    X(FCVT_D_L, "fcvt.d.l", 1, 'I', 1)                                                             \
    X(FCVT_D_LU, "fcvt.d.lu", 1, 'I', 1)                                                           \
    X(BOX_FADD_S, "raw:fadd.s", 2, 'R', 0)                                                         \
    X(BOX_FMADD_S, "raw:fmadd.s", 3, 'R', 0)                                                       \
    X(BOX_FSGNJ_S, "raw:fsgnj.s", 2, 'R', 0)                                                       \
    X(BOX_FSGNJN_S, "raw:fsgnjn.s", 2, 'R', 0)                                                     \
    X(BOX_FEQ_S, "raw:feq.s", 2, 'R', 0)                                                           \
    X(BOX_FCLASS_S, "raw:fclass.s", 1, 'R', 0)                                                     \
    X(BOX_FCVT_D_S, "raw:fcvt.d.s", 1, 'R', 0)                                                     \
    X(BOX_FMV_X_W, "raw:fmv.x.w", 1, 'R', 0)                                                       \
    X(BOX_FMV_W_X, "fmv.w.x+fmv.x.d", 1, 'I', 0)                                                   \
    X(FADD_D_RTZ, "fadd.d,rtz", 2, 'D', 1)                                                         \
    X(FMUL_S_RUP, "fmul.s,rup", 2, 'S', 1)                                                         \
    X(FMADD_D_RDN, "fmadd.d,rdn", 3, 'D', 1)                                                       \
    X(FDIV_D_ACCRUE, "accrue:fdiv.d", 2, 'D', 0)                                                   \
    X(FSGNJ_D, "fsgnj.d", 2, 'D', 0)                                                               \
    X(FSGNJN_D, "fsgnjn.d", 2, 'D', 0)                                                             \
    X(FSGNJX_D, "fsgnjx.d", 2, 'D', 0)                                                             \
    X(BOX_FSGNJX_S, "raw:fsgnjx.s", 2, 'R', 0)                                                     \
    X(BOX_FMIN_S, "raw:fmin.s", 2, 'R', 0)                                                         \
    X(BOX_FSW, "raw:fsw", 1, 'R', 0)                                                               \
    X(BOX_FLW, "flw+fmv.x.d", 1, 'I', 0)                                                           \
    X(FS_DIRTY, "mstatus.FS-after-fadd.s", 1, 'I', 0)                                              \
    X(RM_DYN, "frm=a:fadd.d,dyn", 1, 'M', 0)                                                       \
    X(RM_STATIC, "fadd.d,rm=a", 1, 'M', 0)

enum fp_op {
#define FP_OP_ENUM(id, name, nargs, kind, rounds) OP_##id,
    FP_OPS(FP_OP_ENUM)
#undef FP_OP_ENUM
        OP_COUNT
};

/* Run one operation: operands as 64-bit register patterns, result as the 64-bit register the
 * instruction writes (f register via fmv.x.d, x register as is), fflags accrued by it alone. */
unsigned long long backend_run(enum fp_op op, unsigned rm, unsigned long long a,
                               unsigned long long b, unsigned long long c, unsigned *fflags);

void backend_putc(char ch);

/* The shared driver: prints every line of the test. */
void gen_main(void);

#endif
