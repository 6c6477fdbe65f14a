/* The shell's built-in commands. */
#ifndef SHELL_SHELL_H
#define SHELL_SHELL_H

struct shell_command {
    const char *name;
    int (*run)(int argc, char **argv); /* 0 = success */
    const char *help;
};

/* The file commands (files.c), ending with a NULL name. */
const struct shell_command *shell_file_commands(void);

#endif
