/* What a user-level driver needs from the kernel, after Zircon (resources, physical VMOs,
 * contiguous pinned memory) and seL4 (device frames handed out from the root):
 *
 *  - device resources: a handle derived from the root resource that names one physical device
 *    range and a run of PLIC sources (maybe none), and can be narrowed but never widened;
 *  - device VMOs: the frames of such a range, mapped into a driver like any VMO. Device space on
 *    RISC-V is uncached by the platform's physical memory attributes, so no PTE bit is needed;
 *  - contiguous VMOs whose physical address the driver may ask for (DMA), and the physical
 *    address of the driver's active relay segment, so a device can transfer straight into the
 *    buffer an XPC caller handed down.
 *
 * The device window is everything below DRAM except what the kernel drives itself (CLINT, PLIC,
 * the console UART): no resource can name RAM, the kernel or those. */
#include <kernel/ipc.h>
#include <kernel/xpc.h>
#include <xpc/memmap.h>

extern uint64_t dram_base, dram_size;

struct resource {
    struct kobj obj;
    uint64_t base, size; /* physical range, page-aligned */
    uint32_t irq, nirq;  /* the PLIC sources [irq, irq + nirq) it may bind */
};

#define RESOURCE_RIGHTS (RIGHT_MANAGE | RIGHT_DUPLICATE | RIGHT_TRANSFER)

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* [base, base+size) lies in the device window and touches nothing the kernel owns. */
static bool device_range_ok(uint64_t base, uint64_t size)
{
    if (size == 0 || base + size < base || base + size > dram_base)
        return false;
    return !overlaps(base, size, MEMMAP_CLINT_BASE, MEMMAP_CLINT_SIZE) &&
           !overlaps(base, size, MEMMAP_PLIC_BASE, MEMMAP_PLIC_SIZE) &&
           !overlaps(base, size, MEMMAP_UART0_BASE, PAGE_SIZE) &&
           !overlaps(base, size, dram_base, dram_size);
}

/* The resource behind h (MANAGE): root = NULL with *root set. */
static int get_resource(uint64_t h, struct resource **res, bool *root)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_RESOURCE, RIGHT_MANAGE, &e);
    if (r < 0)
        return r;
    *root = is_root_resource(e->obj);
    *res = *root ? NULL : container_of(e->obj, struct resource, obj);
    return 0;
}

/* Whether the resource covers [base, base+size) (always inside the device window). */
static bool covers(const struct resource *res, uint64_t base, uint64_t size)
{
    if (!device_range_ok(base, size))
        return false;
    return !res || (base >= res->base && base - res->base <= res->size &&
                    size <= res->size - (base - res->base));
}

void resource_destroy(struct kobj *o)
{
    if (is_root_resource(o))
        panic("the root resource lost its kernel reference");
    kfree(container_of(o, struct resource, obj), sizeof(struct resource));
}

int resource_allows_irq(uint64_t h, uint64_t irq)
{
    struct resource *res;
    bool root;
    int r = get_resource(h, &res, &root);
    if (r < 0)
        return r;
    return root || (irq >= res->irq && irq - res->irq < res->nirq) ? 0 : ERR_ACCESS_DENIED;
}

int64_t sys_resource_create(uint64_t parent, uint64_t base, uint64_t size, uint64_t irq,
                            uint64_t nirq)
{
    struct resource *p;
    bool root;
    int64_t r = get_resource(parent, &p, &root);
    if (r < 0)
        return r;
    if ((base | size) & (PAGE_SIZE - 1) || size == 0 || irq >= MEMMAP_PLIC_NUM_SOURCES ||
        nirq > MEMMAP_PLIC_NUM_SOURCES - irq || (nirq && irq == 0))
        return ERR_INVALID_ARGS;
    if (!covers(p, base, size) ||
        (nirq && !root && (irq < p->irq || irq + nirq > p->irq + p->nirq)))
        return ERR_OUT_OF_RANGE;
    struct resource *res = kmalloc(sizeof(*res));
    if (!res)
        return ERR_NO_MEMORY;
    kobj_init(&res->obj, OBJ_RESOURCE);
    res->base = base;
    res->size = size;
    res->irq = nirq ? (uint32_t)irq : 0;
    res->nirq = (uint32_t)nirq;
    int64_t h = handle_install(current->proc->handles, &res->obj, RESOURCE_RIGHTS);
    if (h < 0)
        kobj_unref(&res->obj);
    return h;
}

