/* The frame protocol under lwIP: linkoutput is NET_OP_SEND, polling is NET_OP_RECV. */
#include "framenetif.h"

#include <string.h>
#include <xpc/netproto.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

static uint8_t out_frame[NET_FRAME_MAX], in_frame[NET_FRAME_MAX];

static err_t link_output(struct netif *nif, struct pbuf *p)
{
    struct tp_conn *c = nif->state;
    if (p->tot_len > sizeof out_frame)
        return ERR_BUF;
    uint16_t n = pbuf_copy_partial(p, out_frame, p->tot_len, 0);
    struct tp_req r = {.op = NET_OP_SEND, .buf = out_frame, .len = n, .cap = n};
    return tp_call(c, &r) == 0 ? ERR_OK : ERR_IF;
}

static err_t init(struct netif *nif)
{
    nif->name[0] = 'v';
    nif->name[1] = 'n';
    nif->mtu = NET_FRAME_MAX - 14;
    nif->hwaddr_len = 6;
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    nif->output = etharp_output;
    nif->linkoutput = link_output;
    return ERR_OK;
}

int64_t framenetif_add(struct netif *nif, struct tp_conn *driver, uint32_t addr, uint32_t mask,
                       uint32_t gateway)
{
    struct tp_req info = {.op = NET_OP_INFO};
    int64_t e = tp_call(driver, &info);
    if (e < 0)
        return e;
    ip4_addr_t a, m, g;
    ip4_addr_set_u32(&a, lwip_htonl(addr));
    ip4_addr_set_u32(&m, lwip_htonl(mask));
    ip4_addr_set_u32(&g, lwip_htonl(gateway));
    if (!netif_add(nif, &a, &m, &g, driver, init, ethernet_input))
        return ERR_NO_RESOURCES;
    for (int i = 0; i < 6; i++)
        nif->hwaddr[i] = (uint8_t)(info.res[0] >> (40 - 8 * i));
    netif_set_default(nif);
    netif_set_up(nif);
    netif_set_link_up(nif);
    return 0;
}

int64_t framenetif_poll(struct netif *nif, uint64_t wait_ns)
{
    struct tp_req r = {
        .op = NET_OP_RECV, .arg = {wait_ns}, .buf = in_frame, .cap = sizeof in_frame};
    int64_t e = tp_call(nif->state, &r);
    if (e == ERR_SHOULD_WAIT)
        return 0;
    if (e < 0)
        return e;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)r.len, PBUF_POOL);
    if (!p)
        return 1; /* dropped, as a card without buffers would */
    pbuf_take(p, in_frame, (u16_t)r.len);
    if (nif->input(p, nif) != ERR_OK)
        pbuf_free(p);
    return 1;
}
