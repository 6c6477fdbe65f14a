/* The flattened device tree for the machine, in QEMU 7.2 virt's node names, properties and phandle
 * numbering, restricted to the devices this machine has. Firmware (OpenSBI) and Linux find every
 * device through it, so a property that differs from QEMU's is a boot that differs. */
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>

#include "errmsg.h"
#include "fdt.h"
#include "riscv/spec.h"
#include "xpc/memmap.h"

#define FDT_MAX_HARTS 512 /* the PLIC region has room for 1024 contexts: two per hart */

#define UART_CLOCK_HZ 3686400
#define TEST_PASS     0x5555
#define TEST_RESET    0x7777

struct fdt_phandles {
    uint32_t cpu[FDT_MAX_HARTS];
    uint32_t intc[FDT_MAX_HARTS];
    uint32_t plic;
    uint32_t test;
};

/* Stops at the first libfdt error; `rc` keeps it. */
#define TRY(call)                                                                                  \
    do {                                                                                           \
        rc = (call);                                                                               \
        if (rc < 0)                                                                                \
            return rc;                                                                             \
    } while (0)

static int prop_cells(void *fdt, const char *name, const uint32_t *cells, unsigned n)
{
    fdt32_t be[4 * FDT_MAX_HARTS];
    if (n > sizeof(be) / sizeof(be[0]))
        return -FDT_ERR_INTERNAL;
    for (unsigned i = 0; i < n; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    return fdt_property(fdt, name, be, (int)(n * sizeof(fdt32_t)));
}

/* A reg property of one (address, size) pair in two cells each. */
static int prop_reg64(void *fdt, uint64_t base, uint64_t size)
{
    const uint32_t cells[4] = {base >> 32, (uint32_t)base, size >> 32, (uint32_t)size};
    return prop_cells(fdt, "reg", cells, 4);
}

/* A string list ("a\0b\0"), given as one literal with embedded NULs and its sizeof. */
static int prop_strings(void *fdt, const char *name, const char *list, size_t size)
{
    return fdt_property(fdt, name, list, (int)size);
}

static int begin_node_at(void *fdt, const char *name, uint64_t addr)
{
    char full[64];
    snprintf(full, sizeof(full), "%s@%llx", name, (unsigned long long)addr);
    return fdt_begin_node(fdt, full);
}

static int build_chosen(void *fdt, const struct fdt_config *cfg)
{
    int rc;
    TRY(fdt_begin_node(fdt, "chosen"));
    char stdout_path[64];
    snprintf(stdout_path, sizeof(stdout_path), "/soc/serial@%llx",
             (unsigned long long)MEMMAP_UART0_BASE);
    TRY(fdt_property_string(fdt, "stdout-path", stdout_path));
    if (cfg->bootargs)
        TRY(fdt_property_string(fdt, "bootargs", cfg->bootargs));
    if (cfg->initrd_start) {
        TRY(fdt_property_u64(fdt, "linux,initrd-start", cfg->initrd_start));
        TRY(fdt_property_u64(fdt, "linux,initrd-end", cfg->initrd_end));
    }
    return fdt_end_node(fdt);
}

static int build_cpus(void *fdt, const struct fdt_config *cfg, const struct fdt_phandles *ph)
{
    int rc;
    TRY(fdt_begin_node(fdt, "cpus"));
    TRY(fdt_property_u32(fdt, "#address-cells", 1));
    TRY(fdt_property_u32(fdt, "#size-cells", 0));
    TRY(fdt_property_u32(fdt, "timebase-frequency", (uint32_t)MEMMAP_TIMEBASE_HZ));
    for (unsigned h = 0; h < cfg->nharts; h++) {
        TRY(begin_node_at(fdt, "cpu", h));
        TRY(fdt_property_u32(fdt, "phandle", ph->cpu[h]));
        TRY(fdt_property_string(fdt, "device_type", "cpu"));
        TRY(fdt_property_u32(fdt, "reg", h));
        TRY(fdt_property_string(fdt, "status", "okay"));
        TRY(fdt_property_string(fdt, "compatible", "riscv"));
        TRY(fdt_property_string(fdt, "riscv,isa", cfg->isa));
        if (cfg->mmu_type)
            TRY(fdt_property_string(fdt, "mmu-type", cfg->mmu_type));
        TRY(fdt_begin_node(fdt, "interrupt-controller"));
        TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
        TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
        TRY(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
        TRY(fdt_property_u32(fdt, "phandle", ph->intc[h]));
        TRY(fdt_end_node(fdt));
        TRY(fdt_end_node(fdt));
    }
    TRY(fdt_begin_node(fdt, "cpu-map"));
    TRY(fdt_begin_node(fdt, "cluster0"));
    for (unsigned h = 0; h < cfg->nharts; h++) {
        char core[32];
        snprintf(core, sizeof(core), "core%u", h);
        TRY(fdt_begin_node(fdt, core));
        TRY(fdt_property_u32(fdt, "cpu", ph->cpu[h]));
        TRY(fdt_end_node(fdt));
    }
    TRY(fdt_end_node(fdt));
    TRY(fdt_end_node(fdt));
    return fdt_end_node(fdt);
}

/* interrupts-extended: for every hart, <intc irq_a intc irq_b>. */
static int prop_per_hart_irqs(void *fdt, const struct fdt_config *cfg,
                              const struct fdt_phandles *ph, uint32_t irq_a, uint32_t irq_b)
{
    uint32_t cells[4 * FDT_MAX_HARTS];
    for (unsigned h = 0; h < cfg->nharts; h++) {
        cells[4 * h + 0] = ph->intc[h];
        cells[4 * h + 1] = irq_a;
        cells[4 * h + 2] = ph->intc[h];
        cells[4 * h + 3] = irq_b;
    }
    return prop_cells(fdt, "interrupts-extended", cells, 4 * cfg->nharts);
}

static int build_soc(void *fdt, const struct fdt_config *cfg, const struct fdt_phandles *ph)
{
    int rc;
    TRY(fdt_begin_node(fdt, "soc"));
    TRY(fdt_property_u32(fdt, "#address-cells", 2));
    TRY(fdt_property_u32(fdt, "#size-cells", 2));
    TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
    TRY(fdt_property(fdt, "ranges", NULL, 0));

    TRY(begin_node_at(fdt, "clint", MEMMAP_CLINT_BASE));
    TRY(prop_per_hart_irqs(fdt, cfg, ph, IRQ_M_SOFT, IRQ_M_TIMER));
    TRY(prop_reg64(fdt, MEMMAP_CLINT_BASE, MEMMAP_CLINT_SIZE));
    static const char clint_compat[] = "sifive,clint0\0riscv,clint0";
    TRY(prop_strings(fdt, "compatible", clint_compat, sizeof(clint_compat)));
    TRY(fdt_end_node(fdt));

    TRY(begin_node_at(fdt, "plic", MEMMAP_PLIC_BASE));
    TRY(fdt_property_u32(fdt, "phandle", ph->plic));
    TRY(fdt_property_u32(fdt, "riscv,ndev", MEMMAP_PLIC_NUM_SOURCES - 1));
    TRY(prop_reg64(fdt, MEMMAP_PLIC_BASE, MEMMAP_PLIC_SIZE));
    TRY(prop_per_hart_irqs(fdt, cfg, ph, IRQ_M_EXT, IRQ_S_EXT));
    TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
    static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
    TRY(prop_strings(fdt, "compatible", plic_compat, sizeof(plic_compat)));
    TRY(fdt_property_u32(fdt, "#address-cells", 0));
    TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
    TRY(fdt_end_node(fdt));

    TRY(begin_node_at(fdt, "serial", MEMMAP_UART0_BASE));
    TRY(fdt_property_u32(fdt, "interrupts", MEMMAP_UART0_IRQ));
    TRY(fdt_property_u32(fdt, "interrupt-parent", ph->plic));
    TRY(fdt_property_u32(fdt, "clock-frequency", UART_CLOCK_HZ));
    TRY(prop_reg64(fdt, MEMMAP_UART0_BASE, MEMMAP_UART0_SIZE));
    TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
    TRY(fdt_end_node(fdt));

    TRY(begin_node_at(fdt, "test", MEMMAP_TEST_BASE));
    TRY(fdt_property_u32(fdt, "phandle", ph->test));
    TRY(prop_reg64(fdt, MEMMAP_TEST_BASE, MEMMAP_TEST_SIZE));
    static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";
    TRY(prop_strings(fdt, "compatible", test_compat, sizeof(test_compat)));
    TRY(fdt_end_node(fdt));

    /* All eight transports, filled or not, highest slot first: QEMU adds each node in front of
     * the previous one. Linux probes them in this order, so the disk in the highest slot is
     * vda on both machines. */
    for (unsigned n = MEMMAP_VIRTIO_COUNT; n-- > 0;) {
        uint64_t base = MEMMAP_VIRTIO_BASE + n * MEMMAP_VIRTIO_SIZE;
        TRY(begin_node_at(fdt, "virtio_mmio", base));
        TRY(fdt_property_u32(fdt, "interrupts", MEMMAP_VIRTIO_IRQ + n));
        TRY(fdt_property_u32(fdt, "interrupt-parent", ph->plic));
        TRY(prop_reg64(fdt, base, MEMMAP_VIRTIO_SIZE));
        TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
        TRY(fdt_end_node(fdt));
    }

    return fdt_end_node(fdt);
}

/* syscon-poweroff / syscon-reboot: what to write to the finisher to power off or reset. */
static int build_syscon_action(void *fdt, const char *name, const char *compatible, uint32_t value,
                               uint32_t regmap)
{
    int rc;
    TRY(fdt_begin_node(fdt, name));
    TRY(fdt_property_u32(fdt, "value", value));
    TRY(fdt_property_u32(fdt, "offset", 0));
    TRY(fdt_property_u32(fdt, "regmap", regmap));
    TRY(fdt_property_string(fdt, "compatible", compatible));
    return fdt_end_node(fdt);
}

static int build_tree(void *fdt, const struct fdt_config *cfg, const struct fdt_phandles *ph)
{
    int rc;
    TRY(fdt_finish_reservemap(fdt));
    TRY(fdt_begin_node(fdt, ""));
    TRY(fdt_property_u32(fdt, "#address-cells", 2));
    TRY(fdt_property_u32(fdt, "#size-cells", 2));
    TRY(fdt_property_string(fdt, "compatible", "riscv-virtio"));
    TRY(fdt_property_string(fdt, "model", "riscv-virtio,qemu"));
    TRY(build_chosen(fdt, cfg));
    TRY(build_syscon_action(fdt, "poweroff", "syscon-poweroff", TEST_PASS, ph->test));
    TRY(build_syscon_action(fdt, "reboot", "syscon-reboot", TEST_RESET, ph->test));
    TRY(begin_node_at(fdt, "memory", cfg->ram_base));
    TRY(fdt_property_string(fdt, "device_type", "memory"));
    TRY(prop_reg64(fdt, cfg->ram_base, cfg->ram_size));
    TRY(fdt_end_node(fdt));
    TRY(build_cpus(fdt, cfg, ph));
    TRY(build_soc(fdt, cfg, ph));
    TRY(fdt_end_node(fdt));
    return fdt_finish(fdt);
}

int fdt_build(const struct fdt_config *cfg, void *buf, size_t bufsize, char *err, size_t errlen)
{
    if (!cfg || !buf)
        return errmsg(err, errlen, "device tree: no configuration or buffer");
    if (cfg->nharts == 0 || cfg->nharts > FDT_MAX_HARTS)
        return errmsg(err, errlen, "device tree: %u harts (1..%d supported)", cfg->nharts,
                      FDT_MAX_HARTS);
    if (!cfg->isa || !cfg->isa[0])
        return errmsg(err, errlen, "device tree: no riscv,isa string");
    if (cfg->ram_size == 0 || cfg->ram_base + cfg->ram_size < cfg->ram_base)
        return errmsg(err, errlen, "device tree: bad RAM range 0x%llx+0x%llx",
                      (unsigned long long)cfg->ram_base, (unsigned long long)cfg->ram_size);
    if (cfg->initrd_start && cfg->initrd_end < cfg->initrd_start)
        return errmsg(err, errlen, "device tree: initrd ends (0x%llx) before it starts (0x%llx)",
                      (unsigned long long)cfg->initrd_end, (unsigned long long)cfg->initrd_start);
    if (bufsize > INT32_MAX)
        bufsize = INT32_MAX;

    /* QEMU numbers phandles from 1, giving each hart's cpu then its interrupt controller, last
     * hart first, then the PLIC, then the test device. */
    struct fdt_phandles ph;
    uint32_t next = 1;
    for (unsigned h = cfg->nharts; h-- > 0;) {
        ph.cpu[h] = next++;
        ph.intc[h] = next++;
    }
    ph.plic = next++;
    ph.test = next++;

    int rc = fdt_create(buf, (int)bufsize);
    if (rc >= 0)
        rc = build_tree(buf, cfg, &ph);
    if (rc < 0)
        return errmsg(err, errlen, "device tree: %s", fdt_strerror(rc));
    return (int)fdt_totalsize(buf);
}
