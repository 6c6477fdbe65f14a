/* The shell's file commands, written over POSIX calls only: ls, cat, cp, mv, rm, mkdir, rmdir,
 * cd, pwd, echo (with > and >>), df, sync. Each returns 0 or 1 and says what failed. */
#define _DEFAULT_SOURCE  /* POSIX and BSD declarations (O_DIRECTORY, sync, strnlen) under -std=c11 \
                          */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xpc/fileclient.h>
#include "shell.h"

static int fail(const char *cmd, const char *what)
{
    printf("%s: %s: %s\n", cmd, what, strerror(errno));
    return 1;
}

static void show_entry(const char *name, const struct stat *st, int longform)
{
    if (!longform) {
        printf("%s%s\n", name, S_ISDIR(st->st_mode) ? "/" : "");
        return;
    }
    printf("%c %8ld %s\n", S_ISDIR(st->st_mode) ? 'd' : '-', (long)st->st_size, name);
}

static int list_one(const char *path, int longform)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return fail("ls", path);
    if (!S_ISDIR(st.st_mode)) {
        show_entry(path, &st, longform);
        return 0;
    }
    DIR *d = opendir(path);
    if (!d)
        return fail("ls", path);
    struct dirent *e;
    char full[2 * FILE_PATH_MAX];
    int status = 0;
    errno = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
        if (stat(full, &st) < 0) {
            status = fail("ls", full);
            continue;
        }
        show_entry(e->d_name, &st, longform);
    }
    if (errno)
        status = fail("ls", path);
    closedir(d);
    return status;
}

static int cmd_ls(int argc, char **argv)
{
    int longform = argc > 1 && !strcmp(argv[1], "-l");
    int first = 1 + longform, status = 0;
    if (first >= argc)
        return list_one(".", longform);
    for (int i = first; i < argc; i++)
        status |= list_one(argv[i], longform);
    return status;
}

static int cmd_cat(int argc, char **argv)
{
    static char buf[4096];
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            status = fail("cat", argv[i]);
            continue;
        }
        ssize_t n;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
            fwrite(buf, 1, (size_t)n, stdout);
        if (n < 0)
            status = fail("cat", argv[i]);
        close(fd);
    }
    return status;
}

/* The destination of cp/mv: inside `to` when it is a directory. */
static const char *target(const char *from, const char *to, char *buf, size_t size)
{
    struct stat st;
    if (stat(to, &st) < 0 || !S_ISDIR(st.st_mode))
        return to;
    const char *base = strrchr(from, '/');
    snprintf(buf, size, "%s/%s", to, base ? base + 1 : from);
    return buf;
}

static int cmd_cp(int argc, char **argv)
{
    if (argc != 3) {
        printf("usage: cp FROM TO\n");
        return 1;
    }
    static char buf[16384];
    char dest[2 * FILE_PATH_MAX];
    const char *to = target(argv[1], argv[2], dest, sizeof(dest));
    int in = open(argv[1], O_RDONLY);
    if (in < 0)
        return fail("cp", argv[1]);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        close(in);
        return fail("cp", to);
    }
    int status = 0;
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n) {
            status = fail("cp", to);
            break;
        }
    if (n < 0)
        status = fail("cp", argv[1]);
    close(in);
    if (close(out) < 0)
        status = fail("cp", to);
    return status;
}

static int cmd_mv(int argc, char **argv)
{
    if (argc != 3) {
        printf("usage: mv FROM TO\n");
        return 1;
    }
    char dest[2 * FILE_PATH_MAX];
    const char *to = target(argv[1], argv[2], dest, sizeof(dest));
    return rename(argv[1], to) < 0 ? fail("mv", argv[1]) : 0;
}

static int each_path(int argc, char **argv, int (*fn)(const char *))
{
    int status = 0;
    if (argc < 2) {
        printf("usage: %s PATH...\n", argv[0]);
        return 1;
    }
    for (int i = 1; i < argc; i++)
        if (fn(argv[i]) < 0)
            status = fail(argv[0], argv[i]);
    return status;
}

static int make_dir(const char *path)
{
    return mkdir(path, 0755);
}

static int cmd_rm(int argc, char **argv)
{
    return each_path(argc, argv, unlink);
}

static int cmd_mkdir(int argc, char **argv)
{
    return each_path(argc, argv, make_dir);
}

static int cmd_rmdir(int argc, char **argv)
{
    return each_path(argc, argv, rmdir);
}

static int cmd_cd(int argc, char **argv)
{
    return chdir(argc > 1 ? argv[1] : "/") < 0 ? fail("cd", argc > 1 ? argv[1] : "/") : 0;
}

static int cmd_pwd(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char buf[FILE_PATH_MAX];
    if (!getcwd(buf, sizeof(buf)))
        return fail("pwd", ".");
    printf("%s\n", buf);
    return 0;
}

/* echo WORDS [> FILE | >> FILE] */
static int cmd_echo(int argc, char **argv)
{
    int end = argc, flags = 0;
    if (argc >= 3 && (!strcmp(argv[argc - 2], ">") || !strcmp(argv[argc - 2], ">>"))) {
        end = argc - 2;
        flags = O_WRONLY | O_CREAT | (argv[argc - 2][1] ? O_APPEND : O_TRUNC);
    }
    char line[512];
    size_t n = 0;
    for (int i = 1; i < end; i++)
        n += (size_t)snprintf(line + n, n < sizeof(line) ? sizeof(line) - n : 0, "%s%s",
                              i > 1 ? " " : "", argv[i]);
    if (n >= sizeof(line) - 1)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    if (!flags) {
        fwrite(line, 1, n, stdout);
        return 0;
    }
    int fd = open(argv[argc - 1], flags, 0644);
    if (fd < 0)
        return fail("echo", argv[argc - 1]);
    int status = write(fd, line, n) == (ssize_t)n ? 0 : fail("echo", argv[argc - 1]);
    if (close(fd) < 0)
        status = fail("echo", argv[argc - 1]);
    return status;
}

static int cmd_df(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct file_statfs s;
    if (file_statfs(&s) < 0)
        return fail("df", "/");
    printf("block size %lu, blocks %lu, free %lu (%lu KiB), inodes %lu, free %lu\n",
           (unsigned long)s.block_size, (unsigned long)s.blocks, (unsigned long)s.blocks_free,
           (unsigned long)(s.blocks_free * s.block_size / 1024), (unsigned long)s.inodes,
           (unsigned long)s.inodes_free);
    return 0;
}

static int cmd_sync(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    sync();
    return 0;
}

static const struct shell_command file_commands[] = {
    {"ls", cmd_ls, "ls [-l] [PATH...]: list directories"},
    {"cat", cmd_cat, "cat FILE...: print files"},
    {"cp", cmd_cp, "cp FROM TO: copy a file (into TO if it is a directory)"},
    {"mv", cmd_mv, "mv FROM TO: rename"},
    {"rm", cmd_rm, "rm FILE...: remove files"},
    {"mkdir", cmd_mkdir, "mkdir DIR...: make directories"},
    {"rmdir", cmd_rmdir, "rmdir DIR...: remove empty directories"},
    {"cd", cmd_cd, "cd [DIR]: change the working directory"},
    {"pwd", cmd_pwd, "pwd: print the working directory"},
    {"echo", cmd_echo, "echo WORDS [> FILE | >> FILE]: print, write or append a line"},
    {"df", cmd_df, "df: the file system's size and free space"},
    {"sync", cmd_sync, "sync: make everything written durable"},
    {NULL, NULL, NULL},
};

const struct shell_command *shell_file_commands(void)
{
    return file_commands;
}
