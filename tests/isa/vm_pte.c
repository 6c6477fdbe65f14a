/* Sv39 PTE encodings that must fault: V=0, W without R (reserved), a pointer PTE at the last
 * level, superpages whose physical page number is not aligned to their size, and the reserved
 * high bits (N and PBMT without Svnapot/Svpbmt, bits 60:54); and MXR, which lets loads read
 * execute-only pages. */
#include "vm.h"

static volatile uint64_t marker = 0xabcdef0123456789ULL;

static void load_faults(const char *what, uint64_t va)
{
    trap_arm();
    LOAD64(va);
    check_trap(what, &trap_m, CAUSE_LOAD_PAGE_FAULT, va);
}

int main(void)
{
    struct vm vm;
    vm_init(&vm, 3, 0);
    uint64_t *page = vm_page();
    page[0] = 0x77;
    uint64_t flags = PTE_R | PTE_W | PTE_A | PTE_D;

    uint64_t va_ok = TEST_VA;
    vm_map(&vm, va_ok, (uint64_t)page, 0, flags);
    uint64_t va_invalid = TEST_VA + 1 * PAGE_4K;
    vm_map(&vm, va_invalid, (uint64_t)page, 0, flags);
    uint64_t va_w_only = TEST_VA + 2 * PAGE_4K;
    vm_map(&vm, va_w_only, (uint64_t)page, 0, PTE_W | PTE_A | PTE_D);
    uint64_t va_wx = TEST_VA + 3 * PAGE_4K;
    vm_map(&vm, va_wx, (uint64_t)page, 0, PTE_W | PTE_X | PTE_A | PTE_D);
    uint64_t va_pointer_leaf = TEST_VA + 4 * PAGE_4K;
    vm_map(&vm, va_pointer_leaf, (uint64_t)page, 0, 0); /* V only at level 0 */
    uint64_t va_n = TEST_VA + 5 * PAGE_4K;
    vm_map(&vm, va_n, (uint64_t)page, 0, flags | 1ULL << 63);
    uint64_t va_pbmt = TEST_VA + 6 * PAGE_4K;
    vm_map(&vm, va_pbmt, (uint64_t)page, 0, flags | 1ULL << 61);
    uint64_t va_reserved = TEST_VA + 7 * PAGE_4K;
    vm_map(&vm, va_reserved, (uint64_t)page, 0, flags | 1ULL << 54);
    uint64_t va_xonly = TEST_VA + 8 * PAGE_4K;
    vm_map(&vm, va_xonly, (uint64_t)page, 0, PTE_X | PTE_A);
    /* superpages: 2 MiB leaf with PPN[0] != 0, 1 GiB leaf with PPN[1] != 0 */
    uint64_t va_2m_ok = TEST_VA + 2 * PAGE_2M;
    vm_map(&vm, va_2m_ok, MEMMAP_DRAM_BASE, 1, flags);
    uint64_t va_2m_bad = TEST_VA + 3 * PAGE_2M;
    vm_map(&vm, va_2m_bad, MEMMAP_DRAM_BASE + PAGE_4K, 1, flags);
    uint64_t va_1g_bad = 5 * PAGE_1G;
    vm_map(&vm, va_1g_bad, MEMMAP_DRAM_BASE + PAGE_2M, 2, flags);
    uint64_t va_1g_ok = 6 * PAGE_1G;
    vm_map(&vm, va_1g_ok, MEMMAP_DRAM_BASE, 2, flags);
    /* the level-0 PTE for va_invalid loses V */
    volatile uint64_t *invalid = vm_map(&vm, va_invalid, (uint64_t)page, 0, flags);
    *invalid &= ~PTE_V;

    vm_enable(&vm);
    m_enter(PRIV_S);
    uint64_t offset = (uint64_t)&marker - MEMMAP_DRAM_BASE;
    check("valid 4 KiB leaf", LOAD64(va_ok), 0x77);
    check("aligned 2 MiB leaf", LOAD64(va_2m_ok + offset), marker);
    check("aligned 1 GiB leaf", LOAD64(va_1g_ok + offset), marker);
    load_faults("V=0", va_invalid);
    load_faults("W without R (reserved)", va_w_only);
    load_faults("W+X without R (reserved)", va_wx);
    trap_arm();
    STORE64(va_w_only, 1);
    check_trap("store through W without R", &trap_m, CAUSE_STORE_PAGE_FAULT, va_w_only);
    load_faults("pointer PTE at level 0", va_pointer_leaf);
    load_faults("N bit without Svnapot", va_n);
    load_faults("PBMT bits without Svpbmt", va_pbmt);
    load_faults("reserved bit 54", va_reserved);
    load_faults("misaligned 2 MiB leaf", va_2m_bad + offset);
    load_faults("misaligned 1 GiB leaf", va_1g_bad + offset);
    check("page untouched by the faulting store", page[0], 0x77);

    load_faults("X-only page with MXR=0", va_xonly);
    csr_set(sstatus, MSTATUS_MXR);
    trap_arm();
    check("X-only page with MXR=1 loads", LOAD64(va_xonly), 0x77);
    check_no_trap("  no fault");
    trap_arm();
    STORE64(va_xonly, 1);
    check_trap("  MXR does not allow stores", &trap_m, CAUSE_STORE_PAGE_FAULT, va_xonly);
    csr_clear(sstatus, MSTATUS_MXR);
    raise_priv();
    vm_disable();
    return 0;
}
