/* Directories: files of whole blocks, each block FS_DIRENTS_PER_BLOCK fixed 64-byte entries and
 * a tail naming the directory with a CRC-32C, so a damaged or misplaced block is noticed. Every
 * directory holds "." and ".." in its first two entries. Directories have no holes. */
#include "internal.h"

static struct fs_dirtail *tail_of(uint8_t *data)
{
    return (struct fs_dirtail *)(data + FS_DIRENTS_PER_BLOCK * FS_DIRENT_SIZE);
}

void dir_block_seal(uint8_t *data, uint32_t dir_ino)
{
    struct fs_dirtail *t = tail_of(data);
    t->magic = FS_DIRBLOCK_MAGIC;
    t->dir_ino = dir_ino;
    t->checksum = fs_crc32c(0, data, FS_BLOCK_SIZE - 4);
}

void dir_block_init(uint8_t *data, uint32_t dir_ino)
{
    memset(data, 0, FS_BLOCK_SIZE);
    dir_block_seal(data, dir_ino);
}

bool dir_block_ok(const uint8_t *data, uint32_t dir_ino)
{
    const struct fs_dirtail *t = tail_of((uint8_t *)data);
    if (t->magic != FS_DIRBLOCK_MAGIC || t->dir_ino != dir_ino ||
        t->checksum != fs_crc32c(0, data, FS_BLOCK_SIZE - 4))
        return false;
    const struct fs_ddirent *e = (const struct fs_ddirent *)data;
    for (uint32_t i = 0; i < FS_DIRENTS_PER_BLOCK; i++)
        if (e[i].ino && (e[i].name_len == 0 || e[i].name_len > FS_NAME_MAX))
            return false;
    return true;
}

/* Hold directory block `index` of dp, checked. */
static int dir_block(struct fs *fs, uint32_t dir, struct fs_dinode *dp, uint64_t index,
                     struct fs_buf **out)
{
    uint32_t blk;
    int rc = inode_bmap(fs, dp, index, false, &blk);
    if (rc < 0)
        return rc;
    if (blk == 0) {
        FS_SAY(fs, "directory %u: hole at block %llu", dir, (unsigned long long)index);
        return -FS_ECORRUPT;
    }
    rc = buf_get(fs, blk, true, out);
    if (rc < 0)
        return rc;
    if (!dir_block_ok((*out)->data, dir)) {
        buf_put(fs, *out);
        FS_SAY(fs, "directory %u: block %u is damaged", dir, blk);
        return -FS_ECORRUPT;
    }
    return 0;
}

static uint64_t dir_nblocks(const struct fs_dinode *dp)
{
    return dp->size / FS_BLOCK_SIZE;
}

/* Walks dp's entries in slot order until `match` accepts one: 1 and *slot when it does, 0 when
 * none does, or an error. The one loop behind lookup, free-slot search and the emptiness test. */
static int dir_scan(struct fs *fs, uint32_t dir, struct fs_dinode *dp,
                    bool (*match)(const struct fs_ddirent *e, const void *ctx), const void *ctx,
                    uint64_t *slot, struct fs_ddirent *found)
{
    for (uint64_t i = 0; i < dir_nblocks(dp); i++) {
        struct fs_buf *b;
        int rc = dir_block(fs, dir, dp, i, &b);
        if (rc < 0)
            return rc;
        const struct fs_ddirent *e = (const struct fs_ddirent *)b->data;
        for (uint32_t k = 0; k < FS_DIRENTS_PER_BLOCK; k++) {
            if (match(&e[k], ctx)) {
                *slot = i * FS_DIRENTS_PER_BLOCK + k;
                if (found)
                    *found = e[k];
                buf_put(fs, b);
                return 1;
            }
        }
        buf_put(fs, b);
    }
    return 0;
}

struct name_key {
    const char *name;
    size_t len;
};

static bool entry_named(const struct fs_ddirent *e, const void *ctx)
{
    const struct name_key *key = ctx;
    return e->ino && e->name_len == key->len && !memcmp(e->name, key->name, key->len);
}

static bool entry_free(const struct fs_ddirent *e, const void *ctx)
{
    (void)ctx;
    return e->ino == 0;
}

static bool entry_other_than_dots(const struct fs_ddirent *e, const void *ctx)
{
    (void)ctx;
    return e->ino && !name_is_dot(e->name, e->name_len);
}

