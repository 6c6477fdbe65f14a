/* Virtual memory (sim/mmu.c) against the privileged spec 1.12, §4.3-4.5: Sv39 and Sv48 walks
 * with every page size, the faults a walk raises and their causes and tval, the U/SUM/MXR rules,
 * A and D set by the hardware, the soft TLB (it really caches; ASIDs keep address spaces apart;
 * satp mode changes and ASID-tag recycling stay correct), self-modifying code and MPRV. */
#include "cpu_fixture.h"

TestSuite(mmu, .init = cpu_setup, .fini = cpu_teardown);

static uint64_t root;

static void paging(unsigned mode, unsigned asid)
{
    root = pt_alloc();
    cr_assert(csr_write(h, CSR_SATP, satp_of(mode, asid, root)));
    cr_assert_eq(h->csr.satp, satp_of(mode, asid, root));
}

static uint64_t translate_ok(uint64_t va, enum access acc, unsigned mode)
{
    uint64_t pa = 0;
    cr_assert(mmu_translate(h, va, acc, mode, &pa), "va 0x%llx acc %d mode %u: fault cause %llu",
              (unsigned long long)va, acc, mode, (unsigned long long)h->exc_cause);
    return pa;
}

static void expect_fault(uint64_t va, enum access acc, unsigned mode, uint64_t cause)
{
    uint64_t pa = 0;
    h->exc_cause = h->exc_tval = 0xdead;
    cr_expect_not(mmu_translate(h, va, acc, mode, &pa), "va 0x%llx acc %d: translated to 0x%llx",
                  (unsigned long long)va, acc, (unsigned long long)pa);
    cr_expect_eq(h->exc_cause, cause, "va 0x%llx acc %d: cause %llu, want %llu",
                 (unsigned long long)va, acc, (unsigned long long)h->exc_cause,
                 (unsigned long long)cause);
    cr_expect_eq(h->exc_tval, va, "va 0x%llx: tval 0x%llx", (unsigned long long)va,
                 (unsigned long long)h->exc_tval);
}

/* The three page-fault causes, in enum access order. */
static const uint64_t page_fault[3] = {13, 15, 12};

static void expect_page_fault_all(uint64_t va, unsigned mode)
{
    for (int acc = 0; acc < 3; acc++)
        expect_fault(va, (enum access)acc, mode, page_fault[acc]);
}

Test(mmu, sv39_4k_page)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    map(root, 3, 0x40001000, DATA + 0x5000, 0, RWX_AD);
    for (int acc = 0; acc < 3; acc++)
        cr_expect_eq(translate_ok(0x40001abc, (enum access)acc, PRIV_S), DATA + 0x5abc);
    /* The neighbours are not mapped. */
    expect_page_fault_all(0x40000ffc, PRIV_S);
    expect_page_fault_all(0x40002000, PRIV_S);
}

Test(mmu, sv39_2m_megapage)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    map(root, 3, 0x40200000, RAM_BASE + 0x200000, 1, RWX_AD);
    cr_expect_eq(translate_ok(0x40200000, ACCESS_READ, PRIV_S), RAM_BASE + 0x200000);
    cr_expect_eq(translate_ok(0x403fffff, ACCESS_WRITE, PRIV_S), RAM_BASE + 0x3fffff);
    cr_expect_eq(translate_ok(0x40312345, ACCESS_EXEC, PRIV_S), RAM_BASE + 0x312345);
    expect_page_fault_all(0x40400000, PRIV_S);
}

Test(mmu, sv39_1g_gigapage)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    map(root, 3, 0xc0000000, 0x80000000, 2, RWX_AD);
    cr_expect_eq(translate_ok(0xc0000000, ACCESS_READ, PRIV_S), 0x80000000);
    cr_expect_eq(translate_ok(0xfffffff8, ACCESS_WRITE, PRIV_S), 0xbffffff8);
    cr_expect_eq(translate_ok(0xc1234566, ACCESS_EXEC, PRIV_S), 0x81234566);
}

