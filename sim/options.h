/* Command-line options as one table that both the parser and --help read, so a flag is one entry.
 *
 * Spelling follows QEMU: -name and --name are the same flag; a value is the next argument or
 * follows '=' (-name=VALUE). A value of QEMU's "word,key=value,..." shape (-machine, -drive,
 * -device) is split by opt_kv_split. */
#ifndef SIM_OPTIONS_H
#define SIM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_kind {
    OPT_SECTION, /* not a flag: a heading in --help (help is its text) */
    OPT_NOTE,    /* not a flag: a line of --help about arguments (name is shown, help beside it) */
    OPT_HELP,    /* no value: stops the parse with OPT_PARSE_HELP */
    OPT_TRUE,    /* no value: sets the bool at `offset` */
    OPT_STRING,  /* stores the value, a pointer into argv, in the const char * at `offset` */
    OPT_ON_OFF,  /* "on" or "off" into the bool at `offset` */
    OPT_CALL,    /* hands the value to `call` */
};

/* One flag. Handlers get the whole settings object (whatever the program keeps its choices in);
 * `offset` places a field of it for the generic kinds. */
struct opt {
    const char *name;  /* as --help spells it, dashes included: "-kernel", "--stats" */
    const char *alias; /* another spelling, or NULL */
    const char *arg;   /* how --help shows the value, separator included (" FILE", "=on|off");
                        * NULL: the flag takes no value */
    enum opt_kind kind;
    size_t offset;
    /* OPT_CALL: apply the value (argv's own string, which the handler may split in place).
     * Returns 0, or -1 with a one-line message in err. */
    int (*call)(void *settings, char *value, char *err, size_t errlen);
    /* For --help: write the default into buf (given the settings before parsing), or NULL. */
    void (*show_default)(const void *settings, char *buf, size_t len);
    const char *help; /* '\n' starts another line of it */
};

struct opt_table {
    const char *program; /* prefixes every message: "xpcsim: ..." */
    const struct opt *opts;
    size_t n;
    /* An argument that is not a flag. Returns 0, or -1 with a message in err. */
    int (*positional)(void *settings, char *arg, char *err, size_t errlen);
};

enum opt_parse_result { OPT_PARSE_OK, OPT_PARSE_HELP, OPT_PARSE_ERROR };

/* Applies argv[1..argc) to settings in order. On OPT_PARSE_ERROR it has printed one line on
 * stderr: "program: message". */
enum opt_parse_result opt_parse(const struct opt_table *t, int argc, char **argv, void *settings);

/* Every flag of the table with its help and, from `defaults`, its default. */
void opt_print_help(const struct opt_table *t, const void *defaults, FILE *f);

/* A value of QEMU's shape "virtio-blk-device,drive=d0" or "file=x.img,format=raw,if=none": items
 * separated by commas, each "key=value" or a bare word (the driver or machine name, value NULL).
 * A doubled comma is a comma inside an item, as in QEMU. */
#define OPT_KV_MAX 16
struct opt_kv {
    const char *key;
    const char *value;
};
struct opt_kv_list {
    unsigned n;
    struct opt_kv item[OPT_KV_MAX];
};
/* Splits s in place (the items point into it). Returns 0, or -1 with a message in err. */
int opt_kv_split(char *s, struct opt_kv_list *out, char *err, size_t errlen);
/* The value of `key`, or NULL when the list has no such key. */
const char *opt_kv_get(const struct opt_kv_list *l, const char *key);
/* The first item from index `from` on whose key is not in `known` (NULL-terminated), or NULL. */
const struct opt_kv *opt_kv_unknown(const struct opt_kv_list *l, unsigned from,
                                    const char *const *known);

#endif
