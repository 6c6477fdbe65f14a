/* The engine cache: hits, the flush rule, caller identities, tables, replacement, switches, and
 * the cost report the cycle model reads. */
#include "test_xpc_fixture.h"

TestSuite(cache, .init = fixture);
TestSuite(nocache, .init = fixture_nocache);

/* A call from A and straight back, so the next call starts from the same state. */
static void round_trip(uint64_t id)
{
    call_ok(id);
    ret_ok();
}

Test(cache, second_call_hits_and_reads_no_entry)
{
    call_ok(0);
    cr_expect(cost.cache_lookup);
    cr_expect(!cost.entry_hit);
    ret_ok();
    call_ok(0);
    cr_expect(cost.entry_hit);
    cr_expect(cost.cap_hit);
    cr_expect_eq(cost.nreads, 0);
    cr_expect_eq(cost.nwrites, 9);
    cr_expect_eq(eng.stats.cache_hits, 1);
    cr_expect_eq(eng.stats.cache_misses, 1);
}

Test(cache, miss_reports_the_words_read_and_written)
{
    call_ok(1);
    cr_expect(!cost.entry_hit);
    cr_assert_eq(cost.nreads, 5);
    cr_expect_eq(cost.read_pa[0], CAP_A, "the bitmap word first");
    for (unsigned i = 0; i < 4; i++)
        cr_expect_eq(cost.read_pa[1 + i], XTBL + 32 + 8 * i);
    cr_assert_eq(cost.nwrites, 9);
    for (unsigned i = 0; i < 9; i++)
        cr_expect_eq(cost.write_pa[i], LINK_BOT + 128 + 8 * i);
    cr_expect(cost.satp_changed);
    cr_expect_eq(cost.cap_pa, CAP_A);
    cr_expect_eq(cost.entry_pa, XTBL + 32);
    cr_expect_eq(cost.link_pa, LINK_BOT + 128);
    ret_ok();
    cr_expect_eq(cost.link_pa, LINK_BOT + 128, "xret names the record it popped");
    cr_expect_eq(cost.nreads, 9);
}

Test(cache, stale_entry_until_flush_then_the_new_one)
{
    round_trip(0);
    set_xentry(0, 0x99000, SATP_B, CAP_B, XPC_XENTRY_SEGLIST_WORD(0, 0));
    call_ok(0);
    cr_expect_eq(hart.pc, ENTRY_B, "without a flush the cache may keep the old entry");
    ret_ok();
    wcsr(XPC_CSR_XCTL, rcsr(XPC_CSR_XCTL) | XPC_XCTL_FLUSH);
    call_ok(0);
    cr_expect_eq(hart.pc, 0x99000, "after xctl.FLUSH the table is read again");
    cr_expect(!cost.entry_hit);
}

Test(cache, revoked_cap_bit_takes_effect_at_flush)
{
    round_trip(0);
    poke(CAP_A, peek(CAP_A) & ~XPC_CAP_BIT(0));
    wcsr(XPC_CSR_XCTL, rcsr(XPC_CSR_XCTL) | XPC_XCTL_FLUSH);
    EXPECT_FAULT(do_xcall(0), XPC_CAUSE_INVALID_XCALLCAP, 0);
}

Test(cache, invalidated_entry_takes_effect_at_flush)
{
    round_trip(0);
    poke(XTBL + XPC_XENTRY_SEGLIST, 0);
    wcsr(XPC_CSR_XCTL, rcsr(XPC_CSR_XCTL) | XPC_XCTL_FLUSH);
    EXPECT_FAULT(do_xcall(0), XPC_CAUSE_INVALID_XENTRY, 0);
}

/* A new caller identity never uses another's cap bit, flush or not. */
Test(cache, another_caller_identity_reads_its_own_bitmap)
{
    round_trip(0);             /* A's bit for entry 0 is cached */
    wcsr(XPC_CSR_XCAP, CAP_C); /* a thread that may call nothing */
    EXPECT_FAULT(do_xcall(0), XPC_CAUSE_INVALID_XCALLCAP, 0);
    cr_expect(!cost.cap_hit);
    cr_expect_eq(cost.nreads, 1, "C's bitmap word, and no entry after a denied call");
    allow(CAP_C, 0);
    call_ok(0);
    cr_expect(!cost.cap_hit, "C's bit was never cached");
    cr_expect_eq(eng.stats.cache_cap_miss, 1);
    ret_ok();
    wcsr(XPC_CSR_XCAP, CAP_A);
    call_ok(0);
    cr_expect(!cost.cap_hit, "the line now holds C's bit, so A's is read again");
}

Test(cache, a_cap_bit_cleared_in_the_line_for_one_caller_denies_only_that_caller)
{
    wcsr(XPC_CSR_XCAP, CAP_C);
    EXPECT_FAULT(do_xcall(0), XPC_CAUSE_INVALID_XCALLCAP, 0);
    wcsr(XPC_CSR_XCAP, CAP_A);
    call_ok(0);
}

Test(cache, another_table_never_hits)
{
    round_trip(0);
    /* A second table whose entry 0 goes elsewhere. */
    uint64_t tbl2 = MEM_BASE + 0x5000;
    for (unsigned w = 0; w < 4; w++)
        poke(tbl2 + 8 * w, peek(XTBL + 8 * w));
    poke(tbl2 + XPC_XENTRY_PC, 0x77000);
    wcsr(XPC_CSR_XTBL, tbl2);
    call_ok(0);
    cr_expect_eq(hart.pc, 0x77000);
    cr_expect(!cost.entry_hit);
}

Test(cache, faulting_calls_do_not_fill)
{
    EXPECT_FAULT(do_xcall(3), XPC_CAUSE_INVALID_XENTRY, 3);
    wcsr(XPC_CSR_XLINKLIM, LINK_BOT);
    EXPECT_FAULT(do_xcall(0), XPC_CAUSE_LINK_OVERFLOW, 0);
    for (unsigned i = 0; i < XPC_CACHE_MAX_ENTRIES; i++)
        cr_expect(!eng.cache[i].valid);
}

Test(cache, least_recently_used_line_is_replaced)
{
    struct xpc_config cfg = XPC_CONFIG_DEFAULT;
    cfg.cache_entries = 2;
    fixture_with(&cfg);
    allow(CAP_A, 4);
    round_trip(0);
    round_trip(1);
    round_trip(0); /* 1 is now the least recent */
    round_trip(4); /* evicts 1 */
    call_ok(0);
    cr_expect(cost.entry_hit, "0 stayed");
    ret_ok();
    call_ok(1);
    cr_expect(!cost.entry_hit, "1 was evicted");
}

Test(nocache, every_call_reads_memory)
{
    round_trip(0);
    call_ok(0);
    cr_expect(!cost.cache_lookup);
    cr_expect(!cost.entry_hit);
    cr_expect_eq(cost.nreads, 5);
    cr_expect_eq(eng.stats.cache_hits, 0);
}

Test(nocache, prefetch_is_a_no_op)
{
    cr_expect_eq(do_xcall(~0ULL), 0);
    cr_expect_eq(cost.nreads, 0);
    call_ok(0);
    cr_expect(!cost.entry_hit);
}

Test(cache, zero_entries_is_no_cache)
{
    struct xpc_config cfg = XPC_CONFIG_DEFAULT;
    cfg.cache_entries = 0;
    fixture_with(&cfg);
    round_trip(0);
    call_ok(0);
    cr_expect(!cost.entry_hit);
    cr_expect(!cost.cache_lookup);
}
