/* Threads: one user context, one IPC buffer page, one scheduling state. */
#include <kernel/object.h>
#include <kernel/ipc.h>
#include <kernel/fpu.h>
#include <kernel/xpc.h>

static int ipcbuf_slot_alloc(struct address_space *as)
{
    for (uint32_t i = 0; i < USER_IPCBUF_LIMIT_SLOTS; i++) {
        if (!(as->ipcbuf_slots[i / 32] & (1u << (i % 32)))) {
            as->ipcbuf_slots[i / 32] |= 1u << (i % 32);
            return (int)i;
        }
    }
    return -1;
}

struct thread *thread_create(struct process *p, uint64_t entry, uint64_t sp, uint64_t arg,
                             uint32_t priority)
{
    if (p->dead || priority > MAX_PRIORITY)
        return NULL;
    struct thread *t = kmalloc(sizeof(*t));
    if (!t)
        return NULL;
    int slot = ipcbuf_slot_alloc(p->as);
    uint64_t pa = slot >= 0 ? frame_alloc() : 0;
    uint64_t va = USER_IPCBUF_BASE + (uint64_t)slot * PAGE_SIZE;
    if (!pa || as_map_page(p->as, va, pa, PTE_R | PTE_W | PTE_OWNED) < 0) {
        if (pa)
            frame_free(pa);
        if (slot >= 0)
            p->as->ipcbuf_slots[slot / 32] &= ~(1u << (slot % 32));
        kfree(t, sizeof(*t));
        return NULL;
    }
    kobj_init(&t->obj, OBJ_THREAD); /* this reference is dropped when the thread dies */
    kobj_ref(&p->obj);
    t->proc = p;
    t->home = p;
    list_add_tail(&p->threads, &t->proc_link);
    p->nthreads++;
    list_init(&t->run_link);
    list_init(&t->sleep_link);
    list_init(&t->waiters);
    t->ipcbuf_va = va;
    t->ipcbuf_pa = pa;
    t->priority = priority;
    t->frame.sepc = entry;
    t->frame.x[REG_SP] = sp;
    t->frame.x[REG_A0] = arg;
    sched_ready(t);
    return t;
}

/* Unlinks t from whatever it waits in. */
void thread_unlink_blocked(struct thread *t)
{
    if (t->state == TS_READY)
        sched_unready(t);
    if (t->state == TS_BLOCKED)
        list_del(&t->run_link);
    sched_cancel_sleep(t);
}

void thread_kill(struct thread *t, int64_t code)
{
    if (t->state == TS_DEAD)
        return;
    struct process *p = t->home;
    thread_unlink_blocked(t);
    ipc_thread_cleanup(t);
    fpu_release(t);
    xpc_thread_release(t);
    t->proc = p;
    t->state = TS_DEAD;
    t->exit_code = code;
    uint32_t slot = (uint32_t)((t->ipcbuf_va - USER_IPCBUF_BASE) / PAGE_SIZE);
    as_unmap_page(p->as, t->ipcbuf_va); /* frees the owned IPC buffer frame */
    p->as->ipcbuf_slots[slot / 32] &= ~(1u << (slot % 32));
    list_del(&t->proc_link);
    p->nthreads--;
    wake_waiters(&t->waiters, code);
    if (t == current)
        current = NULL;
    /* The last thread ends the process; p must outlive the thread's reference on it. */
    bool last = p->nthreads == 0 && !p->dead;
    if (last)
        kobj_ref(&p->obj);
    kobj_unref(&t->obj);
    if (last) {
        process_kill(p, code);
        kobj_unref(&p->obj);
    }
}

void thread_exit_current(int64_t code)
{
    thread_kill(current, code);
    schedule();
}

void thread_destroy(struct kobj *o)
{
    struct thread *t = container_of(o, struct thread, obj);
    struct process *p = t->home;
    fpu_release(t);
    kfree(t, sizeof(*t));
    kobj_unref(&p->obj);
}

void thread_set_priority(struct thread *t, uint32_t prio)
{
    if (t->state == TS_READY) {
        sched_unready(t);
        t->priority = prio;
        sched_ready(t);
    } else {
        t->priority = prio;
    }
}
