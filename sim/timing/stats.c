/* --stats (text) and --stats-json (one JSON object, keys always present, fixed order), both
 * printed from one list of the statistics (`rows` below): a new counter is one line there. */
#include <stddef.h>
#include <string.h>

#include "timing.h"
#include "../../include/xpc/isa.h"

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

/* mcause names of the privileged spec, and the XPC causes of brief section 3.4. */
static const char *exception_name(unsigned cause)
{
    static const char *const names[] = {
        [CAUSE_MISALIGNED_FETCH] = "instruction_misaligned",
        [CAUSE_FETCH_ACCESS] = "instruction_access_fault",
        [CAUSE_ILLEGAL_INSN] = "illegal_instruction",
        [CAUSE_BREAKPOINT] = "breakpoint",
        [CAUSE_MISALIGNED_LOAD] = "load_misaligned",
        [CAUSE_LOAD_ACCESS] = "load_access_fault",
        [CAUSE_MISALIGNED_STORE] = "store_misaligned",
        [CAUSE_STORE_ACCESS] = "store_access_fault",
        [CAUSE_ECALL_U] = "ecall_u",
        [CAUSE_ECALL_S] = "ecall_s",
        [CAUSE_ECALL_M] = "ecall_m",
        [CAUSE_FETCH_PAGE_FAULT] = "instruction_page_fault",
        [CAUSE_LOAD_PAGE_FAULT] = "load_page_fault",
        [CAUSE_STORE_PAGE_FAULT] = "store_page_fault",
        [XPC_CAUSE_INVALID_XENTRY] = "xpc_invalid_xentry",
        [XPC_CAUSE_INVALID_XCALLCAP] = "xpc_invalid_xcall_cap",
        [XPC_CAUSE_INVALID_LINKAGE] = "xpc_invalid_linkage",
        [XPC_CAUSE_LINK_OVERFLOW] = "xpc_link_stack_overflow",
        [XPC_CAUSE_INVALID_SWAPSEG] = "xpc_invalid_swapseg",
        [XPC_CAUSE_SEG_MISMATCH] = "xpc_relay_seg_mismatch",
        [XPC_CAUSE_INVALID_SEGMASK] = "xpc_invalid_seg_mask",
    };
    return cause < sizeof names / sizeof names[0] ? names[cause] : NULL;
}

