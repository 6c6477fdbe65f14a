/* The XPC engine: the state and the three instructions of the XPC extension (brief section 3),
 * behind a narrow interface that the CPU core calls.
 *
 * The CPU keeps its own registers, privilege, satp and TLB. It hands the engine
 *   - every CSR access (xpc_csr_read/xpc_csr_write answer NOT_MINE for a non-XPC number),
 *   - every custom-0 instruction (xpc_engine_execute), with the hart state it needs and a port onto
 *     physical memory,
 *   - every data access that misses its software TLB, before the page walk (xpc_seg_translate).
 * The engine reports what each instruction cost in micro-architectural terms (struct xpc_cost)
 * and leaves the cycles to the timing model.
 *
 * Faults are precise: an instruction that returns a cause has changed nothing at all (CSRs,
 * memory, pc, satp, the engine cache). docs/xpc-isa.md has the semantics in prose. */
#ifndef SIM_XPC_ENGINE_H
#define SIM_XPC_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "xpc/isa.h"

/* The machine's configuration of the engine: which micro-architectural features exist. The
 * ablation experiment (E3) turns each off; functional behaviour never depends on them. */
#define XPC_CACHE_MAX_ENTRIES 64
struct xpc_config {
    unsigned cache_entries; /* engine cache size in x-entries, 0..XPC_CACHE_MAX_ENTRIES */
    bool cache_enabled;     /* false: every xcall fetches its x-entry and cap bit from memory */
    bool nonblocking_link;  /* false: xctl.NONBLOCK_LINK is hard-wired to 0 */
};
/* The paper's engine: a small fully associative cache and the non-blocking link stack. */
#define XPC_CONFIG_DEFAULT                                                                         \
    {                                                                                              \
        .cache_entries = 16, .cache_enabled = true, .nonblocking_link = true                       \
    }

/* One engine cache line: an x-entry as read from the table at `xtbl`, and the cap bit for it
 * from the bitmap of the caller identity `cap_xcap`.
 *
 * The rule that keeps the cache from granting a call memory no longer allows:
 *   - a line is tagged with the table base and the ID, so a different table never hits;
 *   - its cap bit counts only for the xcap value it was read under; another caller identity
 *     re-reads its own bitmap word (and the line then holds that caller's bit);
 *   - software that changes an x-entry or a bitmap in place must write xctl.FLUSH afterwards,
 *     as in the paper. Until it does, the cache may still use the old contents. */
struct xpc_cache_line {
    bool valid;
    bool cap_valid;
    bool cap;
    uint64_t xtbl;
    uint64_t id;
    uint64_t cap_xcap;
    uint64_t word[4];  /* the x-entry, XPC_XENTRY_* order */
    uint64_t last_use; /* LRU stamp */
};

struct xpc_stats {
    uint64_t xcalls, xrets, swapsegs, prefetches;
    uint64_t cache_hits;     /* x-entry and cap bit both from the cache */
    uint64_t cache_cap_miss; /* x-entry cached, cap bit re-read (new caller identity) */
    uint64_t cache_misses;   /* x-entry read from memory */
    uint64_t flushes;
    uint64_t faults[XPC_CAUSE_INVALID_SEGMASK - XPC_CAUSE_INVALID_XENTRY + 1];
    uint64_t access_faults;
};

/* The architectural CSRs, always stored WARL-masked. */
struct xpc_csrs {
    uint64_t xtbl, xtblsz, xcap, xlink, xlinklim, xseglist, xseglistsz, xctl;
    uint64_t xsegva, xsegpa, xseglen, xsegmask, xcaller;
};

struct xpc_engine {
    struct xpc_config cfg;
    struct xpc_csrs csr;
    /* Bumped whenever the active segment (xsegva/xsegpa/xseglen) may have changed: the CPU
     * compares it with the value it last saw and then drops TLB entries overlapping the new
     * window (its TLB never caches a page that overlaps the window, see xpc_seg_window). */
    uint64_t seg_generation;
    uint64_t lru_clock;
    struct xpc_cache_line cache[XPC_CACHE_MAX_ENTRIES];
    struct xpc_stats stats;
};

/* Returns NULL on success, or a message naming the bad configuration value (and then the
 * engine is unusable). Every CSR resets to 0: the engine is disabled until a kernel enables it. */
