/* The machine: harts, RAM, the devices of QEMU's virt board, and the loop that runs them. */
#ifndef SIM_MACHINE_H
#define SIM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "dev.h"
#include "xpc/memmap.h"

#define MACHINE_MAX_DEVICES 16

struct timing_params;

/* What QEMU's virt machine has when no flag says otherwise. */
#define MACHINE_DEFAULT_RAM_SIZE (128ULL << 20)
#define MACHINE_DEFAULT_BIOS     "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf"

/* A virtio-blk device on a raw image (QEMU's -drive/-device, see sim/drive.h). */
struct machine_drive {
    const char *path; /* NULL: the slot is empty */
    bool readonly;
    bool snapshot;
    bool write_cache; /* cache=writeback: unflushed writes are lost when the machine stops */
    const char *serial;
};

/* A virtio-net card on a user-mode network (QEMU's -netdev user/-device, see sim/net/netdev.h). */
struct netdev_user;
struct machine_nic {
    const struct netdev_user *netdev; /* NULL: no card in the slot */
    uint8_t mac[6];
};

struct machine_config {
    uint64_t ram_size;
    const char *bios;   /* NULL or "none" = no firmware */
    const char *kernel; /* S-mode payload */
    const char *initrd;
    const char *append;
    const char *dtb_in;                        /* load this device tree instead of building one */
    const char *dtb_out;                       /* dump the device tree here and exit */
    bool timing;                               /* cycle model on */
    const struct timing_params *timing_params; /* with timing: the model's parameters */
    uint64_t core_hz;   /* modeled core clock; mtime ticks every core_hz / 10 MHz cycles */
    uint64_t max_insns; /* stop after this many instructions (0 = no limit) */
    bool xpc;           /* the XPC engine is present */
    unsigned xpc_cache_entries;
    bool xpc_cache;       /* the engine cache (ablation: off) */
    bool xpc_nonblocking; /* the non-blocking link stack (ablation: off) */
    struct machine_drive drives[MEMMAP_VIRTIO_COUNT]; /* by virtio-mmio slot */
    struct machine_nic nics[MEMMAP_VIRTIO_COUNT];     /* by slot; a slot has a disk or a card */
};

struct machine {
    struct machine_config cfg;
    struct hart hart;
    uint8_t *ram;
    uint64_t ram_base, ram_size;
    /* Per RAM page, one bit per 64-byte chunk that holds decoded code. A page with any bit set
     * stays out of the write TLB, so stores to it reach machine_store_hook, which drops the
     * page's decoded blocks (and its marks) only when the store hits a chunk with code: data
     * that merely shares a page with code costs a slow-path store, not a retranslation. */
    uint64_t *code_page;
    /* Pages where a store must take the slow path for another reason (HTIF's tohost). */
    uint64_t tohost_page;

    struct device devices[MACHINE_MAX_DEVICES];
    unsigned ndevices;

    struct xpc_engine *xpc;
    struct clint *clint;
    struct plic *plic;
    struct uart *uart;
    struct bootrom *bootrom;
    struct htif *htif;
    struct virtio_mmio *virtio[MEMMAP_VIRTIO_COUNT];
    struct virtio_blk *blk[MEMMAP_VIRTIO_COUNT];
    struct virtio_net *nic[MEMMAP_VIRTIO_COUNT];
    struct net_user *netuser[MEMMAP_VIRTIO_COUNT]; /* the network behind each card */
    bool has_net;
    bool stdin_eof; /* the console has no more input: an idle wait watches the network alone */
    struct machine_exit exit;

    uint64_t cycles_per_tick; /* core cycles per mtime tick */
    uint64_t mtime_offset;
};

/* ---- sim/bus.c: physical accesses. false = access fault. ---- */
bool bus_read(struct machine *m, uint64_t pa, unsigned size, uint64_t *val);
bool bus_write(struct machine *m, uint64_t pa, unsigned size, uint64_t val);
/* Host pointer for a RAM physical address, or NULL. */
static inline uint8_t *bus_ram_ptr(struct machine *m, uint64_t pa)
{
    uint64_t off = pa - m->ram_base;
    return off < m->ram_size ? m->ram + off : NULL;
}
void machine_add_device(struct machine *m, struct device d);

/* ---- sim/machine.c ---- */
int machine_init(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);
void machine_destroy(struct machine *m);
/* Run until the guest powers off; returns the exit status. */
int machine_run(struct machine *m);
/* Timers, I/O polling and interrupt lines, called when hart->cycle reaches hart->next_event. */
void machine_events(struct machine *m);
uint64_t machine_mtime(struct machine *m);
/* Everything --stats prints, from the hart, the engine and the cycle model. */
struct sim_stats;
void machine_stats(struct machine *m, struct sim_stats *s);
/* Mark [pa, pa + len) as holding decoded code. */
void machine_mark_code(struct machine *m, uint64_t pa, uint64_t len);
/* Forget every code mark (the blocks are gone). */
void machine_clear_code_marks(struct machine *m);
/* A device stored [pa, pa + len) into RAM: code decoded from there is stale, as after a store
 * by the hart. */
void machine_dma_written(struct machine *m, uint64_t pa, uint64_t len);
/* A store hit a page marked special (code or HTIF). */
void machine_store_hook(struct machine *m, uint64_t pa);

#endif
