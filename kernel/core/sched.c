/* Scheduler: fixed priorities 0..MAX_PRIORITY (higher runs first), round-robin within a
 * priority on timer ticks, WFI when idle. The kernel is not preemptible: it runs with
 * interrupts off on one stack and always leaves through schedule() or switch_to(). */
#include <kernel/object.h>
#include <kernel/riscv.h>
#include <kernel/ipc.h>
#include <kernel/xpc.h>
#include <kernel/arch.h>

struct thread *current;
static struct list runq[MAX_PRIORITY + 1];
uint32_t sched_ready_mask; /* bit p: a thread of priority p is ready */
static struct list sleepers;

void sched_init(void)
{
    for (int i = 0; i <= MAX_PRIORITY; i++)
        list_init(&runq[i]);
    list_init(&sleepers);
}

void sched_ready(struct thread *t)
{
    t->state = TS_READY;
    t->block = BLOCK_NONE;
    t->wait_obj = NULL;
    list_add_tail(&runq[t->priority], &t->run_link);
    sched_ready_mask |= 1u << t->priority;
}

void sched_unready(struct thread *t)
{
    if (t->state != TS_READY)
        return;
    list_del(&t->run_link);
    if (list_empty(&runq[t->priority]))
        sched_ready_mask &= ~(1u << t->priority);
}

uint32_t sched_highest_ready(void)
{
    return sched_ready_mask ? 31 - __builtin_clz(sched_ready_mask) : 0;
}

void sched_block(struct thread *t, enum block_reason why, void *obj)
{
    sched_unready(t);
    t->state = TS_BLOCKED;
    t->block = why;
    t->wait_obj = obj;
}

void sched_wake(struct thread *t, int64_t result)
{
    if (t->state != TS_BLOCKED)
        return;
    if (t->block == BLOCK_SLEEP || t->wake_time)
        sched_cancel_sleep(t);
    if (!t->restart)
        t->frame.x[REG_A0] = (uint64_t)result;
    t->restart = false;
    sched_ready(t);
}

void wake_waiters(struct list *waiters, int64_t result)
{
    while (!list_empty(waiters)) {
        struct thread *t = list_first(waiters, struct thread, run_link);
        list_del(&t->run_link);
        t->state = TS_BLOCKED; /* still blocked until sched_wake queues it */
        sched_wake(t, result);
    }
}

void sched_sleep_until(struct thread *t, uint64_t time)
{
    t->wake_time = time;
    list_add_tail(&sleepers, &t->sleep_link);
    timer_arm_before(time);
}

void sched_cancel_sleep(struct thread *t)
{
    if (t->wake_time) {
        list_del(&t->sleep_link);
        t->wake_time = 0;
    }
}

static void wake_sleepers(void)
{
    uint64_t now = read_time();
    struct list *l = sleepers.next;
    while (l != &sleepers) {
        struct thread *t = container_of(l, struct thread, sleep_link);
        l = l->next;
        if (t->wake_time <= now) {
            /* A deadline passed: a sleep ends, a wait with a timeout gives up its queue. */
            sched_cancel_sleep(t);
            if (t->state == TS_BLOCKED && t->block != BLOCK_SLEEP)
                list_del(&t->run_link);
            sched_wake(t, 0);
        } else {
            timer_arm_before(t->wake_time);
        }
    }
}

void sched_tick(void)
{
    wake_sleepers();
    /* Round-robin: the running thread goes behind its equals. */
    if (current && current->state == TS_RUNNING)
        sched_ready(current);
}

void switch_to(struct thread *t)
{
    if (t->state == TS_READY)
        sched_unready(t);
    if (current && current != t && current->state == TS_RUNNING)
        sched_ready(current);
    t->state = TS_RUNNING;
    current = t;
    thread_return_to_user(t);
}

static void idle(void)
{
    current = NULL;
    while (!sched_ready_mask) {
        __asm__ volatile("wfi");
        uint64_t sip = csr_read(sip);
        if (sip & (1ULL << IRQ_S_TIMER)) {
            stat_timer_irqs++;
            timer_arm();
            wake_sleepers();
            xpc_check_deadlines();
        }
        if (sip & (1ULL << IRQ_S_EXT)) {
            uint32_t irq;
            while ((irq = plic_claim()) != 0)
                interrupt_fire(irq);
        }
    }
}

void schedule(void)
{
    if (current && current->state == TS_RUNNING && current->priority >= sched_highest_ready())
        switch_to(current);
    if (current && current->state == TS_RUNNING)
        sched_ready(current);
    if (!sched_ready_mask)
        idle();
    uint32_t p = sched_highest_ready();
    struct thread *t = list_first(&runq[p], struct thread, run_link);
    sched_unready(t);
    t->state = TS_RUNNING;
    current = t;
    thread_return_to_user(t);
}
