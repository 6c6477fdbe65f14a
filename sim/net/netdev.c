/* -netdev, -nic and -device virtio-net-device, parsed as QEMU parses them (opt_kv_split). Anything
 * this machine does not have is an error naming it, never silently ignored. */
#include "net/netdev.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "options.h"

/* QEMU's first default MAC address; each card without mac= takes the next one. */
static const uint8_t default_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static const char *const user_keys[] = {"id",   "net",  "host",     "dhcpstart", "dns", "hostfwd",
                                        "ipv4", "ipv6", "restrict", "hostname",  NULL};

static int parse_bool(const char *opt, const char *key, const char *v, bool *out, char *err,
                      size_t errlen)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        *out = false;
    else
        return errmsg(err, errlen, "%s: %s takes on or off, not '%s'", opt, key, v);
    return 0;
}

static int parse_addr(const char *key, const char *v, struct in_addr *out, char *err, size_t errlen)
{
    if (inet_pton(AF_INET, v, out) != 1)
        return errmsg(err, errlen, "-netdev user: %s=%s is not an IPv4 address", key, v);
    return 0;
}

static int parse_port(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 0 || v > 65535)
        return -1;
    *out = (int)v;
    return 0;
}

/* [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT, QEMU's syntax. */
static int parse_hostfwd(const char *text, struct netdev_hostfwd *f, char *err, size_t errlen)
{
    char buf[128];
    if (strlen(text) >= sizeof buf)
        return errmsg(err, errlen, "-netdev user: hostfwd=%s is too long", text);
    strcpy(buf, text);
    *f = (struct netdev_hostfwd){.text = text};
    char *p = buf, *colon = strchr(p, ':');
    if (!colon)
        goto bad;
    *colon = '\0';
    if (!strcmp(p, "udp"))
        f->udp = true;
    else if (*p && strcmp(p, "tcp"))
        goto bad;
    p = colon + 1;
    char *dash = strchr(p, '-');
    if (!dash)
        goto bad;
    *dash = '\0';
    char *guest = dash + 1;
    colon = strchr(p, ':');
    if (!colon)
        goto bad;
    *colon = '\0';
    if (*p && inet_pton(AF_INET, p, &f->host_addr) != 1)
        goto bad;
    if (parse_port(colon + 1, &f->host_port))
        goto bad;
    colon = strchr(guest, ':');
    if (!colon)
        goto bad;
    *colon = '\0';
    if (*guest && inet_pton(AF_INET, guest, &f->guest_addr) != 1)
        goto bad;
    if (parse_port(colon + 1, &f->guest_port) || f->guest_port == 0)
        goto bad;
    return 0;
bad:
    return errmsg(
        err, errlen,
        "-netdev user: bad hostfwd '%s' (want [tcp|udp]:[HOSTADDR]:PORT-[GUESTADDR]:PORT)", text);
}

static struct netdev_user *find_netdev(struct netdev_set *s, const char *id)
{
    for (unsigned i = 0; i < s->nnetdevs; i++)
        if (!strcmp(s->netdevs[i].id, id))
            return &s->netdevs[i];
    return NULL;
}

