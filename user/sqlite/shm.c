/* In-process wal-index regions and WAL slot locks (see shm.h). */
#include <string.h>
#include "shm.h"
#include "sqlite3.h"

#define MAX_OWNERS 16 /* connections sharing one database's wal-index in this process */

struct shm_node {
    struct shm_node *next;
    char *path;
    int refs;
    int nregion;
    void **regions;
    /* Per slot: the owners holding it shared, or the one holding it exclusively. */
    const void *shared[SQLITE_SHM_NLOCK][MAX_OWNERS];
    const void *exclusive[SQLITE_SHM_NLOCK];
};

static struct shm_node *nodes;

static struct shm_node *node_for(const char *path)
{
    for (struct shm_node *n = nodes; n; n = n->next)
        if (strcmp(n->path, path) == 0)
            return n;
    struct shm_node *n = sqlite3_malloc(sizeof(*n));
    if (!n)
        return NULL;
    memset(n, 0, sizeof(*n));
    n->path = sqlite3_mprintf("%s", path);
    if (!n->path) {
        sqlite3_free(n);
        return NULL;
    }
    n->next = nodes;
    nodes = n;
    return n;
}

int shm_map(struct shm_node **node, const char *path, int region, int size, int extend,
            void volatile **out)
{
    *out = NULL;
    if (!path)
        return SQLITE_IOERR_SHMOPEN;
    if (!*node) {
        *node = node_for(path);
        if (!*node)
            return SQLITE_NOMEM;
        (*node)->refs++;
    }
    struct shm_node *n = *node;
    if (region >= n->nregion) {
        if (!extend)
            return SQLITE_OK;
        void **grown = sqlite3_realloc(n->regions, (region + 1) * (int)sizeof(void *));
        if (!grown)
            return SQLITE_NOMEM;
        n->regions = grown;
        while (n->nregion <= region) {
            n->regions[n->nregion] = sqlite3_malloc(size);
            if (!n->regions[n->nregion])
                return SQLITE_NOMEM;
            memset(n->regions[n->nregion], 0, (size_t)size);
            n->nregion++;
        }
    }
    *out = n->regions[region];
    return SQLITE_OK;
}

static int held_by_other(struct shm_node *n, int slot, const void *owner, int want_exclusive)
{
    if (n->exclusive[slot] && n->exclusive[slot] != owner)
        return 1;
    if (!want_exclusive)
        return 0;
    for (int i = 0; i < MAX_OWNERS; i++)
        if (n->shared[slot][i] && n->shared[slot][i] != owner)
            return 1;
    return 0;
}

static void drop(struct shm_node *n, int slot, const void *owner)
{
    if (n->exclusive[slot] == owner)
        n->exclusive[slot] = NULL;
    for (int i = 0; i < MAX_OWNERS; i++)
        if (n->shared[slot][i] == owner)
            n->shared[slot][i] = NULL;
}

static int take_shared(struct shm_node *n, int slot, const void *owner)
{
    int free_slot = -1;
    for (int i = 0; i < MAX_OWNERS; i++) {
        if (n->shared[slot][i] == owner)
            return SQLITE_OK;
        if (!n->shared[slot][i] && free_slot < 0)
            free_slot = i;
    }
    if (free_slot < 0)
        return SQLITE_BUSY;
    n->shared[slot][free_slot] = owner;
    return SQLITE_OK;
}

int shm_lock(struct shm_node *n, const void *owner, int offset, int count, int flags)
{
    if (!n || offset < 0 || count < 1 || offset + count > SQLITE_SHM_NLOCK)
        return SQLITE_IOERR_SHMLOCK;
    int exclusive = (flags & SQLITE_SHM_EXCLUSIVE) != 0;
    if (flags & SQLITE_SHM_UNLOCK) {
        for (int s = offset; s < offset + count; s++)
            drop(n, s, owner);
        return SQLITE_OK;
    }
    for (int s = offset; s < offset + count; s++)
        if (held_by_other(n, s, owner, exclusive))
            return SQLITE_BUSY;
    for (int s = offset; s < offset + count; s++) {
        if (exclusive) {
            drop(n, s, owner);
            n->exclusive[s] = owner;
        } else if (take_shared(n, s, owner) != SQLITE_OK) {
            return SQLITE_BUSY;
        }
    }
    return SQLITE_OK;
}

void shm_unmap(struct shm_node **node, int delete_flag)
{
    (void)delete_flag; /* nothing on disk to delete: the regions were never a file */
    struct shm_node *n = *node;
    if (!n)
        return;
    *node = NULL;
    if (--n->refs > 0)
        return;
    struct shm_node **link = &nodes;
    while (*link != n)
        link = &(*link)->next;
    *link = n->next;
    for (int i = 0; i < n->nregion; i++)
        sqlite3_free(n->regions[i]);
    sqlite3_free(n->regions);
    sqlite3_free(n->path);
    sqlite3_free(n);
}