/* Sv48: the same three sizes one level down, and the 512 GiB terapage at the top level. */
Test(mmu, sv48_every_page_size)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV48, 7);
    uint64_t va4k = 0x0000123456789000ULL, va2m = 0x0000234567800000ULL;
    uint64_t va1g = 0x0000345680000000ULL, va512g = 0x0000500000000000ULL;
    map(root, 4, va4k, DATA, 0, RWX_AD);
    map(root, 4, va2m, RAM_BASE + 0x200000, 1, RWX_AD);
    map(root, 4, va1g, 0x40000000, 2, RWX_AD);
    map(root, 4, va512g, 0x8000000000ULL, 3, RWX_AD);
    cr_expect_eq(translate_ok(va4k + 0x10, ACCESS_READ, PRIV_S), DATA + 0x10);
    cr_expect_eq(translate_ok(va2m + 0x1ffff8, ACCESS_READ, PRIV_S), RAM_BASE + 0x3ffff8);
    cr_expect_eq(translate_ok(va1g + 0x3ffffffe, ACCESS_EXEC, PRIV_S), 0x7ffffffe);
    cr_expect_eq(translate_ok(va512g + 0x7fffffff08ULL, ACCESS_WRITE, PRIV_S),
                 0x8000000000ULL + 0x7fffffff08ULL);
    /* The Sv48 table does not translate like an Sv39 one: bits 47:39 pick the top entry. */
    expect_page_fault_all(va4k & ((1ULL << 39) - 1), PRIV_S);
}

/* Bits 63:VA-bits must all equal the top bit of the VA (§4.4.1, §4.5.1). */
Test(mmu, non_canonical_addresses_fault)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    /* The top of the address space: canonical, with bit 38 set. */
    map(root, 3, 0xffffffffc0000000ULL, DATA, 0, RWX_AD);
    cr_expect_eq(translate_ok(0xffffffffc0000008ULL, ACCESS_READ, PRIV_S), DATA + 8);
    /* Same index bits, upper bits not a sign extension. */
    expect_page_fault_all(0x0000007fc0000008ULL, PRIV_S);
    expect_page_fault_all(0x8000000000001000ULL, PRIV_S);
    expect_page_fault_all(0xffffff7fc0000000ULL, PRIV_S);

    paging(SATP_MODE_SV48, 1);
    map(root, 4, 0xffff800000000000ULL, DATA, 0, RWX_AD);
    cr_expect_eq(translate_ok(0xffff800000000010ULL, ACCESS_READ, PRIV_S), DATA + 0x10);
    expect_page_fault_all(0x0000800000000000ULL, PRIV_S);
    expect_page_fault_all(0x0001000000000000ULL, PRIV_S);
}

/* A superpage whose PPN has nonzero low bits is a misaligned superpage: page fault. */
Test(mmu, misaligned_superpages_fault)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    map(root, 3, 0x40200000, RAM_BASE + 0x201000, 1, RWX_AD);
    map(root, 3, 0x80000000, 0x80200000, 2, RWX_AD);
    expect_page_fault_all(0x40200000, PRIV_S);
    expect_page_fault_all(0x80000000, PRIV_S);

    paging(SATP_MODE_SV48, 1);
    map(root, 4, 0x0000008000000000ULL, 0x0000008040000000ULL, 3, RWX_AD); /* 512 GiB page */
    expect_page_fault_all(0x0000008000000000ULL, PRIV_S);
}

/* W without R is reserved (§4.3.1), with or without X. */
Test(mmu, write_without_read_is_reserved)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    map(root, 3, 0x40001000, DATA, 0, PTE_V | PTE_W | PTE_A | PTE_D);
    map(root, 3, 0x40002000, DATA, 0, PTE_V | PTE_W | PTE_X | PTE_A | PTE_D);
    expect_page_fault_all(0x40001000, PRIV_S);
    expect_page_fault_all(0x40002000, PRIV_S);
}

/* Permission bits: a read-only page refuses stores, a non-executable one fetches. */
Test(mmu, permission_faults_name_the_access)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    map(root, 3, 0x40001000, DATA, 0, PTE_V | PTE_R | PTE_A | PTE_D);
    map(root, 3, 0x40002000, DATA, 0, PTE_V | PTE_X | PTE_A);
    map(root, 3, 0x40003000, DATA, 0, PTE_A | PTE_D | PTE_R | PTE_W); /* V clear */
    cr_expect_eq(translate_ok(0x40001008, ACCESS_READ, PRIV_S), DATA + 8);
    expect_fault(0x40001008, ACCESS_WRITE, PRIV_S, 15);
    expect_fault(0x40001008, ACCESS_EXEC, PRIV_S, 12);
    cr_expect_eq(translate_ok(0x40002008, ACCESS_EXEC, PRIV_S), DATA + 8);
    expect_fault(0x40002008, ACCESS_READ, PRIV_S, 13);
    expect_fault(0x40002008, ACCESS_WRITE, PRIV_S, 15);
    expect_page_fault_all(0x40003008, PRIV_S);
}

