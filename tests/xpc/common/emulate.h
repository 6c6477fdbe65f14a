/* QEMU has no XPC engine: this build of the tests runs the project's engine (sim/xpc) inside
 * the M-mode trap handler, trapping the XPC instructions and CSR accesses (illegal on QEMU) and
 * the data accesses to the segment window (page faults, since no page table maps it). It checks
 * the test programs themselves and the engine against a second machine; the xpcsim build never
 * contains it. */
#ifndef XPC_EMULATE_H
#define XPC_EMULATE_H

void xpc_emulation_install(void);

#endif
