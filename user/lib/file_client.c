/* The process's connection to the file system server. Until the transports are in, a process
 * has no file system: every file call fails with ENOSYS. */
#include <errno.h>
#include <xpc/fileclient.h>

void *file_buffer(void)
{
    return NULL;
}

int64_t file_call(struct file_msg *m)
{
    (void)m;
    return -ENOSYS;
}

int64_t file_connect_child(void)
{
    return 0;
}
