/* Console output shared by the UART and HTIF. The terminal is often shared between stdin and
 * stdout, so another program (or a shell) may have made it non-blocking: output then waits for
 * room instead of being dropped, but a stalled reader can never hang the machine. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>

#include "fdio.h"

void fd_write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0 && fd >= 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};
            if (poll(&pfd, 1, 1000) > 0)
                continue;
        }
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}
