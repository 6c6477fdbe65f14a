/* The three XPC instructions against a fake physical memory: each check of brief 3.4 in order,
 * with its cause and tval and nothing changed after it; calls, nested calls, returns, masks,
 * swapseg and prefetch. */
#include "test_xpc_fixture.h"

TestSuite(xcall, .init = fixture);
TestSuite(xret, .init = fixture);
TestSuite(swapseg, .init = fixture);
TestSuite(decode, .init = fixture);

Test(xcall, pushes_the_record_and_switches_to_the_callee)
{
    wcsr(XPC_CSR_XSEGMASK, 0);
    cr_assert_eq(do_xcall(0), 0);
    uint64_t rec = LINK_BOT + 128;
    cr_expect_eq(peek(rec + XPC_LINK_RET_PC), PC_A + 4);
    cr_expect_eq(peek(rec + XPC_LINK_SATP), SATP_A);
    cr_expect_eq(peek(rec + XPC_LINK_XCAP), CAP_A);
    cr_expect_eq(peek(rec + XPC_LINK_SEGLIST), SEGLIST_A | (2ULL << 48));
    cr_expect_eq(peek(rec + XPC_LINK_SEGVA), SEG_VA);
    cr_expect_eq(peek(rec + XPC_LINK_SEGPA), SEG_PA);
    cr_expect_eq(peek(rec + XPC_LINK_SEGLEN), SEG_LEN | XPC_SEG_PERM_R | XPC_SEG_PERM_W);
    cr_expect_eq(peek(rec + XPC_LINK_SEGMASK), 0);
    cr_expect_eq(peek(rec + XPC_LINK_XCALLER), 0 | XPC_LINK_VALID);
    cr_expect_eq(peek(rec + 72), 0, "the kernel's words are not the engine's");

    cr_expect_eq(hart.new_pc, ENTRY_B);
    cr_expect_eq(hart.new_satp, SATP_B);
    cr_expect(hart.satp_changed);
    cr_expect_eq(rcsr(XPC_CSR_XLINK), rec + 128);
    cr_expect_eq(rcsr(XPC_CSR_XCALLER), CAP_A);
    cr_expect_eq(rcsr(XPC_CSR_XCAP), CAP_B);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLIST), 0);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLISTSZ), 0);
    cr_expect_eq(rcsr(XPC_CSR_XSEGVA), SEG_VA, "unmasked: the whole segment is passed");
    cr_expect_eq(rcsr(XPC_CSR_XSEGLEN), SEG_LEN | XPC_SEG_PERM_R | XPC_SEG_PERM_W);
    cr_expect_eq(tval, 0);
}

Test(xcall, takes_the_callee_seglist_from_the_entry)
{
    call_ok(1);
    cr_expect_eq(hart.pc, ENTRY_B1);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLIST), SEGLIST_B);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLISTSZ), 1);
}

/* Check 1: ID < xtblsz. */
Test(xcall, id_out_of_range_is_invalid_xentry)
{
    EXPECT_FAULT(do_xcall(5), XPC_CAUSE_INVALID_XENTRY, 5);
    EXPECT_FAULT(do_xcall(0x7fffffffffffffffULL), XPC_CAUSE_INVALID_XENTRY, 0x7fffffffffffffffULL);
    cr_expect_eq(cost.nreads, 0, "the range check needs no memory");
}

/* Check 2 comes before check 3: entry 4 is valid but A may not call it; entry 3 is invalid but
 * A may call it. */
Test(xcall, cap_bit_clear_is_invalid_xcallcap)
{
    EXPECT_FAULT(do_xcall(4), XPC_CAUSE_INVALID_XCALLCAP, 4);
    EXPECT_FAULT(do_xcall(2), XPC_CAUSE_INVALID_XCALLCAP, 2);
}

Test(xcall, cap_check_precedes_valid_check)
{
    poke(XTBL + 4 * 32 + XPC_XENTRY_SEGLIST, 0); /* entry 4: not valid, not allowed */
    EXPECT_FAULT(do_xcall(4), XPC_CAUSE_INVALID_XCALLCAP, 4);
}

