/* Loads and stores through the relay segment: every size at the window's edges, the page faults
 * just outside it, the permission checks, and a window that moves with swapseg. */
#include "xpc_world.h"

#define SEG_END (SEG_VA + 4096)

static void inside(void)
{
    memset(seg_main, 0, sizeof seg_main);
    trap_arm();
    sd64(SEG_VA, 0x0123456789abcdefULL);
    sd64(SEG_END - 8, 0xfedcba9876543210ULL);
    sw32(SEG_VA + 0x800, 0x89abcdef);
    sb8(SEG_END - 1, 0x5a);
    check("ld first word", ld64(SEG_VA), 0x0123456789abcdefULL);
    check("ld last word (with the byte stored over it)", ld64(SEG_END - 8), 0x5adcba9876543210ULL);
    check("lw sign-extends", lw32(SEG_VA + 0x800), 0xffffffff89abcdefULL);
    check("lbu last byte", lbu8(SEG_END - 1), 0x5a);
    check_no_trap("accesses inside the window");
    check("the stores reached seg_main (first word)", *(volatile uint64_t *)seg_main,
          0x0123456789abcdefULL);
    check("the stores reached seg_main (word at 0x800)", *(volatile uint32_t *)(seg_main + 0x800),
          0x89abcdef);
    check("the stores reached seg_main (last byte)", seg_main[4095], 0x5a);
}

static void outside(void)
{
    trap_arm();
    ld64(SEG_END);
    check_trap("ld one past the end", &trap_m, CAUSE_LOAD_PAGE_FAULT, SEG_END);
    trap_arm();
    sb8(SEG_END, 1);
    check_trap("sb one past the end", &trap_m, CAUSE_STORE_PAGE_FAULT, SEG_END);
    trap_arm();
    ld64(SEG_VA - 8);
    check_trap("ld just below", &trap_m, CAUSE_LOAD_PAGE_FAULT, SEG_VA - 8);
    trap_arm();
    sb8(SEG_VA - 1, 1);
    check_trap("sb just below", &trap_m, CAUSE_STORE_PAGE_FAULT, SEG_VA - 1);
}

static void permissions(void)
{
    *(volatile uint64_t *)seg_two = 0x7777;
    swapseg(0); /* seg_two: 2 KiB, read-only */
    trap_arm();
    check("read-only segment: ld", ld64(SEG2_VA), 0x7777);
    check("read-only segment: ld last word", ld64(SEG2_VA + 2048 - 8), 0);
    check_no_trap("loads from a read-only segment");
    trap_arm();
    sd64(SEG2_VA, 1);
    check_trap("sd to a read-only segment", &trap_m, CAUSE_STORE_PAGE_FAULT, SEG2_VA);
    check("  nothing written", *(volatile uint64_t *)seg_two, 0x7777);
    trap_arm();
    ld64(SEG2_VA + 2048);
    check_trap("ld past its 2 KiB", &trap_m, CAUSE_LOAD_PAGE_FAULT, SEG2_VA + 2048);
    trap_arm();
    ld64(SEG_VA);
    check_trap("the old window is gone", &trap_m, CAUSE_LOAD_PAGE_FAULT, SEG_VA);
    swapseg(1); /* the empty slot: no segment at all */
    trap_arm();
    ld64(SEG2_VA);
    check_trap("no active segment", &trap_m, CAUSE_LOAD_PAGE_FAULT, SEG2_VA);
    swapseg(1);
    swapseg(0);
    trap_arm();
    check("back to seg_main", ld64(SEG_VA), 0x0123456789abcdefULL);
    check_no_trap("after swapping back");
}

static void fetch_never_uses_the_segment(void)
{
    /* A jump into the window must not run the segment's bytes: fetch is translated by the page
     * table only, where the window is unmapped. */
    *(volatile uint32_t *)seg_main = 0x00008067; /* ret */
    trap_arm();
    asm volatile("jalr ra, 0(%0)" ::"r"(SEG_VA) : "ra", "memory");
    check_trap("fetch from the window", &trap_m, CAUSE_FETCH_PAGE_FAULT, SEG_VA);
}

int main(void)
{
    xpc_world_init();
    enter_user();
    inside();
    outside();
    permissions();
    fetch_never_uses_the_segment();
    return 0;
}
