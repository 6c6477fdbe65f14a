/* Spike's host-target interface: the program writes a command word to `tohost` in RAM and the host
 * answers through `fromhost`. A command is device (bits 63:56), command (55:48) and payload
 * (47:0). Programs built for Spike (riscv-tests, their benchmarks, riscv-pk) finish and print
 * this way, so the machine runs them unchanged. Every guest pointer is checked against RAM. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>

#include "../dev.h"
#include "fdio.h"

#define HTIF_DEV_SYSCALL 0
#define HTIF_DEV_CONSOLE 1
#define HTIF_CMD_PUTCHAR 1

#define HTIF_PAYLOAD_MASK 0xffffffffffffULL

/* riscv-tests' syscall proxy block: eight words, [which, arg0, arg1, arg2, ...]. */
#define MAGIC_MEM_WORDS 8
#define SYS_WRITE       64
#define SYS_EXIT        93

/* Spike queues answers and posts the next only once the program has consumed fromhost; a program
 * that never reads fromhost must not make the queue grow without bound. */
#define HTIF_QUEUE_MAX 64

struct htif {
    uint8_t *ram;
    uint64_t ram_base, ram_size;
    uint64_t tohost, fromhost; /* guest physical addresses */
    int out_fd;
    struct machine_exit *exit;
    uint64_t queue[HTIF_QUEUE_MAX];
    unsigned queue_head, queue_count;
};

/* Offset in RAM of [addr, addr + len), or false if any part of it lies outside. */
static bool ram_offset(const struct htif *h, uint64_t addr, uint64_t len, uint64_t *offset)
{
    if (addr < h->ram_base)
        return false;
    uint64_t off = addr - h->ram_base;
    if (off > h->ram_size || len > h->ram_size - off)
        return false;
    *offset = off;
    return true;
}

static uint64_t load64(const struct htif *h, uint64_t offset)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)h->ram[offset + i] << (8 * i);
    return v;
}

static void store64(struct htif *h, uint64_t offset, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        h->ram[offset + i] = (uint8_t)(v >> (8 * i));
}

struct htif *htif_create(uint8_t *ram_host, uint64_t ram_base, uint64_t ram_size, uint64_t tohost,
                         uint64_t fromhost, int out_fd, struct machine_exit *exit)
{
    if (!ram_host || !exit)
        return NULL;
    struct htif *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    *h = (struct htif){.ram = ram_host,
                       .ram_base = ram_base,
                       .ram_size = ram_size,
                       .tohost = tohost,
                       .fromhost = fromhost,
                       .out_fd = out_fd,
                       .exit = exit};
    uint64_t off;
    if ((tohost & 7) || !ram_offset(h, tohost, 8, &off) ||
        (fromhost && ((fromhost & 7) || !ram_offset(h, fromhost, 8, &off)))) {
        free(h);
        return NULL;
    }
    return h;
}

void htif_destroy(struct htif *h)
{
    free(h);
}

static void htif_respond(struct htif *h, uint64_t tohost, uint64_t value)
{
    if (!h->fromhost || h->queue_count == HTIF_QUEUE_MAX)
        return;
    uint64_t answer = (tohost & ~HTIF_PAYLOAD_MASK) | (value & HTIF_PAYLOAD_MASK);
    h->queue[(h->queue_head + h->queue_count) % HTIF_QUEUE_MAX] = answer;
    h->queue_count++;
}

static void htif_post_answer(struct htif *h)
{
    uint64_t off;
    if (!h->queue_count || !h->fromhost || !ram_offset(h, h->fromhost, 8, &off) ||
        load64(h, off) != 0)
        return;
    store64(h, off, h->queue[h->queue_head]);
    h->queue_head = (h->queue_head + 1) % HTIF_QUEUE_MAX;
    h->queue_count--;
}

static void htif_request_exit(struct htif *h, uint64_t code)
{
    h->exit->requested = true;
    h->exit->reset = false;
    h->exit->code = (int)(code & 0x7fffffff);
}

/* Returns the value the syscall gives back in magic_mem[0]. */
static int64_t htif_syscall(struct htif *h, const uint64_t *args)
{
    uint64_t off;
    switch (args[0]) {
    case SYS_WRITE:
        if (args[1] != 1 && args[1] != 2)
            return -EBADF;
        if (!ram_offset(h, args[2], args[3], &off))
            return -EFAULT;
        fd_write_all(h->out_fd, h->ram + off, (size_t)args[3]);
        return (int64_t)args[3];
    case SYS_EXIT: htif_request_exit(h, args[1]); return 0;
    default: return -ENOSYS;
    }
}

static void htif_handle(struct htif *h, uint64_t tohost)
{
    unsigned device = tohost >> 56;
    unsigned cmd = (tohost >> 48) & 0xff;
    uint64_t payload = tohost & HTIF_PAYLOAD_MASK;

    if (device == HTIF_DEV_SYSCALL && cmd == 0) {
        if (payload & 1) {
            htif_request_exit(h, payload >> 1);
            return;
        }
        uint64_t off;
        if (!ram_offset(h, payload, 8 * MAGIC_MEM_WORDS, &off)) {
            htif_respond(h, tohost, 1); /* answer anyway so the program does not wait forever */
            return;
        }
        uint64_t args[MAGIC_MEM_WORDS];
        for (int i = 0; i < MAGIC_MEM_WORDS; i++)
            args[i] = load64(h, off + 8 * i);
        int64_t ret = htif_syscall(h, args);
        store64(h, off, (uint64_t)ret);
        htif_respond(h, tohost, 1);
    } else if (device == HTIF_DEV_CONSOLE && cmd == HTIF_CMD_PUTCHAR) {
        uint8_t ch = (uint8_t)payload;
        fd_write_all(h->out_fd, &ch, 1);
        htif_respond(h, tohost, 0x100 | ch);
    }
    /* Other devices (block device, console input) are not emulated: the command is dropped. */
}

void htif_poll(struct htif *h)
{
    uint64_t off;
    if (!ram_offset(h, h->tohost, 8, &off))
        return;
    uint64_t tohost = load64(h, off);
    if (tohost != 0) {
        store64(h, off, 0);
        htif_handle(h, tohost);
    }
    htif_post_answer(h);
}