/* Check 3. */
Test(xcall, invalid_entry_is_invalid_xentry)
{
    EXPECT_FAULT(do_xcall(3), XPC_CAUSE_INVALID_XENTRY, 3);
}

Test(xcall, valid_check_precedes_mask_check)
{
    wcsr(XPC_CSR_XSEGMASK, XPC_SEGMASK(0, 0x2000)); /* too long */
    EXPECT_FAULT(do_xcall(3), XPC_CAUSE_INVALID_XENTRY, 3);
}

/* Check 4: a non-zero mask has a non-zero length and lies inside the active segment. */
Test(xcall, bad_masks_are_invalid_segmask)
{
    static const uint64_t bad[] = {
        XPC_SEGMASK(0x10, 0),        /* empty */
        XPC_SEGMASK(0, SEG_LEN + 1), /* longer than the segment */
        XPC_SEGMASK(SEG_LEN, 1),     /* starts at the end */
        XPC_SEGMASK(SEG_LEN - 8, 9), /* ends one past the end */
        XPC_SEGMASK(0xffffffff, 0xffffffff),
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        wcsr(XPC_CSR_XSEGMASK, bad[i]);
        EXPECT_FAULT(do_xcall(0), XPC_CAUSE_INVALID_SEGMASK, 0);
    }
}

Test(xcall, mask_without_a_segment_is_invalid_segmask)
{
    set_segment(SEG_VA, SEG_PA, 0);
    wcsr(XPC_CSR_XSEGMASK, XPC_SEGMASK(0, 8));
    EXPECT_FAULT(do_xcall(0), XPC_CAUSE_INVALID_SEGMASK, 0);
}

Test(xcall, mask_check_precedes_overflow_check)
{
    wcsr(XPC_CSR_XLINKLIM, LINK_BOT + 128);
    wcsr(XPC_CSR_XSEGMASK, XPC_SEGMASK(8, 0));
    EXPECT_FAULT(do_xcall(0), XPC_CAUSE_INVALID_SEGMASK, 0);
}

/* Check 5: xlink + 128 <= xlinklim. */
Test(xcall, full_link_stack_is_link_overflow)
{
    wcsr(XPC_CSR_XLINKLIM, LINK_BOT + 128 + 127);
    EXPECT_FAULT(do_xcall(0), XPC_CAUSE_LINK_OVERFLOW, 0);
    wcsr(XPC_CSR_XLINKLIM, LINK_BOT);
    EXPECT_FAULT(do_xcall(0), XPC_CAUSE_LINK_OVERFLOW, 0);
    wcsr(XPC_CSR_XLINKLIM, LINK_BOT + 256);
    call_ok(0); /* exactly enough room */
}

Test(xcall, stack_fills_after_as_many_calls_as_records_fit)
{
    /* Records fit from LINK_BOT + 128 to LINK_LIM: three. Entry 0's callee may not call 0,
     * so give B's identity the right to call 0 too. */
    allow(CAP_B, 0);
    for (int i = 0; i < 3; i++)
        call_ok(0);
    EXPECT_FAULT(do_xcall(0), XPC_CAUSE_LINK_OVERFLOW, 0);
}

Test(xcall, bus_error_on_bitmap_is_load_access_fault)
{
    wcsr(XPC_CSR_XCAP, HOLE);
    EXPECT_FAULT(do_xcall(0), XPC_EXC_LOAD_ACCESS, HOLE);
}

Test(xcall, bus_error_on_entry_is_load_access_fault)
{
    wcsr(XPC_CSR_XTBL, HOLE - 32);
    allow(CAP_A, 1);
    EXPECT_FAULT(do_xcall(1), XPC_EXC_LOAD_ACCESS, HOLE);
}

