/* Misaligned data accesses, where the spec leaves the choice to the implementation and the
 * machine follows QEMU 7.2: plain loads and stores work, also across a page boundary (when the
 * second page faults, tval is the first byte of that page: the part that faulted); AMOs and LR
 * raise load-address-misaligned (cause 4, tval = address; the spec would allow a store/AMO cause
 * for AMOs, QEMU reads first); a misaligned SC cannot hold a reservation and simply fails (1)
 * without trapping. */
#include "vm.h"

static volatile uint8_t buf[64] __attribute__((aligned(64)));

#define LOADX(op, addr)                                                                            \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        asm volatile(op " %0, 0(%1)" : "=r"(v_) : "r"(addr) : "memory");                           \
        v_;                                                                                        \
    })
#define STOREX(op, addr, v) asm volatile(op " %0, 0(%1)" ::"r"((uint64_t)(v)), "r"(addr) : "memory")

int main(void)
{
    for (int i = 0; i < 64; i++)
        buf[i] = (uint8_t)(0x80 + i);
    volatile uint8_t *p = buf;

    trap_arm();
    check("lh at +1", LOADX("lh", p + 1), 0xffffffffffff8281ULL);
    check("lhu at +1", LOADX("lhu", p + 1), 0x8281);
    check("lw at +2", LOADX("lw", p + 2), 0xffffffff85848382ULL);
    check("lwu at +3", LOADX("lwu", p + 3), 0x86858483);
    check("ld at +5", LOADX("ld", p + 5), 0x8c8b8a8988878685ULL);
    check("ld at +9 (crosses 16)", LOADX("ld", p + 9), 0x908f8e8d8c8b8a89ULL);
    STOREX("sh", p + 33, 0x1122);
    STOREX("sw", p + 38, 0x33445566);
    STOREX("sd", p + 43, 0x778899aabbccddeeULL);
    check("sh at +33", LOADX("lhu", p + 33), 0x1122);
    check("  neighbours", (uint64_t)buf[32] << 8 | buf[35], 0xa0a3);
    check("sw at +38", LOADX("lwu", p + 38), 0x33445566);
    check("sd at +43", LOADX("ld", p + 43), 0x778899aabbccddeeULL);
    check("  neighbours", (uint64_t)buf[42] << 8 | buf[51], 0xaab3);
    check_no_trap("misaligned loads and stores: no traps");

    uint64_t r;
    trap_arm();
    asm volatile("amoadd.w %0, %2, (%1)" : "=r"(r) : "r"(p + 2), "r"(1ULL) : "memory");
    check_trap("amoadd.w at +2", &trap_m, CAUSE_MISALIGNED_LOAD, (uint64_t)(p + 2));
    trap_arm();
    asm volatile("amoswap.d %0, %2, (%1)" : "=r"(r) : "r"(p + 4), "r"(1ULL) : "memory");
    check_trap("amoswap.d at +4", &trap_m, CAUSE_MISALIGNED_LOAD, (uint64_t)(p + 4));
    trap_arm();
    asm volatile("lr.w %0, (%1)" : "=r"(r) : "r"(p + 1) : "memory");
    check_trap("lr.w at +1", &trap_m, CAUSE_MISALIGNED_LOAD, (uint64_t)(p + 1));
    trap_arm();
    asm volatile("lr.d %0, (%1)" : "=r"(r) : "r"(p + 4) : "memory");
    check_trap("lr.d at +4", &trap_m, CAUSE_MISALIGNED_LOAD, (uint64_t)(p + 4));
    trap_arm();
    asm volatile("sc.d %0, %2, (%1)" : "=&r"(r) : "r"(p + 4), "r"(1ULL) : "memory");
    check("sc.d at +4 fails", r, 1);
    check_no_trap("  without a trap");
    check("  memory unchanged by the faulting AMOs", LOADX("ld", p), 0x8786858483828180ULL);

    /* Across a page boundary under paging: both halves mapped works; the second half unmapped
     * page-faults. */
    struct vm vm;
    vm_init(&vm, 3, 0);
    uint64_t *first = vm_page(), *second = vm_page();
    first[511] = 0x1111111111111111ULL;
    second[0] = 0x2222222222222222ULL;
    uint64_t flags = PTE_R | PTE_W | PTE_A | PTE_D;
    vm_map(&vm, TEST_VA, (uint64_t)first, 0, flags);
    vm_map(&vm, TEST_VA + PAGE_4K, (uint64_t)second, 0, flags);
    vm_map(&vm, TEST_VA + 2 * PAGE_4K, (uint64_t)first, 0, flags); /* TEST_VA+3 pages unmapped */
    vm_enable(&vm);
    m_enter(PRIV_S);
    trap_arm();
    check("ld across two mapped pages", LOAD64(TEST_VA + PAGE_4K - 4), 0x2222222211111111ULL);
    check_no_trap("  no trap");
    trap_arm();
    LOAD64(TEST_VA + 3 * PAGE_4K - 4);
    check_trap("ld across into an unmapped page", &trap_m, CAUSE_LOAD_PAGE_FAULT, TEST_VA + 3 * PAGE_4K);
    trap_arm();
    STORE64(TEST_VA + 3 * PAGE_4K - 2, 0);
    check_trap("sd across into an unmapped page", &trap_m, CAUSE_STORE_PAGE_FAULT, TEST_VA + 3 * PAGE_4K);
    check("  first page untouched", first[511], 0x1111111111111111ULL);
    raise_priv();
    vm_disable();
    return 0;
}
