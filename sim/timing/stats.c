/* --stats (text) and --stats-json (one JSON object, keys always present, fixed order). */
#include <string.h>

#include "timing.h"

static const char *const flush_names[TIMING_FLUSH_COUNT] = {
    [TIMING_FLUSH_TRAP] = "trap",         [TIMING_FLUSH_XRET] = "mret_sret",
    [TIMING_FLUSH_SATP] = "satp_write",   [TIMING_FLUSH_FENCE_I] = "fence_i",
    [TIMING_FLUSH_SFENCE] = "sfence_vma", [TIMING_FLUSH_CSR] = "csr_write",
    [TIMING_FLUSH_XPC] = "xpc",
};

const char *timing_flush_reason_name(enum timing_flush_reason r)
{
    return (unsigned)r < TIMING_FLUSH_COUNT ? flush_names[r] : "unknown";
}

/* mcause names of the privileged spec, and the XPC causes of brief §3.4. */
static const char *exception_name(unsigned cause)
{
    static const char *const names[] = {
        [0] = "instruction_misaligned",
        [1] = "instruction_access_fault",
        [2] = "illegal_instruction",
        [3] = "breakpoint",
        [4] = "load_misaligned",
        [5] = "load_access_fault",
        [6] = "store_misaligned",
        [7] = "store_access_fault",
        [8] = "ecall_u",
        [9] = "ecall_s",
        [11] = "ecall_m",
        [12] = "instruction_page_fault",
        [13] = "load_page_fault",
        [15] = "store_page_fault",
        [24] = "xpc_invalid_xentry",
        [25] = "xpc_invalid_xcall_cap",
        [26] = "xpc_invalid_linkage",
        [27] = "xpc_link_stack_overflow",
        [28] = "xpc_invalid_swapseg",
        [29] = "xpc_relay_seg_mismatch",
        [30] = "xpc_invalid_seg_mask",
    };
    return cause < sizeof names / sizeof names[0] ? names[cause] : NULL;
}

static const char *interrupt_name(unsigned cause)
{
    static const char *const names[] = {
        [1] = "supervisor_software", [3] = "machine_software",    [5] = "supervisor_timer",
        [7] = "machine_timer",       [9] = "supervisor_external", [11] = "machine_external",
    };
    return cause < sizeof names / sizeof names[0] ? names[cause] : NULL;
}

void timing_stats(const struct timing *t, struct sim_stats *s)
{
    const struct timing_counters *n = &t->n;
    s->timing_model = true;
    s->instructions = n->instructions;
    s->cycles = t->cycle;
    s->icache_hits = t->icache.hits;
    s->icache_misses = t->icache.misses;
    s->dcache_hits = t->dcache.hits;
    s->dcache_misses = t->dcache.misses;
    s->dcache_writebacks = t->dcache.writebacks;
    s->itlb_hits = t->itlb.hits;
    s->itlb_misses = t->itlb.misses;
    s->dtlb_hits = t->dtlb.hits;
    s->dtlb_misses = t->dtlb.misses;
    s->page_walks = n->page_walks;
    s->walk_pte_reads = n->walk_pte_reads;
    s->walk_faults = n->walk_faults;
    s->tlb_flushes = n->tlb_flushes;
    s->branches = n->branches;
    s->branch_mispredicts = n->branch_mispredicts;
    s->jumps = n->jumps;
    s->jump_mispredicts = n->jump_mispredicts;
    s->stall_load_use = n->stall[PRODUCER_LOAD];
    s->stall_muldiv = n->stall[PRODUCER_MULDIV] + n->stall_muldiv_busy;
    s->stall_csr = n->stall[PRODUCER_CSR];
    s->stall_other = n->stall[PRODUCER_ALU];
    s->cycles_icache_miss = n->cycles_icache_miss;
    s->cycles_dcache_miss = n->cycles_dcache_miss;
    s->cycles_page_walk = n->cycles_page_walk;
    s->cycles_mispredict = n->cycles_mispredict;
    s->cycles_flush = n->cycles_flush;
    s->cycles_xpc = n->cycles_xpc;
    memcpy(s->flushes, n->flushes, sizeof s->flushes);
    s->xcalls = n->xcalls;
    s->xrets = n->xrets;
    s->swapsegs = n->swapsegs;
    s->xcall_prefetches = n->xcall_prefetches;
    s->engine_cache_hits = n->engine_cache_hits;
    s->engine_cache_misses = n->engine_cache_misses;
    s->link_blocking = n->link_blocking;
    s->link_buffer_hits = n->link_buffer_hits;
    s->xpc_split = n->xpc_split;
    timing_phases_report(t, s);
}

/* Ratios are printed with a fixed precision so that the text is the same on every host. */
static double ratio(uint64_t num, uint64_t den)
{
    return den ? (double)num / (double)den : 0.0;
}

