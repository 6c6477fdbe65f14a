/* The stub's commands (g G p P m M c s vCont Z z q k D ?) and the run loop it owns. */
/* getaddrinfo, MSG_NOSIGNAL: POSIX 2008, also when built without the sim Makefile's flags. */
#define _POSIX_C_SOURCE 200809L
#include "gdb/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cpu.h"
#include "errmsg.h"
#include "machine.h"
#include "trigger.h"

/* Cycles the hart runs between looks at the connection (a Ctrl-C, a new debugger). */
#define SLICE_CYCLES (1ULL << 20)
/* The triggers the debugger takes for Z1-Z4: from the top, leaving the low ones to software. */
#define FIRST_DEBUGGER_TRIGGER 2

static bool has_break(const struct gdb *g, uint64_t pc)
{
    for (unsigned i = 0; i < g->nbreaks; i++)
        if (g->breaks[i] == pc)
            return true;
    return false;
}

/* The hart's loop asks before each instruction while the debugger wants to look. */
static bool before_insn(struct hart *h)
{
    struct gdb *g = h->debugger;
    if (g->stepping ? g->stepped++ > 0 : has_break(g, h->pc)) {
        g->signal = GDB_SIGTRAP;
        h->debug_halt = true;
        return false;
    }
    return true;
}

static void update_step_mode(struct gdb *g)
{
    struct hart *h = &g->m->hart;
    h->debugger_step = g->fd >= 0 && (g->stepping || g->nbreaks > 0);
    trigger_update(h);
}

/* Debugger gone (detach, disconnect): its breakpoints and triggers go, the hart runs on. */
static void forget_debugger(struct gdb *g)
{
    struct hart *h = &g->m->hart;
    g->nbreaks = 0;
    g->stepping = false;
    for (unsigned i = FIRST_DEBUGGER_TRIGGER; i < TRIGGER_COUNT; i++)
        if (h->trig.tdata1[i] & TDATA1_DMODE)
            trigger_set_debugger(h, i, 0, 0, 0);
    g->stopped = false;
    update_step_mode(g);
}

static const char *stop_reply(struct gdb *g, char *buf, size_t cap)
{
    struct triggers *t = &g->m->hart.trig;
    if (t->hit >= 0) {
        uint64_t d = t->tdata1[t->hit];
        const char *kind = (d & MCONTROL_EXECUTE)                        ? "hwbreak"
                           : (d & MCONTROL_LOAD) && (d & MCONTROL_STORE) ? "awatch"
                           : (d & MCONTROL_LOAD)                         ? "rwatch"
                                                                         : "watch";
        if (d & MCONTROL_EXECUTE)
            snprintf(buf, cap, "T05hwbreak:;thread:1;");
        else
            snprintf(buf, cap, "T05%s:%llx;thread:1;", kind, (unsigned long long)t->hit_addr);
        return buf;
    }
    snprintf(buf, cap, "T%02xthread:1;", g->signal);
    return buf;
}

static void reply_error(struct gdb *g, int code)
{
    snprintf(g->reply, sizeof g->reply, "E%02x", code);
}

static void read_registers(struct gdb *g)
{
    char *p = g->reply;
    for (unsigned r = 0; r <= 32; r++) {
        uint64_t v = 0;
        target_read_reg(g, r, &v);
        uint8_t le[8];
        for (int k = 0; k < 8; k++)
            le[k] = (uint8_t)(v >> (8 * k));
        hex_encode(p, le, 8);
        p += 16;
    }
}

static uint64_t from_le(const uint8_t *b)
{
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--)
        v = v << 8 | b[k];
    return v;
}

static void write_registers(struct gdb *g, const char *hex)
{
    size_t n = strlen(hex) / 16;
    for (unsigned r = 0; r < n && r <= 32; r++) {
        uint8_t le[8];
        if (!hex_decode(le, hex + 16 * r, 8))
            return reply_error(g, 1);
        target_write_reg(g, r, from_le(le));
    }
    strcpy(g->reply, "OK");
}

