/* The GDB stub's parts: the connection (rsp.c), the target's registers and memory (target.c),
 * the monitor commands (monitor.c) and the commands and run loop (stub.c). */
#ifndef SIM_GDB_INTERNAL_H
#define SIM_GDB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gdb/gdb.h"

struct hart;

#define GDB_PACKET_MAX 16384
#define GDB_MAX_BREAKS 64
#define GDB_SIGINT     2
#define GDB_SIGTRAP    5

struct gdb {
    struct machine *m;
    int listen_fd;
    int fd; /* the debugger's connection, or -1 */
    bool no_ack;
    bool start_no_ack; /* QStartNoAckMode: no acks after its reply */
    char in[4096];
    size_t in_len, in_pos;
    char packet[GDB_PACKET_MAX + 1];
    char reply[GDB_PACKET_MAX + 1];

    bool stopped;     /* the hart is halted for the debugger */
    bool stepping;    /* resumed for one instruction */
    unsigned stepped; /* instructions run since the step began */
    int signal;       /* what the last stop reports */
    uint64_t breaks[GDB_MAX_BREAKS];
    unsigned nbreaks;
    bool physical; /* monitor phys on: memory packets use physical addresses */
    char *xml;     /* the target description */
    size_t xml_len;
};

/* ---- rsp.c: the connection ---- */
/* Accepts a debugger if one is waiting (blocking: wait for one). true when connected. */
bool rsp_accept(struct gdb *g, bool blocking);
void rsp_disconnect(struct gdb *g);
/* Reads one packet into g->packet (NUL-terminated). 1 = a packet, 0 = Ctrl-C, -1 = the
 * debugger went away. */
int rsp_receive(struct gdb *g);
/* Sends one packet; false when the debugger went away. */
bool rsp_send(struct gdb *g, const char *payload);
/* A Ctrl-C (0x03) waiting on the connection, without blocking? false also on a disconnect,
 * which it handles. */
bool rsp_interrupt_pending(struct gdb *g);
/* Hex helpers. */
void hex_encode(char *out, const uint8_t *bytes, size_t n);
bool hex_decode(uint8_t *out, const char *hex, size_t n);
/* A hex number at *s, which it advances; false when there is none. */
bool hex_number(const char **s, uint64_t *v);

/* ---- target.c: registers, memory, the target description ---- */
bool target_build_xml(struct gdb *g);
/* Register `regno` (GDB's numbering) as 8 little-endian bytes; false when it has none. */
bool target_read_reg(struct gdb *g, unsigned regno, uint64_t *val);
bool target_write_reg(struct gdb *g, unsigned regno, uint64_t val);
/* Memory by virtual address through the hart's translation (or physical, monitor phys),
 * without side effects (no A/D bits, no devices but the boot ROM). Returns bytes done. */
size_t target_read_mem(struct gdb *g, uint64_t addr, uint8_t *buf, size_t n);
size_t target_write_mem(struct gdb *g, uint64_t addr, const uint8_t *buf, size_t n);
/* The physical address of va as the debugger sees it; false when unmapped. */
bool target_translate(struct gdb *g, uint64_t va, uint64_t *pa);

/* ---- monitor.c ---- */
/* Runs a monitor command; its output (text) in out. */
void monitor_command(struct gdb *g, const char *cmd, char *out, size_t cap);

#endif