/* The user options from item `from` on (id already taken), QEMU's defaults first. */
static int parse_user(struct netdev_user *u, const struct opt_kv_list *kv, unsigned from, char *err,
                      size_t errlen)
{
    const char *opt = "-netdev user";
    inet_pton(AF_INET, "10.0.2.0", &u->net);
    inet_pton(AF_INET, "255.255.255.0", &u->mask);
    u->ipv6 = true;
    bool host_set = false, dhcp_set = false, dns_set = false;
    for (unsigned i = from; i < kv->n; i++) {
        const char *k = kv->item[i].key, *v = kv->item[i].value;
        bool ipv4 = true;
        if (!v)
            return errmsg(err, errlen, "%s: '%s' is not key=value", opt, k);
        if (!strcmp(k, "net")) {
            char addr[64];
            const char *slash = strchr(v, '/');
            size_t len = slash ? (size_t)(slash - v) : strlen(v);
            if (len >= sizeof addr)
                return errmsg(err, errlen, "%s: net=%s is not an IPv4 network", opt, v);
            memcpy(addr, v, len);
            addr[len] = '\0';
            if (parse_addr("net", addr, &u->net, err, errlen))
                return -1;
            if (slash) {
                char *end;
                long bits = strtol(slash + 1, &end, 10);
                if (end == slash + 1 || *end || bits < 1 || bits > 30)
                    return errmsg(err, errlen, "%s: net=%s: the prefix must be 1-30 bits", opt, v);
                u->mask.s_addr = htonl(~0u << (32 - bits));
            }
            u->net.s_addr &= u->mask.s_addr;
        } else if (!strcmp(k, "host")) {
            host_set = true;
            if (parse_addr(k, v, &u->host, err, errlen))
                return -1;
        } else if (!strcmp(k, "dhcpstart")) {
            dhcp_set = true;
            if (parse_addr(k, v, &u->dhcp_start, err, errlen))
                return -1;
        } else if (!strcmp(k, "dns")) {
            dns_set = true;
            if (parse_addr(k, v, &u->dns, err, errlen))
                return -1;
        } else if (!strcmp(k, "hostfwd")) {
            if (u->nfwd == NETDEV_MAX_HOSTFWD)
                return errmsg(err, errlen, "%s: more than %d hostfwd rules", opt,
                              NETDEV_MAX_HOSTFWD);
            if (parse_hostfwd(v, &u->fwd[u->nfwd++], err, errlen))
                return -1;
        } else if (!strcmp(k, "ipv4")) {
            if (parse_bool(opt, k, v, &ipv4, err, errlen))
                return -1;
            if (!ipv4)
                return errmsg(err, errlen, "%s: ipv4=off is not supported", opt);
        } else if (!strcmp(k, "ipv6")) {
            if (parse_bool(opt, k, v, &u->ipv6, err, errlen))
                return -1;
        } else if (!strcmp(k, "restrict")) {
            if (parse_bool(opt, k, v, &u->restricted, err, errlen))
                return -1;
        } else if (!strcmp(k, "hostname")) {
            u->hostname = v;
        }
    }
    uint32_t net = ntohl(u->net.s_addr), mask = ntohl(u->mask.s_addr);
    if (!host_set)
        u->host.s_addr = htonl(net | 2);
    if (!dhcp_set)
        u->dhcp_start.s_addr = htonl(net | 15);
    if (!dns_set)
        u->dns.s_addr = htonl(net | 3);
    const struct {
        const char *key;
        struct in_addr a;
    } inside[] = {{"host", u->host}, {"dhcpstart", u->dhcp_start}, {"dns", u->dns}};
    for (unsigned i = 0; i < 3; i++)
        if ((ntohl(inside[i].a.s_addr) & mask) != net)
            return errmsg(err, errlen, "%s: %s is not in the guest network", opt, inside[i].key);
    for (unsigned i = 0; i < u->nfwd; i++)
        if (!u->fwd[i].guest_addr.s_addr)
            u->fwd[i].guest_addr = u->dhcp_start;
    return 0;
}

int netdev_parse(struct netdev_set *s, char *arg, char *err, size_t errlen)
{
    struct opt_kv_list kv;
    if (opt_kv_split(arg, &kv, err, errlen))
        return -1;
    if (!kv.n || kv.item[0].value || strcmp(kv.item[0].key, "user"))
        return errmsg(err, errlen, "-netdev: '%s' is not supported (only user)",
                      kv.n ? kv.item[0].key : "");
    const struct opt_kv *bad = opt_kv_unknown(&kv, 1, user_keys);
    if (bad)
        return errmsg(err, errlen, "-netdev user: unknown option '%s'", bad->key);
    if (s->nnetdevs == NETDEV_MAX)
        return errmsg(err, errlen, "-netdev: more than %d", NETDEV_MAX);
    const char *id = opt_kv_get(&kv, "id");
    if (!id || !*id)
        return errmsg(err, errlen, "-netdev user: no id= given");
    if (find_netdev(s, id))
        return errmsg(err, errlen, "-netdev: duplicate id '%s'", id);
    struct netdev_user u = {.id = id};
    if (parse_user(&u, &kv, 1, err, errlen))
        return -1;
    s->netdevs[s->nnetdevs++] = u;
    return 0;
}

