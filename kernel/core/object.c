/* Kernel object lifetime: reference counts and per-type live counts for the leak checks. */
#include <kernel/object.h>
#include <kernel/ipc.h>
#include <kernel/xpc.h>
#include <kernel/binder.h>

static uint64_t live[OBJ_TYPE_COUNT];


void kobj_init(struct kobj *o, uint32_t type)
{
    o->type = type;
    o->refs = 1;
    live[type]++;
}

void kobj_ref(struct kobj *o)
{
    o->refs++;
}

static void destroy(struct kobj *o)
{
    live[o->type]--;
    switch (o->type) {
    case OBJ_PROCESS: process_destroy(o); break;
    case OBJ_THREAD: thread_destroy(o); break;
    case OBJ_VMO: vmo_destroy(o); break;
    case OBJ_ENDPOINT: endpoint_destroy(o); break;
    case OBJ_CHANNEL: channel_destroy(o); break;
    case OBJ_INTERRUPT: interrupt_destroy(o); break;
    case OBJ_XENTRY: xentry_destroy(o); break;
    case OBJ_RELAY_SEG: relay_destroy(o); break;
    case OBJ_RESOURCE: resource_destroy(o); break;
    case OBJ_BINDER: binder_ctx_destroy(o); break;
    case OBJ_BINDER_NODE: binder_node_destroy(o); break;
    default: panic("kobj_unref: bad type %u", o->type);
    }
}

/* Destruction is iterative: destroying an object can drop the last reference to others (a
 * channel's queued messages carry handles, which may be channels with queues of their own...),
 * and a chain of any length must not grow the one kernel stack. */
static struct kobj *dead_head, **dead_tail = &dead_head;
static bool draining;

void kobj_unref(struct kobj *o)
{
    ASSERT(o->refs > 0);
    if (--o->refs)
        return;
    o->next_dead = NULL;
    *dead_tail = o;
    dead_tail = &o->next_dead;
    if (draining)
        return;
    draining = true;
    while (dead_head) {
        struct kobj *d = dead_head;
        dead_head = d->next_dead;
        if (!dead_head)
            dead_tail = &dead_head;
        destroy(d);
    }
    draining = false;
}

/* The root resource, in the spirit of Zircon's: init receives the only handle at boot and hands
 * duplicates to whom it trusts. The kernel keeps a reference, so it is never destroyed. */
static struct kobj root_resource;

struct kobj *root_resource_init(void)
{
    kobj_init(&root_resource, OBJ_RESOURCE);
    return &root_resource;
}

/* Device resources derived from the root (kernel/core/device.c) have the same type but are
 * not the root: they name a device range, and cannot power off. */
int check_root_resource(uint64_t h)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_RESOURCE, RIGHT_MANAGE, &e);
    return r < 0 ? r : e->obj == &root_resource ? 0 : ERR_ACCESS_DENIED;
}

bool is_root_resource(const struct kobj *o)
{
    return o == &root_resource;
}

uint64_t kobj_live(uint32_t type)
{
    return type < OBJ_TYPE_COUNT ? live[type] : 0;
}