Test(xcall, bus_error_on_record_is_store_access_fault_and_memory_is_restored)
{
    /* Words 0-3 of the record land in RAM, word 4 on the ROM: the engine must undo 0-3. */
    poke(ROM_BASE - 32, 0x1111);
    poke(ROM_BASE - 8, 0x4444);
    wcsr(XPC_CSR_XLINK, ROM_BASE - 32);
    wcsr(XPC_CSR_XLINKLIM, ROM_BASE + 0x100);
    EXPECT_FAULT(do_xcall(0), XPC_EXC_STORE_ACCESS, ROM_BASE);
    cr_expect_eq(peek(ROM_BASE - 32), 0x1111);
    cr_expect_eq(peek(ROM_BASE - 8), 0x4444);
}

Test(xcall, record_in_a_hole_is_store_access_fault)
{
    wcsr(XPC_CSR_XLINK, HOLE - 64);
    wcsr(XPC_CSR_XLINKLIM, HOLE + 0x1000);
    EXPECT_FAULT(do_xcall(0), XPC_EXC_STORE_ACCESS, HOLE);
}

Test(xcall, disabled_engine_is_illegal_instruction)
{
    wcsr(XPC_CSR_XCTL, 0);
    EXPECT_FAULT(do_xcall(0), XPC_EXC_ILLEGAL_INSN, 0);
    EXPECT_FAULT(do_xcall(~0ULL), XPC_EXC_ILLEGAL_INSN, 0);
    EXPECT_FAULT(do_xret(), XPC_EXC_ILLEGAL_INSN, 0);
    EXPECT_FAULT(do_swapseg(0), XPC_EXC_ILLEGAL_INSN, 0);
}

/* Masks: the callee gets the window [va + off, va + off + len), the record keeps the whole. */
Test(xcall, mask_narrows_the_callee_segment)
{
    wcsr(XPC_CSR_XSEGMASK, XPC_SEGMASK(0x100, 0x40));
    call_ok(0);
    cr_expect_eq(rcsr(XPC_CSR_XSEGVA), SEG_VA + 0x100);
    cr_expect_eq(rcsr(XPC_CSR_XSEGPA), SEG_PA + 0x100);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLEN), 0x40 | XPC_SEG_PERM_R | XPC_SEG_PERM_W);
    cr_expect_eq(rcsr(XPC_CSR_XSEGMASK), 0, "the mask is consumed by the call");
    cr_expect_eq(peek(LINK_BOT + 128 + XPC_LINK_SEGMASK), XPC_SEGMASK(0x100, 0x40));
    cr_expect_eq(peek(LINK_BOT + 128 + XPC_LINK_SEGLEN), SEG_LEN | XPC_SEG_PERM_R | XPC_SEG_PERM_W);
    ret_ok();
    cr_expect_eq(rcsr(XPC_CSR_XSEGVA), SEG_VA);
    cr_expect_eq(rcsr(XPC_CSR_XSEGPA), SEG_PA);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLEN), SEG_LEN | XPC_SEG_PERM_R | XPC_SEG_PERM_W);
}

Test(xcall, mask_covering_the_whole_segment_is_accepted)
{
    wcsr(XPC_CSR_XSEGMASK, XPC_SEGMASK(0, SEG_LEN));
    call_ok(0);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLEN), SEG_LEN | XPC_SEG_PERM_R | XPC_SEG_PERM_W);
    wcsr(XPC_CSR_XSEGMASK, 0);
}

Test(xcall, mask_keeps_the_permission)
{
    set_segment(SEG_VA, SEG_PA, SEG_LEN | XPC_SEG_PERM_R);
    wcsr(XPC_CSR_XSEGMASK, XPC_SEGMASK(SEG_LEN - 8, 8));
    call_ok(0);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLEN), 8 | XPC_SEG_PERM_R);
}

/* xret */
Test(xret, returns_to_the_caller_with_its_whole_state)
{
    struct xpc_csrs start = eng.csr;
    call_ok(0);
    ret_ok();
    cr_expect_eq(hart.pc, PC_A + 4);
    cr_expect_eq(hart.satp, SATP_A);
    cr_expect(memcmp(&start, &eng.csr, sizeof start) == 0, "a call and a return restore all CSRs");
}

