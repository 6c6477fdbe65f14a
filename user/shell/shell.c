/* A launcher: runs boot-image programs by name, with arguments, and waits for them. */
#include <stdio.h>
#include <string.h>
#include <xpc/usys.h>

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

int main(void)
{
    char line[256], list[1024];
    printf("xpc shell: type 'help'\n");
    for (;;) {
        fputs("xpc> ", stdout);
        fflush(stdout);
        if (read_line(line, sizeof(line)) < 0)
            return 0;
        char *cmd = line;
        while (*cmd == ' ')
            cmd++;
        if (!*cmd)
            continue;
        char *args = strchr(cmd, ' ');
        if (args)
            *args++ = 0;
        if (strcmp(cmd, "help") == 0) {
            printf("commands: help, ls, stats, poweroff, exit, or a program name with arguments\n");
        } else if (strcmp(cmd, "ls") == 0) {
            int64_t n = sys_bootimage_list(list, sizeof(list) - 1);
            if (n >= 0) {
                list[n] = 0;
                fputs(list, stdout);
            }
        } else if (strcmp(cmd, "stats") == 0) {
            struct kstats s;
            sys_kstats(&s);
            printf("frames %lu/%lu, heap %lu bytes, handles %lu, processes %lu, threads %lu\n",
                   (unsigned long)s.frames_used, (unsigned long)s.frames_total,
                   (unsigned long)s.heap_bytes, (unsigned long)s.handles,
                   (unsigned long)s.objects[OBJ_PROCESS], (unsigned long)s.objects[OBJ_THREAD]);
            printf("interrupts: %lu timer, %lu external; IPC fastpath %lu, slow path %lu\n",
                   (unsigned long)s.timer_interrupts, (unsigned long)s.external_interrupts,
                   (unsigned long)s.fastpath_calls, (unsigned long)s.slowpath_calls);
            printf("FP: %lu contexts, %lu first-use traps, %lu saves, %lu restores\n",
                   (unsigned long)s.fp_contexts, (unsigned long)s.fp_first_use_traps,
                   (unsigned long)s.fp_saves, (unsigned long)s.fp_restores);
        } else if (strcmp(cmd, "poweroff") == 0) {
            if (sys_poweroff(xpc_bootstrap_handle, 0) < 0)
                printf("poweroff: this shell holds no root resource\n");
        } else if (strcmp(cmd, "exit") == 0) {
            return 0;
        } else {
            int64_t p = xpc_spawn(cmd, args, 0);
            if (p < 0) {
                printf("%s: %s\n", cmd, xpc_strerror(p));
                continue;
            }
            int64_t code = sys_object_wait(p);
            sys_handle_close(p);
            if (code != 0)
                printf("[%s exited with %ld]\n", cmd, (long)code);
        }
    }
}
