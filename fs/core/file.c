/* Open files and their data: open, close, read, write, truncate, stat, readdir, fsync. */
#include "internal.h"

static int handle_of(struct fs *fs, int h, struct fs_open_file **out)
{
    if (h < 0 || (uint32_t)h >= fs->max_open || fs->open[h].ino == 0)
        return -EBADF;
    *out = &fs->open[h];
    return 0;
}

static bool is_dir(const struct fs_dinode *ip)
{
    return (ip->mode & FS_S_IFMT) == FS_S_IFDIR;
}

static int free_handle(struct fs *fs)
{
    for (uint32_t i = 0; i < fs->max_open; i++)
        if (fs->open[i].ino == 0)
            return (int)i;
    return -EMFILE;
}

static int create(struct fs *fs, uint32_t parent, const char *name, size_t len, uint32_t mode,
                  uint32_t *ino)
{
    struct fs_dinode dp;
    int rc = inode_read(fs, parent, &dp);
    if (rc < 0)
        return rc;
    int need = dir_blocks_needed(fs, parent, &dp);
    if (need < 0)
        return need;
    if (fs->free_inodes == 0 || fs->free_blocks < (uint64_t)need)
        return -ENOSPC;
    rc = txn_begin(fs, FS_RES_META);
    if (rc < 0)
        return rc;
    rc = ialloc(fs, ino);
    if (rc == 0) {
        uint64_t now = inode_now(fs);
        struct fs_dinode ip = {.mode = (uint16_t)(FS_S_IFREG | (mode & 07777)),
                               .nlink = 1,
                               .mtime = now,
                               .ctime = now};
        rc = inode_write(fs, *ino, &ip);
    }
    if (rc == 0)
        rc = dir_add(fs, parent, &dp, name, len, *ino);
    return txn_end(fs, rc, true);
}

int fs_open(struct fs *fs, const char *path, int flags, uint32_t mode)
{
    int acc = flags & FS_O_ACCMODE;
    if (acc == FS_O_ACCMODE)
        return -EINVAL;
    int h = free_handle(fs);
    if (h < 0)
        return h;
    uint32_t parent = 0, ino = 0; /* parent stays 0 unless path_parent found it */
    char name[FS_NAME_MAX + 1];
    size_t len;
    int rc = path_parent(fs, path, &parent, name, &len);
    if (rc == -EBUSY) { /* "/" */
        rc = path_lookup(fs, path, &ino);
        parent = 0;
    } else if (rc == 0) {
        struct fs_dinode dp;
        rc = inode_read(fs, parent, &dp);
        if (rc == 0)
            rc = dir_lookup(fs, parent, &dp, name, len, &ino, NULL);
    } else {
        return rc; /* the parent is missing or not a directory */
    }
    if (rc == 0 && (flags & FS_O_CREAT) && (flags & FS_O_EXCL))
        return -EEXIST;
    if (rc == -ENOENT && (flags & FS_O_CREAT) && parent) {
        if (path[strlen(path) - 1] == '/' || name_is_dot(name, len))
            return -EISDIR;
        if (fs->read_only || fs->failed)
            return fs->failed ? -EIO : -EROFS;
        rc = create(fs, parent, name, len, mode, &ino);
    } else if (rc == 0) {
        struct fs_dinode ip;
        rc = inode_read(fs, ino, &ip);
        if (rc < 0)
            return rc;
        if (is_dir(&ip) && (acc != FS_O_RDONLY || (flags & FS_O_TRUNC)))
            return -EISDIR;
        if (!is_dir(&ip) && ((flags & FS_O_DIRECTORY) || path[strlen(path) - 1] == '/'))
            return -ENOTDIR;
        if ((acc != FS_O_RDONLY || (flags & FS_O_TRUNC)) && (fs->read_only || fs->failed))
            return fs->failed ? -EIO : -EROFS;
        if ((flags & FS_O_TRUNC) && acc != FS_O_RDONLY && ip.size > 0) {
            rc = txn_begin(fs, res_free(fs));
            if (rc < 0)
                return rc;
            rc = inode_read(fs, ino, &ip);
            if (rc == 0)
                rc = inode_shrink(fs, &ip, 0);
            if (rc == 0) {
                ip.mtime = ip.ctime = inode_now(fs);
                rc = inode_write(fs, ino, &ip);
            }
            rc = txn_end(fs, rc, true);
        }
    }
    if (rc < 0)
        return rc;
    fs->open[h] = (struct fs_open_file){.ino = ino, .flags = flags};
    return h;
}

int fs_close(struct fs *fs, int h)
{
    struct fs_open_file *f;
    int rc = handle_of(fs, h, &f);
    if (rc < 0)
        return rc;
    uint32_t ino = f->ino;
    f->ino = 0;
    if (inode_is_open(fs, ino) || fs->read_only || fs->failed)
        return 0;
    struct fs_dinode ip;
    rc = inode_read(fs, ino, &ip);
    if (rc < 0 || ip.nlink != 0)
        return rc;
    /* The last handle of a file unlinked while open. */
    rc = txn_begin(fs, res_free(fs));
    if (rc == 0)
        rc = txn_end(fs, inode_release(fs, ino), true);
    return rc;
}