static int parse_mac(const char *v, uint8_t mac[6], char *err, size_t errlen)
{
    unsigned b[6];
    char extra;
    if (sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &extra) !=
            6 ||
        strlen(v) != 17 || (b[0] & 1))
        return errmsg(err, errlen, "mac=%s is not a unicast MAC address (52:54:00:12:34:56)", v);
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return 0;
}

static int add_card(struct netdev_set *s, struct netdev_user *u, const char *mac,
                    unsigned disks_before, bool short_form, char *err, size_t errlen)
{
    if (s->ncards == NETDEV_MAX)
        return errmsg(err, errlen, "more than %d network cards", NETDEV_MAX);
    struct netdev_card c = {.netdev = (unsigned)(u - s->netdevs),
                            .disks_before = disks_before,
                            .short_form = short_form};
    if (mac) {
        if (parse_mac(mac, c.mac, err, errlen))
            return -1;
        c.mac_set = true;
    }
    u->used = true;
    s->cards[s->ncards++] = c;
    return 0;
}

bool netdev_is_net_device(const char *arg)
{
    size_t n = strlen("virtio-net-device");
    return !strncmp(arg, "virtio-net-device", n) && (arg[n] == '\0' || arg[n] == ',');
}

int netdev_device_parse(struct netdev_set *s, char *arg, unsigned disks_before, char *err,
                        size_t errlen)
{
    static const char *const known[] = {"netdev", "mac", "id", NULL};
    const char *opt = "-device virtio-net-device";
    struct opt_kv_list kv;
    if (opt_kv_split(arg, &kv, err, errlen))
        return -1;
    const struct opt_kv *bad = opt_kv_unknown(&kv, 1, known);
    if (bad)
        return errmsg(err, errlen, "%s: unknown option '%s'", opt, bad->key);
    for (unsigned i = 1; i < kv.n; i++)
        if (!kv.item[i].value)
            return errmsg(err, errlen, "%s: '%s' is not key=value", opt, kv.item[i].key);
    const char *id = opt_kv_get(&kv, "netdev");
    if (!id)
        return errmsg(err, errlen, "%s: no netdev= given", opt);
    struct netdev_user *u = find_netdev(s, id);
    if (!u)
        return errmsg(err, errlen, "%s: no -netdev with id=%s (give it before the -device)", opt,
                      id);
    if (u->used)
        return errmsg(err, errlen, "%s: netdev '%s' is already in use", opt, id);
    return add_card(s, u, opt_kv_get(&kv, "mac"), disks_before, false, err, errlen);
}