static void one_register(struct gdb *g, const char *args, bool write)
{
    uint64_t regno, v;
    if (!hex_number(&args, &regno) || regno > 0xffff || (write && *args++ != '='))
        return reply_error(g, 1);
    if (write) {
        uint8_t le[8];
        if (strlen(args) != 16 || !hex_decode(le, args, 8))
            return reply_error(g, 1);
        if (!target_write_reg(g, (unsigned)regno, from_le(le)))
            return reply_error(g, 2);
        strcpy(g->reply, "OK");
        return;
    }
    if (!target_read_reg(g, (unsigned)regno, &v)) {
        strcpy(g->reply, "xxxxxxxxxxxxxxxx"); /* unavailable */
        return;
    }
    uint8_t le[8];
    for (int k = 0; k < 8; k++)
        le[k] = (uint8_t)(v >> (8 * k));
    hex_encode(g->reply, le, 8);
}

static void memory(struct gdb *g, const char *args, bool write)
{
    uint64_t addr, len;
    if (!hex_number(&args, &addr) || *args++ != ',' || !hex_number(&args, &len))
        return reply_error(g, 1);
    static uint8_t buf[GDB_PACKET_MAX / 2];
    if (len > sizeof buf / 2)
        len = sizeof buf / 2;
    if (write) {
        if (*args++ != ':' || strlen(args) != 2 * len || !hex_decode(buf, args, len))
            return reply_error(g, 1);
        if (target_write_mem(g, addr, buf, len) != len)
            return reply_error(g, 14);
        strcpy(g->reply, "OK");
        return;
    }
    size_t got = target_read_mem(g, addr, buf, len);
    if (!got && len)
        return reply_error(g, 14);
    hex_encode(g->reply, buf, got);
}

/* Z/z: type 0 a breakpoint kept by the stub, 1-4 the debugger's triggers. */
static void breakpoint(struct gdb *g, const char *args, bool insert)
{
    uint64_t type, addr, kind;
    if (!hex_number(&args, &type) || *args++ != ',' || !hex_number(&args, &addr) ||
        *args++ != ',' || !hex_number(&args, &kind) || type > 4)
        return reply_error(g, 1);
    struct hart *h = &g->m->hart;
    if (type == 0) {
        unsigned i = 0;
        while (i < g->nbreaks && g->breaks[i] != addr)
            i++;
        if (insert && i == g->nbreaks) {
            if (g->nbreaks == GDB_MAX_BREAKS)
                return reply_error(g, 28);
            g->breaks[g->nbreaks++] = addr;
        } else if (!insert && i < g->nbreaks) {
            g->breaks[i] = g->breaks[--g->nbreaks];
        }
        update_step_mode(g);
        strcpy(g->reply, "OK");
        return;
    }
    static const uint64_t match[5] = {0, MCONTROL_EXECUTE, MCONTROL_STORE, MCONTROL_LOAD,
                                      MCONTROL_LOAD | MCONTROL_STORE};
    unsigned len = type == 1 ? 2 : (unsigned)kind;
    if (len == 0 || len > 8)
        return; /* an empty reply: GDB falls back to software watchpoints */
    for (unsigned i = FIRST_DEBUGGER_TRIGGER; i < TRIGGER_COUNT; i++) {
        uint64_t d = h->trig.tdata1[i];
        bool ours = (d & TDATA1_DMODE) != 0;
        bool same = ours && h->trig.tdata2[i] == addr && (d & 7) == match[type];
        if (insert ? !ours : same) {
            trigger_set_debugger(h, i, insert ? addr : 0, insert ? len : 0, match[type]);
            strcpy(g->reply, "OK");
            return;
        }
    }
    if (insert)
        reply_error(g, 28); /* no trigger left */
    else
        strcpy(g->reply, "OK");
}

static void features(struct gdb *g, const char *args)
{
    uint64_t off, len;
    const char *p = strchr(args, ':');
    if (strncmp(args, "target.xml:", 11) || !p || (p++, !hex_number(&p, &off)) || *p++ != ',' ||
        !hex_number(&p, &len))
        return reply_error(g, 0);
    if (off >= g->xml_len) {
        strcpy(g->reply, "l");
        return;
    }
    size_t n = g->xml_len - off < len ? g->xml_len - off : len;
    if (n > GDB_PACKET_MAX - 2)
        n = GDB_PACKET_MAX - 2;
    g->reply[0] = off + n < g->xml_len ? 'm' : 'l';
    memcpy(g->reply + 1, g->xml + off, n); /* the XML has no $, # or } to escape */
    g->reply[n + 1] = '\0';
}

