/* Chrome trace-event JSON of XPC calls and traps (trace.h). */
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "riscv/spec.h"
#include "xpc/isa.h"

#define MAX_TRACKS 256
#define MAX_OPEN   64

struct open_call {
    uint64_t start, pc, id, caller, callee, link_pa;
    unsigned track;
};

struct open_trap {
    uint64_t start, pc, cause;
    unsigned track, to;
};

struct trace {
    FILE *f;
    uint64_t root[MAX_TRACKS]; /* satp's root page of each track; track 0 is bare (no paging) */
    unsigned ntracks;
    struct open_call calls[MAX_OPEN];
    unsigned ncalls;
    struct open_trap traps[MAX_OPEN];
    unsigned ntraps;
    uint64_t flows;
};

static uint64_t root_of(uint64_t satp)
{
    return (satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE ? 0 : (satp & SATP_PPN_MASK) << 12;
}

/* The track of an address space; its first use names it. Past MAX_TRACKS, the last one is
 * shared by the rest and says so. */
static unsigned track_of(struct trace *t, uint64_t satp)
{
    uint64_t root = root_of(satp);
    for (unsigned k = 0; k < t->ntracks; k++)
        if (t->root[k] == root)
            return k + 1;
    if (t->ntracks == MAX_TRACKS)
        return MAX_TRACKS;
    t->root[t->ntracks++] = root;
    unsigned track = t->ntracks;
    if (!root)
        fprintf(t->f,
                ",\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,\"args\":{\"name\":"
                "\"no paging (M-mode, boot)\"}}",
                track);
    else
        fprintf(t->f,
                ",\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,\"args\":{\"name\":"
                "\"address space 0x%llx%s\"}}",
                track, (unsigned long long)root, track == MAX_TRACKS ? " and later ones" : "");
    fprintf(t->f,
            ",\n{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":%u,\"args\":"
            "{\"sort_index\":%u}}",
            track, track);
    return track;
}

struct trace *trace_open(const char *path, char *err, size_t errlen)
{
    struct trace *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "--trace: out of memory");
        return NULL;
    }
    t->f = fopen(path, "w");
    if (!t->f) {
        snprintf(err, errlen, "--trace: cannot write %s: %s", path, strerror(errno));
        free(t);
        return NULL;
    }
    fprintf(t->f, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"machine\":\"xpcsim\","
                  "\"time\":\"1 us = 1 modeled cycle\"},\n\"traceEvents\":[\n"
                  "{\"ph\":\"M\",\"name\":\"trace\",\"pid\":0,\"args\":{\"name\":\"xpcsim\"}}");
    return t;
}

static void end_call(struct trace *t, const struct open_call *c, uint64_t now, const char *how)
{
    fprintf(t->f,
            ",\n{\"ph\":\"X\",\"cat\":\"xpc\",\"name\":\"x-entry %llu\",\"pid\":%u,\"tid\":1,"
            "\"ts\":%llu,\"dur\":%llu,\"args\":{\"pc\":\"0x%llx\",\"caller\":\"0x%llx\","
            "\"callee\":\"0x%llx\",\"link\":\"0x%llx\",\"end\":\"%s\"}}",
            (unsigned long long)c->id, c->track, (unsigned long long)c->start,
            (unsigned long long)(now - c->start), (unsigned long long)c->pc,
            (unsigned long long)c->caller, (unsigned long long)c->callee,
            (unsigned long long)c->link_pa, how);
}

static const char *cause_name(uint64_t cause)
{
    static const char *const exceptions[] = {"insn misaligned",
                                             "insn access fault",
                                             "illegal insn",
                                             "breakpoint",
                                             "load misaligned",
                                             "load access fault",
                                             "store misaligned",
                                             "store access fault",
                                             "ecall from U",
                                             "ecall from S",
                                             NULL,
                                             "ecall from M",
                                             "insn page fault",
                                             "load page fault",
                                             NULL,
                                             "store page fault"};
    static const char *const interrupts[] = {NULL, "S software irq", NULL, "M software irq",
                                             NULL, "S timer irq",    NULL, "M timer irq",
                                             NULL, "S external irq", NULL, "M external irq"};
    uint64_t code = cause & 63;
    if (cause >> 63)
        return code < 12 && interrupts[code] ? interrupts[code] : "interrupt";
    if (code < 16 && exceptions[code])
        return exceptions[code];
    if (code >= XPC_CAUSE_INVALID_XENTRY && code <= XPC_CAUSE_INVALID_SEGMASK)
        return "XPC exception";
    return "exception";
}

static void end_trap(struct trace *t, const struct open_trap *p, uint64_t now)
{
    fprintf(t->f,
            ",\n{\"ph\":\"X\",\"cat\":\"trap\",\"name\":\"%s\",\"pid\":%u,\"tid\":1,\"ts\":%llu,"
            "\"dur\":%llu,\"args\":{\"cause\":%llu,\"interrupt\":%s,\"pc\":\"0x%llx\","
            "\"to\":\"%c\"}}",
            cause_name(p->cause), p->track, (unsigned long long)p->start,
            (unsigned long long)(now - p->start), (unsigned long long)(p->cause & 63),
            p->cause >> 63 ? "true" : "false", (unsigned long long)p->pc, p->to == 3 ? 'M' : 'S');
}

