/* Calls and returns: one call into another address space, a chain A -> B -> C with a seg-mask,
 * a call with a swapped-in segment, and many calls in a row. */
#include "xpc_world.h"

static struct xpc_snapshot start, now;

static void check_slot(const char *what, int slot, uint64_t xcaller, uint64_t segva,
                       uint64_t seglen, int space)
{
    const struct callee_slot *s = &callee_log.slot[slot];
    print_str(what);
    print_char('\n');
    check("  runs", s->runs, 1);
    check("  xcaller", s->xcaller, xcaller);
    check("  usegva", s->segva, segva);
    check("  usegpa (reads 0 in U-mode)", s->segpa, 0);
    check("  useglen", s->seglen, seglen);
    check("  private word (which address space)", s->priv, PRIV_WORD(space));
}

static void one_call(void)
{
    *(volatile uint64_t *)seg_main = 0x1111;
    snapshot(&start);
    xcall(ENTRY_RECORD);
    check_slot("A -> B (entry 0)", 0, (uintptr_t)&world.cap_a, SEG_VA, 4096 | SEG_RW, SPACE_B);
    check("  segment word the callee read", callee_log.slot[0].segword, 0x1111);
    check("segment word the callee wrote", *(volatile uint64_t *)seg_main, SLOT_MARK(0));
    check("back in A: private word", *(volatile uint64_t *)PRIV_VA, PRIV_WORD(SPACE_A));
    check("back in A: xcaller", xpc_csrr(XPC_CSR_XCALLER), 0);
    snapshot(&now);
    check_same_csrs("A -> B -> A: every XPC CSR as before", &start, &now);
    check("the record stayed in memory", world.link[1][XPC_LINK_XCALLER / 8], XPC_LINK_VALID);
    check("  its return pc is in this program", world.link[1][0] >= MEMMAP_DRAM_BASE, 1);
}

static void chain(void)
{
    memset(&callee_log.slot, 0, sizeof callee_log.slot);
    memset(seg_main, 0, sizeof seg_main);
    *(volatile uint64_t *)(seg_main + 0x100) = 0x2222;
    callee_log.chain_mask = XPC_SEGMASK(0x100, 0x80);
    snapshot(&start);
    xcall(ENTRY_CHAIN);
    check_slot("A -> B (entry 1), before its call", 1, (uintptr_t)&world.cap_a, SEG_VA,
               4096 | SEG_RW, SPACE_B);
    check_slot("B -> C (entry 2) with mask (0x100, 0x80)", 3, (uintptr_t)&world.cap_b,
               SEG_VA + 0x100, 0x80 | SEG_RW, SPACE_C);
    check("  C read its window's first word", callee_log.slot[3].segword, 0x2222);
    check_slot("C -> B: B after its call", 2, (uintptr_t)&world.cap_a, SEG_VA, 4096 | SEG_RW,
               SPACE_B);
    check("  B sees C's mark through the whole segment", *(volatile uint64_t *)(seg_main + 0x100),
          SLOT_MARK(3));
    check("  B's own mark was read back by B", callee_log.slot[2].segword, SLOT_MARK(1));
    check("B -> A: segment word 0", *(volatile uint64_t *)seg_main, SLOT_MARK(2));
    check("B -> A: private word", *(volatile uint64_t *)PRIV_VA, PRIV_WORD(SPACE_A));
    snapshot(&now);
    check_same_csrs("after the chain: every XPC CSR as before", &start, &now);
}

static void swapped_segment(void)
{
    memset(&callee_log.slot, 0, sizeof callee_log.slot);
    *(volatile uint64_t *)seg_two = 0x3333;
    swapseg(0); /* seg_two (read-only) becomes active, seg_main goes to the list */
    check("swapseg: usegva", xpc_csrr(XPC_CSR_USEGVA), SEG2_VA);
    check("swapseg: seg-list slot 0 now holds the old segment", world.seglist_a[0][0], SEG_VA);
    xcall(ENTRY_RECORD);
    check_slot("A -> B with the swapped-in segment", 0, (uintptr_t)&world.cap_a, SEG2_VA,
               2048 | XPC_SEG_PERM_R, SPACE_B);
    check("  the callee read it", callee_log.slot[0].segword, 0x3333);
    check("  and could not write it", *(volatile uint64_t *)seg_two, 0x3333);
    swapseg(0);
    check("swapseg back: usegva", xpc_csrr(XPC_CSR_USEGVA), SEG_VA);
}

