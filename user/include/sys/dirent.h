/* Directory streams for <dirent.h> (picolibc leaves the system part out; this user library
 * provides opendir/readdir/closedir over the file protocol, lib/file_path.c). */
#ifndef XPC_SYS_DIRENT_H
#define XPC_SYS_DIRENT_H

#include <stdint.h>
#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_DIR     4
#define DT_REG     8

struct dirent {
    ino_t d_ino;
    unsigned char d_type;
    char d_name[256];
};

typedef struct {
    int fd;
    uint64_t cookie;
    struct dirent entry;
} DIR;

#endif
