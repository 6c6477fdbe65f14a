/* Relay-segment translation of data accesses: the window edges, straddling accesses,
 * permissions, and the window the CPU's TLB must keep out of. */
#include "test_xpc_fixture.h"

TestSuite(seg, .init = fixture);

/* 1: translated to *pa; 0: not the segment's; -1: fault. */
static int translate(uint64_t va, unsigned size, bool is_store, uint64_t *pa)
{
    bool fault = true;
    *pa = 0xbad;
    if (!xpc_seg_translate(&eng, va, size, is_store, pa, &fault)) {
        cr_assert(!fault, "fault flag set for an access outside the window");
        return 0;
    }
    return fault ? -1 : 1;
}

Test(seg, inside_the_window_translates_by_offset)
{
    uint64_t pa;
    cr_expect_eq(translate(SEG_VA, 8, false, &pa), 1);
    cr_expect_eq(pa, SEG_PA);
    cr_expect_eq(translate(SEG_VA + 0x123, 1, true, &pa), 1);
    cr_expect_eq(pa, SEG_PA + 0x123);
    cr_expect_eq(translate(SEG_VA + SEG_LEN - 1, 1, false, &pa), 1, "last byte");
    cr_expect_eq(pa, SEG_PA + SEG_LEN - 1);
    cr_expect_eq(translate(SEG_VA + SEG_LEN - 8, 8, true, &pa), 1, "last word");
    cr_expect_eq(pa, SEG_PA + SEG_LEN - 8);
}

Test(seg, outside_the_window_is_left_to_the_page_table)
{
    uint64_t pa;
    cr_expect_eq(translate(SEG_VA + SEG_LEN, 1, false, &pa), 0, "first byte past the end");
    cr_expect_eq(translate(SEG_VA + SEG_LEN, 8, true, &pa), 0);
    cr_expect_eq(translate(SEG_VA - 1, 1, false, &pa), 0, "byte below");
    cr_expect_eq(translate(SEG_VA - 8, 8, true, &pa), 0, "word ending right below");
    cr_expect_eq(translate(0, 8, false, &pa), 0);
    cr_expect_eq(translate(~0ULL - 7, 8, false, &pa), 0);
}

Test(seg, straddling_either_edge_is_a_fault)
{
    uint64_t pa;
    cr_expect_eq(translate(SEG_VA + SEG_LEN - 4, 8, false, &pa), -1, "over the end");
    cr_expect_eq(translate(SEG_VA + SEG_LEN - 1, 2, true, &pa), -1, "over the end");
    cr_expect_eq(translate(SEG_VA - 4, 8, false, &pa), -1, "over the start");
    cr_expect_eq(translate(SEG_VA - 1, 2, true, &pa), -1, "over the start");
}

Test(seg, permissions_are_checked)
{
    uint64_t pa;
    set_segment(SEG_VA, SEG_PA, SEG_LEN | XPC_SEG_PERM_R);
    cr_expect_eq(translate(SEG_VA, 8, false, &pa), 1);
    cr_expect_eq(translate(SEG_VA, 8, true, &pa), -1, "store to a read-only segment");
    set_segment(SEG_VA, SEG_PA, SEG_LEN | XPC_SEG_PERM_W);
    cr_expect_eq(translate(SEG_VA, 8, false, &pa), -1, "load from a write-only segment");
    cr_expect_eq(translate(SEG_VA, 8, true, &pa), 1);
    set_segment(SEG_VA, SEG_PA, SEG_LEN);
    cr_expect_eq(translate(SEG_VA, 1, false, &pa), -1);
    cr_expect_eq(translate(SEG_VA, 1, true, &pa), -1);
    cr_expect_eq(translate(SEG_VA + SEG_LEN, 1, true, &pa), 0, "outside is never the segment's");
}

Test(seg, no_segment_translates_nothing)
{
    uint64_t pa, first, last;
    set_segment(SEG_VA, SEG_PA, XPC_SEG_PERM_R | XPC_SEG_PERM_W);
    cr_expect_eq(translate(SEG_VA, 1, false, &pa), 0);
    cr_expect(!xpc_seg_window(&eng, &first, &last));
}

Test(seg, window_is_reported_inclusively)
{
    uint64_t first, last;
    cr_assert(xpc_seg_window(&eng, &first, &last));
    cr_expect_eq(first, SEG_VA);
    cr_expect_eq(last, SEG_VA + SEG_LEN - 1);
}

Test(seg, masked_callee_sees_only_its_window)
{
    uint64_t pa;
    uint64_t g = xpc_seg_generation(&eng);
    wcsr(XPC_CSR_XSEGMASK, XPC_SEGMASK(0x100, 0x40));
    call_ok(0);
    cr_expect_gt(xpc_seg_generation(&eng), g, "narrowing changes the window");
    cr_expect_eq(translate(SEG_VA + 0x100, 8, false, &pa), 1);
    cr_expect_eq(pa, SEG_PA + 0x100);
    cr_expect_eq(translate(SEG_VA + 0x13f, 1, true, &pa), 1);
    cr_expect_eq(translate(SEG_VA + 0x140, 1, false, &pa), 0, "the rest is not the callee's");
    cr_expect_eq(translate(SEG_VA, 8, false, &pa), 0);
    g = xpc_seg_generation(&eng);
    ret_ok();
    cr_expect_gt(xpc_seg_generation(&eng), g, "widening back changes the window");
    cr_expect_eq(translate(SEG_VA, 8, false, &pa), 1);
}

Test(seg, window_at_the_top_of_the_address_space)
{
    uint64_t pa;
    set_segment(~0ULL - 0xfff, SEG_PA, 0x1000 | XPC_SEG_PERM_R);
    cr_expect_eq(translate(~0ULL - 7, 8, false, &pa), 1);
    cr_expect_eq(pa, SEG_PA + 0xff8);
    cr_expect_eq(translate(0, 8, false, &pa), 0);
}
