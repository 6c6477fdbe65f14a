/* The process calls POSIX programs (SQLite's shell) ask for beyond what picolibc's glue needs,
 * answered as a system with one user, no process numbers and no signals would. Linked with the
 * file layer (FILE_SRCS), so programs without files keep their code placement. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>
#include <xpc/usys.h>

/* The kernel names processes by handles, not numbers: every process sees itself as 1. */
pid_t getpid(void)
{
    return 1;
}

/* One user, the superuser (no permissions to check). */
uid_t getuid(void)
{
    return 0;
}

uid_t geteuid(void)
{
    return 0;
}

/* The one user's entry: root, whose home is the root directory. */
struct passwd *getpwuid(uid_t uid)
{
    static char name[] = "root", dir[] = "/", shell[] = "shell";
    static struct passwd root = {.pw_name = name, .pw_dir = dir, .pw_shell = shell};
    if (uid != 0) {
        errno = 0; /* POSIX: no such entry is NULL with errno unchanged or 0 */
        return NULL;
    }
    return &root;
}

/* No signals: nothing can be delivered to any process. */
int kill(pid_t pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = ENOSYS;
    return -1;
}

/* The machine's clock stands for the process's time: the kernel does not account it per
 * process. */
int getrusage(int who, struct rusage *r)
{
    if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN) {
        errno = EINVAL;
        return -1;
    }
    memset(r, 0, sizeof(*r));
    if (who == RUSAGE_SELF) {
        uint64_t us = sys_clock_ns() / 1000;
        r->ru_utime.tv_sec = (time_t)(us / 1000000);
        r->ru_utime.tv_usec = (suseconds_t)(us % 1000000);
    }
    return 0;
}
