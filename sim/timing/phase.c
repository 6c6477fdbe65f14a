/* The phase profiler: map parsing, the flattened lookup, and per-instruction charging (phase.h). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phase.h"
#include "timing.h"

struct phase_range {
    uint64_t start, end;
    unsigned phase;
};

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int name_index(struct timing_phases *ph, const char *name)
{
    for (unsigned i = 0; i < ph->n_names; i++)
        if (!strcmp(ph->names[i], name))
            return (int)i;
    if (ph->n_names == PHASE_MAX_NAMES)
        return -1;
    size_t len = strlen(name); /* the caller checked it fits */
    memcpy(ph->names[ph->n_names], name, len + 1);
    return (int)ph->n_names++;
}

static bool parse_hex(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!isxdigit((unsigned char)s[0]))
        return false;
    unsigned long long v = strtoull(s, &end, 16);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Every boundary starts an elementary interval whose phase is that of the first range (in file
 * order) containing it; neighbours with the same phase merge. */
static bool flatten(struct timing_phases *ph, const struct phase_range *r, unsigned n)
{
    uint64_t *b = malloc((2 * (size_t)n + 1) * sizeof *b);
    ph->seg = malloc((2 * (size_t)n + 1) * sizeof *ph->seg);
    if (!b || !ph->seg) {
        free(b);
        return false;
    }
    size_t nb = 0;
    b[nb++] = 0;
    for (unsigned i = 0; i < n; i++) {
        b[nb++] = r[i].start;
        b[nb++] = r[i].end;
    }
    qsort(b, nb, sizeof *b, compare_u64);
    ph->n_seg = 0;
    for (size_t k = 0; k < nb; k++) {
        if (k && b[k] == b[k - 1])
            continue;
        unsigned phase = PHASE_OTHER;
        for (unsigned i = 0; i < n; i++) {
            if (b[k] >= r[i].start && b[k] < r[i].end) {
                phase = r[i].phase;
                break;
            }
        }
        if (ph->n_seg && ph->seg[ph->n_seg - 1].phase == phase)
            continue;
        ph->seg[ph->n_seg++] = (struct phase_segment){b[k], phase};
    }
    free(b);
    ph->hit_lo = 1; /* an empty cached segment: the first lookup searches */
    ph->hit_hi = 0;
    return true;
}

struct timing_phases *timing_phases_parse(const char *text, const char *source, char *err,
                                          size_t errlen)
{
    struct timing_phases *ph = calloc(1, sizeof *ph);
    struct phase_range *r = malloc(PHASE_MAX_RANGES * sizeof *r);
    size_t text_len = strlen(text);
    char *copy = malloc(text_len + 1);
    if (copy)
        memcpy(copy, text, text_len + 1);
    if (!ph || !r || !copy) {
        fail(err, errlen, "phase map: out of memory");
        goto bad;
    }
    ph->n_names = 1;
    strcpy(ph->names[PHASE_OTHER], "other");
    unsigned n = 0, line_no = 0;
    for (char *line = copy, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char name[64], start[64], end[64], extra[2];
        int k = sscanf(line, "%63s %63s %63s %1s", name, start, end, extra);
        if (k <= 0)
            continue; /* blank or comment */
        uint64_t lo, hi;
        if (k != 3) {
            fail(err, errlen, "%s:%u: expected 'name start_pc end_pc'", source, line_no);
            goto bad;
        }
        if (!parse_hex(start, &lo) || !parse_hex(end, &hi)) {
            fail(err, errlen, "%s:%u: addresses must be hexadecimal ('%s' '%s')", source, line_no,
                 start, end);
            goto bad;
        }
        if (lo >= hi) {
            fail(err, errlen, "%s:%u: range %s is empty (start %s is not below end %s)", source,
                 line_no, name, start, end);
            goto bad;
        }
        if (strlen(name) >= PHASE_NAME_BYTES) {
            fail(err, errlen, "%s:%u: phase name longer than %d characters", source, line_no,
                 PHASE_NAME_BYTES - 1);
            goto bad;
        }
        if (n == PHASE_MAX_RANGES) {
            fail(err, errlen, "%s:%u: more than %d ranges", source, line_no, PHASE_MAX_RANGES);
            goto bad;
        }
        int phase = name_index(ph, name);
        if (phase < 0) {
            fail(err, errlen, "%s:%u: more than %d phase names", source, line_no,
                 PHASE_MAX_NAMES - 1);
            goto bad;
        }
        r[n++] = (struct phase_range){lo, hi, (unsigned)phase};
    }
    if (!flatten(ph, r, n)) {
        fail(err, errlen, "phase map: out of memory");
        goto bad;
    }
    ph->caller = -1;
    for (unsigned i = 0; i < ph->n_names; i++)
        if (!strcmp(ph->names[i], "caller"))
            ph->caller = (int)i;
    ph->counting = true;
    free(r);
    free(copy);
    return ph;
bad:
    free(r);
    free(copy);
    timing_phases_free(ph);
    return NULL;
}

