#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdt.h"
#include "xpc/memmap.h"

#define RAM_SIZE (128ULL << 20)

static char blob[64 * 1024];
static char err[256];

static struct fdt_config config(unsigned nharts)
{
    return (struct fdt_config){.nharts = nharts,
                               .ram_base = MEMMAP_DRAM_BASE,
                               .ram_size = RAM_SIZE,
                               .isa = "rv64imac_zicsr_zifencei",
                               .mmu_type = "riscv,sv48",
                               .bootargs = "console=ttyS0 earlycon",
                               .initrd_start = 0,
                               .initrd_end = 0};
}

static void build(const struct fdt_config *cfg)
{
    int n = fdt_build(cfg, blob, sizeof(blob), err, sizeof(err));
    cr_assert_gt(n, 0, "fdt_build failed: %s", err);
    cr_assert_eq(fdt_check_header(blob), 0);
    cr_assert_eq((int)fdt_totalsize(blob), n);
}

static int node(const char *path)
{
    int off = fdt_path_offset(blob, path);
    cr_assert_geq(off, 0, "node %s missing: %s", path, fdt_strerror(off));
    return off;
}

static const void *prop(const char *path, const char *name, int *len)
{
    const void *p = fdt_getprop(blob, node(path), name, len);
    cr_assert_not_null(p, "property %s of %s missing", name, path);
    return p;
}

static uint32_t cell(const char *path, const char *name, int index)
{
    int len;
    const fdt32_t *p = prop(path, name, &len);
    cr_assert_gt(len, 4 * index, "%s:%s has only %d bytes", path, name, len);
    return fdt32_to_cpu(p[index]);
}

static const char *string(const char *path, const char *name)
{
    int len;
    const char *s = prop(path, name, &len);
    cr_assert_eq(strnlen(s, (size_t)len), (size_t)len - 1, "%s:%s is not one string", path, name);
    return s;
}

static void expect_reg(const char *path, uint64_t base, uint64_t size)
{
    int len;
    prop(path, "reg", &len);
    cr_expect_eq(len, 16);
    cr_expect_eq(((uint64_t)cell(path, "reg", 0) << 32) | cell(path, "reg", 1), base, "%s base",
                 path);
    cr_expect_eq(((uint64_t)cell(path, "reg", 2) << 32) | cell(path, "reg", 3), size, "%s size",
                 path);
}

static void expect_stringlist(const char *path, const char *name, const char *list, size_t size)
{
    int len;
    const char *p = prop(path, name, &len);
    cr_expect_eq((size_t)len, size, "%s:%s length", path, name);
    cr_expect_eq(memcmp(p, list, size < (size_t)len ? size : (size_t)len), 0, "%s:%s", path, name);
}

Test(fdt, root_and_chosen)
{
    struct fdt_config cfg = config(1);
    build(&cfg);
    cr_expect_eq(cell("/", "#address-cells", 0), 2);
    cr_expect_eq(cell("/", "#size-cells", 0), 2);
    cr_expect_str_eq(string("/", "compatible"), "riscv-virtio");
    cr_expect_str_eq(string("/", "model"), "riscv-virtio,qemu");
    cr_expect_str_eq(string("/chosen", "stdout-path"), "/soc/serial@10000000");
    cr_expect_str_eq(string("/chosen", "bootargs"), "console=ttyS0 earlycon");
    cr_expect_null(fdt_getprop(blob, node("/chosen"), "linux,initrd-start", NULL));
    /* stdout-path must name a node that exists */
    node(string("/chosen", "stdout-path"));
}

Test(fdt, initrd_and_no_bootargs)
{
    struct fdt_config cfg = config(1);
    cfg.bootargs = NULL;
    cfg.initrd_start = 0x88000000;
    cfg.initrd_end = 0x88123456;
    build(&cfg);
    cr_expect_null(fdt_getprop(blob, node("/chosen"), "bootargs", NULL));
    int len;
    /* 64-bit properties are only 4-byte aligned in the blob: read them with fdt64_ld. */
    const fdt64_t *start = prop("/chosen", "linux,initrd-start", &len);
    cr_expect_eq(len, 8);
    cr_expect_eq(fdt64_ld(start), 0x88000000);
    const fdt64_t *end = prop("/chosen", "linux,initrd-end", &len);
    cr_expect_eq(fdt64_ld(end), 0x88123456);
}

