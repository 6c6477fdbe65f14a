/* What the core's files share: the mounted instance and each concept's internal calls. */
#ifndef FS_CORE_INTERNAL_H
#define FS_CORE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "fs/disk.h"
#include "fs/fs.h"

/* ---- block cache (cache.c) ---- */
struct fs_buf {
    uint64_t block;
    uint32_t refs; /* holders now; a held buffer is never evicted */
    bool valid;    /* data holds the block's contents */
    bool in_txn;   /* changed by the running transaction: pinned until it commits */
    struct fs_buf *hash_next;
    struct fs_buf *lru_prev, *lru_next;
    uint8_t *data;
};

struct fs_open_file {
    uint32_t ino; /* 0: slot free */
    int flags;
};

struct fs {
    struct fs_blockdev dev;
    struct fs_superblock sb;
    bool read_only;
    int failed; /* a negative errno once an unexpected error stopped changes (read-only after) */
    fs_report_fn report;
    void *report_ctx;

    uint32_t ncache, nhash;
    struct fs_buf *bufs;
    struct fs_buf **hash;
    struct fs_buf lru; /* sentinel: lru.lru_next is the most recently used */
    uint8_t *cache_mem;

    /* The running transaction: every buffer changed since the last commit. */
    struct fs_buf **txn;
    uint32_t txn_count, txn_cap;
    uint64_t log_sequence;
    uint8_t *log_block; /* one block: the log header while committing */

    uint64_t free_blocks, free_inodes;
    uint32_t block_hint, inode_hint;

    uint64_t (*clock)(void *ctx);
    void *clock_ctx;
    uint64_t tick;

    struct fs_open_file *open;
    uint32_t max_open;
};

void fs_reportf(fs_report_fn report, void *ctx, const char *fmt, ...);
#define FS_SAY(fs, ...) fs_reportf((fs)->report, (fs)->report_ctx, __VA_ARGS__)

int cache_init(struct fs *fs, uint32_t nblocks);
/* Whether a buffer holds `block` (valid or being filled): reads of it must go through the cache. */
bool cache_holds(const struct fs *fs, uint64_t block);
void cache_free(struct fs *fs);
/* Hold block `block`: read from the device unless `fill` is false (the caller overwrites it). */
int buf_get(struct fs *fs, uint64_t block, bool fill, struct fs_buf **out);
void buf_put(struct fs *fs, struct fs_buf *b);
/* The caller changed b: it joins the running transaction. */
void buf_dirty(struct fs *fs, struct fs_buf *b);
/* Forget every change of the running transaction (after an unexpected error). */
void cache_drop_txn(struct fs *fs);

/* ---- superblock and format (super.c) ---- */
int super_validate(const struct fs_superblock *sb, uint64_t dev_blocks, fs_report_fn report,
                   void *ctx);
void super_seal(struct fs_superblock *sb);
int super_write(struct fs *fs); /* into the running transaction */

/* ---- write-ahead log (log.c) ---- */
/* Room for an operation that may change `blocks` blocks: commits first when the transaction is
 * too full to promise it. */
int txn_begin(struct fs *fs, uint32_t blocks);
/* Make everything so far durable: log, commit record, flush, install, flush. */
int txn_commit(struct fs *fs);
/* After a mutating operation: a failure past its first change leaves the instance read-only. */
int txn_end(struct fs *fs, int result, bool changed);
int log_replay(struct fs *fs);
/* Validate the header in `hdr` and its blocks (read with `read`); 1 committed, 0 nothing, <0 bad */
int log_header_check(const struct fs_blockdev *dev, const struct fs_superblock *sb,
                     const struct fs_log_header *hdr, uint8_t *scratch);

/* Reservations, in blocks the running transaction may have to log. */
#define FS_DIRECT_READ 64u /* the most blocks fs_read moves from the device in one request */
#define FS_WRITE_CHUNK 64u /* a write within 64 blocks is one transaction: atomic */
#define FS_RES_META    32u
#define FS_RES_WRITE   (2u * FS_WRITE_CHUNK + 16u)
uint32_t res_free(const struct fs *fs); /* an operation that may free a whole file */

/* ---- allocation (alloc.c) ---- */
int balloc(struct fs *fs, uint32_t *out); /* a zeroed block in the transaction */
int bfree(struct fs *fs, uint32_t block);
int ialloc(struct fs *fs, uint32_t *out);
int ifree_bit(struct fs *fs, uint32_t ino);
int bitmap_count_free(struct fs *fs);
bool block_is_data(const struct fs_superblock *sb, uint64_t block);

/* ---- inodes (inode.c) ---- */
int inode_read(struct fs *fs, uint32_t ino, struct fs_dinode *out);
int inode_write(struct fs *fs, uint32_t ino, struct fs_dinode *ip);
bool inode_checksum_ok(const struct fs_dinode *ip, uint32_t ino);
void inode_seal(struct fs_dinode *ip, uint32_t ino);
/* File block `fbn` of ip: its device block, or 0 for a hole; with `alloc`, allocate it. */
int inode_bmap(struct fs *fs, struct fs_dinode *ip, uint64_t fbn, bool alloc, uint32_t *out);
/* Free every block past `size` and zero the last block's tail; ip is changed, not written. */
int inode_shrink(struct fs *fs, struct fs_dinode *ip, uint64_t size);
uint64_t inode_now(struct fs *fs);
/* Blocks the inode holds: data and index blocks. */
int inode_count_blocks(struct fs *fs, const struct fs_dinode *ip, uint64_t *count);
/* Drop a link; free the inode (and its blocks) when none remain and no handle holds it. */
int inode_unlink(struct fs *fs, uint32_t ino, struct fs_dinode *ip);
int inode_release(struct fs *fs, uint32_t ino); /* free an orphan */
bool inode_is_open(const struct fs *fs, uint32_t ino);

/* ---- directories (dir.c) ---- */
void dir_block_init(uint8_t *data, uint32_t dir_ino);
void dir_block_seal(uint8_t *data, uint32_t dir_ino);
bool dir_block_ok(const uint8_t *data, uint32_t dir_ino);
/* Find `name`: 0 and *ino (and *slot, the entry index) or -ENOENT. */
int dir_lookup(struct fs *fs, uint32_t dir, struct fs_dinode *dp, const char *name, size_t len,
               uint32_t *ino, uint64_t *slot);
int dir_add(struct fs *fs, uint32_t dir, struct fs_dinode *dp, const char *name, size_t len,
            uint32_t ino);
int dir_set(struct fs *fs, uint32_t dir, struct fs_dinode *dp, uint64_t slot, uint32_t ino);
int dir_entry(struct fs *fs, uint32_t dir, struct fs_dinode *dp, uint64_t slot,
              struct fs_ddirent *out);
int dir_is_empty(struct fs *fs, uint32_t dir, struct fs_dinode *dp);
/* Room for one more entry in dp, in blocks it might need (0 when a free slot exists). */
int dir_blocks_needed(struct fs *fs, uint32_t dir, struct fs_dinode *dp);

/* ---- paths (path.c) ---- */
int path_lookup(struct fs *fs, const char *path, uint32_t *ino);
/* Resolve all but the last component: *parent, and the last name copied to `name` (NUL-ended).
 * A path with no last component ("/") gives -EBUSY. */
int path_parent(struct fs *fs, const char *path, uint32_t *parent, char *name, size_t *len);
bool name_is_dot(const char *name, size_t len);

#endif
