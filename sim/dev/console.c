/* Raw host terminal for the guest console: the guest does its own echo and line editing, and
 * Ctrl-C must reach it, so the emulator is left only with Ctrl-A x to quit (see uart.c). */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "../console.h"

static struct termios saved_mode;
static int saved_fd = -1;

static void console_restore(void)
{
    if (saved_fd >= 0)
        tcsetattr(saved_fd, TCSANOW, &saved_mode);
}

void console_raw_mode(int fd)
{
    static bool registered;
    if (saved_fd >= 0 || !isatty(fd) || tcgetattr(fd, &saved_mode) != 0)
        return;
    struct termios raw = saved_mode;
    /* cfmakeraw() is not POSIX; these are the flags it clears, but output processing stays on so
     * host-side diagnostics still start at column 0. */
    raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    raw.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    raw.c_cflag |= CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &raw) != 0)
        return;
    saved_fd = fd;
    if (!registered) {
        registered = true;
        atexit(console_restore);
    }
}
