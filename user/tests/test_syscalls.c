/* System-call entry, argument checks, clock, sleep, heap. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"

void test_syscalls(void)
{
    CHECK_EQ(sys_null(), 0);
    CHECK_EQ(SYSCALL(SYS_COUNT, 0, 0, 0, 0, 0), ERR_BAD_SYSCALL);
    CHECK_EQ(SYSCALL(~0ULL, 0, 0, 0, 0, 0), ERR_BAD_SYSCALL);
    /* User pointers are checked: unmapped, kernel, relay window, wrapping. */
    CHECK_EQ(sys_debug_write((void *)0x1000, 4), ERR_FAULT);
    CHECK_EQ(sys_debug_write((void *)0x80200000, 4), ERR_FAULT);
    CHECK_EQ(sys_debug_write((void *)RELAY_WINDOW_BASE, 4), ERR_FAULT);
    CHECK_EQ(sys_debug_write((void *)-8ULL, 16), ERR_FAULT);
    CHECK_EQ(sys_debug_write("", 0), 0);
    const char *ro = "read-only";
    CHECK_EQ(sys_kstats((struct kstats *)ro), ERR_FAULT); /* .rodata is not writable */
    CHECK_EQ(sys_kstats((struct kstats *)(uintptr_t)&test_syscalls), ERR_FAULT);
    CHECK_EQ(sys_debug_read(NULL, 1, 4), ERR_INVALID_ARGS);
    /* Clock and sleep. */
    uint64_t t0 = sys_clock_ns();
    CHECK_EQ(sys_sleep_ns(20000000), 0);
    uint64_t t1 = sys_clock_ns();
    CHECK(t1 >= t0 + 20000000);
    if (t1 < t0 + 20000000)
        printf("slept %lu ns\n", (unsigned long)(t1 - t0));
    CHECK_EQ(sys_sleep_ns(~0ULL), ERR_INVALID_ARGS);
    /* Heap: brk grows, is usable and cannot go below its base or past its limit. */
    uint64_t brk = (uint64_t)sys_brk(0);
    CHECK(brk > USER_BASE);
    CHECK_EQ(sys_brk(USER_BASE), ERR_OUT_OF_RANGE);
    CHECK_EQ(sys_brk(USER_HEAP_LIMIT + 4096), ERR_OUT_OF_RANGE);
    char *big = malloc(300000);
    CHECK(big != NULL);
    if (big) {
        memset(big, 0x5a, 300000);
        CHECK(big[299999] == 0x5a);
        free(big);
    }
    struct ipc_buffer *ib = sys_ipc_buffer();
    CHECK((uint64_t)ib >= USER_IPCBUF_BASE && (uint64_t)ib < USER_IPCBUF_LIMIT);
    ib->msg[0] = 1; /* mapped and writable */
    CHECK_EQ(ib->msg[0], 1);
}
