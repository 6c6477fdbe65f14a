/* Shared fixture of the CPU core tests: a whole virt machine (no firmware, no kernel, 16 MiB of
 * RAM, the XPC engine as main.c configures it) whose hart the tests drive directly, plus
 * helpers to poke RAM, build Sv39/Sv48 page tables and hand-assemble small programs.
 *
 * RAM layout used by the tests (physical):
 *   0x80000000  programs            0x80100000  the halt stub (mtvec/stvec point here)
 *   0x80400000  page-table pool     0x80800000  data pages
 * QEMU's placement puts the device tree at 0x80e00000; nothing here goes there. */
#ifndef TEST_CPU_FIXTURE_H
#define TEST_CPU_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "cpu.h"
#include "machine.h"
#include "mmu.h"
#include "riscv/spec.h"
#include "xpc/memmap.h"

#define RAM_BASE MEMMAP_DRAM_BASE
#define RAM_SIZE (16ULL << 20)
#define CODE     (RAM_BASE + 0x000000)
#define HALT     (RAM_BASE + 0x100000)
#define PT_POOL  (RAM_BASE + 0x400000)
#define DATA     (RAM_BASE + 0x800000)
#define FINISHER MEMMAP_TEST_BASE
#define PAGE     PAGE_SIZE

static struct machine *m;
static struct hart *h;
static uint64_t pt_next;

/* ---- RAM ---- */

static inline uint8_t *ram(uint64_t pa)
{
    cr_assert(pa >= RAM_BASE && pa < RAM_BASE + RAM_SIZE, "0x%llx is not RAM",
              (unsigned long long)pa);
    return m->ram + (pa - RAM_BASE);
}
static inline void poke32(uint64_t pa, uint32_t v)
{
    memcpy(ram(pa), &v, 4);
}
static inline void poke64(uint64_t pa, uint64_t v)
{
    memcpy(ram(pa), &v, 8);
}
static inline uint64_t peek64(uint64_t pa)
{
    uint64_t v;
    memcpy(&v, ram(pa), 8);
    return v;
}
static inline uint32_t peek32(uint64_t pa)
{
    uint32_t v;
    memcpy(&v, ram(pa), 4);
    return v;
}

/* ---- Instruction encoders (unprivileged spec, "Base Instruction Formats") ---- */

static inline uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
                             unsigned opc)
{
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
}
static inline uint32_t enc_i(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
    return ((uint32_t)imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
}
static inline uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned opc)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5 & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((u & 31) << 7) | opc;
}
static inline uint32_t enc_b(int32_t off, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 12 & 1) << 31) | ((u >> 5 & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) |
           (f3 << 12) | ((u >> 1 & 0xf) << 8) | ((u >> 11 & 1) << 7) | 0x63;
}
static inline uint32_t enc_j(int32_t off, unsigned rd)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 20 & 1) << 31) | ((u >> 1 & 0x3ff) << 21) | ((u >> 11 & 1) << 20) |
           ((u >> 12 & 0xff) << 12) | (rd << 7) | 0x6f;
}

enum { X0, RA, SP, GP, TP, T0, T1, T2, S0, S1, A0, A1, A2, A3, A4, A5, A6, A7, S2 };

#define ADDI(rd, rs1, imm)  enc_i(imm, rs1, 0, rd, 0x13)
#define LI(rd, imm)         ADDI(rd, X0, imm)
#define LUI(rd, imm20)      (((uint32_t)(imm20) << 12) | ((rd) << 7) | 0x37)
#define ADD(rd, rs1, rs2)   enc_r(0, rs2, rs1, 0, rd, 0x33)
#define SLLI(rd, rs1, sh)   enc_i(sh, rs1, 1, rd, 0x13)
#define LD(rd, rs1, imm)    enc_i(imm, rs1, 3, rd, 0x03)
#define LW(rd, rs1, imm)    enc_i(imm, rs1, 2, rd, 0x03)
#define SD(rs2, rs1, imm)   enc_s(imm, rs2, rs1, 3, 0x23)
#define SW(rs2, rs1, imm)   enc_s(imm, rs2, rs1, 2, 0x23)
#define JAL(rd, off)        enc_j(off, rd)
#define JALR(rd, rs1, imm)  enc_i(imm, rs1, 0, rd, 0x67)
#define BNE(rs1, rs2, off)  enc_b(off, rs2, rs1, 1)
#define BEQ(rs1, rs2, off)  enc_b(off, rs2, rs1, 0)
#define CSRRW(rd, csr, rs1) enc_i(csr, rs1, 1, rd, 0x73)
#define CSRRS(rd, csr, rs1) enc_i(csr, rs1, 2, rd, 0x73)
#define ECALL               0x00000073u
#define EBREAK              0x00100073u
#define MRET                0x30200073u
#define SRET                0x10200073u
#define FENCE_I             0x0000100fu
#define NOP                 ADDI(X0, X0, 0)
/* rd = a RAM address (0x80000000 + off, off < 2 GiB - 2 KiB), in five instructions; clobbers t2.
 * (lui alone would sign-extend bit 31 on RV64.) */
