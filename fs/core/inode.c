/* Inodes: 128 bytes each, checksummed, in the inode table. A file's blocks are reached through
 * 12 direct pointers, one indirect block (1024 pointers) and one double-indirect block (1024
 * indirect blocks): 4 GiB and 48 KiB at most. A pointer 0 is a hole, which reads as zeros. */
#include "internal.h"

static const uint8_t zero_inode[FS_INODE_SIZE];

uint64_t inode_now(struct fs *fs)
{
    return fs->clock ? fs->clock(fs->clock_ctx) : ++fs->tick;
}

bool inode_checksum_ok(const struct fs_dinode *ip, uint32_t ino)
{
    if (!memcmp(ip, zero_inode, FS_INODE_SIZE))
        return true; /* never used since format */
    return ip->checksum == fs_crc32c(ino, ip, offsetof(struct fs_dinode, checksum));
}

void inode_seal(struct fs_dinode *ip, uint32_t ino)
{
    ip->checksum = fs_crc32c(ino, ip, offsetof(struct fs_dinode, checksum));
}

static int inode_buf(struct fs *fs, uint32_t ino, struct fs_buf **b)
{
    if (ino == 0 || ino >= fs->sb.ninodes)
        return -FS_ECORRUPT;
    return buf_get(fs, fs->sb.inode_start + ino / FS_INODES_PER_BLOCK, true, b);
}

int inode_read(struct fs *fs, uint32_t ino, struct fs_dinode *out)
{
    struct fs_buf *b;
    int rc = inode_buf(fs, ino, &b);
    if (rc < 0)
        return rc;
    memcpy(out, b->data + (ino % FS_INODES_PER_BLOCK) * FS_INODE_SIZE, FS_INODE_SIZE);
    buf_put(fs, b);
    if (!inode_checksum_ok(out, ino)) {
        FS_SAY(fs, "inode %u: checksum mismatch", ino);
        return -FS_ECORRUPT;
    }
    uint16_t type = out->mode & FS_S_IFMT;
    if (out->mode && type != FS_S_IFDIR && type != FS_S_IFREG) {
        FS_SAY(fs, "inode %u: unknown type 0%o", ino, out->mode);
        return -FS_ECORRUPT;
    }
    return 0;
}

int inode_write(struct fs *fs, uint32_t ino, struct fs_dinode *ip)
{
    struct fs_buf *b;
    int rc = inode_buf(fs, ino, &b);
    if (rc < 0)
        return rc;
    if (ip->mode)
        inode_seal(ip, ino);
    else
        memset(ip, 0, sizeof(*ip));
    memcpy(b->data + (ino % FS_INODES_PER_BLOCK) * FS_INODE_SIZE, ip, FS_INODE_SIZE);
    buf_dirty(fs, b);
    buf_put(fs, b);
    return 0;
}

/* Slot `index` of index block `*slot_block`, allocating the index block (when alloc) and the
 * target. *slot_block is a pointer held in the inode or in a parent index block. */
static int index_step(struct fs *fs, uint32_t *slot_block, bool *slot_changed, uint32_t index,
                      bool alloc, uint32_t *out)
{
    if (*slot_block == 0) {
        if (!alloc) {
            *out = 0;
            return 0;
        }
        int rc = balloc(fs, slot_block);
        if (rc < 0)
            return rc;
        *slot_changed = true;
    }
    if (!block_is_data(&fs->sb, *slot_block))
        return -FS_ECORRUPT;
    struct fs_buf *b;
    int rc = buf_get(fs, *slot_block, true, &b);
    if (rc < 0)
        return rc;
    uint32_t *ptrs = (uint32_t *)b->data;
    uint32_t target = ptrs[index];
    if (target == 0 && alloc) {
        rc = balloc(fs, &target);
        if (rc == 0) {
            ptrs[index] = target;
            buf_dirty(fs, b);
        }
    }
    buf_put(fs, b);
    if (rc < 0)
        return rc;
    if (target && !block_is_data(&fs->sb, target))
        return -FS_ECORRUPT;
    *out = target;
    return 0;
}