static void monitor(struct gdb *g, const char *hex)
{
    static char cmd[GDB_PACKET_MAX / 2 + 1], text[GDB_PACKET_MAX / 2 - 8];
    size_t n = strlen(hex) / 2;
    if (!hex_decode((uint8_t *)cmd, hex, n))
        return reply_error(g, 1);
    cmd[n] = '\0';
    monitor_command(g, cmd, text, sizeof text);
    g->reply[0] = 'O';
    hex_encode(g->reply + 1, (const uint8_t *)text, strlen(text));
    if (text[0] && !rsp_send(g, g->reply))
        return;
    strcpy(g->reply, "OK");
}

static void query(struct gdb *g, const char *q)
{
    if (!strncmp(q, "qSupported", 10))
        snprintf(g->reply, sizeof g->reply,
                 "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;hwbreak+;vContSupported+",
                 GDB_PACKET_MAX);
    else if (!strncmp(q, "qXfer:features:read:", 20))
        features(g, q + 20);
    else if (!strncmp(q, "qRcmd,", 6))
        monitor(g, q + 6);
    else if (!strcmp(q, "qAttached"))
        strcpy(g->reply, "1");
    else if (!strcmp(q, "qC"))
        strcpy(g->reply, "QC1");
    else if (!strcmp(q, "qfThreadInfo"))
        strcpy(g->reply, "m1");
    else if (!strcmp(q, "qsThreadInfo"))
        strcpy(g->reply, "l");
    else if (!strncmp(q, "qSymbol", 7))
        strcpy(g->reply, "OK");
    else if (!strcmp(q, "QStartNoAckMode")) {
        strcpy(g->reply, "OK"); /* acknowledged with acks; none from here on */
        g->start_no_ack = true;
    }
}

enum resume { STAY, CONTINUE, STEP, DETACH, KILL };

static enum resume resume_action(const char *actions)
{
    /* vCont;ACTION[:thread];...: one hart, so the first action says it all */
    if (actions[0] != ';')
        return STAY;
    char a = actions[1];
    return a == 's' || a == 'S' ? STEP : a == 'c' || a == 'C' ? CONTINUE : STAY;
}

/* One packet; what the hart should do next. */
static enum resume handle(struct gdb *g)
{
    const char *p = g->packet;
    g->reply[0] = '\0';
    switch (p[0]) {
    case '?': stop_reply(g, g->reply, sizeof g->reply); break;
    case 'g': read_registers(g); break;
    case 'G': write_registers(g, p + 1); break;
    case 'p': one_register(g, p + 1, false); break;
    case 'P': one_register(g, p + 1, true); break;
    case 'm': memory(g, p + 1, false); break;
    case 'M': memory(g, p + 1, true); break;
    case 'Z': breakpoint(g, p + 1, true); break;
    case 'z': breakpoint(g, p + 1, false); break;
    case 'H':
    case 'T': strcpy(g->reply, "OK"); break;
    case 'q':
    case 'Q': query(g, p); break;
    case 'c': return p[1] ? (reply_error(g, 1), STAY) : CONTINUE; /* no resume address */
    case 's': return p[1] ? (reply_error(g, 1), STAY) : STEP;
    case 'D': strcpy(g->reply, "OK"); return DETACH;
    case 'k': return KILL;
    case 'v':
        if (!strcmp(p, "vCont?"))
            strcpy(g->reply, "vCont;c;C;s;S");
        else if (!strncmp(p, "vCont", 5) && resume_action(p + 5) != STAY)
            return resume_action(p + 5);
        else if (!strncmp(p, "vKill", 5)) {
            strcpy(g->reply, "OK");
            return KILL;
        }
        break;
    }
    return STAY;
}

/* The hart is halted: answer packets until the debugger resumes it (true) or leaves (false). */
static bool serve_stopped(struct gdb *g)
{
    for (;;) {
        int r = rsp_receive(g);
        if (r < 0)
            return false;
        if (r == 0)
            continue; /* Ctrl-C while stopped: already stopped */
        enum resume what = handle(g);
        /* Every packet gets an answer, an empty one for what the stub does not know; the resuming
         * ones get theirs when the hart stops again. */
        if ((what == STAY || what == DETACH) && !rsp_send(g, g->reply))
            return false;
        if (g->start_no_ack)
            g->no_ack = true, g->start_no_ack = false;
        switch (what) {
        case STAY: continue;
        case CONTINUE:
        case STEP:
            g->stepping = what == STEP;
            g->stepped = 0;
            g->m->hart.trig.hit = -1;
            update_step_mode(g);
            return true;
        case DETACH: rsp_disconnect(g); return false;
        case KILL:
            rsp_disconnect(g);
            g->m->exit.requested = true;
            g->m->exit.code = 0;
            fprintf(stderr, "xpcsim: killed by the debugger\n");
            return true;
        }
    }
}