/* Reserved PTE encodings (§4.4.1, 1.12): bits 63:54 without Svpbmt/Svnapot; A, D, U in a
 * pointer to the next level; a pointer at level 0. All page faults. */
Test(mmu, reserved_pte_bits_fault)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    uint64_t leaf = map(root, 3, 0x40001000, DATA, 0, RWX_AD);
    poke64(leaf, peek64(leaf) | (1ULL << 62));
    expect_page_fault_all(0x40001000, PRIV_S);

    uint64_t ptr_leaf = map(root, 3, 0x80001000, DATA, 0, RWX_AD);
    (void)ptr_leaf;
    uint64_t l2 = root + ((0x80001000ULL >> 30) & 0x1ff) * 8;
    poke64(l2, peek64(l2) | PTE_A);
    expect_page_fault_all(0x80001000, PRIV_S);

    /* A level-0 PTE with R = W = X = 0 points nowhere further. */
    map(root, 3, 0x40005000, pt_alloc(), 0, PTE_V);
    expect_page_fault_all(0x40005000, PRIV_S);
}

/* §4.3.1: U-mode may only use U pages; S-mode may read/write them only with SUM and may
 * never execute them. */
Test(mmu, user_pages_and_sum)
{
    paging(SATP_MODE_SV39, 1);
    map(root, 3, 0x10000, DATA, 0, RWX_AD | PTE_U);
    map(root, 3, 0x20000, DATA + PAGE, 0, RWX_AD);

    set_priv(PRIV_U);
    for (int acc = 0; acc < 3; acc++)
        cr_expect_eq(translate_ok(0x10008, (enum access)acc, PRIV_U), DATA + 8);
    expect_page_fault_all(0x20008, PRIV_U);

    set_priv(PRIV_S);
    expect_page_fault_all(0x10008, PRIV_S);
    cr_expect_eq(translate_ok(0x20008, ACCESS_READ, PRIV_S), DATA + PAGE + 8);

    cr_assert(csr_write(h, CSR_SSTATUS, csr(CSR_SSTATUS) | MSTATUS_SUM));
    cr_expect_eq(translate_ok(0x10008, ACCESS_READ, PRIV_S), DATA + 8);
    cr_expect_eq(translate_ok(0x10008, ACCESS_WRITE, PRIV_S), DATA + 8);
    expect_fault(0x10008, ACCESS_EXEC, PRIV_S, 12);

    /* Clearing SUM again must take effect although the translation was just used. */
    uint64_t v;
    cr_assert(mem_load64(h, 0x10008, &v));
    cr_assert(csr_write(h, CSR_SSTATUS, csr(CSR_SSTATUS) & ~MSTATUS_SUM));
    h->exc_cause = 0;
    cr_expect_not(mem_load64(h, 0x10008, &v), "a cached SUM translation survived SUM = 0");
    cr_expect_eq(h->exc_cause, 13);
}

/* MXR makes executable pages readable; it does not make them writable. */
Test(mmu, mxr_makes_execute_only_pages_readable)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    map(root, 3, 0x40001000, DATA, 0, PTE_V | PTE_X | PTE_A | PTE_D);
    expect_fault(0x40001010, ACCESS_READ, PRIV_S, 13);
    cr_assert(csr_write(h, CSR_SSTATUS, csr(CSR_SSTATUS) | MSTATUS_MXR));
    cr_expect_eq(translate_ok(0x40001010, ACCESS_READ, PRIV_S), DATA + 0x10);
    expect_fault(0x40001010, ACCESS_WRITE, PRIV_S, 15);
}

