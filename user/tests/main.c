/* utest: the user-level test suite. Each area lives in its own file. */
#include <string.h>
#include "harness.h"

unsigned long tests_passed, tests_failed;
uint64_t root_resource;

static void run(const char *name, void (*fn)(void))
{
    unsigned long p = tests_passed, f = tests_failed;
    fn();
    printf("utest: %-10s %lu passed, %lu failed\n", name, tests_passed - p, tests_failed - f);
}

int main(void)
{
    /* init sends a root-resource handle as the first message on our bootstrap channel. */
    char tag[8];
    uint64_t actual;
    sys_channel_read(xpc_bootstrap_handle, tag, sizeof(tag), &root_resource, 1, &actual, 0);
    struct kstats before, after;
    sys_kstats(&before);
    run("syscalls", test_syscalls);
    run("handles", test_handles);
    run("vmo", test_vmo);
    run("endpoint", test_endpoint);
    run("channel", test_channel);
    run("process", test_process);
    run("sched", test_sched);
    run("device", test_device);
    run("oom", test_oom);
    /* Everything the tests made is closed: only the objects of this process remain (threads
     * that ended are gone too). */
    sys_kstats(&after);
    for (int t = OBJ_VMO; t < OBJ_TYPE_COUNT; t++)
        CHECK_EQ(after.objects[t], before.objects[t]);
    CHECK_EQ(after.objects[OBJ_PROCESS], before.objects[OBJ_PROCESS]);
    CHECK_EQ(after.objects[OBJ_THREAD], before.objects[OBJ_THREAD]);
    CHECK_EQ(after.handles, before.handles);
    uint64_t counts[2] = {tests_passed, tests_failed};
    sys_channel_write(xpc_bootstrap_handle, counts, sizeof(counts), NULL, 0);
    return tests_failed != 0;
}
