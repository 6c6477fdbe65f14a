/* The stub's monitor commands: the XPC engine's state (link stack, relay segment, engine cache),
 * the debugger's triggers, and physical addressing for memory packets. */
#include "gdb/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cpu.h"
#include "machine.h"
#include "xpc/engine.h"

/* How many link records `monitor xpc link` shows, from the top of the stack down. */
#define LINK_RECORDS_SHOWN 8

struct out {
    char *buf;
    size_t cap, len;
};

static void say(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct out *o, const char *fmt, ...)
{
    if (o->len >= o->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len = o->len + (size_t)n < o->cap ? o->len + (size_t)n : o->cap - 1;
}

static bool phys64(struct machine *m, uint64_t pa, uint64_t *v)
{
    const uint8_t *p = bus_ram_ptr(m, pa), *q = bus_ram_ptr(m, pa + 7);
    if (!p || !q)
        return false;
    memcpy(v, p, 8);
    return true;
}

static void show_link(struct gdb *g, const struct xpc_engine *e, struct out *o)
{
    const struct xpc_csrs *c = &e->csr;
    say(o, "link stack: xlink 0x%llx, xlinklim 0x%llx, xcaller 0x%llx\n",
        (unsigned long long)c->xlink, (unsigned long long)c->xlinklim,
        (unsigned long long)c->xcaller);
    uint64_t top = c->xlink;
    unsigned shown = 0;
    while (top >= XPC_LINK_RECORD_SIZE && shown < LINK_RECORDS_SHOWN) {
        uint64_t base = top - XPC_LINK_RECORD_SIZE, w[XPC_LINK_ENGINE_WORDS];
        bool ok = true;
        for (unsigned i = 0; i < XPC_LINK_ENGINE_WORDS && ok; i++)
            ok = phys64(g->m, base + 8 * i, &w[i]);
        if (!ok || !(w[XPC_LINK_XCALLER / 8] & XPC_LINK_VALID))
            break;
        say(o,
            "  #%u at 0x%llx: return pc 0x%llx satp 0x%llx xcap 0x%llx caller's xcaller 0x%llx\n"
            "      segment va 0x%llx pa 0x%llx len 0x%llx, seg-mask 0x%llx\n",
            shown, (unsigned long long)base, (unsigned long long)w[XPC_LINK_RET_PC / 8],
            (unsigned long long)w[XPC_LINK_SATP / 8], (unsigned long long)w[XPC_LINK_XCAP / 8],
            (unsigned long long)(w[XPC_LINK_XCALLER / 8] & ~XPC_LINK_VALID),
            (unsigned long long)w[XPC_LINK_SEGVA / 8], (unsigned long long)w[XPC_LINK_SEGPA / 8],
            (unsigned long long)w[XPC_LINK_SEGLEN / 8],
            (unsigned long long)w[XPC_LINK_SEGMASK / 8]);
        top = base;
        shown++;
    }
    if (!shown)
        say(o, "  (no valid record on top of the stack)\n");
}

static void show_seg(const struct xpc_engine *e, struct out *o)
{
    const struct xpc_csrs *c = &e->csr;
    uint64_t len = c->xseglen & XPC_SEG_LEN_MASK;
    say(o, "relay segment: ");
    if (!len)
        say(o, "none\n");
    else
        say(o, "va 0x%llx pa 0x%llx len 0x%llx %s%s\n", (unsigned long long)c->xsegva,
            (unsigned long long)c->xsegpa, (unsigned long long)len,
            c->xseglen & XPC_SEG_PERM_R ? "r" : "-", c->xseglen & XPC_SEG_PERM_W ? "w" : "-");
    say(o, "  seg-mask 0x%llx, seg-list 0x%llx (%llu entries)\n", (unsigned long long)c->xsegmask,
        (unsigned long long)c->xseglist, (unsigned long long)c->xseglistsz);
}

static void show_cache(const struct xpc_engine *e, struct out *o)
{
    say(o, "engine cache: %u lines, %s\n", e->cfg.cache_entries,
        e->cfg.cache_enabled ? "on" : "off");
    unsigned valid = 0;
    for (unsigned i = 0; i < e->cfg.cache_entries; i++) {
        const struct xpc_cache_line *l = &e->cache[i];
        if (!l->valid)
            continue;
        valid++;
        say(o, "  [%u] id %llu of table 0x%llx: pc 0x%llx satp 0x%llx xcap 0x%llx", i,
            (unsigned long long)l->id, (unsigned long long)l->xtbl,
            (unsigned long long)l->word[XPC_XENTRY_PC / 8],
            (unsigned long long)l->word[XPC_XENTRY_SATP / 8],
            (unsigned long long)l->word[XPC_XENTRY_XCAP / 8]);
        if (l->cap_valid)
            say(o, ", cap bit %d for xcap 0x%llx", l->cap, (unsigned long long)l->cap_xcap);
        say(o, "\n");
    }
    if (!valid)
        say(o, "  (empty)\n");
}

static void show_triggers(struct gdb *g, struct out *o)
{
    const struct triggers *t = &g->m->hart.trig;
    for (unsigned i = 0; i < TRIGGER_COUNT; i++)
        say(o, "trigger %u: tdata1 0x%016llx tdata2 0x%llx%s\n", i,
            (unsigned long long)t->tdata1[i], (unsigned long long)t->tdata2[i],
            t->tdata1[i] & TDATA1_DMODE ? " (debugger)" : "");
}

static const char help[] =
    "monitor xpc [link|seg|cache]  the XPC engine: link stack records (top first), the\n"
    "                              active relay segment, the engine cache's valid lines\n"
    "monitor phys [on|off]         memory packets use physical addresses (default off:\n"
    "                              virtual, through the hart's current translation)\n"
    "monitor triggers              the debug triggers (tdata1, tdata2)\n"
    "monitor help                  this text\n";

void monitor_command(struct gdb *g, const char *cmd, char *buf, size_t cap)
{
    struct out o = {.buf = buf, .cap = cap, .len = 0};
    buf[0] = '\0';
    while (*cmd == ' ')
        cmd++;
    const struct xpc_engine *e = g->m->xpc;
    if (!strncmp(cmd, "xpc", 3) && (cmd[3] == '\0' || cmd[3] == ' ')) {
        const char *what = cmd + 3;
        while (*what == ' ')
            what++;
        if (!e) {
            say(&o, "this machine has no XPC engine (-xpc off)\n");
            return;
        }
        bool all = !*what;
        if (!all && strcmp(what, "link") && strcmp(what, "seg") && strcmp(what, "cache")) {
            say(&o, "monitor xpc: link, seg or cache, not '%s'\n", what);
            return;
        }
        say(&o, "xctl 0x%llx (%s)\n", (unsigned long long)e->csr.xctl,
            xpc_enabled(e) ? "enabled" : "disabled");
        if (all || !strcmp(what, "link"))
            show_link(g, e, &o);
        if (all || !strcmp(what, "seg"))
            show_seg(e, &o);
        if (all || !strcmp(what, "cache"))
            show_cache(e, &o);
    } else if (!strncmp(cmd, "phys", 4) && (cmd[4] == '\0' || cmd[4] == ' ')) {
        const char *v = cmd + 4;
        while (*v == ' ')
            v++;
        if (!strcmp(v, "on"))
            g->physical = true;
        else if (!strcmp(v, "off"))
            g->physical = false;
        else if (*v) {
            say(&o, "monitor phys: on or off, not '%s'\n", v);
            return;
        }
        say(&o, "memory addresses are %s\n", g->physical ? "physical" : "virtual");
    } else if (!strcmp(cmd, "triggers")) {
        show_triggers(g, &o);
    } else if (!strcmp(cmd, "help") || !*cmd) {
        say(&o, "%s", help);
    } else {
        say(&o, "unknown monitor command '%s'; try 'monitor help'\n", cmd);
    }
}