/* No Svade: the walk sets A on any access and D on a store, in the PTE in memory. */
Test(mmu, hardware_sets_accessed_and_dirty)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    uint64_t flags = PTE_V | PTE_R | PTE_W | PTE_X;
    uint64_t pte_r = map(root, 3, 0x40001000, DATA, 0, flags);
    uint64_t pte_w = map(root, 3, 0x40002000, DATA, 0, flags);
    uint64_t pte_x = map(root, 3, 0x40003000, DATA, 0, flags);
    uint64_t pte_mega = map(root, 3, 0x40200000, RAM_BASE + 0x200000, 1, flags);

    translate_ok(0x40001000, ACCESS_READ, PRIV_S);
    cr_expect_eq(peek64(pte_r), pte_for(DATA, flags | PTE_A), "after a load: 0x%llx",
                 (unsigned long long)peek64(pte_r));
    translate_ok(0x40002000, ACCESS_WRITE, PRIV_S);
    cr_expect_eq(peek64(pte_w), pte_for(DATA, flags | PTE_A | PTE_D), "after a store: 0x%llx",
                 (unsigned long long)peek64(pte_w));
    translate_ok(0x40003000, ACCESS_EXEC, PRIV_S);
    cr_expect_eq(peek64(pte_x), pte_for(DATA, flags | PTE_A));
    translate_ok(0x40212345, ACCESS_WRITE, PRIV_S);
    cr_expect_eq(peek64(pte_mega), pte_for(RAM_BASE + 0x200000, flags | PTE_A | PTE_D));

    /* A store after a load of the same page still sets D (the read translation is cached). */
    uint64_t v;
    cr_assert(mem_load64(h, 0x40001000, &v));
    cr_assert(mem_store64(h, 0x40001000, 5));
    cr_expect_eq(peek64(pte_r), pte_for(DATA, flags | PTE_A | PTE_D));
    /* The pointers on the way are not touched (A/D/U are reserved in them). */
    uint64_t l2 = peek64(root + ((0x40001000ULL >> 30) & 0x1ff) * 8);
    cr_expect_eq(l2 & 0x3ff, PTE_V);
}

/* A faulting walk changes nothing: no A bit set by an access that faults. */
Test(mmu, faulting_access_sets_no_accessed_bit)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    uint64_t pte = map(root, 3, 0x40001000, DATA, 0, PTE_V | PTE_R);
    expect_fault(0x40001000, ACCESS_WRITE, PRIV_S, 15);
    cr_expect_eq(peek64(pte), pte_for(DATA, PTE_V | PTE_R));
}

/* A PTE the walk cannot read (outside RAM, no device) is an access fault of the access's kind
 * (§4.3.2 step 2), with tval the virtual address. */
Test(mmu, page_table_outside_ram_is_an_access_fault)
{
    set_priv(PRIV_S);
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 1, 0x40000000)));
    expect_fault(0x1000, ACCESS_READ, PRIV_S, 5);
    expect_fault(0x1000, ACCESS_WRITE, PRIV_S, 7);
    expect_fault(0x1000, ACCESS_EXEC, PRIV_S, 1);

    /* A pointer in a good root to a table outside RAM. */
    paging(SATP_MODE_SV39, 2);
    poke64(root + 1 * 8, pte_for(0x50000000, PTE_V));
    expect_fault(0x40000000, ACCESS_READ, PRIV_S, 5);
    expect_fault(0x40000000, ACCESS_EXEC, PRIV_S, 1);
}

/* Bare mode and M-mode do not translate. */
Test(mmu, bare_and_machine_mode_are_identity)
{
    set_priv(PRIV_S);
    cr_expect_eq(translate_ok(0x12345678, ACCESS_READ, PRIV_S), 0x12345678);
    paging(SATP_MODE_SV39, 1);
    set_priv(PRIV_M);
    cr_expect_eq(translate_ok(DATA + 0x18, ACCESS_WRITE, PRIV_M), DATA + 0x18);
}

/* ---- The soft TLB ---- */

static void set_data(uint64_t pa, uint64_t v)
{
    poke64(pa, v);
}

static uint64_t load(uint64_t va)
{
    uint64_t v = 0;
    cr_assert(mem_load64(h, va, &v), "load 0x%llx faulted: cause %llu", (unsigned long long)va,
              (unsigned long long)h->exc_cause);
    return v;
}

/* Until an sfence.vma the hart may keep using the old translation; this one does, which shows
 * the TLB caches. After a flush it must walk again. */
Test(mmu, tlb_caches_until_flushed)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    set_data(DATA, 0x1111);
    set_data(DATA + PAGE, 0x2222);
    uint64_t pte = map(root, 3, 0x40001000, DATA, 0, RWX_AD);
    cr_expect_eq(load(0x40001000), 0x1111);
    poke64(pte, pte_for(DATA + PAGE, RWX_AD));
    cr_expect_eq(load(0x40001000), 0x1111, "the TLB did not cache the translation");
    tlb_flush_all(h);
    cr_expect_eq(load(0x40001000), 0x2222, "a flushed TLB still translated the old way");

    /* tlb_flush_va (one address) drops that page's translation too. */
    poke64(pte, pte_for(DATA, RWX_AD));
    cr_expect_eq(load(0x40001000), 0x2222);
    tlb_flush_va(h, 0x40001000);
    cr_expect_eq(load(0x40001000), 0x1111);
}

/* The instruction sfence.vma rs1, rs2 (privileged spec §4.2.1). */
#define SFENCE_VMA(rs1, rs2) (0x12000073u | ((uint32_t)(rs2) << 20) | ((uint32_t)(rs1) << 15))

