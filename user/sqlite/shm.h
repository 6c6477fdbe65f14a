/* The wal-index ("shared memory") of WAL mode, kept in this process's heap: the file protocol
 * has no shared mappings, so every connection to a database in this process shares one set of
 * regions, and no other process may use the database at the same time (docs/sqlite.md). */
#ifndef USER_SQLITE_SHM_H
#define USER_SQLITE_SHM_H

struct shm_node;

/* sqlite3_io_methods.xShmMap for the file named path: *node is the file's handle on its
 * database's regions (NULL until the first map). */
int shm_map(struct shm_node **node, const char *path, int region, int size, int extend,
            void volatile **out);
/* xShmLock: the locks of WAL's slots between this process's connections; owner names one. */
int shm_lock(struct shm_node *node, const void *owner, int offset, int n, int flags);
/* xShmUnmap: drops the file's handle; the regions go with the last one. */
void shm_unmap(struct shm_node **node, int delete_flag);

#endif
