/* The service manager (Android's servicemanager, docs/binder.md): the context manager, handle 0
 * for every process. It keeps name -> handle, hears of each service's death and forgets it,
 * and tells libbinder which transport the system booted with.
 *   servicemanager [binder=kernel|xpc] */
#include <stdio.h>
#include <string.h>
#include <xpc/binder.h>
#include <xpc/usys.h>

#define MAX_SERVICES 32
struct entry {
    char name[32];
    uint64_t handle;
};
static struct entry table[MAX_SERVICES];
static int32_t transport = BINDER_KERNEL;

static void forget(void *arg)
{
    struct entry *e = arg;
    if (e->handle)
        sys_handle_close(e->handle);
    memset(e, 0, sizeof(*e));
}

static struct entry *find(const char *name)
{
    for (int i = 0; i < MAX_SERVICES; i++)
        if (table[i].handle && strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

static int32_t add(struct parcel *data)
{
    const char *name = parcel_read_string(data);
    int64_t h = parcel_read_handle(data);
    if (!name || h < 0 || data->error || strlen(name) >= sizeof(table[0].name)) {
        if (h > 0)
            sys_handle_close((uint64_t)h);
        return data->error ? data->error : ERR_INVALID_ARGS;
    }
    struct entry *e = find(name);
    if (e) { /* replaced, as Android's addService replaces */
        binder_unlink_to_death(e->handle, forget, e);
        forget(e);
    }
    for (e = table; e < table + MAX_SERVICES && e->handle; e++)
        ;
    if (e == table + MAX_SERVICES) {
        sys_handle_close((uint64_t)h);
        return ERR_NO_RESOURCES;
    }
    strcpy(e->name, name);
    e->handle = (uint64_t)h;
    binder_link_to_death(e->handle, forget, e);
    return 0;
}

static int32_t on_transact(void *arg, uint32_t code, struct parcel *data, struct parcel *reply,
                           uint32_t flags)
{
    (void)arg, (void)flags;
    switch (code) {
    case SM_ADD: return add(data);
    case SM_GET: {
        const char *name = parcel_read_string(data);
        struct entry *e = name ? find(name) : NULL;
        return e ? parcel_write_handle(reply, e->handle) : name ? ERR_NOT_FOUND : data->error;
    }
    case SM_LIST: {
        int32_t n = 0;
        for (int i = 0; i < MAX_SERVICES; i++)
            n += table[i].handle != 0;
        parcel_write_i32(reply, n);
        for (int i = 0; i < MAX_SERVICES; i++)
            if (table[i].handle)
                parcel_write_string(reply, table[i].name);
        return 0;
    }
    case SM_TRANSPORT: return parcel_write_i32(reply, transport);
    default: return ERR_INVALID_ARGS;
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: servicemanager [binder=kernel|xpc]\n"
                   "the binder context manager: register, look up and list services\n");
            return 0;
        }
        if (strcmp(argv[i], "binder=xpc") == 0)
            transport = BINDER_XPC;
    }
    int64_t node = binder_init_transport(BINDER_KERNEL); /* its own calls need handles */
    if (node == 0)
        node = binder_service_create(on_transact, NULL, 1);
    if (node > 0)
        node = SYSCALL(SYS_BINDER_SET_CONTEXT_MGR, binder_ctx, (uint64_t)node, 0, 0, 0);
    if (node < 0) {
        printf("servicemanager: cannot become the context manager: %s\n", xpc_strerror(node));
        return 1;
    }
    /* Silent: it starts at every boot, and a line here would land inside scripted output
     * (run=, the sql suite's comparisons). */
    binder_join_thread_pool();
}