int dir_lookup(struct fs *fs, uint32_t dir, struct fs_dinode *dp, const char *name, size_t len,
               uint32_t *ino, uint64_t *slot)
{
    struct name_key key = {name, len};
    struct fs_ddirent e;
    uint64_t where;
    int rc = dir_scan(fs, dir, dp, entry_named, &key, &where, &e);
    if (rc <= 0)
        return rc < 0 ? rc : -ENOENT;
    *ino = e.ino;
    if (slot)
        *slot = where;
    return 0;
}

int dir_entry(struct fs *fs, uint32_t dir, struct fs_dinode *dp, uint64_t slot,
              struct fs_ddirent *out)
{
    struct fs_buf *b;
    int rc = dir_block(fs, dir, dp, slot / FS_DIRENTS_PER_BLOCK, &b);
    if (rc < 0)
        return rc;
    *out = ((const struct fs_ddirent *)b->data)[slot % FS_DIRENTS_PER_BLOCK];
    buf_put(fs, b);
    return 0;
}

static int dir_write_entry(struct fs *fs, uint32_t dir, struct fs_dinode *dp, uint64_t slot,
                           const struct fs_ddirent *ent)
{
    struct fs_buf *b;
    int rc = dir_block(fs, dir, dp, slot / FS_DIRENTS_PER_BLOCK, &b);
    if (rc < 0)
        return rc;
    ((struct fs_ddirent *)b->data)[slot % FS_DIRENTS_PER_BLOCK] = *ent;
    dir_block_seal(b->data, dir);
    buf_dirty(fs, b);
    buf_put(fs, b);
    return 0;
}

int dir_set(struct fs *fs, uint32_t dir, struct fs_dinode *dp, uint64_t slot, uint32_t ino)
{
    struct fs_ddirent ent;
    int rc = dir_entry(fs, dir, dp, slot, &ent);
    if (rc < 0)
        return rc;
    if (ino == 0)
        memset(&ent, 0, sizeof(ent));
    else
        ent.ino = ino;
    return dir_write_entry(fs, dir, dp, slot, &ent);
}

/* The first free slot, or UINT64_MAX when every block is full. */
static int dir_free_slot(struct fs *fs, uint32_t dir, struct fs_dinode *dp, uint64_t *slot)
{
    int rc = dir_scan(fs, dir, dp, entry_free, NULL, slot, NULL);
    if (rc == 0)
        *slot = UINT64_MAX;
    return rc < 0 ? rc : 0;
}

int dir_blocks_needed(struct fs *fs, uint32_t dir, struct fs_dinode *dp)
{
    uint64_t slot;
    int rc = dir_free_slot(fs, dir, dp, &slot);
    if (rc < 0)
        return rc;
    return slot == UINT64_MAX ? 3 : 0; /* a block, and at most two index blocks */
}

int dir_add(struct fs *fs, uint32_t dir, struct fs_dinode *dp, const char *name, size_t len,
            uint32_t ino)
{
    uint64_t slot;
    int rc = dir_free_slot(fs, dir, dp, &slot);
    if (rc < 0)
        return rc;
    if (slot == UINT64_MAX) {
        uint64_t index = dir_nblocks(dp);
        uint32_t blk;
        rc = inode_bmap(fs, dp, index, true, &blk);
        if (rc < 0)
            return rc;
        struct fs_buf *b;
        rc = buf_get(fs, blk, true, &b);
        if (rc < 0)
            return rc;
        dir_block_init(b->data, dir);
        buf_dirty(fs, b);
        buf_put(fs, b);
        dp->size += FS_BLOCK_SIZE;
        slot = index * FS_DIRENTS_PER_BLOCK;
    }
    struct fs_ddirent ent = {.ino = ino, .name_len = (uint8_t)len};
    memcpy(ent.name, name, len);
    rc = dir_write_entry(fs, dir, dp, slot, &ent);
    if (rc == 0) {
        dp->mtime = dp->ctime = inode_now(fs);
        rc = inode_write(fs, dir, dp);
    }
    return rc;
}

int dir_is_empty(struct fs *fs, uint32_t dir, struct fs_dinode *dp)
{
    uint64_t slot;
    int rc = dir_scan(fs, dir, dp, entry_other_than_dots, NULL, &slot, NULL);
    return rc < 0 ? rc : !rc;
}
