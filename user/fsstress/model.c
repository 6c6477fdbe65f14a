/* The random workload: create, write, append, truncate, rename, unlink, mkdir, rmdir, fsync and
 * reads, each checked against an in-memory model of what every file must hold and which names
 * exist; every few operations the whole tree is compared with the model. */
#define _DEFAULT_SOURCE /* pread/pwrite/ftruncate under -std=c11 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsstress.h"

#define NDIRS        3           /* d0 always exists; d1, d2 come and go */
#define NSLOTS       4           /* files per directory */
#define MAX_SIZE     (96u << 10) /* crosses FILE_DATA_MAX, so calls are split */
#define VERIFY_EVERY 25

struct file_model {
    int exists;
    uint32_t size;
    uint8_t *data; /* MAX_SIZE bytes */
};

static struct file_model files[NDIRS][NSLOTS];
static int dir_exists[NDIRS];
static uint64_t rng;
static const char *top;
static uint8_t *scratch; /* MAX_SIZE bytes */

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned pick(unsigned n)
{
    return (unsigned)(next() % n);
}

static void dir_path(char *out, unsigned d)
{
    snprintf(out, 64, "%s/d%u", top, d);
}

static void file_path(char *out, unsigned d, unsigned s)
{
    snprintf(out, 64, "%s/d%u/f%u", top, d, s);
}

static int dir_has_files(unsigned d)
{
    for (unsigned s = 0; s < NSLOTS; s++)
        if (files[d][s].exists)
            return 1;
    return 0;
}

/* The expected errno of an operation on slot (d, s), given the model: 0 = success. */
static int missing(unsigned d, unsigned s)
{
    return !dir_exists[d] || !files[d][s].exists ? ENOENT : 0;
}

static void op_create(unsigned d, unsigned s)
{
    char p[64];
    file_path(p, d, s);
    int want = !dir_exists[d] ? ENOENT : files[d][s].exists ? EEXIST : 0;
    int fd = open(p, O_CREAT | O_EXCL | O_RDWR, 0644);
    EXPECT(want ? fd < 0 && errno == want : fd >= 0, "create %s: fd %d errno %d, want %d", p, fd,
           fd < 0 ? errno : 0, want);
    if (fd >= 0) {
        files[d][s].exists = 1;
        files[d][s].size = 0;
        EXPECT(close(fd) == 0, "close %s", p);
    }
}

static void op_write(unsigned d, unsigned s, int append)
{
    char p[64];
    file_path(p, d, s);
    struct file_model *f = &files[d][s];
    int fd = open(p, append ? O_WRONLY | O_APPEND : O_RDWR);
    int want = missing(d, s);
    EXPECT(want ? fd < 0 && errno == want : fd >= 0, "open %s for writing: errno %d, want %d", p,
           fd < 0 ? errno : 0, want);
    if (fd < 0)
        return;
    uint32_t off = append ? f->size : pick(f->size + 4096);
    uint32_t len = pick(8) == 0 ? pick(70000) : pick(6000);
    if (off > MAX_SIZE)
        off = MAX_SIZE;
    if (off + len > MAX_SIZE)
        len = MAX_SIZE - off;
    for (uint32_t i = 0; i < len; i++)
        scratch[i] = (uint8_t)next();
    ssize_t n = append ? write(fd, scratch, len) : pwrite(fd, scratch, len, off);
    EXPECT(n == (ssize_t)len, "write %s at %u: %ld of %u (errno %d)", p, off, (long)n, len, errno);
    if (n == (ssize_t)len) {
        if (off > f->size)
            memset(f->data + f->size, 0, off - f->size);
        memcpy(f->data + off, scratch, len);
        if (off + len > f->size)
            f->size = off + len;
    }
    EXPECT(close(fd) == 0, "close %s", p);
}

static void op_truncate(unsigned d, unsigned s)
{
    char p[64];
    file_path(p, d, s);
    struct file_model *f = &files[d][s];
    int want = missing(d, s);
    uint32_t size = pick(3) == 0 ? 0 : pick(MAX_SIZE);
    int fd = size == 0 ? open(p, O_WRONLY | O_TRUNC) : open(p, O_RDWR);
    EXPECT(want ? fd < 0 && errno == want : fd >= 0, "open %s to truncate: errno %d, want %d", p,
           fd < 0 ? errno : 0, want);
    if (fd < 0)
        return;
    if (size)
        EXPECT(ftruncate(fd, size) == 0, "ftruncate %s to %u: errno %d", p, size, errno);
    if (size > f->size)
        memset(f->data + f->size, 0, size - f->size);
    f->size = size;
    EXPECT(close(fd) == 0, "close %s", p);
}

static void op_rename(unsigned d, unsigned s, unsigned d2, unsigned s2)
{
    char a[64], b[64];
    file_path(a, d, s);
    file_path(b, d2, s2);
    int want = missing(d, s) ? ENOENT : !dir_exists[d2] ? ENOENT : 0;
    int r = rename(a, b);
    EXPECT(want ? r < 0 && errno == want : r == 0, "rename %s %s: errno %d, want %d", a, b,
           r < 0 ? errno : 0, want);
    if (r == 0 && (d != d2 || s != s2)) {
        struct file_model t = files[d2][s2];
        files[d2][s2] = files[d][s];
        files[d][s] = t;
        files[d][s].exists = 0;
    }
}

