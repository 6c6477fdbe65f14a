/* An in-memory model of what the file system must hold, and random operations applied to both
 * the model and a mounted file system, each result (data or errno) compared. */
#ifndef TESTS_FS_MODEL_H
#define TESTS_FS_MODEL_H

#include "fstest.h"

#define MODEL_MAX_ENTRIES 64
#define MODEL_MAX_BYTES   (1200u * 1024) /* keep the workload inside a 4 MiB image */

struct model_entry {
    char path[32];
    bool used, dir;
    uint8_t *data;
    uint64_t len;
};
struct model {
    struct model_entry e[MODEL_MAX_ENTRIES];
    uint64_t bytes;
    /* An operation made of two calls (create, then write) has a state between them that a
     * power cut may leave: its digest, when the last step had one. */
    bool has_partial;
    uint64_t partial;
};

enum model_op_kind { MODEL_CHANGE, MODEL_SYNC, MODEL_READ };

void model_init(struct model *m);
void model_free(struct model *m);
uint64_t model_digest(const struct model *m);
/* One random operation. 0 when the file system agreed with the model; otherwise -1 and `why`
 * says what differed. *kind says whether it changed state, made everything durable, or read. */
int model_step(struct model *m, struct fs *fs, uint32_t *seed, enum model_op_kind *kind, char *why,
               size_t why_len);
/* Every file and directory of the model read back and compared. */
int model_verify(const struct model *m, struct fs *fs, char *why, size_t why_len);

#endif
