/* The decoded-block cache (sim/block.c) and the hart loop around it (sim/cpu.c): where blocks
 * end, instructions straddling a page, invalidation by fence.i and by stores to code pages, and
 * block links, which must die whenever the fetch context (the generation) moves. */
#include "cpu_fixture.h"

TestSuite(block, .init = cpu_setup, .fini = cpu_teardown);

static struct {
    struct block b;
    struct insn room[BLOCK_MAX_INSNS + 1];
} scratch;

/* Translate the block at physical pa, from M-mode (so va = pa). */
static struct block *translate(uint64_t pa)
{
    set_priv(PRIV_M);
    struct block *b = block_translate(h, pa, pa, &scratch.b);
    cr_assert_not_null(b, "block_translate(0x%llx) faulted: cause %llu", (unsigned long long)pa,
                       (unsigned long long)h->exc_cause);
    return b;
}

static void poke16(uint64_t pa, uint16_t v)
{
    memcpy(ram(pa), &v, 2);
}

Test(block, ends_at_a_branch)
{
    uint64_t pa = CODE + 0x40;
    PROGRAM(pa, LI(A0, 1), LI(A1, 2), ADD(A2, A0, A1), BEQ(A0, A1, 64), LI(A3, 3));
    struct block *b = translate(pa);
    cr_assert_eq(b->n, 4, "n = %u", b->n);
    cr_expect_eq(b->insns[3].op, OP_BEQ);
    cr_expect_eq(b->insns[3].off, 12);
    cr_expect_eq(b->insns[4].op, OP_END);
    cr_expect_eq(b->pa, pa);
    cr_expect_eq(block_lookup(h->blocks, pa), b, "the block is not in the cache");
    cr_expect(m->code_page[(pa - RAM_BASE) >> 12], "its page is not marked as code");
}

/* Offsets follow the instruction lengths; a jump ends the block. */
Test(block, mixed_lengths_and_jumps)
{
    uint64_t pa = CODE + 0x80;
    poke16(pa, 0x0505); /* c.addi a0, 1 */
    poke32(pa + 2, LI(A1, 2));
    poke16(pa + 6, 0x0001); /* c.nop */
    poke32(pa + 8, JAL(X0, 16));
    poke32(pa + 12, LI(A2, 3));
    struct block *b = translate(pa);
    cr_assert_eq(b->n, 4);
    static const uint16_t offs[] = {0, 2, 6, 8};
    for (unsigned i = 0; i < 4; i++)
        cr_expect_eq(b->insns[i].off, offs[i], "insn %u at %u", i, b->insns[i].off);
    cr_expect_eq(b->insns[3].op, OP_JAL);
    cr_expect_eq(b->insns[4].off, 12, "END after the jal");
}

Test(block, at_most_64_instructions)
{
    uint64_t pa = CODE + 0x1000;
    for (unsigned i = 0; i < 100; i++)
        poke32(pa + 4 * i, ADDI(A0, A0, 1));
    struct block *b = translate(pa);
    cr_assert_eq(b->n, BLOCK_MAX_INSNS);
    cr_expect_eq(b->insns[BLOCK_MAX_INSNS].op, OP_END);
    cr_expect_eq(b->insns[BLOCK_MAX_INSNS].off, 4 * BLOCK_MAX_INSNS);
    /* Run them: 100 increments across two blocks. */
    poke32(pa + 400, EBREAK);
    run_at(pa, PRIV_M, 10000);
    cr_expect_eq(h->x[A0], 100);
    cr_expect_eq(h->csr.mepc, pa + 400);
}

/* A block never crosses a page: one translation covers all of it. */
Test(block, ends_at_the_page_end)
{
    uint64_t pa = CODE + 0x2000 - 8;
    PROGRAM(pa, LI(A0, 1), LI(A1, 2), LI(A2, 3), EBREAK);
    struct block *b = translate(pa);
    cr_assert_eq(b->n, 2, "n = %u", b->n);
    cr_expect_eq(b->insns[2].op, OP_END);
    cr_expect_eq(b->insns[2].off, 8);
    run_at(pa, PRIV_M, 1000);
    cr_expect_eq(h->x[A2], 3);
    cr_expect_eq(h->csr.mepc, pa + 12);
}

