/* QEMU's block-device options: -drive and -device virtio-blk-device, and the virtio-mmio slot
 * each disk lands in.
 *
 *   -drive file=IMAGE,format=raw,if=none,id=ID[,readonly=on][,snapshot=on][,cache=writeback]
 *   -device virtio-blk-device,drive=ID[,serial=S][,id=X]
 *   -drive file=IMAGE,format=raw,if=virtio[,readonly=on][,snapshot=on]   (short form)
 *
 * Slots fill as on QEMU's virt board: the first disk in the highest slot (0x10008000), then
 * downwards; disks named by -device come first, in command-line order, then if=virtio drives. */
#ifndef SIM_DRIVE_H
#define SIM_DRIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "machine.h"

#define DRIVE_MAX 16

struct drive {
    const char *id, *file; /* point into the argument, which must outlive the set */
    bool readonly, snapshot, write_cache, if_virtio, used;
};

struct drive_device {
    unsigned drive;
    const char *serial;
};

struct drive_set {
    struct drive drives[DRIVE_MAX];
    unsigned ndrives;
    struct drive_device devices[DRIVE_MAX];
    unsigned ndevices;
};

/* One -drive or -device argument, split in place. 0, or -1 with a one-line message; a rejected
 * argument leaves the set as it was. */
int drive_parse(struct drive_set *s, char *arg, char *err, size_t errlen);
int drive_device_parse(struct drive_set *s, char *arg, char *err, size_t errlen);
/* Place the disks in the machine's slots (after every option has been parsed). */
int drive_assign(const struct drive_set *s, struct machine_drive slots[MEMMAP_VIRTIO_COUNT],
                 char *err, size_t errlen);

#endif
