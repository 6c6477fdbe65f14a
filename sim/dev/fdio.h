/* Writing device output to a host file descriptor. */
#ifndef SIM_DEV_FDIO_H
#define SIM_DEV_FDIO_H

#include <stddef.h>

/* Write all of buf to fd (nothing if fd < 0). Retries on EINTR; on a non-blocking fd that is full,
 * waits up to a second for room; gives up silently on a closed or broken fd, as a disconnected
 * serial line loses what is sent to it. */
void fd_write_all(int fd, const void *buf, size_t len);

#endif
