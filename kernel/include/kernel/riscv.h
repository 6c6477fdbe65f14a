/* RISC-V privileged-architecture definitions the kernel uses. */
#ifndef KERNEL_RISCV_H
#define KERNEL_RISCV_H

#include <kernel/types.h>

#define SSTATUS_SIE      (1ULL << 1)
#define SSTATUS_SPIE     (1ULL << 5)
#define SSTATUS_SPP      (1ULL << 8)
#define SSTATUS_SUM      (1ULL << 18)
#define SSTATUS_FS       (3ULL << 13)
#define SSTATUS_FS_OFF   (0ULL << 13)
#define SSTATUS_FS_CLEAN (2ULL << 13)
#define SSTATUS_FS_DIRTY (3ULL << 13)

#define SIE_STIE (1ULL << 5)
#define SIE_SEIE (1ULL << 9)

#define SCAUSE_INTERRUPT     (1ULL << 63)
#define IRQ_S_TIMER          5
#define IRQ_S_EXTERNAL       9
#define EXC_INST_MISALIGNED  0
#define EXC_INST_ACCESS      1
#define EXC_ILLEGAL_INST     2
#define EXC_BREAKPOINT       3
#define EXC_LOAD_ACCESS      5
#define EXC_STORE_ACCESS     7
#define EXC_ECALL_U          8
#define EXC_INST_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT  13
#define EXC_STORE_PAGE_FAULT 15

#define csr_read(csr)                                                                              \
    ({                                                                                             \
        uint64_t __v;                                                                              \
        __asm__ volatile("csrr %0, " #csr : "=r"(__v));                                            \
        __v;                                                                                       \
    })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_set(csr, v)   __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")

static inline void sfence_vma_all(void)
{
    __asm__ volatile("sfence.vma" ::: "memory");
}
static inline void sfence_vma_asid(uint64_t asid)
{
    __asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
}
static inline uint64_t read_time(void)
{
    return csr_read(time);
}

#endif
