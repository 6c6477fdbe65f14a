#define _XOPEN_SOURCE 600
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"

/* Runs after console.c's restore handler (atexit is last-in, first-out) and ends the forked
 * child before LeakSanitizer's exit check, which cannot stop the test runner's copied threads. */
static void end_child_quietly(void)
{
    _exit(0);
}

static int master = -1, slave = -1;

static void setup(void)
{
    master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0)
        return;
    if (grantpt(master) != 0 || unlockpt(master) != 0) {
        close(master);
        master = -1;
        return;
    }
    slave = open(ptsname(master), O_RDWR | O_NOCTTY);
}

static void teardown(void)
{
    if (slave >= 0)
        close(slave);
    if (master >= 0)
        close(master);
}

TestSuite(console, .init = setup, .fini = teardown);

static struct termios mode(int fd)
{
    struct termios t;
    cr_assert_eq(tcgetattr(fd, &t), 0);
    return t;
}

Test(console, raw_mode_passes_every_key)
{
    if (slave < 0)
        cr_skip_test("no pseudo-terminal available");
    struct termios before = mode(slave);
    cr_assert(before.c_lflag & ICANON, "a fresh pty starts cooked");
    console_raw_mode(slave);
    struct termios t = mode(slave);
    cr_expect_eq(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN), 0);
    cr_expect_eq(t.c_iflag & (ICRNL | IXON), 0, "Ctrl-S/Ctrl-Q and CR reach the guest");
    cr_expect_eq(t.c_cc[VMIN], 1);
    cr_expect(t.c_oflag & OPOST, "host messages still start at column 0");
}

Test(console, mode_restored_at_exit)
{
    if (slave < 0)
        cr_skip_test("no pseudo-terminal available");
    struct termios before = mode(slave);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        atexit(end_child_quietly);
        console_raw_mode(slave);
        exit(0);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    struct termios after = mode(slave);
    cr_expect_eq(after.c_lflag, before.c_lflag);
    cr_expect_eq(after.c_iflag, before.c_iflag);
}

Test(console, not_a_terminal_is_left_alone)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    console_raw_mode(fds[0]);
    console_raw_mode(-1);
    cr_expect_eq(fcntl(fds[0], F_GETFD), 0, "still open and untouched");
    close(fds[0]);
    close(fds[1]);
}
