/* Processes: an address space, a handle table and threads. Killing a process releases all of
 * it at once; the process object itself stays (as a zombie holding the exit code) while handles
 * to it remain. */
#include <kernel/object.h>
#include <kernel/ipc.h>
#include <kernel/xpc.h>

struct process *process_create(const char *name)
{
    struct process *p = kmalloc(sizeof(*p));
    if (!p)
        return NULL;
    p->as = as_create();
    uint64_t ht = frame_alloc();
    if (!p->as || !ht) {
        if (p->as)
            as_destroy(p->as);
        if (ht)
            frame_free(ht);
        kfree(p, sizeof(*p));
        return NULL;
    }
    kobj_init(&p->obj, OBJ_PROCESS);
    p->handles = phys_to_virt(ht);
    list_init(&p->threads);
    list_init(&p->waiters);
    size_t n = strlen(name);
    if (n >= sizeof(p->name))
        n = sizeof(p->name) - 1;
    memcpy(p->name, name, n);
    return p;
}

void process_kill(struct process *p, int64_t code)
{
    if (p->dead)
        return;
    p->dead = true;
    p->exit_code = code;
    kobj_ref(&p->obj);    /* keep p alive while its threads drop their references */
    xpc_process_dying(p); /* calls into p end while its memory is still there to unwind */
    while (!list_empty(&p->threads))
        thread_kill(list_first(&p->threads, struct thread, proc_link), code);
    endpoint_owner_died(p);
    handle_table_clear(p->handles);
    frame_free((uint64_t)p->handles);
    p->handles = NULL;
    vm_unmap_all(p->as);
    as_destroy(p->as);
    p->as = NULL;
    xpc_process_release(p);
    wake_waiters(&p->waiters, code);
    kobj_unref(&p->obj);
}

void process_destroy(struct kobj *o)
{
    struct process *p = container_of(o, struct process, obj);
    ASSERT(p->dead);
    struct process *parent = p->parent;
    kfree(p, sizeof(*p));
    if (parent)
        kobj_unref(&parent->obj);
}

/* A new process's limits come from the process that makes it: the same highest priority, and
 * half of its x-entry quota (so no child alone can take everything its parent may have). An
 * entry counts against its owner and every ancestor, so a subtree never exceeds its root's. */
void process_inherit_limits(struct process *child, struct process *parent)
{
    if (!parent) {
        child->max_priority = MAX_PRIORITY;
        child->xentry_quota = XPC_MAX_XENTRIES;
        return;
    }
    kobj_ref(&parent->obj);
    child->parent = parent;
    child->max_priority = parent->max_priority;
    child->xentry_quota = parent->xentry_quota / 2;
}

int process_charge_xentry(struct process *p)
{
    for (struct process *a = p; a; a = a->parent)
        if (a->xentries >= a->xentry_quota)
            return ERR_NO_RESOURCES;
    for (struct process *a = p; a; a = a->parent)
        a->xentries++;
    return 0;
}

void process_uncharge_xentry(struct process *p)
{
    for (struct process *a = p; a; a = a->parent)
        a->xentries--;
}

/* Sets the limits of a process the caller manages (itself included, through a handle to
 * itself), never above the caller's own. Threads already above the new priority come down. */
int64_t sys_process_set_limits(uint64_t h, uint64_t max_priority, uint64_t xentry_quota)
{
    struct process *self = current->proc;
    struct handle *e = NULL;
    int r = handle_get(self->handles, h, OBJ_PROCESS, RIGHT_MANAGE, &e);
    if (r < 0)
        return r;
    struct process *p = container_of(e->obj, struct process, obj);
    if (max_priority > MAX_PRIORITY || xentry_quota > XPC_MAX_XENTRIES)
        return ERR_INVALID_ARGS;
    if (max_priority > self->max_priority || xentry_quota > self->xentry_quota)
        return ERR_ACCESS_DENIED;
    if (p->dead)
        return ERR_BAD_STATE;
    p->max_priority = (uint32_t)max_priority;
    p->xentry_quota = (uint32_t)xentry_quota;
    for (struct list *l = p->threads.next; l != &p->threads; l = l->next) {
        struct thread *t = container_of(l, struct thread, proc_link);
        if (t->priority > max_priority)
            thread_set_priority(t, (uint32_t)max_priority);
    }
    return 0;
}
