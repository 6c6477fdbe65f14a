/* Out of memory: fill physical memory with VMOs, then make every kind of object and check each
 * call either works or says ERR_NO_MEMORY; free everything and find the counts as they were. */
#include <string.h>
#include "harness.h"

static int ok_or_oom(int64_t r)
{
    return r >= 0 || r == ERR_NO_MEMORY || r == ERR_NO_RESOURCES;
}

void test_oom(void)
{
    static int64_t vmos[HANDLE_TABLE_SIZE];
    int n = 0;
    struct kstats s0, s1;
    sys_kstats(&s0);
    int64_t r = 0;
    uint64_t size = VMO_MAX_SIZE;
    while (n < HANDLE_TABLE_SIZE - 40) {
        r = sys_vmo_create(size);
        if (r == ERR_NO_MEMORY && size > 4096) {
            size /= 2;
            continue;
        }
        if (r < 0)
            break;
        vmos[n++] = r;
    }
    CHECK_EQ(r, ERR_NO_MEMORY);
    sys_kstats(&s1);
    CHECK(s1.frames_free < 8);
    /* Every other object, with memory exhausted. */
    int all_ok = 1;
    uint64_t ch[2] = {0, 0};
    int64_t made[8];
    int m = 0;
    r = sys_channel_create(ch);
    all_ok &= ok_or_oom(r);
    r = sys_endpoint_create();
    all_ok &= ok_or_oom(r);
    if (r > 0)
        made[m++] = r;
    r = xpc_spawn("server", "exit 0", 0);
    all_ok &= ok_or_oom(r);
    if (r > 0) {
        sys_object_wait(r);
        made[m++] = r;
    }
    static uint8_t big[CHANNEL_MAX_BYTES];
    if (ch[0] > 0) {
        for (int i = 0; i < 8; i++)
            all_ok &= ok_or_oom(sys_channel_write(ch[0], big, sizeof(big), NULL, 0));
    }
    r = sys_brk((uint64_t)sys_brk(0) + (1 << 20));
    all_ok &= r >= 0 || r == ERR_NO_MEMORY;
    r = sys_vmo_map(vmos[0], 0, MAP_READ);
    all_ok &= ok_or_oom(r);
    if (r > 0)
        sys_vm_unmap((uint64_t)r);
    CHECK(all_ok);
    /* Give it all back. */
    if (ch[0] > 0) {
        sys_handle_close(ch[0]);
        sys_handle_close(ch[1]);
    }
    for (int i = 0; i < m; i++)
        sys_handle_close(made[i]);
    for (int i = 0; i < n; i++)
        sys_handle_close(vmos[i]);
    sys_kstats(&s1);
    CHECK_EQ(s1.objects[OBJ_VMO], s0.objects[OBJ_VMO]);
    CHECK_EQ(s1.objects[OBJ_CHANNEL], s0.objects[OBJ_CHANNEL]);
    CHECK_EQ(s1.objects[OBJ_PROCESS], s0.objects[OBJ_PROCESS]);
    CHECK_EQ(s1.handles, s0.handles);
    /* Our own heap may have grown by what brk got; nothing else may stay. */
    CHECK(s1.frames_used <= s0.frames_used + 256 + 4);
    /* And the system works again. */
    int64_t v = sys_vmo_create(VMO_MAX_SIZE);
    CHECK(v > 0);
    sys_handle_close(v);
}