struct timing_phases *timing_phases_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, errlen, "cannot open phase map %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0, got;
    char *text = malloc(cap);
    while (text && (got = fread(text + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *more = realloc(text, cap * 2);
            if (!more) {
                free(text);
                text = NULL;
                break;
            }
            text = more;
            cap *= 2;
        }
    }
    bool read_error = ferror(f);
    fclose(f);
    if (!text || read_error) {
        free(text);
        fail(err, errlen, "cannot read phase map %s", path);
        return NULL;
    }
    text[n] = '\0';
    if (strlen(text) != n) {
        free(text);
        fail(err, errlen, "phase map %s is not text (it holds a NUL byte)", path);
        return NULL;
    }
    struct timing_phases *ph = timing_phases_parse(text, path, err, errlen);
    free(text);
    return ph;
}

void timing_phases_free(struct timing_phases *ph)
{
    if (!ph)
        return;
    free(ph->seg);
    free(ph);
}

int timing_phases_set_window(struct timing_phases *ph, uint64_t start_pc, uint64_t stop_pc,
                             char *err, size_t errlen)
{
    if (start_pc == stop_pc) {
        fail(err, errlen, "--phase-start and --phase-stop must differ (both %#llx)",
             (unsigned long long)start_pc);
        return -1;
    }
    ph->windowed = true;
    ph->open = false;
    ph->counting = false;
    ph->start_pc = start_pc;
    ph->stop_pc = stop_pc;
    return 0;
}

unsigned timing_phases_lookup(struct timing_phases *ph, uint64_t pc)
{
    if (pc >= ph->hit_lo && pc <= ph->hit_hi)
        return ph->hit_phase;
    unsigned lo = 0, hi = ph->n_seg; /* the last segment starting at or below pc */
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (ph->seg[mid].start <= pc)
            lo = mid;
        else
            hi = mid;
    }
    ph->hit_lo = ph->seg[lo].start;
    ph->hit_hi = lo + 1 < ph->n_seg ? ph->seg[lo + 1].start - 1 : UINT64_MAX;
    ph->hit_phase = ph->seg[lo].phase;
    return ph->hit_phase;
}

void timing_attach_phases(struct timing *t, struct timing_phases *ph)
{
    timing_phases_free(t->phases);
    t->phases = ph;
    if (ph)
        ph->mark = t->cycle;
}

void timing_phase_step(struct timing *t, uint64_t pc)
{
    struct timing_phases *ph = t->phases;
    uint64_t pending = t->cycle - ph->mark;
    if (!ph->carry) { /* the previous instruction's own cycles: its phase's, if it counted */
        if (ph->counting)
            ph->cycles[ph->cur] += pending;
        pending = 0;
    }
    if (ph->windowed) {
        if (!ph->open && pc == ph->start_pc) {
            ph->open = true;
            ph->windows++;
        } else if (ph->open && pc == ph->stop_pc) {
            ph->open = false;
        }
        ph->counting = ph->open;
    }
    ph->carry = false;
    ph->mark = t->cycle;
    if (!ph->counting)
        return;
    ph->cur = timing_phases_lookup(ph, pc);
    if ((int)ph->cur == ph->caller) {
        unsigned by = ph->ra ? timing_phases_lookup(ph, *ph->ra) : PHASE_OTHER;
        ph->cur = (int)by == ph->caller ? PHASE_OTHER : by;
    }
    ph->cycles[ph->cur] += pending; /* a trap's refill, carried to its handler */
    ph->instructions[ph->cur]++;
}

void timing_phase_trap(struct timing *t)
{
    struct timing_phases *ph = t->phases;
    if (ph->carry)
        return; /* a trap while taking one (say, a fault on the handler's fetch): still pending */
    if (ph->counting)
        ph->cycles[ph->cur] += t->cycle - ph->mark;
    ph->mark = t->cycle;
    ph->carry = true;
}

void timing_phases_report(const struct timing *t, struct sim_stats *s)
{
    const struct timing_phases *ph = t->phases;
    s->phase_count = 0;
    if (!ph)
        return;
    s->phase_windowed = ph->windowed;
    s->phase_windows = ph->windows;
    /* Named phases in file order, then `other`; the instruction in flight is charged here. */
    for (unsigned k = 0; k < ph->n_names; k++) {
        unsigned i = k + 1 < ph->n_names ? k + 1 : PHASE_OTHER;
        uint64_t cycles = ph->cycles[i];
        if (ph->counting && !ph->carry && ph->cur == i)
            cycles += t->cycle - ph->mark;
        snprintf(s->phase_names[k], PHASE_NAME_BYTES, "%s", ph->names[i]);
        s->phase_cycles[k] = cycles;
        s->phase_instructions[k] = ph->instructions[i];
    }
    s->phase_count = ph->n_names;
}
