/* Kernel heap: power-of-two size classes carved from frames. Freed blocks go back to their class
 * list; slab frames stay with the heap (counted in heap_frames, so leak checks look at
 * kheap_live_bytes instead). */
#include <kernel/mm.h>

#define MIN_SHIFT 5
#define MAX_SHIFT 11
#define NCLASSES  (MAX_SHIFT - MIN_SHIFT + 1)

struct free_block {
    struct free_block *next;
};

static struct free_block *free_list[NCLASSES];
static uint64_t live_bytes;

static int class_of(size_t size)
{
    int c = 0;
    while (((size_t)1 << (c + MIN_SHIFT)) < size)
        c++;
    return c;
}

void *kmalloc(size_t size)
{
    if (size == 0 || size > (1u << MAX_SHIFT))
        panic("kmalloc(%u): unsupported size", (unsigned)size);
    int c = class_of(size);
    size_t bsize = (size_t)1 << (c + MIN_SHIFT);
    if (!free_list[c]) {
        uint64_t pa = frame_alloc();
        if (!pa)
            return NULL;
        heap_frames++;
        for (size_t off = 0; off < PAGE_SIZE; off += bsize) {
            struct free_block *b = (struct free_block *)phys_to_virt(pa + off);
            b->next = free_list[c];
            free_list[c] = b;
        }
    }
    struct free_block *b = free_list[c];
    free_list[c] = b->next;
    memset(b, 0, bsize);
    live_bytes += bsize;
    return b;
}

void kfree(void *p, size_t size)
{
    if (!p)
        return;
    int c = class_of(size);
    struct free_block *b = p;
    b->next = free_list[c];
    free_list[c] = b;
    live_bytes -= (size_t)1 << (c + MIN_SHIFT);
}

uint64_t kheap_live_bytes(void)
{
    return live_bytes;
}
