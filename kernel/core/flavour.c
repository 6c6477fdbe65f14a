/* The boot arguments init receives when the device tree carries none (a build flavour, so
 * emulators without -append can still boot the test or benchmark image). */
#include <kernel/boot.h>

const char *const flavour_bootargs = FLAVOUR_ARGS;
