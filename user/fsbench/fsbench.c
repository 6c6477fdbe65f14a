/* fsbench: the storage benchmark's workload (bench/storage/run.sh, docs/storage.md). Through the
 * POSIX calls, on whatever file system server the process was given: sequential write and read
 * of a file, 4 KiB random reads and writes in it, small files created and deleted. Each phase
 * is timed with the cycle counter (modeled cycles under --timing=rocket) and printed as
 *
 *   fsbench: PHASE OPS ops BYTES bytes CYCLES cycles
 *
 * usage: fsbench [mib=N] [ops=N] [files=N] */
#define _DEFAULT_SOURCE /* fsync under -std=c11 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xpc/benchstat.h>

#define SEQ_CHUNK (64u << 10)
#define RAND_IO   4096u

static uint8_t buf[SEQ_CHUNK];
static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void report(const char *phase, unsigned long ops, uint64_t bytes, uint64_t cycles)
{
    printf("fsbench: %s %lu ops %llu bytes %llu cycles\n", phase, ops, (unsigned long long)bytes,
           (unsigned long long)cycles);
}

static int fail(const char *what)
{
    printf("fsbench: FAILED %s\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    unsigned long mib = 4, ops = 256, files = 128;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: fsbench [mib=N] [ops=N] [files=N]\n"
                   "  sequential write and read of an N MiB file (64 KiB calls), ops 4 KiB random\n"
                   "  reads and writes, files small files created and deleted; cycles per phase\n");
            return 0;
        }
        if (!strncmp(argv[i], "mib=", 4))
            mib = strtoul(argv[i] + 4, NULL, 10);
        if (!strncmp(argv[i], "ops=", 4))
            ops = strtoul(argv[i] + 4, NULL, 10);
        if (!strncmp(argv[i], "files=", 6))
            files = strtoul(argv[i] + 6, NULL, 10);
    }
    uint64_t size = (uint64_t)mib << 20;
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)rnd();

    int fd = open("/bench.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return fail("create /bench.dat");
    uint64_t t = rdcycle();
    for (uint64_t done = 0; done < size; done += SEQ_CHUNK)
        if (write(fd, buf, SEQ_CHUNK) != (ssize_t)SEQ_CHUNK)
            return fail("sequential write");
    if (fsync(fd) < 0)
        return fail("fsync");
    report("seq-write", (unsigned long)(size / SEQ_CHUNK), size, rdcycle() - t);

    lseek(fd, 0, SEEK_SET);
    t = rdcycle();
    for (uint64_t done = 0; done < size; done += SEQ_CHUNK)
        if (read(fd, buf, SEQ_CHUNK) != (ssize_t)SEQ_CHUNK)
            return fail("sequential read");
    report("seq-read", (unsigned long)(size / SEQ_CHUNK), size, rdcycle() - t);

    uint64_t blocks = size / RAND_IO;
    t = rdcycle();
    for (unsigned long i = 0; i < ops; i++)
        if (pread(fd, buf, RAND_IO, (off_t)(rnd() % blocks * RAND_IO)) != (ssize_t)RAND_IO)
            return fail("random read");
    report("rand-read-4k", ops, (uint64_t)ops * RAND_IO, rdcycle() - t);

    t = rdcycle();
    for (unsigned long i = 0; i < ops; i++)
        if (pwrite(fd, buf, RAND_IO, (off_t)(rnd() % blocks * RAND_IO)) != (ssize_t)RAND_IO)
            return fail("random write");
    if (fsync(fd) < 0)
        return fail("fsync");
    report("rand-write-4k", ops, (uint64_t)ops * RAND_IO, rdcycle() - t);
    close(fd);
    unlink("/bench.dat");

    char path[32];
    t = rdcycle();
    for (unsigned long i = 0; i < files; i++) {
        snprintf(path, sizeof(path), "/f%lu", i);
        int f = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (f < 0 || write(f, buf, 1024) != 1024 || close(f) < 0)
            return fail("create");
    }
    report("create-1k", files, (uint64_t)files * 1024, rdcycle() - t);
    t = rdcycle();
    for (unsigned long i = 0; i < files; i++) {
        snprintf(path, sizeof(path), "/f%lu", i);
        if (unlink(path) < 0)
            return fail("delete");
    }
    sync();
    report("delete", files, 0, rdcycle() - t);
    return 0;
}
