/* The phase profiler (xpcsim --phase-map): which code the modeled cycles went to.
 *
 * A phase map names address ranges (virtual PCs, any privilege): `name start_pc end_pc` per line,
 * hex, half-open, `#` starts a comment; several ranges may share a name. With the cycle model on,
 * every retired instruction's cycles, its stalls and misses included, are charged to the first
 * range (in file order) containing its PC, else to `other`. The one exception is a trap: the
 * pipeline refill of taking it is charged to the handler's first instruction, because on the
 * hardware that is where the time shows (the handler's fetch waits), and it is the trap phase the
 * paper's breakdown (E2) counts it in. A WFI's sleep is the WFI's (it is one instruction whose
 * cycles run until the wake-up).
 *
 * A window limits counting to the code a benchmark measures: it opens when the instruction at
 * `start_pc` issues (that instruction counts) and closes when the one at `stop_pc` issues (that
 * one does not); a start while open and a stop while closed are ignored, so each window is one
 * measured operation and `windows` counts them. Without a window everything counts.
 *
 * A range named `caller` is charged to the caller instead: each of its instructions goes to the
 * phase of the return address register (x1) at that moment, and to `other` if that is a `caller`
 * range too. It is for leaf library functions that several phases share (memcpy, memset): they
 * never change x1, so it names the code that called them throughout, and their copies are that
 * code's work (E6 charges the transports' memcpy calls to IPC this way).
 *
 * The profiler lives behind one pointer in struct timing: with no map the cycle model pays one
 * predictable branch per instruction, and --timing=off never reaches it. */
#ifndef SIM_TIMING_PHASE_H
#define SIM_TIMING_PHASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PHASE_MAX_NAMES  32 /* distinct phase names, `other` included */
#define PHASE_NAME_BYTES 32
#define PHASE_MAX_RANGES 4096
#define PHASE_OTHER      0 /* the index of `other` */

/* The map flattened into disjoint segments, sorted by start; segment i covers
 * [start[i], start[i + 1]) and the last one runs to the end of the address space. */
struct phase_segment {
    uint64_t start;
    unsigned phase;
};

struct timing_phases {
    unsigned n_names;
    char names[PHASE_MAX_NAMES][PHASE_NAME_BYTES];
    struct phase_segment *seg;
    unsigned n_seg;
    uint64_t hit_lo, hit_hi; /* the segment of the previous lookup, inclusive bounds */
    unsigned hit_phase;
    int caller;         /* the index of `caller`, or -1 when the map has none */
    const uint64_t *ra; /* the hart's x1, for `caller` ranges (NULL: charged as `other`) */
    bool windowed, open;
    uint64_t start_pc, stop_pc, windows;
    bool counting; /* the instruction in flight is charged to `cur` */
    bool carry;    /* a trap was taken: the cycles since `mark` belong to the handler */
    unsigned cur;
    uint64_t mark; /* the cycle up to which everything has been charged */
    uint64_t cycles[PHASE_MAX_NAMES], instructions[PHASE_MAX_NAMES];
};

/* A map from text; `source` names it in messages. NULL with a one-line message in err. */
struct timing_phases *timing_phases_parse(const char *text, const char *source, char *err,
                                          size_t errlen);
/* The same from a file. */
struct timing_phases *timing_phases_load(const char *path, char *err, size_t errlen);
void timing_phases_free(struct timing_phases *ph);
/* Count only between start_pc and stop_pc (see above). -1 with a message when they are equal. */
int timing_phases_set_window(struct timing_phases *ph, uint64_t start_pc, uint64_t stop_pc,
                             char *err, size_t errlen);
/* The phase index of a PC. */
unsigned timing_phases_lookup(struct timing_phases *ph, uint64_t pc);

#endif
