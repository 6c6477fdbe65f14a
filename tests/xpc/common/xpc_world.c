/* Builds the test system of xpc_world.h: page tables, x-entries, bitmaps, link stack, seg-lists
 * and segments, and the engine's CSRs. */
#include "xpc_world.h"

#include "riscv/spec.h"

#ifdef XPC_EMULATE
#include "emulate.h"
#endif

#define PTE_LEAF  (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define SATP_SV39 ((uint64_t)SATP_MODE_SV39 << SATP_MODE_SHIFT)

struct xpc_world world;
struct callee_log callee_log;
uint64_t entry_alt_runs;
uint8_t seg_main[4096] __attribute__((aligned(4096)));
uint8_t seg_two[4096] __attribute__((aligned(4096)));
uint8_t seg_three[4096] __attribute__((aligned(4096)));

struct space {
    uint64_t root[512], l1[512], l0[512], priv[512];
};
static struct space spaces[5] __attribute__((aligned(4096)));

void entry_chain(void);
void entry_leaf(void);
void entry_swapseg(void);
void entry_bench(void);
void entry_chain_swap(void);

static uint64_t pte(uint64_t pa, uint64_t flags)
{
    return PTE_FROM_PA(pa) | flags;
}

uint64_t satp_of(int space)
{
    return SATP_SV39 | (uint64_t)space << SATP_ASID_SHIFT |
           (uint64_t)(uintptr_t)spaces[space - 1].root >> PAGE_SHIFT;
}

static void build_space(int n)
{
    struct space *s = &spaces[n - 1];
    uint64_t leaf = n >= SPACE_S_CALLER ? PTE_LEAF & ~PTE_U : PTE_LEAF;
    s->root[0] = pte(0, leaf);                 /* devices, identity */
    s->root[2] = pte(MEMMAP_DRAM_BASE, leaf);  /* the program, identity */
    s->root[3] = pte((uintptr_t)s->l1, PTE_V); /* PRIV_VA */
    s->l1[0] = pte((uintptr_t)s->l0, PTE_V);
    s->l0[0] = pte((uintptr_t)s->priv, leaf & ~PTE_X);
    s->priv[0] = PRIV_WORD(n);
}

static void set_entry(int id, void (*pc)(void), int space, uint64_t *cap, uint64_t seglist_word)
{
    world.xtbl[id][0] = (uintptr_t)pc;
    world.xtbl[id][1] = satp_of(space);
    world.xtbl[id][2] = (uintptr_t)cap;
    world.xtbl[id][3] = seglist_word;
}

static void set_seg(uint64_t *w, uint64_t va, void *pa, uint64_t lenperm)
{
    w[0] = va;
    w[1] = (uintptr_t)pa;
    w[2] = lenperm;
}

void xpc_world_init(void)
{
#ifdef XPC_EMULATE
    xpc_emulation_install();
#endif
    for (int n = 1; n <= 5; n++)
        build_space(n);
    uint64_t no_list = XPC_XENTRY_SEGLIST_WORD(0, 0);
    uint64_t list_b = XPC_XENTRY_SEGLIST_WORD((uintptr_t)world.seglist_b, 1);
    set_entry(ENTRY_RECORD, entry_record, SPACE_B, &world.cap_b, list_b);
    set_entry(ENTRY_CHAIN, entry_chain, SPACE_B, &world.cap_b, list_b);
    set_entry(ENTRY_LEAF, entry_leaf, SPACE_C, &world.cap_c, no_list);
    set_entry(ENTRY_SWAPSEG, entry_swapseg, SPACE_B, &world.cap_b, list_b);
    set_entry(ENTRY_INVALID, entry_record, SPACE_B, &world.cap_b, list_b & ~XPC_XENTRY_VALID);
    set_entry(ENTRY_FORBIDDEN, entry_record, SPACE_B, &world.cap_b, list_b);
    set_entry(ENTRY_BENCH, entry_bench, SPACE_B, &world.cap_b, list_b);
    set_entry(ENTRY_CHAIN_SWAP, entry_chain_swap, SPACE_B, &world.cap_b, list_b);
    set_entry(ENTRY_S_RECORD, entry_record, SPACE_S_CALLEE, &world.cap_b, list_b);
    world.cap_a = 1 << ENTRY_RECORD | 1 << ENTRY_CHAIN | 1 << ENTRY_SWAPSEG | 1 << ENTRY_INVALID |
                  1 << ENTRY_BENCH | 1 << ENTRY_CHAIN_SWAP | 1 << ENTRY_S_RECORD;
    world.cap_b = 1 << ENTRY_LEAF;
    world.cap_c = 0;
    world.cap_none = 0;
    /* The kernel's invalid record at the bottom: a return with nothing to return to faults. */
    world.link[0][XPC_LINK_XCALLER / 8] = 0;
    set_seg(world.seglist_a[0], SEG2_VA, seg_two, 2048 | XPC_SEG_PERM_R);
    set_seg(world.seglist_a[1], 0, 0, 0);
    set_seg(world.seglist_b[0], SEG3_VA, seg_three, 4096 | SEG_RW);

    csr_write(XPC_CSR_XTBL, (uintptr_t)world.xtbl);
    csr_write(XPC_CSR_XTBLSZ, ENTRY_COUNT);
    csr_write(XPC_CSR_XCAP, (uintptr_t)&world.cap_a);
    csr_write(XPC_CSR_XLINK, (uintptr_t)world.link[1]);
    csr_write(XPC_CSR_XLINKLIM, (uintptr_t)world.link[LINK_RECORDS]);
    csr_write(XPC_CSR_XSEGLIST, (uintptr_t)world.seglist_a);
    csr_write(XPC_CSR_XSEGLISTSZ, 2);
    csr_write(XPC_CSR_XSEGVA, SEG_VA);
    csr_write(XPC_CSR_XSEGPA, (uintptr_t)seg_main);
    csr_write(XPC_CSR_XSEGLEN, 4096 | SEG_RW);
    csr_write(XPC_CSR_XSEGMASK, 0);
    csr_write(XPC_CSR_XCTL, XPC_XCTL_ENABLE | XPC_XCTL_NONBLOCK_LINK | XPC_XCTL_FLUSH);
    /* U-mode may read cycle (the benchmark does). */
    csr_write(mcounteren, 7);
    csr_write(scounteren, 7);
}

