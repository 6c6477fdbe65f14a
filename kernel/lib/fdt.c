/* Flattened device tree reader. Every offset and length read from the blob is checked against
 * the blob's own size before use, so a corrupt tree yields an error, never a wild read. */
#include <kernel/fdt.h>

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9
#define MAX_DEPTH      16

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++)
        v = (v << 32) | be32(p + 4 * i);
    return v;
}

/* True when the NUL-separated string list [list, list+len) contains s. */
static bool strlist_has(const char *list, uint32_t len, const char *s)
{
    size_t sl = strlen(s);
    for (uint32_t i = 0; i < len;) {
        uint32_t j = i;
        while (j < len && list[j])
            j++;
        if (j - i == sl && memcmp(list + i, s, sl) == 0)
            return true;
        i = j + 1;
    }
    return false;
}

struct node {
    uint32_t addr_cells, size_cells; /* for this node's children */
    const uint8_t *reg;
    uint32_t reg_len;
    const char *compat;
    uint32_t compat_len;
    bool is_memory;
    uint32_t reg_shift;
    uint32_t irq;
};

static void finish_node(struct node *n, const struct node *parent, struct boot_info *info)
{
    if (!n->reg || !parent)
        return;
    uint32_t ac = parent->addr_cells, sc = parent->size_cells;
    if (ac == 0 || ac > 2 || sc > 2 || n->reg_len < 4 * (ac + sc))
        return;
    uint64_t base = read_cells(n->reg, ac);
    uint64_t size = sc ? read_cells(n->reg + 4 * ac, sc) : 0;
    if (n->is_memory && !info->mem_size) {
        info->mem_base = base;
        info->mem_size = size;
    } else if (n->compat && strlist_has(n->compat, n->compat_len, "ns16550a") && !info->uart_base) {
        info->uart_base = base;
        info->uart_reg_shift = n->reg_shift;
        info->uart_irq = n->irq;
    } else if (n->compat && !info->plic_base &&
               (strlist_has(n->compat, n->compat_len, "riscv,plic0") ||
                strlist_has(n->compat, n->compat_len, "sifive,plic-1.0.0"))) {
        info->plic_base = base;
    }
}

int fdt_parse(const void *fdt, struct boot_info *info)
{
    const uint8_t *b = fdt;
    memset(info, 0, sizeof(*info));
    if (!fdt || be32(b) != FDT_MAGIC)
        return -1;
    uint32_t total = be32(b + 4), off_struct = be32(b + 8), off_strings = be32(b + 12);
    uint32_t size_strings = be32(b + 32), size_struct = be32(b + 36);
    if (total < 40 || total > (64u << 20) || off_struct > total ||
        size_struct > total - off_struct || off_strings > total ||
        size_strings > total - off_strings)
        return -2;
    info->fdt_base = (uint64_t)fdt;
    info->fdt_size = total;
    const uint8_t *s = b + off_struct, *end = s + size_struct;
    const char *strings = (const char *)b + off_strings;
    struct node stack[MAX_DEPTH];
    int depth = -1;
    bool in_cpus_depth1 = false;
    while (s + 4 <= end) {
        uint32_t tok = be32(s);
        s += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)s;
            size_t n = 0;
            while (s + n < end && s[n])
                n++;
            if (s + n >= end)
                return -3;
            s += ALIGN_UP(n + 1, 4);
            if (++depth >= MAX_DEPTH)
                return -4;
            struct node *nd = &stack[depth];
            memset(nd, 0, sizeof(*nd));
            nd->addr_cells = 2;
            nd->size_cells = 1;
            nd->is_memory = depth == 1 && n >= 6 && memcmp(name, "memory", 6) == 0;
            if (depth == 1)
                in_cpus_depth1 = n == 4 && memcmp(name, "cpus", 4) == 0;
            if (depth == 1 && n == 6 && memcmp(name, "chosen", 6) == 0)
                nd->reg_shift = 0xffffffff; /* marks /chosen */
        } else if (tok == FDT_END_NODE) {
            if (depth < 0)
                return -5;
            finish_node(&stack[depth], depth > 0 ? &stack[depth - 1] : NULL, info);
            depth--;
        } else if (tok == FDT_PROP) {
            if (s + 8 > end || depth < 0)
                return -6;
            uint32_t len = be32(s), nameoff = be32(s + 4);
            s += 8;
            if (len > (uint32_t)(end - s) || nameoff >= size_strings)
                return -7;
            const char *pname = strings + nameoff;
            size_t maxn = size_strings - nameoff;
            struct node *nd = &stack[depth];
#define IS(str) (strlen(str) < maxn && strncmp(pname, str, strlen(str) + 1) == 0)
            if (IS("#address-cells") && len == 4)
                nd->addr_cells = be32(s);
            else if (IS("#size-cells") && len == 4)
                nd->size_cells = be32(s);
            else if (IS("reg")) {
                nd->reg = s;
                nd->reg_len = len;
            } else if (IS("compatible")) {
                nd->compat = (const char *)s;
                nd->compat_len = len;
            } else if (IS("device_type") && len >= 7 && memcmp(s, "memory", 7) == 0)
                nd->is_memory = true;
            else if (IS("interrupts") && len == 4)
                nd->irq = be32(s);
            else if (IS("reg-shift") && len == 4 && nd->reg_shift != 0xffffffff)
                nd->reg_shift = be32(s) & 7;
            else if (IS("timebase-frequency") && depth == 1 && in_cpus_depth1 &&
                     (len == 4 || len == 8))
                info->timebase_hz = read_cells(s, len / 4);
            else if (IS("riscv,isa") && depth == 2 && in_cpus_depth1) {
                for (uint32_t i = 0; i + 5 <= len; i++)
                    if (memcmp(s + i, "_xxpc", 5) == 0)
                        info->has_xpc = true;
            } else if (IS("bootargs") && depth == 1 && nd->reg_shift == 0xffffffff) {
                uint32_t n = len < sizeof(info->bootargs) - 1 ? len : sizeof(info->bootargs) - 1;
                memcpy(info->bootargs, s, n);
                info->bootargs[n] = 0;
            }
#undef IS
            s += ALIGN_UP(len, 4);
        } else if (tok == FDT_NOP) {
            continue;
        } else if (tok == FDT_END) {
            break;
        } else {
            return -8;
        }
    }
    if (!info->mem_size)
        return -9;
    if (!info->timebase_hz)
        info->timebase_hz = 10000000;
    return 0;
}
