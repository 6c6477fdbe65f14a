/* fsstress: what its parts share. */
#ifndef FSSTRESS_FSSTRESS_H
#define FSSTRESS_FSSTRESS_H

#include <stdint.h>
#include <stdio.h>

extern unsigned long checks_passed, checks_failed;

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (cond) {                                                                                \
            checks_passed++;                                                                       \
        } else {                                                                                   \
            checks_failed++;                                                                       \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

/* The random workload against an in-memory model of what every file must hold: `ops`
 * operations from `seed`, under directory `root` (made here). */
void stress_run(const char *root, uint64_t seed, unsigned ops);

/* The server killed in the middle of calls and started again, twice (restart.c). Call with no
 * file system connected; leaves none. */
void server_kill(const char *fsd_args);

#endif
