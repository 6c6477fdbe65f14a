/* The virt machine: RAM, devices, the device tree, images placed where QEMU places them, and
 * the events (timers, console input) that the hart's loop hands over at block boundaries. */
#include "errmsg.h"
#include "machine.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libfdt.h>

#include "block.h"
#include "dev/virtio.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_net.h"
#include "fdt.h"
#include "loader.h"
#include "mmu.h"
#include "net/user.h"
#include "timing/timing.h"
#include "xpc/engine.h"
#include "xpc/memmap.h"

#define FDT_MAX_SIZE (64 * 1024)
/* How often (in cycles) the console is polled for input when nothing else is due. */
#define POLL_INTERVAL_CYCLES 1000000ULL

static void irq_to_hart(void *opaque, unsigned hart, uint64_t mask, bool level)
{
    struct machine *m = opaque;
    if (hart == 0)
        hart_set_mip(&m->hart, mask, level);
}

static uint64_t clock_mtime(void *opaque)
{
    struct machine *m = opaque;
    return m->hart.cycle / m->cycles_per_tick;
}

uint64_t machine_mtime(struct machine *m)
{
    uint64_t now = 0;
    const struct device clint = clint_device(m->clint);
    clint.read(clint.opaque, 0xbff8, 8, &now);
    return now;
}

/* The cycle model's TLB asks which PTEs a hardware walk would read. */
static bool timing_walk(void *opaque, uint64_t va, uint64_t satp, uint64_t pte_pa[5], unsigned *n)
{
    struct hart *h = opaque;
    bool leaf;
    *n = mmu_walk_addresses(h, va, satp, pte_pa, &leaf);
    return leaf;
}

