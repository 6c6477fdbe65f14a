/* An image file as an xpcfs block device, for the host tools. */
#ifndef FS_TOOLS_IMAGE_H
#define FS_TOOLS_IMAGE_H

#include <stdbool.h>

#include "fs/fs.h"

struct image {
    int fd;
    const char *path;
    struct fs_blockdev dev;
};

/* Open `path` (read-write unless read_only) and describe it as a device; on failure print one
 * line naming the problem to stderr and return false. */
bool image_open(struct image *img, const char *path, bool read_only);
void image_close(struct image *img);
/* Print "prog: line" to stderr: the report callback the tools hand the core. */
void image_report(void *prog, const char *line);
/* "64M", "1G", "4096": bytes, or 0 when malformed. */
unsigned long long image_parse_size(const char *text);

#endif
