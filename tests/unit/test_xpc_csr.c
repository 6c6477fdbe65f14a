/* XPC CSR access rules per privilege, WARL bits and the side effects of writes. */
#include "test_xpc_fixture.h"

TestSuite(csr, .init = fixture);

static const unsigned s_csrs[] = {
    XPC_CSR_XTBL,     XPC_CSR_XTBLSZ,   XPC_CSR_XCAP,       XPC_CSR_XLINK,
    XPC_CSR_XLINKLIM, XPC_CSR_XSEGLIST, XPC_CSR_XSEGLISTSZ, XPC_CSR_XCTL,
    XPC_CSR_XSEGVA,   XPC_CSR_XSEGPA,   XPC_CSR_XSEGLEN,    XPC_CSR_SXCALLER,
};
static const unsigned u_ro_csrs[] = {XPC_CSR_XCALLER, XPC_CSR_USEGVA, XPC_CSR_USEGPA,
                                     XPC_CSR_USEGLEN};

Test(csr, numbers_outside_the_extension_are_not_mine)
{
    const unsigned others[] = {0x000, 0x100, 0x180, 0x300, 0x5BF, 0x5CC,
                               0x8C1, 0xC00, 0xCC1, 0xCC7, 0xCCB, 0xF14};
    uint64_t v = 0x1234;
    for (unsigned i = 0; i < sizeof others / sizeof others[0]; i++) {
        cr_expect_eq(xpc_csr_read(&eng, others[i], 3, &v), XPC_CSR_NOT_MINE, "0x%x", others[i]);
        cr_expect_eq(xpc_csr_write(&eng, others[i], 3, 0), XPC_CSR_NOT_MINE, "0x%x", others[i]);
    }
    cr_expect_eq(v, 0x1234, "NOT_MINE leaves the value alone");
}

Test(csr, supervisor_csrs_need_s_or_m)
{
    for (unsigned i = 0; i < sizeof s_csrs / sizeof s_csrs[0]; i++) {
        uint64_t v;
        cr_expect_eq(xpc_csr_read(&eng, s_csrs[i], 0, &v), XPC_CSR_ILLEGAL, "0x%x", s_csrs[i]);
        cr_expect_eq(xpc_csr_write(&eng, s_csrs[i], 0, 0), XPC_CSR_ILLEGAL, "0x%x", s_csrs[i]);
        cr_expect_eq(xpc_csr_read(&eng, s_csrs[i], 1, &v), XPC_CSR_OK, "0x%x", s_csrs[i]);
        cr_expect_eq(xpc_csr_read(&eng, s_csrs[i], 3, &v), XPC_CSR_OK, "0x%x", s_csrs[i]);
    }
    cr_expect_eq(rcsr(XPC_CSR_XTBL), XTBL, "the U-mode attempt wrote nothing");
}

Test(csr, segmask_is_user_read_write)
{
    uint64_t v;
    cr_expect_eq(xpc_csr_write(&eng, XPC_CSR_XSEGMASK, 0, 0xdeadbeef00001234ULL), XPC_CSR_OK);
    cr_expect_eq(xpc_csr_read(&eng, XPC_CSR_XSEGMASK, 0, &v), XPC_CSR_OK);
    cr_expect_eq(v, 0xdeadbeef00001234ULL);
}

Test(csr, user_views_are_read_only_in_every_mode)
{
    for (unsigned i = 0; i < 4; i++)
        for (unsigned priv = 0; priv <= 3; priv += (priv == 1 ? 2 : 1)) {
            uint64_t v;
            cr_expect_eq(xpc_csr_read(&eng, u_ro_csrs[i], priv, &v), XPC_CSR_OK);
            cr_expect_eq(xpc_csr_write(&eng, u_ro_csrs[i], priv, 0), XPC_CSR_ILLEGAL,
                         "0x%x priv %u", u_ro_csrs[i], priv);
        }
}

Test(csr, user_views_show_the_segment_but_not_its_physical_base_to_u)
{
    uint64_t v;
    cr_expect_eq(xpc_csr_read(&eng, XPC_CSR_USEGVA, 0, &v), XPC_CSR_OK);
    cr_expect_eq(v, SEG_VA);
    cr_expect_eq(xpc_csr_read(&eng, XPC_CSR_USEGLEN, 0, &v), XPC_CSR_OK);
    cr_expect_eq(v, SEG_LEN | XPC_SEG_PERM_R | XPC_SEG_PERM_W);
    cr_expect_eq(xpc_csr_read(&eng, XPC_CSR_USEGPA, 0, &v), XPC_CSR_OK);
    cr_expect_eq(v, 0);
    cr_expect_eq(xpc_csr_read(&eng, XPC_CSR_USEGPA, 1, &v), XPC_CSR_OK);
    cr_expect_eq(v, SEG_PA);
    cr_expect_eq(xpc_csr_read(&eng, XPC_CSR_USEGPA, 3, &v), XPC_CSR_OK);
    cr_expect_eq(v, SEG_PA);
}

Test(csr, xcaller_follows_calls)
{
    cr_expect_eq(rcsr(XPC_CSR_XCALLER), 0);
    call_ok(0);
    uint64_t v;
    cr_expect_eq(xpc_csr_read(&eng, XPC_CSR_XCALLER, 0, &v), XPC_CSR_OK);
    cr_expect_eq(v, CAP_A);
}

