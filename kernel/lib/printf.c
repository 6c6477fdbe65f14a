/* Minimal printf: %d %i %u %x %lx %llx %p %s %c %%, with width and zero padding. */
#include <kernel/types.h>
#include <kernel/console.h>
#include <kernel/sbi.h>
#include <stdarg.h>

struct out {
    char *buf;
    size_t size, len;
};

static void emit(struct out *o, char c)
{
    if (o->buf) {
        if (o->len + 1 < o->size)
            o->buf[o->len] = c;
    } else {
        console_putc(c);
    }
    o->len++;
}

static void emit_num(struct out *o, uint64_t v, unsigned base, bool neg, int width, char pad)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    for (; width > n; width--)
        emit(o, pad);
    while (n)
        emit(o, tmp[--n]);
}

static void format(struct out *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*fmt == '0')
            pad = '0';
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            emit_num(o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, pad);
            break;
        }
        case 'u':
            emit_num(o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, false, width, pad);
            break;
        case 'x':
            emit_num(o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, false, width, pad);
            break;
        case 'p': emit_num(o, (uint64_t)va_arg(ap, void *), 16, false, 16, '0'); break;
        case 'c': emit(o, (char)va_arg(ap, int)); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            while (*s)
                emit(o, *s++);
            break;
        }
        case '%': emit(o, '%'); break;
        default: emit(o, '?'); break;
        }
    }
}

int kprintf(const char *fmt, ...)
{
    struct out o = {0};
    va_list ap;
    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    struct out o = {buf, size, 0};
    va_list ap;
    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

void panic(const char *fmt, ...)
{
    struct out o = {0};
    va_list ap;
    kprintf("\nKERNEL PANIC: ");
    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    kprintf("\n0 passed, 1 failed\n");
    sbi_shutdown(true);
}
