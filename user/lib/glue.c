/* What picolibc needs from the system: console streams, heap, exit and clocks. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/times.h>
#include <xpc/usys.h>

static int console_put(char c, FILE *f)
{
    (void)f;
    sys_debug_write(&c, 1);
    return (unsigned char)c;
}

static int console_get(FILE *f)
{
    (void)f;
    char c;
    if (sys_debug_read(&c, 1, 1) != 1)
        return EOF;
    return (unsigned char)c == '\r' ? '\n' : (unsigned char)c;
}

static FILE console = FDEV_SETUP_STREAM(console_put, console_get, NULL, _FDEV_SETUP_RW);
FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;

void *sbrk(ptrdiff_t incr)
{
    static uint64_t cur;
    if (!cur)
        cur = (uint64_t)sys_brk(0);
    uint64_t old = cur;
    if (incr > 0) {
        int64_t r = sys_brk(cur + (uint64_t)incr);
        if (r < 0)
            return (void *)-1;
    }
    cur += (uint64_t)incr;
    return (void *)old;
}

void _exit(int code)
{
    sys_exit(code);
}

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    uint64_t ns = sys_clock_ns();
    tv->tv_sec = (time_t)(ns / 1000000000u);
    tv->tv_usec = (suseconds_t)(ns / 1000 % 1000000);
    return 0;
}

clock_t times(struct tms *t)
{
    clock_t c = (clock_t)(sys_clock_ns() / (1000000000u / CLOCKS_PER_SEC));
    if (t) {
        t->tms_utime = c;
        t->tms_stime = t->tms_cutime = t->tms_cstime = 0;
    }
    return c;
}
