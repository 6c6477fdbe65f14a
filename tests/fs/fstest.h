/* Shared by the xpcfs host tests: RAM devices, a device that records its writes and flushes to
 * rebuild what survives a power cut, and a digest of a whole file system tree. */
#ifndef TESTS_FS_FSTEST_H
#define TESTS_FS_FSTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/fs.h"

/* A RAM disk. `fail_writes_after` >= 0: writes past that many fail with -EIO. */
struct ramdev {
    uint8_t *mem;
    uint64_t nblocks;
    uint64_t writes, flushes;
    int64_t fail_writes_after;
    struct fs_blockdev dev;
};
void ramdev_init(struct ramdev *r, uint64_t nblocks);
void ramdev_init_copy(struct ramdev *r, const uint8_t *image, uint64_t nblocks);
void ramdev_free(struct ramdev *r);
/* Put `image` back into r's memory (the same size): cheaper than a new device per trial. */
void ramdev_reset(struct ramdev *r, const uint8_t *image);

/* A RAM disk that also keeps every write and flush in order, tagged with the caller's `tag`
 * (the workload's operation number), so any power cut can be rebuilt afterwards. */
struct trace_event {
    bool flush;
    uint64_t block;
    uint32_t tag;
    size_t data; /* offset of the block's contents in trace.data */
};
struct tracedev {
    struct ramdev live;
    uint8_t *base; /* the image when recording began */
    struct trace_event *events;
    size_t nevents, cap;
    uint8_t *data;
    size_t data_len, data_cap;
    uint32_t tag;
};
void tracedev_init(struct tracedev *t, const uint8_t *image, uint64_t nblocks);
void tracedev_free(struct tracedev *t);
/* What the disk holds if power is cut right after event `cut` (exclusive: events [0, cut) were
 * issued). Writes before the last flush are durable; of the writes since then, each survives
 * when `tear` is false, or with probability 1/2 from `seed` when it is true. */
void tracedev_crash_image(const struct tracedev *t, size_t cut, bool tear, uint32_t *seed,
                          uint8_t *img);

/* A digest of the tree: every path, type and file content; independent of directory order. */
int fs_tree_digest(struct fs *fs, uint64_t *digest);
uint64_t digest_entry(const char *path, bool dir, const uint8_t *data, uint64_t len);

uint32_t rng_next(uint32_t *state);

/* fs_check's lines collected into one string, for assertion messages. */
struct check_log {
    char text[4096];
    size_t len;
};
void check_log_line(void *ctx, const char *line);

#endif