Test(fdt, memory)
{
    struct fdt_config cfg = config(1);
    build(&cfg);
    cr_expect_str_eq(string("/memory@80000000", "device_type"), "memory");
    expect_reg("/memory@80000000", MEMMAP_DRAM_BASE, RAM_SIZE);
}

Test(fdt, cpus_and_interrupt_controllers)
{
    struct fdt_config cfg = config(2);
    build(&cfg);
    cr_expect_eq(cell("/cpus", "timebase-frequency", 0), MEMMAP_TIMEBASE_HZ);
    cr_expect_eq(cell("/cpus", "#address-cells", 0), 1);
    cr_expect_eq(cell("/cpus", "#size-cells", 0), 0);
    const char *cpus[] = {"/cpus/cpu@0", "/cpus/cpu@1"};
    const char *intcs[] = {"/cpus/cpu@0/interrupt-controller", "/cpus/cpu@1/interrupt-controller"};
    for (unsigned h = 0; h < 2; h++) {
        cr_expect_eq(cell(cpus[h], "reg", 0), h);
        cr_expect_str_eq(string(cpus[h], "device_type"), "cpu");
        cr_expect_str_eq(string(cpus[h], "status"), "okay");
        cr_expect_str_eq(string(cpus[h], "compatible"), "riscv");
        cr_expect_str_eq(string(cpus[h], "riscv,isa"), "rv64imac_zicsr_zifencei");
        cr_expect_str_eq(string(cpus[h], "mmu-type"), "riscv,sv48");
        cr_expect_str_eq(string(intcs[h], "compatible"), "riscv,cpu-intc");
        cr_expect_eq(cell(intcs[h], "#interrupt-cells", 0), 1);
        int len;
        prop(intcs[h], "interrupt-controller", &len);
        cr_expect_eq(len, 0);
        cr_expect_eq(fdt_node_offset_by_phandle(blob, cell(intcs[h], "phandle", 0)),
                     node(intcs[h]));
    }
    cr_expect_eq(cell("/cpus/cpu-map/cluster0/core0", "cpu", 0), cell(cpus[0], "phandle", 0));
    cr_expect_eq(cell("/cpus/cpu-map/cluster0/core1", "cpu", 0), cell(cpus[1], "phandle", 0));
}

/* interrupts-extended must name each hart's own intc, in hart order, with the given causes. */
static void expect_per_hart_irqs(const char *path, unsigned nharts, uint32_t a, uint32_t b)
{
    int len;
    prop(path, "interrupts-extended", &len);
    cr_assert_eq(len, (int)(16 * nharts));
    for (unsigned h = 0; h < nharts; h++) {
        char intc[64];
        snprintf(intc, sizeof(intc), "/cpus/cpu@%u/interrupt-controller", h);
        uint32_t ph = cell(intc, "phandle", 0);
        cr_expect_eq(cell(path, "interrupts-extended", 4 * h + 0), ph);
        cr_expect_eq(cell(path, "interrupts-extended", 4 * h + 1), a);
        cr_expect_eq(cell(path, "interrupts-extended", 4 * h + 2), ph);
        cr_expect_eq(cell(path, "interrupts-extended", 4 * h + 3), b);
    }
}