static void chain_with_a_swapped_segment(void)
{
    memset(&callee_log.slot, 0, sizeof callee_log.slot);
    memset(seg_three, 0, sizeof seg_three);
    *(volatile uint64_t *)seg_main = 0x5555;
    *(volatile uint64_t *)(seg_three + 0x200) = 0x4444;
    callee_log.chain_mask = XPC_SEGMASK(0x200, 0x100);
    snapshot(&start);
    xcall(ENTRY_CHAIN_SWAP);
    check_slot("B swapped in its own segment, then B -> C with mask (0x200, 0x100)", 3,
               (uintptr_t)&world.cap_b, SEG3_VA + 0x200, 0x100 | SEG_RW, SPACE_C);
    check("  C read B's segment", callee_log.slot[3].segword, 0x4444);
    check("  C wrote B's segment", *(volatile uint64_t *)(seg_three + 0x200), SLOT_MARK(3));
    check_slot("C -> B: B after its call, its own segment back whole", 2, (uintptr_t)&world.cap_a,
               SEG3_VA, 4096 | SEG_RW, SPACE_B);
    check("B -> A: A's segment untouched", *(volatile uint64_t *)seg_main, 0x5555);
    check("B -> A: B's seg-list holds B's segment again", world.seglist_b[0][1],
          (uintptr_t)seg_three);
    snapshot(&now);
    check_same_csrs("after the chain: every XPC CSR as before", &start, &now);
}

static void many_calls(void)
{
    memset(&callee_log.slot, 0, sizeof callee_log.slot);
    callee_log.chain_mask = 0;
    for (int i = 0; i < 100; i++)
        xcall(ENTRY_CHAIN);
    check("100 chains: B ran", callee_log.slot[1].runs, 100);
    check("100 chains: C ran", callee_log.slot[3].runs, 100);
    snapshot(&now);
    check("100 chains: xlink back at the first record", now.csr[3], (uintptr_t)world.link[1]);
    check("100 chains: xcaller", now.csr[12], 0);
    check("100 chains: satp", now.satp, satp_of(SPACE_A));
}

/* xcall and xret are legal in S-mode too: a call between two supervisor-only address spaces. */
static void call_from_s_mode(void)
{
    memset(&callee_log.slot, 0, sizeof callee_log.slot);
    raise_priv();
    csr_write(satp, satp_of(SPACE_S_CALLER));
    asm volatile("sfence.vma" ::: "memory");
    m_enter(PRIV_S);
    snapshot_in_s(&start);
    xcall(ENTRY_S_RECORD);
    const struct callee_slot *s = &callee_log.slot[0];
    check("S -> S: the callee ran", s->runs, 1);
    check("  in its own address space", s->priv, PRIV_WORD(SPACE_S_CALLEE));
    check("  xcaller", s->xcaller, (uintptr_t)&world.cap_a);
    check("  usegpa reads the physical base in S-mode", s->segpa, (uintptr_t)seg_main);
    check("back in S: private word", *(volatile uint64_t *)PRIV_VA, PRIV_WORD(SPACE_S_CALLER));
    snapshot_in_s(&now);
    check_same_csrs("S -> S -> S: every XPC CSR as before", &start, &now);
    raise_priv();
    enter_user();
}

int main(void)
{
    xpc_world_init();
    enter_user();
    one_call();
    chain();
    swapped_segment();
    chain_with_a_swapped_segment();
    call_from_s_mode();
    many_calls();
    return 0;
}