const char *xpc_engine_init(struct xpc_engine *e, const struct xpc_config *cfg);
/* Back to the reset state, keeping the configuration (the machine's reset). */
void xpc_engine_reset(struct xpc_engine *e);

static inline bool xpc_enabled(const struct xpc_engine *e)
{
    return (e->csr.xctl & XPC_XCTL_ENABLE) != 0;
}

/* ---- CSR access ----
 * priv: 0 = U, 1 = S, 3 = M. The usual CSR-number rules hold: bits 9:8 give the lowest
 * privilege allowed, bits 11:10 = 3 means read-only. In addition the U-mode CSRs raise
 * illegal-instruction from U-mode while xctl.ENABLE is clear (so a kernel can emulate them), and
 * U-mode reads of usegpa return 0. The CPU calls xpc_csr_write only for an instruction that
 * writes (csrrs/csrrc with rs1 = x0 do not), and reads first for csrrs/csrrc/csrrw-with-rd. */
enum xpc_csr_result {
    XPC_CSR_NOT_MINE, /* not an XPC CSR: the CPU continues its own decode */
    XPC_CSR_OK,
    XPC_CSR_ILLEGAL, /* raise illegal-instruction */
};
enum xpc_csr_result xpc_csr_read(const struct xpc_engine *e, unsigned csrno, unsigned priv,
                                 uint64_t *val);
enum xpc_csr_result xpc_csr_write(struct xpc_engine *e, unsigned csrno, unsigned priv,
                                  uint64_t val);

/* ---- Instructions ---- */

/* Physical memory as the engine sees it: aligned 64-bit little-endian words. A false return is
 * a bus error, which the engine reports as an access fault (below). The engine only ever
 * accesses 8-byte aligned addresses. */
struct xpc_mem {
    void *opaque;
    bool (*load64)(void *opaque, uint64_t pa, uint64_t *v);
    bool (*store64)(void *opaque, uint64_t pa, uint64_t v);
};

/* The hart state an instruction reads and writes. The CPU fills the inputs; on success the
 * engine fills the outputs and the CPU applies them (new_satp through its satp write rules,
 * with no TLB flush: ASIDs keep both address spaces). On a fault the outputs are unspecified. */
struct xpc_hart {
    uint64_t pc;       /* in: address of the instruction */
    uint64_t next_pc;  /* in: pc + 4, the return address an xcall records */
    uint64_t satp;     /* in */
    uint64_t new_pc;   /* out */
    uint64_t new_satp; /* out */
    bool satp_changed; /* out: new_satp differs from satp */
};

/* What the instruction did, for the cycle model (sim/timing). The engine's memory traffic is
 * listed word by word, in order, so the timing layer can run it through its data cache. */
#define XPC_COST_MAX_ACCESSES 16
struct xpc_cost {
    unsigned kind; /* XPC_FUNCT7_* of the instruction; prefetch is XCALL with is_prefetch */
    bool is_prefetch;
    bool cache_lookup;     /* the engine cache was consulted (present and enabled) */
    bool entry_hit;        /* x-entry came from the engine cache */
    bool cap_hit;          /* cap bit came from the engine cache */
    bool link_nonblocking; /* the record push overlapped the callee's start (xctl bit 1) */
    bool satp_changed;
    /* The structures touched, for a timing model that charges whole structures: */
    uint64_t cap_pa;   /* xcall, prefetch: the bitmap word holding the cap bit (if read) */
    uint64_t entry_pa; /* xcall, prefetch: the x-entry (if read) */
    uint64_t link_pa;  /* xcall: the record pushed; xret: the record popped */
    uint64_t seg_pa;   /* swapseg: the seg-list entry */
    /* ... and word by word, in order, for one that runs them through its data cache: */
    unsigned nreads, nwrites;
    uint64_t read_pa[XPC_COST_MAX_ACCESSES];
    uint64_t write_pa[XPC_COST_MAX_ACCESSES];
};

/* Return values of the instructions: 0 for success, otherwise the RISC-V exception cause the
 * CPU raises, with *tval as its stval/mtval:
 *   RISCV illegal instruction (2): tval 0; the CPU may substitute the instruction bits,
 *   load access fault (5) / store access fault (7): tval = the physical address,
 *   XPC_CAUSE_* (24-30): tval = x-entry ID, seg-list index or 0 (brief 3.4). */
