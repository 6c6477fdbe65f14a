/* The smallest program: picolibc's printf over the kernel console. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello from user space (%d argument%s)\n", argc, argc == 1 ? "" : "s");
    for (int i = 0; i < argc; i++)
        printf("  argv[%d] = %s\n", i, argv[i]);
    return 0;
}
