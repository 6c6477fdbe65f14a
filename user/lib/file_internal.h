/* What the POSIX file layer's parts share (not a public header). */
#ifndef USER_LIB_FILE_INTERNAL_H
#define USER_LIB_FILE_INTERNAL_H

#include <stdint.h>
#include <sys/stat.h>
#include <xpc/fileproto.h>

/* Sets errno to -status and returns -1. */
int file_fail(int64_t status);
/* Puts the absolute, normalised form of path into the data buffer and m->len: 0 or -errno
 * (ENOENT for an empty path, ENAMETOOLONG, ENOSYS without a file system). */
int64_t file_path_request(struct file_msg *m, const char *path);
/* Opens with protocol flags: a descriptor, or -1 with errno. */
int file_open_handle(const char *path, unsigned flags, unsigned mode);
/* One directory entry through the descriptor's server handle: 1 (entry, *next = the cookie
 * after it), 0 (end) or -errno. */
int64_t file_readdir_call(int fd, uint64_t cookie, struct file_dirent *out, uint64_t *next);
void file_stat_to_posix(const struct file_stat *in, struct stat *out);

#endif
