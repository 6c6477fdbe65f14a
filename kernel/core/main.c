/* Boot: device tree, console, memory, paging, timer, then the first process. */
#include <kernel/fdt.h>
#include <kernel/console.h>
#include <kernel/sbi.h>
#include <kernel/riscv.h>
#include <kernel/ipc.h>
#include <kernel/xpc.h>
#include <kernel/arch.h>
#include <kernel/boot.h>

uint64_t timebase_hz;
uint64_t dram_base, dram_size;

void kmain(uint64_t hartid, const void *fdt)
{
    static struct boot_info info;
    sbi_init();
    int fr = fdt_parse(fdt, &info);
    uart_init(info.uart_base, info.uart_reg_shift);
    kprintf("\nxpc kernel: hart %lu, device tree at %p\n", hartid, fdt);
    if (fr < 0)
        panic("device tree unreadable (error %d)", fr);
    if (!info.bootargs[0]) {
        const char *def = flavour_bootargs;
        memcpy(info.bootargs, def, strlen(def) + 1);
    }
    kprintf("memory %lx+%lx, uart %lx, plic %lx, timebase %lu Hz, bootargs \"%s\"\n", info.mem_base,
            info.mem_size, info.uart_base, info.plic_base, info.timebase_hz, info.bootargs);
    frame_init(info.mem_base, info.mem_size, info.mem_base, ALIGN_UP((uint64_t)_end, PAGE_SIZE),
               info.fdt_base, info.fdt_size);
    vm_init(info.mem_base, info.mem_size, info.bootargs);
    if (info.uart_base)
        uart_remap(kernel_mmio(info.uart_base));
    kprintf("vm: Sv39, %s\n", vm_asid_mode() ? "ASID-tagged switches" : "flush on every switch");
    dram_base = info.mem_base;
    dram_size = info.mem_size;
    xpc_init(info.has_xpc, info.bootargs);
    kprintf("frames: %lu free of %lu\n", frames_total() - frames_used(), frames_total());
    timebase_hz = info.timebase_hz;
    timer_interval = timebase_hz / 100; /* 10 ms time slice */
    plic_init(info.plic_base, hartid);
    /* Console input comes by the UART's receive interrupt, so a waiting shell costs no cycles;
     * console=poll falls back to polling the UART every millisecond (a machine without a PLIC
     * source for the UART). */
    bool console_poll = false;
    for (const char *a = info.bootargs; *a; a++)
        if (strncmp(a, "console=poll", 12) == 0)
            console_poll = true;
    if (!console_poll)
        console_irq_init(info.uart_irq);
    sched_init();
    selftest_run(&info);
    /* The U-mode cycle and time counters are what the benchmarks read. */
    csr_write(scounteren, 7);
    csr_set(sie, SIE_STIE | SIE_SEIE);
    timer_arm();
    struct process *init;
    static char args[sizeof(info.bootargs) + 8];
    ksnprintf(args, sizeof(args), "init %s", info.bootargs);
    struct handle root = {root_resource_init(), RIGHTS_ALL, 0, 0};
    int64_t r = process_spawn("init", args, strlen(args), &root, NULL, &init);
    if (r < 0)
        panic("cannot start init: error %ld", r);
    schedule();
}
