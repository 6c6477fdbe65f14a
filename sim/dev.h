/* The devices of the machine and the one shape they all share.
 *
 * Every device is a window of physical addresses with a read and a write callback. The bus
 * (sim/bus.c) finds the device by address and passes the offset inside the window. A callback
 * returns false for an access the device does not decode (wrong offset or width), which the CPU
 * turns into an access fault, as a real bus error would. */
#ifndef SIM_DEV_H
#define SIM_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef bool (*dev_read_fn)(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
typedef bool (*dev_write_fn)(void *opaque, uint64_t offset, unsigned size, uint64_t value);

struct device {
    const char *name;
    uint64_t base;
    uint64_t size;
    void *opaque;
    dev_read_fn read;
    dev_write_fn write;
};

/* A wire from a device to a hart's mip register: raise or lower the bits of `mip_mask`. */
struct irq_sink {
    void *opaque;
    void (*set)(void *opaque, unsigned hart, uint64_t mip_mask, bool level);
};

/* Simulated time. mtime follows the modeled cycle count (deterministic), never the host clock
 * unless the user asks for it; the CLINT only asks. */
struct clock_source {
    void *opaque;
    uint64_t (*mtime)(void *opaque);
};

/* What a device may ask of the machine as a whole. */
struct machine_exit {
    bool requested;
    bool reset; /* reset rather than power off */
    int code;   /* process exit status of the emulator */
};

/* ---- CLINT: msip (0x0), mtimecmp (0x4000), mtime (0xbff8), 10 MHz ---- */
struct clint;
struct clint *clint_create(unsigned nharts, struct irq_sink irq, struct clock_source clock);
void clint_destroy(struct clint *c);
struct device clint_device(struct clint *c);
/* Re-evaluate MTIP of every hart against the current mtime. */
void clint_update(struct clint *c);
/* The earliest mtimecmp over all harts that is still ahead of mtime, or UINT64_MAX. */
uint64_t clint_next_deadline(const struct clint *c);

/* ---- PLIC: QEMU virt layout, context 2h = hart h M-mode, 2h+1 = hart h S-mode ---- */
struct plic;
struct plic *plic_create(unsigned nharts, struct irq_sink irq);
void plic_destroy(struct plic *p);
struct device plic_device(struct plic *p);
/* Level-triggered source line (1..MEMMAP_PLIC_NUM_SOURCES-1). */
void plic_set_source(struct plic *p, unsigned source, bool level);

/* ---- ns16550a UART ---- */
struct uart;
/* in_fd < 0: no input. The UART raises `irq` on `plic` when its interrupt condition holds. */
struct uart *uart_create(struct plic *plic, unsigned irq, int in_fd, int out_fd,
                         struct machine_exit *exit);
void uart_destroy(struct uart *u);
struct device uart_device(struct uart *u);
/* Poll the input fd without blocking; handles the Ctrl-A escape (Ctrl-A x quits, Ctrl-A Ctrl-A
 * sends Ctrl-A). Called from the machine loop now and then. */
void uart_poll(struct uart *u);

/* ---- sifive_test finisher: 0x5555 pass, (code << 16) | 0x3333 fail, 0x7777 reset ---- */
struct device finisher_device(struct machine_exit *exit);

/* ---- Boot ROM: QEMU's reset vector, entering `entry` with a0 = hartid, a1 = fdt_addr,
 * a2 = the fw_dynamic_info in the ROM that names next_addr/next_mode (S-mode payload). ---- */
struct bootrom;
struct bootrom *bootrom_create(uint64_t entry, uint64_t fdt_addr, uint64_t next_addr,
                               uint64_t next_mode, unsigned boot_hart);
void bootrom_destroy(struct bootrom *r);
struct device bootrom_device(struct bootrom *r);

/* ---- HTIF (Spike's tohost/fromhost words in RAM, found from the ELF's symbols) ----
 * tohost = (code << 1) | 1 ends the run with exit status `code`; device 1 command 1 writes a
 * character; device 0 command 0 with an even payload is a syscall-proxy block (SYS_write to
 * stdout, SYS_exit) as riscv-tests' benchmarks use it. The program polls nothing: the machine
 * calls htif_poll() at block boundaries every so often. */
struct htif;
struct htif *htif_create(uint8_t *ram_host, uint64_t ram_base, uint64_t ram_size, uint64_t tohost,
                         uint64_t fromhost, int out_fd, struct machine_exit *exit);
void htif_destroy(struct htif *h);
void htif_poll(struct htif *h);

#endif
