/* xpcattack: the adversarial suite of issue 19. Each directed attack is one an attacker would
 * try against XPC's security rules, and asserts the kernel's refusal; the randomized adversary
 * mixes XPC instructions, handle moves, kills, time limits and segment operations across
 * several processes and checks the kernel's invariants (XPC_INFO_CHECK) after every step.
 * docs/xpc-kernel.md ("Threat model") says which attack shows which guarantee. */
#ifndef XPCATTACK_H
#define XPCATTACK_H

#include <stdint.h>
#include <xpc/xpc.h>

/* The victim server's entries (roles.c), in the order their handles arrive. */
enum { V_ECHO, V_STEAL, V_SLOTLEN, V_CHCALL, V_FWD, V_HOLD, V_HOLDTP, V_MISC, VICTIM_ENTRIES };
/* V_MISC's operations (r[1]). */
enum { MISC_THREAD_EXIT, MISC_KILL_SELF, MISC_LIE_AND_SPIN, MISC_RETURN };
#define STEAL_SLOT (XPC_SEGLIST_SIZE - 1) /* where V_STEAL keeps what it takes */

struct victim {
    int64_t proc;
    uint64_t ch; /* commands: "bind" + call handle (V_FWD calls it), "self" + its own handle */
    uint64_t entry[VICTIM_ENTRIES];
    int64_t id[VICTIM_ENTRIES];
};
int victim_start(struct victim *v);
int64_t victim_bind(struct victim *v, uint64_t call_handle); /* moves it; returns the ID there */
int64_t victim_give_self(struct victim *v);                  /* its own process handle */
void victim_stop(struct victim *v);

int victim_main(void);
int child_main(const char *role); /* the small roles: "idle", "ident", "rowrite", "limits" ... */
int adversary_main(uint64_t steps, uint64_t seed); /* 0 when every invariant held */
int adversary_peer_main(void);

static inline int64_t xpc_check(void)
{
    return SYSCALL(SYS_XPC_INFO, XPC_INFO_CHECK, 0, 0, 0, 0);
}
static inline int64_t xpc_identity(void)
{
    return SYSCALL(SYS_XPC_INFO, XPC_INFO_IDENTITY, 0, 0, 0, 0);
}
static inline int64_t sys_process_set_limits(uint64_t proc, uint64_t prio, uint64_t quota)
{
    return SYSCALL(SYS_PROCESS_SET_LIMITS, proc, prio, quota, 0, 0);
}

#endif
