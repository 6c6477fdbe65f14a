/* What SQLite's shell (shell.c) expects of its system that picolibc leaves out, included before
 * it (-include). The user library supplies the calls themselves (user/lib/glue.c, file_*.c). */
#ifndef USER_SQLITE_PORT_H
#define USER_SQLITE_PORT_H

#include <stdio.h>

#ifndef FILENAME_MAX
#define FILENAME_MAX 1024 /* the file protocol's longest path (FILE_PATH_MAX) */
#endif
/* No processes to pipe to: .output |cmd, .once |cmd and .system are refused by the shell. */
#define SQLITE_OMIT_POPEN 1

#endif