/* A 4-byte instruction whose halves lie on two pages: decoded on its own, never cached. */
Test(block, instruction_straddling_a_page)
{
    uint64_t page_end = CODE + 0x3000;
    uint32_t insn = ADDI(A0, A0, 0x7ff);
    poke16(page_end - 6, 0x0001); /* c.nop */
    poke16(page_end - 4, 0x0001); /* c.nop */
    poke16(page_end - 2, (uint16_t)insn);
    poke16(page_end, (uint16_t)(insn >> 16));
    poke32(page_end + 2, EBREAK);

    struct block *b = translate(page_end - 6);
    cr_assert_eq(b->n, 2, "the block must stop before the straddling instruction");
    cr_expect_eq(b->insns[2].off, 4);

    b = translate(page_end - 2);
    cr_assert_eq(b, &scratch.b, "a straddling instruction must be decoded into the scratch");
    cr_expect_eq(b->n, 1);
    cr_expect_eq(b->pa, UINT64_MAX);
    cr_expect_eq(b->insns[0].op, OP_ADDI);
    cr_expect_eq(b->insns[0].imm, 0x7ff);
    cr_expect_eq(b->insns[0].rd, A0);
    cr_expect_eq(b->insns[1].op, OP_END);
    cr_expect_eq(b->insns[1].off, 4);
    cr_expect_null(block_lookup(h->blocks, page_end - 2));

    h->x[A0] = 1;
    run_at(page_end - 6, PRIV_M, 1000);
    cr_expect_eq(h->x[A0], 0x800);
    cr_expect_eq(h->csr.mcause, CAUSE_BREAKPOINT);
    cr_expect_eq(h->csr.mepc, page_end + 2);
}

/* Under paging, the second half comes from the second page's translation; when that page is
 * not mapped, the fetch faults with tval = the second page and epc = the instruction. */
Test(block, straddling_fetch_translates_both_pages)
{
    const uint64_t va = 0x40000000, first = CODE + 0x10000, second = CODE + 0x20000;
    uint64_t root = pt_alloc();
    map(root, 3, va, first, 0, RWX_AD);
    uint32_t insn = ADDI(A0, A0, 0x7ff);
    PROGRAM(first + 0xff0, LI(A0, 3), NOP, NOP);
    poke16(first + 0xffc, 0x0001); /* c.nop */
    poke16(first + 0xffe, (uint16_t)insn);
    poke16(first + 0x1000, 0xffff); /* the physically next page holds garbage */
    poke16(second, (uint16_t)(insn >> 16));
    poke32(second + 2, EBREAK);
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 1, root)));

    run_at(va + 0xff0, PRIV_S, 1000);
    cr_expect_eq(h->csr.mcause, CAUSE_FETCH_PAGE_FAULT);
    cr_expect_eq(h->csr.mepc, va + 0xffe);
    cr_expect_eq(h->csr.mtval, va + 0x1000, "tval must name the unmapped second page");
    cr_expect_eq(h->x[A0], 3);

    map(root, 3, va + 0x1000, second, 0, RWX_AD);
    run_at(va + 0xff0, PRIV_S, 1000);
    cr_expect_eq(h->csr.mcause, CAUSE_BREAKPOINT, "cause %llu", (unsigned long long)h->csr.mcause);
    cr_expect_eq(h->csr.mepc, va + 0x1002);
    cr_expect_eq(h->x[A0], 3 + 0x7ff);
}

/* F at CODE + 0x400: li a0, <n>; ret. */
#define FUNC (CODE + 0x400)