Test(xret, empty_stack_is_invalid_linkage)
{
    EXPECT_FAULT(do_xret(), XPC_CAUSE_INVALID_LINKAGE, 0);
}

Test(xret, xlink_below_one_record_is_invalid_linkage)
{
    wcsr(XPC_CSR_XLINK, 64);
    EXPECT_FAULT(do_xret(), XPC_CAUSE_INVALID_LINKAGE, 0);
}

Test(xret, record_invalidated_by_the_kernel_is_invalid_linkage)
{
    call_ok(0);
    uint64_t rec = rcsr(XPC_CSR_XLINK) - 128;
    poke(rec + XPC_LINK_XCALLER, peek(rec + XPC_LINK_XCALLER) & ~XPC_LINK_VALID);
    EXPECT_FAULT(do_xret(), XPC_CAUSE_INVALID_LINKAGE, 0);
}

Test(xret, bus_error_is_load_access_fault)
{
    wcsr(XPC_CSR_XLINK, HOLE + 128);
    EXPECT_FAULT(do_xret(), XPC_EXC_LOAD_ACCESS, HOLE + XPC_LINK_XCALLER);
}

/* Check 2 of xret: exactly the segment handed over, field by field. */
Test(xret, any_change_of_the_segment_is_seg_mismatch)
{
    wcsr(XPC_CSR_XSEGMASK, XPC_SEGMASK(0x100, 0x40));
    call_ok(0);
    const uint64_t va = SEG_VA + 0x100, pa = SEG_PA + 0x100, rw = XPC_SEG_PERM_R | XPC_SEG_PERM_W;
    const uint64_t wrong[][3] = {
        {va + 8, pa, 0x40 | rw},         {va, pa + 8, 0x40 | rw},        {va, pa, 0x38 | rw},
        {va, pa, 0x40 | XPC_SEG_PERM_R}, {SEG_VA, SEG_PA, SEG_LEN | rw}, {va, pa, 0},
    };
    for (unsigned i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        set_segment(wrong[i][0], wrong[i][1], wrong[i][2]);
        EXPECT_FAULT(do_xret(), XPC_CAUSE_SEG_MISMATCH, 0);
    }
    set_segment(va, pa, 0x40 | rw);
    ret_ok();
    cr_expect_eq(hart.pc, PC_A + 4);
}

Test(xret, linkage_check_precedes_segment_check)
{
    set_segment(1, 2, 3);
    EXPECT_FAULT(do_xret(), XPC_CAUSE_INVALID_LINKAGE, 0);
}

Test(xret, nested_calls_return_in_order)
{
    call_ok(0); /* A -> B */
    uint64_t b_pc = hart.pc;
    cr_expect_eq(rcsr(XPC_CSR_XCALLER), CAP_A);
    wcsr(XPC_CSR_XSEGMASK, XPC_SEGMASK(0x200, 0x100));
    hart.next_pc = b_pc + 0x40; /* B calls from somewhere in its code */
    call_ok(2);                 /* B -> C */
    cr_expect_eq(hart.pc, ENTRY_C);
    cr_expect_eq(hart.satp, SATP_C);
    cr_expect_eq(rcsr(XPC_CSR_XCALLER), CAP_B);
    cr_expect_eq(rcsr(XPC_CSR_XCAP), CAP_C);
    cr_expect_eq(rcsr(XPC_CSR_XSEGVA), SEG_VA + 0x200);
    cr_expect_eq(rcsr(XPC_CSR_XLINK), LINK_BOT + 3 * 128);
    cr_expect_eq(peek(LINK_BOT + 256 + XPC_LINK_XCALLER), CAP_A | XPC_LINK_VALID);
    ret_ok(); /* C -> B */
    cr_expect_eq(hart.pc, b_pc + 0x40);
    cr_expect_eq(hart.satp, SATP_B);
    cr_expect_eq(rcsr(XPC_CSR_XCALLER), CAP_A);
    cr_expect_eq(rcsr(XPC_CSR_XCAP), CAP_B);
    cr_expect_eq(rcsr(XPC_CSR_XSEGVA), SEG_VA);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLEN) & XPC_SEG_LEN_MASK, SEG_LEN);
    ret_ok(); /* B -> A */
    cr_expect_eq(hart.pc, PC_A + 4);
    cr_expect_eq(hart.satp, SATP_A);
    cr_expect_eq(rcsr(XPC_CSR_XCALLER), 0);
    cr_expect_eq(rcsr(XPC_CSR_XCAP), CAP_A);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLIST), SEGLIST_A);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLISTSZ), 2);
    EXPECT_FAULT(do_xret(), XPC_CAUSE_INVALID_LINKAGE, 0);
}

