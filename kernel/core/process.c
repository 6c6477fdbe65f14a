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
    kfree(p, sizeof(*p));
}