/* Run sfence.vma with these operands (from M-mode, whose fetches are not translated). */
static void sfence(bool with_va, uint64_t va, bool with_asid, uint64_t asid)
{
    uint64_t pc = CODE + 0x7000;
    h->x[A0] = va;
    h->x[A1] = asid;
    PROGRAM(pc, SFENCE_VMA(with_va ? A0 : X0, with_asid ? A1 : X0), EBREAK);
    unsigned priv = h->priv;
    run_at(pc, PRIV_M, 1000);
    cr_assert_eq(h->csr.mcause, CAUSE_BREAKPOINT, "sfence.vma trapped: cause %llu",
                 (unsigned long long)h->csr.mcause);
    set_priv(priv);
}

/* sfence.vma with an address drops that page's translation and keeps the others (which the
 * hart may go on using until they are fenced: the soft TLB really does). */
Test(mmu, sfence_vma_with_an_address_drops_one_page)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    set_data(DATA, 0x1111);
    set_data(DATA + PAGE, 0x2222);
    uint64_t pte1 = map(root, 3, 0x40001000, DATA, 0, RWX_AD);
    uint64_t pte2 = map(root, 3, 0x40002000, DATA, 0, RWX_AD);
    cr_expect_eq(load(0x40001000), 0x1111);
    cr_expect_eq(load(0x40002000), 0x1111);
    poke64(pte1, pte_for(DATA + PAGE, RWX_AD));
    poke64(pte2, pte_for(DATA + PAGE, RWX_AD));
    sfence(true, 0x40001234, false, 0);
    cr_expect_eq(load(0x40001000), 0x2222, "the fenced page kept its old translation");
    cr_expect_eq(load(0x40002000), 0x1111, "a page the fence did not name was dropped too");
    sfence(true, 0x40002000, true, 1);
    cr_expect_eq(load(0x40002000), 0x2222, "sfence.vma with the page's ASID kept it");
}

/* A superpage is cached as 4 KiB pieces; an sfence.vma for any one address in it must drop
 * every piece, since the one leaf PTE it names maps them all. */
Test(mmu, sfence_vma_in_a_superpage_drops_every_piece)
{
    const uint64_t va = 0x40200000; /* a 2 MiB page */
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    set_data(DATA + 0x5000, 0xaaaa);
    set_data(DATA + 0x200000 + 0x5000, 0xbbbb);
    uint64_t pte = map(root, 3, va, DATA, 1, RWX_AD);
    cr_expect_eq(load(va + 0x5000), 0xaaaa);
    cr_expect_eq(load(va + 0x9000), 0);
    poke64(pte, pte_for(DATA + 0x200000, RWX_AD));
    sfence(true, va + 0x9000, false, 0); /* another piece than the one checked below */
    cr_expect_eq(load(va + 0x5000), 0xbbbb, "a piece of the superpage survived its sfence.vma");
}

/* sfence.vma with only an ASID drops that address space's translations, not another's. */
Test(mmu, sfence_vma_with_an_asid_drops_that_address_space)
{
    set_priv(PRIV_S);
    set_data(DATA, 0x1111);
    set_data(DATA + PAGE, 0x2222);
    uint64_t root1 = pt_alloc(), root2 = pt_alloc();
    uint64_t pte1 = map(root1, 3, 0x40001000, DATA, 0, RWX_AD);
    uint64_t pte2 = map(root2, 3, 0x40002000, DATA, 0, RWX_AD);
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 1, root1)));
    cr_expect_eq(load(0x40001000), 0x1111);
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 2, root2)));
    cr_expect_eq(load(0x40002000), 0x1111);
    poke64(pte1, pte_for(DATA + PAGE, RWX_AD));
    poke64(pte2, pte_for(DATA + PAGE, RWX_AD));
    sfence(false, 0, true, 1); /* from ASID 2: fence ASID 1 */
    cr_expect_eq(load(0x40002000), 0x1111, "ASID 2's translation went with ASID 1's fence");
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 1, root1)));
    cr_expect_eq(load(0x40001000), 0x2222, "ASID 1 kept a fenced translation");
    sfence(false, 0, true, 1); /* the current address space */
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 2, root2)));
    sfence(false, 0, false, 0);
    cr_expect_eq(load(0x40002000), 0x2222, "a full sfence.vma kept a translation");
}

/* Two address spaces with different ASIDs are cached side by side: switching satp between them
 * without sfence keeps both translations, each under its own ASID. The soft TLB is
 * direct-mapped, so the two spaces use pages of different sets to be cached at once. */
