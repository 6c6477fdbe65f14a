/* The block cache: a fixed set of buffers, allocated once at mount, found by hash, evicted least
 * recently used first. Buffers changed by the running transaction stay pinned until it commits,
 * which is what makes the log a redo log: the device's home blocks never see uncommitted data. */
#include <stdlib.h>

#include "internal.h"

static uint32_t hash_of(const struct fs *fs, uint64_t block)
{
    return (uint32_t)((block * 0x9e3779b97f4a7c15ull) >> 32) % fs->nhash;
}

static void lru_unlink(struct fs_buf *b)
{
    b->lru_prev->lru_next = b->lru_next;
    b->lru_next->lru_prev = b->lru_prev;
}

static void lru_push_front(struct fs *fs, struct fs_buf *b)
{
    b->lru_next = fs->lru.lru_next;
    b->lru_prev = &fs->lru;
    fs->lru.lru_next->lru_prev = b;
    fs->lru.lru_next = b;
}

int cache_init(struct fs *fs, uint32_t nblocks)
{
    fs->ncache = nblocks;
    fs->nhash = nblocks * 2 + 1;
    fs->bufs = calloc(nblocks, sizeof(*fs->bufs));
    fs->hash = calloc(fs->nhash, sizeof(*fs->hash));
    fs->cache_mem = malloc((size_t)nblocks * FS_BLOCK_SIZE);
    if (!fs->bufs || !fs->hash || !fs->cache_mem)
        return -ENOMEM;
    fs->lru.lru_next = fs->lru.lru_prev = &fs->lru;
    for (uint32_t i = 0; i < nblocks; i++) {
        fs->bufs[i].data = fs->cache_mem + (size_t)i * FS_BLOCK_SIZE;
        fs->bufs[i].block = UINT64_MAX;
        lru_push_front(fs, &fs->bufs[i]);
    }
    return 0;
}

void cache_free(struct fs *fs)
{
    free(fs->bufs);
    free(fs->hash);
    free(fs->cache_mem);
    fs->bufs = NULL;
    fs->hash = NULL;
    fs->cache_mem = NULL;
}

static void hash_remove(struct fs *fs, struct fs_buf *b)
{
    if (b->block == UINT64_MAX)
        return;
    struct fs_buf **pp = &fs->hash[hash_of(fs, b->block)];
    while (*pp && *pp != b)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = b->hash_next;
    b->hash_next = NULL;
}

bool cache_holds(const struct fs *fs, uint64_t block)
{
    const struct fs_buf *b = fs->hash[hash_of(fs, block)];
    while (b && b->block != block)
        b = b->hash_next;
    return b != NULL;
}

int buf_get(struct fs *fs, uint64_t block, bool fill, struct fs_buf **out)
{
    if (block >= fs->sb.nblocks && fs->sb.nblocks)
        return -FS_ECORRUPT;
    uint32_t h = hash_of(fs, block);
    struct fs_buf *b = fs->hash[h];
    while (b && b->block != block)
        b = b->hash_next;
    if (!b) {
        /* The least recently used buffer nobody holds and no transaction pins. */
        for (b = fs->lru.lru_prev; b != &fs->lru; b = b->lru_prev)
            if (b->refs == 0 && !b->in_txn)
                break;
        if (b == &fs->lru)
            return -ENOMEM; /* reservations keep this from happening */
        hash_remove(fs, b);
        b->block = block;
        b->valid = false;
        b->hash_next = fs->hash[h];
        fs->hash[h] = b;
    }
    if (!b->valid && fill) {
        int rc = fs->dev.read(fs->dev.ctx, block, 1, b->data);
        if (rc < 0)
            return rc;
        b->valid = true;
    } else if (!b->valid) {
        memset(b->data, 0, FS_BLOCK_SIZE);
        b->valid = true;
    }
    b->refs++;
    lru_unlink(b);
    lru_push_front(fs, b);
    *out = b;
    return 0;
}

void buf_put(struct fs *fs, struct fs_buf *b)
{
    (void)fs;
    if (b && b->refs)
        b->refs--;
}

void buf_dirty(struct fs *fs, struct fs_buf *b)
{
    if (b->in_txn)
        return;
    /* txn_begin reserved the room; a miscount shows up here rather than as a lost change. */
    if (fs->txn_count >= fs->txn_cap) {
        if (!fs->failed)
            fs->failed = -EIO;
        FS_SAY(fs, "internal: transaction overflow at block %llu", (unsigned long long)b->block);
        return;
    }
    b->in_txn = true;
    fs->txn[fs->txn_count++] = b;
}

void cache_drop_txn(struct fs *fs)
{
    for (uint32_t i = 0; i < fs->txn_count; i++) {
        struct fs_buf *b = fs->txn[i];
        b->in_txn = false;
        b->valid = false;
        hash_remove(fs, b);
        b->block = UINT64_MAX;
    }
    fs->txn_count = 0;
}
