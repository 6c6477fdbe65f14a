/* What the debugger sees of the hart: the target description (registers by name, the XPC CSRs
 * included), register access in GDB's RISC-V numbering, and memory through the hart's current
 * translation without the side effects a real access has. */
#include "gdb/internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "cpu.h"
#include "fp_exec.h"
#include "machine.h"
#include "mmu.h"
#include "xpc/engine.h"
#include "xpc/memmap.h"

/* GDB's RISC-V numbering: x0-x31, pc, f0-f31, then CSR n at 65 + n, and the privilege level. */
#define REG_PC     32
#define REG_F0     33
#define REG_CSR0   65
#define REG_PRIV   (REG_CSR0 + 4096)
#define CSR_FFLAGS 0x001
#define CSR_FRM    0x002
#define CSR_FCSR   0x003

static const char *const xreg_names[32] = {"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
                                           "fp",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
                                           "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
                                           "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
static const char *const freg_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1", "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4", "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

struct csr_name {
    unsigned no;
    const char *name;
};

/* The standard CSRs xpcsim implements (privileged spec 1.12, table 2.2-2.5; Sdtrig). */
static const struct csr_name standard_csrs[] = {
    {0x100, "sstatus"},  {0x104, "sie"},        {0x105, "stvec"},    {0x106, "scounteren"},
    {0x10a, "senvcfg"},  {0x140, "sscratch"},   {0x141, "sepc"},     {0x142, "scause"},
    {0x143, "stval"},    {0x144, "sip"},        {0x180, "satp"},     {0x300, "mstatus"},
    {0x301, "misa"},     {0x302, "medeleg"},    {0x303, "mideleg"},  {0x304, "mie"},
    {0x305, "mtvec"},    {0x306, "mcounteren"}, {0x30a, "menvcfg"},  {0x320, "mcountinhibit"},
    {0x340, "mscratch"}, {0x341, "mepc"},       {0x342, "mcause"},   {0x343, "mtval"},
    {0x344, "mip"},      {0x3a0, "pmpcfg0"},    {0x3a2, "pmpcfg2"},  {0x3b0, "pmpaddr0"},
    {0x3b1, "pmpaddr1"}, {0x3b2, "pmpaddr2"},   {0x3b3, "pmpaddr3"}, {0x7a0, "tselect"},
    {0x7a1, "tdata1"},   {0x7a2, "tdata2"},     {0x7a3, "tdata3"},   {0x7a4, "tinfo"},
    {0xb00, "mcycle"},   {0xb02, "minstret"},   {0xc00, "cycle"},    {0xc01, "time"},
    {0xc02, "instret"},  {0xf11, "mvendorid"},  {0xf12, "marchid"},  {0xf13, "mimpid"},
    {0xf14, "mhartid"},
};

/* The XPC CSRs, named after include/xpc/isa.h's macros (XPC_CSR_XTBL is "xtbl"). */
#define XPC_CSR(name)                                                                              \
    {                                                                                              \
        XPC_CSR_##name, #name                                                                      \
    }
static const struct csr_name xpc_csrs[] = {
    XPC_CSR(XTBL),     XPC_CSR(XTBLSZ),     XPC_CSR(XCAP),     XPC_CSR(XLINK),   XPC_CSR(XLINKLIM),
    XPC_CSR(XSEGLIST), XPC_CSR(XSEGLISTSZ), XPC_CSR(XCTL),     XPC_CSR(XSEGVA),  XPC_CSR(XSEGPA),
    XPC_CSR(XSEGLEN),  XPC_CSR(SXCALLER),   XPC_CSR(XSEGMASK), XPC_CSR(XCALLER), XPC_CSR(USEGVA),
    XPC_CSR(USEGPA),   XPC_CSR(USEGLEN),
};

struct xml {
    char *buf;
    size_t len, cap;
    bool failed;
};

static void add(struct xml *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct xml *x, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = x->cap - x->len;
        int n = vsnprintf(x->buf ? x->buf + x->len : NULL, x->buf ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            x->failed = true;
            return;
        }
        if (x->buf && (size_t)n < room) {
            x->len += (size_t)n;
            return;
        }
        size_t cap = (x->cap + (size_t)n + 1) * 2;
        char *nb = realloc(x->buf, cap);
        if (!nb) {
            x->failed = true;
            return;
        }
        x->buf = nb;
        x->cap = cap;
    }
}