Test(mmu, asids_keep_address_spaces_apart)
{
    set_priv(PRIV_S);
    set_data(DATA, 0xaaaa);
    set_data(DATA + PAGE, 0xbbbb);
    set_data(DATA + 2 * PAGE, 0xcccc);
    uint64_t root1 = pt_alloc(), root2 = pt_alloc();
    uint64_t pte1 = map(root1, 3, 0x40001000, DATA, 0, RWX_AD);
    uint64_t pte2 = map(root2, 3, 0x40002000, DATA + PAGE, 0, RWX_AD);
    map(root2, 3, 0x40001000, DATA + 2 * PAGE, 0, RWX_AD);
    cr_assert_neq(tlb_index(0x40001000), tlb_index(0x40002000));

    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 1, root1)));
    cr_expect_eq(load(0x40001000), 0xaaaa);
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 2, root2)));
    cr_expect_eq(load(0x40002000), 0xbbbb);

    /* Both PTEs now point elsewhere; the cached translations of both ASIDs still hit. */
    poke64(pte1, pte_for(DATA + 2 * PAGE, RWX_AD));
    poke64(pte2, pte_for(DATA + 2 * PAGE, RWX_AD));
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 1, root1)));
    cr_expect_eq(load(0x40001000), 0xaaaa, "ASID 1's translation was not kept");
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 2, root2)));
    cr_expect_eq(load(0x40002000), 0xbbbb, "ASID 2's translation was not kept");

    /* The same virtual page in ASID 2 is ASID 2's, whatever ASID 1 cached for it. */
    cr_expect_eq(load(0x40001000), 0xcccc, "ASID 2 used ASID 1's translation");
    tlb_flush_all(h);
    cr_expect_eq(load(0x40002000), 0xcccc);
}

/* A change of satp.MODE is a different translation altogether: nothing cached under the old
 * mode may be used (the implementation flushes, as QEMU does). */
Test(mmu, satp_mode_change_drops_cached_translations)
{
    set_priv(PRIV_S);
    set_data(DATA, 0x39);
    set_data(DATA + PAGE, 0x48);
    uint64_t root39 = pt_alloc(), root48 = pt_alloc();
    map(root39, 3, 0x40001000, DATA, 0, RWX_AD);
    map(root48, 4, 0x40001000, DATA + PAGE, 0, RWX_AD);
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 3, root39)));
    cr_expect_eq(load(0x40001000), 0x39);
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV48, 3, root48)));
    cr_expect_eq(load(0x40001000), 0x48, "Sv48 used a translation cached under Sv39");

    /* Bare: the address is physical. */
    set_data(DATA + 2 * PAGE, 0xba4e);
    cr_assert(csr_write(h, CSR_SATP, 0));
    cr_expect_eq(load(DATA + 2 * PAGE), 0xba4e);
    cr_expect_eq(load(DATA), 0x39);
    /* And back: the Bare identity entries must not leak into Sv39. */
    map(root39, 3, DATA, DATA + PAGE, 0, RWX_AD);
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 3, root39)));
    cr_expect_eq(load(DATA), 0x48, "Sv39 used an identity entry cached under Bare");
}

/* satp WARL: an unsupported mode leaves satp unchanged (the whole write has no effect). */
Test(mmu, satp_unsupported_mode_is_ignored)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 4);
    uint64_t before = h->csr.satp;
    cr_assert(csr_write(h, CSR_SATP, satp_of(10, 5, root))); /* Sv57: not implemented */
    cr_expect_eq(csr(CSR_SATP), before);
    cr_assert(csr_write(h, CSR_SATP, satp_of(1, 5, root))); /* reserved */
    cr_expect_eq(csr(CSR_SATP), before);
}

/* ASIDs map to 2047 small TLB tags, handed out in order. Going through more address spaces than
 * that recycles the tags, and no address space may then see another's cached translation: the
 * ASIDs that get tag 1 again (1, 2048, 4095 here) alternate between two page tables that map
 * page X differently, and only they touch X, so a stale entry for X would be found. */
