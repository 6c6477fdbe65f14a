/* Changes to the name space: mkdir, unlink, rmdir, rename. Each is one transaction, checked for
 * space before its first change, so it happens whole or (after a crash) not at all. */
#include "internal.h"

static bool is_dir(const struct fs_dinode *ip)
{
    return (ip->mode & FS_S_IFMT) == FS_S_IFDIR;
}

/* The parent, the last name and (when it exists) the inode it names. */
struct target {
    uint32_t parent, ino;
    struct fs_dinode dp, ip;
    uint64_t slot;
    char name[FS_NAME_MAX + 1];
    size_t len;
    bool exists;
};

static int resolve(struct fs *fs, const char *path, struct target *t)
{
    int rc = path_parent(fs, path, &t->parent, t->name, &t->len);
    if (rc < 0)
        return rc;
    if ((rc = inode_read(fs, t->parent, &t->dp)) < 0)
        return rc;
    rc = dir_lookup(fs, t->parent, &t->dp, t->name, t->len, &t->ino, &t->slot);
    t->exists = rc == 0;
    if (rc == -ENOENT)
        return 0;
    if (rc == 0)
        rc = inode_read(fs, t->ino, &t->ip);
    return rc;
}

static int writable(struct fs *fs)
{
    return fs->failed ? -EIO : fs->read_only ? -EROFS : 0;
}

int fs_mkdir(struct fs *fs, const char *path, uint32_t mode)
{
    struct target t;
    int rc = resolve(fs, path, &t);
    if (rc == -EBUSY)
        return -EEXIST;
    if (rc < 0)
        return rc;
    if (t.exists || name_is_dot(t.name, t.len))
        return -EEXIST;
    if ((rc = writable(fs)) < 0)
        return rc;
    int need = dir_blocks_needed(fs, t.parent, &t.dp);
    if (need < 0)
        return need;
    if (fs->free_inodes == 0 || fs->free_blocks < (uint64_t)need + 1)
        return -ENOSPC;
    if (t.dp.nlink >= UINT16_MAX)
        return -EMLINK;
    if ((rc = txn_begin(fs, FS_RES_META)) < 0)
        return rc;
    uint32_t ino, blk = 0;
    rc = ialloc(fs, &ino);
    if (rc == 0)
        rc = balloc(fs, &blk);
    if (rc == 0) {
        struct fs_buf *b;
        rc = buf_get(fs, blk, true, &b);
        if (rc == 0) {
            struct fs_ddirent *e = (struct fs_ddirent *)b->data;
            dir_block_init(b->data, ino);
            e[0] = (struct fs_ddirent){.ino = ino, .name_len = 1, .name = "."};
            e[1] = (struct fs_ddirent){.ino = t.parent, .name_len = 2, .name = ".."};
            dir_block_seal(b->data, ino);
            buf_dirty(fs, b);
            buf_put(fs, b);
        }
    }
    if (rc == 0) {
        uint64_t now = inode_now(fs);
        struct fs_dinode ip = {.mode = (uint16_t)(FS_S_IFDIR | (mode & 07777)),
                               .nlink = 2,
                               .size = FS_BLOCK_SIZE,
                               .mtime = now,
                               .ctime = now};
        ip.direct[0] = blk;
        rc = inode_write(fs, ino, &ip);
    }
    if (rc == 0) {
        t.dp.nlink++; /* the new directory's ".." */
        rc = dir_add(fs, t.parent, &t.dp, t.name, t.len, ino);
    }
    return txn_end(fs, rc, true);
}

/* Remove t's entry from its parent and drop the link it held. */
static int remove_entry(struct fs *fs, struct target *t)
{
    int rc = dir_set(fs, t->parent, &t->dp, t->slot, 0);
    if (rc == 0 && is_dir(&t->ip))
        t->dp.nlink--; /* its ".." */
    if (rc == 0) {
        t->dp.mtime = t->dp.ctime = inode_now(fs);
        rc = inode_write(fs, t->parent, &t->dp);
    }
    if (rc == 0)
        rc = inode_unlink(fs, t->ino, &t->ip);
    return rc;
}

int fs_unlink(struct fs *fs, const char *path)
{
    struct target t;
    int rc = resolve(fs, path, &t);
    if (rc == -EBUSY)
        return -EISDIR;
    if (rc < 0)
        return rc;
    if (!t.exists)
        return -ENOENT;
    if (is_dir(&t.ip))
        return -EISDIR;
    if ((rc = writable(fs)) < 0)
        return rc;
    if ((rc = txn_begin(fs, res_free(fs))) < 0)
        return rc;
    return txn_end(fs, remove_entry(fs, &t), true);
}

