/* Trap-and-emulate of the XPC extension in M-mode, for running the tests on QEMU (emulate.h). */
#include "emulate.h"

#include "xpc/engine.h"
#include "xpc_world.h"

#define DRAM_SIZE (128ULL << 20)

static struct xpc_engine engine;

static bool phys_ok(uint64_t pa)
{
    return pa >= MEMMAP_DRAM_BASE && pa < MEMMAP_DRAM_BASE + DRAM_SIZE && !(pa & 7);
}

static bool load64(void *opaque, uint64_t pa, uint64_t *v)
{
    (void)opaque;
    if (!phys_ok(pa))
        return false;
    *v = *(volatile uint64_t *)(uintptr_t)pa;
    return true;
}

static bool store64(void *opaque, uint64_t pa, uint64_t v)
{
    (void)opaque;
    if (!phys_ok(pa))
        return false;
    *(volatile uint64_t *)(uintptr_t)pa = v;
    return true;
}

static const struct xpc_mem mem = {0, load64, store64};

/* Code is identity-mapped in every address space of the tests, so epc is also physical. */
static uint32_t fetch(uint64_t epc)
{
    const volatile uint16_t *p = (const volatile uint16_t *)(uintptr_t)epc;
    return (p[0] & 3) == 3 ? (uint32_t)p[0] | (uint32_t)p[1] << 16 : p[0];
}

static void set_reg(struct trap_frame *f, unsigned rd, uint64_t v)
{
    if (rd)
        f->x[rd] = v;
}

static int emulate_insn(struct trap_frame *f, uint32_t insn)
{
    unsigned rs1 = (insn >> 15) & 31;
    struct xpc_hart h = {.pc = f->epc, .next_pc = f->epc + 4, .satp = csr_read(satp)};
    uint64_t tval;
    unsigned exc = xpc_engine_execute(&engine, insn, f->x[rs1], &h, &mem, &tval, 0);
    if (exc) {
        f->cause = exc; /* the harness records it as the trap and skips the instruction */
        f->tval = tval;
        return 0;
    }
    if (h.satp_changed)
        csr_write(satp, h.new_satp);
    f->epc = h.new_pc;
    return 1;
}

static int emulate_csr(struct trap_frame *f, uint32_t insn, unsigned priv)
{
    unsigned funct3 = (insn >> 12) & 7, rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
    unsigned csr = insn >> 20;
    uint64_t src = funct3 & 4 ? rs1 : f->x[rs1], old = 0;
    bool writes = (funct3 & 3) == 1 || rs1 != 0;
    if ((funct3 & 3) != 1 || rd != 0) {
        enum xpc_csr_result r = xpc_csr_read(&engine, csr, priv, &old);
        if (r != XPC_CSR_OK)
            return 0; /* NOT_MINE or ILLEGAL: QEMU's illegal-instruction stands */
    }
    if (writes) {
        uint64_t v = (funct3 & 3) == 1 ? src : (funct3 & 3) == 2 ? old | src : old & ~src;
        if (xpc_csr_write(&engine, csr, priv, v) != XPC_CSR_OK)
            return 0;
    }
    set_reg(f, rd, old);
    f->epc += 4;
    return 1;
}

/* A page fault in the segment window: QEMU found no mapping, the engine translates. */
static int emulate_access(struct trap_frame *f, uint32_t insn)
{
    unsigned op = insn & 0x7f, funct3 = (insn >> 12) & 7, rs1 = (insn >> 15) & 31;
    bool is_store = op == 0x23;
    if ((op != 0x03 && op != 0x23) || (is_store && funct3 > 3) || funct3 == 7)
        return 0;
    int32_t imm = (int32_t)insn >> 20;
    if (is_store)
        imm = ((int32_t)(insn & 0xfe000000) >> 20) | (int32_t)((insn >> 7) & 31);
    uint64_t va = f->x[rs1] + (int64_t)imm, pa;
    unsigned size = 1u << (funct3 & 3);
    bool perm_fault;
    if (!xpc_seg_translate(&engine, va, size, is_store, &pa, &perm_fault) || perm_fault)
        return 0; /* not the segment's, or forbidden: the page fault stands (tval = va) */
    volatile void *p = (volatile void *)(uintptr_t)pa;
    if (is_store) {
        uint64_t v = f->x[(insn >> 20) & 31];
        switch (funct3) {
        case 0: *(volatile uint8_t *)p = (uint8_t)v; break;
        case 1: *(volatile uint16_t *)p = (uint16_t)v; break;
        case 2: *(volatile uint32_t *)p = (uint32_t)v; break;
        default: *(volatile uint64_t *)p = v; break;
        }
    } else {
        uint64_t v;
        switch (funct3) {
        case 0: v = (uint64_t)(int64_t) * (volatile int8_t *)p; break;
        case 1: v = (uint64_t)(int64_t) * (volatile int16_t *)p; break;
        case 2: v = (uint64_t)(int64_t) * (volatile int32_t *)p; break;
        case 4: v = *(volatile uint8_t *)p; break;
        case 5: v = *(volatile uint16_t *)p; break;
        case 6: v = *(volatile uint32_t *)p; break;
        default: v = *(volatile uint64_t *)p; break;
        }
        set_reg(f, (insn >> 7) & 31, v);
    }
    f->epc += 4;
    return 1;
}

static int emulation_hook(struct trap_frame *f)
{
    unsigned priv = (f->status >> 11) & 3;
    if (f->cause != CAUSE_ILLEGAL_INSN && f->cause != CAUSE_LOAD_PAGE_FAULT &&
        f->cause != CAUSE_STORE_PAGE_FAULT)
        return 0; /* and never read at epc after a fetch fault: there may be nothing there */
    uint32_t insn = fetch(f->epc);
    if ((insn & 3) != 3)
        return 0;
    if (f->cause == CAUSE_ILLEGAL_INSN && xpc_is_custom0(insn))
        return emulate_insn(f, insn);
    if (f->cause == CAUSE_ILLEGAL_INSN && (insn & 0x7f) == 0x73 && ((insn >> 12) & 3) != 0)
        return emulate_csr(f, insn, priv);
    if ((f->cause == CAUSE_LOAD_PAGE_FAULT || f->cause == CAUSE_STORE_PAGE_FAULT) && priv != PRIV_M)
        return emulate_access(f, insn);
    return 0;
}

void xpc_emulation_install(void)
{
    struct xpc_config cfg = XPC_CONFIG_DEFAULT;
    if (xpc_engine_init(&engine, &cfg))
        test_abort("xpc emulation: bad engine configuration");
    trap_hook_m = emulation_hook;
}
