/* RAM devices, the recording device and tree digests for the xpcfs tests. */
#include "fstest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t rng_next(uint32_t *s)
{
    /* xorshift32: reproducible from the seed, on every host. */
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static int ram_read(void *ctx, uint64_t block, uint32_t count, void *buf)
{
    struct ramdev *r = ctx;
    if (block + count > r->nblocks)
        return -EIO;
    memcpy(buf, r->mem + block * FS_BLOCK_SIZE, (size_t)count * FS_BLOCK_SIZE);
    return 0;
}

static int ram_write(void *ctx, uint64_t block, uint32_t count, const void *buf)
{
    struct ramdev *r = ctx;
    if (block + count > r->nblocks)
        return -EIO;
    if (r->fail_writes_after >= 0 && r->writes >= (uint64_t)r->fail_writes_after)
        return -EIO;
    r->writes++;
    memcpy(r->mem + block * FS_BLOCK_SIZE, buf, (size_t)count * FS_BLOCK_SIZE);
    return 0;
}

static int ram_flush(void *ctx)
{
    struct ramdev *r = ctx;
    r->flushes++;
    return 0;
}

void ramdev_init(struct ramdev *r, uint64_t nblocks)
{
    *r = (struct ramdev){
        .mem = calloc(nblocks, FS_BLOCK_SIZE), .nblocks = nblocks, .fail_writes_after = -1};
    r->dev = (struct fs_blockdev){r, nblocks, ram_read, ram_write, ram_flush};
}

void ramdev_init_copy(struct ramdev *r, const uint8_t *image, uint64_t nblocks)
{
    ramdev_init(r, nblocks);
    memcpy(r->mem, image, nblocks * FS_BLOCK_SIZE);
}

void ramdev_reset(struct ramdev *r, const uint8_t *image)
{
    memcpy(r->mem, image, r->nblocks * FS_BLOCK_SIZE);
    r->writes = r->flushes = 0;
    r->fail_writes_after = -1;
}

void ramdev_free(struct ramdev *r)
{
    free(r->mem);
    r->mem = NULL;
}

static void trace_push(struct tracedev *t, struct trace_event ev)
{
    if (t->nevents == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->events = realloc(t->events, t->cap * sizeof(*t->events));
    }
    t->events[t->nevents++] = ev;
}

static int trace_write(void *ctx, uint64_t block, uint32_t count, const void *buf)
{
    struct tracedev *t = ctx;
    int rc = ram_write(&t->live, block, count, buf);
    if (rc < 0)
        return rc;
    for (uint32_t i = 0; i < count; i++) {
        if (t->data_len + FS_BLOCK_SIZE > t->data_cap) {
            t->data_cap = t->data_cap ? t->data_cap * 2 : 1 << 22;
            t->data = realloc(t->data, t->data_cap);
        }
        memcpy(t->data + t->data_len, (const uint8_t *)buf + (size_t)i * FS_BLOCK_SIZE,
               FS_BLOCK_SIZE);
        trace_push(t, (struct trace_event){.block = block + i, .tag = t->tag, .data = t->data_len});
        t->data_len += FS_BLOCK_SIZE;
    }
    return 0;
}

static int trace_flush(void *ctx)
{
    struct tracedev *t = ctx;
    trace_push(t, (struct trace_event){.flush = true, .tag = t->tag});
    return 0;
}

static int trace_read(void *ctx, uint64_t block, uint32_t count, void *buf)
{
    struct tracedev *t = ctx;
    return ram_read(&t->live, block, count, buf);
}

void tracedev_init(struct tracedev *t, const uint8_t *image, uint64_t nblocks)
{
    *t = (struct tracedev){0};
    ramdev_init_copy(&t->live, image, nblocks);
    t->base = malloc(nblocks * FS_BLOCK_SIZE);
    memcpy(t->base, image, nblocks * FS_BLOCK_SIZE);
    t->live.dev = (struct fs_blockdev){t, nblocks, trace_read, trace_write, trace_flush};
}

void tracedev_free(struct tracedev *t)
{
    ramdev_free(&t->live);
    free(t->base);
    free(t->events);
    free(t->data);
}

void tracedev_crash_image(const struct tracedev *t, size_t cut, bool tear, uint32_t *seed,
                          uint8_t *img)
{
    memcpy(img, t->base, t->live.nblocks * FS_BLOCK_SIZE);
    size_t last_flush = 0;
    for (size_t i = 0; i < cut; i++)
        if (t->events[i].flush)
            last_flush = i + 1;
    for (size_t i = 0; i < cut; i++) {
        const struct trace_event *ev = &t->events[i];
        if (ev->flush)
            continue;
        if (i >= last_flush && tear && (rng_next(seed) & 1))
            continue; /* still in the device's volatile cache: lost */
        memcpy(img + ev->block * FS_BLOCK_SIZE, t->data + ev->data, FS_BLOCK_SIZE);
    }
}

uint64_t digest_entry(const char *path, bool dir, const uint8_t *data, uint64_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *p = path; *p; p++)
        h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
    h = (h ^ (dir ? 'D' : 'F')) * 0x100000001b3ull;
    for (uint64_t i = 0; i < len; i++)
        h = (h ^ data[i]) * 0x100000001b3ull;
    h = (h ^ len) * 0x100000001b3ull;
    return h;
}

static int digest_dir(struct fs *fs, const char *path, uint64_t *sum, int depth)
{
    if (depth > 16)
        return -ELOOP;
    int h = fs_open(fs, path, FS_O_RDONLY | FS_O_DIRECTORY, 0);
    if (h < 0)
        return h;
    uint64_t cookie = 0;
    struct fs_dirent e;
    int rc;
    while ((rc = fs_readdir(fs, h, &cookie, &e)) == 1) {
        if (!strcmp(e.name, ".") || !strcmp(e.name, ".."))
            continue;
        char child[FS_PATH_MAX + 1];
        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", e.name);
        if (e.type == FS_DT_DIR) {
            *sum += digest_entry(child, true, NULL, 0);
            rc = digest_dir(fs, child, sum, depth + 1);
        } else {
            struct fs_stat st;
            rc = fs_stat(fs, child, &st);
            uint8_t *buf = rc == 0 ? malloc(st.size + 1) : NULL;
            int fh = rc == 0 ? fs_open(fs, child, FS_O_RDONLY, 0) : rc;
            if (fh < 0) {
                rc = fh;
            } else {
                int64_t n = fs_read(fs, fh, buf, st.size, 0);
                rc = n == (int64_t)st.size ? 0 : n < 0 ? (int)n : -EIO;
                fs_close(fs, fh);
                *sum += digest_entry(child, false, buf, st.size);
            }
            free(buf);
        }
        if (rc < 0)
            break;
    }
    fs_close(fs, h);
    return rc;
}

int fs_tree_digest(struct fs *fs, uint64_t *digest)
{
    *digest = 0;
    return digest_dir(fs, "/", digest, 0);
}

void check_log_line(void *ctx, const char *line)
{
    struct check_log *l = ctx;
    int n = snprintf(l->text + l->len, sizeof(l->text) - l->len, "%s\n", line);
    if (n > 0 && l->len + (size_t)n < sizeof(l->text))
        l->len += (size_t)n;
}
