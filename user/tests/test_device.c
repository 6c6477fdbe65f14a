/* User-level drivers: device resources, device VMOs, contiguous DMA memory, physical addresses
 * and the user-range check (docs/syscalls.md, "Devices"), refusals first. */
#include <xpc/device.h>
#include <xpc/xpc.h>
#include "harness.h"

#define VIRTIO0 0x10001000ULL /* QEMU virt's first virtio-mmio slot (PLIC source 1) */

static void test_resources(void)
{
    int64_t weak = sys_handle_duplicate(root_resource, RIGHT_DUPLICATE);
    CHECK_EQ(sys_resource_create(0, VIRTIO0, 4096, 1, 1), ERR_BAD_HANDLE);
    CHECK_EQ(sys_resource_create(weak, VIRTIO0, 4096, 1, 1), ERR_ACCESS_DENIED);
    CHECK_EQ(sys_resource_create(root_resource, VIRTIO0 + 8, 4096, 1, 1), ERR_INVALID_ARGS);
    CHECK_EQ(sys_resource_create(root_resource, VIRTIO0, 0, 1, 1), ERR_INVALID_ARGS);
    CHECK_EQ(sys_resource_create(root_resource, VIRTIO0, 4096, 90, 8), ERR_INVALID_ARGS);
    /* RAM, the kernel and the devices the kernel drives are never a device range. */
    CHECK_EQ(sys_resource_create(root_resource, 0x80000000, 4096, 0, 0), ERR_OUT_OF_RANGE);
    CHECK_EQ(sys_resource_create(root_resource, 0x80200000, 4096, 0, 0), ERR_OUT_OF_RANGE);
    CHECK_EQ(sys_resource_create(root_resource, 0x7ffff000, 0x2000, 0, 0), ERR_OUT_OF_RANGE);
    CHECK_EQ(sys_resource_create(root_resource, 0x0c000000, 4096, 0, 0),
             ERR_OUT_OF_RANGE); /* PLIC */
    CHECK_EQ(sys_resource_create(root_resource, 0x02000000, 4096, 0, 0),
             ERR_OUT_OF_RANGE); /* CLINT */
    CHECK_EQ(sys_resource_create(root_resource, 0x10000000, 4096, 0, 0),
             ERR_OUT_OF_RANGE); /* UART */
    CHECK_EQ(sys_resource_create(root_resource, 0xfffffffffffff000ULL, 0x2000, 0, 0),
             ERR_OUT_OF_RANGE);

    int64_t slots = sys_resource_create(root_resource, VIRTIO0, 8 * 4096, 1, 8);
    CHECK(slots > 0);
    CHECK_EQ(sys_handle_info(slots) & 0xff, OBJ_RESOURCE);
    CHECK_EQ(sys_resource_create(root_resource, VIRTIO0, 4096, 0, 1), ERR_INVALID_ARGS);
    /* Narrowing: inside only, and among the parent's interrupts or none. */
    int64_t one = sys_resource_create(slots, VIRTIO0 + 4096, 4096, 2, 1);
    CHECK(one > 0);
    CHECK_EQ(sys_resource_create(slots, VIRTIO0 + 8 * 4096, 4096, 0, 0), ERR_OUT_OF_RANGE);
    CHECK_EQ(sys_resource_create(slots, VIRTIO0 - 4096, 8192, 0, 0), ERR_OUT_OF_RANGE);
    CHECK_EQ(sys_resource_create(slots, VIRTIO0, 4096, 8, 2), ERR_OUT_OF_RANGE);
    CHECK_EQ(sys_resource_create(one, VIRTIO0 + 4096, 4096, 1, 1), ERR_OUT_OF_RANGE);
    /* A device resource is not the root: no power-off, only its own interrupt. */
    CHECK_EQ(sys_poweroff((uint64_t)slots, 1), ERR_ACCESS_DENIED);
    CHECK_EQ(sys_interrupt_create((uint64_t)one, 1), ERR_ACCESS_DENIED);
    CHECK_EQ(sys_interrupt_create((uint64_t)slots, 9), ERR_ACCESS_DENIED);
    int64_t irq = sys_interrupt_create((uint64_t)one, 2);
    CHECK(irq > 0);
    sys_handle_close((uint64_t)irq);
    /* Every virtio-mmio source (1-8) can be bound by the root. */
    int bound = 0;
    for (uint32_t s = 1; s <= 8; s++) {
        int64_t h = sys_interrupt_create(root_resource, s);
        bound += h > 0;
        if (h > 0)
            sys_handle_close((uint64_t)h);
    }
    CHECK_EQ(bound, 8);

    /* Device memory. */
    CHECK_EQ(sys_device_vmo_create((uint64_t)weak, VIRTIO0, 4096), ERR_ACCESS_DENIED);
    CHECK_EQ(sys_device_vmo_create(root_resource, VIRTIO0, 4095), ERR_INVALID_ARGS);
    CHECK_EQ(sys_device_vmo_create(root_resource, VIRTIO0, VMO_MAX_SIZE + 4096), ERR_INVALID_ARGS);
    CHECK_EQ(sys_device_vmo_create(root_resource, 0x80000000, 4096), ERR_OUT_OF_RANGE);
    CHECK_EQ(sys_device_vmo_create(root_resource, 0x0c000000, 4096), ERR_OUT_OF_RANGE);
    CHECK_EQ(sys_device_vmo_create((uint64_t)one, VIRTIO0, 4096), ERR_OUT_OF_RANGE);
    struct kstats s0, s1;
    sys_kstats(&s0);
    int64_t regs = sys_device_vmo_create((uint64_t)one, VIRTIO0 + 4096, 4096);
    CHECK(regs > 0);
    CHECK_EQ(sys_vmo_phys((uint64_t)regs, 0), VIRTIO0 + 4096);
    int64_t va = sys_vmo_map((uint64_t)regs, 0, MAP_READ | MAP_WRITE);
    CHECK(va > 0);
    CHECK_EQ(sys_vm_unmap((uint64_t)va), 0);
    sys_handle_close((uint64_t)regs);
    sys_kstats(&s1);
    CHECK_EQ(s1.frames_used, s0.frames_used); /* device frames are not RAM: nothing freed twice */
    sys_handle_close((uint64_t)one);
    sys_handle_close((uint64_t)slots);
    sys_handle_close((uint64_t)weak);
}

