/* RISC-V instructions the kernel uses: CSR access, fences, the time counter. The architecture's
 * numbers (CSRs, status bits, causes, PTE bits) are include/riscv/spec.h's. */
#ifndef KERNEL_RISCV_H
#define KERNEL_RISCV_H

#include <kernel/types.h>

#define csr_read(csr)                                                                              \
    ({                                                                                             \
        uint64_t __v;                                                                              \
        __asm__ volatile("csrr %0, " #csr : "=r"(__v));                                            \
        __v;                                                                                       \
    })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_set(csr, v)   __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
/* The same for a CSR named by a macro (XPC_CSR_* of include/xpc/isa.h): one level more, so the
 * name is expanded to its number before the assembler string is made. */
#define csr_read_named(csr)     csr_read(csr)
#define csr_write_named(csr, v) csr_write(csr, v)
#define csr_set_named(csr, v)   csr_set(csr, v)

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
