/* The GDB remote serial protocol's transport: one TCP connection, packets "$data#cs" with
 * acknowledgements until QStartNoAckMode, and Ctrl-C as a lone 0x03 byte. A debugger that sends
 * garbage or goes away loses its connection, never the machine. */
/* getaddrinfo, MSG_NOSIGNAL: POSIX 2008, also when built without the sim Makefile's flags. */
#define _POSIX_C_SOURCE 200809L
#include "gdb/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char hexdigits[] = "0123456789abcdef";

void hex_encode(char *out, const uint8_t *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdigits[bytes[i] >> 4];
        out[2 * i + 1] = hexdigits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool hex_decode(uint8_t *out, const char *hex, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(hex[2 * i]), lo = hi < 0 ? -1 : hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool hex_number(const char **s, uint64_t *v)
{
    const char *p = *s;
    uint64_t r = 0;
    int d, digits = 0;
    while ((d = hex_value(*p)) >= 0 && digits < 16) {
        r = r << 4 | (uint64_t)d;
        p++, digits++;
    }
    if (!digits || hex_value(*p) >= 0)
        return false;
    *s = p;
    *v = r;
    return true;
}

bool rsp_accept(struct gdb *g, bool blocking)
{
    if (g->fd >= 0)
        return true;
    struct pollfd p = {.fd = g->listen_fd, .events = POLLIN};
    if (poll(&p, 1, blocking ? -1 : 0) <= 0)
        return false;
    int fd = accept(g->listen_fd, NULL, NULL);
    if (fd < 0)
        return false;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    g->fd = fd;
    g->no_ack = false;
    g->in_len = g->in_pos = 0;
    return true;
}

void rsp_disconnect(struct gdb *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
}

/* The next byte from the debugger (waiting for it), or -1 when it went away. */
static int next_byte(struct gdb *g)
{
    if (g->in_pos == g->in_len) {
        if (g->fd < 0)
            return -1;
        ssize_t r;
        do
            r = read(g->fd, g->in, sizeof g->in);
        while (r < 0 && errno == EINTR);
        if (r <= 0) {
            rsp_disconnect(g);
            return -1;
        }
        g->in_len = (size_t)r;
        g->in_pos = 0;
    }
    return (unsigned char)g->in[g->in_pos++];
}

static bool write_all(struct gdb *g, const char *s, size_t n)
{
    while (n && g->fd >= 0) {
        ssize_t w = send(g->fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rsp_disconnect(g);
            return false;
        }
        s += w, n -= (size_t)w;
    }
    return g->fd >= 0;
}

int rsp_receive(struct gdb *g)
{
    for (;;) {
        int c = next_byte(g);
        if (c < 0)
            return -1;
        if (c == 0x03)
            return 0;
        if (c != '$')
            continue; /* acks, and noise between packets */
        size_t n = 0;
        unsigned sum = 0;
        bool overflow = false;
        while ((c = next_byte(g)) >= 0 && c != '#') {
            sum += (unsigned)c;
            if (n < GDB_PACKET_MAX)
                g->packet[n++] = (char)c;
            else
                overflow = true;
        }
        int c1 = c < 0 ? -1 : next_byte(g), c2 = c1 < 0 ? -1 : next_byte(g);
        if (c2 < 0)
            return -1;
        g->packet[n] = '\0';
        bool good = !overflow && hex_value((char)c1) >= 0 && hex_value((char)c2) >= 0 &&
                    (unsigned)(hex_value((char)c1) << 4 | hex_value((char)c2)) == (sum & 0xff);
        if (g->no_ack) {
            if (good)
                return 1;
            continue; /* nothing to resend without acks: drop it */
        }
        if (!write_all(g, good ? "+" : "-", 1))
            return -1;
        if (good)
            return 1;
    }
}

bool rsp_send(struct gdb *g, const char *payload)
{
    size_t n = strlen(payload);
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (unsigned char)payload[i];
    char tail[4];
    snprintf(tail, sizeof tail, "#%02x", sum & 0xff);
    for (int attempt = 0; attempt < 3; attempt++) {
        if (!write_all(g, "$", 1) || !write_all(g, payload, n) || !write_all(g, tail, 3))
            return false;
        if (g->no_ack)
            return true;
        int c;
        while ((c = next_byte(g)) >= 0 && c != '+' && c != '-')
            ;
        if (c < 0)
            return false;
        if (c == '+')
            return true;
    }
    return true; /* three refusals: go on, the debugger will ask again */
}

bool rsp_interrupt_pending(struct gdb *g)
{
    if (g->fd < 0)
        return false;
    while (g->in_pos < g->in_len)
        if (g->in[g->in_pos++] == 0x03)
            return true;
    struct pollfd p = {.fd = g->fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0)
        return false;
    int c = next_byte(g);
    return c == 0x03;
}
