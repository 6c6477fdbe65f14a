/* The model and the random operations of the workload and crash tests. */
#include "model.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dirs[] = {"/d0", "/d1", "/d2", "/d0/e0", "/d1/e0", "/d2/e0"};
static const char *const parents[] = {"", "/d0", "/d1", "/d2", "/d0/e0", "/d1/e0", "/d2/e0"};
#define NDIRS    6
#define NPARENTS 7
#define NNAMES   3

void model_init(struct model *m)
{
    memset(m, 0, sizeof(*m));
}

void model_free(struct model *m)
{
    for (int i = 0; i < MODEL_MAX_ENTRIES; i++)
        free(m->e[i].data);
    memset(m, 0, sizeof(*m));
}

static struct model_entry *find(struct model *m, const char *path)
{
    for (int i = 0; i < MODEL_MAX_ENTRIES; i++)
        if (m->e[i].used && !strcmp(m->e[i].path, path))
            return &m->e[i];
    return NULL;
}

static struct model_entry *add(struct model *m, const char *path, bool dir)
{
    for (int i = 0; i < MODEL_MAX_ENTRIES; i++) {
        if (!m->e[i].used) {
            m->e[i] = (struct model_entry){.used = true, .dir = dir};
            snprintf(m->e[i].path, sizeof(m->e[i].path), "%s", path);
            return &m->e[i];
        }
    }
    abort(); /* the name pools are smaller than the table */
}

static void drop(struct model *m, struct model_entry *e)
{
    m->bytes -= e->len;
    free(e->data);
    memset(e, 0, sizeof(*e));
}

/* Does the parent directory of `path` exist? */
static bool parent_exists(struct model *m, const char *path)
{
    char parent[32];
    snprintf(parent, sizeof(parent), "%s", path);
    char *slash = strrchr(parent, '/');
    *slash = '\0';
    if (parent[0] == '\0')
        return true;
    struct model_entry *p = find(m, parent);
    return p && p->dir;
}

static bool has_children(struct model *m, const char *dir)
{
    size_t n = strlen(dir);
    for (int i = 0; i < MODEL_MAX_ENTRIES; i++)
        if (m->e[i].used && !strncmp(m->e[i].path, dir, n) && m->e[i].path[n] == '/')
            return true;
    return false;
}

uint64_t model_digest(const struct model *m)
{
    uint64_t sum = 0;
    for (int i = 0; i < MODEL_MAX_ENTRIES; i++)
        if (m->e[i].used)
            sum += digest_entry(m->e[i].path, m->e[i].dir, m->e[i].data, m->e[i].len);
    return sum;
}

static int differ(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return -1;
}

static void random_file(uint32_t *seed, char *path)
{
    snprintf(path, 32, "%s/f%u", parents[rng_next(seed) % NPARENTS], rng_next(seed) % NNAMES);
}

/* Write `len` bytes at `off` into the model entry. */
static void model_write(struct model *m, struct model_entry *e, uint64_t off, const uint8_t *src,
                        uint64_t len)
{
    if (off + len > e->len) {
        e->data = realloc(e->data, off + len);
        memset(e->data + e->len, 0, off + len - e->len);
        m->bytes += off + len - e->len;
        e->len = off + len;
    }
    memcpy(e->data + off, src, len);
}

static void model_truncate(struct model *m, struct model_entry *e, uint64_t size)
{
    if (size > e->len) {
        e->data = realloc(e->data, size);
        memset(e->data + e->len, 0, size - e->len);
    }
    m->bytes = m->bytes - e->len + size;
    e->len = size;
}

static int expect(int got, int want, const char *op, const char *path, char *why, size_t len)
{
    if (got == want)
        return 0;
    return differ(why, len, "%s %s: got %d (%s), want %d (%s)", op, path, got, fs_strerror(got),
                  want, fs_strerror(want));
}

