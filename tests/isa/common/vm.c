#include "vm.h"

#define TABLE_POOL 48
static uint64_t tables[TABLE_POOL][512] __attribute__((aligned(4096)));
static unsigned tables_used;
#define DATA_POOL 16
static uint64_t data_pages[DATA_POOL][512] __attribute__((aligned(4096)));
static unsigned data_used;

static uint64_t *zeroed(uint64_t (*pool)[512], unsigned *used, unsigned size)
{
    if (*used == size)
        test_abort("page pool exhausted");
    uint64_t *p = pool[(*used)++];
    for (int i = 0; i < 512; i++)
        p[i] = 0;
    return p;
}

uint64_t *vm_page(void)
{
    return zeroed(data_pages, &data_used, DATA_POOL);
}

static unsigned vpn(uint64_t va, int level)
{
    return PT_INDEX(va, level);
}

volatile uint64_t *vm_map(struct vm *vm, uint64_t va, uint64_t pa, int level, uint64_t flags)
{
    uint64_t *table = vm->root;
    for (int l = vm->levels - 1; l > level; l--) {
        uint64_t *pte = &table[vpn(va, l)];
        if (!(*pte & PTE_V)) {
            uint64_t *next = zeroed(tables, &tables_used, TABLE_POOL);
            *pte = PTE_FROM_PA((uint64_t)next) | PTE_V;
        } else if (*pte & (PTE_R | PTE_W | PTE_X)) {
            test_abort("vm_map: a leaf is in the way");
        }
        table = (uint64_t *)PTE_TO_PA(*pte);
    }
    volatile uint64_t *leaf = &table[vpn(va, level)];
    *leaf = PTE_FROM_PA(pa) | flags | PTE_V;
    return leaf;
}

void vm_init(struct vm *vm, int levels, int user)
{
    vm->levels = levels;
    vm->root = zeroed(tables, &tables_used, TABLE_POOL);
    uint64_t u = user ? PTE_U : 0;
    vm_map(vm, 0, 0, 2, PTE_R | PTE_W | PTE_A | PTE_D | u); /* devices */
    vm_map(vm, MEMMAP_DRAM_BASE, MEMMAP_DRAM_BASE, 2, PTE_RWX_AD | u);
}

void vm_enable(struct vm *vm)
{
    uint64_t mode = vm->levels == 3 ? SATP_SV39 : SATP_SV48;
    csr_write(satp, mode | (uint64_t)vm->root >> PAGE_SHIFT);
    sfence_all();
}

void vm_disable(void)
{
    csr_write(satp, 0);
    sfence_all();
}
