/* The write-ahead log: a physical redo log in the spirit of xv6's, with group commit.
 *
 * Every block an operation changes joins the running transaction and stays pinned in the cache.
 * A commit writes the changed blocks into the log area, then the header that lists their home
 * addresses with a CRC-32C over the header and every logged block, then flushes: that flush is
 * the commit point. Only then are the blocks written home and flushed again, and the header is
 * cleared. A crash before the commit point leaves a header whose checksum does not match (or the
 * previous, already installed one), so replay ignores it; a crash after it replays the log,
 * which is idempotent. See docs/storage.md for the full argument. */
#include "internal.h"

uint32_t res_free(const struct fs *fs)
{
    return FS_RES_META + fs->sb.block_bitmap_blocks + 8;
}

int txn_begin(struct fs *fs, uint32_t blocks)
{
    if (fs->failed)
        return -EIO;
    if (fs->read_only)
        return -EROFS;
    if (blocks > fs->txn_cap)
        return -EINVAL;
    if (fs->txn_count + blocks > fs->txn_cap)
        return txn_commit(fs);
    return 0;
}

static int fail(struct fs *fs, int rc)
{
    if (!fs->failed) {
        FS_SAY(fs, "commit failed (%s): the file system is read-only until remounted",
               fs_strerror(rc));
        fs->failed = rc;
    }
    return rc;
}

int txn_commit(struct fs *fs)
{
    if (fs->failed)
        return -EIO;
    if (fs->txn_count == 0)
        return 0;
    struct fs_log_header *h = (struct fs_log_header *)fs->log_block;
    const struct fs_blockdev *dev = &fs->dev;
    memset(h, 0, FS_BLOCK_SIZE);
    h->magic = FS_LOG_MAGIC;
    h->count = fs->txn_count;
    h->sequence = ++fs->log_sequence;
    h->uuid = fs->sb.uuid;
    for (uint32_t i = 0; i < fs->txn_count; i++)
        h->home[i] = (uint32_t)fs->txn[i]->block;
    uint32_t crc = fs_crc32c(0, h, FS_BLOCK_SIZE);
    int rc = 0;
    for (uint32_t i = 0; i < fs->txn_count && !rc; i++) {
        crc = fs_crc32c(crc, fs->txn[i]->data, FS_BLOCK_SIZE);
        rc = dev->write(dev->ctx, fs->sb.log_start + 1 + i, 1, fs->txn[i]->data);
    }
    h->checksum = crc;
    if (!rc)
        rc = dev->write(dev->ctx, fs->sb.log_start, 1, h);
    if (!rc)
        rc = dev->flush(dev->ctx); /* the commit point */
    for (uint32_t i = 0; i < fs->txn_count && !rc; i++)
        rc = dev->write(dev->ctx, fs->txn[i]->block, 1, fs->txn[i]->data);
    if (!rc)
        rc = dev->flush(dev->ctx);
    if (rc)
        return fail(fs, rc);
    for (uint32_t i = 0; i < fs->txn_count; i++)
        fs->txn[i]->in_txn = false;
    fs->txn_count = 0;
    /* Clearing the header needs no flush of its own: until it is durable, replay re-installs
     * blocks that are already home, and the next commit's flush carries it. */
    memset(h, 0, FS_BLOCK_SIZE);
    h->magic = FS_LOG_MAGIC;
    h->sequence = fs->log_sequence;
    h->uuid = fs->sb.uuid;
    h->checksum = fs_crc32c(0, h, FS_BLOCK_SIZE);
    rc = dev->write(dev->ctx, fs->sb.log_start, 1, h);
    return rc ? fail(fs, rc) : 0;
}

int txn_end(struct fs *fs, int result, bool changed)
{
    if (result < 0 && changed && !fs->failed) {
        /* The operation stopped half-way: its changes must never reach the device. The whole
         * running transaction goes, as if the machine had stopped at the last commit. */
        FS_SAY(fs, "operation failed half-way (%s): uncommitted changes dropped, read-only",
               fs_strerror(result));
        cache_drop_txn(fs);
        fs->failed = result;
    }
    return result;
}

int log_header_check(const struct fs_blockdev *dev, const struct fs_superblock *sb,
                     const struct fs_log_header *hdr, uint8_t *scratch)
{
    if (hdr->magic != FS_LOG_MAGIC)
        return -FS_ECORRUPT;
    if (hdr->count == 0)
        return 0;
    if (hdr->count > sb->log_blocks - 1 || hdr->uuid != sb->uuid)
        return 0; /* not a header of this image's: nothing committed */
    struct fs_log_header copy;
    memcpy(&copy, hdr, sizeof(copy));
    copy.checksum = 0;
    uint32_t crc = fs_crc32c(0, &copy, sizeof(copy));
    static const uint8_t zeros[FS_BLOCK_SIZE - sizeof(struct fs_log_header)];
    crc = fs_crc32c(crc, zeros, sizeof(zeros));
    for (uint32_t i = 0; i < hdr->count; i++) {
        int rc = dev->read(dev->ctx, sb->log_start + 1 + i, 1, scratch);
        if (rc < 0)
            return rc;
        crc = fs_crc32c(crc, scratch, FS_BLOCK_SIZE);
    }
    if (crc != hdr->checksum)
        return 0; /* a commit cut short: it never happened */
    for (uint32_t i = 0; i < hdr->count; i++)
        if (hdr->home[i] >= sb->nblocks ||
            (hdr->home[i] >= sb->log_start && hdr->home[i] < sb->log_start + sb->log_blocks))
            return -FS_ECORRUPT;
    return 1;
}

int log_replay(struct fs *fs)
{
    const struct fs_blockdev *dev = &fs->dev;
    struct fs_log_header *h = (struct fs_log_header *)fs->log_block;
    uint8_t *scratch = fs->bufs[0].data; /* the cache is still empty */
    int rc = dev->read(dev->ctx, fs->sb.log_start, 1, h);
    if (rc < 0)
        return rc;
    rc = log_header_check(dev, &fs->sb, h, scratch);
    if (rc == -FS_ECORRUPT) {
        FS_SAY(fs, "log: the header is damaged (bad magic or a home address out of range)");
        return rc;
    }
    if (rc < 0)
        return rc;
    fs->log_sequence = h->sequence;
    if (rc == 0)
        return 0;
    if (fs->read_only) {
        FS_SAY(fs, "log: a committed transaction must be replayed; mount read-write once");
        return -EROFS;
    }
    rc = 0;
    for (uint32_t i = 0; i < h->count && !rc; i++) {
        rc = dev->read(dev->ctx, fs->sb.log_start + 1 + i, 1, scratch);
        if (!rc)
            rc = dev->write(dev->ctx, h->home[i], 1, scratch);
    }
    if (!rc)
        rc = dev->flush(dev->ctx);
    if (rc)
        return rc;
    FS_SAY(fs, "log: replayed a committed transaction of %u blocks", h->count);
    h->count = 0;
    h->checksum = 0;
    memset(h->home, 0, sizeof(h->home));
    h->checksum = fs_crc32c(0, h, FS_BLOCK_SIZE);
    rc = dev->write(dev->ctx, fs->sb.log_start, 1, h);
    if (!rc)
        rc = dev->flush(dev->ctx);
    return rc;
}