void trace_close(struct trace *t, uint64_t now)
{
    if (!t)
        return;
    while (t->ncalls)
        end_call(t, &t->calls[--t->ncalls], now, "still open at exit");
    while (t->ntraps)
        end_trap(t, &t->traps[--t->ntraps], now);
    fprintf(t->f, "\n]}\n");
    fclose(t->f);
    free(t);
}

void trace_xcall(struct trace *t, const struct trace_xpc *ev)
{
    unsigned from = track_of(t, ev->satp), to = track_of(t, ev->new_satp);
    unsigned long long flow = ++t->flows;
    fprintf(t->f,
            ",\n{\"ph\":\"s\",\"cat\":\"xpc\",\"name\":\"xcall\",\"id\":%llu,\"pid\":%u,\"tid\":1,"
            "\"ts\":%llu},\n{\"ph\":\"f\",\"bp\":\"e\",\"cat\":\"xpc\",\"name\":\"xcall\","
            "\"id\":%llu,\"pid\":%u,\"tid\":1,\"ts\":%llu}",
            flow, from, (unsigned long long)ev->now, flow, to, (unsigned long long)ev->now);
    if (t->ncalls == MAX_OPEN) { /* deeper than we follow: the oldest call is closed here */
        end_call(t, &t->calls[0], ev->now, "trace depth exceeded");
        memmove(t->calls, t->calls + 1, --t->ncalls * sizeof t->calls[0]);
    }
    t->calls[t->ncalls++] =
        (struct open_call){ev->now, ev->pc, ev->id, ev->caller, ev->callee, ev->link_pa, to};
}

void trace_xret(struct trace *t, const struct trace_xpc *ev)
{
    for (unsigned k = t->ncalls; k-- > 0;) {
        if (t->calls[k].link_pa != ev->link_pa)
            continue;
        /* Calls above the one this record belongs to never returned by xret: the kernel unwound
         * them (a crash, a time limit). */
        while (t->ncalls > k + 1)
            end_call(t, &t->calls[--t->ncalls], ev->now, "unwound");
        end_call(t, &t->calls[--t->ncalls], ev->now, "xret");
        return;
    }
    fprintf(t->f,
            ",\n{\"ph\":\"i\",\"s\":\"p\",\"cat\":\"xpc\",\"name\":\"xret (call not traced)\","
            "\"pid\":%u,\"tid\":1,\"ts\":%llu,\"args\":{\"pc\":\"0x%llx\"}}",
            track_of(t, ev->satp), (unsigned long long)ev->now, (unsigned long long)ev->pc);
}

void trace_swapseg(struct trace *t, const struct trace_xpc *ev)
{
    fprintf(t->f,
            ",\n{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"xpc\",\"name\":\"swapseg %llu\",\"pid\":%u,"
            "\"tid\":1,\"ts\":%llu,\"args\":{\"pc\":\"0x%llx\"}}",
            (unsigned long long)ev->id, track_of(t, ev->satp), (unsigned long long)ev->now,
            (unsigned long long)ev->pc);
}

void trace_xpc_exception(struct trace *t, uint64_t now, uint64_t pc, uint64_t satp, unsigned cause,
                         uint64_t tval)
{
    fprintf(t->f,
            ",\n{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"xpc\",\"name\":\"XPC exception %u\","
            "\"pid\":%u,\"tid\":1,\"ts\":%llu,\"args\":{\"pc\":\"0x%llx\",\"tval\":\"0x%llx\"}}",
            cause, track_of(t, satp), (unsigned long long)now, (unsigned long long)pc,
            (unsigned long long)tval);
}

void trace_trap(struct trace *t, uint64_t now, uint64_t pc, uint64_t satp, uint64_t cause,
                unsigned from, unsigned to)
{
    (void)from;
    if (t->ntraps == MAX_OPEN) { /* a storm of nested traps: the oldest is closed here */
        end_trap(t, &t->traps[0], now);
        memmove(t->traps, t->traps + 1, --t->ntraps * sizeof t->traps[0]);
    }
    t->traps[t->ntraps++] = (struct open_trap){now, pc, cause, track_of(t, satp), to};
}

void trace_trap_return(struct trace *t, uint64_t now, unsigned from)
{
    /* The newest trap into the mode being left; a return with none open (the firmware's first
     * mret into the kernel) has nothing to close. */
    for (unsigned k = t->ntraps; k-- > 0;) {
        if (t->traps[k].to != from)
            continue;
        end_trap(t, &t->traps[k], now);
        memmove(&t->traps[k], &t->traps[k + 1], (t->ntraps - k - 1) * sizeof t->traps[0]);
        t->ntraps--;
        return;
    }
}