#define XPC_EXC_ILLEGAL_INSN 2
#define XPC_EXC_LOAD_ACCESS  5
#define XPC_EXC_STORE_ACCESS 7

/* The link stack record is written before the callee starts in this functional model, even in
 * non-blocking mode: hardware that writes it in the background must still make it visible to
 * any later read (the kernel's, the xret's), so memory contents after every instruction are
 * exactly the same either way. Only the cost differs, and struct xpc_cost says which it was. */

/* xcall. rs1 >= 0: the call. rs1 < 0: prefetch x-entry ~rs1 into the engine cache; a prefetch
 * is a hint and never faults (an ID out of range, a clear cap bit or a bus error just leave the
 * cache as it was), it changes no architectural state and new_pc = next_pc. `cost` may be NULL. */
unsigned xpc_xcall(struct xpc_engine *e, uint64_t rs1, struct xpc_hart *h,
                   const struct xpc_mem *mem, uint64_t *tval, struct xpc_cost *cost);
unsigned xpc_xret(struct xpc_engine *e, struct xpc_hart *h, const struct xpc_mem *mem,
                  uint64_t *tval, struct xpc_cost *cost);
unsigned xpc_swapseg(struct xpc_engine *e, uint64_t rs1, struct xpc_hart *h,
                     const struct xpc_mem *mem, uint64_t *tval, struct xpc_cost *cost);

/* Whether a 32-bit instruction word belongs to the engine (opcode custom-0). */
static inline bool xpc_is_custom0(uint32_t insn)
{
    return (insn & 0x7F) == XPC_OPCODE;
}
/* Decodes and runs one custom-0 instruction: reserved fields, unknown funct3/funct7 and a
 * disabled engine are illegal-instruction (tval = the instruction bits). rs1_value is the value
 * of register rs1 (ignored by xret). */
unsigned xpc_engine_execute(struct xpc_engine *e, uint32_t insn, uint64_t rs1_value,
                            struct xpc_hart *h, const struct xpc_mem *mem, uint64_t *tval,
                            struct xpc_cost *cost);

/* ---- Relay-segment translation (data accesses only, never instruction fetch) ---- */

/* Called by the CPU for every data access of `size` bytes (1, 2, 4 or 8) at virtual address va
 * before its TLB and page walk (in all privilege modes where satp translates). Returns false
 * when the access does not touch the active segment: translate it as usual. Returns true when
 * it does; then either *perm_fault is false and *pa is the physical address, or *perm_fault is
 * true and the CPU raises the load or store/AMO page fault with tval = va. An access that is
 * only partly inside the window is a fault. An AMO or LR/SC needs both permissions: call once
 * with is_store = false and once with true. */
static inline bool xpc_seg_translate(const struct xpc_engine *e, uint64_t va, unsigned size,
                                     bool is_store, uint64_t *pa, bool *perm_fault)
{
    uint64_t len = e->csr.xseglen & XPC_SEG_LEN_MASK;
    uint64_t off = va - e->csr.xsegva;   /* wraps for va below the window */
    uint64_t below = e->csr.xsegva - va; /* bytes from va up to the window base */
    *perm_fault = false;
    if (len == 0)
        return false;
    if (off >= len) {
        if (below != 0 && below < size) { /* starts below, ends inside */
            *perm_fault = true;
            return true;
        }
        return false;
    }
    if (len - off < size || !(e->csr.xseglen & (is_store ? XPC_SEG_PERM_W : XPC_SEG_PERM_R))) {
        *perm_fault = true;
        return true;
    }
    *pa = e->csr.xsegpa + off;
    return true;
}

/* The active window [*va_first, *va_last] (inclusive, so a window ending at 2^64 is
 * expressible); false when there is no active segment. The CPU's software TLB must not hold a
 * page that overlaps it, or a TLB hit would bypass the segment. */
static inline bool xpc_seg_window(const struct xpc_engine *e, uint64_t *va_first, uint64_t *va_last)
{
    uint64_t len = e->csr.xseglen & XPC_SEG_LEN_MASK;
    if (len == 0)
        return false;
    *va_first = e->csr.xsegva;
    *va_last = e->csr.xsegva + (len - 1);
    return true;
}

static inline uint64_t xpc_seg_generation(const struct xpc_engine *e)
{
    return e->seg_generation;
}

/* Empties the engine cache (xctl.FLUSH does the same). */
void xpc_cache_flush(struct xpc_engine *e);

#endif
