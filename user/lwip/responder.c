/* lwipresp: a tiny TCP responder on lwIP (raw API, NO_SYS) over the frame protocol: the guest
 * at 10.0.2.15/24 (gateway 10.0.2.2, slirp's defaults) listens on a port and answers every
 * connection with one fixed HTTP/1.0 response after the request's blank line, then closes it.
 * After `conns` connections it exits (its starter then powers the machine off), so a host test
 * that reaches it through -netdev user,hostfwd=... ends by itself.
 *
 * usage: lwipresp [port=80] [conns=N]   (its starter sends the driver's service handle) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include <xpc/transport.h>

#include "framenetif.h"
#include "lwip/init.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#define POLL_NS 1000000u /* wait for a frame at most 1 ms, then run lwIP's timers */

static const char body[] = "hello from lwIP on XPC\n";
static char response[160];
static unsigned served, open_conns;

struct conn {
    char tail[4]; /* the last bytes seen, to find "\r\n\r\n" across segments */
    int answered;
};

static void finish(struct tcp_pcb *pcb, struct conn *c)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    free(c);
    if (tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb);
    open_conns--;
    served++;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)len;
    struct conn *c = arg;
    if (c && c->answered && tcp_sndbuf(pcb) == TCP_SND_BUF)
        finish(pcb, c);
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct conn *c = arg;
    if (!p || err != ERR_OK) { /* the client closed (or failed) */
        if (p)
            pbuf_free(p);
        if (c)
            finish(pcb, c);
        return ERR_OK;
    }
    tcp_recved(pcb, p->tot_len);
    for (struct pbuf *q = p; q && !c->answered; q = q->next)
        for (u16_t i = 0; i < q->len && !c->answered; i++) {
            memmove(c->tail, c->tail + 1, 3);
            c->tail[3] = ((const char *)q->payload)[i];
            if (!memcmp(c->tail, "\r\n\r\n", 4)) {
                c->answered = 1;
                tcp_write(pcb, response, strlen(response), TCP_WRITE_FLAG_COPY);
                tcp_output(pcb);
            }
        }
    pbuf_free(p);
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    (void)err;
    free(arg); /* the pcb is already gone */
    open_conns--;
    served++;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return ERR_MEM;
    open_conns++;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    return ERR_OK;
}

int main(int argc, char **argv)
{
    unsigned port = 80, conns = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: lwipresp [port=80] [conns=N]\n"
                   "  answers N TCP connections with one HTTP/1.0 response on lwIP, as\n"
                   "  10.0.2.15/24 (gateway 10.0.2.2); its starter sends the network driver's\n"
                   "  service handle (netvirtio)\n");
            return 0;
        }
        if (!strncmp(argv[i], "port=", 5))
            port = (unsigned)strtoul(argv[i] + 5, NULL, 10);
        if (!strncmp(argv[i], "conns=", 6))
            conns = (unsigned)strtoul(argv[i] + 6, NULL, 10);
    }
    uint64_t driver_handle;
    struct tp_conn driver;
    if (tp_receive_handles(&driver_handle, 1) != 1 || tp_connect(driver_handle, 4096, &driver)) {
        printf("lwipresp: no network driver\n");
        return 2;
    }
    snprintf(response, sizeof response,
             "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %u\r\n\r\n%s",
             (unsigned)strlen(body), body);
    lwip_init();
    static struct netif nif;
    int64_t e = framenetif_add(&nif, &driver, 0x0a00020f, 0xffffff00, 0x0a000202);
    struct tcp_pcb *listener = tcp_new();
    if (e < 0 || !listener || tcp_bind(listener, IP_ADDR_ANY, (u16_t)port) != ERR_OK ||
        !(listener = tcp_listen(listener))) {
        printf("lwipresp: cannot listen on port %u\n", port);
        return 1;
    }
    tcp_accept(listener, on_accept);
    printf("lwipresp: listening on 10.0.2.15:%u for %u connections\n", port, conns);
    while (served < conns || open_conns) {
        if (framenetif_poll(&nif, POLL_NS) < 0) {
            printf("lwipresp: the network driver failed\n");
            return 1;
        }
        sys_check_timeouts();
    }
    tcp_close(listener);
    printf("lwipresp: served %u connections\n", served);
    tp_close(&driver);
    return 0;
}
