#!/bin/sh
# The main job: boot Debian's OpenSBI and the project's kernel on xpcsim and show the
# headline result.
set -eu
BUILD=${BUILD:-$(pwd)/build}
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic
XPCSIM=$BUILD/sim/xpcsim

echo "== Booting OpenSBI ($FW/fw_jump.elf) and the kernel on xpcsim"
if [ -f "$BUILD/kernel/kernel.elf" ]; then
    timeout 120 "$XPCSIM" -m 128M -bios "$FW/fw_jump.elf" -kernel "$BUILD/kernel/kernel.elf" </dev/null
else
    make -s -C tests/boot >/dev/null
    timeout 60 "$XPCSIM" -m 128M -bios "$FW/fw_jump.elf" -kernel "$BUILD/boot/payload.elf" </dev/null
fi

echo
echo "== The headline: one-way XPC calls on the Rocket-like cycle model (paper: 21 cycles)"
make -s -C tests/xpc >/dev/null
tests/xpc/cycles.sh "$XPCSIM" "$BUILD/xpc/bench_xcall.elf" | grep -v '^PASS'
