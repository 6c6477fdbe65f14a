/* The table-driven command line of options.h. */
#include "options.h"

#include <stdint.h>
#include <string.h>

/* The flag's name without its dashes: -kernel and --kernel are one flag, as in QEMU. */
static const char *undashed(const char *s)
{
    return s + (s[0] == '-') + (s[0] == '-' && s[1] == '-');
}

/* Does `word` (the argument up to '=' or its end, `len` characters) name this flag? */
static bool names(const struct opt *o, const char *word, size_t len)
{
    const char *spellings[2] = {o->name, o->alias};
    for (int k = 0; k < 2; k++) {
        if (!spellings[k])
            continue;
        const char *n = undashed(spellings[k]);
        if (strlen(n) == len && !strncmp(n, word, len))
            return true;
    }
    return false;
}

static const struct opt *find(const struct opt_table *t, const char *word, size_t len)
{
    for (size_t k = 0; k < t->n; k++) {
        const struct opt *o = &t->opts[k];
        if (o->kind != OPT_SECTION && o->kind != OPT_NOTE && names(o, word, len))
            return o;
    }
    return NULL;
}

static int apply(const struct opt *o, void *settings, char *value, char *err, size_t errlen)
{
    char *field = (char *)settings + o->offset;
    switch (o->kind) {
    case OPT_TRUE: *(bool *)field = true; return 0;
    case OPT_STRING: *(const char **)field = value; return 0;
    case OPT_ON_OFF:
        if (strcmp(value, "on") && strcmp(value, "off")) {
            snprintf(err, errlen, "%s takes on or off, not '%s'", o->name, value);
            return -1;
        }
        *(bool *)field = !strcmp(value, "on");
        return 0;
    case OPT_CALL: return o->call(settings, value, err, errlen);
    default: return 0;
    }
}

enum opt_parse_result opt_parse(const struct opt_table *t, int argc, char **argv, void *settings)
{
    char err[512];
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (a[0] != '-') {
            if (t->positional(settings, a, err, sizeof err))
                goto fail;
            continue;
        }
        const char *word = undashed(a);
        char *eq = strchr(word, '=');
        size_t len = eq ? (size_t)(eq - word) : strlen(word);
        const struct opt *o = find(t, word, len);
        /* A flag without a value written with one is no flag we know. */
        if (!o || (eq && !o->arg)) {
            fprintf(stderr, "%s: unknown option '%s' (try --help)\n", t->program, a);
            return OPT_PARSE_ERROR;
        }
        if (o->kind == OPT_HELP)
            return OPT_PARSE_HELP;
        char *value = NULL;
        if (eq) {
            value = eq + 1;
        } else if (o->arg) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s: option %s needs a value\n", t->program, a);
                return OPT_PARSE_ERROR;
            }
            value = argv[++i];
        }
        if (apply(o, settings, value, err, sizeof err))
            goto fail;
    }
    return OPT_PARSE_OK;
fail:
    fprintf(stderr, "%s: %s\n", t->program, err);
    return OPT_PARSE_ERROR;
}

/* The help column: flags up to this width share their line with the text. */
#define HELP_COLUMN 24
/* --help fits a terminal of this many columns where it can. */
#define HELP_WIDTH 80

/* Prints `text` from the help column on, one line per '\n' in it. */
static void print_text(FILE *f, const char *text, size_t used)
{
    for (;;) {
        const char *nl = strchr(text, '\n');
        int n = nl ? (int)(nl - text) : (int)strlen(text);
        fprintf(f, "%*s%.*s\n", (int)(used < HELP_COLUMN ? HELP_COLUMN - used : 0), "", n, text);
        if (!nl)
            return;
        text = nl + 1;
        used = 0;
    }
}

void opt_print_help(const struct opt_table *t, const void *defaults, FILE *f)
{
    for (size_t k = 0; k < t->n; k++) {
        const struct opt *o = &t->opts[k];
        if (o->kind == OPT_SECTION) {
            fprintf(f, "\n%s\n", o->help);
            continue;
        }
        char flag[96];
        snprintf(flag, sizeof flag, "  %s%s%s%s", o->name, o->alias ? ", " : "",
                 o->alias ? o->alias : "", o->arg ? o->arg : "");
        fputs(flag, f);
        size_t used = strlen(flag);
        if (used >= HELP_COLUMN) {
            fputc('\n', f);
            used = 0;
        } else {
            fputc(' ', f);
            used++;
        }
        char def[256] = "";
        if (o->show_default) {
            o->show_default(defaults, def, sizeof def);
        } else if (o->kind == OPT_ON_OFF) {
            snprintf(def, sizeof def, "%s",
                     *(const bool *)((const char *)defaults + o->offset) ? "on" : "off");
        }
        char text[1024];
        snprintf(text, sizeof text, "%s", o->help);
        if (def[0]) {
            /* The default ends the last line, or has a line of its own when it would not fit. */
            const char *last = strrchr(text, '\n');
            size_t start = last ? 0 : used < HELP_COLUMN ? HELP_COLUMN : used;
            size_t width = start + strlen(last ? last + 1 : text) + strlen(def) + 11;
            size_t n = strlen(text);
            snprintf(text + n, sizeof text - n, "%s(default %s)", width > HELP_WIDTH ? "\n" : " ",
                     def);
        }
        print_text(f, text, used);
    }
}

int opt_kv_split(char *s, struct opt_kv_list *out, char *err, size_t errlen)
{
    out->n = 0;
    char *item = s;
    for (;;) {
        /* Find the item's end, folding ",," into ",". */
        char *r = item, *w = item;
        while (*r && !(r[0] == ',' && r[1] != ',')) {
            if (r[0] == ',')
                r++;
            *w++ = *r++;
        }
        bool last = !*r;
        *w = '\0';
        if (*item) { /* "virt," has one item, as in QEMU */
            if (out->n == OPT_KV_MAX) {
                snprintf(err, errlen, "more than %d comma-separated items", OPT_KV_MAX);
                return -1;
            }
            char *eq = strchr(item, '=');
            if (eq)
                *eq = '\0';
            out->item[out->n++] = (struct opt_kv){item, eq ? eq + 1 : NULL};
        }
        if (last)
            return 0;
        item = r + 1;
    }
}

const char *opt_kv_get(const struct opt_kv_list *l, const char *key)
{
    for (unsigned k = 0; k < l->n; k++)
        if (l->item[k].value && !strcmp(l->item[k].key, key))
            return l->item[k].value;
    return NULL;
}

const struct opt_kv *opt_kv_unknown(const struct opt_kv_list *l, unsigned from,
                                    const char *const *known)
{
    for (unsigned k = from; k < l->n; k++) {
        const char *const *n = known;
        while (*n && strcmp(*n, l->item[k].key))
            n++;
        if (!*n)
            return &l->item[k];
    }
    return NULL;
}