int gdb_run(struct gdb *g, bool wait_first)
{
    struct machine *m = g->m;
    struct hart *h = &m->hart;
    uint64_t budget = m->cfg.max_insns ? m->cfg.max_insns : UINT64_MAX;
    h->debugger = g;
    h->before_insn = before_insn;
    if (wait_first) {
        fprintf(stderr, "xpcsim: waiting for a debugger (-S)\n");
        while (!rsp_accept(g, true))
            ;
        g->stopped = true;
        g->signal = GDB_SIGTRAP;
    }
    while (!m->exit.requested) {
        if (g->fd < 0 && rsp_accept(g, false)) {
            g->stopped = true; /* a debugger that connects finds the hart stopped, as on QEMU */
            g->signal = GDB_SIGTRAP;
        }
        if (g->stopped && g->fd >= 0) {
            if (!serve_stopped(g))
                forget_debugger(g);
            g->stopped = false;
            continue;
        }
        if (h->instret >= budget) {
            fprintf(stderr, "xpcsim: stopped after %llu instructions (--max-insns)\n",
                    (unsigned long long)h->instret);
            m->exit.code = 3;
            break;
        }
        uint64_t left = budget - h->instret;
        h->debug_halt = false;
        hart_run(h, left < SLICE_CYCLES ? left : SLICE_CYCLES);
        if (h->debug_halt) {
            h->debug_halt = false;
            if (g->fd >= 0) {
                g->stopped = true;
                char buf[64];
                if (h->trig.hit >= 0 || !g->stepping)
                    g->signal = GDB_SIGTRAP;
                if (!rsp_send(g, stop_reply(g, buf, sizeof buf)))
                    forget_debugger(g);
                g->stepping = false;
                update_step_mode(g);
            }
        } else if (rsp_interrupt_pending(g)) {
            g->stopped = true;
            g->signal = GDB_SIGINT;
            char buf[64];
            if (!rsp_send(g, stop_reply(g, buf, sizeof buf)))
                forget_debugger(g);
        } else if (g->fd < 0 && (h->debugger_step || g->nbreaks)) {
            forget_debugger(g);
        }
    }
    if (g->fd >= 0 && !m->exit.reset) {
        char buf[16];
        snprintf(buf, sizeof buf, "W%02x", m->exit.code & 0xff);
        rsp_send(g, buf);
    }
    h->before_insn = NULL;
    return m->exit.code;
}

struct gdb *gdb_listen(struct machine *m, const char *endpoint, char *err, size_t errlen)
{
    char host[256] = "", port[32] = "";
    const char *spec = strncmp(endpoint, "tcp:", 4) ? endpoint : endpoint + 4;
    const char *colon = strrchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= sizeof host || strlen(colon + 1) >= sizeof port ||
        !colon[1]) {
        errmsg(err, errlen, "-gdb: expected tcp:HOST:PORT, not '%s'", endpoint);
        return NULL;
    }
    memcpy(host, spec, (size_t)(colon - spec));
    strcpy(port, colon + 1);
    struct addrinfo hints = {
        .ai_family = AF_INET, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *ai = NULL;
    int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
    if (rc) {
        errmsg(err, errlen, "-gdb %s: %s", endpoint, gai_strerror(rc));
        return NULL;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol), one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1)) {
        errmsg(err, errlen, "-gdb %s: cannot listen: %s", endpoint, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return NULL;
    }
    freeaddrinfo(ai);
    struct gdb *g = calloc(1, sizeof *g);
    if (!g || !target_build_xml(g)) {
        free(g);
        close(fd);
        errmsg(err, errlen, "out of memory");
        return NULL;
    }
    g->m = m;
    g->listen_fd = fd;
    g->fd = -1;
    g->signal = GDB_SIGTRAP;
    return g;
}

void gdb_close(struct gdb *g)
{
    if (!g)
        return;
    rsp_disconnect(g);
    close(g->listen_fd);
    free(g->xml);
    free(g);
}
