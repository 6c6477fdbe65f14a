/* Branch prediction as in Rocket's front end: a BTB of taken control-flow instructions, a BHT of
 * 2-bit counters consulted only for branches the BTB holds (a branch it does not know falls
 * through), and a return-address stack for calls and returns. Only the outcome is modeled: a
 * wrong direction or target costs mispredict_penalty cycles; a right guess costs nothing.
 *
 * The BTB is fully associative with LRU replacement. Searching 28 tags for every branch would
 * cost the emulator more than the rest of the model, so a hash index (linear probing, backward
 * shift deletion) finds the entry of a pc; it is an implementation aid that never changes which
 * entry hits or is replaced. */
#include <stdlib.h>
#include <string.h>

#include "timing.h"

bool bpred_init(struct bpred *b, const struct timing_params *p)
{
    memset(b, 0, sizeof *b);
    b->bht = malloc(p->bht_entries);
    b->btb_pc = malloc(p->btb_entries * sizeof *b->btb_pc);
    b->btb_target = calloc(p->btb_entries, sizeof *b->btb_target);
    b->btb_stamp = calloc(p->btb_entries, sizeof *b->btb_stamp);
    b->ras = calloc(p->ras_entries ? p->ras_entries : 1, sizeof *b->ras);
    uint64_t index_size = 4;
    while (index_size < 2 * p->btb_entries)
        index_size *= 2;
    b->btb_index = malloc(index_size * sizeof *b->btb_index);
    if (!b->bht || !b->btb_pc || !b->btb_target || !b->btb_stamp || !b->ras || !b->btb_index) {
        bpred_free(b);
        return false;
    }
    /* Weakly not-taken: a new branch has to be taken once before it is predicted taken. */
    memset(b->bht, 1, p->bht_entries);
    b->bht_mask = p->bht_entries - 1;
    b->history_mask = p->bht_history_bits ? (1ULL << p->bht_history_bits) - 1 : 0;
    b->btb_entries = (unsigned)p->btb_entries;
    for (unsigned i = 0; i < b->btb_entries; i++)
        b->btb_pc[i] = CACHE_EMPTY;
    b->btb_index_mask = index_size - 1;
    for (uint64_t i = 0; i < index_size; i++)
        b->btb_index[i] = BTB_NO_ENTRY;
    b->ras_entries = (unsigned)p->ras_entries;
    return true;
}

void bpred_free(struct bpred *b)
{
    free(b->bht);
    free(b->btb_pc);
    free(b->btb_target);
    free(b->btb_stamp);
    free(b->ras);
    free(b->btb_index);
    memset(b, 0, sizeof *b);
}

static uint64_t btb_hash(const struct bpred *b, uint64_t pc)
{
    return ((pc * 0x9e3779b97f4a7c15ULL) >> 40) & b->btb_index_mask;
}

static int btb_find(struct bpred *b, uint64_t pc)
{
    for (uint64_t i = btb_hash(b, pc);; i = (i + 1) & b->btb_index_mask) {
        uint16_t slot = b->btb_index[i];
        if (slot == BTB_NO_ENTRY)
            return -1;
        if (b->btb_pc[slot] == pc) {
            b->btb_stamp[slot] = ++b->btb_tick;
            return slot;
        }
    }
}

static void index_insert(struct bpred *b, uint64_t pc, unsigned slot)
{
    uint64_t i = btb_hash(b, pc);
    while (b->btb_index[i] != BTB_NO_ENTRY)
        i = (i + 1) & b->btb_index_mask;
    b->btb_index[i] = (uint16_t)slot;
}

/* Remove pc from the index, moving later members of its probe run back into the hole. */
static void index_remove(struct bpred *b, uint64_t pc)
{
    uint64_t mask = b->btb_index_mask, hole = btb_hash(b, pc);
    while (b->btb_pc[b->btb_index[hole]] != pc)
        hole = (hole + 1) & mask;
    for (uint64_t j = (hole + 1) & mask; b->btb_index[j] != BTB_NO_ENTRY; j = (j + 1) & mask) {
        uint64_t home = btb_hash(b, b->btb_pc[b->btb_index[j]]);
        /* An entry may fill the hole if its home is not cyclically within (hole, j]. */
        bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            b->btb_index[hole] = b->btb_index[j];
            hole = j;
        }
    }
    b->btb_index[hole] = BTB_NO_ENTRY;
}

/* Record a taken control transfer: update the entry it hit, or replace the LRU one. */
static void btb_update(struct bpred *b, int slot, uint64_t pc, uint64_t target)
{
    if (slot < 0) {
        unsigned victim = 0;
        if (b->btb_used < b->btb_entries) {
            victim = b->btb_used++;
        } else {
            uint64_t oldest = UINT64_MAX;
            for (unsigned i = 0; i < b->btb_entries; i++) {
                if (b->btb_stamp[i] < oldest) {
                    oldest = b->btb_stamp[i];
                    victim = i;
                }
            }
            index_remove(b, b->btb_pc[victim]);
        }
        slot = (int)victim;
        b->btb_pc[slot] = pc;
        b->btb_stamp[slot] = ++b->btb_tick;
        index_insert(b, pc, victim);
    }
    b->btb_target[slot] = target;
}

bool bpred_branch(struct bpred *b, uint64_t pc, bool taken, uint64_t target)
{
    uint64_t index = ((pc >> 1) ^ b->history) & b->bht_mask;
    int slot = btb_find(b, pc);
    uint8_t *counter = &b->bht[index];
    bool predict_taken = slot >= 0 && *counter >= 2;
    bool wrong = predict_taken != taken || (taken && b->btb_target[slot] != target);
    if (taken && *counter < 3)
        (*counter)++;
    else if (!taken && *counter > 0)
        (*counter)--;
    b->history = ((b->history << 1) | (taken ? 1 : 0)) & b->history_mask;
    if (taken)
        btb_update(b, slot, pc, target);
    return wrong;
}

bool bpred_jump(struct bpred *b, uint64_t pc, uint64_t target, uint64_t link_pc, unsigned flags)
{
    bool wrong;
    if ((flags & TIMING_JUMP_RETURN) && b->ras_entries) {
        wrong = b->ras_count == 0 || b->ras[b->ras_top] != target;
        if (b->ras_count) {
            b->ras_count--;
            b->ras_top = b->ras_top ? b->ras_top - 1 : b->ras_entries - 1;
        }
    } else {
        int slot = btb_find(b, pc);
        wrong = slot < 0 || b->btb_target[slot] != target;
        btb_update(b, slot, pc, target);
    }
    if ((flags & TIMING_JUMP_CALL) && b->ras_entries) {
        /* A circular stack: a deep call chain overwrites the oldest return address. */
        b->ras_top = b->ras_top + 1 == b->ras_entries ? 0 : b->ras_top + 1;
        b->ras[b->ras_top] = link_pc;
        if (b->ras_count < b->ras_entries)
            b->ras_count++;
    }
    return wrong;
}