static void text_rate(FILE *f, const char *what, uint64_t hits, uint64_t misses)
{
    fprintf(f, "  %-22s %14llu hits %12llu misses  (%.2f%% miss)\n", what, (unsigned long long)hits,
            (unsigned long long)misses, 100.0 * ratio(misses, hits + misses));
}

#define LINE(label, v) fprintf(f, "  %-22s %14llu\n", label, (unsigned long long)(v))

void stats_print_text(const struct sim_stats *s, FILE *f)
{
    fprintf(f, "xpcsim statistics (cycle model %s)\n", s->timing_model ? "rocket" : "off");
    LINE("instructions", s->instructions);
    LINE("cycles", s->cycles);
    fprintf(f, "  %-22s %14.4f\n", "CPI", ratio(s->cycles, s->instructions));
    if (s->timing_model) {
        fprintf(f, "memory\n");
        text_rate(f, "L1 I-cache", s->icache_hits, s->icache_misses);
        text_rate(f, "L1 D-cache", s->dcache_hits, s->dcache_misses);
        LINE("D-cache writebacks", s->dcache_writebacks);
        text_rate(f, "ITLB", s->itlb_hits, s->itlb_misses);
        text_rate(f, "DTLB", s->dtlb_hits, s->dtlb_misses);
        LINE("page walks", s->page_walks);
        LINE("walk PTE reads", s->walk_pte_reads);
        LINE("walks without a leaf", s->walk_faults);
        LINE("TLB flushes", s->tlb_flushes);
        fprintf(f, "control flow\n");
        LINE("branches", s->branches);
        LINE("branch mispredicts", s->branch_mispredicts);
        LINE("jumps", s->jumps);
        LINE("jump mispredicts", s->jump_mispredicts);
        fprintf(f, "cycles lost\n");
        LINE("load-use interlock", s->stall_load_use);
        LINE("mul/div interlock", s->stall_muldiv);
        LINE("CSR interlock", s->stall_csr);
        LINE("other interlock", s->stall_other);
        LINE("I-cache misses", s->cycles_icache_miss);
        LINE("D-cache misses", s->cycles_dcache_miss);
        LINE("page walks", s->cycles_page_walk);
        LINE("mispredictions", s->cycles_mispredict);
        LINE("pipeline flushes", s->cycles_flush);
        LINE("XPC engine", s->cycles_xpc);
        fprintf(f, "pipeline flushes\n");
        for (unsigned r = 0; r < TIMING_FLUSH_COUNT; r++)
            LINE(flush_names[r], s->flushes[r]);
    }
    fprintf(f, "traps\n");
    for (unsigned c = 0; c < SIM_STATS_CAUSES; c++) {
        if (!s->exceptions[c])
            continue;
        const char *name = exception_name(c);
        char label[40];
        snprintf(label, sizeof label, "%s (%u)", name ? name : "exception", c);
        LINE(label, s->exceptions[c]);
    }
    for (unsigned c = 0; c < SIM_STATS_CAUSES; c++) {
        if (!s->interrupts[c])
            continue;
        const char *name = interrupt_name(c);
        char label[40];
        snprintf(label, sizeof label, "%s irq (%u)", name ? name : "other", c);
        LINE(label, s->interrupts[c]);
    }
    fprintf(f, "XPC\n");
    LINE("xcall", s->xcalls);
    LINE("xret", s->xrets);
    LINE("swapseg", s->swapsegs);
    LINE("xcall prefetch", s->xcall_prefetches);
    text_rate(f, "engine cache", s->engine_cache_hits, s->engine_cache_misses);
    LINE("blocking link pushes", s->link_blocking);
    LINE("link buffer hits", s->link_buffer_hits);
    if (s->timing_model) {
        const struct timing_xpc_split *x = &s->xpc_split;
        fprintf(f, "XPC engine cycles\n");
        LINE("xcall x-entry load", x->xcall_entry);
        LINE("xcall cap check", x->xcall_cap);
        LINE("xcall link push", x->xcall_link);
        LINE("xcall satp switch", x->xcall_switch);
        LINE("xcall engine", x->xcall_engine);
        LINE("xret link pop", x->xret_link);
        LINE("xret satp switch", x->xret_switch);
        LINE("xret engine", x->xret_engine);
    }
    if (s->phase_count) {
        fprintf(f, "phases (--phase-map)%s\n", s->phase_windowed ? "" : ", whole run");
        if (s->phase_windowed)
            LINE("windows", s->phase_windows);
        for (unsigned i = 0; i < s->phase_count; i++)
            fprintf(f, "  %-22s %14llu cycles %12llu instructions\n", s->phase_names[i],
                    (unsigned long long)s->phase_cycles[i],
                    (unsigned long long)s->phase_instructions[i]);
    }
}

#define JU(key, v) fprintf(f, "  \"%s\": %llu,\n", key, (unsigned long long)(v))

