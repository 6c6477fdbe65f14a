/* The XPC ISA extension as this project implements it: every value of design brief section 3.
 *
 * The machine (sim/xpc), the kernel and user space all include this header, so an encoding, a
 * CSR number or a structure layout can never disagree between them. It is usable from host C,
 * guest C and guest assembly: constants are plain numbers (XPC_U64 adds the C suffix only in C),
 * and the C-only helpers sit behind #ifndef __ASSEMBLER__. docs/xpc-isa.md is the prose. */
#ifndef XPC_ISA_H
#define XPC_ISA_H

#ifdef __ASSEMBLER__
#define XPC_U64(x) x
#else
#define XPC_U64(x) x##ULL
#endif

/* ---- Instructions: custom-0, R-type, funct3 = 0 ---- */
#define XPC_OPCODE         0x0B
#define XPC_FUNCT3         0
#define XPC_FUNCT7_XCALL   0 /* xcall rs1: call x-entry rs1; rs1 < 0 prefetches entry ~rs1 */
#define XPC_FUNCT7_XRET    1 /* xret: return to the record on top of the link stack */
#define XPC_FUNCT7_SWAPSEG 2 /* swapseg rs1: exchange the active segment with seg-list[rs1] */
/* The fields an XPC instruction does not use (rd, rs2, and rs1 of xret) are reserved and must
 * be x0: anything else is illegal-instruction, so later extensions can give them meaning. */

/* Assembly (.S files, after the C preprocessor): XPC_S_XCALL(a0) etc. */
#define XPC_S_XCALL(rs1)   .insn r 0x0b, 0, 0, x0, rs1, x0
#define XPC_S_XRET         .insn r 0x0b, 0, 1, x0, x0, x0
#define XPC_S_SWAPSEG(rs1) .insn r 0x0b, 0, 2, x0, rs1, x0

/* C inline assembly: asm volatile(XPC_ASM_XCALL("%0") :: "r"(id) : "memory"). */
#define XPC_ASM_XCALL(reg)   ".insn r 0x0b, 0, 0, x0, " reg ", x0"
#define XPC_ASM_XRET         ".insn r 0x0b, 0, 1, x0, x0, x0"
#define XPC_ASM_SWAPSEG(reg) ".insn r 0x0b, 0, 2, x0, " reg ", x0"

/* Machine code (C only: for decoders, emulators and tests): the 32-bit word of each instruction
 * with rs1 = register number `rs1`. */
#define XPC_ENCODE(funct7, rs1)                                                                    \
    (((unsigned)(funct7) << 25) | ((unsigned)(rs1) << 15) | (XPC_FUNCT3 << 12) | XPC_OPCODE)
#define XPC_ENCODE_XCALL(rs1)   XPC_ENCODE(XPC_FUNCT7_XCALL, rs1)
#define XPC_ENCODE_XRET         XPC_ENCODE(XPC_FUNCT7_XRET, 0)
#define XPC_ENCODE_SWAPSEG(rs1) XPC_ENCODE(XPC_FUNCT7_SWAPSEG, rs1)

/* ---- CSRs ---- */
#define XPC_CSR_XTBL       0x5C0 /* S RW: x-entry table base (physical) */
#define XPC_CSR_XTBLSZ     0x5C1 /* S RW: number of x-entries */
#define XPC_CSR_XCAP       0x5C2 /* S RW: xcall-cap bitmap base; the thread's caller identity */
#define XPC_CSR_XLINK      0x5C3 /* S RW: link stack top (next free record) */
#define XPC_CSR_XLINKLIM   0x5C4 /* S RW: link stack limit (first address past it) */
#define XPC_CSR_XSEGLIST   0x5C5 /* S RW: seg-list base */
#define XPC_CSR_XSEGLISTSZ 0x5C6 /* S RW: seg-list entry count */
#define XPC_CSR_XCTL       0x5C7 /* S RW: control, XPC_XCTL_* */
#define XPC_CSR_XSEGVA     0x5C8 /* S RW: active relay segment, virtual base */
#define XPC_CSR_XSEGPA     0x5C9 /* S RW: active relay segment, physical base */
#define XPC_CSR_XSEGLEN    0x5CA /* S RW: active relay segment, length | permission */
/* Not in the brief: the S-mode read-write alias of xcaller. xcaller is per-thread state (the
 * identity of the thread's current caller), so a kernel switching threads must be able to
 * restore it, and 0xCC0 is read-only by its number. Same register, WARL bits 63:3. */
