/* Shared fixture of the XPC engine tests: a fake physical memory with a hole and a read-only
 * window (to provoke bus errors), and a small system laid out in it:
 *
 *   caller A (xcap = CAP_A) may call entries 0, 1, 3; caller B (CAP_B) may call 2;
 *   entry 0 -> process B, entry 1 -> B with a seg-list, entry 2 -> process C,
 *   entry 3 is not valid, entry 4 valid but nobody may call it; xtblsz = 5.
 *   A runs with an active relay segment (RW, SEG_LEN bytes) and a seg-list of two segments.
 *   The link stack has the kernel's invalid record at the bottom. */
#ifndef TEST_XPC_FIXTURE_H
#define TEST_XPC_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>

#include "xpc/engine.h"

#define MEM_BASE  0x80000000ULL
#define MEM_SIZE  0x10000ULL
#define XTBL      (MEM_BASE + 0x1000)
#define CAP_A     (MEM_BASE + 0x2000)
#define CAP_B     (MEM_BASE + 0x2100)
#define CAP_C     (MEM_BASE + 0x2200)
#define LINK_BOT  (MEM_BASE + 0x3000) /* the kernel's invalid bottom record */
#define LINK_LIM  (MEM_BASE + 0x3000 + 4 * 128)
#define SEGLIST_A (MEM_BASE + 0x4000)
#define SEGLIST_B (MEM_BASE + 0x4100)
#define SEG_VA    0x40000000ULL
#define SEG_PA    (MEM_BASE + 0x8000)
#define SEG_LEN   0x1000ULL
#define SEG2_VA   0x50000000ULL
#define SEG2_PA   (MEM_BASE + 0x9000)
#define SATP_A    0x8000100000080100ULL
#define SATP_B    0x8000200000080200ULL
#define SATP_C    0x8000300000080300ULL
#define PC_A      0x10000ULL
#define ENTRY_B   0x20000ULL
#define ENTRY_B1  0x21000ULL
#define ENTRY_C   0x30000ULL
/* Past the end of the fake memory: every access is a bus error. */
#define HOLE (MEM_BASE + MEM_SIZE)
/* Loads work, stores are refused, as on a ROM. */
#define ROM_BASE (MEM_BASE + 0xF000)

struct fake_mem {
    uint8_t bytes[MEM_SIZE];
};

static struct fake_mem fmem;
static struct xpc_engine eng;
static struct xpc_hart hart;
static struct xpc_cost cost;
static uint64_t tval;

static inline bool fake_load(void *opaque, uint64_t pa, uint64_t *v)
{
    struct fake_mem *m = opaque;
    cr_assert_eq(pa & 7, 0, "engine made an unaligned access at 0x%llx", (unsigned long long)pa);
    if (pa < MEM_BASE || pa - MEM_BASE > MEM_SIZE - 8)
        return false;
    memcpy(v, &m->bytes[pa - MEM_BASE], 8);
    return true;
}

static inline bool fake_store(void *opaque, uint64_t pa, uint64_t v)
{
    struct fake_mem *m = opaque;
    cr_assert_eq(pa & 7, 0, "engine made an unaligned access at 0x%llx", (unsigned long long)pa);
    if (pa < MEM_BASE || pa - MEM_BASE > MEM_SIZE - 8 || pa >= ROM_BASE)
        return false;
    memcpy(&m->bytes[pa - MEM_BASE], &v, 8);
    return true;
}

static const struct xpc_mem mem = {&fmem, fake_load, fake_store};

static inline uint64_t peek(uint64_t pa)
{
    uint64_t v;
    cr_assert(pa >= MEM_BASE && pa - MEM_BASE <= MEM_SIZE - 8);
    memcpy(&v, &fmem.bytes[pa - MEM_BASE], 8);
    return v;
}

static inline void poke(uint64_t pa, uint64_t v)
{
    cr_assert(pa >= MEM_BASE && pa - MEM_BASE <= MEM_SIZE - 8);
    memcpy(&fmem.bytes[pa - MEM_BASE], &v, 8);
}

static inline void set_xentry(unsigned id, uint64_t pc, uint64_t satp, uint64_t xcap,
                              uint64_t seglist)
{
    uint64_t base = XTBL + XPC_XENTRY_SIZE * id;
    poke(base + XPC_XENTRY_PC, pc);
    poke(base + XPC_XENTRY_SATP, satp);
    poke(base + XPC_XENTRY_XCAP, xcap);
    poke(base + XPC_XENTRY_SEGLIST, seglist);
}

static inline void allow(uint64_t cap, unsigned id)
{
    poke(cap + XPC_CAP_WORD_OFFSET(id), peek(cap + XPC_CAP_WORD_OFFSET(id)) | XPC_CAP_BIT(id));
}

static inline void wcsr(unsigned csr, uint64_t v)
{
    cr_assert_eq(xpc_csr_write(&eng, csr, 1, v), XPC_CSR_OK, "write CSR 0x%x", csr);
}

static inline uint64_t rcsr(unsigned csr)
{
    uint64_t v = 0;
    cr_assert_eq(xpc_csr_read(&eng, csr, 1, &v), XPC_CSR_OK, "read CSR 0x%x", csr);
    return v;
}

static inline void set_segment(uint64_t va, uint64_t pa, uint64_t lenperm)
{
    wcsr(XPC_CSR_XSEGVA, va);
    wcsr(XPC_CSR_XSEGPA, pa);
    wcsr(XPC_CSR_XSEGLEN, lenperm);
}

