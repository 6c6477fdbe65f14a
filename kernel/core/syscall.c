/* System-call dispatch. Each call checks all of its arguments and returns a documented error
 * (docs/syscalls.md); no argument value can make the kernel panic. */
#include <kernel/ipc.h>
#include <kernel/riscv.h>
#include <kernel/console.h>
#include <kernel/sbi.h>
#include <kernel/fpu.h>
#include <kernel/xpc.h>
#include <kernel/boot.h>
#include <kernel/binder.h>

static int64_t sys_debug_write(uint64_t buf, uint64_t len)
{
    char tmp[128];
    if (len > (1u << 20))
        return ERR_INVALID_ARGS;
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < sizeof(tmp) ? len - done : sizeof(tmp);
        if (copy_from_user(tmp, buf + done, n) < 0)
            return ERR_FAULT;
        for (uint64_t i = 0; i < n; i++)
            console_putc(tmp[i]);
        done += n;
    }
    return (int64_t)len;
}

static int64_t sys_debug_read(struct trap_frame *f)
{
    uint64_t buf = f->x[REG_A0], len = f->x[REG_A1], flags = f->x[REG_A2];
    if (flags & ~1ULL)
        return ERR_INVALID_ARGS;
    if (!user_range_ok(buf, len))
        return ERR_FAULT;
    uint64_t n = 0;
    int c;
    while (n < len && (c = console_getc()) >= 0) {
        char ch = (char)c;
        if (copy_to_user(buf + n, &ch, 1) < 0)
            return ERR_FAULT;
        n++;
    }
    if (n == 0 && len > 0 && (flags & 1)) {
        f->sepc -= 4; /* run the read again when input arrives */
        current->restart = true;
        console_wait(current);
        schedule();
    }
    return (int64_t)n;
}

static uint64_t ns_to_ticks(uint64_t ns)
{
    return ns / 1000 * (timebase_hz / 1000) / 1000;
}

static int64_t sys_handle_duplicate(uint64_t h, uint64_t rights)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_NONE, RIGHT_DUPLICATE, &e);
    if (r < 0)
        return r;
    if (rights == RIGHT_SAME_RIGHTS)
        rights = e->rights;
    if (rights & ~(uint64_t)e->rights)
        return ERR_INVALID_ARGS; /* rights can only shrink */
    if (e->obj->type == OBJ_XENTRY && (rights & RIGHT_CALL) && !(e->rights & RIGHT_GRANT))
        return ERR_ACCESS_DENIED; /* handing out call rights is what GRANT is for */
    int64_t nh = handle_install_badged(current->proc->handles, e->obj, (uint32_t)rights, e->badge);
    if (nh > 0)
        kobj_ref(e->obj);
    return nh;
}

/* seL4's mint: a copy of an unbadged endpoint handle that carries a badge. */
static int64_t sys_endpoint_mint(uint64_t h, uint64_t badge)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_ENDPOINT, RIGHT_DUPLICATE, &e);
    if (r < 0)
        return r;
    if (badge == 0 || badge > 0xffffffffULL)
        return ERR_INVALID_ARGS;
    if (e->badge)
        return ERR_BAD_STATE;
    int64_t nh = handle_install_badged(current->proc->handles, e->obj, e->rights, (uint32_t)badge);
    if (nh > 0)
        kobj_ref(e->obj);
    return nh;
}

static int64_t sys_handle_close(uint64_t h)
{
    return handle_close(current->proc->handles, h);
}

static int64_t sys_handle_info(uint64_t h)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_NONE, 0, &e);
    return r < 0 ? r : (int64_t)(e->obj->type | (uint64_t)e->rights << 8);
}