static void op_unlink(unsigned d, unsigned s)
{
    char p[64];
    file_path(p, d, s);
    int want = missing(d, s);
    int r = unlink(p);
    EXPECT(want ? r < 0 && errno == want : r == 0, "unlink %s: errno %d, want %d", p,
           r < 0 ? errno : 0, want);
    if (r == 0)
        files[d][s].exists = 0;
}

static void op_dir(unsigned d)
{
    char p[64];
    dir_path(p, d);
    if (!dir_exists[d]) {
        EXPECT(mkdir(p, 0755) == 0, "mkdir %s: errno %d", p, errno);
        dir_exists[d] = 1;
        return;
    }
    int want = dir_has_files(d) ? ENOTEMPTY : 0;
    int r = rmdir(p);
    EXPECT(want ? r < 0 && errno == want : r == 0, "rmdir %s: errno %d, want %d", p,
           r < 0 ? errno : 0, want);
    if (r == 0)
        dir_exists[d] = 0;
}

static void op_fsync(unsigned d, unsigned s)
{
    char p[64];
    file_path(p, d, s);
    int fd = open(p, O_RDWR);
    if (fd < 0) {
        EXPECT(missing(d, s) == errno, "open %s to fsync: errno %d", p, errno);
        return;
    }
    EXPECT((pick(2) ? fsync(fd) : fdatasync(fd)) == 0, "fsync %s: errno %d", p, errno);
    EXPECT(close(fd) == 0, "close %s", p);
}

/* Reads the file back (in pieces of random size) and compares it with the model. */
static void check_file(unsigned d, unsigned s)
{
    char p[64];
    file_path(p, d, s);
    struct file_model *f = &files[d][s];
    struct stat st;
    int r = stat(p, &st);
    if (missing(d, s)) {
        EXPECT(r < 0 && errno == ENOENT, "%s should not exist (stat %d errno %d)", p, r, errno);
        return;
    }
    EXPECT(r == 0 && S_ISREG(st.st_mode) && st.st_size == (off_t)f->size,
           "stat %s: %d, size %ld, want %u", p, r, (long)st.st_size, f->size);
    int fd = open(p, O_RDONLY);
    EXPECT(fd >= 0, "open %s: errno %d", p, errno);
    if (fd < 0)
        return;
    uint32_t done = 0;
    for (;;) {
        uint32_t want = 1 + pick(40000);
        ssize_t n = read(fd, scratch + done, done + want > MAX_SIZE ? MAX_SIZE - done : want);
        if (n <= 0) {
            EXPECT(n == 0, "read %s: errno %d", p, errno);
            break;
        }
        done += (uint32_t)n;
        if (done >= MAX_SIZE)
            break;
    }
    EXPECT(done == f->size && memcmp(scratch, f->data, f->size) == 0,
           "%s holds %u bytes, not the %u the model has (or other bytes)", p, done, f->size);
    EXPECT(close(fd) == 0, "close %s", p);
}

static void verify_all(void)
{
    for (unsigned d = 0; d < NDIRS; d++)
        for (unsigned s = 0; s < NSLOTS; s++)
            check_file(d, s);
}

void stress_run(const char *root, uint64_t seed, unsigned ops)
{
    top = root;
    rng = seed ? seed : 1;
    scratch = malloc(MAX_SIZE);
    for (unsigned d = 0; d < NDIRS; d++)
        for (unsigned s = 0; s < NSLOTS; s++) {
            files[d][s].data = malloc(MAX_SIZE);
            files[d][s].exists = 0;
        }
    char p[64];
    EXPECT(mkdir(root, 0755) == 0, "mkdir %s: errno %d", root, errno);
    dir_path(p, 0);
    EXPECT(mkdir(p, 0755) == 0, "mkdir %s: errno %d", p, errno);
    dir_exists[0] = 1;
    dir_exists[1] = dir_exists[2] = 0;
    for (unsigned i = 0; i < ops; i++) {
        unsigned d = pick(NDIRS), s = pick(NSLOTS);
        switch (pick(12)) {
        case 0:
        case 1: op_create(d, s); break;
        case 2:
        case 3: op_write(d, s, 0); break;
        case 4: op_write(d, s, 1); break;
        case 5: op_truncate(d, s); break;
        case 6: op_rename(d, s, pick(NDIRS), pick(NSLOTS)); break;
        case 7: op_unlink(d, s); break;
        case 8:
            if (d)
                op_dir(d);
            break;
        case 9: op_fsync(d, s); break;
        default: check_file(d, s); break;
        }
        if (i % VERIFY_EVERY == VERIFY_EVERY - 1)
            verify_all();
    }
    verify_all();
    free(scratch);
    for (unsigned d = 0; d < NDIRS; d++)
        for (unsigned s = 0; s < NSLOTS; s++)
            free(files[d][s].data);
}
