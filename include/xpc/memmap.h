/* The physical memory map of the machine: QEMU's `virt` board, as far as it is emulated.
 *
 * One header so that the machine, the device tree it builds and the kernel agree. Values follow
 * QEMU 7.2 hw/riscv/virt.c so that the same firmware and kernel images run on both machines. */
#ifndef XPC_MEMMAP_H
#define XPC_MEMMAP_H

#define MEMMAP_BOOTROM_BASE 0x00001000ULL /* reset vector + fw_dynamic_info (QEMU "mrom") */
#define MEMMAP_BOOTROM_SIZE 0x0000f000ULL
#define MEMMAP_TEST_BASE    0x00100000ULL /* sifive_test finisher: pass, fail(code), reset */
#define MEMMAP_TEST_SIZE    0x00001000ULL
#define MEMMAP_CLINT_BASE   0x02000000ULL /* msip, mtimecmp, mtime */
#define MEMMAP_CLINT_SIZE   0x00010000ULL
#define MEMMAP_PLIC_BASE    0x0c000000ULL
#define MEMMAP_PLIC_SIZE    0x00600000ULL
#define MEMMAP_UART0_BASE   0x10000000ULL /* ns16550a, reg-shift 0 */
#define MEMMAP_UART0_SIZE   0x00000100ULL
/* virtio-mmio transports: slot n at BASE + n * SIZE, n = 0..COUNT-1, on PLIC source IRQ + n. */
#define MEMMAP_VIRTIO_BASE  0x10001000ULL
#define MEMMAP_VIRTIO_SIZE  0x00001000ULL
#define MEMMAP_VIRTIO_COUNT 8
#define MEMMAP_DRAM_BASE    0x80000000ULL

/* PLIC interrupt sources (QEMU virt numbering). */
#define MEMMAP_UART0_IRQ           10
#define MEMMAP_VIRTIO_IRQ          1  /* slot n raises source 1 + n */
#define MEMMAP_PLIC_NUM_SOURCES    96 /* sources 1..95; 0 means "none" */
#define MEMMAP_PLIC_NUM_PRIORITIES 7

/* CLINT/ACLINT mtime runs at 10 MHz on QEMU virt; the device tree's timebase-frequency. */
#define MEMMAP_TIMEBASE_HZ 10000000ULL

/* Where images go, as QEMU places them: firmware at the start of DRAM, an S-mode payload
 * (-kernel) at the next 2 MiB boundary past the firmware on RV64. */
#define MEMMAP_KERNEL_BASE 0x80200000ULL

#endif