static int64_t sys_spawn(uint64_t uname, uint64_t namelen, uint64_t uargs, uint64_t argslen,
                         uint64_t bh, uint64_t sh)
{
    char name[32], args[1024];
    if (namelen == 0 || namelen >= sizeof(name) || argslen > sizeof(args))
        return ERR_INVALID_ARGS;
    if (copy_from_user(name, uname, namelen) < 0 || copy_from_user(args, uargs, argslen) < 0)
        return ERR_FAULT;
    name[namelen] = 0;
    if (strlen(name) != namelen)
        return ERR_INVALID_ARGS;
    struct handle_table *ht = current->proc->handles;
    struct handle *e = NULL, *s = NULL;
    if (bh) {
        int r = handle_get(ht, bh, OBJ_NONE, RIGHT_TRANSFER, &e);
        if (r < 0)
            return r;
    }
    if (sh) {
        if (sh == bh)
            return ERR_INVALID_ARGS;
        int r = handle_get(ht, sh, OBJ_NONE, RIGHT_TRANSFER, &s);
        if (r < 0)
            return r;
    }
    /* Check for room first so that a full table cannot strand a new process. */
    if (!handle_table_has_room(ht, 1))
        return ERR_NO_RESOURCES;
    struct process *p;
    int64_t r = process_spawn(name, args, argslen, e, s, &p);
    if (r < 0)
        return r;
    if (bh)
        handle_close(ht, bh); /* the bootstrap and service handles moved into the child */
    if (sh)
        handle_close(ht, sh);
    return handle_install(ht, &p->obj,
                          RIGHT_WAIT | RIGHT_MANAGE | RIGHT_DUPLICATE | RIGHT_TRANSFER);
}

static int64_t sys_kill(uint64_t h)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_NONE, RIGHT_MANAGE, &e);
    if (r < 0)
        return r;
    if (e->obj->type == OBJ_PROCESS)
        process_kill(container_of(e->obj, struct process, obj), ERR_PEER_CLOSED);
    else if (e->obj->type == OBJ_THREAD)
        thread_kill(container_of(e->obj, struct thread, obj), ERR_PEER_CLOSED);
    else
        return ERR_WRONG_TYPE;
    return 0;
}

static int64_t sys_object_wait(uint64_t h)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_NONE, RIGHT_WAIT, &e);
    if (r < 0)
        return r;
    struct list *waiters;
    if (e->obj->type == OBJ_PROCESS) {
        struct process *p = container_of(e->obj, struct process, obj);
        if (p->dead)
            return p->exit_code;
        waiters = &p->waiters;
    } else if (e->obj->type == OBJ_THREAD) {
        struct thread *t = container_of(e->obj, struct thread, obj);
        if (t->state == TS_DEAD)
            return t->exit_code;
        if (t == current)
            return ERR_BAD_STATE;
        waiters = &t->waiters;
    } else {
        return ERR_WRONG_TYPE;
    }
    sched_block(current, BLOCK_WAIT_OBJ, e->obj);
    list_add_tail(waiters, &current->run_link);
    schedule();
}

/* In the caller's process (proc = 0) or in a live process the caller manages. */
static int64_t sys_thread_create(uint64_t entry, uint64_t sp, uint64_t arg, uint64_t prio,
                                 uint64_t proc)
{
    if (prio > MAX_PRIORITY || entry < USER_BASE || entry >= USER_TOP || (entry & 1) ||
        sp < USER_BASE || sp > USER_TOP || (sp & 15))
        return ERR_INVALID_ARGS;
    struct handle_table *ht = current->proc->handles;
    struct process *p = current->proc;
    if (proc) {
        struct handle *e = NULL;
        int r = handle_get(ht, proc, OBJ_PROCESS, RIGHT_MANAGE, &e);
        if (r < 0)
            return r;
        p = container_of(e->obj, struct process, obj);
        if (p->dead)
            return ERR_BAD_STATE;
    }
    if (prio > current->proc->max_priority || prio > p->max_priority)
        return ERR_ACCESS_DENIED;
    if (!handle_table_has_room(ht, 1)) /* before the thread exists */
        return ERR_NO_RESOURCES;
    struct thread *t = thread_create(p, entry, sp, arg, (uint32_t)prio);
    if (!t)
        return ERR_NO_MEMORY;
    if (p == current->proc)
        t->frame.x[3] = current->frame.x[3]; /* gp: the same program, the same global pointer */
    kobj_ref(&t->obj);
    return handle_install(ht, &t->obj,
                          RIGHT_WAIT | RIGHT_MANAGE | RIGHT_DUPLICATE | RIGHT_TRANSFER);
}

static int64_t sys_set_priority(uint64_t h, uint64_t prio)
{
    struct handle *e = NULL;
    int r = handle_get(current->proc->handles, h, OBJ_THREAD, RIGHT_MANAGE, &e);
    if (r < 0)
        return r;
    if (prio > MAX_PRIORITY)
        return ERR_INVALID_ARGS;
    struct thread *t = container_of(e->obj, struct thread, obj);
    /* Never above what the caller's parent allowed it, nor above the thread's own process's. */
    if (prio > current->proc->max_priority || prio > t->home->max_priority)
        return ERR_ACCESS_DENIED;
    thread_set_priority(t, (uint32_t)prio);
    return 0;
}

