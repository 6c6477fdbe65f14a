/* --trace FILE: XPC and kernel-boundary events in the Chrome trace-event JSON format, which
 * Perfetto's UI (ui.perfetto.dev) and chrome://tracing open.
 *
 * One track (a trace "process") per address space, keyed by satp's root page: an XPC call is a
 * slice on the callee's track from its xcall to its xret, so a chain of servers shows as a
 * staircase of nested slices, one server per track, with a flow arrow from each caller. A trap is
 * a slice on the track of the address space it interrupted, from the trap to the sret/mret that
 * ends it. swapseg and XPC exceptions are instant events. Times are modeled cycles (with the cycle
 * model off, retired instructions): the file says "1 us = 1 cycle", so a viewer's microseconds
 * read as cycles.
 *
 * Slices are written as complete events when they end, so the file is valid JSON after any
 * number of events; slices still open when the machine stops are closed then. A callee that
 * never returns (the kernel unwinds its chain after a crash) is closed by the next xret that
 * pops an older link-stack record. Nothing is recorded while tracing is off: the hooks are one
 * test of a NULL pointer on paths that are already slow (traps, XPC instructions). */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct trace;

/* NULL and a message in err when the file cannot be written. */
struct trace *trace_open(const char *path, char *err, size_t errlen);
/* Closes every open slice at `now` and completes the file. */
void trace_close(struct trace *t, uint64_t now);

struct trace_xpc {
    uint64_t now, pc;
    uint64_t id;             /* xcall: the x-entry; swapseg: the seg-list index */
    uint64_t satp, new_satp; /* the address space before and after */
    uint64_t caller, callee; /* the engine's xcap before and after: the identities */
    uint64_t link_pa;        /* the link-stack record pushed (xcall) or popped (xret) */
};
void trace_xcall(struct trace *t, const struct trace_xpc *ev);
void trace_xret(struct trace *t, const struct trace_xpc *ev);
void trace_swapseg(struct trace *t, const struct trace_xpc *ev);
void trace_xpc_exception(struct trace *t, uint64_t now, uint64_t pc, uint64_t satp, unsigned cause,
                         uint64_t tval);

/* A trap taken from privilege `from` to `to` (1 = S, 3 = M), and the sret/mret that leaves `to`. */
void trace_trap(struct trace *t, uint64_t now, uint64_t pc, uint64_t satp, uint64_t cause,
                unsigned from, unsigned to);
void trace_trap_return(struct trace *t, uint64_t now, unsigned from);

#endif
