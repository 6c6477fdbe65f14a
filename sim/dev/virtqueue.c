/* Split virtqueues (virtio 1.2 §2.7) from the device's side: the rings and descriptor tables are
 * guest memory the driver controls, so every address is checked against guest RAM before it is
 * read or written, and every index against the ring; a chain that breaks a rule is reported
 * (with what is wrong) instead of followed. */
#include <string.h>

#include "virtio.h"

#define DESC_F_NEXT          1
#define DESC_F_WRITE         2
#define DESC_F_INDIRECT      4
#define AVAIL_F_NO_INTERRUPT 1

static uint8_t *ram(const struct dma_memory *mem, uint64_t pa, uint64_t len)
{
    uint64_t off = pa - mem->base;
    if (off >= mem->size || len > mem->size - off)
        return NULL;
    return mem->host + off;
}

static uint16_t ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2); /* the host is little-endian, like virtio 1.x */
    return v;
}

static uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

void virtio_dma_written(const struct dma_memory *mem, uint64_t pa, uint64_t len)
{
    if (mem->written && len)
        mem->written(mem->opaque, pa, len);
}

const char *virtqueue_problem(const struct virtqueue *q, const struct dma_memory *mem,
                              unsigned num_max)
{
    uint64_t n = q->num;
    if (!n || n > num_max || (n & (n - 1)))
        return "queue size is not a power of two up to QueueNumMax";
    if ((q->desc & 15) || (q->driver & 1) || (q->device & 3))
        return "a ring is misaligned";
    if (!ram(mem, q->desc, 16 * n) || !ram(mem, q->driver, 6 + 2 * n) ||
        !ram(mem, q->device, 6 + 8 * n))
        return "a ring is not in RAM";
    return NULL;
}

const char *virtqueue_available(const struct virtqueue *q, const struct dma_memory *mem,
                                unsigned *n)
{
    uint16_t avail_idx = ld16(ram(mem, q->driver + 2, 2));
    *n = (uint16_t)(avail_idx - q->last_avail);
    return *n > q->num ? "the available index ran more than a ring ahead" : NULL;
}

static const char *add_segment(struct virtio_chain *c, const struct dma_memory *mem, uint64_t addr,
                               uint32_t len, bool writable)
{
    if (len == 0)
        return NULL; /* nothing to move; never dereferenced */
    uint8_t *host = ram(mem, addr, len);
    if (!host)
        return "a buffer is not in RAM";
    if (c->n_out + c->n_in >= VIRTIO_MAX_SEGMENTS)
        return "a chain is too long";
    if (!writable && c->n_in) /* readable buffers must all come first (§2.7.4.2) */
        return "a readable buffer follows a writable one";
    c->seg[c->n_out + c->n_in] = (struct virtio_segment){.host = host, .pa = addr, .len = len};
    if (writable) {
        c->n_in++;
        c->in_bytes += len;
    } else {
        c->n_out++;
        c->out_bytes += len;
    }
    return NULL;
}

/* Follow the chain from `head` into c. NULL, or what is malformed. */
static const char *walk_chain(const struct virtqueue *q, const struct dma_memory *mem,
                              bool indirect_ok, uint32_t head, struct virtio_chain *c)
{
    c->n_out = c->n_in = 0;
    c->out_bytes = c->in_bytes = 0;
    uint64_t table = q->desc;
    uint32_t table_len = q->num, idx = head, visited = 0;
    bool indirect = false;
    for (;;) {
        if (idx >= table_len)
            return "a descriptor index is out of range";
        if (++visited > table_len)
            return "a descriptor chain loops";
        const uint8_t *d = ram(mem, table + 16ULL * idx, 16);
        if (!d)
            return "a descriptor is not in RAM";
        uint64_t addr = ld64(d);
        uint32_t len = ld32(d + 8);
        uint16_t flags = ld16(d + 12), next = ld16(d + 14);
        if (flags & DESC_F_INDIRECT) {
            /* One level only, never chained on, only when negotiated (§2.7.5.3). */
            if (indirect || (flags & DESC_F_NEXT) || !indirect_ok || len == 0 || len % 16 ||
                len / 16 > VIRTIO_MAX_SEGMENTS || !ram(mem, addr, len))
                return "bad indirect descriptor";
            table = addr;
            table_len = len / 16;
            idx = 0;
            visited = 0;
            indirect = true;
            continue;
        }
        const char *why = add_segment(c, mem, addr, len, flags & DESC_F_WRITE);
        if (why || !(flags & DESC_F_NEXT))
            return why;
        idx = next;
    }
}

const char *virtqueue_pop(struct virtqueue *q, const struct dma_memory *mem, bool indirect_ok,
                          struct virtio_chain *c, uint32_t *head)
{
    *head = ld16(ram(mem, q->driver + 4 + 2ULL * (q->last_avail % q->num), 2));
    const char *why = walk_chain(q, mem, indirect_ok, *head, c);
    if (!why)
        q->last_avail++;
    return why;
}

bool virtqueue_push(struct virtqueue *q, const struct dma_memory *mem, uint32_t head, uint32_t len)
{
    uint64_t entry = q->device + 4 + 8ULL * (q->used_idx % q->num);
    uint8_t *e = ram(mem, entry, 8);
    memcpy(e, &head, 4);
    memcpy(e + 4, &len, 4);
    q->used_idx++;
    memcpy(ram(mem, q->device + 2, 2), &q->used_idx, 2);
    virtio_dma_written(mem, entry, 8);
    virtio_dma_written(mem, q->device + 2, 2);
    return !(ld16(ram(mem, q->driver, 2)) & AVAIL_F_NO_INTERRUPT);
}