static int64_t sys_kstats(uint64_t out)
{
    struct kstats s = {0};
    for (uint32_t i = 0; i < OBJ_TYPE_COUNT; i++)
        s.objects[i] = kobj_live(i);
    s.frames_used = frames_used();
    s.frames_total = frames_total();
    s.frames_free = frames_free();
    s.heap_bytes = kheap_live_bytes();
    s.handles = handles_live;
    s.selftest_passed = selftest_passed;
    s.selftest_failed = selftest_failed;
    s.fastpath_calls = stat_fastpath;
    s.slowpath_calls = stat_slowpath;
    s.asid_mode = vm_asid_mode();
    s.external_interrupts = stat_external_irqs;
    s.timer_interrupts = stat_timer_irqs;
    s.fp_first_use_traps = stat_fp_first_use;
    s.fp_saves = stat_fp_saves;
    s.fp_restores = stat_fp_restores;
    s.fp_contexts = fp_contexts_live;
    return copy_to_user(out, &s, sizeof(s));
}

static int64_t sys_bootimage_list(uint64_t buf, uint64_t len)
{
    uint64_t n = 0;
    for (uint64_t i = 0; i < bootimg_count; i++) {
        const char *name = bootimg_table[i].name;
        size_t l = strlen(name);
        if (n + l + 1 > len)
            return ERR_BUFFER_TOO_SMALL;
        if (copy_to_user(buf + n, name, l) < 0 || copy_to_user(buf + n + l, "\n", 1) < 0)
            return ERR_FAULT;
        n += l + 1;
    }
    return (int64_t)n;
}

