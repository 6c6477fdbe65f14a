/* SiFive test finisher ("sifive,test0"): the one register at offset 0 is how firmware powers the
 * machine off (OpenSBI's syscon-poweroff writes 0x5555), reports a failing test run with an exit
 * code, or resets (syscon-reboot writes 0x7777). */
#include "../dev.h"
#include "xpc/memmap.h"

#define FINISHER_FAIL  0x3333
#define FINISHER_PASS  0x5555
#define FINISHER_RESET 0x7777

static bool finisher_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    (void)opaque;
    if (offset != 0 || (size != 2 && size != 4))
        return false;
    *value = 0;
    return true;
}

static bool finisher_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct machine_exit *exit = opaque;
    if (offset != 0 || (size != 2 && size != 4))
        return false;
    uint32_t status = value & 0xffff;
    uint32_t code = (value >> 16) & 0xffff;
    switch (status) {
    case FINISHER_PASS:
        exit->requested = true;
        exit->reset = false;
        exit->code = 0;
        break;
    case FINISHER_FAIL:
        exit->requested = true;
        exit->reset = false;
        exit->code = (int)code;
        break;
    case FINISHER_RESET:
        exit->requested = true;
        exit->reset = true;
        exit->code = 0;
        break;
    default: break; /* QEMU ignores other values */
    }
    return true;
}

struct device finisher_device(struct machine_exit *exit)
{
    return (struct device){.name = "test",
                           .base = MEMMAP_TEST_BASE,
                           .size = MEMMAP_TEST_SIZE,
                           .opaque = exit,
                           .read = finisher_read,
                           .write = finisher_write};
}
