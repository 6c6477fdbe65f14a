/* The process's connection to the file system server, made at the first file call from the
 * service handle the process started with, over whatever transport that handle names. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xpc/fileclient.h>
#include <xpc/transport.h>
#include <xpc/usys.h>

static struct tp_conn conn;
static int state;         /* 0: not tried, 1: connected, -1: no file system, -2: server gone */
static uint64_t service;  /* the handle the connection was made from */
static int service_taken; /* service was set (from xpc_service_handle or file_connect) */

static int connected(void)
{
    if (!service_taken) {
        service = xpc_service_handle;
        service_taken = 1;
    }
    if (state == 0) {
        state = -1;
        if (service && tp_connect(service, FILE_DATA_MAX, &conn) >= 0)
            state = 1;
    }
    return state > 0;
}

/* Closing an endpoint connection says goodbye with a call, which nobody would answer once the
 * server is gone: then only the connection's own resources are let go. */
static void drop_connection(void)
{
    if (state == -2 && conn.kind == TP_ENDPOINT) {
        sys_handle_close(conn.h);
        free(conn.seg.va);
        free(conn.scratch);
        memset(&conn, 0, sizeof(conn));
    } else if (state > 0 || state == -2) {
        tp_close(&conn);
    }
}

void file_connect(uint64_t handle)
{
    drop_connection();
    if (service_taken && service)
        sys_handle_close(service);
    if (!service_taken && xpc_service_handle)
        sys_handle_close(xpc_service_handle);
    service = handle;
    service_taken = 1;
    state = 0;
}

void *file_buffer(void)
{
    return connected() ? tp_buffer(&conn) : NULL;
}

int64_t file_call(struct file_msg *m)
{
    if (state == -2)
        return -EIO;
    if (!connected())
        return -ENOSYS;
    if (m->len > FILE_DATA_MAX)
        return -EINVAL;
    struct tp_req r = {.op = (uint32_t)m->op,
                       .arg = {m->arg[0], m->arg[1], m->arg[2], m->arg[3]},
                       .buf = tp_buffer(&conn),
                       .len = m->len,
                       .cap = FILE_DATA_MAX};
    /* The transport's own status says whether the call reached the server; the file status
     * travels in the first result word, so the two never mix. */
    int64_t t = tp_call(&conn, &r);
    if (t < 0 || r.len > FILE_DATA_MAX) {
        /* The server is gone (or broke the protocol): every later call fails at once rather
         * than wait on an endpoint nobody serves any more. */
        state = -2;
        return -EIO;
    }
    int64_t status = (int64_t)r.res[0];
    m->op = status;
    m->arg[0] = r.res[1];
    m->arg[1] = r.res[2];
    m->arg[2] = r.res[3];
    m->arg[3] = 0;
    m->len = r.len;
    return status;
}

int64_t file_connect_child(void)
{
    if (!service_taken) {
        service = xpc_service_handle;
        service_taken = 1;
    }
    if (!service)
        return 0;
    int64_t h = tp_service_share(service);
    return h < 0 ? -EIO : h;
}
