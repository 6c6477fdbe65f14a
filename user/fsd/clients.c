/* fsd's clients: each has its own table of open files, so one client can neither use nor close
 * another's, and too many open files give EMFILE to that client only. */
#include <errno.h>
#include <string.h>
#include "fsd.h"

static struct client clients[FSD_MAX_CLIENTS];

static int holds_files(const struct client *c)
{
    for (int i = 0; i < FILE_OPEN_MAX; i++)
        if (c->files[i].used)
            return 1;
    return 0;
}

struct client *client_find(uint64_t id)
{
    struct client *spare = NULL;
    for (int i = 0; i < FSD_MAX_CLIENTS; i++) {
        if (clients[i].id == id)
            return &clients[i];
        if (!spare && (!clients[i].id || !holds_files(&clients[i])))
            spare = &clients[i];
    }
    /* A client that holds nothing open needs no slot between calls: its slot is reused. */
    if (spare) {
        memset(spare, 0, sizeof(*spare));
        spare->id = id;
    }
    return spare;
}

int64_t client_new_file(struct client *c)
{
    for (int i = 0; i < FILE_OPEN_MAX; i++)
        if (!c->files[i].used)
            return i;
    return -EMFILE;
}

struct open_file *client_file(struct client *c, uint64_t handle)
{
    if (handle >= FILE_OPEN_MAX || !c->files[handle].used)
        return NULL;
    return &c->files[handle];
}
