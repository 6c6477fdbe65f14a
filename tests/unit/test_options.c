/* The table-driven command line (sim/options.c): spellings, values, errors, --help, and QEMU's
 * comma-separated "word,key=value" values. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

struct demo {
    bool verbose, engine;
    const char *kernel;
    const char *program;
    struct opt_kv_list drive;
    char drive_text[128];
};

static int set_drive(void *st, char *value, char *err, size_t errlen)
{
    struct demo *d = st;
    return opt_kv_split(value, &d->drive, err, errlen);
}

static int set_program(void *st, char *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    ((struct demo *)st)->program = arg;
    return 0;
}

static void show_kernel(const void *st, char *buf, size_t len)
{
    snprintf(buf, len, "%s", ((const struct demo *)st)->kernel);
}

static const struct opt demo_opts[] = {
    {.kind = OPT_SECTION, .help = "Demo:"},
    {"-kernel", NULL, " FILE", OPT_STRING, offsetof(struct demo, kernel),
     .show_default = show_kernel, .help = "the payload"},
    {"--verbose", "-v", NULL, OPT_TRUE, offsetof(struct demo, verbose), .help = "say more"},
    {"--engine", NULL, "=on|off", OPT_ON_OFF, offsetof(struct demo, engine),
     .help = "the engine\nsecond line"},
    {"-drive", NULL, " file=F[,k=v...]", .kind = OPT_CALL, .call = set_drive, .help = "a disk"},
    {"--help", "-h", NULL, OPT_HELP, .help = "this text"},
};
static const struct opt_table demo = {"demo", demo_opts, sizeof demo_opts / sizeof demo_opts[0],
                                      set_program};

/* argv strings are writable, as main's are: copy the literals. */
static enum opt_parse_result parse(struct demo *d, int argc, const char *const *args)
{
    static char store[8][128];
    char *argv[9] = {"demo"};
    for (int i = 0; i < argc; i++) {
        snprintf(store[i], sizeof store[i], "%s", args[i]);
        argv[i + 1] = store[i];
    }
    return opt_parse(&demo, argc + 1, argv, d);
}

Test(options, both_dash_spellings_and_both_value_forms)
{
    struct demo d = {.engine = true};
    const char *args[] = {"--kernel", "k.elf", "-verbose", "-engine=off", "prog.elf"};
    cr_assert_eq(parse(&d, 5, args), OPT_PARSE_OK);
    cr_assert_str_eq(d.kernel, "k.elf");
    cr_assert(d.verbose);
    cr_assert(!d.engine);
    cr_assert_str_eq(d.program, "prog.elf");

    struct demo e = {0};
    const char *args2[] = {"-kernel=x=y", "--engine", "on", "-v"};
    cr_assert_eq(parse(&e, 4, args2), OPT_PARSE_OK);
    cr_assert_str_eq(e.kernel, "x=y", "only the first '=' separates the value");
    cr_assert(e.engine);
    cr_assert(e.verbose);
}

Test(options, errors_stop_the_parse)
{
    struct demo d = {0};
    const char *missing[] = {"-kernel"};
    cr_assert_eq(parse(&d, 1, missing), OPT_PARSE_ERROR);
    const char *unknown[] = {"--kernels", "x"};
    cr_assert_eq(parse(&d, 2, unknown), OPT_PARSE_ERROR);
    const char *value_on_flag[] = {"--verbose=1"};
    cr_assert_eq(parse(&d, 1, value_on_flag), OPT_PARSE_ERROR);
    cr_assert(!d.verbose, "a rejected flag changes nothing");
    const char *bad_on_off[] = {"--engine=maybe"};
    cr_assert_eq(parse(&d, 1, bad_on_off), OPT_PARSE_ERROR);
    const char *single_dash_only[] = {"---verbose"};
    cr_assert_eq(parse(&d, 1, single_dash_only), OPT_PARSE_ERROR);
}

Test(options, help_stops_before_later_arguments)
{
    struct demo d = {0};
    const char *args[] = {"-h", "--bogus"};
    cr_assert_eq(parse(&d, 2, args), OPT_PARSE_HELP);
}

Test(options, help_lists_every_flag_with_its_default)
{
    struct demo defaults = {.kernel = "default.elf", .engine = true};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    opt_print_help(&demo, &defaults, f);
    fclose(f);
    cr_assert(strstr(text, "\nDemo:\n"), "%s", text);
    cr_assert(strstr(text, "  -kernel FILE"), "%s", text);
    cr_assert(strstr(text, "(default default.elf)"), "%s", text);
    cr_assert(strstr(text, "  --verbose, -v"), "%s", text);
    cr_assert(strstr(text, "--engine=on|off"), "%s", text);
    cr_assert(strstr(text, "second line (default on)"), "%s", text);
    cr_assert(strstr(text, "  -drive file=F[,k=v...]"), "%s", text);
    free(text);
}

Test(options, qemu_style_values_split_into_items)
{
    struct demo d = {0};
    const char *args[] = {"-drive", "file=disk,,1.img,format=raw,if=none,id=d0"};
    cr_assert_eq(parse(&d, 2, args), OPT_PARSE_OK);
    cr_assert_eq(d.drive.n, 4);
    cr_assert_str_eq(opt_kv_get(&d.drive, "file"), "disk,1.img", "',,' is a comma");
    cr_assert_str_eq(opt_kv_get(&d.drive, "format"), "raw");
    cr_assert_str_eq(opt_kv_get(&d.drive, "id"), "d0");
    cr_assert_null(opt_kv_get(&d.drive, "cache"));
    const char *const known[] = {"file", "format", "if", "id", NULL};
    cr_assert_null(opt_kv_unknown(&d.drive, 0, known));
    const char *const fewer[] = {"file", "format", NULL};
    const struct opt_kv *u = opt_kv_unknown(&d.drive, 0, fewer);
    cr_assert_not_null(u);
    cr_assert_str_eq(u->key, "if");
}

Test(options, a_leading_word_has_no_value)
{
    char text[] = "virtio-blk-device,drive=d0,";
    struct opt_kv_list l;
    char err[128];
    cr_assert_eq(opt_kv_split(text, &l, err, sizeof err), 0);
    cr_assert_eq(l.n, 2, "a trailing comma adds no item");
    cr_assert_str_eq(l.item[0].key, "virtio-blk-device");
    cr_assert_null(l.item[0].value);
    cr_assert_str_eq(opt_kv_get(&l, "drive"), "d0");
    cr_assert_null(opt_kv_get(&l, "virtio-blk-device"), "a bare word is not a key");
    const char *const known[] = {"drive", NULL};
    cr_assert_null(opt_kv_unknown(&l, 1, known), "the caller says where keys begin");
}

Test(options, too_many_items_is_an_error)
{
    char text[256] = "w";
    for (int i = 0; i < OPT_KV_MAX; i++)
        strcat(text, ",k=v");
    struct opt_kv_list l;
    char err[128] = "";
    cr_assert_eq(opt_kv_split(text, &l, err, sizeof err), -1);
    cr_assert(strstr(err, "comma-separated"), "%s", err);
}
