/* The block protocol: a disk of 512-byte sectors, over any transport (transport.h).
 * Served by `blkvirtio` (a virtio-blk driver) and `blkram` (a RAM disk), documented in
 * docs/transports.md, "The block protocol".
 *
 *   BLK_OP_INFO   -> res[0] sectors, res[1] sector size, res[2] BLK_INFO_* flags,
 *                    res[3] the most sectors one call moves
 *   BLK_OP_READ   arg[0] first sector, arg[1] count -> count * 512 bytes in the buffer
 *   BLK_OP_WRITE  arg[0] first sector, arg[1] count, count * 512 bytes in the buffer -> 0
 *   BLK_OP_FLUSH  -> 0 once every write that completed before it is durable on the device
 *
 * Errors: ERR_OUT_OF_RANGE (a sector range that does not lie on the disk, overflow included),
 * ERR_INVALID_ARGS (count 0 or above res[3]; a WRITE whose buffer does not hold count sectors;
 * a READ whose buffer cannot take them), ERR_ACCESS_DENIED (WRITE to a read-only disk),
 * ERR_BAD_STATE (the device reported an I/O error), ERR_NOT_SUPPORTED (unknown operation). */
#ifndef XPC_BLOCKPROTO_H
#define XPC_BLOCKPROTO_H

#include <stdint.h>
#include <xpc/sys.h>

#define BLK_SECTOR 512u

enum blk_op {
    BLK_OP_INFO = 1,
    BLK_OP_READ = 2,
    BLK_OP_WRITE = 3,
    BLK_OP_FLUSH = 4,
};

#define BLK_INFO_READONLY 1u /* writes are refused */
#define BLK_INFO_VOLATILE 2u /* nothing survives the server (a RAM disk) */

/* Checks a READ/WRITE's range against a disk of `sectors` and a per-call limit: 0 or an error. */
static inline int64_t blk_check_range(uint64_t first, uint64_t count, uint64_t sectors,
                                      uint64_t max_count)
{
    if (count == 0 || count > max_count)
        return ERR_INVALID_ARGS;
    if (first >= sectors || count > sectors - first)
        return ERR_OUT_OF_RANGE;
    return 0;
}

#endif
