/* Starts a boot-image program: an ELF64 RISC-V executable embedded in the kernel image. Every
 * header field is checked against the image bounds and the user address-space layout. */
#include <kernel/object.h>

#define PT_LOAD 1
#define PF_X    1
#define PF_W    2
#define PF_R    4

struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

const struct bootimg_entry *bootimg_find(const char *name, size_t len)
{
    for (uint64_t i = 0; i < bootimg_count; i++) {
        const struct bootimg_entry *e = &bootimg_table[i];
        if (strlen(e->name) == len && memcmp(e->name, name, len) == 0)
            return e;
    }
    return NULL;
}

/* A page of a read-only segment that no other segment touches, wholly file data (no bss) and
 * page-aligned in the image, is mapped straight from the boot image instead of copied: every
 * process of a program then runs the same physical text, as with any OS's shared text, which
 * also keeps N copies from fighting over the same cache sets (E5's chains of one program).
 * The image is kernel memory for good, so the mapping is not owned and never freed. */
static bool shareable_page(const struct bootimg_entry *img, const struct elf64_phdr *ph,
                           const struct elf64_phdr *all, uint32_t n, uint64_t va)
{
    if ((ph->flags & PF_W) || va < ph->vaddr || va + PAGE_SIZE > ph->vaddr + ph->filesz)
        return false;
    uint64_t src = (uint64_t)img->data + ph->offset + (va - ph->vaddr);
    if (src & PAGE_OFFSET_MASK)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        const struct elf64_phdr *o = &all[i];
        if (o != ph && o->type == PT_LOAD && o->memsz && o->vaddr < va + PAGE_SIZE &&
            va < o->vaddr + o->memsz)
            return false;
    }
    return true;
}

static int load_segment(struct address_space *as, const struct bootimg_entry *img,
                        const struct elf64_phdr *ph, const struct elf64_phdr *all, uint32_t n)
{
    if (ph->filesz > ph->memsz || ph->offset > img->size || ph->filesz > img->size - ph->offset ||
        ph->vaddr < USER_BASE || ph->memsz > USER_HEAP_LIMIT ||
        ph->vaddr > USER_HEAP_LIMIT - ph->memsz)
        return ERR_INVALID_ARGS;
    uint64_t flags = (ph->flags & PF_R ? PTE_R : 0) | (ph->flags & PF_W ? PTE_W | PTE_R : 0) |
                     (ph->flags & PF_X ? PTE_X : 0);
    for (uint64_t va = ALIGN_DOWN(ph->vaddr, PAGE_SIZE); va < ph->vaddr + ph->memsz;
         va += PAGE_SIZE) {
        uint64_t pa = as_lookup(as, va, 0);
        if (!pa && shareable_page(img, ph, all, n, va)) {
            uint64_t src = (uint64_t)img->data + ph->offset + (va - ph->vaddr);
            int r = as_map_page(as, va, src, flags);
            if (r < 0)
                return r;
            continue;
        }
        if (pa) { /* a page two segments share gets the permissions of both */
            as_add_flags(as, va, flags);
        } else {
            int r = as_map_anon(as, va, PAGE_SIZE, flags);
            if (r < 0)
                return r;
            pa = as_lookup(as, va, 0);
        }
        /* Copy the part of the file image that falls in this page. */
        uint64_t lo = va > ph->vaddr ? va : ph->vaddr;
        uint64_t hi =
            va + PAGE_SIZE < ph->vaddr + ph->filesz ? va + PAGE_SIZE : ph->vaddr + ph->filesz;
        if (lo < hi)
            memcpy((uint8_t *)phys_to_virt(pa) + (lo - va),
                   img->data + ph->offset + (lo - ph->vaddr), hi - lo);
    }
    uint64_t end = ALIGN_UP(ph->vaddr + ph->memsz, PAGE_SIZE);
    if (end > as->brk_base)
        as->brk_base = as->brk = end;
    return 0;
}

static int load_elf(struct address_space *as, const struct bootimg_entry *img, uint64_t *entry)
{
    const struct elf64_ehdr *eh = (const void *)img->data;
    if (img->size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) != 0 || eh->ident[4] != 2 ||
        eh->machine != 243 || eh->type != 2 || eh->phentsize != sizeof(struct elf64_phdr) ||
        eh->phoff > img->size ||
        (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > img->size - eh->phoff)
        return ERR_INVALID_ARGS;
    struct elf64_phdr all[16];
    if (eh->phnum > ARRAY_SIZE(all))
        return ERR_INVALID_ARGS;
    memcpy(all, img->data + eh->phoff, eh->phnum * sizeof(all[0]));
    for (uint32_t i = 0; i < eh->phnum; i++) {
        if (all[i].type != PT_LOAD || all[i].memsz == 0)
            continue;
        int r = load_segment(as, img, &all[i], all, eh->phnum);
        if (r < 0)
            return r;
    }
    *entry = eh->entry;
    return 0;
}

/* The new main thread starts with a0 = argument string (NUL-separated words) on its stack,
 * a1 = its length, a2 = the bootstrap handle (0 if none). */
int64_t process_spawn(const char *name, const char *args, uint64_t args_len,
                      const struct handle *bootstrap, const struct handle *service,
                      struct process **out)
{
    const struct bootimg_entry *img = bootimg_find(name, strlen(name));
    if (!img)
        return ERR_NOT_FOUND;
    if (args_len > 1024)
        return ERR_INVALID_ARGS;
    struct process *p = process_create(name);
    if (!p)
        return ERR_NO_MEMORY;
    process_inherit_limits(p, current ? current->proc : NULL);
    uint64_t entry;
    int64_t r = load_elf(p->as, img, &entry);
    if (r == 0)
        r = as_map_anon(p->as, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, PTE_R | PTE_W);
    uint64_t args_va = USER_STACK_TOP - ALIGN_UP(args_len + 1, 16);
    if (r == 0) {
        uint8_t *dst = phys_to_virt(as_lookup(p->as, args_va, 0));
        memcpy(dst, args, args_len); /* fits: the string is at most 1 KiB, below the top page */
        dst[args_len] = 0;
    }
    int64_t bh = 0, sh = 0;
    if (r == 0 && bootstrap) {
        bh = handle_install_badged(p->handles, bootstrap->obj, bootstrap->rights, bootstrap->badge);
        if (bh < 0)
            r = bh;
        else
            kobj_ref(bootstrap->obj);
    }
    if (r == 0 && service) {
        sh = handle_install_badged(p->handles, service->obj, service->rights, service->badge);
        if (sh < 0)
            r = sh;
        else
            kobj_ref(service->obj);
    }
    struct thread *t = NULL;
    if (r == 0) {
        t = thread_create(p, entry, args_va & ~15ULL, args_va,
                          DEFAULT_PRIORITY < p->max_priority ? DEFAULT_PRIORITY : p->max_priority);
        if (!t)
            r = ERR_NO_MEMORY;
    }
    if (r < 0) {
        process_kill(p, r);
        kobj_unref(&p->obj);
        return r;
    }
    t->frame.x[REG_A1] = args_len;
    t->frame.x[REG_A2] = (uint64_t)bh;
    t->frame.x[REG_A3] = (uint64_t)sh;
    *out = p;
    return 0;
}
