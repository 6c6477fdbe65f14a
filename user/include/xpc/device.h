/* System-call stubs for user-level drivers (docs/syscalls.md, "Devices"): device resources,
 * device memory, DMA memory and physical addresses. */
#ifndef XPC_DEVICE_H
#define XPC_DEVICE_H

#include <xpc/usys.h>

/* A resource narrowed to [base, base+size) and PLIC sources [irq, irq+nirq) (nirq 0: none),
 * from the root or another resource. */
static inline int64_t sys_resource_create(uint64_t parent, uint64_t base, uint64_t size,
                                          uint32_t irq, uint32_t nirq)
{
    return SYSCALL(SYS_RESOURCE_CREATE, parent, base, size, irq, nirq);
}
static inline int64_t sys_interrupt_wait(uint64_t h)
{
    return SYSCALL(SYS_INTERRUPT_WAIT, h, 0, 0, 0, 0);
}
static inline int64_t sys_interrupt_ack(uint64_t h)
{
    return SYSCALL(SYS_INTERRUPT_ACK, h, 0, 0, 0, 0);
}
/* The device registers at [base, base+size) as a VMO (map it with sys_vmo_map). */
static inline int64_t sys_device_vmo_create(uint64_t resource, uint64_t base, uint64_t size)
{
    return SYSCALL(SYS_DEVICE_VMO_CREATE, resource, base, size, 0, 0);
}
/* Physically contiguous, pinned memory for DMA. */
static inline int64_t sys_vmo_create_contig(uint64_t resource, uint64_t size)
{
    return SYSCALL(SYS_VMO_CREATE_CONTIG, resource, size, 0, 0, 0);
}
/* The physical address of byte `offset` of a contiguous or device VMO. */
static inline int64_t sys_vmo_phys(uint64_t vmo, uint64_t offset)
{
    return SYSCALL(SYS_VMO_PHYS, vmo, offset, 0, 0, 0);
}
/* The physical address of the calling thread's active relay segment (window). */
static inline int64_t sys_relay_phys(uint64_t resource)
{
    return SYSCALL(SYS_RELAY_PHYS, resource, 0, 0, 0, 0);
}
/* 0 if [va, va+len) is mapped readable (and writable with VM_CHECK_WRITE), else ERR_FAULT. */
static inline int64_t sys_vm_check(const void *va, uint64_t len, uint32_t flags)
{
    return SYSCALL(SYS_VM_CHECK, (uint64_t)va, len, flags, 0, 0);
}

#endif
