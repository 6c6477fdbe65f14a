/* xpcfs-mkfs: make an xpcfs image (a new file of a given size) or format an existing file. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/disk.h"
#include "image.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: xpcfs-mkfs [options] IMAGE\n"
            "Make an empty xpcfs file system (root directory only) in the file IMAGE.\n"
            "  -s, --size SIZE       create IMAGE (or resize it) to SIZE bytes first; suffixes\n"
            "                        K, M, G (powers of two). Without it IMAGE must exist and\n"
            "                        is formatted at its size (whole 4 KiB blocks).\n"
            "  -i, --inodes N        number of inodes (default: one per 16 KiB)\n"
            "  -l, --log-blocks N    log size in 4 KiB blocks (default: 1/16 of the image,\n"
            "                        160 to 1001)\n"
            "  -q, --quiet           print nothing on success\n"
            "  -h, --help            this text\n"
            "Sizes: at least 2 MiB; only the first 64 GiB of a larger file is used.\n");
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {{"size", required_argument, 0, 's'},
                                             {"inodes", required_argument, 0, 'i'},
                                             {"log-blocks", required_argument, 0, 'l'},
                                             {"quiet", no_argument, 0, 'q'},
                                             {"help", no_argument, 0, 'h'},
                                             {0, 0, 0, 0}};
    unsigned long long size = 0;
    struct fs_format_options opt = {0};
    int quiet = 0, c;
    while ((c = getopt_long(argc, argv, "s:i:l:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            size = image_parse_size(optarg);
            if (!size) {
                fprintf(stderr, "xpcfs-mkfs: bad size '%s' (want e.g. 64M)\n", optarg);
                return 16;
            }
            break;
        case 'i': opt.inodes = image_parse_size(optarg); break;
        case 'l': opt.log_blocks = (uint32_t)image_parse_size(optarg); break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 16;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "xpcfs-mkfs: name one image file (try --help)\n");
        return 16;
    }
    const char *path = argv[optind];
    if (size) {
        int fd = open(path, O_WRONLY | O_CREAT, 0644);
        if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
            fprintf(stderr, "xpcfs-mkfs: %s: %s\n", path, strerror(errno));
            return 8;
        }
        close(fd);
    }
    struct image img;
    if (!image_open(&img, path, false))
        return 8;
    int rc = fs_format(&img.dev, &opt);
    if (rc < 0) {
        if (rc == -ENOSPC)
            fprintf(stderr, "xpcfs-mkfs: %s: too small (%llu bytes; at least 2 MiB)\n", path,
                    (unsigned long long)img.dev.nblocks * FS_BLOCK_SIZE);
        else
            fprintf(stderr, "xpcfs-mkfs: %s: %s\n", path, fs_strerror(rc));
        image_close(&img);
        return 8;
    }
    struct fs *fs;
    struct fs_mount_options mo = {
        .read_only = 1, .report = image_report, .report_ctx = "xpcfs-mkfs"};
    rc = fs_mount(&fs, &img.dev, &mo);
    if (rc == 0) {
        struct fs_statfs st;
        fs_statfs(fs, &st);
        if (!quiet)
            printf("%s: xpcfs, %llu blocks of 4 KiB (%llu MiB), %llu free, %llu inodes\n", path,
                   (unsigned long long)st.blocks, (unsigned long long)st.blocks / 256,
                   (unsigned long long)st.free_blocks, (unsigned long long)st.inodes);
        fs_unmount(fs);
    } else {
        fprintf(stderr, "xpcfs-mkfs: %s: the new file system does not mount: %s\n", path,
                fs_strerror(rc));
    }
    image_close(&img);
    return rc < 0 ? 8 : 0;
}
