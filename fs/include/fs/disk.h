/* The xpcfs on-disk format (docs/storage.md explains it). All integers little-endian.
 *
 *   block 0                      superblock
 *   log_start .. +log_blocks     the log: a header block, then up to log_blocks-1 logged blocks
 *   inode_bitmap_start           one bit per inode (1 = in use)
 *   block_bitmap_start           one bit per block of the device (1 = in use; metadata included)
 *   inode_start                  the inode table, FS_INODES_PER_BLOCK inodes per block
 *   data_start .. nblocks        file data, directory blocks, index (indirect) blocks
 */
#ifndef FS_DISK_H
#define FS_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "fs/fs.h"

#define FS_MAGIC          0x53465058u /* "XPFS" */
#define FS_VERSION        1u
#define FS_LOG_MAGIC      0x474c5058u /* "XPLG" */
#define FS_DIRBLOCK_MAGIC 0x52445058u /* "XPDR" */
#define FS_ROOT_INO       1u          /* inode 0 is never used */

struct fs_superblock {
    uint32_t magic;
    uint32_t version;
    uint32_t block_size;
    uint32_t flags;
    uint64_t nblocks;
    uint32_t ninodes;
    uint32_t log_start, log_blocks;
    uint32_t inode_bitmap_start, inode_bitmap_blocks;
    uint32_t block_bitmap_start, block_bitmap_blocks;
    uint32_t inode_start, inode_blocks;
    uint32_t data_start;
    uint32_t orphans;  /* inodes with nlink 0 still allocated (open when unlinked) */
    uint32_t reserved; /* zero */
    uint64_t uuid;     /* chosen at format, for the log header to name its file system */
    uint32_t pad[41];
    uint32_t checksum; /* CRC-32C of the bytes above */
};

/* The log header (block log_start). A transaction is committed when a header with count > 0 and
 * a valid checksum is on the device; the checksum covers the header and the logged blocks'
 * contents, so a header written before its blocks (a torn commit) is rejected at replay. */
#define FS_LOG_MAX_BLOCKS 1000u
struct fs_log_header {
    uint32_t magic;
    uint32_t count;    /* logged blocks following the header; 0: nothing to replay */
    uint64_t sequence; /* increases by one per commit */
    uint64_t uuid;     /* the superblock's */
    uint32_t checksum; /* CRC-32C of the header (this field 0) then each logged block */
    uint32_t reserved;
    uint32_t home[FS_LOG_MAX_BLOCKS]; /* where logged block i belongs */
};

#define FS_NDIRECT          12u
#define FS_PTRS_PER_BLOCK   (FS_BLOCK_SIZE / 4u)
#define FS_MAX_FILE_BLOCKS  (FS_NDIRECT + FS_PTRS_PER_BLOCK + FS_PTRS_PER_BLOCK * FS_PTRS_PER_BLOCK)
#define FS_INODE_SIZE       128u
#define FS_INODES_PER_BLOCK (FS_BLOCK_SIZE / FS_INODE_SIZE)
#define FS_BITS_PER_BLOCK   (FS_BLOCK_SIZE * 8u)

struct fs_dinode {
    uint16_t mode; /* FS_S_IF* | permissions; 0: free */
    uint16_t nlink;
    uint32_t flags;
    uint64_t size;
    uint64_t mtime, ctime;
    uint32_t direct[FS_NDIRECT];
    uint32_t indirect;  /* a block of FS_PTRS_PER_BLOCK block numbers */
    uint32_t dindirect; /* a block of pointers to indirect blocks */
    uint32_t generation;
    uint32_t pad[8];
    uint32_t checksum; /* CRC-32C of the inode's bytes above, salted with its number */
};

/* Directory blocks: FS_DIRENTS_PER_BLOCK entries, then a tail that names the directory and
 * checksums the block. An entry with ino 0 is free. */
#define FS_DIRENT_SIZE       64u
#define FS_DIRENTS_PER_BLOCK (FS_BLOCK_SIZE / FS_DIRENT_SIZE - 1u)
struct fs_ddirent {
    uint32_t ino;
    uint8_t name_len;
    char name[FS_NAME_MAX];
};
struct fs_dirtail {
    uint32_t magic;
    uint32_t dir_ino;
    uint32_t reserved[13];
    uint32_t checksum; /* CRC-32C of the block's entries and the tail above */
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "xpcfs keeps its structures in host order: little-endian hosts only"
#endif
_Static_assert(sizeof(struct fs_superblock) == offsetof(struct fs_superblock, checksum) + 4,
               "the superblock checksum covers every byte before it, and nothing follows it");
_Static_assert(sizeof(struct fs_log_header) <= FS_BLOCK_SIZE, "log header fits a block");
_Static_assert(sizeof(struct fs_dinode) == FS_INODE_SIZE, "inode size");
_Static_assert(sizeof(struct fs_ddirent) == FS_DIRENT_SIZE, "dirent size");
_Static_assert(sizeof(struct fs_dirtail) == FS_DIRENT_SIZE, "dirtail size");

uint32_t fs_crc32c(uint32_t crc, const void *data, size_t len);

#endif