Test(csr, user_csrs_vanish_from_u_mode_while_the_engine_is_off)
{
    wcsr(XPC_CSR_XCTL, 0);
    uint64_t v;
    cr_expect_eq(xpc_csr_read(&eng, XPC_CSR_XCALLER, 0, &v), XPC_CSR_ILLEGAL);
    cr_expect_eq(xpc_csr_read(&eng, XPC_CSR_USEGVA, 0, &v), XPC_CSR_ILLEGAL);
    cr_expect_eq(xpc_csr_write(&eng, XPC_CSR_XSEGMASK, 0, 1), XPC_CSR_ILLEGAL);
    cr_expect_eq(xpc_csr_read(&eng, XPC_CSR_XSEGMASK, 1, &v), XPC_CSR_OK, "S still reaches it");
    cr_expect_eq(xpc_csr_write(&eng, XPC_CSR_XSEGMASK, 1, 1), XPC_CSR_OK);
}

Test(csr, warl_bits)
{
    wcsr(XPC_CSR_XTBL, 0x80001007);
    cr_expect_eq(rcsr(XPC_CSR_XTBL), 0x80001000);
    wcsr(XPC_CSR_XCAP, 0x80002005);
    cr_expect_eq(rcsr(XPC_CSR_XCAP), 0x80002000);
    wcsr(XPC_CSR_XSEGLIST, 0xffff000080004007ULL);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLIST), 0x80004000);
    wcsr(XPC_CSR_XSEGLISTSZ, 0x12345);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLISTSZ), 0x2345);
    wcsr(XPC_CSR_XSEGLEN, ~0ULL);
    cr_expect_eq(rcsr(XPC_CSR_XSEGLEN), XPC_SEGLEN_MASK);
    wcsr(XPC_CSR_XCTL, ~0ULL);
    cr_expect_eq(rcsr(XPC_CSR_XCTL), XPC_XCTL_ENABLE | XPC_XCTL_NONBLOCK_LINK, "flush reads as 0");
}

Test(csr, nonblocking_bit_is_zero_without_the_hardware)
{
    struct xpc_config cfg = XPC_CONFIG_DEFAULT;
    cfg.nonblocking_link = false;
    fixture_with(&cfg);
    wcsr(XPC_CSR_XCTL, XPC_XCTL_ENABLE | XPC_XCTL_NONBLOCK_LINK);
    cr_expect_eq(rcsr(XPC_CSR_XCTL), XPC_XCTL_ENABLE);
    call_ok(0);
    cr_expect(!cost.link_nonblocking);
}

Test(csr, nonblocking_bit_is_reported_to_the_cost_model)
{
    call_ok(0);
    cr_expect(cost.link_nonblocking);
    wcsr(XPC_CSR_XCTL, XPC_XCTL_ENABLE);
    ret_ok();
    call_ok(0);
    cr_expect(!cost.link_nonblocking);
}

Test(csr, segment_writes_bump_the_generation)
{
    const unsigned seg_csrs[] = {XPC_CSR_XSEGVA, XPC_CSR_XSEGPA, XPC_CSR_XSEGLEN};
    for (unsigned i = 0; i < 3; i++) {
        uint64_t g = xpc_seg_generation(&eng);
        wcsr(seg_csrs[i], rcsr(seg_csrs[i]));
        cr_expect_gt(xpc_seg_generation(&eng), g, "0x%x", seg_csrs[i]);
    }
    uint64_t g = xpc_seg_generation(&eng);
    wcsr(XPC_CSR_XSEGMASK, 5);
    wcsr(XPC_CSR_XTBL, XTBL);
    cr_expect_eq(xpc_seg_generation(&eng), g, "the mask does not change translation");
}

Test(csr, init_rejects_a_cache_larger_than_the_maximum)
{
    struct xpc_config cfg = XPC_CONFIG_DEFAULT;
    cfg.cache_entries = XPC_CACHE_MAX_ENTRIES + 1;
    const char *err = xpc_engine_init(&eng, &cfg);
    cr_assert_not_null(err);
    cr_expect(strstr(err, "cache_entries") != NULL, "%s", err);
    cr_expect_not_null(xpc_engine_init(&eng, NULL));
}

Test(csr, reset_clears_every_csr_and_disables_the_engine)
{
    call_ok(0);
    xpc_engine_reset(&eng);
    struct xpc_csrs zero;
    memset(&zero, 0, sizeof zero);
    cr_expect(memcmp(&zero, &eng.csr, sizeof zero) == 0);
    cr_expect(!xpc_enabled(&eng));
    cr_expect_eq(eng.cfg.cache_entries, 16, "configuration survives a reset");
}

Test(csr, sxcaller_lets_the_kernel_restore_xcaller)
{
    wcsr(XPC_CSR_SXCALLER, CAP_B | 7);
    cr_expect_eq(rcsr(XPC_CSR_SXCALLER), CAP_B, "bit 0 is the record's valid flag: kept clear");
    uint64_t v;
    cr_expect_eq(xpc_csr_read(&eng, XPC_CSR_XCALLER, 0, &v), XPC_CSR_OK);
    cr_expect_eq(v, CAP_B, "xcaller is the same register");
    cr_expect_eq(xpc_csr_write(&eng, XPC_CSR_SXCALLER, 0, 0), XPC_CSR_ILLEGAL, "not from U");
    call_ok(0);
    cr_expect_eq(peek(LINK_BOT + 128 + XPC_LINK_XCALLER), CAP_B | XPC_LINK_VALID,
                 "a call saves the restored identity");
    ret_ok();
    cr_expect_eq(rcsr(XPC_CSR_SXCALLER), CAP_B);
}
