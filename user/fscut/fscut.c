/* fscut: the workload of the power-cut test (tests/storage/powercut.sh). It changes files under
 * /cut at random, forever or for ops=N operations, and says on the console, one line each, what
 * must survive a power cut from that moment on, so a checker on the host can hold the disk to
 * it after the machine was stopped at a random instruction:
 *
 *   fscut: pending PATH SIZE CRC end   PATH may from now on hold these bytes (a replacement
 *                                      is under way: the old or the new contents survive)
 *   fscut: file PATH SIZE CRC end      an fsync returned: PATH holds exactly these bytes
 *   fscut: pending-gone PATH end       PATH is being removed (it may survive or not)
 *   fscut: gone PATH end               a sync returned after the unlink: PATH does not exist
 *   fscut: prefix PATH SIZE CRC end    an fsync returned: PATH starts with these SIZE bytes
 *
 * CRC is the CRC-32 of zlib (Python's zlib.crc32). Files it does not name (scratch files,
 * directories made and removed, writes never synced) only have to leave fsck clean. */
#define _DEFAULT_SOURCE /* sync, ftruncate under -std=c11 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#define SLOTS    8
#define MAX_FILE (96u << 10)
#define LOG_PATH "/cut/log"

static uint64_t rng_state;
static uint8_t buf[MAX_FILE];

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = crc >> 1 ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

static void fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(rnd() >> 24);
}

static void die(const char *what, const char *path)
{
    printf("fscut: FAILED %s %s\n", what, path);
    exit(1);
}

/* Writes n bytes of buf to fd in pieces of random size. */
static void write_pieces(int fd, const uint8_t *p, size_t n, const char *path)
{
    while (n) {
        size_t k = 1 + rnd() % (16u << 10);
        if (k > n)
            k = n;
        if (write(fd, p, k) != (ssize_t)k)
            die("write", path);
        p += k;
        n -= k;
    }
}

/* A new version of /cut/fI: written under a temporary name, synced, renamed over the old one. */
static void replace_file(unsigned slot)
{
    char path[32];
    snprintf(path, sizeof(path), "/cut/f%u", slot);
    size_t n = rnd() % MAX_FILE;
    fill(buf, n);
    uint32_t crc = crc32_update(0, buf, n);
    int fd = open("/cut/tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("create", "/cut/tmp");
    write_pieces(fd, buf, n, "/cut/tmp");
    if (fsync(fd) < 0)
        die("fsync", "/cut/tmp");
    close(fd);
    printf("fscut: pending %s %lu %08lx end\n", path, (unsigned long)n, (unsigned long)crc);
    if (rename("/cut/tmp", path) < 0)
        die("rename", path);
    fd = open(path, O_RDONLY);
    if (fd < 0 || fsync(fd) < 0)
        die("fsync", path);
    close(fd);
    printf("fscut: file %s %lu %08lx end\n", path, (unsigned long)n, (unsigned long)crc);
}

static void remove_file(unsigned slot)
{
    char path[32];
    snprintf(path, sizeof(path), "/cut/f%u", slot);
    struct stat st;
    if (stat(path, &st) < 0)
        return;
    printf("fscut: pending-gone %s end\n", path);
    if (unlink(path) < 0)
        die("unlink", path);
    sync();
    printf("fscut: gone %s end\n", path);
}

static uint32_t log_crc;
static size_t log_size;

static void append_log(void)
{
    size_t n = 1 + rnd() % (8u << 10);
    fill(buf, n);
    int fd = open(LOG_PATH, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0)
        die("open", LOG_PATH);
    write_pieces(fd, buf, n, LOG_PATH);
    log_crc = crc32_update(log_crc, buf, n);
    log_size += n;
    if (rnd() % 2) {
        if (fsync(fd) < 0)
            die("fsync", LOG_PATH);
        printf("fscut: prefix %s %lu %08lx end\n", LOG_PATH, (unsigned long)log_size,
               (unsigned long)log_crc);
    }
    close(fd);
}

/* Changes nobody waits for: they only have to leave the file system consistent. */
static void churn(void)
{
    char path[32];
    unsigned k = (unsigned)(rnd() % 4);
    switch (rnd() % 4) {
    case 0: {
        snprintf(path, sizeof(path), "/cut/s%u", k);
        int fd = open(path, O_RDWR | O_CREAT, 0644);
        if (fd < 0)
            die("open", path);
        size_t n = rnd() % (32u << 10);
        fill(buf, n);
        lseek(fd, (off_t)(rnd() % (64u << 10)), SEEK_SET);
        write_pieces(fd, buf, n, path);
        close(fd);
        break;
    }
    case 1: {
        snprintf(path, sizeof(path), "/cut/s%u", k);
        int fd = open(path, O_WRONLY);
        if (fd >= 0) {
            ftruncate(fd, (off_t)(rnd() % (40u << 10)));
            close(fd);
        }
        break;
    }
    case 2:
        snprintf(path, sizeof(path), "/cut/d%u", k);
        if (mkdir(path, 0755) < 0)
            rmdir(path);
        break;
    default: {
        char to[32];
        snprintf(path, sizeof(path), "/cut/s%u", k);
        snprintf(to, sizeof(to), "/cut/s%u", (k + 1) % 4);
        rename(path, to);
        break;
    }
    }
}

int main(int argc, char **argv)
{
    unsigned long seed = 1, ops = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: fscut [seed=N] [ops=N]\n"
                   "  random changes under /cut (ops=0: forever), each durable one announced on\n"
                   "  the console for the power-cut test's checker (see the source's header)\n");
            return 0;
        }
        if (!strncmp(argv[i], "seed=", 5))
            seed = strtoul(argv[i] + 5, NULL, 10);
        if (!strncmp(argv[i], "ops=", 4))
            ops = strtoul(argv[i] + 4, NULL, 10);
    }
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    setvbuf(stdout, NULL, _IONBF, 0); /* a line on the console means the call returned */
    if (mkdir("/cut", 0755) < 0) {
        printf("fscut: /cut exists: start on a fresh disk\n");
        return 1;
    }
    sync();
    printf("fscut: started, seed %lu\n", seed);
    for (unsigned long i = 0; ops == 0 || i < ops; i++) {
        unsigned r = (unsigned)(rnd() % 100);
        if (r < 30)
            replace_file((unsigned)(rnd() % SLOTS));
        else if (r < 40)
            remove_file((unsigned)(rnd() % SLOTS));
        else if (r < 65)
            append_log();
        else
            churn();
    }
    printf("fscut: done, %lu operations\n", ops);
    return 0;
}