/* Trap counts as an object of the non-zero causes, keyed by name, in cause order. */
static void json_causes(FILE *f, const char *key, const uint64_t *counts,
                        const char *(*name_of)(unsigned))
{
    fprintf(f, "  \"%s\": {", key);
    const char *sep = "";
    for (unsigned c = 0; c < SIM_STATS_CAUSES; c++) {
        if (!counts[c])
            continue;
        const char *name = name_of(c);
        if (name)
            fprintf(f, "%s\"%s\": %llu", sep, name, (unsigned long long)counts[c]);
        else
            fprintf(f, "%s\"cause_%u\": %llu", sep, c, (unsigned long long)counts[c]);
        sep = ", ";
    }
    fprintf(f, "},\n");
}

void stats_print_json(const struct sim_stats *s, FILE *f)
{
    fprintf(f, "{\n");
    fprintf(f, "  \"timing_model\": \"%s\",\n", s->timing_model ? "rocket" : "off");
    JU("instructions", s->instructions);
    JU("cycles", s->cycles);
    fprintf(f, "  \"cpi\": %.6f,\n", ratio(s->cycles, s->instructions));
    JU("icache_hits", s->icache_hits);
    JU("icache_misses", s->icache_misses);
    JU("dcache_hits", s->dcache_hits);
    JU("dcache_misses", s->dcache_misses);
    JU("dcache_writebacks", s->dcache_writebacks);
    JU("itlb_hits", s->itlb_hits);
    JU("itlb_misses", s->itlb_misses);
    JU("dtlb_hits", s->dtlb_hits);
    JU("dtlb_misses", s->dtlb_misses);
    JU("page_walks", s->page_walks);
    JU("walk_pte_reads", s->walk_pte_reads);
    JU("walk_faults", s->walk_faults);
    JU("tlb_flushes", s->tlb_flushes);
    JU("branches", s->branches);
    JU("branch_mispredicts", s->branch_mispredicts);
    JU("jumps", s->jumps);
    JU("jump_mispredicts", s->jump_mispredicts);
    JU("stall_load_use", s->stall_load_use);
    JU("stall_muldiv", s->stall_muldiv);
    JU("stall_csr", s->stall_csr);
    JU("stall_other", s->stall_other);
    JU("cycles_icache_miss", s->cycles_icache_miss);
    JU("cycles_dcache_miss", s->cycles_dcache_miss);
    JU("cycles_page_walk", s->cycles_page_walk);
    JU("cycles_mispredict", s->cycles_mispredict);
    JU("cycles_flush", s->cycles_flush);
    JU("cycles_xpc", s->cycles_xpc);
    fprintf(f, "  \"flushes\": {");
    for (unsigned r = 0; r < TIMING_FLUSH_COUNT; r++)
        fprintf(f, "%s\"%s\": %llu", r ? ", " : "", flush_names[r],
                (unsigned long long)s->flushes[r]);
    fprintf(f, "},\n");
    json_causes(f, "exceptions", s->exceptions, exception_name);
    json_causes(f, "interrupts", s->interrupts, interrupt_name);
    JU("xcalls", s->xcalls);
    JU("xrets", s->xrets);
    JU("swapsegs", s->swapsegs);
    JU("xcall_prefetches", s->xcall_prefetches);
    JU("engine_cache_hits", s->engine_cache_hits);
    JU("engine_cache_misses", s->engine_cache_misses);
    fprintf(f, "  \"engine_cache_hit_rate\": %.6f,\n",
            ratio(s->engine_cache_hits, s->engine_cache_hits + s->engine_cache_misses));
    JU("link_blocking", s->link_blocking);
    JU("link_buffer_hits", s->link_buffer_hits);
    const struct timing_xpc_split *x = &s->xpc_split;
    fprintf(f,
            "  \"xpc_cycles\": {\"xcall_entry\": %llu, \"xcall_cap\": %llu, \"xcall_link\": %llu, "
            "\"xcall_switch\": %llu, \"xcall_engine\": %llu, \"xret_link\": %llu, "
            "\"xret_switch\": %llu, \"xret_engine\": %llu},\n",
            (unsigned long long)x->xcall_entry, (unsigned long long)x->xcall_cap,
            (unsigned long long)x->xcall_link, (unsigned long long)x->xcall_switch,
            (unsigned long long)x->xcall_engine, (unsigned long long)x->xret_link,
            (unsigned long long)x->xret_switch, (unsigned long long)x->xret_engine);
    /* Always present: an empty list and 0 windows without --phase-map. */
    JU("phase_windows", s->phase_windows);
    fprintf(f, "  \"phases\": [");
    for (unsigned i = 0; i < s->phase_count; i++)
        fprintf(f, "%s{\"name\": \"%s\", \"cycles\": %llu, \"instructions\": %llu}", i ? ", " : "",
                s->phase_names[i], (unsigned long long)s->phase_cycles[i],
                (unsigned long long)s->phase_instructions[i]);
    fprintf(f, "]\n");
    fprintf(f, "}\n");
}
