/* One-line error messages for the caller's buffer: what every loader and builder of the machine
 * reports through (char *err, size_t errlen). */
#ifndef SIM_ERRMSG_H
#define SIM_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Format the message into err (if there is room for one) and return -1, the failure value. */
static inline int __attribute__((format(printf, 3, 4)))
errmsg(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

#endif