Test(xret, is_read_only_on_memory)
{
    call_ok(0);
    take(&before);
    ret_ok();
    cr_expect(memcmp(before.bytes, fmem.bytes, MEM_SIZE) == 0);
    cr_expect_eq(cost.nwrites, 0);
    cr_expect_eq(cost.nreads, 9);
}

/* swapseg */
Test(swapseg, exchanges_the_active_segment_with_the_entry)
{
    cr_assert_eq(do_swapseg(0), 0);
    cr_expect_eq(rcsr(XPC_CSR_XSEGVA), SEG2_VA);
    cr_expect_eq(rcsr(XPC_CSR_XSEGPA), SEG2_PA);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLEN), 0x800 | XPC_SEG_PERM_R);
    cr_expect_eq(peek(SEGLIST_A + 0), SEG_VA);
    cr_expect_eq(peek(SEGLIST_A + 8), SEG_PA);
    cr_expect_eq(peek(SEGLIST_A + 16), SEG_LEN | XPC_SEG_PERM_R | XPC_SEG_PERM_W);
    cr_expect_eq(hart.new_pc, PC_A + 4);
    cr_expect(!hart.satp_changed);
    cr_assert_eq(do_swapseg(1), 0, "swap the active one into the empty slot");
    cr_expect_eq(rcsr(XPC_CSR_XSEGLEN), 0);
    cr_expect_eq(peek(SEGLIST_A + 24), SEG2_VA);
}

Test(swapseg, index_out_of_range_is_invalid_swapseg)
{
    EXPECT_FAULT(do_swapseg(2), XPC_CAUSE_INVALID_SWAPSEG, 2);
    EXPECT_FAULT(do_swapseg(~0ULL), XPC_CAUSE_INVALID_SWAPSEG, ~0ULL);
    wcsr(XPC_CSR_XSEGLISTSZ, 0);
    EXPECT_FAULT(do_swapseg(0), XPC_CAUSE_INVALID_SWAPSEG, 0);
}

Test(swapseg, bus_errors_are_access_faults)
{
    wcsr(XPC_CSR_XSEGLIST, HOLE - 8);
    EXPECT_FAULT(do_swapseg(0), XPC_EXC_LOAD_ACCESS, HOLE);
    wcsr(XPC_CSR_XSEGLIST, ROM_BASE - 8); /* first word in RAM, the others on the ROM */
    EXPECT_FAULT(do_swapseg(0), XPC_EXC_STORE_ACCESS, ROM_BASE);
}

Test(swapseg, in_a_callee_then_back_lets_xret_pass)
{
    call_ok(1); /* B with its seg-list of one */
    cr_assert_eq(do_swapseg(0), 0);
    cr_expect_eq(rcsr(XPC_CSR_XSEGVA), SEG2_VA + 0x100000);
    EXPECT_FAULT(do_xret(), XPC_CAUSE_SEG_MISMATCH, 0);
    cr_assert_eq(do_swapseg(0), 0);
    ret_ok();
    cr_expect_eq(rcsr(XPC_CSR_XSEGVA), SEG_VA);
}