/* Code a device writes (DMA) drops the decoded blocks of its page at once, as a store does;
 * so fence.i has nothing left to drop, and keeps the blocks of code nobody wrote. */
Test(block, device_writes_drop_blocks_and_fence_i_keeps_the_rest)
{
    PROGRAM(FUNC, LI(A0, 1), JALR(X0, RA, 0));
    PROGRAM(CODE, LA(A1, FUNC), JALR(RA, A1, 0), EBREAK);
    /* On another page, so that writing it drops nothing. */
    PROGRAM(CODE + 0x5000, FENCE_I, LA(A1, FUNC), JALR(RA, A1, 0), EBREAK);
    run_at(CODE, PRIV_M, 1000);
    cr_assert_eq(h->x[A0], 1);
    struct block *f = block_lookup(h->blocks, FUNC);
    cr_assert_not_null(f);

    run_at(CODE + 0x5000, PRIV_M, 1000);
    cr_expect_eq(h->x[A0], 1);
    cr_expect_eq(block_lookup(h->blocks, FUNC), f, "fence.i dropped code nobody wrote");

    poke32(FUNC, LI(A0, 2)); /* as a device's DMA does, then tells the machine */
    machine_dma_written(m, FUNC, 4);
    cr_expect_null(block_lookup(h->blocks, FUNC), "the device's write kept the old decode");
    cr_expect_not_null(block_lookup(h->blocks, CODE + 0x5000), "another page's blocks went too");
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(h->x[A0], 2, "the old decode ran");
}

/* A store to code drops the blocks of that page only. */
Test(block, store_to_code_drops_only_its_page)
{
    const uint64_t other = CODE + 0x6000;
    PROGRAM(FUNC, LI(A0, 1), JALR(X0, RA, 0));
    PROGRAM(other, LI(A2, 5), JALR(X0, RA, 0));
    PROGRAM(CODE, LA(A1, FUNC), JALR(RA, A1, 0), LA(A1, other), JALR(RA, A1, 0), EBREAK);
    run_at(CODE, PRIV_M, 1000);
    struct block *o = block_lookup(h->blocks, other);
    cr_assert_not_null(o);
    uint64_t drops = h->blocks->page_drops;
    cr_assert(mem_store32(h, FUNC, LI(A0, 3)));
    cr_expect_eq(h->blocks->page_drops, drops + 1);
    cr_expect_null(block_lookup(h->blocks, FUNC));
    cr_expect_eq(block_lookup(h->blocks, other), o, "a page nobody wrote lost its blocks");
    /* The page's marks went with its blocks: its stores may use the fast path again, until code
     * is decoded from it once more. */
    cr_expect_eq(m->code_page[(FUNC - RAM_BASE) >> 12], 0);
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(h->x[A0], 3);
    cr_expect_eq(h->x[A2], 5);
}

/* A guest store to a page with decoded code drops the decoded blocks at once (the machine's
 * documented behaviour, stronger than the spec, which asks for fence.i). */
Test(block, guest_store_to_code_invalidates)
{
    uint32_t li2 = LI(A0, 2);
    uint32_t hi = (li2 + 0x800) >> 12, lo = li2 & 0xfff;
    PROGRAM(FUNC, LI(A0, 1), JALR(X0, RA, 0));
    PROGRAM(CODE, LA(A1, FUNC), JALR(RA, A1, 0), ADD(S2, A0, X0), LUI(A3, hi),
            ADDI(A3, A3, (int32_t)(lo << 20) >> 20), SW(A3, A1, 0), JALR(RA, A1, 0), EBREAK);
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(peek32(FUNC), li2, "the program stored the wrong word");
    cr_expect_eq(h->x[S2], 1);
    cr_expect_eq(h->x[A0], 2, "the stale decode of F ran after the store");
}

/* Data that shares a page with code: a store into a 64-byte chunk without code keeps the
 * decoded blocks; a store into the chunk with code drops them. */