int64_t fs_read(struct fs *fs, int h, void *buf, uint64_t len, uint64_t off)
{
    struct fs_open_file *f;
    int rc = handle_of(fs, h, &f);
    if (rc < 0)
        return rc;
    if ((f->flags & FS_O_ACCMODE) == FS_O_WRONLY)
        return -EBADF;
    struct fs_dinode ip;
    if ((rc = inode_read(fs, f->ino, &ip)) < 0)
        return rc;
    if (is_dir(&ip))
        return -EISDIR;
    if (off >= ip.size)
        return 0;
    if (len > ip.size - off)
        len = ip.size - off;
    uint8_t *dst = buf;
    uint64_t done = 0;
    while (done < len) {
        uint64_t pos = off + done, in = pos % FS_BLOCK_SIZE;
        uint64_t n = FS_BLOCK_SIZE - in < len - done ? FS_BLOCK_SIZE - in : len - done;
        uint32_t blk;
        if ((rc = inode_bmap(fs, &ip, pos / FS_BLOCK_SIZE, false, &blk)) < 0)
            return rc;
        if (blk == 0) {
            memset(dst + done, 0, n);
        } else if (n == FS_BLOCK_SIZE && blk < fs->sb.nblocks && !cache_holds(fs, blk)) {
            /* Whole blocks the cache does not hold are on the device as committed (commits write
             * home before they return): read them straight into the caller's buffer, a run of
             * consecutive ones at once. A server's buffer can be the client's relay segment, so
             * the device writes the client's bytes with no copy and the cache keeps metadata. */
            uint32_t run = 1, next;
            while (run < FS_DIRECT_READ && len - done >= (uint64_t)(run + 1) * FS_BLOCK_SIZE) {
                if ((rc = inode_bmap(fs, &ip, pos / FS_BLOCK_SIZE + run, false, &next)) < 0)
                    return rc;
                if (next != blk + run || next >= fs->sb.nblocks || cache_holds(fs, next))
                    break;
                run++;
            }
            if ((rc = fs->dev.read(fs->dev.ctx, blk, run, dst + done)) < 0)
                return rc;
            n = (uint64_t)run * FS_BLOCK_SIZE;
        } else {
            struct fs_buf *b;
            if ((rc = buf_get(fs, blk, true, &b)) < 0)
                return rc;
            memcpy(dst + done, b->data + in, n);
            buf_put(fs, b);
        }
        done += n;
    }
    return (int64_t)done;
}

/* One transaction's worth of a write: at most FS_WRITE_CHUNK blocks. */
static int64_t write_chunk(struct fs *fs, uint32_t ino, const uint8_t *src, uint64_t len,
                           uint64_t off, bool append, bool *full)
{
    int rc = txn_begin(fs, FS_RES_WRITE);
    if (rc < 0)
        return rc;
    struct fs_dinode ip;
    if ((rc = inode_read(fs, ino, &ip)) < 0)
        return rc;
    if (append)
        off = ip.size;
    const uint64_t max = (uint64_t)FS_MAX_FILE_BLOCKS * FS_BLOCK_SIZE;
    if (off >= max)
        return -EFBIG;
    if (len > max - off)
        len = max - off;
    uint64_t first = off / FS_BLOCK_SIZE;
    uint64_t last = (off + len - 1) / FS_BLOCK_SIZE;
    if (last >= first + FS_WRITE_CHUNK)
        len = (first + FS_WRITE_CHUNK) * FS_BLOCK_SIZE - off;
    uint64_t done = 0;
    while (done < len) {
        uint64_t pos = off + done, in = pos % FS_BLOCK_SIZE;
        uint64_t n = FS_BLOCK_SIZE - in < len - done ? FS_BLOCK_SIZE - in : len - done;
        uint32_t blk;
        rc = inode_bmap(fs, &ip, pos / FS_BLOCK_SIZE, true, &blk);
        struct fs_buf *b = NULL;
        if (rc == 0)
            rc = buf_get(fs, blk, n != FS_BLOCK_SIZE, &b);
        if (rc < 0)
            break;
        memcpy(b->data + in, src + done, n);
        buf_dirty(fs, b);
        buf_put(fs, b);
        done += n;
    }
    /* The inode is written even after ENOSPC: index blocks it gained are in the transaction. */
    if (rc == 0 || rc == -ENOSPC) {
        if (off + done > ip.size)
            ip.size = off + done;
        ip.mtime = ip.ctime = inode_now(fs);
        int wrc = inode_write(fs, ino, &ip);
        rc = wrc ? wrc : rc;
    }
    if (rc == -ENOSPC) {
        *full = true;
        return done ? (int64_t)done : -ENOSPC;
    }
    rc = txn_end(fs, rc, true);
    return rc < 0 ? rc : (int64_t)done;
}

