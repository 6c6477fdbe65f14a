/* The GDB stub without a socket (sim/gdb/target.c, monitor.c, rsp.c's hex helpers): memory by
 * virtual address through the hart's page table with no side effect on it, registers in GDB's
 * numbering (the XPC CSRs by name in the target description, readable whatever the mode), the
 * monitor commands, and the parsing that bad packets reach. */
#include "cpu_fixture.h"
#include "gdb/internal.h"
#include "xpc/engine.h"

TestSuite(gdb, .init = cpu_setup, .fini = cpu_teardown);

#define REG_CSR0 65

static struct gdb *stub(void)
{
    static struct gdb g;
    memset(&g, 0, sizeof g);
    g.m = m;
    g.fd = -1;
    cr_assert(target_build_xml(&g));
    return &g;
}

Test(gdb, virtual_memory_without_touching_the_page_table)
{
    struct gdb *g = stub();
    uint64_t root = pt_alloc();
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 3, root)));
    /* a leaf without A and D: a real access would set them, the debugger must not */
    uint64_t leaf = map(root, 3, 0x40002000, DATA + 0x3000, 0, PTE_V | PTE_R | PTE_W | PTE_U);
    poke64(DATA + 0x3010, 0x1122334455667788ULL);
    set_priv(PRIV_U);
    uint8_t buf[8];
    cr_expect_eq(target_read_mem(g, 0x40002010, buf, 8), 8);
    uint64_t v;
    memcpy(&v, buf, 8);
    cr_expect_eq(v, 0x1122334455667788ULL);
    cr_expect_eq(target_write_mem(g, 0x40002018, buf, 4), 4);
    cr_expect_eq(peek32(DATA + 0x3018), 0x55667788);
    cr_expect_eq(peek64(leaf) & (PTE_A | PTE_D), 0, "the walk set no A/D bit");
    cr_expect_eq(target_read_mem(g, 0x40003000, buf, 8), 0, "an unmapped page reads nothing");
    cr_expect_eq(target_read_mem(g, 0x40002ffc, buf, 8), 4, "up to the end of the mapped page");
    g->physical = true;
    cr_expect_eq(target_read_mem(g, DATA + 0x3010, buf, 8), 8, "monitor phys: physical");
    memcpy(&v, buf, 8);
    cr_expect_eq(v, 0x1122334455667788ULL);
    cr_expect_eq(target_read_mem(g, MEMMAP_UART0_BASE, buf, 1), 0, "no device but the boot ROM");
}

Test(gdb, registers_in_gdb_numbering)
{
    struct gdb *g = stub();
    uint64_t v;
    h->x[10] = 42;
    h->pc = 0x80001234;
    cr_expect(target_read_reg(g, 10, &v) && v == 42);
    cr_expect(target_read_reg(g, 32, &v) && v == 0x80001234);
    cr_expect(target_write_reg(g, 0, 7) && target_read_reg(g, 0, &v) && v == 0, "x0 stays 0");
    cr_expect(target_write_reg(g, 33 + 5, 0x3ff0000000000000ULL));
    cr_expect_eq(h->f[5], 0x3ff0000000000000ULL);
    /* a CSR of M-mode and an XPC CSR, read while the hart is in U-mode */
    m->xpc->csr.xlink = 0x80004000;
    cr_assert(csr_write(h, CSR_MSCRATCH, 0x5c));
    set_priv(PRIV_U);
    cr_expect(target_read_reg(g, REG_CSR0 + CSR_MSCRATCH, &v) && v == 0x5c);
    cr_expect(target_read_reg(g, REG_CSR0 + XPC_CSR_XLINK, &v) && v == 0x80004000);
    cr_expect_eq(h->priv, PRIV_U, "the mode is as it was");
    cr_expect(target_read_reg(g, REG_CSR0 + 4096, &v) && v == PRIV_U, "priv");
    cr_expect_not(target_read_reg(g, REG_CSR0 + 0x7ff, &v), "no such CSR");
    cr_expect_not(target_read_reg(g, 9000, &v));
}

Test(gdb, target_description_names_the_xpc_csrs)
{
    struct gdb *g = stub();
    char want[96];
    snprintf(want, sizeof want, "<reg name=\"xcaller\" bitsize=\"64\" regnum=\"%u\"",
             REG_CSR0 + XPC_CSR_XCALLER);
    cr_expect_not_null(strstr(g->xml, want), "%s", want);
    snprintf(want, sizeof want, "<reg name=\"xsegva\" bitsize=\"64\" regnum=\"%u\"",
             REG_CSR0 + XPC_CSR_XSEGVA);
    cr_expect_not_null(strstr(g->xml, want), "%s", want);
    cr_expect_not_null(strstr(g->xml, "<reg name=\"mstatus\""));
    cr_expect_not_null(strstr(g->xml, "<reg name=\"fcsr\""));
    cr_expect_not_null(strstr(g->xml, "<architecture>riscv:rv64</architecture>"));
    cr_expect_eq(strlen(g->xml), g->xml_len);
    free(g->xml);
}

Test(gdb, monitor_commands)
{
    struct gdb *g = stub();
    char out[4096];
    monitor_command(g, "xpc seg", out, sizeof out);
    cr_expect_not_null(strstr(out, "relay segment: none"), "%s", out);
    m->xpc->csr.xsegva = 0x100000000ULL;
    m->xpc->csr.xsegpa = 0x80020000ULL;
    m->xpc->csr.xseglen = 0x1000 | XPC_SEG_PERM_R;
    monitor_command(g, "xpc seg", out, sizeof out);
    cr_expect_not_null(strstr(out, "va 0x100000000 pa 0x80020000 len 0x1000 r-"), "%s", out);
    monitor_command(g, "xpc cache", out, sizeof out);
    cr_expect_not_null(strstr(out, "(empty)"), "%s", out);
    monitor_command(g, "xpc link", out, sizeof out);
    cr_expect_not_null(strstr(out, "no valid record"), "%s", out);
    monitor_command(g, "xpc bogus", out, sizeof out);
    cr_expect_not_null(strstr(out, "link, seg or cache"), "%s", out);
    monitor_command(g, "phys on", out, sizeof out);
    cr_expect(g->physical);
    monitor_command(g, "phys off", out, sizeof out);
    cr_expect_not(g->physical);
    monitor_command(g, "frobnicate", out, sizeof out);
    cr_expect_not_null(strstr(out, "unknown monitor command"), "%s", out);
    monitor_command(g, "triggers", out, sizeof out);
    cr_expect_not_null(strstr(out, "trigger 3: tdata1 0x2000000000000000"), "%s", out);
    char tiny[16];
    monitor_command(g, "help", tiny, sizeof tiny);
    cr_expect_eq(strlen(tiny), sizeof tiny - 1, "output is cut to the buffer");
    free(g->xml);
}

Test(gdb, hex_parsing_rejects_what_bad_packets_carry)
{
    const char *s = "80001000,4";
    uint64_t v;
    cr_expect(hex_number(&s, &v) && v == 0x80001000 && *s == ',');
    s = "12345678901234567";
    cr_expect_not(hex_number(&s, &v), "17 digits");
    s = ",4";
    cr_expect_not(hex_number(&s, &v), "no digits");
    uint8_t b[2];
    cr_expect(hex_decode(b, "a0Ff", 2) && b[0] == 0xa0 && b[1] == 0xff);
    cr_expect_not(hex_decode(b, "zz", 1));
    char out[5];
    hex_encode(out, (const uint8_t[]){0x0f, 0xe0}, 2);
    cr_expect_str_eq(out, "0fe0");
}