static int op_write(struct model *m, struct fs *fs, uint32_t *seed, char *why, size_t wl)
{
    char path[32];
    random_file(seed, path);
    struct model_entry *e = find(m, path);
    bool append = rng_next(seed) % 4 == 0;
    uint64_t len = 1 + rng_next(seed) % (rng_next(seed) % 8 == 0 ? 120000 : 9000);
    uint64_t cur = e ? e->len : 0;
    uint64_t off = append ? cur : rng_next(seed) % (cur + 8192);
    if (m->bytes + off + len > MODEL_MAX_BYTES + cur)
        return 0; /* keep the workload inside the image */
    int want = !parent_exists(m, path) ? -ENOENT : 0;
    int flags = FS_O_WRONLY | FS_O_CREAT | (append ? FS_O_APPEND : 0);
    int h = fs_open(fs, path, flags, 0644);
    if (want || h < 0)
        return expect(h < 0 ? h : 0, want, "open", path, why, wl);
    uint8_t *buf = malloc(len);
    for (uint64_t i = 0; i < len; i++)
        buf[i] = (uint8_t)rng_next(seed);
    if (!e) {
        e = add(m, path, false);
        m->has_partial = true;
        m->partial = model_digest(m);
    }
    int64_t n = fs_write(fs, h, buf, len, off);
    fs_close(fs, h);
    if (n == (int64_t)len)
        model_write(m, e, off, buf, len);
    free(buf);
    return n == (int64_t)len ? 0
                             : differ(why, wl, "write %s: %lld of %llu", path, (long long)n,
                                      (unsigned long long)len);
}

static int op_truncate(struct model *m, struct fs *fs, uint32_t *seed, char *why, size_t wl)
{
    char path[32];
    random_file(seed, path);
    struct model_entry *e = find(m, path);
    uint64_t size = rng_next(seed) % (e ? e->len + 20000 : 20000);
    if (e && size > e->len && m->bytes + size - e->len > MODEL_MAX_BYTES)
        return 0;
    if (rng_next(seed) % 3 == 0) { /* O_TRUNC at open, which also creates */
        int h = fs_open(fs, path, FS_O_RDWR | FS_O_CREAT | FS_O_TRUNC, 0600);
        int want = !parent_exists(m, path) ? -ENOENT : 0;
        if (h >= 0)
            fs_close(fs, h);
        if (h >= 0 && !e)
            add(m, path, false);
        else if (h >= 0)
            model_truncate(m, e, 0);
        return expect(h < 0 ? h : 0, want, "open O_TRUNC", path, why, wl);
    }
    int rc = fs_truncate(fs, path, size);
    if (e)
        model_truncate(m, e, size);
    return expect(rc, e ? 0 : -ENOENT, "truncate", path, why, wl);
}

static void rename_subtree(struct model *m, const char *from, const char *to)
{
    size_t n = strlen(from);
    for (int i = 0; i < MODEL_MAX_ENTRIES; i++) {
        struct model_entry *e = &m->e[i];
        if (e->used && !strncmp(e->path, from, n) && (e->path[n] == '/' || !e->path[n])) {
            char moved[64];
            snprintf(moved, sizeof(moved), "%s%s", to, e->path + n);
            memcpy(e->path, moved, sizeof(e->path) - 1); /* the same length: /dN to /dM */
        }
    }
}

static int op_rename(struct model *m, struct fs *fs, uint32_t *seed, char *why, size_t wl)
{
    char from[32], to[32];
    if (rng_next(seed) % 4 == 0) { /* top-level directories: whole subtrees move */
        snprintf(from, sizeof(from), "/d%u", rng_next(seed) % 3);
        snprintf(to, sizeof(to), "/d%u", rng_next(seed) % 3);
    } else {
        random_file(seed, from);
        random_file(seed, to);
    }
    struct model_entry *s = find(m, from), *d = find(m, to);
    int want = 0;
    if (!s || !parent_exists(m, to))
        want = -ENOENT;
    else if (s == d)
        want = 0;
    else if (d && s->dir && has_children(m, to))
        want = -ENOTEMPTY;
    int rc = fs_rename(fs, from, to);
    if (rc == 0 && want == 0 && s != d) {
        if (d)
            drop(m, d);
        if (s->dir)
            rename_subtree(m, from, to);
        else
            snprintf(s->path, sizeof(s->path), "%s", to);
    }
    return expect(rc, want, "rename", from, why, wl);
}

static int op_unlink(struct model *m, struct fs *fs, uint32_t *seed, char *why, size_t wl)
{
    char path[32];
    random_file(seed, path);
    struct model_entry *e = find(m, path);
    int rc = fs_unlink(fs, path);
    if (e && rc == 0)
        drop(m, e);
    return expect(rc, e ? 0 : -ENOENT, "unlink", path, why, wl);
}