static int64_t install_vmo(struct vmo *v)
{
    int64_t h =
        handle_install(current->proc->handles, &v->obj,
                       RIGHT_READ | RIGHT_WRITE | RIGHT_MAP | RIGHT_DUPLICATE | RIGHT_TRANSFER);
    if (h < 0)
        kobj_unref(&v->obj);
    return h;
}

/* A VMO with a page list and no frames yet. */
static struct vmo *vmo_shell(uint64_t size)
{
    struct vmo *v = kmalloc(sizeof(*v));
    if (!v)
        return NULL;
    uint64_t list = frame_alloc();
    if (!list) {
        kfree(v, sizeof(*v));
        return NULL;
    }
    v->size = ALIGN_UP(size, PAGE_SIZE);
    v->npages = v->size / PAGE_SIZE;
    v->pages = phys_to_virt(list);
    kobj_init(&v->obj, OBJ_VMO);
    return v;
}

int64_t sys_device_vmo_create(uint64_t resource, uint64_t base, uint64_t size)
{
    struct resource *res;
    bool root;
    int64_t r = get_resource(resource, &res, &root);
    if (r < 0)
        return r;
    if ((base | size) & (PAGE_SIZE - 1) || size == 0 || size > VMO_MAX_SIZE)
        return ERR_INVALID_ARGS;
    if (!covers(res, base, size))
        return ERR_OUT_OF_RANGE;
    struct vmo *v = vmo_shell(size);
    if (!v)
        return ERR_NO_MEMORY;
    v->device = true;
    for (uint64_t i = 0; i < v->npages; i++)
        v->pages[i] = base + i * PAGE_SIZE;
    return install_vmo(v);
}

int64_t sys_vmo_create_contig(uint64_t resource, uint64_t size)
{
    struct resource *res;
    bool root;
    int64_t r = get_resource(resource, &res, &root);
    if (r < 0)
        return r;
    if (size == 0 || size > VMO_MAX_SIZE)
        return ERR_INVALID_ARGS;
    struct vmo *v = vmo_shell(size);
    if (!v)
        return ERR_NO_MEMORY;
    uint64_t pa = frame_alloc_contig(v->npages);
    if (!pa) {
        v->npages = 0; /* nothing to free but the list */
        kobj_unref(&v->obj);
        return ERR_NO_MEMORY;
    }
    v->contiguous = true;
    for (uint64_t i = 0; i < v->npages; i++)
        v->pages[i] = pa + i * PAGE_SIZE;
    return install_vmo(v);
}

int64_t sys_vmo_phys(uint64_t h, uint64_t offset)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_VMO, RIGHT_MAP, &e);
    if (r < 0)
        return r;
    struct vmo *v = container_of(e->obj, struct vmo, obj);
    if (!v->contiguous && !v->device)
        return ERR_NOT_SUPPORTED; /* its frames are scattered: no one address to give */
    if (offset >= v->size)
        return ERR_OUT_OF_RANGE;
    return (int64_t)(v->pages[0] + offset);
}

int64_t sys_relay_phys(uint64_t resource)
{
    struct resource *res;
    bool root;
    int64_t r = get_resource(resource, &res, &root);
    if (r < 0)
        return r;
    struct xthread *x = current->xpc;
    if (!x)
        return ERR_NOT_FOUND;
    xpc_sync(current);
    if (!(x->r.xseglen & XPC_SEG_LEN_MASK))
        return ERR_NOT_FOUND;
    return (int64_t)x->r.xsegpa;
}

int64_t sys_vm_check(uint64_t va, uint64_t len, uint64_t flags)
{
    if (flags & ~(uint64_t)VM_CHECK_WRITE)
        return ERR_INVALID_ARGS;
    if (!user_range_ok(va, len))
        return ERR_FAULT;
    uint64_t need = PTE_R | (flags & VM_CHECK_WRITE ? PTE_W : 0);
    for (uint64_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len; p += PAGE_SIZE)
        if (!as_lookup(current->proc->as, p, need))
            return ERR_FAULT;
    return 0;
}