static void test_dma(void)
{
    CHECK_EQ(sys_vmo_create_contig(0, 4096), ERR_BAD_HANDLE);
    CHECK_EQ(sys_vmo_create_contig(root_resource, 0), ERR_INVALID_ARGS);
    CHECK_EQ(sys_vmo_create_contig(root_resource, VMO_MAX_SIZE + 1), ERR_INVALID_ARGS);
    struct kstats s0, s1;
    sys_kstats(&s0);
    int64_t v = sys_vmo_create_contig(root_resource, 3 * 4096 + 1);
    CHECK(v > 0);
    sys_kstats(&s1);
    CHECK_EQ(s1.frames_used, s0.frames_used + 5); /* four pages and the page list */
    int64_t pa = sys_vmo_phys((uint64_t)v, 0);
    CHECK(pa >= 0x80000000);
    CHECK_EQ(sys_vmo_phys((uint64_t)v, 3 * 4096 + 5), pa + 3 * 4096 + 5);
    CHECK_EQ(sys_vmo_phys((uint64_t)v, 4 * 4096), ERR_OUT_OF_RANGE);
    int64_t va = sys_vmo_map((uint64_t)v, 0, MAP_READ | MAP_WRITE);
    CHECK(va > 0);
    if (va > 0) {
        ((volatile uint64_t *)va)[1024] = 77;
        CHECK_EQ(((volatile uint64_t *)va)[1024], 77);
        sys_vm_unmap((uint64_t)va);
    }
    int64_t plain = sys_vmo_create(4096);
    CHECK_EQ(sys_vmo_phys((uint64_t)plain, 0), ERR_NOT_SUPPORTED);
    int64_t nomap = sys_handle_duplicate((uint64_t)v, RIGHT_READ);
    CHECK_EQ(sys_vmo_phys((uint64_t)nomap, 0), ERR_ACCESS_DENIED);
    sys_handle_close((uint64_t)nomap);
    sys_handle_close((uint64_t)plain);
    sys_handle_close((uint64_t)v);
    sys_kstats(&s1);
    CHECK_EQ(s1.frames_used, s0.frames_used);

    /* The active relay segment's physical address, for a driver that DMAs into it. */
    CHECK_EQ(sys_relay_phys(0), ERR_BAD_HANDLE);
    struct xpc_seg seg;
    CHECK_EQ(xpc_seg_alloc(8192, MAP_READ | MAP_WRITE, 3, &seg), 0);
    CHECK_EQ(xpc_seg_swap(3), 0);
    int64_t spa = sys_relay_phys(root_resource);
    CHECK(spa >= 0x80000000);
    CHECK_EQ(xpc_seg_swap(3), 0);
    CHECK_EQ(sys_relay_phys(root_resource), ERR_NOT_FOUND);
    CHECK_EQ(xpc_seg_free(&seg), 0);
}

static void test_vm_check(void)
{
    uint64_t local = 0;
    CHECK_EQ(sys_vm_check(&local, sizeof(local), VM_CHECK_WRITE), 0);
    CHECK_EQ(sys_vm_check(&local, 8, 2), ERR_INVALID_ARGS);
    CHECK_EQ(sys_vm_check((void *)0x3d000000, 8, 0), ERR_FAULT); /* unmapped */
    CHECK_EQ(sys_vm_check((void *)0x80200000, 8, 0), ERR_FAULT); /* the kernel */
    CHECK_EQ(sys_vm_check((void *)test_vm_check, 8, 0), 0);      /* our text */
    CHECK_EQ(sys_vm_check((void *)test_vm_check, 8, VM_CHECK_WRITE), ERR_FAULT);
    CHECK_EQ(sys_vm_check((void *)0x3ffff000, 0x2000, 0), ERR_FAULT); /* past USER_TOP */
}

void test_device(void)
{
    test_resources();
    test_dma();
    test_vm_check();
}
