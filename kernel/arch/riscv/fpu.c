/* Lazy FP state. The FP registers belong to one thread at a time, fp_owner. A thread switched in
 * that has FP state gets its registers loaded (if the owner is someone else, whose registers are
 * saved first, and only if they were written since the last save) and runs with FS = Clean, so
 * the hardware tells us (FS = Dirty at the next trap) whether it wrote them. A thread without FP
 * state runs with FS = Off: it costs nothing, and its first FP instruction traps here. */
#include <kernel/fpu.h>
#include <kernel/object.h>
#include <kernel/mm.h>
#include <kernel/riscv.h>
#include <kernel/console.h>
#include <kernel/arch.h>


static struct thread *fp_owner;
uint64_t stat_fp_first_use, stat_fp_saves, stat_fp_restores, fp_contexts_live;

void fpu_note_trap(struct thread *t, const struct trap_frame *f)
{
    if ((f->sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY)
        t->fp_dirty = true;
}

/* The opcodes that trap while FS = Off: loads, stores, arithmetic, fused multiply-add, the
 * compressed double loads and stores, and the CSR instructions on fflags, frm and fcsr. */
static bool is_fp_instruction(uint32_t insn)
{
    if ((insn & 3) != 3) {
        uint32_t quadrant = insn & 3, funct3 = (insn >> 13) & 7;
        /* c.fld/c.fsd (quadrant 0) and c.fldsp/c.fsdsp (quadrant 2); on RV64 funct3 3 and 7
         * are c.ld/c.sd, not FP. */
        return (quadrant == 0 || quadrant == 2) && (funct3 == 1 || funct3 == 5);
    }
    switch (insn & 0x7f) {
    case 0x07:
    case 0x27:
    case 0x53:
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f: return true;
    case 0x73: {
        uint32_t funct3 = (insn >> 12) & 7, csr = insn >> 20;
        return funct3 != 0 && funct3 != 4 && csr >= 0x001 && csr <= 0x003;
    }
    default: return false;
    }
}

bool fpu_claim_first_use(struct thread *t, const struct trap_frame *f)
{
    uint32_t insn;
    /* A thread that has FP state already runs with FS on: its illegal instruction is real. */
    if (t->fp || !fetch_user_insn(f->sepc, &insn) || !is_fp_instruction(insn))
        return false;
    struct fp_context *c = kmalloc(sizeof(*c)); /* zeroed: the architectural reset state */
    if (!c) {
        kprintf("[%s] no memory for an FP context: killed\n", t->home->name);
        process_kill(t->home, ERR_NO_MEMORY);
        return true;
    }
    t->fp = c;
    t->fp_dirty = false;
    fp_contexts_live++;
    stat_fp_first_use++;
    return true; /* sepc unchanged: fpu_switch_in loads the zeroed state, the instruction reruns */
}

uint64_t fpu_switch_in(struct thread *t)
{
    if (!t->fp)
        return SSTATUS_FS_OFF;
    if (fp_owner != t) {
        if (fp_owner && fp_owner->fp_dirty) {
            fpu_save(fp_owner->fp);
            fp_owner->fp_dirty = false;
            stat_fp_saves++;
        }
        fpu_restore(t->fp);
        stat_fp_restores++;
        fp_owner = t;
    }
    return SSTATUS_FS_CLEAN;
}

void fpu_release(struct thread *t)
{
    if (fp_owner == t)
        fp_owner = NULL; /* its registers die with it: nothing to save */
    if (t->fp) {
        kfree(t->fp, sizeof(*t->fp));
        t->fp = NULL;
        t->fp_dirty = false;
        fp_contexts_live--;
    }
}

/* For a kernel that reads or writes t's FP registers (emulating an FP load or store): the
 * registers in t->fp, current. fpu_context_changed afterwards makes the next switch-in load
 * them, since the hardware may still hold the old values. */
struct fp_context *fpu_sync_to_memory(struct thread *t)
{
    if (t->fp && fp_owner == t && t->fp_dirty) {
        fpu_save(t->fp);
        t->fp_dirty = false;
        stat_fp_saves++;
    }
    return t->fp;
}

void fpu_context_changed(struct thread *t)
{
    if (fp_owner == t)
        fp_owner = NULL;
}
