/* The binder kernel object itself, through raw transactions: its limits and its refusal of
 * malformed parcels (each error named in docs/binder.md), with nothing installed in the target
 * when a parcel is refused. These run on both transports: the kernel object is the control path
 * of the XPC one too. */
#include <stdlib.h>
#include <string.h>
#include <xpc/usys.h>
#include "bindertest.h"

static int64_t raw(uint64_t target, uint32_t code, const void *data, uint64_t size,
                   const uint64_t *offs, uint64_t n, uint32_t flags)
{
    struct binder_txn t = {.flags = flags,
                           .data = (uint64_t)data,
                           .data_size = size,
                           .offsets = (uint64_t)offs,
                           .n_offsets = n};
    struct parcel reply;
    int64_t r = binder_kernel_transact(target, code, &t, &reply);
    parcel_destroy(&reply);
    return r;
}

static uint64_t handles_now(void)
{
    struct kstats k;
    sys_kstats(&k);
    return k.handles;
}

static void malformed(uint64_t echo)
{
    struct binder_object obj[3];
    memset(obj, 0, sizeof(obj));
    obj[0] = (struct binder_object){.type = BINDER_TYPE_HANDLE, .handle = echo};
    obj[1] = obj[0];
    uint64_t offs[2] = {0, sizeof(obj[0])};
    check(raw(echo, T_SIZE, obj, sizeof(obj), offs, 2, 0) == 0, "two well-formed objects pass");
    uint64_t outside = 56;
    check(raw(echo, T_SIZE, obj, 64, &outside, 1, 0) == ERR_INVALID_ARGS,
          "an object reaching past the data is refused");
    uint64_t beyond = 4096;
    check(raw(echo, T_SIZE, obj, 64, &beyond, 1, 0) == ERR_INVALID_ARGS,
          "an offset outside the data is refused");
    uint64_t overlap[2] = {0, 8};
    check(raw(echo, T_SIZE, obj, sizeof(obj), overlap, 2, 0) == ERR_INVALID_ARGS,
          "overlapping objects are refused");
    uint64_t backwards[2] = {24, 0};
    check(raw(echo, T_SIZE, obj, sizeof(obj), backwards, 2, 0) == ERR_INVALID_ARGS,
          "objects out of order are refused");
    uint64_t odd = 4;
    check(raw(echo, T_SIZE, obj, sizeof(obj), &odd, 1, 0) == ERR_INVALID_ARGS,
          "a misaligned object is refused");
    check(raw(echo, T_SIZE, obj, sizeof(obj), (const uint64_t *)0x10, 1, 0) == ERR_FAULT,
          "an offsets array outside memory is refused");

    struct binder_object forged = {.type = BINDER_TYPE_HANDLE, .handle = 0x7ff00001};
    uint64_t zero = 0;
    check(raw(echo, T_SIZE, &forged, sizeof(forged), &zero, 1, 0) == ERR_BAD_HANDLE,
          "a forged handle arrives as an error");
    int64_t dup = sys_handle_duplicate(echo, RIGHT_SAME_RIGHTS);
    sys_handle_close((uint64_t)dup);
    struct binder_object stale = {.type = BINDER_TYPE_HANDLE, .handle = (uint64_t)dup};
    check(raw(echo, T_SIZE, &stale, sizeof(stale), &zero, 1, 0) == ERR_BAD_HANDLE,
          "a stale handle arrives as an error");
    int64_t vmo = sys_vmo_create(4096);
    struct binder_object wrong = {.type = BINDER_TYPE_HANDLE, .handle = (uint64_t)vmo};
    check(raw(echo, T_SIZE, &wrong, sizeof(wrong), &zero, 1, 0) == ERR_WRONG_TYPE,
          "a memory object passed as a service handle is refused");
    int64_t nt = sys_handle_duplicate(echo, RIGHT_READ | RIGHT_WRITE);
    struct binder_object keep = {.type = BINDER_TYPE_HANDLE, .handle = (uint64_t)nt};
    check(raw(echo, T_SIZE, &keep, sizeof(keep), &zero, 1, 0) == ERR_ACCESS_DENIED,
          "a handle without TRANSFER is not the sender's to give");
    struct binder_object local = {.type = BINDER_TYPE_BINDER, .cookie = 0};
    check(raw(echo, T_SIZE, &local, sizeof(local), &zero, 1, 0) == ERR_INVALID_ARGS,
          "only the kernel writes a local-object entry");
    /* The first object translated, the second refused: the first is taken back. */
    uint64_t before = handles_now();
    obj[1].handle = 0x7ff00001;
    check(raw(echo, T_SIZE, obj, sizeof(obj), offs, 2, 0) == ERR_BAD_HANDLE &&
              handles_now() == before,
          "a refused parcel leaves no handle in the target");
    check(raw((uint64_t)vmo, T_SIZE, obj, 8, NULL, 0, 0) == ERR_WRONG_TYPE,
          "a transaction to something that is not a node is refused");
    check(raw(0x7ff00001, T_SIZE, obj, 8, NULL, 0, 0) == ERR_BAD_HANDLE,
          "a transaction to a forged handle is refused");
    check(raw(echo, T_SIZE, obj, 8, NULL, 0, 0x80) == ERR_INVALID_ARGS,
          "unknown flags are refused");
    sys_handle_close((uint64_t)nt);
    sys_handle_close((uint64_t)vmo);
    struct binder_txn t = {0};
    check(SYSCALL(SYS_BINDER_REPLY, binder_ctx, 12345, (uint64_t)&t, 0, 0) == ERR_NOT_FOUND,
          "a reply to no transaction is refused");
    check(SYSCALL(SYS_BINDER_FREE, binder_ctx, 0x1000, 0, 0, 0) == ERR_NOT_FOUND,
          "freeing what is not a delivered buffer is refused");
    check(SYSCALL(SYS_BINDER_SET_CONTEXT_MGR, binder_ctx, echo, 0, 0, 0) < 0,
          "a second context manager is refused");
}

