/* -drive and -device, parsed as QEMU parses them (opt_kv_split: comma-separated key=value items,
 * ",," a literal comma; -device's first item names the device). Anything this machine does not
 * have is an error naming it, never silently ignored. The strings stay in argv. */
#include "drive.h"

#include <string.h>

#include "errmsg.h"
#include "options.h"

static int parse_bool(const struct opt_kv_list *kv, const char *key, bool *out, char *err,
                      size_t errlen)
{
    const char *v = opt_kv_get(kv, key);
    if (!v)
        return 0;
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        *out = false;
    else
        return errmsg(err, errlen, "-drive: %s takes on or off, not '%s'", key, v);
    return 0;
}

static struct drive *find_drive(struct drive_set *s, const char *id)
{
    for (unsigned i = 0; i < s->ndrives; i++)
        if (s->drives[i].id && !strcmp(s->drives[i].id, id))
            return &s->drives[i];
    return NULL;
}

static int split(const char *opt, char *arg, struct opt_kv_list *kv, unsigned from,
                 const char *const *known, char *err, size_t errlen)
{
    if (opt_kv_split(arg, kv, err, errlen))
        return -1;
    const struct opt_kv *bad = opt_kv_unknown(kv, from, known);
    if (bad)
        return errmsg(err, errlen, "%s: unknown option '%s'", opt, bad->key);
    for (unsigned i = from; i < kv->n; i++)
        if (!kv->item[i].value)
            return errmsg(err, errlen, "%s: '%s' is not key=value", opt, kv->item[i].key);
    return 0;
}

int drive_parse(struct drive_set *s, char *arg, char *err, size_t errlen)
{
    static const char *const known[] = {"file",     "format",   "if",    "id", "media",
                                        "readonly", "snapshot", "cache", NULL};
    struct opt_kv_list kv;
    if (s->ndrives == DRIVE_MAX)
        return errmsg(err, errlen, "-drive: more than %d drives", DRIVE_MAX);
    if (split("-drive", arg, &kv, 0, known, err, errlen))
        return -1;
    struct drive d = {.id = opt_kv_get(&kv, "id"), .file = opt_kv_get(&kv, "file")};
    const char *format = opt_kv_get(&kv, "format"), *iface = opt_kv_get(&kv, "if");
    const char *media = opt_kv_get(&kv, "media"), *cache = opt_kv_get(&kv, "cache");
    if (parse_bool(&kv, "readonly", &d.readonly, err, errlen) ||
        parse_bool(&kv, "snapshot", &d.snapshot, err, errlen))
        return -1;
    if (!d.file)
        return errmsg(err, errlen, "-drive: no file= given");
    if (format && strcmp(format, "raw"))
        return errmsg(err, errlen, "-drive: format '%s' is not supported (only raw)", format);
    if (media && strcmp(media, "disk"))
        return errmsg(err, errlen, "-drive: media=%s is not supported (disk)", media);
    /* QEMU's spelling. writeback: the guest sees a volatile write cache, modeled (unflushed
     * writes are lost when the machine stops); writethrough: every completed write is in the
     * file at once (also the default). */
    if (cache && strcmp(cache, "writeback") && strcmp(cache, "writethrough"))
        return errmsg(err, errlen, "-drive: cache=%s is not supported (writeback or writethrough)",
                      cache);
    d.write_cache = cache && !strcmp(cache, "writeback");
    if (!iface)
        return errmsg(err, errlen, "-drive %s: give if=none (with -device) or if=virtio", d.file);
    if (strcmp(iface, "none") && strcmp(iface, "virtio"))
        return errmsg(err, errlen, "-drive: if=%s is not supported (none or virtio)", iface);
    d.if_virtio = !strcmp(iface, "virtio");
    if (!d.if_virtio && !d.id)
        return errmsg(err, errlen, "-drive %s: if=none needs an id= for -device to name", d.file);
    if (d.id && find_drive(s, d.id))
        return errmsg(err, errlen, "-drive: duplicate id '%s'", d.id);
    s->drives[s->ndrives++] = d;
    return 0;
}

int drive_device_parse(struct drive_set *s, char *arg, char *err, size_t errlen)
{
    static const char *const known[] = {"drive", "serial", "id", NULL};
    struct opt_kv_list kv;
    if (opt_kv_split(arg, &kv, err, errlen))
        return -1;
    if (!kv.n || kv.item[0].value || strcmp(kv.item[0].key, "virtio-blk-device"))
        return errmsg(err, errlen, "-device: '%s' is not supported (only virtio-blk-device)",
                      kv.n ? kv.item[0].key : "");
    const struct opt_kv *bad = opt_kv_unknown(&kv, 1, known);
    if (bad)
        return errmsg(err, errlen, "-device virtio-blk-device: unknown option '%s'", bad->key);
    for (unsigned i = 1; i < kv.n; i++)
        if (!kv.item[i].value)
            return errmsg(err, errlen, "-device virtio-blk-device: '%s' is not key=value",
                          kv.item[i].key);
    if (s->ndevices == DRIVE_MAX)
        return errmsg(err, errlen, "-device: more than %d devices", DRIVE_MAX);
    const char *id = opt_kv_get(&kv, "drive");
    struct drive *d = id ? find_drive(s, id) : NULL;
    if (!id)
        return errmsg(err, errlen, "-device virtio-blk-device: no drive= given");
    if (!d || d->if_virtio)
        return errmsg(err, errlen, "-device virtio-blk-device: no -drive with if=none,id=%s", id);
    if (d->used)
        return errmsg(err, errlen, "-device virtio-blk-device: drive '%s' is already in use", id);
    d->used = true;
    s->devices[s->ndevices++] = (struct drive_device){.drive = (unsigned)(d - s->drives),
                                                      .serial = opt_kv_get(&kv, "serial")};
    return 0;
}

int drive_assign(const struct drive_set *s, struct machine_drive slots[MEMMAP_VIRTIO_COUNT],
                 char *err, size_t errlen)
{
    struct machine_drive disks[2 * DRIVE_MAX];
    unsigned n = 0;
    for (unsigned i = 0; i < s->ndevices; i++) {
        const struct drive *d = &s->drives[s->devices[i].drive];
        disks[n++] = (struct machine_drive){.path = d->file,
                                            .readonly = d->readonly,
                                            .snapshot = d->snapshot,
                                            .write_cache = d->write_cache,
                                            .serial = s->devices[i].serial};
    }
    for (unsigned i = 0; i < s->ndrives; i++) {
        const struct drive *d = &s->drives[i];
        if (d->if_virtio)
            disks[n++] = (struct machine_drive){.path = d->file,
                                                .readonly = d->readonly,
                                                .snapshot = d->snapshot,
                                                .write_cache = d->write_cache};
    }
    if (n > MEMMAP_VIRTIO_COUNT)
        return errmsg(err, errlen, "%u disks, but the virt board has %d virtio-mmio slots", n,
                      MEMMAP_VIRTIO_COUNT);
    for (unsigned i = 0; i < n; i++)
        slots[MEMMAP_VIRTIO_COUNT - 1 - i] = disks[i];
    return 0;
}
