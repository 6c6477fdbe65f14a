/* Memory objects: sizes, placement, sharing between mappings and processes. */
#include "harness.h"

void test_vmo(void)
{
    CHECK_EQ(sys_vmo_create(0), ERR_INVALID_ARGS);
    CHECK_EQ(sys_vmo_create(VMO_MAX_SIZE + 1), ERR_INVALID_ARGS);
    /* Page tables stay once made: make them before counting. */
    int64_t w = sys_vmo_create(4096);
    sys_vm_unmap((uint64_t)sys_vmo_map(w, 0, MAP_READ));
    sys_vm_unmap((uint64_t)sys_vmo_map(w, 0x30000000, MAP_READ));
    sys_handle_close(w);
    struct kstats s0, s1;
    sys_kstats(&s0);
    int64_t v = sys_vmo_create(3 * 4096);
    CHECK(v > 0);
    sys_kstats(&s1);
    CHECK_EQ(s1.frames_used, s0.frames_used + 4); /* three pages and the page list */
    int64_t a = sys_vmo_map(v, 0, MAP_READ | MAP_WRITE);
    int64_t b = sys_vmo_map(v, 0, MAP_READ);
    CHECK(a > 0 && b > 0 && a != b);
    volatile uint64_t *pa = (uint64_t *)a, *pb = (uint64_t *)b;
    pa[0] = 0x1234;
    pa[1024] = 0x5678; /* second page */
    CHECK_EQ(pb[0], 0x1234);
    CHECK_EQ(pb[1024], 0x5678);
    /* Placement rules. */
    CHECK_EQ(sys_vmo_map(v, (uint64_t)a, MAP_READ), ERR_OUT_OF_RANGE);       /* overlap */
    CHECK_EQ(sys_vmo_map(v, RELAY_WINDOW_BASE, MAP_READ), ERR_OUT_OF_RANGE); /* relay window */
    CHECK_EQ(sys_vmo_map(v, 0x80000000, MAP_READ), ERR_OUT_OF_RANGE);        /* kernel */
    CHECK_EQ(sys_vmo_map(v, 0x20000123, MAP_READ), ERR_OUT_OF_RANGE);        /* unaligned */
    CHECK_EQ(sys_vmo_map(v, 0x10000, MAP_READ), ERR_OUT_OF_RANGE);           /* our text */
    CHECK_EQ(sys_vmo_map(v, 0, 0), ERR_INVALID_ARGS);
    CHECK_EQ(sys_vmo_map(v, 0, 8), ERR_INVALID_ARGS);
    CHECK_EQ(sys_vmo_map(v, 0x30000000, MAP_READ), 0x30000000);
    CHECK_EQ(sys_vm_unmap(0x30000000), 0);
    CHECK_EQ(sys_vm_unmap(0x30000000), ERR_NOT_FOUND);
    /* The VMO outlives its handle while mapped, and dies with the last mapping. */
    CHECK_EQ(sys_handle_close(v), 0);
    CHECK_EQ(pb[0], 0x1234);
    CHECK_EQ(sys_vm_unmap((uint64_t)a), 0);
    CHECK_EQ(sys_vm_unmap((uint64_t)b), 0);
    sys_kstats(&s1);
    CHECK_EQ(s1.frames_used, s0.frames_used);
    CHECK_EQ(s1.objects[OBJ_VMO], s0.objects[OBJ_VMO]);
}