#define XPC_CSR_SXCALLER 0x5CB
#define XPC_CSR_XSEGMASK 0x8C0 /* U RW: seg-mask applied by the next xcall */
#define XPC_CSR_XCALLER  0xCC0 /* U RO: the caller's xcap (0 at top level) */
#define XPC_CSR_USEGVA   0xCC8 /* U RO: view of xsegva */
#define XPC_CSR_USEGPA   0xCC9 /* U RO: view of xsegpa; reads 0 in U-mode (no PA leaks) */
#define XPC_CSR_USEGLEN  0xCCA /* U RO: view of xseglen */

/* xctl. With ENABLE clear the three instructions raise illegal-instruction and so do U-mode
 * accesses to the U-mode XPC CSRs, so that a kernel can emulate the whole extension exactly as
 * on a core without it. FLUSH is an action: writing 1 empties the engine cache; it reads 0.
 * NONBLOCK_LINK reads 0 on a machine configured without the non-blocking link stack. */
#define XPC_XCTL_ENABLE        XPC_U64(0x1)
#define XPC_XCTL_NONBLOCK_LINK XPC_U64(0x2)
#define XPC_XCTL_FLUSH         XPC_U64(0x4)

/* WARL masks: the bits each CSR keeps (others read 0). Engine structures are read with 64-bit
 * words, so their bases are 8-byte aligned; xcap's low bits must be clear because a linkage
 * record keeps the caller identity with a valid flag in bit 0. */
#define XPC_ALIGN8_MASK     XPC_U64(0xFFFFFFFFFFFFFFF8)
#define XPC_XSEGLIST_MASK   XPC_U64(0x0000FFFFFFFFFFF8) /* bits 47:3 */
#define XPC_XSEGLISTSZ_MASK XPC_U64(0xFFFF)             /* fits the 16-bit count field */
#define XPC_XCTL_MASK       XPC_U64(0x3)

/* ---- Relay segment: xseglen and the third word of every segment in memory ---- */
#define XPC_SEG_LEN_MASK  XPC_U64(0x0000FFFFFFFFFFFF) /* bits 47:0, length in bytes, 0 = none */
#define XPC_SEG_PERM_R    XPC_U64(0x4000000000000000) /* bit 62 */
#define XPC_SEG_PERM_W    XPC_U64(0x8000000000000000) /* bit 63 */
#define XPC_SEG_PERM_MASK (XPC_SEG_PERM_R | XPC_SEG_PERM_W)
#define XPC_SEGLEN_MASK   (XPC_SEG_LEN_MASK | XPC_SEG_PERM_MASK)

/* xsegmask: offset bits 31:0, length bits 63:32; 0 = pass the whole segment. */
#define XPC_SEGMASK_OFF_MASK  XPC_U64(0xFFFFFFFF)
#define XPC_SEGMASK_LEN_SHIFT 32
#define XPC_SEGMASK(off, len) ((((len)&XPC_U64(0xFFFFFFFF)) << 32) | ((off)&XPC_U64(0xFFFFFFFF)))

/* ---- x-entry: 32 bytes at xtbl + 32 * id ---- */
#define XPC_XENTRY_SIZE         32
#define XPC_XENTRY_SHIFT        5
#define XPC_XENTRY_PC           0 /* byte offsets of the four words */
#define XPC_XENTRY_SATP         8
#define XPC_XENTRY_XCAP         16
#define XPC_XENTRY_SEGLIST      24 /* seg-list base | count << 48 | valid */
#define XPC_XENTRY_VALID        XPC_U64(0x1)
#define XPC_SEGLIST_COUNT_SHIFT 48
#define XPC_SEGLIST_ADDR_MASK   XPC_XSEGLIST_MASK
/* Word 3 of an x-entry, of a valid one. */
#define XPC_XENTRY_SEGLIST_WORD(base, count)                                                       \
    (((base)&XPC_SEGLIST_ADDR_MASK) | ((XPC_U64(0) + (count)) << XPC_SEGLIST_COUNT_SHIFT) |        \
     XPC_XENTRY_VALID)