Test(fdt, soc_devices)
{
    struct fdt_config cfg = config(2);
    build(&cfg);
    cr_expect_str_eq(string("/soc", "compatible"), "simple-bus");
    int len;
    prop("/soc", "ranges", &len);
    cr_expect_eq(len, 0);

    const char *clint = "/soc/clint@2000000";
    expect_reg(clint, MEMMAP_CLINT_BASE, MEMMAP_CLINT_SIZE);
    static const char clint_compat[] = "sifive,clint0\0riscv,clint0";
    expect_stringlist(clint, "compatible", clint_compat, sizeof(clint_compat));
    expect_per_hart_irqs(clint, 2, 3, 7);

    const char *plic = "/soc/plic@c000000";
    expect_reg(plic, MEMMAP_PLIC_BASE, MEMMAP_PLIC_SIZE);
    static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
    expect_stringlist(plic, "compatible", plic_compat, sizeof(plic_compat));
    expect_per_hart_irqs(plic, 2, 11, 9);
    cr_expect_eq(cell(plic, "riscv,ndev", 0), MEMMAP_PLIC_NUM_SOURCES - 1);
    cr_expect_eq(cell(plic, "#interrupt-cells", 0), 1);
    cr_expect_eq(cell(plic, "#address-cells", 0), 0);
    prop(plic, "interrupt-controller", &len);

    const char *serial = "/soc/serial@10000000";
    expect_reg(serial, MEMMAP_UART0_BASE, MEMMAP_UART0_SIZE);
    cr_expect_str_eq(string(serial, "compatible"), "ns16550a");
    cr_expect_eq(cell(serial, "clock-frequency", 0), 3686400);
    cr_expect_eq(cell(serial, "interrupts", 0), MEMMAP_UART0_IRQ);
    cr_expect_eq(fdt_node_offset_by_phandle(blob, cell(serial, "interrupt-parent", 0)), node(plic));

    const char *test = "/soc/test@100000";
    expect_reg(test, MEMMAP_TEST_BASE, MEMMAP_TEST_SIZE);
    static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";
    expect_stringlist(test, "compatible", test_compat, sizeof(test_compat));

    cr_expect_str_eq(string("/poweroff", "compatible"), "syscon-poweroff");
    cr_expect_eq(cell("/poweroff", "value", 0), 0x5555);
    cr_expect_eq(cell("/poweroff", "offset", 0), 0);
    cr_expect_eq(fdt_node_offset_by_phandle(blob, cell("/poweroff", "regmap", 0)), node(test));
    cr_expect_str_eq(string("/reboot", "compatible"), "syscon-reboot");
    cr_expect_eq(cell("/reboot", "value", 0), 0x7777);
    cr_expect_eq(fdt_node_offset_by_phandle(blob, cell("/reboot", "regmap", 0)), node(test));
}

Test(fdt, nothing_that_is_not_emulated)
{
    struct fdt_config cfg = config(1);
    build(&cfg);
    cr_expect_lt(fdt_node_offset_by_compatible(blob, -1, "pci-host-ecam-generic"), 0);
    cr_expect_lt(fdt_node_offset_by_compatible(blob, -1, "cfi-flash"), 0);
    cr_expect_lt(fdt_node_offset_by_compatible(blob, -1, "google,goldfish-rtc"), 0);
    cr_expect_lt(fdt_node_offset_by_compatible(blob, -1, "qemu,fw-cfg-mmio"), 0);
    cr_expect_lt(fdt_node_offset_by_compatible(blob, -1, "riscv,pmu"), 0);
}

/* QEMU lists all eight virtio-mmio transports, filled or not, the highest slot first. */
Test(fdt, virtio_mmio_slots)
{
    struct fdt_config cfg = config(1);
    build(&cfg);
    int plic = node("/soc/plic@c000000");
    int prev = -1;
    for (unsigned n = MEMMAP_VIRTIO_COUNT; n-- > 0;) {
        char path[64];
        uint64_t base = MEMMAP_VIRTIO_BASE + n * MEMMAP_VIRTIO_SIZE;
        snprintf(path, sizeof path, "/soc/virtio_mmio@%llx", (unsigned long long)base);
        int off = node(path);
        cr_expect_gt(off, prev, "%s comes after the slot above it", path);
        prev = off;
        expect_reg(path, base, MEMMAP_VIRTIO_SIZE);
        cr_expect_str_eq(string(path, "compatible"), "virtio,mmio");
        cr_expect_eq(cell(path, "interrupts", 0), MEMMAP_VIRTIO_IRQ + n);
        cr_expect_eq(fdt_node_offset_by_phandle(blob, cell(path, "interrupt-parent", 0)), plic);
    }
}

Test(fdt, phandles_are_unique)
{
    struct fdt_config cfg = config(4);
    build(&cfg);
    uint32_t max = fdt_get_max_phandle(blob);
    cr_expect_eq(max, 2 * 4 + 2, "cpu and intc per hart, plic, test");
    for (uint32_t ph = 1; ph <= max; ph++) {
        int first = fdt_node_offset_by_phandle(blob, ph);
        cr_expect_geq(first, 0, "phandle %u unused", ph);
    }
}

Test(fdt, dtc_parses_the_blob)
{
    if (system("command -v dtc >/dev/null 2>&1") != 0)
        cr_skip_test("dtc not installed");
    struct fdt_config cfg = config(2);
    build(&cfg);
    char path[] = "/tmp/xpc-fdt-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, blob, fdt_totalsize(blob)), (ssize_t)fdt_totalsize(blob));
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts -o /dev/null %s", path);
    int rc = system(cmd);
    unlink(path);
    cr_expect_eq(rc, 0, "dtc rejected the blob");
}

