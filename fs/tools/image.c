/* An image file as an xpcfs block device: pread, pwrite, fdatasync. */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int image_read(void *ctx, uint64_t block, uint32_t count, void *buf)
{
    struct image *img = ctx;
    size_t len = (size_t)count * FS_BLOCK_SIZE;
    ssize_t n = pread(img->fd, buf, len, (off_t)(block * FS_BLOCK_SIZE));
    return n == (ssize_t)len ? 0 : -EIO;
}

static int image_write(void *ctx, uint64_t block, uint32_t count, const void *buf)
{
    struct image *img = ctx;
    size_t len = (size_t)count * FS_BLOCK_SIZE;
    ssize_t n = pwrite(img->fd, buf, len, (off_t)(block * FS_BLOCK_SIZE));
    return n == (ssize_t)len ? 0 : -EIO;
}

static int image_flush(void *ctx)
{
    struct image *img = ctx;
    return fdatasync(img->fd) == 0 ? 0 : -EIO;
}

bool image_open(struct image *img, const char *path, bool read_only)
{
    img->path = path;
    img->fd = open(path, read_only ? O_RDONLY : O_RDWR);
    if (img->fd < 0) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(img->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "%s: not a regular file\n", path);
        close(img->fd);
        return false;
    }
    img->dev = (struct fs_blockdev){.ctx = img,
                                    .nblocks = (uint64_t)st.st_size / FS_BLOCK_SIZE,
                                    .read = image_read,
                                    .write = image_write,
                                    .flush = image_flush};
    return true;
}

void image_close(struct image *img)
{
    if (img->fd >= 0)
        close(img->fd);
    img->fd = -1;
}

void image_report(void *prog, const char *line)
{
    fprintf(stderr, "%s: %s\n", (const char *)prog, line);
}

unsigned long long image_parse_size(const char *text)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || text[0] == '-')
        return 0;
    unsigned shift = 0;
    switch (*end) {
    case 'K':
    case 'k':
        shift = 10;
        end++;
        break;
    case 'M':
    case 'm':
        shift = 20;
        end++;
        break;
    case 'G':
    case 'g':
        shift = 30;
        end++;
        break;
    default: break;
    }
    if (*end == 'i' && shift)
        end++;
    if (*end == 'B' && shift)
        end++;
    if (*end || v > (~0ull >> shift))
        return 0;
    return v << shift;
}
