/* xpcfs-fsck: check an xpcfs image and say in plain lines what is wrong. Changes nothing. */
#include <getopt.h>
#include <stdio.h>

#include "image.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: xpcfs-fsck [-q] IMAGE\n"
                 "Check the xpcfs file system in IMAGE without changing it: superblock, log,\n"
                 "inodes, directories, link counts, bitmaps against what files use. A committed\n"
                 "transaction in the log is checked as the next mount will see it (replayed).\n"
                 "  -q, --quiet   print only problems\n"
                 "  -h, --help    this text\n"
                 "Exit status (as e2fsck's): 0 clean, 4 problems found (left uncorrected),\n"
                 "8 operational error (cannot read the image), 16 usage error.\n");
}

static void print_line(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int quiet = 0, c;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 16;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "xpcfs-fsck: name one image file (try --help)\n");
        return 16;
    }
    struct image img;
    if (!image_open(&img, argv[optind], true))
        return 8;
    struct fs_check_result res;
    int rc = fs_check(&img.dev, print_line, NULL, &res);
    image_close(&img);
    if (rc < 0) {
        fprintf(stderr, "xpcfs-fsck: %s: %s\n", argv[optind], fs_strerror(rc));
        return 8;
    }
    if (rc > 0) {
        printf("%s: %u problem%s found\n", argv[optind], res.problems,
               res.problems == 1 ? "" : "s");
        return 4;
    }
    if (!quiet)
        printf("%s: clean, %llu files, %llu directories, %llu blocks in use\n", argv[optind],
               (unsigned long long)res.files, (unsigned long long)res.directories,
               (unsigned long long)res.used_blocks);
    return 0;
}
