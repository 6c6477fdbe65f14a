/* Sv39 address spaces.
 *
 * Every address space shares the kernel's top-level entries: DRAM mapped at its physical
 * address (global, supervisor-only) and the first GiB of the physical map (devices) at
 * KERNEL_MMIO_BASE. User pages sit below USER_TOP; [RELAY_WINDOW_BASE, RELAY_WINDOW_LIMIT) is
 * reserved for XPC relay segments and never appears in a page table.
 *
 * Two switch modes: with ASIDs (the default when the hart implements them) an address-space
 * change is a satp write; in flush mode (bootarg "asid=off", what seL4 does on RISC-V) every
 * change is followed by a full sfence.vma. */
#include <kernel/mm.h>
#include <kernel/riscv.h>
#include <kernel/object.h>
#include <kernel/arch.h>

#define SATP_SV39        ((uint64_t)SATP_MODE_SV39 << SATP_MODE_SHIFT)
#define KERNEL_MMIO_BASE 0xffffffc000000000ULL

static uint64_t kernel_root;
static bool asid_mode;
static uint16_t asid_max;
static uint8_t asid_used[65536 / 8];
struct address_space *as_active;

static uint64_t make_satp(uint64_t root, uint16_t asid)
{
    return SATP_SV39 | ((uint64_t)asid << SATP_ASID_SHIFT) | (root >> PAGE_SHIFT);
}

void vm_init(uint64_t mem_base, uint64_t mem_size, const char *bootargs)
{
    kernel_root = frame_alloc();
    uint64_t *root = phys_to_virt(kernel_root);
    uint64_t gib = 1ULL << 30;
    for (uint64_t pa = ALIGN_DOWN(mem_base, gib); pa < mem_base + mem_size; pa += gib)
        root[PT_INDEX(pa, 2)] =
            PTE_FROM_PA(pa) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D;
    root[PT_INDEX(KERNEL_MMIO_BASE, 2)] =
        PTE_FROM_PA(0) | PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D;
    /* Find how many ASID bits the hart keeps: write all ones and read back. */
    csr_write(satp, make_satp(kernel_root, RV_BIT(SATP_ASID_BITS) - 1));
    uint64_t back = csr_read(satp);
    asid_max = (uint16_t)((back >> SATP_ASID_SHIFT) & (RV_BIT(SATP_ASID_BITS) - 1));
    csr_write(satp, make_satp(kernel_root, 0));
    sfence_vma_all();
    asid_mode = asid_max > 0 && !strstr(bootargs, "asid=off");
    asid_used[0] = 1; /* ASID 0 is the kernel's and flush mode's */
}

bool vm_asid_mode(void)
{
    return asid_mode;
}

uint64_t kernel_mmio(uint64_t pa)
{
    return KERNEL_MMIO_BASE + pa;
}

static uint16_t asid_alloc(void)
{
    if (!asid_mode)
        return 0;
    for (uint32_t a = 1; a <= asid_max; a++) {
        if (!(asid_used[a / 8] & (1 << (a % 8)))) {
            asid_used[a / 8] |= 1 << (a % 8);
            sfence_vma_asid(a); /* entries of the last owner may linger */
            return (uint16_t)a;
        }
    }
    return 0; /* out of ASIDs: this space runs untagged, flushed on every switch */
}

struct address_space *as_create(void)
{
    struct address_space *as = kmalloc(sizeof(*as));
    if (!as)
        return NULL;
    as->root = frame_alloc();
    if (!as->root) {
        kfree(as, sizeof(*as));
        return NULL;
    }
    memcpy(phys_to_virt(as->root), phys_to_virt(kernel_root), PAGE_SIZE);
    as->asid = asid_alloc();
    as->satp = make_satp(as->root, as->asid);
    list_init(&as->mappings);
    return as;
}

static void free_table(uint64_t table, int level)
{
    uint64_t *pt = phys_to_virt(table);
    for (int i = 0; i < 512; i++) {
        uint64_t pte = pt[i];
        if (!(pte & PTE_V) || (pte & PTE_G))
            continue;
        if (pte & (PTE_R | PTE_W | PTE_X)) {
            if (pte & PTE_OWNED)
                frame_free(PTE_TO_PA(pte));
        } else if (level > 0) {
            free_table(PTE_TO_PA(pte), level - 1);
        }
    }
    frame_free(table);
}

void as_destroy(struct address_space *as)
{
    if (as_active == as)
        as_activate(NULL);
    free_table(as->root, 2);
    if (as->asid) {
        sfence_vma_asid(as->asid);
        asid_used[as->asid / 8] &= ~(1 << (as->asid % 8));
    }
    kfree(as, sizeof(*as));
}

void as_activate(struct address_space *as)
{
    if (as == as_active)
        return;
    if (!as) {
        as_active = NULL;
        csr_write(satp, make_satp(kernel_root, 0));
        sfence_vma_all();
        return;
    }
    as_switch(as);
}

