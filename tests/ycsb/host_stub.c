/* The host build of the driver has no file system server to kill. */
#include <stdio.h>

#include "ycsb.h"

int ycsb_server_kill_test(const char *transport, uint64_t records, uint64_t seed)
{
    (void)records;
    (void)seed;
    printf("ycsb: --server-kill %s: only in the guest\n", transport);
    return 2;
}
