/* The check (fsck): reads an unmounted image and reports what is inconsistent, changing nothing.
 * It sees the image as a mount would after replaying the log: a committed transaction in the log
 * overlays the blocks it names. It checks the superblock, the log header, every inode (checksum,
 * type, block pointers, blocks claimed twice), the directory tree from the root (block tails,
 * entries, "." and "..", directories linked once), link counts, and both bitmaps against what is
 * reachable. */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

#define MAX_LINES 200u

struct check {
    const struct fs_blockdev *dev;
    struct fs_superblock sb;
    fs_report_fn report;
    void *ctx;
    struct fs_check_result *res;
    struct fs_log_header *log;
    bool pending;
    uint8_t *blk, *ibm, *bbm, *claimed;
    uint8_t *type;   /* per inode: 0 free, 1 file, 2 directory, 3 bad */
    uint16_t *nlink; /* per inode, as recorded */
    uint32_t *refs;  /* per inode: entries naming it (not "." or "..") */
    uint32_t *subdirs, *parent, *queue;
};

static void problem(struct check *c, const char *fmt, ...)
{
    c->res->problems++;
    if (!c->report || c->res->problems > MAX_LINES)
        return;
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    c->report(c->ctx, line);
}

static bool bit(const uint8_t *map, uint64_t i)
{
    return map[i / 8] & (1u << (i % 8));
}

static void set(uint8_t *map, uint64_t i)
{
    map[i / 8] |= (uint8_t)(1u << (i % 8));
}

/* Read a block as a mount would see it after replay. */
static int read_block(struct check *c, uint64_t block, void *buf)
{
    if (c->pending)
        for (uint32_t i = c->log->count; i-- > 0;)
            if (c->log->home[i] == block)
                return c->dev->read(c->dev->ctx, c->sb.log_start + 1 + i, 1, buf);
    return c->dev->read(c->dev->ctx, block, 1, buf);
}

static int read_super(struct check *c)
{
    int rc = read_block(c, 0, c->blk);
    if (rc < 0)
        return rc;
    memcpy(&c->sb, c->blk, sizeof(c->sb));
    if (super_validate(&c->sb, c->dev->nblocks, c->report, c->ctx) < 0) {
        c->res->problems++;
        return 1;
    }
    return 0;
}