/* ---- xcall-cap bitmap: bit i (word i/64, bit i%64) allows calling x-entry i ---- */
#define XPC_CAP_WORD_OFFSET(id) (((id) >> 6) << 3)
#define XPC_CAP_BIT(id)         (XPC_U64(1) << ((id)&63))

/* ---- Linkage record: a 128-byte slot at xlink, then xlink += 128 ---- */
#define XPC_LINK_RECORD_SIZE  128
#define XPC_LINK_RET_PC       0 /* byte offsets */
#define XPC_LINK_SATP         8
#define XPC_LINK_XCAP         16
#define XPC_LINK_SEGLIST      24 /* caller xseglist | xseglistsz << 48 */
#define XPC_LINK_SEGVA        32 /* caller segment before masking */
#define XPC_LINK_SEGPA        40
#define XPC_LINK_SEGLEN       48
#define XPC_LINK_SEGMASK      56 /* the seg-mask applied by this call, 0 for none */
#define XPC_LINK_XCALLER      64 /* caller's xcaller | valid */
#define XPC_LINK_VALID        XPC_U64(0x1)
#define XPC_LINK_ENGINE_WORDS 9 /* words 9-15 are the kernel's; the engine never touches them */
#define XPC_LINK_KERNEL_OFF   72

/* ---- seg-list entry: 24 bytes at xseglist + 24 * index, same format as the CSRs ---- */
#define XPC_SEGENT_SIZE 24
#define XPC_SEGENT_VA   0
#define XPC_SEGENT_PA   8
#define XPC_SEGENT_LEN  16

/* ---- Exception causes (RISC-V reserves 24-31 for custom use); tval in brackets ---- */
#define XPC_CAUSE_INVALID_XENTRY   24 /* xcall: id >= xtblsz or entry not valid [id] */
#define XPC_CAUSE_INVALID_XCALLCAP 25 /* xcall: cap bit clear [id] */
#define XPC_CAUSE_INVALID_LINKAGE  26 /* xret: no valid record on top of the stack [0] */
#define XPC_CAUSE_LINK_OVERFLOW    27 /* xcall: no room for a record [id] */
#define XPC_CAUSE_INVALID_SWAPSEG  28 /* swapseg: index >= xseglistsz [index] */
#define XPC_CAUSE_SEG_MISMATCH     29 /* xret: active segment is not the one handed over [0] */
#define XPC_CAUSE_INVALID_SEGMASK  30 /* xcall: mask empty or outside the segment [id] */

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline int xpc_is_xpc_cause(uint64_t cause)
{
    return cause >= XPC_CAUSE_INVALID_XENTRY && cause <= XPC_CAUSE_INVALID_SEGMASK;
}

#if defined(__riscv)
/* Guest helpers. The CSR number must be a compile-time constant. */
#define XPC_CSR_STR_(x) #x
#define XPC_CSR_STR(x)  XPC_CSR_STR_(x)
#define xpc_csrr(csr)                                                                              \
    __extension__({                                                                                \
        uint64_t xpc_v_;                                                                           \
        __asm__ volatile("csrr %0, " XPC_CSR_STR(csr) : "=r"(xpc_v_)::"memory");                   \
        xpc_v_;                                                                                    \
    })
#define xpc_csrw(csr, val)                                                                         \
    __asm__ volatile("csrw " XPC_CSR_STR(csr) ", %0" ::"r"((uint64_t)(val)) : "memory")

/* Prefetch x-entry `id` into the engine cache: the negative-ID form of xcall never faults and
 * changes nothing else, so it is safe to issue from C. (The calling form of xcall leaves the
 * C function, so it belongs to assembly trampolines: see libxpc.) */
static inline void xpc_insn_prefetch(uint64_t id)
{
    __asm__ volatile(XPC_ASM_XCALL("%0")::"r"(~id) : "memory");
}

static inline void xpc_insn_swapseg(uint64_t index)
{
    __asm__ volatile(XPC_ASM_SWAPSEG("%0")::"r"(index) : "memory");
}
#endif /* __riscv */
#endif /* !__ASSEMBLER__ */

#endif
