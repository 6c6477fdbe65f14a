/* xpctest: XPC through the kernel and libxpc, including the security cases (docs/libxpc.md). */
#ifndef XPCTEST_H
#define XPCTEST_H

#include <stdint.h>

/* The server role's entries, in the order their handles arrive. */
enum { S_ECHO, S_SEG, S_PEEK, S_SLEEP, S_SPIN, S_CRASH, S_BADRET, S_FORWARD, SERVER_ENTRIES };

extern uint64_t secret;
int server_main(void);
int twothreads_main(void);

#endif
