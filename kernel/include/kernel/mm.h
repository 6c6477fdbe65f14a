/* Physical frames, the kernel heap, Sv39 address spaces and user copies. */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <kernel/types.h>
#include <kernel/riscv.h>
#include <xpc/sys.h>

#define USER_IPCBUF_LIMIT_SLOTS ((USER_IPCBUF_LIMIT - USER_IPCBUF_BASE) / PAGE_SIZE)

/* Physical frame allocator (one bit per 4 KiB frame). Frames are zeroed on allocation. */
void frame_init(uint64_t mem_base, uint64_t mem_size, uint64_t reserved_lo, uint64_t reserved_hi,
                uint64_t fdt_base, uint64_t fdt_size);
uint64_t frame_alloc(void); /* physical address, 0 when out of memory */
void frame_free(uint64_t pa);
/* n physically contiguous zeroed frames (relay segments, link stacks, the x-entry table). */
uint64_t frame_alloc_contig(uint64_t n);
void frame_free_contig(uint64_t pa, uint64_t n);
uint64_t frames_used(void);
uint64_t frames_total(void);
uint64_t frames_free(void);
extern uint64_t heap_frames; /* frames held by the kernel heap (not counted as leaks) */

/* The kernel maps all of DRAM at its physical address, so a physical address is a pointer. */
static inline void *phys_to_virt(uint64_t pa)
{
    return (void *)pa;
}

/* Kernel heap: power-of-two size classes from 32 to 2048 bytes. */
void *kmalloc(size_t size); /* zeroed */
void kfree(void *p, size_t size);
uint64_t kheap_live_bytes(void);

/* The PTE bit (one of the two RSW bits) that marks a frame the address space owns and frees. */
#define PTE_OWNED RV_BIT(PTE_RSW_SHIFT)

struct vmo;
struct mapping {
    struct list link;
    uint64_t va, size;
    struct vmo *vmo;
};

struct address_space {
    uint64_t root; /* physical address of the root page table */
    uint16_t asid;
    uint64_t satp; /* the satp value that runs it: mode, ASID and root, made once */
    uint64_t brk_base, brk;
    struct list mappings;
    uint32_t ipcbuf_slots[(USER_IPCBUF_LIMIT_SLOTS + 31) / 32];
};

void vm_init(uint64_t mem_base, uint64_t mem_size, const char *bootargs);
bool vm_asid_mode(void);
uint64_t kernel_mmio(uint64_t pa); /* kernel virtual address of a device register */
struct address_space *as_create(void);
void vm_unmap_all(struct address_space *as); /* every VMO mapping (core/vmo.c) */
void as_destroy(struct address_space *as);
void as_activate(struct address_space *as); /* NULL: the kernel-only table */
extern struct address_space *as_active;     /* the space satp runs now */
/* Switches to a user space; inline, because the IPC fastpath switches on every call. In flush
 * mode (no ASID) the write is followed by the full sfence.vma seL4 executes on RISC-V. */
static inline __attribute__((always_inline)) void as_switch(struct address_space *as)
{
    if (as == as_active)
        return;
    as_active = as;
    csr_write(satp, as->satp);
    if (!as->asid)
        sfence_vma_all();
}
uint64_t as_satp(const struct address_space *as);
void as_assume_active(struct address_space *as);
/* Maps pa at va with PTE flags (U added); 0 or an error. */
int as_map_page(struct address_space *as, uint64_t va, uint64_t pa, uint64_t flags);
/* Allocates, zeroes and maps owned frames over [va, va+size). */
int as_map_anon(struct address_space *as, uint64_t va, uint64_t size, uint64_t flags);
uint64_t as_unmap_page(struct address_space *as, uint64_t va); /* returns the old PTE */
bool as_range_free(struct address_space *as, uint64_t va, uint64_t size);
void as_add_flags(struct address_space *as, uint64_t va, uint64_t flags); /* widen a mapping */
/* The physical address behind a user va if mapped with all of need_flags, else 0. */
uint64_t as_lookup(struct address_space *as, uint64_t va, uint64_t need_flags);

/* Copies between the kernel and the current address space. Never trusts the pointer: the range is
 * checked to lie in user space, then accessed with SUM set; a fault returns ERR_FAULT. */
int copy_from_user(void *dst, uint64_t usrc, size_t n);
int copy_to_user(uint64_t udst, const void *src, size_t n);
bool user_range_ok(uint64_t va, size_t n);
/* The instruction at a user pc (16 or 32 bits), read from the current address space. */
bool fetch_user_insn(uint64_t pc, uint32_t *insn);

#endif