int netdev_nic_parse(struct netdev_set *s, char *arg, char *err, size_t errlen)
{
    struct opt_kv_list kv;
    if (opt_kv_split(arg, &kv, err, errlen))
        return -1;
    if (kv.n == 1 && !kv.item[0].value && !strcmp(kv.item[0].key, "none"))
        return 0;
    if (!kv.n || kv.item[0].value || strcmp(kv.item[0].key, "user"))
        return errmsg(err, errlen, "-nic: '%s' is not supported (user or none)",
                      kv.n ? kv.item[0].key : "");
    /* The -netdev user keys, the card's mac=, and model= naming the one card there is. */
    const char *const known[] = {"net",  "host",     "dhcpstart", "dns",   "hostfwd",  "ipv4",
                                 "ipv6", "restrict", "mac",       "model", "hostname", NULL};
    const struct opt_kv *bad = opt_kv_unknown(&kv, 1, known);
    if (bad)
        return errmsg(err, errlen, "-nic user: unknown option '%s'", bad->key);
    const char *model = opt_kv_get(&kv, "model");
    if (model && strcmp(model, "virtio-net-device"))
        return errmsg(err, errlen, "-nic: model=%s is not supported (virtio-net-device)", model);
    if (s->nnetdevs == NETDEV_MAX || s->ncards == NETDEV_MAX)
        return errmsg(err, errlen, "-nic: more than %d network cards", NETDEV_MAX);
    unsigned k = s->nnetdevs;
    snprintf(s->nic_ids[k], sizeof s->nic_ids[k], "#nic%u", k);
    struct netdev_user u = {.id = s->nic_ids[k]};
    /* mac= and model= belong to the card; parse_user skips keys it does not know. */
    if (parse_user(&u, &kv, 1, err, errlen))
        return -1;
    s->netdevs[s->nnetdevs++] = u;
    if (add_card(s, &s->netdevs[k], opt_kv_get(&kv, "mac"), 0, true, err, errlen)) {
        s->nnetdevs--;
        return -1;
    }
    return 0;
}

int netdev_assign(struct netdev_set *s, struct machine_config *cfg, unsigned device_disks,
                  char *err, size_t errlen)
{
    for (unsigned i = 0; i < s->nnetdevs; i++)
        if (!s->netdevs[i].used)
            return errmsg(err, errlen,
                          "-netdev %s: no network card uses it (give -device "
                          "virtio-net-device,netdev=%s)",
                          s->netdevs[i].id, s->netdevs[i].id);
    /* The disks as drive_assign() placed them: the i-th in slot COUNT - 1 - i. */
    struct machine_drive disks[MEMMAP_VIRTIO_COUNT];
    unsigned ndisks = 0;
    while (ndisks < MEMMAP_VIRTIO_COUNT && cfg->drives[MEMMAP_VIRTIO_COUNT - 1 - ndisks].path) {
        disks[ndisks] = cfg->drives[MEMMAP_VIRTIO_COUNT - 1 - ndisks];
        ndisks++;
    }
    if (ndisks + s->ncards > MEMMAP_VIRTIO_COUNT)
        return errmsg(err, errlen,
                      "%u disks and %u network cards, but the virt board has %d virtio-mmio slots",
                      ndisks, s->ncards, MEMMAP_VIRTIO_COUNT);
    /* The order of the slots: -device entries as given, then if=virtio disks, then -nic. */
    struct slot_owner {
        int disk, card; /* one of them is >= 0 */
    } order[MEMMAP_VIRTIO_COUNT];
    unsigned n = 0, d = 0;
    for (unsigned c = 0; c < s->ncards; c++) {
        if (s->cards[c].short_form)
            continue;
        for (; d < s->cards[c].disks_before && d < device_disks; d++)
            order[n++] = (struct slot_owner){(int)d, -1};
        order[n++] = (struct slot_owner){-1, (int)c};
    }
    for (; d < ndisks; d++)
        order[n++] = (struct slot_owner){(int)d, -1};
    for (unsigned c = 0; c < s->ncards; c++)
        if (s->cards[c].short_form)
            order[n++] = (struct slot_owner){-1, (int)c};
    memset(cfg->drives, 0, sizeof cfg->drives);
    memset(cfg->nics, 0, sizeof cfg->nics);
    unsigned next_mac = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned slot = MEMMAP_VIRTIO_COUNT - 1 - i;
        if (order[i].disk >= 0) {
            cfg->drives[slot] = disks[order[i].disk];
            continue;
        }
        struct netdev_card *c = &s->cards[order[i].card];
        struct machine_nic *nic = &cfg->nics[slot];
        nic->netdev = &s->netdevs[c->netdev];
        memcpy(nic->mac, c->mac_set ? c->mac : default_mac, 6);
        if (!c->mac_set)
            nic->mac[5] = (uint8_t)(nic->mac[5] + next_mac++);
    }
    return 0;
}
