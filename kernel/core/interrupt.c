/* Interrupt objects: a user-level driver binds a PLIC source, waits for it and acknowledges it.
 * The source stays masked from delivery until the acknowledgement, so a level-triggered device
 * does not storm. */
#include <kernel/ipc.h>
#include <kernel/console.h>
#include <kernel/riscv.h>
#include <kernel/boot.h>
#include <xpc/memmap.h>

#define PLIC_PRIORITY(irq)  (4 * (irq))
#define PLIC_ENABLE(ctx)    (0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx)     (0x200004 + 0x1000 * (ctx))

static volatile uint32_t *plic;
static uint32_t ctx;
static struct interrupt *bound[MEMMAP_PLIC_NUM_SOURCES];

static volatile uint32_t *reg(uint64_t off)
{
    return (volatile uint32_t *)((uint64_t)plic + off);
}

void plic_init(uint64_t base, uint64_t hart)
{
    if (!base)
        return;
    plic = (volatile uint32_t *)kernel_mmio(base);
    ctx = (uint32_t)(2 * hart + 1); /* S-mode context of this hart on the virt board */
    *reg(PLIC_THRESHOLD(ctx)) = 0;
}

void plic_enable(uint32_t irq, bool on)
{
    if (!plic)
        return;
    volatile uint32_t *en = reg(PLIC_ENABLE(ctx) + 4 * (irq / 32));
    *reg(PLIC_PRIORITY(irq)) = on ? 1 : 0;
    if (on)
        *en |= 1u << (irq % 32);
    else
        *en &= ~(1u << (irq % 32));
}

uint32_t plic_claim(void)
{
    return plic ? *reg(PLIC_CLAIM(ctx)) : 0;
}

void plic_complete(uint32_t irq)
{
    if (plic)
        *reg(PLIC_CLAIM(ctx)) = irq;
}

/* The console's receive interrupt belongs to the kernel: the handler empties the UART into a
 * kernel buffer (which lowers the UART's line) and wakes the readers. */
static uint32_t console_irq;
static struct list console_waiters = {&console_waiters, &console_waiters};

void console_irq_init(uint32_t irq)
{
    if (!plic || irq == 0 || irq >= MEMMAP_PLIC_NUM_SOURCES)
        return;
    console_irq = irq;
    uart_enable_rx_interrupt();
    plic_enable(irq, true);
}

void console_wait(struct thread *t)
{
    sched_block(t, BLOCK_CONSOLE, NULL);
    list_add_tail(&console_waiters, &t->run_link);
    /* Without a working interrupt path, poll every 100 ms. */
    sched_sleep_until(t, read_time() + (console_irq ? timebase_hz / 10 : timebase_hz / 1000));
}

uint64_t stat_external_irqs;

void interrupt_fire(uint32_t irq)
{
    stat_external_irqs++;
    if (irq == console_irq && irq) {
        uart_rx_drain();
        plic_complete(irq);
        while (!list_empty(&console_waiters)) {
            struct thread *t = list_first(&console_waiters, struct thread, run_link);
            list_del(&t->run_link);
            sched_wake(t, 0);
        }
        return;
    }
    struct interrupt *in = irq < MEMMAP_PLIC_NUM_SOURCES ? bound[irq] : NULL;
    if (!in) {
        plic_enable(irq, false);
        plic_complete(irq);
        return;
    }
    in->pending = true;
    plic_enable(irq, false);
    plic_complete(irq);
    while (!list_empty(&in->waiters)) {
        struct thread *t = list_first(&in->waiters, struct thread, run_link);
        list_del(&t->run_link);
        sched_wake(t, 0);
    }
}

void interrupt_destroy(struct kobj *o)
{
    struct interrupt *in = container_of(o, struct interrupt, obj);
    plic_enable(in->irq, false);
    bound[in->irq] = NULL;
    wake_waiters(&in->waiters, ERR_PEER_CLOSED);
    kfree(in, sizeof(*in));
}

int64_t sys_interrupt_create(uint64_t resource, uint64_t irq)
{
    if (irq == 0 || irq >= MEMMAP_PLIC_NUM_SOURCES) {
        int64_t r = check_root_resource(resource); /* handle errors first, as documented */
        return r < 0 && r != ERR_ACCESS_DENIED ? r : ERR_INVALID_ARGS;
    }
    int64_t r = resource_allows_irq(resource, irq);
    if (r < 0)
        return r;
    if (bound[irq] || irq == console_irq)
        return ERR_ALREADY_BOUND;
    struct interrupt *in = kmalloc(sizeof(*in));
    if (!in)
        return ERR_NO_MEMORY;
    kobj_init(&in->obj, OBJ_INTERRUPT);
    in->irq = (uint32_t)irq;
    list_init(&in->waiters);
    int64_t h = handle_install(current->proc->handles, &in->obj, RIGHT_WAIT | RIGHT_WRITE);
    if (h < 0) {
        kobj_unref(&in->obj);
        return h;
    }
    bound[irq] = in;
    plic_enable((uint32_t)irq, true);
    return h;
}

static int get_interrupt(uint64_t h, uint32_t rights, struct interrupt **in)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_INTERRUPT, rights, &e);
    if (r == 0)
        *in = container_of(e->obj, struct interrupt, obj);
    return r;
}

int64_t sys_interrupt_wait(struct trap_frame *f)
{
    struct interrupt *in = NULL;
    int64_t r = get_interrupt(f->x[REG_A0], RIGHT_WAIT, &in);
    if (r < 0)
        return r;
    if (in->pending)
        return 0;
    sched_block(current, BLOCK_INTERRUPT, in);
    list_add_tail(&in->waiters, &current->run_link);
    schedule();
}

int64_t sys_interrupt_ack(uint64_t h)
{
    struct interrupt *in = NULL;
    int64_t r = get_interrupt(h, RIGHT_WRITE, &in);
    if (r < 0)
        return r;
    in->pending = false;
    plic_enable(in->irq, true);
    return 0;
}
