/* A test that must fail: three checks expect wrong values, so the finisher is written with
 * (3 << 16) | 0x3333 and the emulator must exit with status 3. The runner counts this test as
 * passing only if it fails in exactly that way, which proves failures are noticed end to end
 * (check, FAIL line, finisher code, emulator exit status, runner). */
#include "test.h"

int main(void)
{
    check("1 + 1 (expecting 3: wrong on purpose)", RR("add", 1, 1), 3);
    check("6 * 7 (expecting 41: wrong on purpose)", RR("mul", 6, 7), 41);
    check("-1 >> 63 (expecting 0: wrong on purpose)", RI("srli", -1, 63), 0);
    check("2 + 2 (right)", RR("add", 2, 2), 4);
    return 0;
}
