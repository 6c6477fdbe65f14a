/* Conditional branches, signed and unsigned, taken and not taken, forward and backward. */
#include "test.h"

#define TAKEN(op, a, b)                                                                            \
    ({                                                                                             \
        uint64_t t_;                                                                               \
        asm volatile("li %0, 1\n " op " %1, %2, 1f\n li %0, 0\n1:"                                 \
                     : "=&r"(t_)                                                                   \
                     : "r"((uint64_t)(a)), "r"((uint64_t)(b)));                                    \
        t_;                                                                                        \
    })

int main(void)
{
    check("beq equal", TAKEN("beq", 5, 5), 1);
    check("beq differ", TAKEN("beq", 5, 6), 0);
    check("bne differ", TAKEN("bne", 0, MIN64), 1);
    check("bne equal", TAKEN("bne", -1, -1), 0);
    check("blt -1<0", TAKEN("blt", -1, 0), 1);
    check("blt 0<-1", TAKEN("blt", 0, -1), 0);
    check("blt equal", TAKEN("blt", 3, 3), 0);
    check("bge equal", TAKEN("bge", 3, 3), 1);
    check("bge max>=min", TAKEN("bge", MAX64, MIN64), 1);
    check("bge min>=max", TAKEN("bge", MIN64, MAX64), 0);
    check("bltu 0<-1", TAKEN("bltu", 0, -1), 1);
    check("bltu -1<0", TAKEN("bltu", -1, 0), 0);
    check("bgeu -1>=0", TAKEN("bgeu", -1, 0), 1);
    check("bgeu 0>=1", TAKEN("bgeu", 0, 1), 0);
    check("bgeu equal", TAKEN("bgeu", MIN64, MIN64), 1);

    /* a backward branch closing a loop: 10 iterations */
    uint64_t n = 0, i = 10;
    asm volatile("1: addi %0, %0, 3\n addi %1, %1, -1\n bnez %1, 1b" : "+r"(n), "+r"(i));
    check("backward loop sum", n, 30);
    return 0;
}
