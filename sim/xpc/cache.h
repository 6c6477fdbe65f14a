/* The engine cache of x-entries and their cap bits (see struct xpc_cache_line for the rule that
 * keeps it from granting a call memory no longer allows). Internal to sim/xpc. */
#ifndef SIM_XPC_CACHE_H
#define SIM_XPC_CACHE_H

#include "engine.h"

/* Whether the machine has an engine cache that is switched on. */
bool xpc_cache_active(const struct xpc_engine *e);
/* The line holding x-entry `id` of the current table, or NULL. A lookup alone changes nothing
 * (a faulting xcall must leave even the replacement order as it was): xpc_cache_touch or
 * xpc_cache_fill mark a line used once the instruction commits. */
struct xpc_cache_line *xpc_cache_lookup(struct xpc_engine *e, uint64_t id);
void xpc_cache_touch(struct xpc_engine *e, struct xpc_cache_line *line);
/* Installs x-entry `id` of the current table with its cap bit for caller identity `xcap`,
 * replacing the same entry or else the least recently used line. */
void xpc_cache_fill(struct xpc_engine *e, uint64_t id, const uint64_t word[4], uint64_t xcap,
                    bool cap);

#endif