Test(mmu, asid_tag_recycling_still_translates_correctly)
{
    const uint64_t x = 0x40005000, y = 0x40001000;
    set_priv(PRIV_S);
    uint64_t roots[2] = {pt_alloc(), pt_alloc()};
    set_data(DATA, 0xe0e0);
    set_data(DATA + PAGE, 0x0d0d);
    for (unsigned r = 0; r < 2; r++) {
        map(roots[r], 3, x, DATA + r * PAGE, 0, RWX_AD);
        map(roots[r], 3, y, DATA + r * PAGE, 0, RWX_AD);
    }
    const uint64_t want[2] = {0xe0e0, 0x0d0d};
    unsigned x_users = 0;
    for (unsigned asid = 1; asid <= 2 * TLB_ASID_TAGS + 100; asid++) {
        cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, asid, roots[asid & 1])));
        bool tag_one = (asid - 1) % (TLB_ASID_TAGS - 1) == 0;
        x_users += tag_one;
        uint64_t v = load(tag_one ? x : y);
        if (v != want[asid & 1])
            cr_assert_fail("ASID %u read 0x%llx, want 0x%llx", asid, (unsigned long long)v,
                           (unsigned long long)want[asid & 1]);
    }
    cr_assert_eq(x_users, 3);
    /* Old ASIDs, whose tags were recycled long ago, still translate their own way. */
    for (unsigned asid = 1; asid <= 8; asid++) {
        cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, asid, roots[asid & 1])));
        cr_expect_eq(load(x), want[asid & 1], "ASID %u", asid);
        cr_expect_eq(load(y), want[asid & 1], "ASID %u", asid);
    }
}

/* A store to a page holding decoded code must not go through the TLB fast path: it has to
 * reach the machine, which drops the decoded blocks (self-modifying code). */
Test(mmu, stores_to_code_pages_take_the_slow_path)
{
    uint64_t prog = CODE + 0x3000;
    PROGRAM(prog, LI(A0, 1), EBREAK);
    run_at(prog, PRIV_M, 1000);
    cr_assert_eq(h->x[A0], 1);
    cr_assert(m->code_page[(prog - RAM_BASE) >> 12], "the code page was not marked");
    cr_assert_not_null(block_lookup(h->blocks, prog));

    /* Loads of the page are fine through the TLB; a store never gets a write entry. */
    uint64_t v;
    cr_assert(mem_load64(h, prog, &v));
    uint64_t drops = h->blocks->page_drops;
    cr_assert(mem_store32(h, prog, LI(A0, 2)));
    const struct tlb_entry *e = &h->tlb[PRIV_M].write[tlb_index(prog)];
    cr_expect_neq(e->tag, prog & ~0xfffULL, "a code page got a fast-path write entry");
    cr_expect_gt(h->blocks->page_drops, drops, "the store did not drop the page's blocks");
    cr_expect_null(block_lookup(h->blocks, prog));
    cr_expect_eq(peek32(prog), LI(A0, 2));

    run_at(prog, PRIV_M, 1000);
    cr_expect_eq(h->x[A0], 2, "the old decoded instruction ran");
}

/* A page that becomes code after its write translation was cached: the cached write entry must
 * go, or later stores would bypass the invalidation. */
Test(mmu, write_entry_dropped_when_page_becomes_code)
{
    uint64_t prog = CODE + 0x5000;
    cr_assert(mem_store32(h, prog, LI(A0, 7)));
    cr_assert(mem_store32(h, prog + 4, EBREAK));
    const struct tlb_entry *e = &h->tlb[PRIV_M].write[tlb_index(prog)];
    cr_assert_eq(e->tag, prog & ~0xfffULL, "precondition: a write entry for the page");
    run_at(prog, PRIV_M, 1000);
    cr_assert_eq(h->x[A0], 7);
    cr_expect_neq(e->tag, prog & ~0xfffULL, "the write entry survived the page becoming code");
    cr_assert(mem_store32(h, prog, LI(A0, 8)));
    run_at(prog, PRIV_M, 1000);
    cr_expect_eq(h->x[A0], 8);
}

