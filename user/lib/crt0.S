/* Process entry: a0 = argument string, a1 = its length, a2 = bootstrap handle, a3 = service
 * handle (see the kernel's loader). gp must be set before any C code, with relaxation off for
 * the la itself. */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    call __xpc_start
1:  j 1b
