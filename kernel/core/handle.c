/* Per-process handle tables. */
#include <kernel/object.h>
#include <kernel/xpc.h>

uint64_t handles_live;

static uint64_t encode(uint32_t idx, uint16_t gen)
{
    return ((uint64_t)gen << 16) | (idx + 1);
}

int64_t handle_install(struct handle_table *t, struct kobj *o, uint32_t rights)
{
    return handle_install_badged(t, o, rights, 0);
}

int64_t handle_install_badged(struct handle_table *t, struct kobj *o, uint32_t rights,
                              uint32_t badge)
{
    for (uint32_t i = 0; i < HANDLE_TABLE_SIZE; i++) {
        struct handle *e = &t->slot[i];
        if (!e->obj) {
            e->obj = o;
            e->rights = (uint16_t)(rights & RIGHTS_ALL);
            e->badge = badge;
            e->gen = (uint16_t)(e->gen + 1);
            if (e->gen == 0) /* never 0: small integers are never valid handles */
                e->gen = 1;
            handles_live++;
            return (int64_t)encode(i, e->gen);
        }
    }
    return ERR_NO_RESOURCES;
}

int handle_get(struct handle_table *t, uint64_t h, uint32_t type, uint32_t rights,
               struct handle **out)
{
    struct handle *e = handle_lookup(t, h);
    if (!e)
        return ERR_BAD_HANDLE;
    if (type != OBJ_NONE && e->obj->type != type)
        return ERR_WRONG_TYPE;
    if ((e->rights & rights) != rights)
        return ERR_ACCESS_DENIED;
    *out = e;
    return 0;
}

int handle_take(struct handle_table *t, uint64_t h, struct handle *out)
{
    struct handle *e = handle_lookup(t, h);
    if (!e)
        return ERR_BAD_HANDLE;
    *out = *e;
    e->obj = NULL;
    handles_live--;
    /* The one place a handle leaves a table (closed, sent, moved into a child): rights that
     * live outside the table follow it here. */
    if (out->obj->type == OBJ_XENTRY && (out->rights & RIGHT_CALL))
        xentry_on_handle_left(t, out->obj);
    return 0;
}

int handle_close(struct handle_table *t, uint64_t h)
{
    struct handle old;
    int r = handle_take(t, h, &old);
    if (r == 0)
        kobj_unref(old.obj);
    return r;
}

bool handle_table_has_room(const struct handle_table *t, uint32_t n)
{
    uint32_t free_slots = 0;
    for (uint32_t i = 0; i < HANDLE_TABLE_SIZE && free_slots < n; i++)
        free_slots += t->slot[i].obj == NULL;
    return free_slots >= n;
}

void handle_table_clear(struct handle_table *t)
{
    for (uint32_t i = 0; i < HANDLE_TABLE_SIZE; i++) {
        struct kobj *o = t->slot[i].obj;
        if (o) {
            t->slot[i].obj = NULL;
            handles_live--;
            kobj_unref(o);
        }
    }
}