int inode_bmap(struct fs *fs, struct fs_dinode *ip, uint64_t fbn, bool alloc, uint32_t *out)
{
    bool changed = false;
    if (fbn < FS_NDIRECT) {
        if (ip->direct[fbn] == 0 && alloc) {
            int rc = balloc(fs, &ip->direct[fbn]);
            if (rc < 0)
                return rc;
        }
        if (ip->direct[fbn] && !block_is_data(&fs->sb, ip->direct[fbn]))
            return -FS_ECORRUPT;
        *out = ip->direct[fbn];
        return 0;
    }
    fbn -= FS_NDIRECT;
    if (fbn < FS_PTRS_PER_BLOCK)
        return index_step(fs, &ip->indirect, &changed, (uint32_t)fbn, alloc, out);
    fbn -= FS_PTRS_PER_BLOCK;
    if (fbn >= (uint64_t)FS_PTRS_PER_BLOCK * FS_PTRS_PER_BLOCK)
        return -EFBIG;
    uint32_t mid;
    int rc =
        index_step(fs, &ip->dindirect, &changed, (uint32_t)(fbn / FS_PTRS_PER_BLOCK), alloc, &mid);
    if (rc < 0 || mid == 0) {
        *out = 0;
        return rc;
    }
    return index_step(fs, &mid, &changed, (uint32_t)(fbn % FS_PTRS_PER_BLOCK), alloc, out);
}

/* Free the blocks an index block `*blk` maps for file blocks >= keep (relative to it), and the
 * index block itself when none remain. depth 1: pointers to data; 2: pointers to index blocks. */
static int free_index(struct fs *fs, uint32_t *blk, int depth, uint64_t keep)
{
    if (*blk == 0)
        return 0;
    if (!block_is_data(&fs->sb, *blk))
        return -FS_ECORRUPT;
    uint64_t span = depth == 1 ? 1 : FS_PTRS_PER_BLOCK;
    struct fs_buf *b;
    int rc = buf_get(fs, *blk, true, &b);
    if (rc < 0)
        return rc;
    uint32_t *ptrs = (uint32_t *)b->data;
    bool changed = false;
    for (uint32_t i = 0; i < FS_PTRS_PER_BLOCK && rc == 0; i++) {
        uint64_t first = i * span;
        if (ptrs[i] == 0 || first + span <= keep)
            continue;
        if (depth == 2) {
            uint64_t sub_keep = keep > first ? keep - first : 0;
            uint32_t p = ptrs[i];
            rc = free_index(fs, &p, 1, sub_keep);
            if (p != ptrs[i]) {
                ptrs[i] = p;
                changed = true;
            }
        } else {
            rc = bfree(fs, ptrs[i]);
            ptrs[i] = 0;
            changed = true;
        }
    }
    if (changed)
        buf_dirty(fs, b);
    buf_put(fs, b);
    if (rc == 0 && keep == 0) {
        rc = bfree(fs, *blk);
        *blk = 0;
    }
    return rc;
}

