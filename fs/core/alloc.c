/* Allocation: one bitmap for inodes, one for blocks. Bits change only inside a transaction, so a
 * crash never leaves a block both free and in use. Free counts live in memory, counted at mount. */
#include "internal.h"

bool block_is_data(const struct fs_superblock *sb, uint64_t block)
{
    return block >= sb->data_start && block < sb->nblocks;
}

/* Find a clear bit at or after `hint` (wrapping) in a bitmap of `bits` bits, set it. */
static int bitmap_take(struct fs *fs, uint32_t start, uint64_t bits, uint32_t hint, uint32_t *out)
{
    uint32_t nblocks = (uint32_t)((bits + FS_BITS_PER_BLOCK - 1) / FS_BITS_PER_BLOCK);
    uint32_t first = (uint32_t)(hint / FS_BITS_PER_BLOCK) % nblocks;
    for (uint32_t n = 0; n <= nblocks; n++) {
        uint32_t mb = (first + n) % nblocks;
        struct fs_buf *b;
        int rc = buf_get(fs, start + mb, true, &b);
        if (rc < 0)
            return rc;
        uint32_t from = (n == 0) ? hint % FS_BITS_PER_BLOCK / 8 : 0;
        for (uint32_t byte = from; byte < FS_BLOCK_SIZE; byte++) {
            if (b->data[byte] == 0xff)
                continue;
            for (uint32_t bit = 0; bit < 8; bit++) {
                uint64_t index = (uint64_t)mb * FS_BITS_PER_BLOCK + byte * 8 + bit;
                if (b->data[byte] & (1u << bit) || index >= bits)
                    continue;
                b->data[byte] |= (uint8_t)(1u << bit);
                buf_dirty(fs, b);
                buf_put(fs, b);
                *out = (uint32_t)index;
                return 0;
            }
        }
        buf_put(fs, b);
    }
    return -ENOSPC;
}

static int bitmap_clear(struct fs *fs, uint32_t start, uint32_t index)
{
    struct fs_buf *b;
    int rc = buf_get(fs, start + index / FS_BITS_PER_BLOCK, true, &b);
    if (rc < 0)
        return rc;
    uint32_t byte = index % FS_BITS_PER_BLOCK / 8, mask = 1u << (index % 8);
    if (!(b->data[byte] & mask)) {
        buf_put(fs, b);
        FS_SAY(fs, "bitmap: freeing %u, which is already free", index);
        return -FS_ECORRUPT;
    }
    b->data[byte] &= (uint8_t)~mask;
    buf_dirty(fs, b);
    buf_put(fs, b);
    return 0;
}

int balloc(struct fs *fs, uint32_t *out)
{
    if (fs->free_blocks == 0)
        return -ENOSPC;
    uint32_t block;
    int rc = bitmap_take(fs, fs->sb.block_bitmap_start, fs->sb.nblocks, fs->block_hint, &block);
    if (rc < 0)
        return rc == -ENOSPC ? -FS_ECORRUPT : rc; /* the count said there was room */
    if (!block_is_data(&fs->sb, block)) {
        FS_SAY(fs, "bitmap: metadata block %u was marked free", block);
        return -FS_ECORRUPT;
    }
    fs->free_blocks--;
    fs->block_hint = block + 1;
    struct fs_buf *b;
    rc = buf_get(fs, block, false, &b);
    if (rc < 0)
        return rc;
    memset(b->data, 0, FS_BLOCK_SIZE);
    buf_dirty(fs, b);
    buf_put(fs, b);
    *out = block;
    return 0;
}

int bfree(struct fs *fs, uint32_t block)
{
    if (!block_is_data(&fs->sb, block))
        return -FS_ECORRUPT;
    int rc = bitmap_clear(fs, fs->sb.block_bitmap_start, block);
    if (rc == 0)
        fs->free_blocks++;
    return rc;
}

int ialloc(struct fs *fs, uint32_t *out)
{
    if (fs->free_inodes == 0)
        return -ENOSPC;
    uint32_t ino;
    int rc = bitmap_take(fs, fs->sb.inode_bitmap_start, fs->sb.ninodes, fs->inode_hint, &ino);
    if (rc < 0)
        return rc == -ENOSPC ? -FS_ECORRUPT : rc;
    if (ino == 0)
        return -FS_ECORRUPT;
    fs->free_inodes--;
    fs->inode_hint = ino + 1;
    *out = ino;
    return 0;
}

int ifree_bit(struct fs *fs, uint32_t ino)
{
    int rc = bitmap_clear(fs, fs->sb.inode_bitmap_start, ino);
    if (rc == 0)
        fs->free_inodes++;
    return rc;
}

static int count_clear(struct fs *fs, uint32_t start, uint64_t bits, uint64_t *out)
{
    uint64_t clear = 0;
    uint32_t nblocks = (uint32_t)((bits + FS_BITS_PER_BLOCK - 1) / FS_BITS_PER_BLOCK);
    for (uint32_t mb = 0; mb < nblocks; mb++) {
        struct fs_buf *b;
        int rc = buf_get(fs, start + mb, true, &b);
        if (rc < 0)
            return rc;
        for (uint32_t bit = 0; bit < FS_BITS_PER_BLOCK; bit++) {
            uint64_t index = (uint64_t)mb * FS_BITS_PER_BLOCK + bit;
            if (index < bits && !(b->data[bit / 8] & (1u << (bit % 8))))
                clear++;
        }
        buf_put(fs, b);
    }
    *out = clear;
    return 0;
}

int bitmap_count_free(struct fs *fs)
{
    int rc = count_clear(fs, fs->sb.block_bitmap_start, fs->sb.nblocks, &fs->free_blocks);
    if (!rc)
        rc = count_clear(fs, fs->sb.inode_bitmap_start, fs->sb.ninodes, &fs->free_inodes);
    return rc;
}
