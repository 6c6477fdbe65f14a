/* The body of the block interpreter, included by sim/interp.c once per cycle-model setting
 * (TIMED = 0: functional; TIMED = 1: every instruction also charges the cycle model), so the
 * functional loop carries no test for the model. */
#if TIMED
#define RUN_BLOCK run_block_timed
#else
#define RUN_BLOCK run_block_fast
#endif

struct block *RUN_BLOCK(struct hart *h, struct block *b)
{
    static const void *const labels[OP_COUNT] = {
#define INSN_LABEL(name, ends) [OP_##name] = &&L_##name,
        INSN_OPS(INSN_LABEL)
#undef INSN_LABEL
    };
    uint64_t *const x = h->x;
#if TIMED
    struct timing *const t = h->timing;
#endif
    uint64_t pc0;
    const struct insn *in, *first;
    uint64_t v;

#define PC  (pc0 + in->off)
#define RD  x[in->rd]
#define RS1 x[in->rs1]
#define RS2 x[in->rs2]
#define IMM ((int64_t)in->imm)
#if TIMED
#define DISPATCH()                                                                                 \
    do {                                                                                           \
        timed_issue(h, t, b, in, pc0);                                                             \
        goto *labels[in->op];                                                                      \
    } while (0)
#define TM(stmt) stmt
#else
#define DISPATCH() goto *labels[in->op]
#define TM(stmt)   ((void)0)
#endif
#define NEXT()                                                                                     \
    do {                                                                                           \
        in++;                                                                                      \
        DISPATCH();                                                                                \
    } while (0)
#if TIMED
#define SYNC_CYCLES() (h->cycle = timing_cycles(t))
#else
#define SYNC_CYCLES() ((void)0)
#endif
#if TIMED
#define RETIRE(extra)                                                                              \
    do {                                                                                           \
        h->instret += (uint64_t)(in - first) + (extra);                                            \
        h->cycle = timing_cycles(t);                                                               \
    } while (0)
#else
#define RETIRE(extra)                                                                              \
    do {                                                                                           \
        uint64_t n_ = (uint64_t)(in - first) + (extra);                                            \
        h->instret += n_;                                                                          \
        h->cycle += n_;                                                                            \
    } while (0)
#endif
/* Leave for the hart's loop after this instruction retired, with h->pc already set. */
#define RETIRE_AND_LEAVE()                                                                         \
    do {                                                                                           \
        RETIRE(1);                                                                                 \
        return NULL;                                                                               \
    } while (0)
/* This instruction retired and control goes to `target`: follow the block's link if it has one. */
#define JUMP(target)                                                                               \
    do {                                                                                           \
        h->pc = (target);                                                                          \
        RETIRE(1);                                                                                 \
        goto chain;                                                                                \
    } while (0)
#define BRANCH(cond)                                                                               \
    do {                                                                                           \
        bool taken_ = (cond);                                                                      \
        TM(timing_branch(t, PC, in->rs1, in->rs2, taken_, PC + (uint64_t)IMM));                    \
        JUMP(taken_ ? PC + (uint64_t)IMM : PC + in->len);                                          \
    } while (0)
#define LOAD(fn, conv, size)                                                                       \
    do {                                                                                           \
        uint64_t va_ = RS1 + (uint64_t)IMM;                                                        \
        if (!fn(h, va_, &v))                                                                       \
            goto exception;                                                                        \
        TM(timed_load(h, t, va_, size, in->rd, in->rs1));                                          \
        RD = (conv);                                                                               \
        NEXT();                                                                                    \
    } while (0)
#define STORE(fn)                                                                                  \
    do {                                                                                           \
        uint64_t va_ = RS1 + (uint64_t)IMM;                                                        \
        if (!fn(h, va_, RS2))                                                                      \
            goto exception;                                                                        \
        TM(timed_store(h, t, va_, in->rs1, in->rs2));                                              \
        NEXT();                                                                                    \
    } while (0)
/* Instructions that read counters or change state see an exact instret. */
#define SYNC_COUNTERS()                                                                            \
    do {                                                                                           \
        RETIRE(0);                                                                                 \
        first = in;                                                                                \
    } while (0)

enter:
    pc0 = h->pc;
    in = first = b->insns;
    DISPATCH();

/* A block boundary: interrupts, timers and I/O are looked at here, by the hart's loop. */
chain:
    if (h->irq_check || h->cycle >= h->next_event)
        return b;
    {
        const uint64_t gen = h->blocks->gen;
        const struct block_link *l = &b->next[0];
        if (l->va != h->pc || l->gen != gen) {
            l = &b->next[1];
            if (l->va != h->pc || l->gen != gen)
                return b;
        }
        b = l->to;
        goto enter;
    }

L_NOP:
L_FENCE:
    NEXT();
L_LUI:
    RD = (uint64_t)IMM;
    NEXT();
L_AUIPC:
    RD = PC + (uint64_t)IMM;
    NEXT();
L_JAL : {
    uint64_t target = PC + (uint64_t)IMM;
    TM(timing_jump(t, PC, target, PC + in->len, in->rd & 31, 0, jump_flags(in)));
    RD = PC + in->len;
    JUMP(target);
}
L_JALR : {
    uint64_t target = (RS1 + (uint64_t)IMM) & ~1ULL;
    TM(timing_jump(t, PC, target, PC + in->len, in->rd & 31, in->rs1, jump_flags(in)));
    RD = PC + in->len;
    JUMP(target);
}
L_BEQ:
    BRANCH(RS1 == RS2);
L_BNE:
    BRANCH(RS1 != RS2);
L_BLT:
    BRANCH((int64_t)RS1 < (int64_t)RS2);
L_BGE:
    BRANCH((int64_t)RS1 >= (int64_t)RS2);
L_BLTU:
    BRANCH(RS1 < RS2);
L_BGEU:
    BRANCH(RS1 >= RS2);

L_LB:
    LOAD(mem_load8, (uint64_t)(int64_t)(int8_t)v, 1);
L_LH:
    LOAD(mem_load16, (uint64_t)(int64_t)(int16_t)v, 2);
L_LW:
    LOAD(mem_load32, (uint64_t)(int64_t)(int32_t)v, 4);
L_LD:
    LOAD(mem_load64, v, 8);
L_LBU:
    LOAD(mem_load8, v, 1);
L_LHU:
    LOAD(mem_load16, v, 2);
L_LWU:
    LOAD(mem_load32, v, 4);
L_SB:
    STORE(mem_store8);
L_SH:
    STORE(mem_store16);
L_SW:
    STORE(mem_store32);
L_SD:
    STORE(mem_store64);

L_ADDI:
    RD = RS1 + (uint64_t)IMM;
    NEXT();
L_SLTI:
    RD = (int64_t)RS1 < IMM;
    NEXT();
L_SLTIU:
    RD = RS1 < (uint64_t)IMM;
    NEXT();
L_XORI:
    RD = RS1 ^ (uint64_t)IMM;
    NEXT();
L_ORI:
    RD = RS1 | (uint64_t)IMM;
    NEXT();
L_ANDI:
    RD = RS1 & (uint64_t)IMM;
    NEXT();
L_SLLI:
    RD = RS1 << IMM;
    NEXT();
L_SRLI:
    RD = RS1 >> IMM;
    NEXT();
L_SRAI:
    RD = (uint64_t)((int64_t)RS1 >> IMM);
    NEXT();
L_ADD:
    RD = RS1 + RS2;
    NEXT();
L_SUB:
    RD = RS1 - RS2;
    NEXT();
L_SLL:
    RD = RS1 << (RS2 & 63);
    NEXT();
L_SLT:
    RD = (int64_t)RS1 < (int64_t)RS2;
    NEXT();
L_SLTU:
    RD = RS1 < RS2;
    NEXT();
L_XOR:
    RD = RS1 ^ RS2;
    NEXT();
L_SRL:
    RD = RS1 >> (RS2 & 63);
    NEXT();
L_SRA:
    RD = (uint64_t)((int64_t)RS1 >> (RS2 & 63));
    NEXT();
L_OR:
    RD = RS1 | RS2;
    NEXT();
L_AND:
    RD = RS1 & RS2;
    NEXT();

#define W(e) ((uint64_t)(int64_t)(int32_t)(e))
L_ADDIW:
    RD = W((uint32_t)RS1 + (uint32_t)IMM);
    NEXT();
L_SLLIW:
    RD = W((uint32_t)RS1 << IMM);
    NEXT();
L_SRLIW:
    RD = W((uint32_t)RS1 >> IMM);
    NEXT();
L_SRAIW:
    RD = W((int32_t)RS1 >> IMM);
    NEXT();
L_ADDW:
    RD = W((uint32_t)RS1 + (uint32_t)RS2);
    NEXT();
L_SUBW:
    RD = W((uint32_t)RS1 - (uint32_t)RS2);
    NEXT();
L_SLLW:
    RD = W((uint32_t)RS1 << (RS2 & 31));
    NEXT();
L_SRLW:
    RD = W((uint32_t)RS1 >> (RS2 & 31));
    NEXT();
L_SRAW:
    RD = W((int32_t)RS1 >> (RS2 & 31));
    NEXT();

L_MUL:
    RD = RS1 * RS2;
    NEXT();
L_MULH:
    RD = (uint64_t)mulh64((int64_t)RS1, (int64_t)RS2);
    NEXT();
L_MULHSU:
    RD = (uint64_t)mulhsu64((int64_t)RS1, RS2);
    NEXT();
L_MULHU:
    RD = mulhu64(RS1, RS2);
    NEXT();
L_DIV : {
    int64_t a = (int64_t)RS1, d = (int64_t)RS2;
    RD = d == 0 ? UINT64_MAX : (a == INT64_MIN && d == -1) ? (uint64_t)a : (uint64_t)(a / d);
    NEXT();
}
L_DIVU:
    RD = RS2 == 0 ? UINT64_MAX : RS1 / RS2;
    NEXT();
L_REM : {
    int64_t a = (int64_t)RS1, d = (int64_t)RS2;
    RD = d == 0 ? (uint64_t)a : (a == INT64_MIN && d == -1) ? 0 : (uint64_t)(a % d);
    NEXT();
}
L_REMU:
    RD = RS2 == 0 ? RS1 : RS1 % RS2;
    NEXT();
L_MULW:
    RD = W((uint32_t)RS1 * (uint32_t)RS2);
    NEXT();
L_DIVW : {
    int32_t a = (int32_t)RS1, d = (int32_t)RS2;
    RD = d == 0 ? UINT64_MAX : (a == INT32_MIN && d == -1) ? W(a) : W(a / d);
    NEXT();
}
L_DIVUW : {
    uint32_t a = (uint32_t)RS1, d = (uint32_t)RS2;
    RD = d == 0 ? UINT64_MAX : W(a / d);
    NEXT();
}
L_REMW : {
    int32_t a = (int32_t)RS1, d = (int32_t)RS2;
    RD = d == 0 ? W(a) : (a == INT32_MIN && d == -1) ? 0 : W(a % d);
    NEXT();
}
L_REMUW : {
    uint32_t a = (uint32_t)RS1, d = (uint32_t)RS2;
    RD = d == 0 ? W(a) : W(a % d);
    NEXT();
}
#undef W

L_LR_W:
    if (!do_lr(h, RS1, 4, &v))
        goto exception;
    TM(timed_load(h, t, RS1, 4, in->rd, in->rs1));
    RD = v;
    NEXT();
L_LR_D:
    if (!do_lr(h, RS1, 8, &v))
        goto exception;
    TM(timed_load(h, t, RS1, 8, in->rd, in->rs1));
    RD = v;
    NEXT();
L_SC_W:
    if (!do_sc(h, RS1, 4, RS2, &v))
        goto exception;
    TM(timed_amo(h, t, RS1, in->rd, in->rs1, in->rs2));
    RD = v;
    NEXT();
L_SC_D:
    if (!do_sc(h, RS1, 8, RS2, &v))
        goto exception;
    TM(timed_amo(h, t, RS1, in->rd, in->rs1, in->rs2));
    RD = v;
    NEXT();
L_AMOSWAP_W:
L_AMOADD_W:
L_AMOXOR_W:
L_AMOAND_W:
L_AMOOR_W:
L_AMOMIN_W:
L_AMOMAX_W:
L_AMOMINU_W:
L_AMOMAXU_W:
L_AMOSWAP_D:
L_AMOADD_D:
L_AMOXOR_D:
L_AMOAND_D:
L_AMOOR_D:
L_AMOMIN_D:
L_AMOMAX_D:
L_AMOMINU_D:
L_AMOMAXU_D:
    if (!do_amo(h, in->op, RS1, RS2, &v))
        goto exception;
    TM(timed_amo(h, t, RS1, in->rd, in->rs1, in->rs2));
    RD = v;
    NEXT();

L_CSRRW:
L_CSRRS:
L_CSRRC:
    SYNC_COUNTERS();
    if (!do_csr(h, in, RS1, &v))
        goto exception;
    RD = v;
    JUMP(PC + in->len);
L_CSRRWI:
L_CSRRSI:
L_CSRRCI:
    SYNC_COUNTERS();
    if (!do_csr(h, in, in->rs1, &v))
        goto exception;
    RD = v;
    JUMP(PC + in->len);

L_ECALL:
    h->exc_cause = CAUSE_ECALL_U + h->priv;
    h->exc_tval = 0;
    goto exception;
L_EBREAK:
    h->exc_cause = CAUSE_BREAKPOINT;
    h->exc_tval = 0; /* QEMU 7.2 writes 0, which the spec allows */
    goto exception;
L_MRET:
L_SRET:
L_WFI:
L_SFENCE_VMA:
L_FENCE_I:
    SYNC_COUNTERS();
    h->pc = PC;
    if (!do_system(h, in))
        goto exception;
    RETIRE_AND_LEAVE();
L_XCALL:
L_XRET:
L_SWAPSEG:
    SYNC_COUNTERS();
    h->pc = PC;
    if (!xpc_execute(h, in))
        goto exception;
    RETIRE_AND_LEAVE();
L_FLW:
L_FLD:
L_FSW:
L_FSD:
    if (!fp_memory(h, in))
        goto exception;
    TM(timed_fp_memory(h, t, in));
    NEXT();
L_FP:
    if (!fp_execute(h, in)) {
        h->exc_cause = CAUSE_ILLEGAL_INSN;
        h->exc_tval = in->raw;
        goto exception;
    }
    NEXT();
L_ILLEGAL:
    h->exc_cause = CAUSE_ILLEGAL_INSN;
    h->exc_tval = (uint32_t)in->imm;
    goto exception;
L_END:
    h->pc = PC;
    RETIRE(0);
    goto chain;

exception:
    h->pc = PC;
    RETIRE(0);
    SYNC_CYCLES();
    hart_trap(h, h->exc_cause, h->exc_tval);
    return NULL;
#undef PC
#undef RD
#undef RS1
#undef RS2
#undef IMM
#undef DISPATCH
#undef NEXT
#undef RETIRE_AND_LEAVE
#undef RETIRE
#undef JUMP
#undef BRANCH
#undef LOAD
#undef STORE
#undef SYNC_COUNTERS
#undef SYNC_CYCLES
#undef TM
}
#undef RUN_BLOCK