#define LA(rd, pa)                                                                                 \
    LI(rd, 1), SLLI(rd, rd, 31), LUI(T2, ((pa)-RAM_BASE + 0x800) >> 12), ADD(rd, rd, T2),          \
        ADDI(rd, rd, (int32_t)(((pa)-RAM_BASE) & 0xfff) - (((pa)-RAM_BASE) & 0x800 ? 0x1000 : 0))

/* Write a program of 32-bit instructions at pa, as a loader would: decoded blocks of the pages
 * written are dropped (the machine's store hook). Returns the address after it. */
static inline uint64_t put_program(uint64_t pa, const uint32_t *insns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        poke32(pa + 4 * i, insns[i]);
        machine_store_hook(m, pa + 4 * i);
    }
    return pa + 4 * n;
}
#define PROGRAM(pa, ...)                                                                           \
    put_program(pa, (const uint32_t[]){__VA_ARGS__},                                               \
                sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))

/* ---- The machine ---- */

static inline void cpu_setup(void)
{
    /* The UART polls stdin at every machine event: give it nothing to read. */
    cr_assert_not_null(freopen("/dev/null", "r", stdin));
    m = calloc(1, sizeof *m);
    cr_assert_not_null(m);
    struct machine_config cfg = {
        .ram_size = RAM_SIZE,
        .bios = "none",
        .core_hz = 1000000000ULL,
        .xpc = true,
        .xpc_cache_entries = 16,
        .xpc_cache = true,
        .xpc_nonblocking = true,
    };
    char err[256] = "";
    cr_assert_eq(machine_init(m, &cfg, err, sizeof err), 0, "machine_init: %s", err);
    h = &m->hart;
    pt_next = PT_POOL;
    /* Every trap lands on a stub that powers the machine off through the sifive_test
     * finisher, so hart_run returns as soon as a program traps (ends with ebreak). */
    PROGRAM(HALT, LUI(31, FINISHER >> 12), LUI(30, 5), ADDI(30, 30, 0x555), SW(30, 31, 0),
            JAL(X0, 0));
    cr_assert(csr_write(h, CSR_MTVEC, HALT));
    cr_assert(csr_write(h, CSR_STVEC, HALT));
}

static inline void cpu_teardown(void)
{
    machine_destroy(m);
    free(m);
}

static inline void set_priv(unsigned priv)
{
    h->priv = priv;
    hart_update_mode(h);
}

/* Run from pc in `priv` until the program traps into the halt stub (or `budget` cycles). */
static inline void run_at(uint64_t pc, unsigned priv, uint64_t budget)
{
    m->exit.requested = false;
    h->pc = pc;
    set_priv(priv);
    hart_run(h, budget);
    cr_assert(m->exit.requested, "the program did not reach the halt stub (pc 0x%llx)",
              (unsigned long long)h->pc);
}

static inline uint64_t csr(unsigned no)
{
    uint64_t v = 0;
    cr_assert(csr_read(h, no, &v), "csr_read(0x%x) refused at priv %u", no, h->priv);
    return v;
}

/* ---- Page tables (privileged spec §4.3-4.5) ---- */

static inline uint64_t pt_alloc(void)
{
    uint64_t pa = pt_next;
    pt_next += PAGE;
    cr_assert_lt(pt_next, DATA, "page-table pool exhausted");
    memset(ram(pa), 0, PAGE);
    return pa;
}

static inline uint64_t pte_for(uint64_t pa, uint64_t flags)
{
    return ((pa >> 12) << 10) | flags;
}

/* Map va to pa with a leaf at `level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB) in a
 * table of `levels` levels (3 = Sv39, 4 = Sv48); returns the physical address of the leaf PTE. */
static inline uint64_t map(uint64_t root, unsigned levels, uint64_t va, uint64_t pa, unsigned level,
                           uint64_t flags)
{
    uint64_t table = root;
    for (unsigned l = levels - 1; l > level; l--) {
        uint64_t slot = table + ((va >> (12 + 9 * l)) & 0x1ff) * 8;
        uint64_t pte = peek64(slot);
        if (!(pte & PTE_V)) {
            pte = pte_for(pt_alloc(), PTE_V);
            poke64(slot, pte);
        }
        table = ((pte >> 10) & ((1ULL << 44) - 1)) << 12;
    }
    uint64_t slot = table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
    poke64(slot, pte_for(pa, flags));
    return slot;
}

static inline uint64_t satp_of(unsigned mode, unsigned asid, uint64_t root)
{
    return ((uint64_t)mode << SATP_MODE_SHIFT) | ((uint64_t)asid << SATP_ASID_SHIFT) | (root >> 12);
}

#define RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

#endif
