/* Mounting: check the superblock, replay the log, count free space, finish orphans; and the
 * calls that concern the whole file system (statfs, sync, unmount). */
#include <stdlib.h>

#include "internal.h"

static int read_super(struct fs *fs)
{
    uint8_t *blk = fs->log_block;
    int rc = fs->dev.read(fs->dev.ctx, 0, 1, blk);
    if (rc < 0)
        return rc;
    memcpy(&fs->sb, blk, sizeof(fs->sb));
    return super_validate(&fs->sb, fs->dev.nblocks, fs->report, fs->report_ctx);
}

/* Inodes unlinked while open when the machine stopped: nothing names them, free them now. */
static int release_orphans(struct fs *fs)
{
    if (fs->sb.orphans == 0 || fs->read_only)
        return 0;
    uint32_t freed = 0;
    for (uint32_t ino = FS_ROOT_INO + 1; ino < fs->sb.ninodes; ino++) {
        struct fs_dinode ip;
        int rc = inode_read(fs, ino, &ip);
        if (rc < 0)
            return rc;
        if (ip.mode == 0 || ip.nlink != 0)
            continue;
        rc = txn_begin(fs, res_free(fs));
        if (rc == 0)
            rc = inode_release(fs, ino);
        if (rc < 0)
            return rc;
        freed++;
    }
    fs->sb.orphans = 0;
    int rc = txn_begin(fs, 1);
    if (rc == 0)
        rc = super_write(fs);
    if (rc == 0)
        rc = txn_commit(fs);
    FS_SAY(fs, "mount: freed %u inodes unlinked while open", freed);
    return rc;
}

static int check_root(struct fs *fs)
{
    struct fs_dinode root;
    int rc = inode_read(fs, FS_ROOT_INO, &root);
    if (rc < 0)
        return rc;
    if ((root.mode & FS_S_IFMT) != FS_S_IFDIR || root.size < FS_BLOCK_SIZE) {
        FS_SAY(fs, "root inode is not a directory");
        return -FS_ECORRUPT;
    }
    return 0;
}

int fs_mount(struct fs **out, const struct fs_blockdev *dev, const struct fs_mount_options *opt)
{
    static const struct fs_mount_options defaults;
    if (!opt)
        opt = &defaults;
    *out = NULL;
    struct fs *fs = calloc(1, sizeof(*fs));
    if (!fs)
        return -ENOMEM;
    fs->dev = *dev;
    fs->read_only = opt->read_only;
    fs->report = opt->report;
    fs->report_ctx = opt->report_ctx;
    fs->clock = opt->clock;
    fs->clock_ctx = opt->clock_ctx;
    fs->max_open = opt->max_open ? opt->max_open : FS_DEFAULT_MAX_OPEN;
    fs->open = calloc(fs->max_open, sizeof(*fs->open));
    fs->log_block = malloc(FS_BLOCK_SIZE);
    int rc = fs->open && fs->log_block ? read_super(fs) : -ENOMEM;
    if (rc == 0) {
        /* The largest operation must fit one transaction, and a transaction the cache. */
        uint32_t need = res_free(fs) + 2 * FS_RES_META;
        if (need < FS_RES_WRITE)
            need = FS_RES_WRITE;
        uint32_t cache = opt->cache_blocks ? opt->cache_blocks : FS_DEFAULT_CACHE_BLOCKS;
        if (cache < need + need / 2 + 16)
            cache = need + need / 2 + 16;
        fs->txn_cap = fs->sb.log_blocks - 1;
        if (fs->txn_cap > cache - cache / 4)
            fs->txn_cap = cache - cache / 4;
        fs->txn = calloc(fs->txn_cap, sizeof(*fs->txn));
        rc = fs->txn ? cache_init(fs, cache) : -ENOMEM;
    }
    if (rc == 0)
        rc = log_replay(fs);
    if (rc == 0)
        rc = read_super(fs); /* the log may have carried a newer superblock */
    if (rc == 0)
        rc = bitmap_count_free(fs);
    if (rc == 0)
        rc = check_root(fs);
    if (rc == 0)
        rc = release_orphans(fs);
    if (rc < 0) {
        fs->failed = rc;
        fs_unmount(fs);
        return rc;
    }
    *out = fs;
    return 0;
}

int fs_sync(struct fs *fs)
{
    if (fs->failed)
        return -EIO;
    return txn_commit(fs);
}

int fs_unmount(struct fs *fs)
{
    int rc = 0;
    if (!fs->failed && !fs->read_only) {
        rc = txn_commit(fs);
        if (rc == 0)
            rc = fs->dev.flush(fs->dev.ctx);
    }
    cache_free(fs);
    free(fs->txn);
    free(fs->open);
    free(fs->log_block);
    free(fs);
    return rc;
}

int fs_statfs(struct fs *fs, struct fs_statfs *st)
{
    *st = (struct fs_statfs){
        .block_size = FS_BLOCK_SIZE,
        .blocks = fs->sb.nblocks,
        .data_blocks = fs->sb.nblocks - fs->sb.data_start,
        .free_blocks = fs->free_blocks,
        .inodes = fs->sb.ninodes - 1,
        .free_inodes = fs->free_inodes,
        .name_max = FS_NAME_MAX,
    };
    return 0;
}