Test(swapseg, bumps_the_segment_generation)
{
    uint64_t g = xpc_seg_generation(&eng);
    cr_assert_eq(do_swapseg(0), 0);
    cr_expect_gt(xpc_seg_generation(&eng), g);
}

/* Prefetch: a hint. */
Test(xcall, prefetch_changes_nothing_architectural)
{
    take(&before);
    cr_assert_eq(do_xcall(~0ULL), 0); /* entry 0 */
    cr_expect(cost.is_prefetch);
    cr_expect_eq(hart.new_pc, PC_A + 4);
    cr_expect(!hart.satp_changed);
    cr_expect(memcmp(&before.csr, &eng.csr, sizeof before.csr) == 0);
    cr_expect(memcmp(before.bytes, fmem.bytes, MEM_SIZE) == 0);
}

Test(xcall, prefetch_never_faults)
{
    const uint64_t ids[] = {5, 3, 4, 0x7fffffffffffffffULL};
    for (unsigned i = 0; i < 4; i++) {
        cr_expect_eq(do_xcall(~ids[i]), 0, "prefetch of %llu", (unsigned long long)ids[i]);
        cr_expect_eq(tval, 0);
    }
    wcsr(XPC_CSR_XTBL, HOLE);
    cr_expect_eq(do_xcall(~0ULL), 0);
    wcsr(XPC_CSR_XTBL, XTBL);
    wcsr(XPC_CSR_XCAP, HOLE);
    cr_expect_eq(do_xcall(~0ULL), 0);
}

Test(xcall, prefetch_fills_the_engine_cache)
{
    cr_assert_eq(do_xcall(~1ULL), 0);
    cr_expect_eq(cost.nreads, 5, "cap word and four entry words");
    call_ok(1);
    cr_expect(cost.entry_hit);
    cr_expect(cost.cap_hit);
    cr_expect_eq(cost.nreads, 0);
}

/* Decoding: fields and funct values the extension does not define. */
Test(decode, routes_the_three_instructions)
{
    cr_expect_eq(xpc_engine_execute(&eng, XPC_ENCODE_XCALL(10), 0, &hart, &mem, &tval, &cost), 0);
    cr_expect_eq(hart.new_pc, ENTRY_B);
    advance();
    cr_expect_eq(xpc_engine_execute(&eng, XPC_ENCODE_SWAPSEG(10), 0, &hart, &mem, &tval, &cost),
                 XPC_CAUSE_INVALID_SWAPSEG);
    cr_expect_eq(xpc_engine_execute(&eng, XPC_ENCODE_XRET, 0, &hart, &mem, &tval, &cost), 0);
    cr_expect_eq(hart.new_pc, PC_A + 4);
}

Test(decode, reserved_encodings_are_illegal_with_the_bits_as_tval)
{
    const uint32_t bad[] = {
        XPC_ENCODE(3, 10),              /* unknown funct7 */
        XPC_ENCODE(0x7f, 0),            /* unknown funct7 */
        XPC_ENCODE_XCALL(10) | 1 << 12, /* funct3 != 0 */
        XPC_ENCODE_XCALL(10) | 5 << 7,  /* rd != x0 */
        XPC_ENCODE_XCALL(10) | 6 << 20, /* rs2 != x0 */
        XPC_ENCODE_XRET | 10 << 15,     /* xret with rs1 */
        0x0000000b | 0x13,              /* not custom-0 at all */
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        EXPECT_FAULT(xpc_engine_execute(&eng, bad[i], 0, &hart, &mem, &tval, &cost),
                     XPC_EXC_ILLEGAL_INSN, bad[i]);
}

Test(decode, encodings_match_the_brief)
{
    /* .insn r 0x0b, 0, F, x0, a0, x0 (a0 = x10) */
    cr_expect_eq(XPC_ENCODE_XCALL(10), 0x0005000bu);
    cr_expect_eq(XPC_ENCODE_XRET, 0x0200000bu);
    cr_expect_eq(XPC_ENCODE_SWAPSEG(10), 0x0405000bu);
}
