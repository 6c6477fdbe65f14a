/* Handle tables: rights, duplication, stale values, exhaustion. */
#include "harness.h"

void test_handles(void)
{
    CHECK_EQ(sys_handle_close(0), ERR_BAD_HANDLE);
    CHECK_EQ(sys_handle_close(12345), ERR_BAD_HANDLE);
    CHECK_EQ(sys_handle_close(~0ULL), ERR_BAD_HANDLE);
    int64_t v = sys_vmo_create(4096);
    CHECK(v > 0);
    CHECK_EQ(sys_handle_info(v) & 0xff, OBJ_VMO);
    int64_t ro = sys_handle_duplicate(v, RIGHT_READ | RIGHT_MAP);
    CHECK(ro > 0 && ro != v);
    CHECK_EQ(sys_handle_info(ro) >> 8, RIGHT_READ | RIGHT_MAP);
    CHECK_EQ(sys_handle_duplicate(ro, RIGHT_READ), ERR_ACCESS_DENIED); /* no DUPLICATE right */
    CHECK_EQ(sys_handle_duplicate(v, 1u << 20), ERR_INVALID_ARGS);     /* rights never grow */
    CHECK_EQ(sys_vmo_map(ro, 0, MAP_READ | MAP_WRITE), ERR_ACCESS_DENIED);
    int64_t va = sys_vmo_map(ro, 0, MAP_READ);
    CHECK(va > 0);
    CHECK_EQ(sys_vm_unmap((uint64_t)va), 0);
    CHECK_EQ(sys_channel_write(v, "x", 1, NULL, 0), ERR_WRONG_TYPE);
    CHECK_EQ(sys_handle_close(v), 0);
    CHECK_EQ(sys_handle_close(v), ERR_BAD_HANDLE); /* stale */
    CHECK_EQ(sys_handle_info(v), ERR_BAD_HANDLE);
    CHECK_EQ(sys_handle_close(ro), 0);
    /* Fill the table; the kernel refuses, then everything closes cleanly. */
    static int64_t hs[HANDLE_TABLE_SIZE + 1];
    int n = 0;
    struct kstats s0, s1;
    sys_kstats(&s0);
    int64_t r;
    while (n <= HANDLE_TABLE_SIZE && (r = sys_endpoint_create()) > 0)
        hs[n++] = r;
    CHECK_EQ(r, ERR_NO_RESOURCES);
    CHECK(n > HANDLE_TABLE_SIZE - 10);
    int closed = 0;
    for (int i = 0; i < n; i++)
        closed += sys_handle_close(hs[i]) == 0;
    CHECK_EQ(closed, n);
    sys_kstats(&s1);
    CHECK_EQ(s1.objects[OBJ_ENDPOINT], s0.objects[OBJ_ENDPOINT]);
    CHECK_EQ(s1.handles, s0.handles);
    CHECK_EQ(s1.heap_bytes, s0.heap_bytes);
    /* Interrupt objects: range, exclusive binding, release on close. */
    CHECK_EQ(sys_handle_info(root_resource) & 0xff, OBJ_RESOURCE);
    CHECK_EQ(sys_interrupt_create(0, 5), ERR_BAD_HANDLE);
    int64_t weak = sys_handle_duplicate(root_resource, RIGHT_READ);
    CHECK_EQ(sys_interrupt_create(weak, 5), ERR_ACCESS_DENIED);
    CHECK_EQ(sys_poweroff(weak, 1), ERR_ACCESS_DENIED);
    CHECK_EQ(sys_poweroff(0, 1), ERR_BAD_HANDLE);
    sys_handle_close(weak);
    CHECK_EQ(sys_interrupt_create(root_resource, 0), ERR_INVALID_ARGS);
    CHECK_EQ(sys_interrupt_create(root_resource, 96), ERR_INVALID_ARGS);
    int64_t irq = sys_interrupt_create(root_resource, 5);
    CHECK(irq > 0);
    CHECK_EQ(sys_interrupt_create(irq, 5), ERR_WRONG_TYPE);
    CHECK_EQ(sys_interrupt_create(root_resource, 5), ERR_ALREADY_BOUND);
    CHECK_EQ(sys_handle_close(irq), 0);
    irq = sys_interrupt_create(root_resource, 5);
    CHECK(irq > 0);
    CHECK_EQ(SYSCALL(SYS_INTERRUPT_ACK, irq, 0, 0, 0, 0), 0);
    CHECK_EQ(SYSCALL(SYS_INTERRUPT_ACK, 77, 0, 0, 0, 0), ERR_BAD_HANDLE);
    sys_handle_close(irq);
}