/* MPRV (§3.1.6.3): M-mode loads and stores translate and check as MPP; fetches do not. */
Test(mmu, mprv_translates_data_as_mpp)
{
    set_data(DATA, 0x5555);
    set_data(DATA + PAGE, 0x6666);
    root = pt_alloc();
    map(root, 3, DATA, DATA + PAGE, 0, RWX_AD); /* S sees DATA's page as the next one */
    map(root, 3, 0x10000, DATA, 0, RWX_AD | PTE_U);
    set_priv(PRIV_M);
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 9, root)));
    cr_expect_eq(load(DATA), 0x5555, "M-mode without MPRV translated");

    uint64_t s = csr(CSR_MSTATUS) & ~MSTATUS_MPP;
    cr_assert(csr_write(h, CSR_MSTATUS, s | MSTATUS_MPRV | ((uint64_t)PRIV_S << 11)));
    cr_expect_eq(h->data_mode, PRIV_S);
    cr_expect_eq(load(DATA), 0x6666, "MPRV with MPP = S did not translate");
    /* The S rules apply: a U page is out of reach without SUM. */
    uint64_t v;
    h->exc_cause = 0;
    cr_expect_not(mem_load64(h, 0x10000, &v));
    cr_expect_eq(h->exc_cause, 13);
    cr_expect_eq(h->exc_tval, 0x10000);
    /* Fetches are M-mode's own: physical. */
    uint64_t pa;
    cr_assert(mmu_fetch_pa(h, DATA, &pa));
    cr_expect_eq(pa, DATA);

    cr_assert(csr_write(h, CSR_MSTATUS, s | MSTATUS_MPRV | ((uint64_t)PRIV_U << 11)));
    cr_expect_eq(load(0x10000), 0x5555, "MPRV with MPP = U");
    h->exc_cause = 0;
    cr_expect_not(mem_load64(h, DATA, &v), "U reached a supervisor page");
    cr_expect_eq(h->exc_cause, 13);

    cr_assert(csr_write(h, CSR_MSTATUS, s | MSTATUS_MPRV | ((uint64_t)PRIV_M << 11)));
    cr_expect_eq(load(DATA), 0x5555, "MPRV with MPP = M translated");
    cr_assert(csr_write(h, CSR_MSTATUS, s));
    cr_expect_eq(load(DATA), 0x5555);
}

/* Loads and stores end to end through the slow path: values, widths, a misaligned access inside
 * a page, and the fault of a load from nowhere. */
Test(mmu, slow_path_loads_and_stores)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    map(root, 3, 0x40001000, DATA, 0, RWX_AD);
    cr_assert(mem_store_slow(h, 0x40001010, 8, 0x0123456789abcdefULL));
    cr_expect_eq(peek64(DATA + 0x10), 0x0123456789abcdefULL);
    uint64_t v;
    cr_assert(mem_load_slow(h, 0x40001011, 4, &v)); /* misaligned: carried out byte by byte */
    cr_expect_eq(v, 0x6789abcdULL);
    cr_assert(mem_load_slow(h, 0x40001010, 2, &v));
    cr_expect_eq(v, 0xcdefULL);
    h->exc_cause = 0;
    cr_expect_not(mem_load_slow(h, 0x40003000, 8, &v));
    cr_expect_eq(h->exc_cause, 13);
    cr_expect_eq(h->exc_tval, 0x40003000);
    cr_expect_not(mem_store_slow(h, 0x40003000, 8, 1));
    cr_expect_eq(h->exc_cause, 15);

    /* A physical address nobody decodes: access fault with the virtual address. */
    map(root, 3, 0x40004000, 0x50000000, 0, RWX_AD);
    cr_expect_not(mem_load_slow(h, 0x40004008, 8, &v));
    cr_expect_eq(h->exc_cause, 5);
    cr_expect_eq(h->exc_tval, 0x40004008);
    cr_expect_not(mem_store_slow(h, 0x40004008, 8, 1));
    cr_expect_eq(h->exc_cause, 7);
}

/* The walk's PTE reads are S-mode accesses as far as PMP is concerned (§3.7.1): a page table in
 * a region S-mode may not read gives an access fault of the access's kind. */
Test(mmu, pmp_guards_the_page_table_walk)
{
    set_priv(PRIV_S);
    paging(SATP_MODE_SV39, 1);
    map(root, 3, 0x40001000, DATA, 0, RWX_AD);
    cr_expect_eq(translate_ok(0x40001000, ACCESS_READ, PRIV_S), DATA);
    set_priv(PRIV_M);
    /* TOR regions: [0, PT_POOL) RWX, [PT_POOL, DATA) nothing, [DATA, 2^56) RWX. */
    cr_assert(csr_write(h, 0x3b0, PT_POOL >> 2));
    cr_assert(csr_write(h, 0x3b1, DATA >> 2));
    cr_assert(csr_write(h, 0x3b2, (1ULL << 54) - 1));
    cr_assert(csr_write(h, 0x3a0, 0x0f | (0x08 << 8) | (0x0fULL << 16)));
    set_priv(PRIV_S);
    expect_fault(0x40001000, ACCESS_READ, PRIV_S, 5);
    expect_fault(0x40001000, ACCESS_WRITE, PRIV_S, 7);
    expect_fault(0x40001000, ACCESS_EXEC, PRIV_S, 1);
    /* M-mode ignores unlocked entries. */
    cr_expect_eq(translate_ok(PT_POOL, ACCESS_READ, PRIV_M), PT_POOL);
}
