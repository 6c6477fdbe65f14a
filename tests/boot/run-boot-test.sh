#!/bin/sh
# Boot the payload under OpenSBI on xpcsim (fw_jump and fw_dynamic) and on QEMU (fw_jump);
# check the banner and compare the payload's lines across machines.
set -u
payload=$1
xpcsim=$2
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic
out=$(dirname "$payload")
pass=0
fail=0

check() {
    name=$1
    shift
    if "$@"; then
        echo "PASS  $name"
        pass=$((pass + 1))
    else
        echo "FAIL  $name"
        fail=$((fail + 1))
    fi
}

run() { # machine firmware log
    if [ "$1" = qemu ]; then
        timeout 30 qemu-system-riscv64 -machine virt -nographic -m 128M -bios "$fw/$2" \
            -kernel "$payload" </dev/null >"$3" 2>&1
    else
        timeout 30 "$xpcsim" -m 128M -bios "$fw/$2" -kernel "$payload" </dev/null >"$3" 2>&1
    fi
}

run xpcsim fw_jump.elf "$out/xpcsim-jump.log"
rc_jump=$?
run xpcsim fw_dynamic.elf "$out/xpcsim-dynamic.log"
rc_dyn=$?
run qemu fw_jump.elf "$out/qemu-jump.log"
rc_qemu=$?

check "xpcsim fw_jump exits 0 through SRST" [ "$rc_jump" -eq 0 ]
check "xpcsim fw_dynamic exits 0 through SRST" [ "$rc_dyn" -eq 0 ]
check "qemu fw_jump exits 0 through SRST" [ "$rc_qemu" -eq 0 ]
check "OpenSBI banner on xpcsim (fw_jump)" grep -q "^OpenSBI v1" "$out/xpcsim-jump.log"
check "OpenSBI banner on xpcsim (fw_dynamic)" grep -q "^OpenSBI v1" "$out/xpcsim-dynamic.log"
check "payload took three timer interrupts" grep -q "timer interrupts taken: 3" "$out/xpcsim-jump.log"
grep "^payload:" "$out/xpcsim-jump.log" >"$out/xpcsim-jump.payload"
grep "^payload:" "$out/xpcsim-dynamic.log" >"$out/xpcsim-dynamic.payload"
grep "^payload:" "$out/qemu-jump.log" >"$out/qemu-jump.payload"
check "payload output identical on xpcsim and qemu" \
    cmp -s "$out/xpcsim-jump.payload" "$out/qemu-jump.payload"
check "payload output identical under fw_jump and fw_dynamic" \
    cmp -s "$out/xpcsim-jump.payload" "$out/xpcsim-dynamic.payload"
if [ "$fail" -ne 0 ]; then
    diff "$out/xpcsim-jump.payload" "$out/qemu-jump.payload"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
