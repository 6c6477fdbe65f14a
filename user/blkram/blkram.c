/* blkram: a RAM disk behind the block protocol (blockproto.h), for machines without a drive.
 * usage: blkram fs=xpc|endpoint|channel [size=MiB]  (started by init or a test) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/transport.h>
#include <xpc/blockproto.h>

#define DEFAULT_MIB 8
#define MAX_MIB     256

static uint8_t *disk;
static uint64_t sectors;

static int64_t handle(struct tp_req *r)
{
    uint64_t first = r->arg[0], count = r->arg[1], max = TP_BUF_MAX / BLK_SECTOR;
    int64_t e;
    switch (r->op) {
    case BLK_OP_INFO:
        r->res[0] = sectors;
        r->res[1] = BLK_SECTOR;
        r->res[2] = BLK_INFO_VOLATILE;
        r->res[3] = max;
        r->len = 0;
        return 0;
    case BLK_OP_READ:
        if ((e = blk_check_range(first, count, sectors, max)) < 0)
            return e;
        if (r->cap < count * BLK_SECTOR)
            return ERR_INVALID_ARGS;
        memcpy(r->buf, disk + first * BLK_SECTOR, count * BLK_SECTOR);
        r->len = count * BLK_SECTOR;
        return 0;
    case BLK_OP_WRITE:
        if ((e = blk_check_range(first, count, sectors, max)) < 0)
            return e;
        if (r->len != count * BLK_SECTOR)
            return ERR_INVALID_ARGS;
        memcpy(disk + first * BLK_SECTOR, r->buf, count * BLK_SECTOR);
        r->len = 0;
        return 0;
    case BLK_OP_FLUSH: r->len = 0; return 0; /* memory is as durable as it gets */
    default: return ERR_NOT_SUPPORTED;
    }
}

int main(int argc, char **argv)
{
    unsigned long mib = DEFAULT_MIB;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: blkram fs=xpc|endpoint|channel [size=MiB]\n"
                   "  a RAM disk (default %d MiB, at most %d) behind the block protocol\n",
                   DEFAULT_MIB, MAX_MIB);
            return 0;
        }
        if (strncmp(argv[i], "size=", 5) == 0)
            mib = strtoul(argv[i] + 5, NULL, 10);
    }
    enum tp_kind kind = tp_kind_from_args(argc, argv, "fs", TP_NONE);
    if (kind == TP_NONE || mib == 0 || mib > MAX_MIB) {
        printf("blkram: need fs=xpc|endpoint|channel and a size of 1-%d MiB\n", MAX_MIB);
        return 2;
    }
    sectors = mib * (1024 * 1024 / BLK_SECTOR);
    disk = calloc(sectors, BLK_SECTOR);
    if (!disk) {
        printf("blkram: no memory for %lu MiB\n", mib);
        return 1;
    }
    struct tp_server_config cfg = {.handler = handle, .concurrency = 4, .buf_size = TP_BUF_MAX};
    return tp_serve(kind, &cfg) < 0;
}
