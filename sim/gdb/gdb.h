/* A GDB remote-serial-protocol stub for xpcsim, with QEMU's flags: -s, -gdb tcp:HOST:PORT, -S.
 *
 * The stub owns the run loop while it is configured: it runs the hart in slices, looks for a
 * debugger between them (a connection, or Ctrl-C from one attached) and, when the hart halts
 * (a breakpoint, a watchpoint, a finished step, Ctrl-C), answers the debugger's packets until it
 * resumes. Stopping takes no simulated time: the cycle counts of the program are those of a run
 * without the debugger. docs/machine.md describes the commands. */
#ifndef SIM_GDB_GDB_H
#define SIM_GDB_GDB_H

#include <stdbool.h>
#include <stddef.h>

struct machine;
struct gdb;

/* The endpoint of -s. */
#define GDB_DEFAULT_ENDPOINT "tcp:127.0.0.1:1234"

/* Listens on `endpoint` ("tcp:HOST:PORT", "tcp::PORT" or "HOST:PORT"). NULL with a message in
 * err when it cannot. */
struct gdb *gdb_listen(struct machine *m, const char *endpoint, char *err, size_t errlen);
/* Runs the machine as machine_run does, under the debugger; with wait_first, waits for a
 * debugger to connect and to resume the hart before its first instruction (-S). */
int gdb_run(struct gdb *g, bool wait_first);
void gdb_close(struct gdb *g);

#endif
