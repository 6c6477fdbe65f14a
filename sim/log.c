/* -d / -D (log.h). */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

unsigned log_mask;
FILE *log_file;

static const struct {
    const char *name;
    unsigned item;
    const char *help;
} items[] = {
    {"int", LOG_INT, "show interrupts and exceptions (in QEMU's format)"},
    {"mmu", LOG_MMU, "log page walks: address, access, result"},
    {"guest_errors", LOG_GUEST_ERRORS, "log accesses to addresses no device decodes"},
    {"unimp", LOG_UNIMP, "log accesses to CSRs the machine does not implement"},
};

int log_parse_items(const char *list, char *err, size_t errlen)
{
    if (!strcmp(list, "help")) {
        printf("Log items (comma separated):\n");
        for (size_t k = 0; k < sizeof items / sizeof items[0]; k++)
            printf("%-12s %s\n", items[k].name, items[k].help);
        return 1;
    }
    unsigned mask = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        size_t k = 0;
        while (k < sizeof items / sizeof items[0] &&
               (strlen(items[k].name) != len || strncmp(items[k].name, p, len)))
            k++;
        if (k == sizeof items / sizeof items[0]) {
            snprintf(err, errlen, "-d: unknown log item '%.*s' (try -d help)", (int)len, p);
            return -1;
        }
        mask |= items[k].item;
        p += len + (p[len] == ',');
    }
    log_mask = mask;
    return 0;
}

int log_open(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "-D: cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    log_file = f;
    return 0;
}

void log_close(void)
{
    if (log_file)
        fclose(log_file);
    log_file = NULL;
    log_mask = 0;
}

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log_file ? log_file : stderr, fmt, ap);
    va_end(ap);
}

/* QEMU 7.2's riscv_excp_names and riscv_intr_names; a cause past their end is "(unknown)"
 * there, which is what the XPC exceptions (24-30) print. */
static const char *const exception_names[] = {"misaligned_fetch",
                                              "fault_fetch",
                                              "illegal_instruction",
                                              "breakpoint",
                                              "misaligned_load",
                                              "fault_load",
                                              "misaligned_store",
                                              "fault_store",
                                              "user_ecall",
                                              "supervisor_ecall",
                                              "hypervisor_ecall",
                                              "machine_ecall",
                                              "exec_page_fault",
                                              "load_page_fault",
                                              "reserved",
                                              "store_page_fault",
                                              "reserved",
                                              "reserved",
                                              "reserved",
                                              "reserved",
                                              "guest_exec_page_fault",
                                              "guest_load_page_fault",
                                              "reserved",
                                              "guest_store_page_fault"};
static const char *const interrupt_names[] = {
    "u_software", "s_software", "vs_software", "m_software", "u_timer",     "s_timer",
    "vs_timer",   "m_timer",    "u_external",  "s_external", "vs_external", "m_external",
    "reserved",   "reserved",   "reserved",    "reserved"};

void log_trap(unsigned hartid, uint64_t cause, uint64_t epc, uint64_t tval)
{
    unsigned async = cause >> 63;
    uint64_t code = cause & ~(1ULL << 63);
    const char *desc = "(unknown)";
    if (async && code < sizeof interrupt_names / sizeof interrupt_names[0])
        desc = interrupt_names[code];
    else if (!async && code < sizeof exception_names / sizeof exception_names[0])
        desc = exception_names[code];
    log_printf("riscv_cpu_do_interrupt: hart:%u, async:%u, cause:%016llx, epc:0x%016llx, "
               "tval:0x%016llx, desc=%s\n",
               hartid, async, (unsigned long long)code, (unsigned long long)epc,
               (unsigned long long)tval, desc);
}
