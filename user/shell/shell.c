/* The shell: built-in file commands, and boot-image programs run by name with arguments.
 *
 *   shell              interactive, on the console
 *   shell -c SCRIPT    runs the commands of SCRIPT (separated by ';'), echoing each as "$ cmd",
 *                      then prints "run: N commands, N failed" and exits with the failure count
 *                      (init does this for the boot argument run="...") */
#include <stdio.h>
#include <string.h>
#include <xpc/usys.h>
#include "shell.h"

#define MAX_WORDS 32

static int read_line(char *buf, int size)
{
    int n = 0;
    for (;;) {
        int c = getchar();
        if (c == EOF)
            return -1;
        if (c == '\n') {
            putchar('\n');
            buf[n] = 0;
            return n;
        }
        if ((c == 0x7f || c == '\b') && n > 0) {
            n--;
            fputs("\b \b", stdout);
        } else if (c >= ' ' && n < size - 1) {
            buf[n++] = (char)c;
            putchar(c);
        }
    }
}

static int cmd_programs(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char list[1024];
    int64_t n = sys_bootimage_list(list, sizeof(list) - 1);
    if (n < 0)
        return 1;
    list[n] = 0;
    fputs(list, stdout);
    return 0;
}

static int cmd_stats(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct kstats s;
    sys_kstats(&s);
    printf("frames %lu/%lu, heap %lu bytes, handles %lu, processes %lu, threads %lu\n",
           (unsigned long)s.frames_used, (unsigned long)s.frames_total, (unsigned long)s.heap_bytes,
           (unsigned long)s.handles, (unsigned long)s.objects[OBJ_PROCESS],
           (unsigned long)s.objects[OBJ_THREAD]);
    printf("interrupts: %lu timer, %lu external; IPC fastpath %lu, slow path %lu\n",
           (unsigned long)s.timer_interrupts, (unsigned long)s.external_interrupts,
           (unsigned long)s.fastpath_calls, (unsigned long)s.slowpath_calls);
    printf("FP: %lu contexts, %lu first-use traps, %lu saves, %lu restores\n",
           (unsigned long)s.fp_contexts, (unsigned long)s.fp_first_use_traps,
           (unsigned long)s.fp_saves, (unsigned long)s.fp_restores);
    return 0;
}

static int cmd_poweroff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    sys_poweroff(xpc_bootstrap_handle, 0);
    printf("poweroff: this shell holds no root resource\n");
    return 1;
}

static int cmd_help(int argc, char **argv);

static const struct shell_command own_commands[] = {
    {"help", cmd_help, "help: this list"},
    {"programs", cmd_programs, "programs: the boot image's programs"},
    {"stats", cmd_stats, "stats: kernel counters"},
    {"poweroff", cmd_poweroff, "poweroff: stop the machine"},
    {NULL, NULL, NULL},
};

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (const struct shell_command *c = own_commands; c->name; c++)
        printf("  %s\n", c->help);
    for (const struct shell_command *c = shell_file_commands(); c->name; c++)
        printf("  %s\n", c->help);
    printf("  exit: leave the shell\n  PROGRAM ARGS...: run a boot-image program and wait\n");
    return 0;
}

static const struct shell_command *find(const char *name)
{
    for (const struct shell_command *c = own_commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    for (const struct shell_command *c = shell_file_commands(); c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

/* Runs one command line: 0 success, 1 failure, -1 exit. */
static int run_line(char *line)
{
    char *rest = line;
    while (*rest == ' ')
        rest++;
    char args[256]; /* the words as typed, for a program's argument string */
    snprintf(args, sizeof(args), "%s", rest);
    char *words[MAX_WORDS + 1];
    int argc = 0;
    for (char *w = strtok(rest, " "); w && argc < MAX_WORDS; w = strtok(NULL, " "))
        words[argc++] = w;
    words[argc] = NULL;
    if (argc == 0)
        return 0;
    if (!strcmp(words[0], "exit"))
        return -1;
    const struct shell_command *c = find(words[0]);
    if (c)
        return c->run(argc, words) ? 1 : 0;
    char *pargs = strchr(args, ' ');
    int64_t p = xpc_spawn(words[0], pargs ? pargs + 1 : "", 0);
    if (p < 0) {
        printf("%s: %s\n", words[0], xpc_strerror(p));
        return 1;
    }
    int64_t code = sys_object_wait(p);
    sys_handle_close(p);
    if (code != 0)
        printf("[%s exited with %ld]\n", words[0], (long)code);
    return code != 0;
}

/* The words after -c, joined again (the process's argument string was split at spaces). */
static int run_script(int argc, char **argv)
{
    static char script[1024];
    size_t n = 0;
    for (int i = 2; i < argc; i++)
        n += (size_t)snprintf(script + n, n < sizeof(script) ? sizeof(script) - n : 0, "%s%s",
                              i > 2 ? " " : "", argv[i]);
    if (n >= sizeof(script)) {
        printf("run: script too long\n");
        return 1;
    }
    int commands = 0, failed = 0;
    for (char *cmd = script; cmd;) {
        char *next = strchr(cmd, ';');
        if (next)
            *next++ = 0;
        while (*cmd == ' ')
            cmd++;
        if (*cmd) {
            printf("$ %s\n", cmd);
            int r = run_line(cmd);
            commands++;
            if (r > 0)
                failed++;
            if (r < 0)
                break;
        }
        cmd = next;
    }
    printf("run: %d commands, %d failed\n", commands, failed);
    return failed;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--help")) {
        printf("usage: shell [-c SCRIPT]   (SCRIPT: commands separated by ';'; 'help' lists "
               "them)\n");
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "-c"))
        return run_script(argc, argv);
    char line[256];
    printf("xpc shell: type 'help'\n");
    for (;;) {
        fputs("xpc> ", stdout);
        fflush(stdout);
        if (read_line(line, sizeof(line)) < 0)
            return 0;
        if (run_line(line) < 0)
            return 0;
    }
}
