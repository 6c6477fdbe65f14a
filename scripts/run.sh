#!/bin/sh
# The main job: boot Debian's OpenSBI and the project's kernel on xpcsim's Rocket-like cycle
# model, run the seL4-style IPC benchmark there, and set the XPC engine's one-way call beside it.
set -eu
BUILD=${BUILD:-$(pwd)/build}
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic
XPCSIM=$BUILD/sim/xpcsim

echo "== OpenSBI ($FW/fw_jump.elf) boots the kernel on xpcsim --timing=rocket;"
echo "== the kernel runs the sel4bench-style IPC benchmark (ASIDs on) and powers off"
timeout 300 "$XPCSIM" --timing=rocket -m 128M -bios "$FW/fw_jump.elf" \
    -kernel "$BUILD/kernel/kernel-bench.elf" </dev/null | tee "$BUILD/run-bench.log"

echo
echo "== The headline: one-way XPC calls on the same cycle model (paper: 21 cycles, seL4 664)"
make -s -C tests/xpc >/dev/null
tests/xpc/cycles.sh "$XPCSIM" "$BUILD/xpc/bench_xcall.elf" | grep -v '^PASS' | grep -v 'passed, '
call=$(sed -n 's/^ *call, 0 words, other AS *\([0-9]*\).*/\1/p' "$BUILD/run-bench.log")
xcall=$("$XPCSIM" --timing=rocket -m 128M -bios "$BUILD/xpc/bench_xcall.elf" </dev/null |
    sed -n 's/^BENCH xpc_xcall_oneway .* mean=\([0-9]*\) .*/\1/p')
if [ -n "$call" ] && [ -n "$xcall" ]; then
    echo
    echo "one-way call to another address space: seL4-style fastpath $call cycles, XPC $xcall cycles" \
        "($(awk "BEGIN {printf \"%.1f\", $call / $xcall}")x)"
fi
