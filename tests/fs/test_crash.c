/* Power cuts. A random workload runs on a device that records every write and flush; then, for
 * hundreds of cut points, the disk as it would be after the cut is rebuilt (every write after
 * the cut dropped, or also a random subset of the writes since the last flush: a torn cache),
 * checked with fsck, mounted (the log replays) and compared with the model: the tree must be
 * exactly the state after some operation between the last completed fsync and the cut, so every
 * file fsync'ed before the cut is intact and no operation is half done. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "model.h"

#define NBLOCKS 1024

struct run {
    struct tracedev t;
    uint64_t *digest; /* digest[k]: the model after the first k operations */
    size_t *sync_end; /* events issued when operation k returned (its fsync done) */
    bool *is_sync;
    bool *has_partial;
    uint64_t *partial; /* partial[k]: the state half-way through operation k, if it has one */
    int steps;
};

static void record(struct run *r, uint32_t seed, int steps)
{
    struct ramdev fresh;
    ramdev_init(&fresh, NBLOCKS);
    cr_assert_eq(fs_format(&fresh.dev, NULL), 0);
    tracedev_init(&r->t, fresh.mem, NBLOCKS);
    ramdev_free(&fresh);
    r->steps = steps;
    r->digest = calloc((size_t)steps + 1, sizeof(*r->digest));
    r->sync_end = calloc((size_t)steps, sizeof(*r->sync_end));
    r->is_sync = calloc((size_t)steps, sizeof(*r->is_sync));
    r->has_partial = calloc((size_t)steps, sizeof(*r->has_partial));
    r->partial = calloc((size_t)steps, sizeof(*r->partial));
    struct fs *fs;
    cr_assert_eq(fs_mount(&fs, &r->t.live.dev, NULL), 0);
    struct model m;
    model_init(&m);
    char why[200];
    uint32_t state = seed;
    for (int k = 0; k < steps; k++) {
        r->t.tag = (uint32_t)k;
        enum model_op_kind kind;
        cr_assert_eq(model_step(&m, fs, &state, &kind, why, sizeof(why)), 0, "seed %u op %d: %s",
                     seed, k, why);
        r->digest[k + 1] = model_digest(&m);
        r->is_sync[k] = kind == MODEL_SYNC;
        r->has_partial[k] = m.has_partial;
        r->partial[k] = m.partial;
        r->sync_end[k] = r->t.nevents;
    }
    r->t.tag = (uint32_t)steps;
    cr_assert_eq(fs_unmount(fs), 0);
    model_free(&m);
}

static void release(struct run *r)
{
    tracedev_free(&r->t);
    free(r->digest);
    free(r->sync_end);
    free(r->is_sync);
    free(r->has_partial);
    free(r->partial);
}

/* The disk after a cut following event `cut` must be clean and hold one allowed state. */
static void check_cut(struct run *r, uint32_t seed, size_t cut, bool tear, uint32_t *tear_seed,
                      struct ramdev *disk)
{
    tracedev_crash_image(&r->t, cut, tear, tear_seed, disk->mem);
    struct ramdev dev = *disk;
    dev.dev.ctx = &dev;
    /* Allowed: after operation `lo` (the last fsync that returned) up to the one under way. */
    int lo = 0, hi = cut ? (int)r->t.events[cut - 1].tag + 1 : 0;
    for (int k = 0; k < r->steps; k++)
        if (r->is_sync[k] && r->sync_end[k] <= cut)
            lo = k + 1;
    if (hi < lo)
        hi = lo; /* fsyncs with nothing to commit issue no events */
    if (hi > r->steps)
        hi = r->steps;
    struct check_log log = {0};
    cr_assert_eq(fs_check(&dev.dev, check_log_line, &log, NULL), 0,
                 "seed %u cut %zu%s: fsck before mount: %s", seed, cut, tear ? " torn" : "",
                 log.text);
    struct fs *fs;
    struct fs_mount_options small_cache = {.cache_blocks = 1};
    int rc = fs_mount(&fs, &dev.dev, &small_cache);
    cr_assert_eq(rc, 0, "seed %u cut %zu: mount: %s", seed, cut, fs_strerror(rc));
    uint64_t d;
    cr_assert_eq(fs_tree_digest(fs, &d), 0);
    int found = -1;
    for (int k = hi; k >= lo && found < 0; k--)
        if (r->digest[k] == d || (k < hi && r->has_partial[k] && r->partial[k] == d))
            found = k;
    cr_assert_geq(found, 0,
                  "seed %u cut %zu%s: the tree matches no state between operation %d (last "
                  "fsync) and %d",
                  seed, cut, tear ? " torn" : "", lo, hi);
    cr_assert_eq(fs_unmount(fs), 0);
    log.len = 0;
    cr_assert_eq(fs_check(&dev.dev, check_log_line, &log, NULL), 0,
                 "seed %u cut %zu: fsck after mount: %s", seed, cut, log.text);
}

static void crash_points(uint32_t seed, int steps, int cuts)
{
    struct run r;
    record(&r, seed, steps);
    uint32_t pick = seed * 7919u + 1;
    struct ramdev disk;
    ramdev_init(&disk, NBLOCKS);
    for (int i = 0; i < cuts; i++) {
        size_t cut = rng_next(&pick) % (r.t.nevents + 1);
        check_cut(&r, seed, cut, i % 2 == 1, &pick, &disk);
    }
    /* And every event of one stretch, one after the other: no gap between cut points. */
    size_t from = r.t.nevents / 3;
    for (size_t cut = from; cut < from + (size_t)cuts / 2 && cut <= r.t.nevents; cut++)
        check_cut(&r, seed, cut, false, &pick, &disk);
    ramdev_free(&disk);
    cr_log_info("seed %u: %d operations, %zu device events, %d cut points checked", seed, steps,
                r.t.nevents, cuts + cuts / 2);
    release(&r);
}

Test(crash, seed_11)
{
    crash_points(11, 300, 160);
}

Test(crash, seed_12)
{
    crash_points(12, 300, 160);
}

Test(crash, seed_13)
{
    crash_points(13, 300, 160);
}