Test(block, data_beside_code_keeps_the_blocks)
{
    uint64_t data = FUNC + 0x200; /* same page as FUNC, another chunk */
    PROGRAM(FUNC, LI(A0, 1), JALR(X0, RA, 0));
    PROGRAM(CODE, LA(A1, FUNC), JALR(RA, A1, 0), LA(A2, data), SW(A0, A2, 0), JALR(RA, A1, 0),
            EBREAK);
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(peek32(data), 1, "the data store did not land");
    uint64_t drops = h->blocks->page_drops;
    cr_expect_not_null(block_lookup(h->blocks, FUNC), "a store beside the code dropped its block");
    /* Now a store into FUNC's own chunk. */
    PROGRAM(CODE, LA(A1, FUNC), SW(X0, A1, 8), EBREAK);
    run_at(CODE, PRIV_M, 1000);
    cr_expect_gt(h->blocks->page_drops, drops, "a store into the code chunk kept stale blocks");
    cr_expect_null(block_lookup(h->blocks, FUNC));
}

/* A store to its own code page drops the block while it runs. The block is freed memory
 * afterwards: linking its exit to the next block would write into whatever the cache put there
 * next (the next block, translated at the start of the emptied pool). */
Test(block, block_freed_while_running_is_not_linked)
{
    const uint64_t b_pa = CODE + 0x100, c_pa = CODE + 0x200;
    /* A: s0 = a data word in the code page; on to B. */
    PROGRAM(CODE, LA(S0, CODE + 0x800), LI(A0, 0), JAL(X0, (int32_t)(b_pa - (CODE + 24))));
    /* B: the store drops every block, B included; on to C. */
    PROGRAM(b_pa, SW(X0, S0, 0), JAL(X0, (int32_t)(c_pa - (b_pa + 4))));
    /* C: long enough to cover where B was in the pool. */
    for (unsigned i = 0; i < 40; i++)
        poke32(c_pa + 4 * i, ADDI(A0, A0, 1));
    poke32(c_pa + 160, EBREAK);
    run_at(CODE, PRIV_M, 10000);
    cr_expect_eq(h->x[A0], 40, "C ran corrupted: a0 = %llu", (unsigned long long)h->x[A0]);
    cr_expect_eq(h->csr.mepc, c_pa + 160);
}

/* ---- Links and the generation ---- */

Test(block, generation_moves_with_the_fetch_context)
{
    struct block_cache *c = h->blocks;
    uint64_t g = c->gen;
    tlb_flush_all(h);
    cr_expect_gt(c->gen, g, "a TLB flush must retire the links");
    g = c->gen;
    set_priv(PRIV_S);
    cr_expect_gt(c->gen, g, "a privilege change must retire the links");
    g = c->gen;
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 1, pt_alloc())));
    cr_expect_gt(c->gen, g, "a satp write must retire the links");
    g = c->gen;
    block_cache_flush(c);
    cr_expect_gt(c->gen, g, "dropping the blocks must retire the links");
}

Test(block, link_slots)
{
    /* All code first: writing a code page later would drop the blocks. */
    PROGRAM(CODE, JAL(X0, 0x100));
    PROGRAM(CODE + 0x100, EBREAK);
    PROGRAM(CODE + 0x200, EBREAK);
    PROGRAM(CODE + 0x300, EBREAK);
    struct block *a = translate(CODE), *b1 = translate(CODE + 0x100);
    struct block *b2 = translate(CODE + 0x200), *b3 = translate(CODE + 0x300);
    struct block_cache *c = h->blocks;
    block_link(c, a, 0x100, b1);
    cr_expect_eq(a->next[0].to, b1);
    cr_expect_eq(a->next[0].va, 0x100);
    cr_expect_eq(a->next[0].gen, c->gen);
    block_link(c, a, 0x200, b2);
    cr_expect_eq(a->next[1].to, b2, "the second link must not replace the first");
    cr_expect_eq(a->next[0].to, b1);
    block_link(c, a, 0x300, b3);
    cr_expect(a->next[0].to == b3 || a->next[1].to == b3, "the third link was not kept");
    block_cache_unlink_all(c);
    cr_expect_neq(a->next[0].gen, c->gen);
    cr_expect_neq(a->next[1].gen, c->gen);
    block_link(c, a, 0x100, b1);
    cr_expect_eq(a->next[0].to, b1, "a stale slot is reused first");
}