void syscall_dispatch(struct trap_frame *f)
{
    uint64_t *a = &f->x[REG_A0];
    int64_t r;
    switch (f->x[REG_A7]) { /* the IPC calls first: they pay for nothing below */
    case SYS_CALL: fastpath_call(f);
    case SYS_REPLY_RECV: fastpath_reply_recv(f);
    case SYS_RECV: sys_recv(f); return;
    default: break;
    }
    struct thread *self = current;
    self->unwound = false;
    switch (f->x[REG_A7]) {
    case SYS_NULL: r = 0; break;
    case SYS_DEBUG_WRITE: r = sys_debug_write(a[0], a[1]); break;
    case SYS_DEBUG_READ: r = sys_debug_read(f); break;
    case SYS_EXIT: process_kill(current->proc, (int64_t)a[0]); return;
    case SYS_THREAD_EXIT:
        /* The thread is its caller's: a callee may end its own part (return, or exit its own
         * process), never the caller's thread. */
        if (current->proc != current->home) {
            r = ERR_ACCESS_DENIED;
            break;
        }
        thread_kill(current, (int64_t)a[0]);
        return;
    case SYS_YIELD:
        if (current->state == TS_RUNNING)
            sched_ready(current);
        return;
    case SYS_CLOCK_GET: r = (int64_t)(read_time() * 1000 / (timebase_hz / 1000000)); break;
    case SYS_SLEEP:
        if (a[0] > 3600ULL * 1000000000ULL) {
            r = ERR_INVALID_ARGS;
            break;
        }
        sched_block(current, BLOCK_SLEEP, NULL);
        sched_sleep_until(current, read_time() + ns_to_ticks(a[0]) + 1);
        f->x[REG_A0] = 0;
        return;
    case SYS_BRK: r = sys_brk(a[0]); break;
    case SYS_HANDLE_CLOSE: r = sys_handle_close(a[0]); break;
    case SYS_HANDLE_DUPLICATE: r = sys_handle_duplicate(a[0], a[1]); break;
    case SYS_HANDLE_INFO: r = sys_handle_info(a[0]); break;
    case SYS_PROCESS_SPAWN: r = sys_spawn(a[0], a[1], a[2], a[3], a[4], a[5]); break;
    case SYS_PROCESS_KILL: r = sys_kill(a[0]); break;
    case SYS_OBJECT_WAIT: r = sys_object_wait(a[0]); break;
    case SYS_THREAD_CREATE: r = sys_thread_create(a[0], a[1], a[2], a[3], a[4]); break;
    case SYS_VMO_CREATE: r = sys_vmo_create(a[0]); break;
    case SYS_VMO_MAP: r = sys_vmo_map(a[0], a[1], a[2], a[3]); break;
    case SYS_VM_UNMAP: r = sys_vm_unmap(a[0], a[1]); break;
    case SYS_ENDPOINT_CREATE: {
        struct endpoint *ep = endpoint_create();
        r = ep ? handle_install(current->proc->handles, &ep->obj,
                                RIGHT_READ | RIGHT_WRITE | RIGHT_DUPLICATE | RIGHT_TRANSFER)
               : ERR_NO_MEMORY;
        if (ep && r < 0)
            kobj_unref(&ep->obj);
        else if (ep)
            endpoint_set_owner(ep, current->proc);
        break;
    }
    case SYS_CHANNEL_CREATE: r = sys_channel_create(a[0]); break;
    case SYS_CHANNEL_WRITE: r = sys_channel_write(a[0], a[1], a[2], a[3], a[4]); break;
    case SYS_CHANNEL_READ: r = sys_channel_read(f); break;
    case SYS_CHANNEL_CALL: r = sys_channel_call(f); break;
    case SYS_INTERRUPT_CREATE: r = sys_interrupt_create(a[0], a[1]); break;
    case SYS_INTERRUPT_WAIT: r = sys_interrupt_wait(f); break;
    case SYS_INTERRUPT_ACK: r = sys_interrupt_ack(a[0]); break;
    case SYS_KSTATS: r = sys_kstats(a[0]); break;
    case SYS_IPC_BUFFER: r = (int64_t)current->ipcbuf_va; break;
    case SYS_POWEROFF:
        r = check_root_resource(a[0]);
        if (r == 0)
            sbi_shutdown(a[1] != 0);
        break;
    case SYS_THREAD_SET_PRIORITY: r = sys_set_priority(a[0], a[1]); break;
    case SYS_ENDPOINT_MINT: r = sys_endpoint_mint(a[0], a[1]); break;
    case SYS_BOOTIMAGE_LIST: r = sys_bootimage_list(a[0], a[1]); break;
    case SYS_XENTRY_CREATE: r = sys_xentry_create(a[0], a[1], a[2]); break;
    case SYS_XENTRY_GRANT: r = sys_xentry_grant(a[0], a[1]); break;
    case SYS_XENTRY_BIND: r = sys_xentry_bind(a[0]); break;
    case SYS_XENTRY_DESTROY: r = sys_xentry_destroy(a[0]); break;
    case SYS_XENTRY_INFO: r = sys_xentry_info(a[0], a[1]); break;
    case SYS_RELAY_CREATE: r = sys_relay_create(a[0], a[1]); break;
    case SYS_RELAY_ATTACH: r = sys_relay_attach(a[0], a[1]); break;
    case SYS_RELAY_DETACH: r = sys_relay_detach(a[0]); break;
    case SYS_XPC_CALL_TIMEOUT: r = sys_xpc_call_timeout(f); break;
    case SYS_XPC_INFO: r = sys_xpc_info(a[0]); break;
    case SYS_PROCESS_SET_LIMITS: r = sys_process_set_limits(a[0], a[1], a[2]); break;
    case SYS_RESOURCE_CREATE: r = sys_resource_create(a[0], a[1], a[2], a[3], a[4]); break;
    case SYS_DEVICE_VMO_CREATE: r = sys_device_vmo_create(a[0], a[1], a[2]); break;
    case SYS_VMO_CREATE_CONTIG: r = sys_vmo_create_contig(a[0], a[1]); break;
    case SYS_VMO_PHYS: r = sys_vmo_phys(a[0], a[1]); break;
    case SYS_RELAY_PHYS: r = sys_relay_phys(a[0]); break;
    case SYS_VM_CHECK: r = sys_vm_check(a[0], a[1], a[2]); break;
    default: r = binder_syscall(f); break;
    }
    /* A call that ended its own thread (current is gone) or sent it back to its XPC caller
     * (a callee killing its own process: the caller's a0 already says why) has no result. */
    if (current != self || self->unwound)
        return;
    f->x[REG_A0] = (uint64_t)r;
}
