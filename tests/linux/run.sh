#!/bin/sh
# Debian's riscv64 Linux, unchanged, boots on xpcsim and on QEMU with the same command, runs
# tests/linux/rc in an initramfs of Debian's busybox-static and powers off. Checks: both reach the
# script and power off cleanly; the script's lines agree (but the ISA, which each machine
# advertises differently, and the uptime); the ISA Linux reports is the one xpcsim's device tree
# advertises; a computation and a tmpfs file agree with the host. Prints host and modeled time.
set -u
BUILD=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$BUILD/linux-test
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
pass=0
fail=0
check() { # NAME CONDITION...
    name=$1
    shift
    if "$@"; then
        pass=$((pass + 1))
        echo "PASS  $name"
    else
        fail=$((fail + 1))
        echo "FAIL  $name"
    fi
}
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit $?
}

if ! make -s -C "$top/linux" all >"$out.make.log" 2>&1; then
    cat "$out.make.log"
    check "Debian's kernel and busybox fetched and the initramfs built" false
    finish
fi
rm -rf "$out" && mkdir -p "$out"
cp -a "$BUILD/linux/rootfs" "$out/rootfs"
cp "$here/rc" "$out/rootfs/etc/rc"
"$top/scripts/mkinitramfs.py" "$out/initramfs.cpio" "$out/rootfs" --node dev/console:c:5:1
boot="-m 512M -bios $FW -kernel $BUILD/linux/Image -initrd $out/initramfs.cpio -append console=ttyS0"

start=$(date +%s.%N)
# shellcheck disable=SC2086
timeout 600 "$BUILD/sim/xpcsim" $boot --stats </dev/null >"$out/xpcsim.log" 2>&1
rc_x=$?
mid=$(date +%s.%N)
# shellcheck disable=SC2086
timeout 300 qemu-system-riscv64 -machine virt -nographic $boot </dev/null >"$out/qemu.log" 2>&1
rc_q=$?
end=$(date +%s.%N)

for m in xpcsim qemu; do
    grep -a '^rc: ' "$out/$m.log" | tr -d '\r' >"$out/$m.rc"
    grep -v '^rc: \(isa\|uptime\)' "$out/$m.rc" >"$out/$m.same"
done
check "xpcsim: Linux boots, runs the script and powers off (exit 0)" \
    sh -c "[ $rc_x -eq 0 ] && grep -q '^rc: done' '$out/xpcsim.rc'"
check "qemu: Linux boots, runs the script and powers off (exit 0)" \
    sh -c "[ $rc_q -eq 0 ] && grep -q '^rc: done' '$out/qemu.rc'"
check "the script's output is the same on both machines" cmp -s "$out/xpcsim.same" "$out/qemu.same"
check "it is Debian's riscv64 kernel" grep -q '^rc: uname Linux [0-9.]*+deb13-riscv64 riscv64$' \
    "$out/xpcsim.rc"

# Every standard extension of xpcsim's riscv,isa (its device tree) is in what Linux reports, and
# the base is the same: Linux believed the machine's description. Linux drops the vendor ones it
# does not know (xxpc, the XPC engine) from /proc/cpuinfo.
"$BUILD/sim/xpcsim" -m 512M -machine "virt,dumpdtb=$out/xpcsim.dtb" >/dev/null 2>&1
dt_isa=$(fdtget "$out/xpcsim.dtb" /cpus/cpu@0 riscv,isa 2>/dev/null)
linux_isa=$(sed -n 's/^rc: isa //p' "$out/xpcsim.rc")
isa_ok() {
    [ -n "$dt_isa" ] && [ "${dt_isa%%_*}" = "${linux_isa%%_*}" ] || return 1
    for ext in $(echo "${dt_isa#*_}" | tr '_' ' '); do
        [ "${ext#x}" != "$ext" ] && continue
        echo "_${linux_isa#*_}_" | grep -q "_${ext}_" || return 1
    done
}
check "Linux reports the ISA xpcsim advertises ($dt_isa)" isa_ok

want_sum=$(python3 -c 'print(sum(i * i for i in range(1, 20001)))')
want_sha=$(python3 -c 'import hashlib, itertools
data = (b"a line of xpc\n" * 71429)[:1000000]
print(hashlib.sha256(data).hexdigest())')
check "a computation agrees with the host" grep -q "^rc: sum $want_sum\$" "$out/xpcsim.rc"
check "a 1 MB tmpfs file agrees with the host (sha256)" \
    grep -q "^rc: tmpfs 1000000 bytes sha256 $want_sha\$" "$out/xpcsim.rc"
check "the file is removed" grep -q '^rc: removed$' "$out/xpcsim.rc"

insns=$(sed -n 's/^ *instructions *//p' "$out/xpcsim.log")
uptime=$(sed -n 's/^rc: uptime //p' "$out/xpcsim.rc")
echo "xpcsim: $(awk "BEGIN{print $mid - $start}") s host," \
    "$insns instructions, Linux's uptime at the end ${uptime:-?} s modeled;" \
    "qemu: $(awk "BEGIN{print $end - $mid}") s host"
finish
