/* An fsstress-style random workload: create, write, append, truncate, rename, unlink, mkdir,
 * rmdir, fsync; every result and every read checked against the in-memory model, with remounts
 * and fsck along the way. Seeded, so a failure names the seed and step that reproduce it. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "model.h"

static void run_workload(uint32_t seed, int steps, uint32_t cache_blocks)
{
    struct ramdev dev;
    ramdev_init(&dev, 1024);
    cr_assert_eq(fs_format(&dev.dev, NULL), 0);
    struct fs_mount_options opt = {.cache_blocks = cache_blocks};
    struct fs *fs;
    cr_assert_eq(fs_mount(&fs, &dev.dev, &opt), 0);
    struct model m;
    model_init(&m);
    char why[200];
    uint32_t state = seed;
    for (int step = 0; step < steps; step++) {
        enum model_op_kind kind;
        int rc = model_step(&m, fs, &state, &kind, why, sizeof(why));
        cr_assert_eq(rc, 0, "seed %u step %d: %s", seed, step, why);
        if (step % 150 == 149) {
            cr_assert_eq(fs_unmount(fs), 0);
            struct check_log log = {0};
            cr_assert_eq(fs_check(&dev.dev, check_log_line, &log, NULL), 0,
                         "seed %u step %d: fsck: %s", seed, step, log.text);
            cr_assert_eq(fs_mount(&fs, &dev.dev, &opt), 0);
            cr_assert_eq(model_verify(&m, fs, why, sizeof(why)), 0, "seed %u step %d: %s", seed,
                         step, why);
        }
    }
    cr_assert_eq(model_verify(&m, fs, why, sizeof(why)), 0, "seed %u: %s", seed, why);
    cr_assert_eq(fs_unmount(fs), 0);
    cr_assert_eq(fs_check(&dev.dev, NULL, NULL, NULL), 0);
    model_free(&m);
    ramdev_free(&dev);
}

Test(workload, seed_1)
{
    run_workload(1, 1500, 0);
}

Test(workload, seed_2)
{
    run_workload(2, 1500, 0);
}

Test(workload, seed_3_small_cache)
{
    /* The smallest cache a mount accepts: transactions commit often, buffers are evicted. */
    run_workload(3, 1500, 1);
}

Test(workload, seed_4)
{
    run_workload(4, 1500, 0);
}