void machine_stats(struct machine *m, struct sim_stats *s)
{
    struct hart *h = &m->hart;
    memset(s, 0, sizeof *s);
    if (h->timing)
        timing_stats(h->timing, s);
    s->timing_model = h->timing != NULL;
    s->instructions = h->instret;
    s->cycles = h->cycle;
    for (unsigned i = 0; i < SIM_STATS_CAUSES && i < 64; i++)
        s->exceptions[i] = h->trap_count[i];
    for (unsigned i = 0; i < 16; i++)
        s->interrupts[i] = h->irq_count[i];
    if (m->xpc) {
        const struct xpc_stats *x = &m->xpc->stats;
        s->xcalls = x->xcalls;
        s->xrets = x->xrets;
        s->swapsegs = x->swapsegs;
        s->xcall_prefetches = x->prefetches;
        s->engine_cache_hits = x->cache_hits;
        s->engine_cache_misses = x->cache_misses + x->cache_cap_miss;
    }
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static int load_file_raw(const char *path, void **data, size_t *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errmsg(err, errlen, "cannot open %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf)
        return errmsg(err, errlen, "%s: out of memory", path);
    *data = buf;
    *size = n;
    return 0;
}

/* Build (or load) the device tree and return its guest address, QEMU's way: just below the
 * end of RAM (or 3 GiB), aligned down to 2 MiB. */
static int place_fdt(struct machine *m, const struct machine_config *cfg, uint64_t initrd_start,
                     uint64_t initrd_end, uint64_t *fdt_addr, char *err, size_t errlen)
{
    void *blob = NULL;
    size_t size = 0;
    if (cfg->dtb_in) {
        if (load_file_raw(cfg->dtb_in, &blob, &size, err, errlen))
            return -1;
        if (size < 40 || fdt_check_header(blob) != 0 || fdt_totalsize(blob) > size) {
            free(blob);
            return errmsg(err, errlen, "%s: not a valid device tree blob", cfg->dtb_in);
        }
        size = fdt_totalsize(blob);
    } else {
        blob = calloc(1, FDT_MAX_SIZE);
        if (!blob)
            return errmsg(err, errlen, "out of memory");
        struct fdt_config fc = {
            .nharts = 1,
            .ram_base = m->ram_base,
            .ram_size = m->ram_size,
            .isa = cfg->xpc ? "rv64imafdc_zicsr_zifencei_xxpc" : "rv64imafdc_zicsr_zifencei",
            .mmu_type = "riscv,sv48",
            .bootargs = cfg->append,
            .initrd_start = initrd_start,
            .initrd_end = initrd_end,
        };
        int r = fdt_build(&fc, blob, FDT_MAX_SIZE, err, errlen);
        if (r < 0) {
            free(blob);
            return -1;
        }
        size = (size_t)r;
    }
    if (cfg->dtb_out) {
        FILE *f = fopen(cfg->dtb_out, "wb");
        bool ok = f && fwrite(blob, 1, size, f) == size;
        if (f)
            ok = fclose(f) == 0 && ok;
        free(blob);
        if (!ok)
            return errmsg(err, errlen, "cannot write %s: %s", cfg->dtb_out, strerror(errno));
        return 0;
    }
    uint64_t dram_end = m->ram_base + m->ram_size;
    uint64_t limit = 3072ULL << 20;
    uint64_t top = m->ram_base < limit ? (dram_end < limit ? dram_end : limit) : dram_end;
    if (size > m->ram_size) {
        free(blob);
        return errmsg(err, errlen, "device tree does not fit in RAM");
    }
    *fdt_addr = (top - size) & ~((2ULL << 20) - 1);
    if (*fdt_addr < m->ram_base)
        *fdt_addr = m->ram_base;
    memcpy(m->ram + (*fdt_addr - m->ram_base), blob, size);
    free(blob);
    return 0;
}

/* A store hit code at RAM offset off: the blocks of its page go, and with them its marks, so
 * the page may be in the write TLB again until code is decoded from it once more. */
static void drop_code_page(struct machine *m, uint64_t off)
{
    block_cache_drop_page(m->hart.blocks, m->ram_base + PAGE_BASE(off));
    m->code_page[off >> PAGE_SHIFT] = 0;
}

void machine_dma_written(struct machine *m, uint64_t pa, uint64_t len)
{
    uint64_t off = pa - m->ram_base;
    if (off >= m->ram_size || !len)
        return;
    uint64_t end = len > m->ram_size - off ? m->ram_size : off + len;
    for (uint64_t chunk = off & ~63ULL; chunk < end; chunk += 64) {
        uint64_t marks = m->code_page[chunk >> 12];
        if ((marks >> ((chunk >> 6) & 63)) & 1)
            drop_code_page(m, chunk);
        if (!m->code_page[chunk >> 12]) /* no code (left) in this page: on to the next one */
            chunk = (chunk | 0xfff) - 63;
    }
}

static void dma_written(void *opaque, uint64_t pa, uint64_t len)
{
    machine_dma_written(opaque, pa, len);
}

/* A network card in slot n and the user-mode network behind it, wired both ways. */
static int add_nic(struct machine *m, unsigned n, const struct timing_params *tp, char *err,
                   size_t errlen)
{
    const struct machine_nic *c = &m->cfg.nics[n];
    uint64_t core_hz = m->cycles_per_tick * MEMMAP_TIMEBASE_HZ;
    m->netuser[n] =
        net_user_open(c->netdev, (struct net_clock){&m->hart.cycle, core_hz}, err, errlen);
    if (!m->netuser[n])
        return -1;
    struct virtio_net_options o = {.peer = net_user_as_peer(m->netuser[n]),
                                   .packet_cycles = tp->net_packet_cycles,
                                   .byte_cycles = tp->net_byte_cycles};
    memcpy(o.mac, c->mac, 6);
    m->nic[n] = virtio_net_create(&o);
    if (!m->nic[n])
        return errmsg(err, errlen, "out of memory");
    net_user_connect(m->netuser[n], virtio_net_as_peer(m->nic[n]));
    m->has_net = true;
    return 0;
}

/* The eight virtio-mmio transports QEMU's virt board always has, with a block device or a
 * network card in the slots the command line filled. */
static int add_virtio(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    struct timing_params defaults;
    const struct timing_params *tp = cfg->timing_params;
    if (!tp) {
        timing_params_defaults(&defaults);
        tp = &defaults;
    }
    struct dma_memory mem = {.host = m->ram,
                             .base = m->ram_base,
                             .size = m->ram_size,
                             .opaque = m,
                             .written = dma_written};
    for (unsigned n = 0; n < MEMMAP_VIRTIO_COUNT; n++) {
        const struct machine_drive *d = &cfg->drives[n];
        const struct virtio_backend *be = NULL;
        void *opaque = NULL;
        if (cfg->nics[n].netdev) {
            if (add_nic(m, n, tp, err, errlen))
                return -1;
            be = virtio_net_backend(m->nic[n]);
            opaque = m->nic[n];
        } else if (d->path) {
            struct virtio_blk_options o = {.path = d->path,
                                           .readonly = d->readonly,
                                           .snapshot = d->snapshot,
                                           .write_cache = d->write_cache,
                                           .serial = d->serial,
                                           .request_cycles = tp->blk_request_cycles,
                                           .sector_cycles = tp->blk_sector_cycles};
            m->blk[n] = virtio_blk_open(&o, err, errlen);
            if (!m->blk[n])
                return -1;
            be = virtio_blk_backend(m->blk[n]);
            opaque = m->blk[n];
        }
        m->virtio[n] = virtio_mmio_create(MEMMAP_VIRTIO_BASE + n * MEMMAP_VIRTIO_SIZE, be, opaque,
                                          mem, m->plic, MEMMAP_VIRTIO_IRQ + n);
        if (!m->virtio[n])
            return errmsg(err, errlen, "out of memory");
        if (m->nic[n])
            virtio_net_attach(m->nic[n], m->virtio[n]);
        machine_add_device(m, virtio_mmio_device(m->virtio[n]));
    }
    return 0;
}

int machine_init(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    m->ram_base = MEMMAP_DRAM_BASE;
    m->ram_size = cfg->ram_size;
    uint64_t core_hz = cfg->timing ? cfg->timing_params->core_hz : cfg->core_hz;
    /* mtime = cycles / (core_hz / 10 MHz) exactly, with no drift: the clock must divide. */
    if (core_hz < MEMMAP_TIMEBASE_HZ || core_hz % MEMMAP_TIMEBASE_HZ)
        return errmsg(err, errlen, "the core clock (%llu Hz) must be a multiple of 10 MHz",
                      (unsigned long long)core_hz);
    m->cycles_per_tick = core_hz / MEMMAP_TIMEBASE_HZ;
    if (m->ram_size < (1ULL << 20) || m->ram_size > (64ULL << 30) ||
        (m->ram_size & PAGE_OFFSET_MASK))
        return errmsg(err, errlen, "RAM size must be a multiple of 4 KiB between 1 MiB and 64 GiB");
    m->ram = calloc(1, m->ram_size);
    m->code_page = calloc(m->ram_size >> PAGE_SHIFT, sizeof *m->code_page);
    if (!m->ram || !m->code_page)
        return errmsg(err, errlen, "cannot allocate %llu bytes of guest RAM",
                      (unsigned long long)m->ram_size);
    m->tohost_page = UINT64_MAX;

    hart_init(&m->hart, m, 0);
    m->hart.blocks = block_cache_create(32u << 20, 16);
    if (!m->hart.blocks)
        return errmsg(err, errlen, "out of memory");

    if (cfg->xpc) {
        struct xpc_config xc = {.cache_entries = cfg->xpc_cache_entries,
                                .cache_enabled = cfg->xpc_cache,
                                .nonblocking_link = cfg->xpc_nonblocking};
        m->xpc = calloc(1, sizeof *m->xpc);
        if (!m->xpc)
            return errmsg(err, errlen, "out of memory");
        const char *why = xpc_engine_init(m->xpc, &xc);
        if (why)
            return errmsg(err, errlen, "XPC engine: %s", why);
        m->hart.xpc = m->xpc;
    }

    if (cfg->timing) {
        m->hart.timing = timing_create(cfg->timing_params, err, errlen);
        if (!m->hart.timing)
            return -1;
        timing_set_walker(m->hart.timing, timing_walk, &m->hart);
    }

    struct irq_sink sink = {.opaque = m, .set = irq_to_hart};
    m->clint = clint_create(1, sink, (struct clock_source){.opaque = m, .mtime = clock_mtime});
    m->plic = plic_create(1, sink);
    m->uart = uart_create(m->plic, MEMMAP_UART0_IRQ, cfg->dtb_out ? -1 : STDIN_FILENO,
                          STDOUT_FILENO, &m->exit);
    if (!m->clint || !m->plic || !m->uart)
        return errmsg(err, errlen, "out of memory");
    machine_add_device(m, finisher_device(&m->exit));
    machine_add_device(m, clint_device(m->clint));
    machine_add_device(m, plic_device(m->plic));
    machine_add_device(m, uart_device(m->uart));
    if (add_virtio(m, cfg, err, errlen))
        return -1;

    /* Images, placed as QEMU 7.2's virt machine places them. */
    struct guest_ram ram = {.host = m->ram, .base = m->ram_base, .size = m->ram_size};
    struct image_info fw = {0}, kern = {0};
    bool have_fw = cfg->bios && strcmp(cfg->bios, "none") != 0;
    uint64_t firmware_end = m->ram_base, start_addr = m->ram_base;
    if (have_fw) {
        if (load_image(&ram, cfg->bios, m->ram_base, &fw, err, errlen))
            return -1;
        firmware_end = fw.high;
        start_addr = fw.is_elf ? fw.entry : m->ram_base;
    }
    uint64_t kernel_entry = 0, initrd_start = 0, initrd_end = 0;
    if (cfg->kernel) {
        uint64_t kernel_base = align_up(firmware_end, 2ULL << 20);
        if (load_image(&ram, cfg->kernel, kernel_base, &kern, err, errlen))
            return -1;
        kernel_entry = kern.entry;
        if (!have_fw)
            start_addr = kernel_entry;
    }
    if (cfg->initrd) {
        if (!cfg->kernel)
            return errmsg(err, errlen, "-initrd needs -kernel");
        uint64_t off = m->ram_size / 2 < (128ULL << 20) ? m->ram_size / 2 : 128ULL << 20;
        struct image_info rd;
        initrd_start = kernel_entry + off;
        if (load_image(&ram, cfg->initrd, initrd_start, &rd, err, errlen))
            return -1;
        if (rd.is_elf)
            return errmsg(err, errlen, "%s: an initrd must be a raw image", cfg->initrd);
        initrd_end = rd.high;
    }
    uint64_t fdt_addr = 0;
    if (place_fdt(m, cfg, initrd_start, initrd_end, &fdt_addr, err, errlen))
        return -1;

    m->bootrom = bootrom_create(start_addr, fdt_addr, kernel_entry, PRIV_S, 0);
    if (!m->bootrom)
        return errmsg(err, errlen, "out of memory");
    machine_add_device(m, bootrom_device(m->bootrom));

    /* Spike's convention: a program with a `tohost` symbol talks HTIF. */
    const struct image_info *htif_img = fw.tohost ? &fw : kern.tohost ? &kern : NULL;
    if (htif_img) {
        m->htif = htif_create(m->ram, m->ram_base, m->ram_size, htif_img->tohost,
                              htif_img->fromhost, STDOUT_FILENO, &m->exit);
        if (!m->htif)
            return errmsg(err, errlen, "out of memory");
        m->tohost_page = htif_img->tohost & ~PAGE_OFFSET_MASK;
    }

    hart_reset(&m->hart, MEMMAP_BOOTROM_BASE);
    return 0;
}

void machine_destroy(struct machine *m)
{
    if (m->htif)
        htif_destroy(m->htif);
    if (m->bootrom)
        bootrom_destroy(m->bootrom);
    for (unsigned n = 0; n < MEMMAP_VIRTIO_COUNT; n++) {
        if (m->virtio[n])
            virtio_mmio_destroy(m->virtio[n]);
        virtio_blk_close(m->blk[n]);
        virtio_net_destroy(m->nic[n]);
        net_user_close(m->netuser[n]);
    }
    if (m->uart)
        uart_destroy(m->uart);
    if (m->plic)
        plic_destroy(m->plic);
    if (m->clint)
        clint_destroy(m->clint);
    block_cache_destroy(m->hart.blocks);
    free(m->xpc);
    if (m->hart.timing)
        timing_destroy(m->hart.timing);
    free(m->code_page);
    free(m->ram);
}

void machine_mark_code(struct machine *m, uint64_t pa, uint64_t len)
{
    for (uint64_t a = pa & ~63ULL; a < pa + len; a += 64) {
        uint64_t off = a - m->ram_base;
        if (off >= m->ram_size)
            return;
        m->code_page[off >> PAGE_SHIFT] |= 1ULL << ((off >> 6) & 63);
    }
}

void machine_clear_code_marks(struct machine *m)
{
    memset(m->code_page, 0, (m->ram_size >> PAGE_SHIFT) * sizeof *m->code_page);
}

void machine_store_hook(struct machine *m, uint64_t pa)
{
    uint64_t off = pa - m->ram_base;
    /* Self-modifying (or reloaded) code: drop the page's decoded blocks. */
    if (off < m->ram_size && (m->code_page[off >> PAGE_SHIFT] >> ((off >> 6) & 63)) & 1)
        drop_code_page(m, off);
    if (PAGE_BASE(pa) == m->tohost_page && m->htif)
        htif_poll(m->htif);
}

/* The host descriptors an idle machine waits on besides the console. */
#define IDLE_NET_FDS 64

/* Any network card's host sockets, for an idle wait; returns how many were added. */
static unsigned net_pollfds(struct machine *m, struct pollfd *p, unsigned max)
{
    unsigned n = 0;
    for (unsigned k = 0; m->has_net && k < MEMMAP_VIRTIO_COUNT; k++)
        if (m->netuser[k])
            n += net_user_pollfds(m->netuser[k], p + n, max - n);
    return n;
}

/* Block on console input (or a network card's host sockets) when the hart waits for an
 * interrupt that only they can bring: this wait is the one place host time passes. */
static void idle_until_input(struct machine *m)
{
    struct pollfd p[1 + IDLE_NET_FDS];
    for (;;) {
        unsigned n = 0;
        if (!m->stdin_eof)
            p[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        unsigned console = n;
        n += net_pollfds(m, p + n, IDLE_NET_FDS);
        int r = n ? poll(p, n, -1) : 0, avail = 0;
        if (r < 0 && errno == EINTR)
            continue;
        for (unsigned i = console; r > 0 && i < n; i++)
            if (p[i].revents)
                return; /* the host sent something: machine_events hands it to slirp */
        /* Readable with nothing to read is end of file: no input will ever come. */
        if (r > 0 && console && (p[0].revents & POLLIN))
            ioctl(STDIN_FILENO, FIONREAD, &avail);
        if (r > 0 && avail > 0)
            return;
        if (r > 0 && console && n > console) {
            m->stdin_eof = true; /* wait on the network alone */
            continue;
        }
        fprintf(stderr, "xpcsim: the guest waits for an interrupt that can never come "
                        "(WFI with no timer armed and no console input)\n");
        m->exit.requested = true;
        m->exit.code = 1;
        return;
    }
}

void machine_events(struct machine *m)
{
    struct hart *h = &m->hart;
    clint_update(m->clint);
    uart_poll(m->uart);
    h->irq_check = true;

    uint64_t next = h->cycle + POLL_INTERVAL_CYCLES;
    /* Device completions are due at modeled cycles, not mtime ticks. */
    bool device_busy = false;
    /* Frames from the host first, so the cards take them at this boundary. */
    for (unsigned n = 0; m->has_net && n < MEMMAP_VIRTIO_COUNT; n++) {
        uint64_t due = m->netuser[n] ? net_user_poll(m->netuser[n]) : UINT64_MAX;
        if (due != UINT64_MAX) {
            device_busy = true;
            due = due > h->cycle ? due : h->cycle + 1;
            next = due < next ? due : next;
        }
    }
    for (unsigned n = 0; n < MEMMAP_VIRTIO_COUNT; n++) {
        virtio_mmio_update(m->virtio[n], h->cycle);
        const char *why = virtio_mmio_take_error(m->virtio[n]);
        if (why) /* as QEMU reports a broken virtqueue; the guest sees DEVICE_NEEDS_RESET */
            fprintf(stderr, "xpcsim: virtio-mmio@%llx: %s; the device needs a reset\n",
                    (unsigned long long)(MEMMAP_VIRTIO_BASE + n * MEMMAP_VIRTIO_SIZE), why);
        uint64_t due = virtio_mmio_next_deadline(m->virtio[n]);
        if (due != UINT64_MAX) {
            device_busy = true;
            due = due > h->cycle ? due : h->cycle + 1;
            next = due < next ? due : next;
        }
    }
    uint64_t deadline = clint_next_deadline(m->clint);
    if (deadline != UINT64_MAX) {
        uint64_t now = machine_mtime(m);
        uint64_t ticks = deadline > now ? deadline - now : 0;
        uint64_t cpt = m->cycles_per_tick;
        uint64_t at = (h->cycle / cpt + ticks) * cpt;
        if (ticks < (UINT64_MAX / cpt) / 2 && at < next)
            next = at > h->cycle ? at : h->cycle + 1;
    } else if (h->wfi && !device_busy && !((h->csr.mip | h->mip_hw) & h->csr.mie)) {
        idle_until_input(m);
        uart_poll(m->uart);
    }
    h->next_event = next < h->run_until ? next : h->run_until;
}

int machine_run(struct machine *m)
{
    struct hart *h = &m->hart;
    uint64_t budget = m->cfg.max_insns ? m->cfg.max_insns : UINT64_MAX;
    while (!m->exit.requested) {
        uint64_t steps = h->instret + h->traps_taken; /* traps count: each one is a step */
        if (steps >= budget) {
            fprintf(stderr,
                    "xpcsim: stopped after %llu instructions and %llu traps (--max-insns)\n",
                    (unsigned long long)h->instret, (unsigned long long)h->traps_taken);
            return 3;
        }
        uint64_t left = budget - steps;
        hart_run(h, left < (1ULL << 24) ? left : 1ULL << 24);
        if (m->exit.requested && m->exit.reset) {
            /* Reset: QEMU restarts the machine; we end the run and say so. */
            fprintf(stderr, "xpcsim: guest requested a reset\n");
        }
    }
    return m->exit.code;
}
