/* A failing verdict through tohost: two wrong expectations, so tohost = (2 << 1) | 1 and xpcsim
 * must exit with status 2 (the runner requires exactly that of an xfail test). */
#include "htif.h"

int main(void)
{
    check("6 * 7 (expecting 0: wrong on purpose)", RR("mul", 6, 7), 0);
    check("1 - 1 (expecting 1: wrong on purpose)", RR("sub", 1, 1), 1);
    htif_finish();
}
