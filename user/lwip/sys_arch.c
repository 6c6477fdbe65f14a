/* What lwIP asks of the system with NO_SYS: the time in milliseconds (the kernel's clock, which
 * runs on modeled time on xpcsim). */
#include <xpc/usys.h>

#include "lwip/sys.h"

u32_t sys_now(void)
{
    return (u32_t)(sys_clock_ns() / 1000000u);
}
