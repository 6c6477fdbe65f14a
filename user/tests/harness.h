/* A small test harness: CHECK counts and reports; the totals go to init over the bootstrap
 * channel. */
#ifndef UTEST_HARNESS_H
#define UTEST_HARNESS_H

#include <stdio.h>
#include <xpc/usys.h>

extern unsigned long tests_passed, tests_failed;
extern uint64_t root_resource;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            tests_passed++;                                                                        \
        } else {                                                                                   \
            tests_failed++;                                                                        \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                                 \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long _a = (long long)(a), _b = (long long)(b);                                        \
        if (_a == _b) {                                                                            \
            tests_passed++;                                                                        \
        } else {                                                                                   \
            tests_failed++;                                                                        \
            printf("FAIL %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a, _a,    \
                   #b, _b);                                                                        \
        }                                                                                          \
    } while (0)

#define LABEL_ECHO    1
#define LABEL_VMO_INC 2
#define LABEL_EXIT    3
#define LABEL_BADGE   4

void test_syscalls(void);
void test_handles(void);
void test_vmo(void);
void test_endpoint(void);
void test_channel(void);
void test_process(void);
void test_sched(void);
void test_oom(void);
void test_device(void);

#endif