static inline void fixture_with(const struct xpc_config *cfg)
{
    memset(&fmem, 0, sizeof fmem);
    cr_assert_null(xpc_engine_init(&eng, cfg));
    set_xentry(0, ENTRY_B, SATP_B, CAP_B, XPC_XENTRY_SEGLIST_WORD(0, 0));
    set_xentry(1, ENTRY_B1, SATP_B, CAP_B, XPC_XENTRY_SEGLIST_WORD(SEGLIST_B, 1));
    set_xentry(2, ENTRY_C, SATP_C, CAP_C, XPC_XENTRY_SEGLIST_WORD(0, 0));
    set_xentry(3, ENTRY_B, SATP_B, CAP_B, 0); /* valid bit clear */
    set_xentry(4, ENTRY_C, SATP_C, CAP_C, XPC_XENTRY_SEGLIST_WORD(0, 0));
    allow(CAP_A, 0);
    allow(CAP_A, 1);
    allow(CAP_A, 3);
    allow(CAP_B, 2);
    /* seg-list of A: two segments; of B: one. */
    poke(SEGLIST_A + 0, SEG2_VA);
    poke(SEGLIST_A + 8, SEG2_PA);
    poke(SEGLIST_A + 16, 0x800 | XPC_SEG_PERM_R);
    poke(SEGLIST_A + 24, 0);
    poke(SEGLIST_A + 32, 0);
    poke(SEGLIST_A + 40, 0);
    poke(SEGLIST_B + 0, SEG2_VA + 0x100000);
    poke(SEGLIST_B + 8, SEG2_PA + 0x800);
    poke(SEGLIST_B + 16, 0x100 | XPC_SEG_PERM_R | XPC_SEG_PERM_W);

    wcsr(XPC_CSR_XTBL, XTBL);
    wcsr(XPC_CSR_XTBLSZ, 5);
    wcsr(XPC_CSR_XCAP, CAP_A);
    wcsr(XPC_CSR_XLINK, LINK_BOT + 128);
    wcsr(XPC_CSR_XLINKLIM, LINK_LIM);
    wcsr(XPC_CSR_XSEGLIST, SEGLIST_A);
    wcsr(XPC_CSR_XSEGLISTSZ, 2);
    set_segment(SEG_VA, SEG_PA, SEG_LEN | XPC_SEG_PERM_R | XPC_SEG_PERM_W);
    wcsr(XPC_CSR_XCTL, XPC_XCTL_ENABLE | XPC_XCTL_NONBLOCK_LINK);
    hart = (struct xpc_hart){.pc = PC_A, .next_pc = PC_A + 4, .satp = SATP_A};
}

static inline void fixture(void)
{
    struct xpc_config cfg = XPC_CONFIG_DEFAULT;
    fixture_with(&cfg);
}

static inline void fixture_nocache(void)
{
    struct xpc_config cfg = XPC_CONFIG_DEFAULT;
    cfg.cache_enabled = false;
    fixture_with(&cfg);
}

/* Everything a faulting instruction must leave alone. */
struct snapshot {
    struct xpc_csrs csr;
    uint64_t seg_generation;
    struct xpc_cache_line cache[XPC_CACHE_MAX_ENTRIES];
    uint8_t bytes[MEM_SIZE];
};
static struct snapshot before __attribute__((unused));

static inline void take(struct snapshot *s)
{
    s->csr = eng.csr;
    s->seg_generation = eng.seg_generation;
    memcpy(s->cache, eng.cache, sizeof s->cache);
    memcpy(s->bytes, fmem.bytes, sizeof s->bytes);
}

static inline void assert_unchanged(const struct snapshot *s)
{
    cr_assert(memcmp(&s->csr, &eng.csr, sizeof s->csr) == 0, "CSRs changed on a fault");
    cr_assert_eq(s->seg_generation, eng.seg_generation, "segment generation changed on a fault");
    cr_assert(memcmp(s->cache, eng.cache, sizeof s->cache) == 0, "cache changed on a fault");
    cr_assert(memcmp(s->bytes, fmem.bytes, sizeof s->bytes) == 0, "memory changed on a fault");
}

/* Runs an instruction expected to fault and checks cause, tval and that nothing changed. */
#define EXPECT_FAULT(call, cause, want_tval)                                                       \
    do {                                                                                           \
        take(&before);                                                                             \
        unsigned exc_ = (call);                                                                    \
        cr_assert_eq(exc_, (cause), "cause %u, expected %u", exc_, (unsigned)(cause));             \
        cr_assert_eq(tval, (uint64_t)(want_tval), "tval 0x%llx, expected 0x%llx",                  \
                     (unsigned long long)tval, (unsigned long long)(want_tval));                   \
        assert_unchanged(&before);                                                                 \
    } while (0)

static inline unsigned do_xcall(uint64_t id)
{
    return xpc_xcall(&eng, id, &hart, &mem, &tval, &cost);
}

static inline unsigned do_xret(void)
{
    return xpc_xret(&eng, &hart, &mem, &tval, &cost);
}

static inline unsigned do_swapseg(uint64_t idx)
{
    return xpc_swapseg(&eng, idx, &hart, &mem, &tval, &cost);
}

/* Applies the hart outputs as the CPU would. */
static inline void advance(void)
{
    hart.pc = hart.new_pc;
    hart.next_pc = hart.new_pc + 4;
    hart.satp = hart.new_satp;
}

static inline void call_ok(uint64_t id)
{
    unsigned exc = do_xcall(id);
    cr_assert_eq(exc, 0, "xcall %llu: cause %u tval 0x%llx", (unsigned long long)id, exc,
                 (unsigned long long)tval);
    advance();
}

static inline void ret_ok(void)
{
    unsigned exc = do_xret();
    cr_assert_eq(exc, 0, "xret: cause %u tval 0x%llx", exc, (unsigned long long)tval);
    advance();
}

#endif
