/* lwIP's port to the guest (picolibc on RISC-V, little-endian). */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#define BYTE_ORDER  LITTLE_ENDIAN
#define LWIP_RAND() ((u32_t)rand())
#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        printf x;                                                                                  \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    do {                                                                                           \
        printf("lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__);                 \
        exit(70);                                                                                  \
    } while (0)

#endif