int fs_rmdir(struct fs *fs, const char *path)
{
    struct target t;
    int rc = resolve(fs, path, &t);
    if (rc < 0)
        return rc; /* "/" gives EBUSY */
    if (t.len == 1 && t.name[0] == '.')
        return -EINVAL;
    if (t.len == 2 && t.name[0] == '.' && t.name[1] == '.')
        return -ENOTEMPTY;
    if (!t.exists)
        return -ENOENT;
    if (!is_dir(&t.ip))
        return -ENOTDIR;
    if ((rc = dir_is_empty(fs, t.ino, &t.ip)) <= 0)
        return rc < 0 ? rc : -ENOTEMPTY;
    if ((rc = writable(fs)) < 0)
        return rc;
    if ((rc = txn_begin(fs, res_free(fs))) < 0)
        return rc;
    return txn_end(fs, remove_entry(fs, &t), true);
}

/* Is directory `dir` inside the tree of `ancestor` (or the same)? Walks ".." up to the root. */
static int inside(struct fs *fs, uint32_t dir, uint32_t ancestor)
{
    for (uint32_t depth = 0; depth < fs->sb.ninodes; depth++) {
        if (dir == ancestor)
            return 1;
        if (dir == FS_ROOT_INO)
            return 0;
        struct fs_dinode dp;
        int rc = inode_read(fs, dir, &dp);
        if (rc == 0)
            rc = dir_lookup(fs, dir, &dp, "..", 2, &dir, NULL);
        if (rc < 0)
            return rc == -ENOENT ? -FS_ECORRUPT : rc;
    }
    return -FS_ECORRUPT; /* a loop */
}

int fs_rename(struct fs *fs, const char *from, const char *to)
{
    struct target src, dst;
    int rc = resolve(fs, from, &src);
    if (rc == 0)
        rc = resolve(fs, to, &dst);
    if (rc < 0)
        return rc;
    if (name_is_dot(src.name, src.len) || name_is_dot(dst.name, dst.len))
        return -EINVAL;
    if (!src.exists)
        return -ENOENT;
    if (dst.exists && dst.ino == src.ino)
        return 0;
    bool moving_dir = is_dir(&src.ip);
    if (dst.exists && moving_dir && !is_dir(&dst.ip))
        return -ENOTDIR;
    if (dst.exists && !moving_dir && is_dir(&dst.ip))
        return -EISDIR;
    if (dst.exists && moving_dir && (rc = dir_is_empty(fs, dst.ino, &dst.ip)) <= 0)
        return rc < 0 ? rc : -ENOTEMPTY;
    if (moving_dir && (rc = inside(fs, dst.parent, src.ino)) != 0)
        return rc < 0 ? rc : -EINVAL;
    if ((rc = writable(fs)) < 0)
        return rc;
    if (!dst.exists) {
        int need = dir_blocks_needed(fs, dst.parent, &dst.dp);
        if (need < 0)
            return need;
        if (fs->free_blocks < (uint64_t)need)
            return -ENOSPC;
    }
    if ((rc = txn_begin(fs, res_free(fs) + FS_RES_META)) < 0)
        return rc;
    bool same_parent = src.parent == dst.parent;
    if (dst.exists) {
        /* The entry changes in place: `to` names the old file until the commit, then the new. */
        rc = dir_set(fs, dst.parent, &dst.dp, dst.slot, src.ino);
        if (rc == 0 && is_dir(&dst.ip))
            dst.dp.nlink--;
        if (rc == 0)
            rc = inode_unlink(fs, dst.ino, &dst.ip);
    } else {
        rc = dir_add(fs, dst.parent, &dst.dp, dst.name, dst.len, src.ino);
    }
    if (rc == 0 && moving_dir && !same_parent) {
        uint64_t slot;
        uint32_t old;
        rc = dir_lookup(fs, src.ino, &src.ip, "..", 2, &old, &slot);
        if (rc == 0)
            rc = dir_set(fs, src.ino, &src.ip, slot, dst.parent);
        dst.dp.nlink++;
        src.dp.nlink--;
    }
    if (rc == 0) {
        dst.dp.mtime = dst.dp.ctime = inode_now(fs);
        rc = inode_write(fs, dst.parent, &dst.dp);
    }
    if (rc == 0 && same_parent)
        src.dp = dst.dp;
    if (rc == 0)
        rc = dir_set(fs, src.parent, &src.dp, src.slot, 0);
    if (rc == 0) {
        src.dp.mtime = src.dp.ctime = inode_now(fs);
        rc = inode_write(fs, src.parent, &src.dp);
    }
    if (rc == 0) {
        src.ip.ctime = inode_now(fs);
        rc = inode_write(fs, src.ino, &src.ip);
    }
    return txn_end(fs, rc, true);
}