static void add_csrs(struct xml *x, const struct csr_name *list, size_t n, bool lower)
{
    for (size_t i = 0; i < n; i++) {
        char name[32];
        size_t k = 0;
        for (; list[i].name[k] && k < sizeof name - 1; k++)
            name[k] = lower ? (char)tolower((unsigned char)list[i].name[k]) : list[i].name[k];
        name[k] = '\0';
        add(x, "<reg name=\"%s\" bitsize=\"64\" regnum=\"%u\" group=\"%s\"/>\n", name,
            REG_CSR0 + list[i].no, lower ? "xpc" : "csr");
    }
}

bool target_build_xml(struct gdb *g)
{
    struct xml x = {0};
    add(&x, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
            "<target version=\"1.0\">\n<architecture>riscv:rv64</architecture>\n"
            "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
    for (unsigned i = 0; i < 32; i++)
        add(&x, "<reg name=\"%s\" bitsize=\"64\" regnum=\"%u\" type=\"%s\"/>\n", xreg_names[i], i,
            i == 1             ? "code_ptr"
            : i == 2 || i == 8 ? "data_ptr"
                               : "int");
    add(&x, "<reg name=\"pc\" bitsize=\"64\" regnum=\"%u\" type=\"code_ptr\"/>\n</feature>\n",
        REG_PC);
    add(&x, "<feature name=\"org.gnu.gdb.riscv.fpu\">\n"
            "<union id=\"riscv_double\"><field name=\"float\" type=\"ieee_single\"/>"
            "<field name=\"double\" type=\"ieee_double\"/></union>\n");
    for (unsigned i = 0; i < 32; i++)
        add(&x, "<reg name=\"%s\" bitsize=\"64\" regnum=\"%u\" type=\"riscv_double\"/>\n",
            freg_names[i], REG_F0 + i);
    add(&x,
        "<reg name=\"fflags\" bitsize=\"64\" regnum=\"%u\"/>\n"
        "<reg name=\"frm\" bitsize=\"64\" regnum=\"%u\"/>\n"
        "<reg name=\"fcsr\" bitsize=\"64\" regnum=\"%u\"/>\n</feature>\n",
        REG_CSR0 + CSR_FFLAGS, REG_CSR0 + CSR_FRM, REG_CSR0 + CSR_FCSR);
    add(&x, "<feature name=\"org.gnu.gdb.riscv.csr\">\n");
    add_csrs(&x, standard_csrs, sizeof standard_csrs / sizeof standard_csrs[0], false);
    add_csrs(&x, xpc_csrs, sizeof xpc_csrs / sizeof xpc_csrs[0], true);
    add(&x,
        "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
        "<reg name=\"priv\" bitsize=\"64\" regnum=\"%u\"/>\n</feature>\n</target>\n",
        REG_PRIV);
    if (x.failed) {
        free(x.buf);
        return false;
    }
    g->xml = x.buf;
    g->xml_len = x.len;
    return true;
}

/* A CSR as M-mode software would see it, whatever mode the hart is in. */
static bool csr_access(struct hart *h, unsigned no, bool write, uint64_t *val)
{
    unsigned priv = h->priv;
    h->priv = PRIV_M;
    bool ok = write ? csr_write(h, no, *val) : csr_read(h, no, val);
    h->priv = priv;
    if (write)
        hart_update_mode(h);
    return ok;
}

bool target_read_reg(struct gdb *g, unsigned regno, uint64_t *val)
{
    struct hart *h = &g->m->hart;
    if (regno < 32)
        *val = h->x[regno];
    else if (regno == REG_PC)
        *val = h->pc;
    else if (regno < REG_F0 + 32)
        *val = h->f[regno - REG_F0];
    else if (regno == REG_CSR0 + CSR_FFLAGS)
        *val = h->fflags;
    else if (regno == REG_CSR0 + CSR_FRM)
        *val = h->frm;
    else if (regno == REG_CSR0 + CSR_FCSR)
        *val = h->frm << 5 | h->fflags;
    else if (regno == REG_PRIV)
        *val = h->priv;
    else if (regno > REG_CSR0 && regno < REG_PRIV)
        return csr_access(h, regno - REG_CSR0, false, val);
    else
        return false;
    return true;
}

bool target_write_reg(struct gdb *g, unsigned regno, uint64_t val)
{
    struct hart *h = &g->m->hart;
    if (regno == 0)
        return true; /* x0 stays zero */
    if (regno < 32)
        h->x[regno] = val;
    else if (regno == REG_PC)
        h->pc = val;
    else if (regno < REG_F0 + 32)
        h->f[regno - REG_F0] = val;
    else if (regno == REG_CSR0 + CSR_FFLAGS)
        h->fflags = val & 0x1f;
    else if (regno == REG_CSR0 + CSR_FRM)
        h->frm = val & 7;
    else if (regno == REG_CSR0 + CSR_FCSR)
        h->fflags = val & 0x1f, h->frm = (val >> 5) & 7;
    else if (regno == REG_PRIV && (val == PRIV_U || val == PRIV_S || val == PRIV_M)) {
        h->priv = (unsigned)val;
        hart_update_mode(h);
        tlb_flush_all(h);
    } else if (regno > REG_CSR0 && regno < REG_PRIV)
        return csr_access(h, regno - REG_CSR0, true, &val);
    else
        return false;
    /* The next instruction must see the change: no linked block may skip the loop. */
    block_cache_unlink_all(h->blocks);
    h->irq_check = true;
    return true;
}

/* A page-table walk that reads and never writes (a real walk sets A and D bits). */
bool target_translate(struct gdb *g, uint64_t va, uint64_t *pa)
{
    struct hart *h = &g->m->hart;
    uint64_t satp = h->csr.satp;
    if (g->physical || h->data_mode == PRIV_M || (satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE) {
        *pa = va;
        return true;
    }
    bool fault;
    if (h->xpc && xpc_seg_translate(h->xpc, va, 1, false, pa, &fault))
        return !fault;
    uint64_t ptes[5], pte;
    bool leaf;
    unsigned n = mmu_walk_addresses(h, va, satp, ptes, &leaf);
    if (!leaf || !bus_read(g->m, ptes[n - 1], 8, &pte))
        return false;
    unsigned levels = (satp >> SATP_MODE_SHIFT) == SATP_MODE_SV48 ? 4 : 3;
    unsigned level = levels - n;
    uint64_t offset_mask = (1ULL << (12 + 9 * level)) - 1;
    *pa = ((((pte >> 10) & ((1ULL << 44) - 1)) << 12) & ~offset_mask) | (va & offset_mask);
    return true;
}

/* RAM, and the boot ROM (reading it has no side effects); never another device. */
static bool read_byte(struct machine *m, uint64_t pa, uint8_t *b)
{
    const uint8_t *p = bus_ram_ptr(m, pa);
    uint64_t v;
    if (p)
        return *b = *p, true;
    if (pa - MEMMAP_BOOTROM_BASE < MEMMAP_BOOTROM_SIZE && bus_read(m, pa, 1, &v))
        return *b = (uint8_t)v, true;
    return false;
}

size_t target_read_mem(struct gdb *g, uint64_t addr, uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t pa;
        if (!target_translate(g, addr + i, &pa) || !read_byte(g->m, pa, &buf[i]))
            return i;
    }
    return n;
}

size_t target_write_mem(struct gdb *g, uint64_t addr, const uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t pa;
        uint8_t *p;
        if (!target_translate(g, addr + i, &pa) || !(p = bus_ram_ptr(g->m, pa)))
            return i;
        *p = buf[i];
        /* Decoded code on that page must go (a debugger writes breakpoints and patches). */
        machine_store_hook(g->m, pa);
    }
    return n;
}
