/* bindertest: the binder API's semantics on the transport the system booted with, the kernel
 * object's limits and its refusal of malformed parcels, death notices, and leaks. */
#ifndef BINDERTEST_H
#define BINDERTEST_H

#include <stdint.h>
#include <xpc/binder.h>

enum {
    T_ECHO = 1,   /* i32, i64, string, bytes back */
    T_ADD,        /* two i32: their sum */
    T_FAIL,       /* a status of -100 */
    T_ONEWAY,     /* one-way: count it */
    T_COUNT,      /* the count of one-way calls */
    T_HANDLE,     /* a handle back */
    T_ASHMEM_SUM, /* the sum of an ashmem region's bytes */
    T_SIZE,       /* the parcel's size */
    T_MEET,       /* waits until two calls are inside at once (the thread pool) */
    T_DIE,        /* the service's process exits inside the call */
    T_STRING,     /* reads one string */
    T_WHERE,      /* 1 if the parcel is read in place in a relay segment */
};
#define T_STATUS_FAIL (-100)

extern int passed, failed;
extern uint8_t *bindertest_big; /* BINDER_BUFFER_SIZE + 8 bytes, made before the counts */
void check(int ok, const char *what);
void serve_test_service(const char *name, uint32_t threads) __attribute__((noreturn));
void kernel_tests(uint64_t echo);

#endif
