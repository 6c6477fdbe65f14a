/* Physical frame allocator: a bitmap over DRAM, with a rotating search hint. */
#include <kernel/mm.h>

#define MAX_FRAMES (1u << 20) /* 4 GiB of DRAM */

static uint64_t bitmap[MAX_FRAMES / 64];
static uint64_t base, nframes, used, hint, nframes_reserved_base;
uint64_t heap_frames;

static void mark(uint64_t i, bool on)
{
    if (on)
        bitmap[i / 64] |= 1ULL << (i % 64);
    else
        bitmap[i / 64] &= ~(1ULL << (i % 64));
}
static bool is_used(uint64_t i)
{
    return bitmap[i / 64] >> (i % 64) & 1;
}

static void reserve(uint64_t lo, uint64_t hi)
{
    for (uint64_t pa = ALIGN_DOWN(lo, PAGE_SIZE); pa < hi; pa += PAGE_SIZE) {
        if (pa < base || pa >= base + nframes * PAGE_SIZE)
            continue;
        uint64_t i = (pa - base) / PAGE_SIZE;
        if (!is_used(i)) {
            mark(i, true);
            used++;
        }
    }
}

void frame_init(uint64_t mem_base, uint64_t mem_size, uint64_t reserved_lo, uint64_t reserved_hi,
                uint64_t fdt_base, uint64_t fdt_size)
{
    base = mem_base;
    nframes = mem_size / PAGE_SIZE;
    if (nframes > MAX_FRAMES)
        nframes = MAX_FRAMES;
    reserve(mem_base, reserved_hi > reserved_lo ? reserved_hi : reserved_lo);
    reserve(fdt_base, fdt_base + fdt_size);
    /* The frames holding firmware, kernel and device tree are not the allocator's to give. */
    nframes_reserved_base = used;
}

uint64_t frame_alloc(void)
{
    /* Word at a time: a full word (64 used frames) is skipped with one compare. */
    uint64_t words = (nframes + 63) / 64;
    for (uint64_t n = 0; n <= words; n++) {
        uint64_t w = (hint / 64 + n) % words;
        if (bitmap[w] == ~0ULL)
            continue;
        uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(~bitmap[w]);
        if (i >= nframes)
            continue;
        mark(i, true);
        used++;
        hint = i;
        uint64_t pa = base + i * PAGE_SIZE;
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
        return pa;
    }
    return 0;
}

void frame_free(uint64_t pa)
{
    ASSERT(pa >= base && pa < base + nframes * PAGE_SIZE && (pa & PAGE_OFFSET_MASK) == 0);
    uint64_t i = (pa - base) / PAGE_SIZE;
    ASSERT(is_used(i));
    mark(i, false);
    used--;
}

uint64_t frames_used(void)
{
    return used - nframes_reserved_base - heap_frames;
}

uint64_t frames_free(void)
{
    return nframes - used;
}

uint64_t frames_total(void)
{
    return nframes - nframes_reserved_base;
}

uint64_t frame_alloc_contig(uint64_t n)
{
    if (n == 0 || n > nframes)
        return 0;
    if (n == 1)
        return frame_alloc();
    for (uint64_t i = 0, run = 0; i < nframes; i++) {
        run = is_used(i) ? 0 : run + 1;
        if (run < n)
            continue;
        uint64_t first = i + 1 - n;
        for (uint64_t j = first; j <= i; j++)
            mark(j, true);
        used += n;
        uint64_t pa = base + first * PAGE_SIZE;
        memset(phys_to_virt(pa), 0, n * PAGE_SIZE);
        return pa;
    }
    return 0;
}

void frame_free_contig(uint64_t pa, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        frame_free(pa + i * PAGE_SIZE);
}