static int op_mkdir(struct model *m, struct fs *fs, uint32_t *seed, char *why, size_t wl)
{
    const char *path = dirs[rng_next(seed) % NDIRS];
    int want = find(m, path) ? -EEXIST : !parent_exists(m, path) ? -ENOENT : 0;
    int rc = fs_mkdir(fs, path, 0755);
    if (rc == 0 && want == 0)
        add(m, path, true);
    return expect(rc, want, "mkdir", path, why, wl);
}

static int op_rmdir(struct model *m, struct fs *fs, uint32_t *seed, char *why, size_t wl)
{
    const char *path = dirs[rng_next(seed) % NDIRS];
    struct model_entry *e = find(m, path);
    int want = !e ? -ENOENT : has_children(m, path) ? -ENOTEMPTY : 0;
    int rc = fs_rmdir(fs, path);
    if (rc == 0 && want == 0)
        drop(m, e);
    return expect(rc, want, "rmdir", path, why, wl);
}

static int op_fsync(struct model *m, struct fs *fs, uint32_t *seed, char *why, size_t wl)
{
    char path[32];
    random_file(seed, path);
    struct model_entry *e = find(m, path);
    if (!e)
        return expect(fs_sync(fs), 0, "sync", "/", why, wl);
    int h = fs_open(fs, path, FS_O_RDWR, 0);
    if (h < 0)
        return expect(h, 0, "open for fsync", path, why, wl);
    int rc = rng_next(seed) & 1 ? fs_fsync(fs, h) : fs_fdatasync(fs, h);
    fs_close(fs, h);
    return expect(rc, 0, "fsync", path, why, wl);
}

static int check_file(const struct model_entry *e, struct fs *fs, char *why, size_t wl)
{
    struct fs_stat st;
    int rc = fs_stat(fs, e->path, &st);
    if (rc < 0)
        return expect(rc, 0, "stat", e->path, why, wl);
    if (e->dir)
        return (st.mode & FS_S_IFMT) == FS_S_IFDIR ? 0 : differ(why, wl, "%s: not a dir", e->path);
    if (st.size != e->len)
        return differ(why, wl, "%s: size %llu, want %llu", e->path, (unsigned long long)st.size,
                      (unsigned long long)e->len);
    int h = fs_open(fs, e->path, FS_O_RDONLY, 0);
    if (h < 0)
        return expect(h, 0, "open", e->path, why, wl);
    uint8_t *buf = malloc(e->len + 16);
    int64_t n = fs_read(fs, h, buf, e->len + 16, 0);
    fs_close(fs, h);
    bool same = n == (int64_t)e->len && (e->len == 0 || !memcmp(buf, e->data, e->len));
    free(buf);
    return same ? 0 : differ(why, wl, "%s: contents differ (read %lld)", e->path, (long long)n);
}

int model_verify(const struct model *m, struct fs *fs, char *why, size_t wl)
{
    for (int i = 0; i < MODEL_MAX_ENTRIES; i++)
        if (m->e[i].used && check_file(&m->e[i], fs, why, wl) < 0)
            return -1;
    uint64_t d;
    int rc = fs_tree_digest(fs, &d);
    if (rc < 0)
        return expect(rc, 0, "digest", "/", why, wl);
    return d == model_digest(m) ? 0 : differ(why, wl, "the tree holds entries the model lacks");
}

int model_step(struct model *m, struct fs *fs, uint32_t *seed, enum model_op_kind *kind, char *why,
               size_t wl)
{
    uint32_t pick = rng_next(seed) % 100;
    *kind = MODEL_CHANGE;
    m->has_partial = false;
    if (pick < 35)
        return op_write(m, fs, seed, why, wl);
    if (pick < 45)
        return op_truncate(m, fs, seed, why, wl);
    if (pick < 57)
        return op_rename(m, fs, seed, why, wl);
    if (pick < 67)
        return op_unlink(m, fs, seed, why, wl);
    if (pick < 77)
        return op_mkdir(m, fs, seed, why, wl);
    if (pick < 83)
        return op_rmdir(m, fs, seed, why, wl);
    if (pick < 93) {
        *kind = MODEL_SYNC;
        return op_fsync(m, fs, seed, why, wl);
    }
    *kind = MODEL_READ;
    char path[32];
    random_file(seed, path);
    struct model_entry *e = find(m, path);
    if (!e) {
        struct fs_stat st;
        return expect(fs_stat(fs, path, &st), -ENOENT, "stat", path, why, wl);
    }
    return check_file(e, fs, why, wl);
}
