/* The riscv-tests convention for ending a test, which xpcsim supports for suites written for
 * Spike: a passing verdict through tohost (common/htif.h). */
#include "htif.h"

int main(void)
{
    check("a computation before the verdict", RR("mul", 6, 7), 42);
    htif_finish();
}
