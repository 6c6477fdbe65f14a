/* The user library's side of the file protocol: one connection per process to the file system
 * server (the service handle it started with), and the calls the POSIX layer makes over it. */
#ifndef XPC_FILECLIENT_H
#define XPC_FILECLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <xpc/fileproto.h>

/* The connection's data buffer (with XPC: the process's relay segment), FILE_DATA_MAX bytes;
 * NULL when the process has no file system. Requests are built in it and replies land in it. */
void *file_buffer(void);

/* Sends m (with m->len bytes of the buffer) and waits for the reply, which overwrites m and the
 * buffer. Returns the status: >= 0, or -errno (-ENOSYS: no file system; -EIO: the server died,
 * or the transport failed). */
int64_t file_call(struct file_msg *m);

/* A new connection for a child process (a handle to pass as its service handle), 0 when this
 * process has no file system, or -errno. */
int64_t file_connect_child(void);

/* Drops the current connection (and the handle it was made from) and connects through `handle`
 * from the next call on (0: no file system). For programs that start a server of their own. */
void file_connect(uint64_t handle);

/* Not POSIX: the file system's totals (for df). 0 or -1 with errno. */
int file_statfs(struct file_statfs *out);

#endif