int inode_shrink(struct fs *fs, struct fs_dinode *ip, uint64_t size)
{
    uint64_t keep = (size + FS_BLOCK_SIZE - 1) / FS_BLOCK_SIZE;
    int rc = 0;
    for (uint32_t i = 0; i < FS_NDIRECT && rc == 0; i++) {
        if (i >= keep && ip->direct[i]) {
            rc = bfree(fs, ip->direct[i]);
            ip->direct[i] = 0;
        }
    }
    uint64_t rel = keep > FS_NDIRECT ? keep - FS_NDIRECT : 0;
    if (rc == 0)
        rc = free_index(fs, &ip->indirect, 1, rel);
    rel = rel > FS_PTRS_PER_BLOCK ? rel - FS_PTRS_PER_BLOCK : 0;
    if (rc == 0)
        rc = free_index(fs, &ip->dindirect, 2, rel);
    /* Bytes past the end of the last block must read as zeros if the file grows again. */
    if (rc == 0 && size % FS_BLOCK_SIZE && size < ip->size) {
        uint32_t blk;
        rc = inode_bmap(fs, ip, size / FS_BLOCK_SIZE, false, &blk);
        if (rc == 0 && blk) {
            struct fs_buf *b;
            rc = buf_get(fs, blk, true, &b);
            if (rc == 0) {
                memset(b->data + size % FS_BLOCK_SIZE, 0, FS_BLOCK_SIZE - size % FS_BLOCK_SIZE);
                buf_dirty(fs, b);
                buf_put(fs, b);
            }
        }
    }
    if (rc == 0)
        ip->size = size < ip->size ? size : ip->size;
    return rc;
}

/* Nonzero pointers of index block `blk`; depth 2 counts the blocks its children map too. */
static int count_index(struct fs *fs, uint32_t blk, int depth, uint64_t *count)
{
    if (!block_is_data(&fs->sb, blk))
        return -FS_ECORRUPT;
    struct fs_buf *b;
    int rc = buf_get(fs, blk, true, &b);
    if (rc < 0)
        return rc;
    uint32_t children[FS_PTRS_PER_BLOCK];
    memcpy(children, b->data, sizeof(children));
    buf_put(fs, b);
    *count += 1;
    for (uint32_t i = 0; i < FS_PTRS_PER_BLOCK && rc == 0; i++) {
        if (!children[i])
            continue;
        if (depth == 2)
            rc = count_index(fs, children[i], 1, count);
        else
            *count += 1;
    }
    return rc;
}

int inode_count_blocks(struct fs *fs, const struct fs_dinode *ip, uint64_t *count)
{
    *count = 0;
    for (uint32_t i = 0; i < FS_NDIRECT; i++)
        *count += ip->direct[i] != 0;
    int rc = ip->indirect ? count_index(fs, ip->indirect, 1, count) : 0;
    if (rc == 0 && ip->dindirect)
        rc = count_index(fs, ip->dindirect, 2, count);
    return rc;
}

bool inode_is_open(const struct fs *fs, uint32_t ino)
{
    for (uint32_t i = 0; i < fs->max_open; i++)
        if (fs->open[i].ino == ino)
            return true;
    return false;
}

static int inode_free(struct fs *fs, uint32_t ino, struct fs_dinode *ip)
{
    int rc = inode_shrink(fs, ip, 0);
    if (rc == 0) {
        memset(ip, 0, sizeof(*ip));
        rc = inode_write(fs, ino, ip);
    }
    if (rc == 0)
        rc = ifree_bit(fs, ino);
    return rc;
}

int inode_unlink(struct fs *fs, uint32_t ino, struct fs_dinode *ip)
{
    bool dir = (ip->mode & FS_S_IFMT) == FS_S_IFDIR;
    if (ip->nlink == 0)
        return -FS_ECORRUPT;
    ip->nlink = dir ? 0 : ip->nlink - 1;
    ip->ctime = inode_now(fs);
    if (ip->nlink > 0)
        return inode_write(fs, ino, ip);
    if (inode_is_open(fs, ino)) {
        /* Still open: freed at the last close, or at the next mount after a crash. */
        fs->sb.orphans++;
        int rc = super_write(fs);
        return rc ? rc : inode_write(fs, ino, ip);
    }
    return inode_free(fs, ino, ip);
}

int inode_release(struct fs *fs, uint32_t ino)
{
    struct fs_dinode ip;
    int rc = inode_read(fs, ino, &ip);
    if (rc < 0 || ip.mode == 0 || ip.nlink != 0)
        return rc;
    rc = inode_free(fs, ino, &ip);
    if (rc == 0 && fs->sb.orphans > 0) {
        fs->sb.orphans--;
        rc = super_write(fs);
    }
    return rc;
}