Test(fdt, errors_are_reported)
{
    struct fdt_config cfg = config(1);
    cr_expect_lt(fdt_build(&cfg, blob, 64, err, sizeof(err)), 0);
    cr_expect_neq(strstr(err, "device tree"), NULL, "message: %s", err);
    cfg.nharts = 0;
    cr_expect_lt(fdt_build(&cfg, blob, sizeof(blob), err, sizeof(err)), 0);
    cfg = config(1);
    cfg.isa = NULL;
    cr_expect_lt(fdt_build(&cfg, blob, sizeof(blob), err, sizeof(err)), 0);
    cfg = config(1);
    cfg.ram_size = 0;
    cr_expect_lt(fdt_build(&cfg, blob, sizeof(blob), err, sizeof(err)), 0);
}

/* Every property of the emulated nodes matches what QEMU 7.2 itself puts in its virt tree, except
 * for the few values that legitimately differ (ISA string, RAM size, /chosen contents). */
Test(fdt, matches_qemu_virt_for_emulated_nodes, .timeout = 60)
{
    if (system("command -v qemu-system-riscv64 >/dev/null 2>&1") != 0)
        cr_skip_test("qemu-system-riscv64 not installed");
    char path[] = "/tmp/xpc-qemu-dtb-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "timeout 30 qemu-system-riscv64 -machine virt,dumpdtb=%s -m 128M -smp 2 "
             "-display none -nodefaults >/dev/null 2>&1",
             path);
    int rc = system(cmd);
    static char qemu[128 * 1024];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(qemu, 1, sizeof(qemu), f) : 0;
    if (f)
        fclose(f);
    unlink(path);
    if (rc != 0 || n == 0)
        cr_skip_test("qemu could not dump its device tree");
    cr_assert_eq(fdt_check_header(qemu), 0);

    struct fdt_config cfg = config(2);
    build(&cfg);
    static const char *const nodes[] = {
        "/",
        "/poweroff",
        "/reboot",
        "/memory@80000000",
        "/cpus",
        "/cpus/cpu@0",
        "/cpus/cpu@1",
        "/cpus/cpu@0/interrupt-controller",
        "/cpus/cpu@1/interrupt-controller",
        "/cpus/cpu-map/cluster0/core0",
        "/cpus/cpu-map/cluster0/core1",
        "/soc",
        "/soc/clint@2000000",
        "/soc/plic@c000000",
        "/soc/serial@10000000",
        "/soc/test@100000",
        "/soc/virtio_mmio@10001000",
        "/soc/virtio_mmio@10002000",
        "/soc/virtio_mmio@10003000",
        "/soc/virtio_mmio@10004000",
        "/soc/virtio_mmio@10005000",
        "/soc/virtio_mmio@10006000",
        "/soc/virtio_mmio@10007000",
        "/soc/virtio_mmio@10008000",
    };
    static const char *const may_differ[] = {"riscv,isa", "riscv,ndev"};
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        int ours = node(nodes[i]);
        int theirs = fdt_path_offset(qemu, nodes[i]);
        cr_expect_geq(theirs, 0, "QEMU has no %s", nodes[i]);
        if (theirs < 0)
            continue;
        int p;
        fdt_for_each_property_offset(p, blob, ours)
        {
            const char *name;
            int len;
            const void *val = fdt_getprop_by_offset(blob, p, &name, &len);
            bool skip = false;
            for (size_t k = 0; k < sizeof(may_differ) / sizeof(may_differ[0]); k++)
                skip |= strcmp(name, may_differ[k]) == 0;
            if (skip)
                continue;
            int qlen;
            const void *qval = fdt_getprop(qemu, theirs, name, &qlen);
            cr_expect_not_null(qval, "%s:%s not in QEMU's tree", nodes[i], name);
            if (!qval)
                continue;
            cr_expect(qlen == len && memcmp(val, qval, (size_t)len) == 0, "%s:%s differs from QEMU",
                      nodes[i], name);
        }
        /* and we leave out nothing QEMU has on these nodes */
        fdt_for_each_property_offset(p, qemu, theirs)
        {
            const char *name;
            fdt_getprop_by_offset(qemu, p, &name, NULL);
            cr_expect_not_null(fdt_getprop(blob, ours, name, NULL), "%s:%s missing (QEMU has it)",
                               nodes[i], name);
        }
    }
}