/* BINDER_VM_SIZE: the biggest parcel fits exactly, one more byte never does; one-way calls get
 * half; a full buffer fails the sender at once (FAILED_TRANSACTION), blocking no one. */
static void limits(uint64_t echo)
{
    uint8_t *big = bindertest_big;
    struct parcel reply;
    struct binder_txn t = {.data = (uint64_t)big, .data_size = BINDER_BUFFER_SIZE};
    int64_t r = binder_kernel_transact(echo, T_SIZE, &t, &reply);
    int64_t size = r == 0 ? parcel_read_i64(&reply) : r;
    parcel_destroy(&reply);
    check(size == BINDER_BUFFER_SIZE, "a parcel of the whole buffer (1 MiB less two pages) fits");
    check(raw(echo, T_SIZE, big, BINDER_BUFFER_SIZE + 8, NULL, 0, 0) == ERR_NO_RESOURCES,
          "a parcel over the buffer fails the transaction");
    check(raw(echo, T_ONEWAY, big, BINDER_BUFFER_SIZE / 2 + 8, NULL, 0, BINDER_FLAG_ONE_WAY) ==
              ERR_NO_RESOURCES,
          "a one-way parcel over half the buffer fails");

    /* A second context of ours that nobody reads: its buffer fills up. */
    uint64_t va;
    int64_t ctx2 = SYSCALL(SYS_BINDER_OPEN, (uint64_t)&va, 0, 0, 0, 0);
    int64_t node = SYSCALL(SYS_BINDER_NODE_CREATE, (uint64_t)ctx2, 7, 0, 0, 0);
    uint64_t third = 200 << 10;
    check(raw((uint64_t)node, T_ONEWAY, big, third, NULL, 0, BINDER_FLAG_ONE_WAY) == 0 &&
              raw((uint64_t)node, T_ONEWAY, big, third, NULL, 0, BINDER_FLAG_ONE_WAY) == 0,
          "one-way transactions queue while nobody reads");
    check(raw((uint64_t)node, T_ONEWAY, big, third, NULL, 0, BINDER_FLAG_ONE_WAY) ==
              ERR_NO_RESOURCES,
          "the one-way half full: the next one-way fails");
    check(raw((uint64_t)node, T_SIZE, big, 700 << 10, NULL, 0, 0) == ERR_NO_RESOURCES,
          "a synchronous parcel that does not fit fails at once");
    check(SYSCALL(SYS_VM_CHECK, va, 4096, VM_CHECK_WRITE, 0, 0) == ERR_FAULT &&
              SYSCALL(SYS_VM_CHECK, va, 4096, 0, 0, 0) == 0,
          "the receive buffer is mapped read-only");
    sys_handle_close((uint64_t)ctx2);
    check(raw((uint64_t)node, T_SIZE, big, 8, NULL, 0, 0) == ERR_PEER_CLOSED,
          "a transaction to a node whose context is gone is a dead object");
    sys_handle_close((uint64_t)node);
    sys_vm_unmap(va);
}

void kernel_tests(uint64_t echo)
{
    malformed(echo);
    limits(echo);
}
