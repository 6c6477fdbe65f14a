/* Memory objects: a set of frames that can be mapped into several address spaces (shared
 * memory). A mapping holds a reference on its VMO, so the frames live until the last handle and
 * the last mapping are gone. Also the heap (brk), which is anonymous memory the page table owns. */
#include <kernel/ipc.h>

struct vmo *vmo_create(uint64_t size)
{
    if (size == 0 || size > VMO_MAX_SIZE)
        return NULL;
    struct vmo *v = kmalloc(sizeof(*v));
    if (!v)
        return NULL;
    v->size = ALIGN_UP(size, PAGE_SIZE);
    v->npages = v->size / PAGE_SIZE;
    uint64_t list = frame_alloc();
    if (!list) {
        kfree(v, sizeof(*v));
        return NULL;
    }
    v->pages = phys_to_virt(list);
    kobj_init(&v->obj, OBJ_VMO);
    for (uint64_t i = 0; i < v->npages; i++) {
        v->pages[i] = frame_alloc();
        if (!v->pages[i]) {
            kobj_unref(&v->obj);
            return NULL;
        }
    }
    return v;
}

void vmo_destroy(struct kobj *o)
{
    struct vmo *v = container_of(o, struct vmo, obj);
    for (uint64_t i = 0; i < v->npages && !v->device; i++)
        if (v->pages[i])
            frame_free(v->pages[i]);
    frame_free((uint64_t)v->pages);
    kfree(v, sizeof(*v));
}

int64_t sys_vmo_create(uint64_t size)
{
    if (size == 0 || size > VMO_MAX_SIZE)
        return ERR_INVALID_ARGS;
    struct vmo *v = vmo_create(size);
    if (!v)
        return ERR_NO_MEMORY;
    int64_t h =
        handle_install(current->proc->handles, &v->obj,
                       RIGHT_READ | RIGHT_WRITE | RIGHT_MAP | RIGHT_DUPLICATE | RIGHT_TRANSFER);
    if (h < 0)
        kobj_unref(&v->obj);
    return h;
}

/* The mapping that overlaps [va, va+size), or NULL. */
static struct mapping *overlapping(struct address_space *as, uint64_t va, uint64_t size)
{
    for (struct list *l = as->mappings.next; l != &as->mappings; l = l->next) {
        struct mapping *m = container_of(l, struct mapping, link);
        if (va < m->va + m->size && m->va < va + size)
            return m;
    }
    return NULL;
}

static bool overlaps_mapping(struct address_space *as, uint64_t va, uint64_t size)
{
    return overlapping(as, va, size) != NULL;
}

/* The target address space: the caller's (h = 0) or a live process's (MANAGE right). */
static int64_t target_as(uint64_t h, struct address_space **as)
{
    if (h == 0) {
        *as = current->proc->as;
        return 0;
    }
    struct handle *e = NULL;
    int64_t r = handle_get(current->proc->handles, h, OBJ_PROCESS, RIGHT_MANAGE, &e);
    if (r < 0)
        return r;
    struct process *p = container_of(e->obj, struct process, obj);
    if (p->dead)
        return ERR_BAD_STATE;
    *as = p->as;
    return 0;
}

static void unmap(struct address_space *as, struct mapping *m)
{
    for (uint64_t off = 0; off < m->size; off += PAGE_SIZE)
        as_unmap_page(as, m->va + off);
    list_del(&m->link);
    kobj_unref(&m->vmo->obj);
    kfree(m, sizeof(*m));
}

int64_t sys_vmo_map(uint64_t h, uint64_t va, uint64_t flags, uint64_t proc)
{
    if (flags == 0 || (flags & ~(uint64_t)(MAP_READ | MAP_WRITE)))
        return ERR_INVALID_ARGS;
    uint32_t need = RIGHT_MAP | RIGHT_READ | (flags & MAP_WRITE ? RIGHT_WRITE : 0);
    struct handle *e = NULL;
    int64_t r = handle_get(current->proc->handles, h, OBJ_VMO, need, &e);
    if (r < 0)
        return r;
    struct vmo *v = container_of(e->obj, struct vmo, obj);
    struct address_space *as;
    r = target_as(proc, &as);
    if (r < 0)
        return r;
    if (va == 0) {
        va = USER_MAP_BASE;
        struct mapping *m;
        while (va + v->size <= USER_MAP_LIMIT) {
            if ((m = overlapping(as, va, v->size)) != NULL)
                va = m->va + m->size;
            else if (!as_range_free(as, va, v->size))
                va += PAGE_SIZE;
            else
                break;
        }
    }
    if ((va & PAGE_OFFSET_MASK) || va < USER_BASE || va >= USER_MAP_LIMIT ||
        v->size > USER_MAP_LIMIT - va)
        return ERR_OUT_OF_RANGE;
    if (overlaps_mapping(as, va, v->size) || !as_range_free(as, va, v->size))
        return ERR_OUT_OF_RANGE;
    struct mapping *m = kmalloc(sizeof(*m));
    if (!m)
        return ERR_NO_MEMORY;
    m->va = va;
    m->size = v->size;
    m->vmo = v;
    kobj_ref(&v->obj);
    list_add_tail(&as->mappings, &m->link);
    uint64_t pte = PTE_R | (flags & MAP_WRITE ? PTE_W : 0);
    for (uint64_t i = 0; i < v->npages; i++) {
        r = as_map_page(as, va + i * PAGE_SIZE, v->pages[i], pte);
        if (r < 0) {
            unmap(as, m);
            return r;
        }
    }
    return (int64_t)va;
}

int64_t sys_vm_unmap(uint64_t va, uint64_t proc)
{
    struct address_space *as;
    int64_t r = target_as(proc, &as);
    if (r < 0)
        return r;
    for (struct list *l = as->mappings.next; l != &as->mappings; l = l->next) {
        struct mapping *m = container_of(l, struct mapping, link);
        if (m->va == va) {
            unmap(as, m);
            return 0;
        }
    }
    return ERR_NOT_FOUND;
}

void vm_unmap_all(struct address_space *as)
{
    while (!list_empty(&as->mappings))
        unmap(as, list_first(&as->mappings, struct mapping, link));
}

int64_t sys_brk(uint64_t addr)
{
    struct address_space *as = current->proc->as;
    if (addr == 0)
        return (int64_t)as->brk;
    addr = ALIGN_UP(addr, PAGE_SIZE);
    if (addr < as->brk_base || addr > USER_HEAP_LIMIT)
        return ERR_OUT_OF_RANGE;
    if (addr > as->brk) {
        if (overlaps_mapping(as, as->brk, addr - as->brk) ||
            !as_range_free(as, as->brk, addr - as->brk))
            return ERR_OUT_OF_RANGE;
        int r = as_map_anon(as, as->brk, addr - as->brk, PTE_R | PTE_W);
        if (r < 0) {
            for (uint64_t va = as->brk; va < addr; va += PAGE_SIZE)
                as_unmap_page(as, va);
            return r;
        }
    } else {
        for (uint64_t va = addr; va < as->brk; va += PAGE_SIZE)
            as_unmap_page(as, va);
    }
    as->brk = addr;
    return (int64_t)addr;
}