void enter_user(void)
{
    csr_write(satp, satp_of(SPACE_A));
    asm volatile("sfence.vma" ::: "memory");
    m_enter(PRIV_U);
}

static void take(struct xpc_snapshot *s)
{
    s->csr[0] = csr_read(XPC_CSR_XTBL);
    s->csr[1] = csr_read(XPC_CSR_XTBLSZ);
    s->csr[2] = csr_read(XPC_CSR_XCAP);
    s->csr[3] = csr_read(XPC_CSR_XLINK);
    s->csr[4] = csr_read(XPC_CSR_XLINKLIM);
    s->csr[5] = csr_read(XPC_CSR_XSEGLIST);
    s->csr[6] = csr_read(XPC_CSR_XSEGLISTSZ);
    s->csr[7] = csr_read(XPC_CSR_XCTL);
    s->csr[8] = csr_read(XPC_CSR_XSEGVA);
    s->csr[9] = csr_read(XPC_CSR_XSEGPA);
    s->csr[10] = csr_read(XPC_CSR_XSEGLEN);
    s->csr[11] = csr_read(XPC_CSR_XSEGMASK);
    s->csr[12] = csr_read(XPC_CSR_XCALLER);
    s->csr[13] = csr_read(XPC_CSR_USEGVA);
    s->csr[14] = csr_read(XPC_CSR_USEGPA);
    s->csr[15] = csr_read(XPC_CSR_USEGLEN);
    s->satp = csr_read(satp);
    memcpy(&s->world, &world, sizeof world);
    memcpy(s->seg[0], seg_main, 4096);
    memcpy(s->seg[1], seg_two, 4096);
    memcpy(s->seg[2], seg_three, 4096);
}

void snapshot(struct xpc_snapshot *s)
{
    IN_M(take(s));
}

void snapshot_in_s(struct xpc_snapshot *s)
{
    raise_priv();
    take(s);
    m_enter(PRIV_S);
}

static const char *const csr_names[16] = {
    "xtbl",   "xtblsz", "xcap",    "xlink",    "xlinklim", "xseglist", "xseglistsz", "xctl",
    "xsegva", "xsegpa", "xseglen", "xsegmask", "xcaller",  "usegva",   "usegpa",     "useglen",
};

static void compare(const char *what, const struct xpc_snapshot *a, const struct xpc_snapshot *b,
                    int with_memory)
{
    const char *diff = 0;
    for (int i = 0; i < 16 && !diff; i++)
        if (a->csr[i] != b->csr[i])
            diff = csr_names[i];
    if (!diff && a->satp != b->satp)
        diff = "satp";
    if (with_memory && !diff && memcmp(&a->world, &b->world, sizeof a->world))
        diff = "engine structures in memory";
    if (with_memory && !diff && memcmp(a->seg, b->seg, sizeof a->seg))
        diff = "segment contents";
    print_str(what);
    print_str(with_memory ? ": CSRs, satp and memory unchanged\n" : ": CSRs and satp unchanged\n");
    if (diff) {
        print_str("  MISMATCH: ");
        print_str(diff);
        print_str(" changed\n");
        check_failures++;
    }
}

void check_same(const char *what, const struct xpc_snapshot *a, const struct xpc_snapshot *b)
{
    compare(what, a, b, 1);
}

void check_same_csrs(const char *what, const struct xpc_snapshot *a, const struct xpc_snapshot *b)
{
    compare(what, a, b, 0);
}