/* A link made under one address space must not be followed under another: the same virtual
 * address maps to different code after a satp write, inside one run. */
Test(block, links_die_when_satp_changes)
{
    const uint64_t va_a = 0x40001000, va_q = 0x40002000;
    const uint64_t a_pa = CODE + 0x1000, q1_pa = CODE + 0x2000, q2_pa = CODE + 0x3000;
    uint64_t root1 = pt_alloc(), root2 = pt_alloc();
    map(root1, 3, va_a, a_pa, 0, RWX_AD);
    map(root1, 3, va_q, q1_pa, 0, RWX_AD);
    map(root2, 3, va_a, a_pa, 0, RWX_AD);
    map(root2, 3, va_q, q2_pa, 0, RWX_AD);
    /* A, the same in both spaces: count, call Q, switch to space 2, and again. */
    PROGRAM(a_pa, ADDI(A2, A2, 1), JAL(RA, (int32_t)(va_q - (va_a + 4))), CSRRW(X0, CSR_SATP, S1),
            JAL(X0, -12));
    /* Q in space 1 returns; Q in space 2 stops. */
    PROGRAM(q1_pa, LI(A1, 1), JALR(X0, RA, 0));
    PROGRAM(q2_pa, LI(A1, 2), EBREAK);
    h->x[S1] = satp_of(SATP_MODE_SV39, 2, root2);
    cr_assert(csr_write(h, CSR_SATP, satp_of(SATP_MODE_SV39, 1, root1)));
    run_at(va_a, PRIV_S, 100000);
    cr_expect_eq(h->x[A1], 2);
    cr_expect_eq(h->x[A2], 2, "A ran %llu times", (unsigned long long)h->x[A2]);
    cr_expect_eq(h->csr.mepc, va_q + 4);
}

/* A hot loop goes from block to block through links, and a timer interrupt still stops it. */
Test(block, linked_loop_still_takes_interrupts)
{
    /* a0 counts down from 50000 in a two-block loop (150000 instructions); mtimecmp = 300
     * ticks of 100 cycles fires a third of the way. */
    PROGRAM(CODE, ADDI(A0, A0, -1), JAL(X0, 4), BNE(A0, X0, -8), EBREAK);
    cr_assert(bus_write(m, MEMMAP_CLINT_BASE + 0x4000, 8, 300));
    cr_assert(csr_write(h, CSR_MIE, MIP_MTIP));
    h->csr.mstatus |= MSTATUS_MIE;
    h->x[A0] = 50000;
    run_at(CODE, PRIV_M, 1000000);
    cr_expect_eq(h->csr.mcause, (1ULL << 63) | IRQ_M_TIMER, "mcause 0x%llx",
                 (unsigned long long)h->csr.mcause);
    uint64_t left = h->x[A0];
    cr_expect(left > 35000 && left < 45000, "interrupted with a0 = %llu, want about 40000",
              (unsigned long long)left);
}

/* A jump to where nothing is: an instruction access fault at the target, tval = the target. */
Test(block, fetch_from_nowhere_is_an_access_fault)
{
    PROGRAM(CODE, LI(A0, 5), SLLI(A0, A0, 28), JALR(RA, A0, 0));
    run_at(CODE, PRIV_M, 1000);
    cr_expect_eq(h->csr.mcause, CAUSE_FETCH_ACCESS);
    cr_expect_eq(h->csr.mepc, 0x50000000);
    cr_expect_eq(h->csr.mtval, 0x50000000);
    cr_expect_eq(h->x[RA], CODE + 12);
}