static int load_map(struct check *c, uint32_t start, uint32_t nblocks, uint8_t *map)
{
    for (uint32_t i = 0; i < nblocks; i++) {
        int rc = read_block(c, start + i, map + (size_t)i * FS_BLOCK_SIZE);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* A block reached from inode `ino`: in range, and claimed once. */
static bool claim(struct check *c, uint32_t ino, uint32_t block)
{
    if (!block_is_data(&c->sb, block)) {
        problem(c, "inode %u: block pointer %u outside the data area", ino, block);
        return false;
    }
    if (bit(c->claimed, block)) {
        problem(c, "inode %u: block %u is also used elsewhere", ino, block);
        return false;
    }
    set(c->claimed, block);
    c->res->used_blocks++;
    return true;
}

/* Walk an index block; `first` is the file block its first pointer maps, `span` what each maps.
 * Returns the number past the last mapped file block seen, for the size check. */
static int walk_index(struct check *c, uint32_t ino, uint32_t block, int depth, uint64_t first,
                      uint64_t *end, bool dir)
{
    if (!claim(c, ino, block))
        return 0;
    uint32_t *ptrs = malloc(FS_BLOCK_SIZE);
    if (!ptrs)
        return -ENOMEM;
    int rc = read_block(c, block, ptrs);
    uint64_t span = depth == 1 ? 1 : FS_PTRS_PER_BLOCK;
    for (uint32_t i = 0; i < FS_PTRS_PER_BLOCK && rc == 0; i++) {
        if (!ptrs[i])
            continue;
        uint64_t fbn = first + i * span;
        if (depth == 2) {
            rc = walk_index(c, ino, ptrs[i], 1, fbn, end, dir);
        } else if (claim(c, ino, ptrs[i]) && fbn + 1 > *end) {
            *end = fbn + 1;
        }
    }
    (void)dir;
    free(ptrs);
    return rc;
}

static int check_inode(struct check *c, uint32_t ino, const struct fs_dinode *ip)
{
    bool allocated = bit(c->ibm, ino);
    if (!inode_checksum_ok(ip, ino)) {
        problem(c, "inode %u: checksum mismatch", ino);
        c->type[ino] = 3;
        return 0;
    }
    if (!ip->mode) {
        if (allocated)
            problem(c, "inode %u: marked in use in the inode bitmap but free", ino);
        return 0;
    }
    if (!allocated)
        problem(c, "inode %u: in use but marked free in the inode bitmap", ino);
    uint16_t t = ip->mode & FS_S_IFMT;
    if (t != FS_S_IFDIR && t != FS_S_IFREG) {
        problem(c, "inode %u: unknown type 0%o", ino, ip->mode);
        c->type[ino] = 3;
        return 0;
    }
    bool dir = t == FS_S_IFDIR;
    c->type[ino] = dir ? 2 : 1;
    c->nlink[ino] = ip->nlink;
    uint64_t end = 0;
    for (uint32_t i = 0; i < FS_NDIRECT; i++)
        if (ip->direct[i] && claim(c, ino, ip->direct[i]))
            end = i + 1;
    int rc = 0;
    if (ip->indirect)
        rc = walk_index(c, ino, ip->indirect, 1, FS_NDIRECT, &end, dir);
    if (rc == 0 && ip->dindirect)
        rc = walk_index(c, ino, ip->dindirect, 2, FS_NDIRECT + FS_PTRS_PER_BLOCK, &end, dir);
    uint64_t size_blocks = (ip->size + FS_BLOCK_SIZE - 1) / FS_BLOCK_SIZE;
    if (end > size_blocks)
        problem(c, "inode %u: maps block %llu past its size of %llu bytes", ino,
                (unsigned long long)(end - 1), (unsigned long long)ip->size);
    if (ip->size > (uint64_t)FS_MAX_FILE_BLOCKS * FS_BLOCK_SIZE)
        problem(c, "inode %u: size %llu beyond the largest file", ino,
                (unsigned long long)ip->size);
    if (dir && (ip->size == 0 || ip->size % FS_BLOCK_SIZE))
        problem(c, "directory %u: size %llu is not a whole number of blocks", ino,
                (unsigned long long)ip->size);
    if (dir)
        c->res->directories++;
    else
        c->res->files++;
    return rc;
}

static int check_inodes(struct check *c)
{
    for (uint32_t b = 0; b < c->sb.inode_blocks; b++) {
        int rc = read_block(c, c->sb.inode_start + b, c->blk);
        if (rc < 0)
            return rc;
        for (uint32_t k = 0; k < FS_INODES_PER_BLOCK; k++) {
            uint32_t ino = b * FS_INODES_PER_BLOCK + k;
            struct fs_dinode ip;
            memcpy(&ip, c->blk + k * FS_INODE_SIZE, sizeof(ip));
            if (ino == 0) {
                static const struct fs_dinode zero;
                if (!bit(c->ibm, 0))
                    problem(c, "inode bitmap: bit 0 (never used) is clear");
                if (memcmp(&ip, &zero, sizeof(ip)))
                    problem(c, "inode 0 (never used) is not zero");
                continue;
            }
            if ((rc = check_inode(c, ino, &ip)) < 0)
                return rc;
        }
    }
    return 0;
}

/* The device block holding file block `fbn` of ip, or 0. */
static int map(struct check *c, const struct fs_dinode *ip, uint64_t fbn, uint32_t *out)
{
    *out = 0;
    uint32_t ptrs[FS_PTRS_PER_BLOCK];
    if (fbn < FS_NDIRECT) {
        *out = ip->direct[fbn];
        return 0;
    }
    fbn -= FS_NDIRECT;
    uint32_t index = ip->indirect;
    if (fbn >= FS_PTRS_PER_BLOCK) {
        fbn -= FS_PTRS_PER_BLOCK;
        if (!ip->dindirect || !block_is_data(&c->sb, ip->dindirect))
            return 0;
        int rc = read_block(c, ip->dindirect, ptrs);
        if (rc < 0)
            return rc;
        index = ptrs[fbn / FS_PTRS_PER_BLOCK];
        fbn %= FS_PTRS_PER_BLOCK;
    }
    if (!index || !block_is_data(&c->sb, index))
        return 0;
    int rc = read_block(c, index, ptrs);
    if (rc == 0)
        *out = ptrs[fbn];
    return rc;
}

static void check_entry(struct check *c, uint32_t dir, uint32_t parent, uint64_t slot,
                        const struct fs_ddirent *e, uint32_t *tail)
{
    if (slot == 0 || slot == 1) {
        const char *want = slot == 0 ? "." : "..";
        uint32_t target = slot == 0 ? dir : parent;
        if (e->name_len != slot + 1 || memcmp(e->name, want, slot + 1) || e->ino != target)
            problem(c, "directory %u: entry %llu should be \"%s\" -> %u", dir,
                    (unsigned long long)slot, want, target);
        return;
    }
    if (!e->ino)
        return;
    bool bad_name = e->name_len == 0 || e->name_len > FS_NAME_MAX ||
                    name_is_dot(e->name, e->name_len) || memchr(e->name, '/', e->name_len) ||
                    memchr(e->name, '\0', e->name_len);
    if (bad_name) {
        problem(c, "directory %u: entry %llu has an invalid name", dir, (unsigned long long)slot);
        return;
    }
    if (e->ino >= c->sb.ninodes || c->type[e->ino] == 0) {
        problem(c, "directory %u: \"%.*s\" names inode %u, which is not in use", dir,
                (int)e->name_len, e->name, e->ino);
        return;
    }
    c->refs[e->ino]++;
    if (c->type[e->ino] != 2)
        return;
    if (c->parent[e->ino]) {
        problem(c, "directory %u is linked more than once (again in %u)", e->ino, dir);
        return;
    }
    c->parent[e->ino] = dir;
    c->subdirs[dir]++;
    c->queue[(*tail)++] = e->ino;
}

static int check_dir(struct check *c, uint32_t dir, uint32_t *tail)
{
    int rc = read_block(c, c->sb.inode_start + dir / FS_INODES_PER_BLOCK, c->blk);
    if (rc < 0)
        return rc;
    struct fs_dinode ip;
    memcpy(&ip, c->blk + (dir % FS_INODES_PER_BLOCK) * FS_INODE_SIZE, sizeof(ip));
    uint64_t nblocks = ip.size / FS_BLOCK_SIZE;
    if (nblocks > FS_MAX_FILE_BLOCKS)
        nblocks = 0;
    for (uint64_t i = 0; i < nblocks; i++) {
        uint32_t blk;
        if ((rc = map(c, &ip, i, &blk)) < 0)
            return rc;
        if (!blk || !block_is_data(&c->sb, blk)) {
            problem(c, "directory %u: block %llu is missing", dir, (unsigned long long)i);
            continue;
        }
        if ((rc = read_block(c, blk, c->blk)) < 0)
            return rc;
        if (!dir_block_ok(c->blk, dir)) {
            problem(c, "directory %u: block %u fails its check (tail or checksum)", dir, blk);
            continue;
        }
        const struct fs_ddirent *e = (const struct fs_ddirent *)c->blk;
        for (uint32_t k = 0; k < FS_DIRENTS_PER_BLOCK; k++)
            check_entry(c, dir, c->parent[dir], i * FS_DIRENTS_PER_BLOCK + k, &e[k], tail);
    }
    return 0;
}

static int check_tree(struct check *c)
{
    if (c->type[FS_ROOT_INO] != 2) {
        problem(c, "root inode %u is not a directory", FS_ROOT_INO);
        return 0;
    }
    uint32_t head = 0, tail = 0;
    c->parent[FS_ROOT_INO] = FS_ROOT_INO;
    c->queue[tail++] = FS_ROOT_INO;
    while (head < tail) {
        int rc = check_dir(c, c->queue[head++], &tail);
        if (rc < 0)
            return rc;
    }
    for (uint32_t ino = 1; ino < c->sb.ninodes; ino++) {
        if (c->type[ino] == 1 && c->refs[ino] != c->nlink[ino]) {
            if (c->refs[ino] == 0 && c->nlink[ino] == 0 && c->sb.orphans)
                continue; /* unlinked while open: the next mount frees it */
            problem(c, "inode %u: link count %u, but %u directory entries name it", ino,
                    c->nlink[ino], c->refs[ino]);
        } else if (c->type[ino] == 2 && ino != FS_ROOT_INO && !c->parent[ino]) {
            if (c->nlink[ino] == 0 && c->sb.orphans)
                continue;
            problem(c, "directory %u is not reachable from the root", ino);
        } else if (c->type[ino] == 2 && c->nlink[ino] != 2 + c->subdirs[ino]) {
            problem(c, "directory %u: link count %u, expected %u", ino, c->nlink[ino],
                    2 + c->subdirs[ino]);
        }
    }
    return 0;
}

static void check_bitmap(struct check *c)
{
    for (uint64_t b = 0; b < (uint64_t)c->sb.block_bitmap_blocks * FS_BITS_PER_BLOCK; b++) {
        bool marked = bit(c->bbm, b);
        if (b < c->sb.data_start || b >= c->sb.nblocks) {
            if (!marked)
                problem(c, "block bitmap: %s block %llu is marked free",
                        b < c->sb.data_start ? "metadata" : "nonexistent", (unsigned long long)b);
        } else if (marked && !bit(c->claimed, b)) {
            problem(c, "block %llu: marked in use but no file uses it", (unsigned long long)b);
        } else if (!marked && bit(c->claimed, b)) {
            problem(c, "block %llu: used by a file but marked free", (unsigned long long)b);
        }
    }
    for (uint64_t i = c->sb.ninodes; i < (uint64_t)c->sb.inode_bitmap_blocks * FS_BITS_PER_BLOCK;
         i++)
        if (bit(c->ibm, i)) {
            problem(c, "inode bitmap: bit %llu past the last inode is set", (unsigned long long)i);
            break;
        }
}

static int check_log(struct check *c)
{
    c->log = malloc(FS_BLOCK_SIZE);
    if (!c->log)
        return -ENOMEM;
    int rc = c->dev->read(c->dev->ctx, c->sb.log_start, 1, c->log);
    if (rc < 0)
        return rc;
    rc = log_header_check(c->dev, &c->sb, c->log, c->blk);
    if (rc == -FS_ECORRUPT) {
        problem(c, "log: the header is damaged (bad magic or a home address out of range)");
        return 0;
    }
    if (rc < 0)
        return rc;
    c->pending = rc == 1;
    c->res->log_pending = c->pending;
    if (c->pending && c->report)
        fs_reportf(c->report, c->ctx,
                   "note: log holds a committed transaction of %u blocks (a mount replays it)",
                   c->log->count);
    return 0;
}

int fs_check(const struct fs_blockdev *dev, fs_report_fn report, void *ctx,
             struct fs_check_result *res)
{
    struct fs_check_result ignored;
    if (!res)
        res = &ignored;
    *res = (struct fs_check_result){0};
    struct check c = {.dev = dev, .report = report, .ctx = ctx, .res = res};
    c.blk = malloc(FS_BLOCK_SIZE);
    if (!c.blk)
        return -ENOMEM;
    int rc = read_super(&c);
    if (rc == 0)
        rc = check_log(&c);
    if (rc == 0 && c.pending)
        rc = read_super(&c); /* the log may carry a newer superblock */
    if (rc == 0) {
        uint32_t n = c.sb.ninodes;
        c.ibm = malloc((size_t)c.sb.inode_bitmap_blocks * FS_BLOCK_SIZE);
        c.bbm = malloc((size_t)c.sb.block_bitmap_blocks * FS_BLOCK_SIZE);
        c.claimed = calloc((size_t)c.sb.block_bitmap_blocks, FS_BLOCK_SIZE);
        c.type = calloc(n, 1);
        c.nlink = calloc(n, sizeof(*c.nlink));
        c.refs = calloc(n, sizeof(*c.refs));
        c.subdirs = calloc(n, sizeof(*c.subdirs));
        c.parent = calloc(n, sizeof(*c.parent));
        c.queue = calloc(n, sizeof(*c.queue));
        if (!c.ibm || !c.bbm || !c.claimed || !c.type || !c.nlink || !c.refs || !c.subdirs ||
            !c.parent || !c.queue)
            rc = -ENOMEM;
    }
    if (rc == 0)
        rc = load_map(&c, c.sb.inode_bitmap_start, c.sb.inode_bitmap_blocks, c.ibm);
    if (rc == 0)
        rc = load_map(&c, c.sb.block_bitmap_start, c.sb.block_bitmap_blocks, c.bbm);
    if (rc == 0) {
        for (uint64_t b = 0; b < c.sb.data_start; b++)
            set(c.claimed, b);
        rc = check_inodes(&c);
    }
    if (rc == 0)
        rc = check_tree(&c);
    if (rc == 0)
        check_bitmap(&c);
    if (rc == 0 && report && res->problems > MAX_LINES)
        fs_reportf(report, ctx, "... %u problems in all", res->problems);
    free(c.blk);
    free(c.log);
    free(c.ibm);
    free(c.bbm);
    free(c.claimed);
    free(c.type);
    free(c.nlink);
    free(c.refs);
    free(c.subdirs);
    free(c.parent);
    free(c.queue);
    if (rc < 0)
        return rc;
    return (int)(res->problems > INT32_MAX ? INT32_MAX : res->problems);
}
