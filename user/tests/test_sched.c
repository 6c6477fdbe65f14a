/* Scheduling: timer preemption within a priority, strict priority, yield. */
#include "harness.h"

static volatile uint64_t counter;
static volatile int stop;

static void count(void *arg)
{
    (void)arg;
    while (!stop)
        counter++;
}

void test_sched(void)
{
    /* Equal priority: we spin without yielding; only the timer lets the other thread run. */
    stop = 0;
    counter = 0;
    int64_t t = xpc_thread_start(count, NULL, 8192, DEFAULT_PRIORITY);
    uint64_t start = sys_clock_ns();
    while (counter == 0 && sys_clock_ns() - start < 2000000000ULL)
        ;
    CHECK(counter > 0);
    stop = 1;
    CHECK_EQ(sys_object_wait(t), 0);
    sys_handle_close(t);
    /* Lower priority never runs while we are runnable, even through yields. */
    stop = 0;
    counter = 0;
    t = xpc_thread_start(count, NULL, 8192, DEFAULT_PRIORITY - 1);
    for (int i = 0; i < 50; i++)
        sys_yield();
    CHECK_EQ(counter, 0);
    /* Once we sleep, it does. */
    sys_sleep_ns(5000000);
    CHECK(counter > 0);
    stop = 1;
    sys_object_wait(t);
    sys_handle_close(t);
    /* A higher-priority thread runs at once. */
    counter = 0;
    stop = 1;
    t = xpc_thread_start(count, NULL, 8192, DEFAULT_PRIORITY + 1);
    CHECK_EQ(sys_object_wait(t), 0); /* it ran to completion first */
    sys_handle_close(t);
    CHECK_EQ(sys_thread_set_priority(12345, 3), ERR_BAD_HANDLE);
}
