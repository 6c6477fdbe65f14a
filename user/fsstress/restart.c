/* The file system server killed by the kernel in the middle of calls, then started again: the
 * call in flight gets EIO, the calls after it go to the new server and work, and a second round
 * leaves the kernel's object, handle, heap and frame counts where the first one left them. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <xpc/fileclient.h>
#include <xpc/transport.h>
#include <xpc/usys.h>
#include "fsstress.h"

struct killer {
    volatile int64_t victim;
    volatile uint64_t delay_ns;
};

/* Runs on a static stack without TLS (system calls only), so this process's memory does not
 * grow between the rounds. */
static void killer_thread(struct killer *k)
{
    sys_sleep_ns(k->delay_ns);
    sys_kill((uint64_t)k->victim);
    sys_thread_exit(0);
}

static uint8_t killer_stack[4096] __attribute__((aligned(16)));

static void one_round(const char *fsd_args, uint64_t delay_ns)
{
    struct tp_service fsd;
    int64_t r = tp_service_start("fsd", fsd_args, NULL, 0, &fsd);
    EXPECT(r == 0, "fsd starts for the kill round: %ld", (long)r);
    if (r < 0)
        return;
    file_connect((uint64_t)tp_service_share(fsd.handle));
    int fd = open("/victim", O_CREAT | O_RDWR, 0644);
    EXPECT(fd >= 0, "a file on the server to be killed");
    static struct killer k;
    k.victim = fsd.proc;
    k.delay_ns = delay_ns;
    int64_t t =
        sys_thread_create((uint64_t)killer_thread, (uint64_t)killer_stack + sizeof(killer_stack),
                          (uint64_t)&k, DEFAULT_PRIORITY);
    EXPECT(t > 0, "the killer thread");
    static char block[16384];
    int calls = 0, err = 0;
    for (; calls < 100000; calls++)
        if (pwrite(fd, block, sizeof(block), 0) < 0) {
            err = errno;
            break;
        }
    EXPECT(err == EIO, "the call in flight when the server died: errno %d after %d calls", err,
           calls);
    EXPECT(read(fd, block, 1) < 0 && errno == EIO, "a later call to the dead server: EIO");
    if (t > 0) {
        sys_object_wait((uint64_t)t);
        sys_handle_close((uint64_t)t);
    }
    close(fd);
    file_connect(0);
    tp_service_stop(&fsd);
    /* Started again: the calls work. */
    r = tp_service_start("fsd", fsd_args, NULL, 0, &fsd);
    EXPECT(r == 0, "fsd starts again");
    if (r < 0)
        return;
    file_connect((uint64_t)tp_service_share(fsd.handle));
    fd = open("/again", O_CREAT | O_RDWR, 0644);
    char back[5] = {0};
    EXPECT(fd >= 0 && write(fd, "works", 5) == 5 && pread(fd, back, 5, 0) == 5 &&
               !memcmp(back, "works", 5),
           "the new server works");
    close(fd);
    file_connect(0);
    tp_service_stop(&fsd);
}

void server_kill(const char *fsd_args)
{
    struct kstats a, b;
    one_round(fsd_args, 30000000);
    sys_kstats(&a);
    one_round(fsd_args, 45000000);
    sys_kstats(&b);
    int same =
        a.frames_used == b.frames_used && a.heap_bytes == b.heap_bytes && a.handles == b.handles;
    for (int i = 0; i < OBJ_TYPE_COUNT; i++)
        same &= a.objects[i] == b.objects[i];
    EXPECT(same,
           "a kill round leaks nothing: frames %lu -> %lu, heap %lu -> %lu, handles %lu -> %lu",
           (unsigned long)a.frames_used, (unsigned long)b.frames_used, (unsigned long)a.heap_bytes,
           (unsigned long)b.heap_bytes, (unsigned long)a.handles, (unsigned long)b.handles);
}