uint64_t as_satp(const struct address_space *as)
{
    return as->satp;
}

/* The XPC engine switched satp behind the kernel's back (an xcall or xret in user mode): as is
 * what the hart runs now. Only called in ASID mode, where such a switch needs no flush. */
void as_assume_active(struct address_space *as)
{
    as_active = as;
}

/* Walks to the leaf PTE for va, allocating tables when alloc is set. */
static uint64_t *walk(struct address_space *as, uint64_t va, bool alloc)
{
    uint64_t table = as->root;
    for (int level = 2; level > 0; level--) {
        uint64_t *pte = (uint64_t *)phys_to_virt(table) + PT_INDEX(va, level);
        if (!(*pte & PTE_V)) {
            if (!alloc)
                return NULL;
            uint64_t t = frame_alloc();
            if (!t)
                return NULL;
            *pte = PTE_FROM_PA(t) | PTE_V;
        } else if (*pte & (PTE_R | PTE_W | PTE_X)) {
            return NULL; /* a superpage: only the kernel's, never walked into */
        }
        table = PTE_TO_PA(*pte);
    }
    return (uint64_t *)phys_to_virt(table) + PT_INDEX(va, 0);
}

static void flush_page(struct address_space *as, uint64_t va)
{
    if (as->asid)
        __asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"((uint64_t)as->asid) : "memory");
    else
        __asm__ volatile("sfence.vma %0" ::"r"(va) : "memory");
}

static bool user_page_va(uint64_t va)
{
    return va >= USER_BASE && va < USER_TOP && (va & PAGE_OFFSET_MASK) == 0;
}

int as_map_page(struct address_space *as, uint64_t va, uint64_t pa, uint64_t flags)
{
    if (!user_page_va(va))
        return ERR_OUT_OF_RANGE;
    uint64_t *pte = walk(as, va, true);
    if (!pte)
        return ERR_NO_MEMORY;
    if (*pte & PTE_V)
        return ERR_OUT_OF_RANGE;
    *pte = PTE_FROM_PA(pa) | flags | PTE_V | PTE_U | PTE_A | PTE_D;
    return 0;
}

uint64_t as_unmap_page(struct address_space *as, uint64_t va)
{
    uint64_t *pte = walk(as, va, false);
    if (!pte || !(*pte & PTE_V))
        return 0;
    uint64_t old = *pte;
    *pte = 0;
    flush_page(as, va);
    if (old & PTE_OWNED)
        frame_free(PTE_TO_PA(old));
    return old;
}

int as_map_anon(struct address_space *as, uint64_t va, uint64_t size, uint64_t flags)
{
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t pa = frame_alloc();
        if (!pa)
            return ERR_NO_MEMORY;
        int r = as_map_page(as, va + off, pa, flags | PTE_OWNED);
        if (r < 0) {
            frame_free(pa);
            return r;
        }
    }
    return 0;
}

void as_add_flags(struct address_space *as, uint64_t va, uint64_t flags)
{
    uint64_t *pte = walk(as, va, false);
    if (pte && (*pte & PTE_V)) {
        *pte |= flags & (PTE_R | PTE_W | PTE_X);
        flush_page(as, va);
    }
}

bool as_range_free(struct address_space *as, uint64_t va, uint64_t size)
{
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *pte = walk(as, va + off, false);
        if (pte && (*pte & PTE_V))
            return false;
    }
    return true;
}

uint64_t as_lookup(struct address_space *as, uint64_t va, uint64_t need)
{
    if (va < USER_BASE || va >= USER_TOP)
        return 0;
    uint64_t *pte = walk(as, ALIGN_DOWN(va, PAGE_SIZE), false);
    if (!pte || (*pte & (PTE_V | PTE_U | need)) != (PTE_V | PTE_U | need))
        return 0;
    return PTE_TO_PA(*pte) + (va & PAGE_OFFSET_MASK);
}

/* ---- user copies ---- */

bool user_range_ok(uint64_t va, size_t n)
{
    return va >= USER_BASE && va <= USER_TOP && n <= USER_TOP - va;
}

int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
    if (!user_range_ok(usrc, n))
        return ERR_FAULT;
    return user_copy(dst, (const void *)usrc, n);
}

int copy_to_user(uint64_t udst, const void *src, size_t n)
{
    if (!user_range_ok(udst, n))
        return ERR_FAULT;
    return user_copy((void *)udst, src, n);
}

/* The faulting instruction, read from user memory (stval need not hold it). */
bool fetch_user_insn(uint64_t pc, uint32_t *insn)
{
    uint16_t lo, hi;
    if (copy_from_user(&lo, pc, 2) < 0)
        return false;
    if ((lo & 3) != 3) {
        *insn = lo;
        return true;
    }
    if (copy_from_user(&hi, pc + 2, 2) < 0)
        return false;
    *insn = lo | (uint32_t)hi << 16;
    return true;
}
