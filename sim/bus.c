/* Physical accesses: RAM, then the device windows. An address nobody decodes is an access
 * fault, as on a real bus. */
#include "machine.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>

static const struct device *find_device(const struct machine *m, uint64_t pa, unsigned size)
{
    for (unsigned i = 0; i < m->ndevices; i++) {
        const struct device *d = &m->devices[i];
        if (pa - d->base < d->size && pa - d->base + size <= d->size)
            return d;
    }
    return NULL;
}

bool bus_read(struct machine *m, uint64_t pa, unsigned size, uint64_t *val)
{
    uint64_t off = pa - m->ram_base;
    if (off < m->ram_size && off + size <= m->ram_size) {
        uint64_t v = 0;
        memcpy(&v, m->ram + off, size); /* the host is little-endian, like the guest */
        *val = v;
        return true;
    }
    const struct device *d = find_device(m, pa, size);
    if (!d || !d->read) {
        log_if(LOG_GUEST_ERRORS, "Invalid read at addr 0x%llX, size %u, region '(none)', "
               "reason: unassigned\n", (unsigned long long)pa, size);
        return false;
    }
    return d->read(d->opaque, pa - d->base, size, val);
}

bool bus_write(struct machine *m, uint64_t pa, unsigned size, uint64_t val)
{
    uint64_t off = pa - m->ram_base;
    if (off < m->ram_size && off + size <= m->ram_size) {
        memcpy(m->ram + off, &val, size);
        return true;
    }
    const struct device *d = find_device(m, pa, size);
    if (!d || !d->write) {
        log_if(LOG_GUEST_ERRORS, "Invalid write at addr 0x%llX, size %u, region '(none)', "
               "reason: unassigned\n", (unsigned long long)pa, size);
        return false;
    }
    bool ok = d->write(d->opaque, pa - d->base, size, val);
    /* A device write may have moved a timer deadline or an interrupt line. */
    m->hart.next_event = m->hart.cycle;
    m->hart.irq_check = true;
    return ok;
}

void machine_add_device(struct machine *m, struct device d)
{
    if (m->ndevices >= MACHINE_MAX_DEVICES) {
        fprintf(stderr, "xpcsim: too many devices\n");
        abort();
    }
    m->devices[m->ndevices++] = d;
}