int64_t fs_write(struct fs *fs, int h, const void *buf, uint64_t len, uint64_t off)
{
    struct fs_open_file *f;
    int rc = handle_of(fs, h, &f);
    if (rc < 0)
        return rc;
    if ((f->flags & FS_O_ACCMODE) == FS_O_RDONLY)
        return -EBADF;
    if (fs->read_only || fs->failed)
        return fs->failed ? -EIO : -EROFS;
    uint64_t done = 0;
    bool full = false;
    while (done < len && !full) {
        int64_t n = write_chunk(fs, f->ino, (const uint8_t *)buf + done, len - done, off + done,
                                f->flags & FS_O_APPEND, &full);
        if (n < 0)
            return done ? (int64_t)done : n;
        done += (uint64_t)n;
    }
    return (int64_t)done;
}

static int truncate_ino(struct fs *fs, uint32_t ino, uint64_t size)
{
    if (size > (uint64_t)FS_MAX_FILE_BLOCKS * FS_BLOCK_SIZE)
        return -EFBIG;
    int rc = txn_begin(fs, res_free(fs));
    if (rc < 0)
        return rc;
    struct fs_dinode ip;
    if ((rc = inode_read(fs, ino, &ip)) < 0)
        return rc;
    if (is_dir(&ip))
        return -EISDIR;
    rc = inode_shrink(fs, &ip, size);
    if (rc == 0) {
        ip.size = size;
        ip.mtime = ip.ctime = inode_now(fs);
        rc = inode_write(fs, ino, &ip);
    }
    return txn_end(fs, rc, true);
}

int fs_ftruncate(struct fs *fs, int h, uint64_t size)
{
    struct fs_open_file *f;
    int rc = handle_of(fs, h, &f);
    if (rc < 0)
        return rc;
    if ((f->flags & FS_O_ACCMODE) == FS_O_RDONLY)
        return -EINVAL; /* POSIX: EBADF or EINVAL for a descriptor not open for writing */
    return truncate_ino(fs, f->ino, size);
}

int fs_truncate(struct fs *fs, const char *path, uint64_t size)
{
    uint32_t ino;
    int rc = path_lookup(fs, path, &ino);
    return rc < 0 ? rc : truncate_ino(fs, ino, size);
}

static int stat_ino(struct fs *fs, uint32_t ino, struct fs_stat *st)
{
    struct fs_dinode ip;
    int rc = inode_read(fs, ino, &ip);
    if (rc < 0)
        return rc;
    uint64_t blocks;
    if ((rc = inode_count_blocks(fs, &ip, &blocks)) < 0)
        return rc;
    *st = (struct fs_stat){.ino = ino,
                           .mode = ip.mode,
                           .nlink = ip.nlink,
                           .size = ip.size,
                           .blocks = blocks,
                           .mtime = ip.mtime,
                           .ctime = ip.ctime};
    return 0;
}

int fs_fstat(struct fs *fs, int h, struct fs_stat *st)
{
    struct fs_open_file *f;
    int rc = handle_of(fs, h, &f);
    return rc < 0 ? rc : stat_ino(fs, f->ino, st);
}

int fs_stat(struct fs *fs, const char *path, struct fs_stat *st)
{
    uint32_t ino;
    int rc = path_lookup(fs, path, &ino);
    return rc < 0 ? rc : stat_ino(fs, ino, st);
}

int fs_readdir(struct fs *fs, int h, uint64_t *cookie, struct fs_dirent *ent)
{
    struct fs_open_file *f;
    int rc = handle_of(fs, h, &f);
    if (rc < 0)
        return rc;
    struct fs_dinode dp;
    if ((rc = inode_read(fs, f->ino, &dp)) < 0)
        return rc;
    if (!is_dir(&dp))
        return -ENOTDIR;
    uint64_t slots = dp.size / FS_BLOCK_SIZE * FS_DIRENTS_PER_BLOCK;
    for (; *cookie < slots; (*cookie)++) {
        struct fs_ddirent de;
        if ((rc = dir_entry(fs, f->ino, &dp, *cookie, &de)) < 0)
            return rc;
        if (de.ino == 0)
            continue;
        struct fs_dinode ip;
        if ((rc = inode_read(fs, de.ino, &ip)) < 0)
            return rc;
        ent->ino = de.ino;
        ent->type = is_dir(&ip) ? FS_DT_DIR : FS_DT_REG;
        memcpy(ent->name, de.name, de.name_len);
        ent->name[de.name_len] = '\0';
        (*cookie)++;
        return 1;
    }
    return 0;
}

int fs_fsync(struct fs *fs, int h)
{
    struct fs_open_file *f;
    int rc = handle_of(fs, h, &f);
    if (rc < 0)
        return rc;
    /* One running transaction holds every change, so making this file durable commits it. */
    return fs->read_only ? 0 : fs_sync(fs);
}

int fs_fdatasync(struct fs *fs, int h)
{
    return fs_fsync(fs, h);
}