static const char *interrupt_name(unsigned cause)
{
    static const char *const names[] = {
        [IRQ_S_SOFT] = "supervisor_software", [IRQ_M_SOFT] = "machine_software",
        [IRQ_S_TIMER] = "supervisor_timer",   [IRQ_M_TIMER] = "machine_timer",
        [IRQ_S_EXT] = "supervisor_external",  [IRQ_M_EXT] = "machine_external",
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

enum row_kind {
    ROW_SECTION, /* text: a heading; JSON: nothing */
    ROW_COUNT,   /* one counter */
    ROW_HITS,    /* hits and misses (at `other`): one text line with the miss rate, two JSON keys
                  * key_hits and key_misses (and key_hit_rate with hit_rate) */
    ROW_CPI,     /* cycles per instruction */
    ROW_GROUP,   /* text: a heading; JSON: "key": {, closed by ROW_GROUP_END, counters inline */
    ROW_GROUP_END,
    ROW_FLUSHES, /* the flushes by reason: text lines, a JSON object */
    ROW_TRAPS,   /* the non-zero exception and interrupt counts: text lines, two JSON objects */
    ROW_PHASES,  /* the --phase-map profile: text when there is one; JSON always (last key) */
};

struct row {
    enum row_kind kind;
    bool model_only; /* text: shown only with the cycle model on (JSON has every key always) */
    const char *label;
    const char *key;
    size_t at, other; /* offsets into struct sim_stats */
    bool hit_rate;
};

#define AT(field) offsetof(struct sim_stats, field)
#define SPLIT(field)                                                                               \
    (offsetof(struct sim_stats, xpc_split) + offsetof(struct timing_xpc_split, field))
#define COUNT(model, label, field)                                                                 \
    {                                                                                              \
        ROW_COUNT, model, label, #field, AT(field), 0, false                                       \
    }
#define HITS(model, label, key, hits, misses, rate)                                                \
    {                                                                                              \
        ROW_HITS, model, label, key, AT(hits), AT(misses), rate                                    \
    }
#define SECTION(model, label)                                                                      \
    {                                                                                              \
        ROW_SECTION, model, label, NULL, 0, 0, false                                               \
    }
#define SPLIT_COUNT(label, field)                                                                  \
    {                                                                                              \
        ROW_COUNT, true, label, #field, SPLIT(field), 0, false                                     \
    }

enum { ALWAYS = false, MODEL = true };

static const struct row rows[] = {
    COUNT(ALWAYS, "instructions", instructions),
    COUNT(ALWAYS, "cycles", cycles),
    {ROW_CPI, ALWAYS, "CPI", "cpi", 0, 0, false},
    SECTION(MODEL, "memory"),
    HITS(MODEL, "L1 I-cache", "icache", icache_hits, icache_misses, false),
    HITS(MODEL, "L1 D-cache", "dcache", dcache_hits, dcache_misses, false),
    COUNT(MODEL, "D-cache writebacks", dcache_writebacks),
    HITS(MODEL, "ITLB", "itlb", itlb_hits, itlb_misses, false),
    HITS(MODEL, "DTLB", "dtlb", dtlb_hits, dtlb_misses, false),
    COUNT(MODEL, "page walks", page_walks),
    COUNT(MODEL, "walk PTE reads", walk_pte_reads),
    COUNT(MODEL, "walks without a leaf", walk_faults),
    COUNT(MODEL, "TLB flushes", tlb_flushes),
    SECTION(MODEL, "control flow"),
    COUNT(MODEL, "branches", branches),
    COUNT(MODEL, "branch mispredicts", branch_mispredicts),
    COUNT(MODEL, "jumps", jumps),
    COUNT(MODEL, "jump mispredicts", jump_mispredicts),
    SECTION(MODEL, "cycles lost"),
    COUNT(MODEL, "load-use interlock", stall_load_use),
    COUNT(MODEL, "mul/div interlock", stall_muldiv),
    COUNT(MODEL, "CSR interlock", stall_csr),
    COUNT(MODEL, "other interlock", stall_other),
    COUNT(MODEL, "I-cache misses", cycles_icache_miss),
    COUNT(MODEL, "D-cache misses", cycles_dcache_miss),
    COUNT(MODEL, "page walks", cycles_page_walk),
    COUNT(MODEL, "mispredictions", cycles_mispredict),
    COUNT(MODEL, "pipeline flushes", cycles_flush),
    COUNT(MODEL, "XPC engine", cycles_xpc),
    {ROW_FLUSHES, MODEL, "pipeline flushes", "flushes", 0, 0, false},
    {ROW_TRAPS, ALWAYS, "traps", NULL, 0, 0, false},
    SECTION(ALWAYS, "XPC"),
    {ROW_COUNT, ALWAYS, "xcall", "xcalls", AT(xcalls), 0, false},
    {ROW_COUNT, ALWAYS, "xret", "xrets", AT(xrets), 0, false},
    {ROW_COUNT, ALWAYS, "swapseg", "swapsegs", AT(swapsegs), 0, false},
    {ROW_COUNT, ALWAYS, "xcall prefetch", "xcall_prefetches", AT(xcall_prefetches), 0, false},
    HITS(ALWAYS, "engine cache", "engine_cache", engine_cache_hits, engine_cache_misses, true),
    COUNT(ALWAYS, "blocking link pushes", link_blocking),
    COUNT(ALWAYS, "link buffer hits", link_buffer_hits),
    {ROW_GROUP, MODEL, "XPC engine cycles", "xpc_cycles", 0, 0, false},
    SPLIT_COUNT("xcall x-entry load", xcall_entry),
    SPLIT_COUNT("xcall cap check", xcall_cap),
    SPLIT_COUNT("xcall link push", xcall_link),
    SPLIT_COUNT("xcall satp switch", xcall_switch),
    SPLIT_COUNT("xcall engine", xcall_engine),
    SPLIT_COUNT("xret link pop", xret_link),
    SPLIT_COUNT("xret satp switch", xret_switch),
    SPLIT_COUNT("xret engine", xret_engine),
    {ROW_GROUP_END, MODEL, NULL, NULL, 0, 0, false},
    {ROW_PHASES, ALWAYS, NULL, NULL, 0, 0, false},
};

#define NROWS (sizeof rows / sizeof rows[0])

static uint64_t value(const struct sim_stats *s, size_t at)
{
    uint64_t v;
    memcpy(&v, (const char *)s + at, sizeof v);
    return v;
}

/* ---- text */

#define LINE(label, v) fprintf(f, "  %-22s %14llu\n", label, (unsigned long long)(v))

static void text_traps(const struct sim_stats *s, FILE *f)
{
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
}

static void text_phases(const struct sim_stats *s, FILE *f)
{
    if (!s->phase_count)
        return;
    fprintf(f, "phases (--phase-map)%s\n", s->phase_windowed ? "" : ", whole run");
    if (s->phase_windowed)
        LINE("windows", s->phase_windows);
    for (unsigned i = 0; i < s->phase_count; i++)
        fprintf(f, "  %-22s %14llu cycles %12llu instructions\n", s->phase_names[i],
                (unsigned long long)s->phase_cycles[i],
                (unsigned long long)s->phase_instructions[i]);
}

void stats_print_text(const struct sim_stats *s, FILE *f)
{
    fprintf(f, "xpcsim statistics (cycle model %s)\n", s->timing_model ? "rocket" : "off");
    for (const struct row *r = rows; r < rows + NROWS; r++) {
        if (r->model_only && !s->timing_model)
            continue;
        switch (r->kind) {
        case ROW_SECTION:
        case ROW_GROUP: fprintf(f, "%s\n", r->label); break;
        case ROW_COUNT: LINE(r->label, value(s, r->at)); break;
        case ROW_HITS: {
            uint64_t hits = value(s, r->at), misses = value(s, r->other);
            fprintf(f, "  %-22s %14llu hits %12llu misses  (%.2f%% miss)\n", r->label,
                    (unsigned long long)hits, (unsigned long long)misses,
                    100.0 * ratio(misses, hits + misses));
            break;
        }
        case ROW_CPI:
            fprintf(f, "  %-22s %14.4f\n", r->label, ratio(s->cycles, s->instructions));
            break;
        case ROW_FLUSHES:
            fprintf(f, "%s\n", r->label);
            for (unsigned k = 0; k < TIMING_FLUSH_COUNT; k++)
                LINE(flush_names[k], s->flushes[k]);
            break;
        case ROW_TRAPS:
            fprintf(f, "%s\n", r->label);
            text_traps(s, f);
            break;
        case ROW_PHASES: text_phases(s, f); break;
        case ROW_GROUP_END: break;
        }
    }
}

/* ---- JSON */

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

static void json_phases(const struct sim_stats *s, FILE *f)
{
    /* Always present: an empty list and 0 windows without --phase-map. */
    fprintf(f, "  \"phase_windows\": %llu,\n", (unsigned long long)s->phase_windows);
    fprintf(f, "  \"phases\": [");
    for (unsigned i = 0; i < s->phase_count; i++)
        fprintf(f, "%s{\"name\": \"%s\", \"cycles\": %llu, \"instructions\": %llu}", i ? ", " : "",
                s->phase_names[i], (unsigned long long)s->phase_cycles[i],
                (unsigned long long)s->phase_instructions[i]);
    fprintf(f, "]\n");
}

void stats_print_json(const struct sim_stats *s, FILE *f)
{
    fprintf(f, "{\n");
    fprintf(f, "  \"timing_model\": \"%s\",\n", s->timing_model ? "rocket" : "off");
    const char *in_group = NULL; /* inside a group: the separator before its next member */
    for (const struct row *r = rows; r < rows + NROWS; r++) {
        switch (r->kind) {
        case ROW_SECTION: break;
        case ROW_COUNT:
            if (in_group) {
                fprintf(f, "%s\"%s\": %llu", in_group, r->key, (unsigned long long)value(s, r->at));
                in_group = ", ";
            } else {
                fprintf(f, "  \"%s\": %llu,\n", r->key, (unsigned long long)value(s, r->at));
            }
            break;
        case ROW_HITS: {
            uint64_t hits = value(s, r->at), misses = value(s, r->other);
            fprintf(f, "  \"%s_hits\": %llu,\n", r->key, (unsigned long long)hits);
            fprintf(f, "  \"%s_misses\": %llu,\n", r->key, (unsigned long long)misses);
            if (r->hit_rate)
                fprintf(f, "  \"%s_hit_rate\": %.6f,\n", r->key, ratio(hits, hits + misses));
            break;
        }
        case ROW_CPI:
            fprintf(f, "  \"%s\": %.6f,\n", r->key, ratio(s->cycles, s->instructions));
            break;
        case ROW_GROUP:
            fprintf(f, "  \"%s\": {", r->key);
            in_group = "";
            break;
        case ROW_GROUP_END:
            fprintf(f, "},\n");
            in_group = NULL;
            break;
        case ROW_FLUSHES:
            fprintf(f, "  \"%s\": {", r->key);
            for (unsigned k = 0; k < TIMING_FLUSH_COUNT; k++)
                fprintf(f, "%s\"%s\": %llu", k ? ", " : "", flush_names[k],
                        (unsigned long long)s->flushes[k]);
            fprintf(f, "},\n");
            break;
        case ROW_TRAPS:
            json_causes(f, "exceptions", s->exceptions, exception_name);
            json_causes(f, "interrupts", s->interrupts, interrupt_name);
            break;
        case ROW_PHASES: json_phases(s, f); break;
        }
    }
    fprintf(f, "}\n");
}
