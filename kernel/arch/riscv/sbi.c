/* SBI calls. The TIME and SRST extensions are preferred; the legacy calls are the fallback for
 * firmware that lacks them. */
#include <kernel/sbi.h>

#define SBI_EXT_BASE         0x10
#define SBI_EXT_TIME         0x54494d45
#define SBI_EXT_SRST         0x53525354
#define SBI_LEGACY_SET_TIMER 0
#define SBI_LEGACY_PUTCHAR   1
#define SBI_LEGACY_SHUTDOWN  8

struct sbiret {
    long error, value;
};

static struct sbiret sbi_ecall(long ext, long fid, long a0, long a1, long a2)
{
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a6 __asm__("a6") = fid;
    register long r_a7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(r_a0), "+r"(r_a1) : "r"(r_a2), "r"(r_a6), "r"(r_a7) : "memory");
    return (struct sbiret){r_a0, r_a1};
}

static bool have_time, have_srst;

static bool sbi_probe(long ext)
{
    struct sbiret r = sbi_ecall(SBI_EXT_BASE, 3, ext, 0, 0);
    return r.error == 0 && r.value != 0;
}

void sbi_init(void)
{
    have_time = sbi_probe(SBI_EXT_TIME);
    have_srst = sbi_probe(SBI_EXT_SRST);
}

void sbi_set_timer(uint64_t stime)
{
    if (have_time)
        sbi_ecall(SBI_EXT_TIME, 0, (long)stime, 0, 0);
    else
        sbi_ecall(SBI_LEGACY_SET_TIMER, 0, (long)stime, 0, 0);
}

void sbi_console_putchar(int c)
{
    sbi_ecall(SBI_LEGACY_PUTCHAR, 0, c, 0, 0);
}

void sbi_shutdown(bool failure)
{
    if (have_srst)
        sbi_ecall(SBI_EXT_SRST, 0, 0 /* shutdown */, failure ? 1 : 0, 0);
    sbi_ecall(SBI_LEGACY_SHUTDOWN, 0, 0, 0, 0);
    for (;;)
        __asm__ volatile("wfi");
}
