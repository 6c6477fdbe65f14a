#!/bin/sh
# virtio-blk on xpcsim against QEMU: the bare-metal driver vblk.elf runs on both machines with
# the same disks; its output (but the "cycles" lines) and the disk images afterwards must be
# identical byte for byte. Then, on xpcsim alone, the device's modeled latency.
#   run.sh VBLK_ELF XPCSIM WORKDIR
set -u
elf=$1
xpcsim=$2
work=$3
mkdir -p "$work"
pass=0
fail=0

check() { # name command...
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

# Disks whose every sector differs: sector s, byte i holds (s * seed + 7 i + seed) mod 256, and
# sector 0 starts with a tag naming the disk.
make_disk() { # file tag sectors seed
    python3 -c '
import sys
f, tag, n, seed = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), int(sys.argv[4])
with open(f, "wb") as out:
    for s in range(n):
        b = bytearray((s * seed + i * 7 + seed) & 0xff for i in range(512))
        if s == 0:
            b[:len(tag)] = tag
        out.write(b)
' "$@"
}
make_disk "$work/a.img" DISK-A 2048 3
make_disk "$work/b.img" DISK-B 128 5

run_xpcsim() { # log args...
    log=$1
    shift
    timeout 60 "$xpcsim" -m 128M -bios "$elf" "$@" </dev/null >"$log" 2>"$log.err"
}
run_qemu() { # log args...
    log=$1
    shift
    timeout 60 qemu-system-riscv64 -machine virt -global virtio-mmio.force-legacy=false \
        -nographic -m 128M -bios "$elf" "$@" </dev/null >"$log" 2>"$log.err"
}
passed() { [ "$(tail -n 1 "$1")" = "PASS vblk" ]; }
same_output() { # the two logs without the cycle lines
    grep -v '^cycles' "$1" >"$1.cmp"
    grep -v '^cycles' "$2" >"$2.cmp"
    cmp -s "$1.cmp" "$2.cmp" || diff "$1.cmp" "$2.cmp" | head -20
    cmp -s "$1.cmp" "$2.cmp"
}

# 1. A writable disk with a serial and a read-only one, each named by -device.
for m in xpcsim qemu; do
    cp "$work/a.img" "$work/$m-a.img"
    cp "$work/b.img" "$work/$m-b.img"
    run_$m "$work/$m-two.log" \
        -drive "file=$work/$m-a.img,format=raw,if=none,id=d0" \
        -device virtio-blk-device,drive=d0,serial=xpc-serial-0 \
        -drive "file=$work/$m-b.img,format=raw,if=none,id=d1,readonly=on" \
        -device virtio-blk-device,drive=d1
done
check "two disks: xpcsim passes" passed "$work/xpcsim-two.log"
check "two disks: qemu passes" passed "$work/qemu-two.log"
check "two disks: the first -device is in slot 7, the second in slot 6" \
    grep -q "block device in slot 6" "$work/xpcsim-two.log"
check "two disks: output identical on xpcsim and qemu" \
    same_output "$work/xpcsim-two.log" "$work/qemu-two.log"
check "two disks: the writable image changed" \
    sh -c "! cmp -s '$work/a.img' '$work/xpcsim-a.img'"
check "two disks: the writable image is the same after both machines" \
    cmp -s "$work/xpcsim-a.img" "$work/qemu-a.img"
check "two disks: the read-only image is untouched" cmp -s "$work/b.img" "$work/xpcsim-b.img"
check "two disks: the read-only disk refused the write with IOERR" \
    sh -c "grep -A3 'write sector 1' '$work/xpcsim-two.log' | grep -q 'status = 0x0*1\$'"

# 2. snapshot=on: the guest's writes read back, the file never changes.
for m in xpcsim qemu; do
    cp "$work/a.img" "$work/$m-snap.img"
    run_$m "$work/$m-snap.log" -drive "file=$work/$m-snap.img,format=raw,if=none,id=d0,snapshot=on" \
        -device virtio-blk-device,drive=d0
done
check "snapshot: xpcsim passes" passed "$work/xpcsim-snap.log"
check "snapshot: output identical on xpcsim and qemu" \
    same_output "$work/xpcsim-snap.log" "$work/qemu-snap.log"
check "snapshot: the image is untouched" cmp -s "$work/a.img" "$work/xpcsim-snap.img"

# 3. The short form on xpcsim is the long form (QEMU's if=virtio makes a PCI device on virt).
run_xpcsim "$work/xpcsim-short.log" -drive "file=$work/a.img,format=raw,if=virtio,snapshot=on"
check "short form: the same as -device on qemu" \
    same_output "$work/xpcsim-short.log" "$work/qemu-snap.log"

# 4. The cost model: notify to interrupt is the request latency plus the sectors, plus the few
#    instructions between the notify store and the read of the cycle counter after WFI.
latency() { sed -n "s/^cycles: notify to interrupt, $2 sectors = //p" "$1" | head -n 1; }
run_xpcsim "$work/timed-1.log" --timing=rocket -drive "file=$work/a.img,format=raw,if=virtio,snapshot=on"
run_xpcsim "$work/timed-2.log" --timing=rocket -drive "file=$work/a.img,format=raw,if=virtio,snapshot=on"
run_xpcsim "$work/timed-3.log" --timing=rocket --timing-param blk_request_cycles=20000 \
    --timing-param blk_sector_cycles=1000 -drive "file=$work/a.img,format=raw,if=virtio,snapshot=on"
req=$("$xpcsim" --timing-params | sed -n 's/^blk_request_cycles *= *\([0-9]*\).*/\1/p')
sec=$("$xpcsim" --timing-params | sed -n 's/^blk_sector_cycles *= *\([0-9]*\).*/\1/p')
one=$(latency "$work/timed-1.log" 1)
eight=$(latency "$work/timed-1.log" 8)
echo "      defaults: blk_request_cycles=$req blk_sector_cycles=$sec;" \
    "measured: 1 sector $one cycles, 8 sectors $eight cycles"
within() { [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le $(($2 + 100)) ]; }
check "cycles: 1 sector = request + 1 sector (+ <100)" within "$one" $((req + sec))
check "cycles: 8 sectors = request + 8 sectors (+ <100)" within "$eight" $((req + 8 * sec))
check "cycles: two runs give the same output" cmp -s "$work/timed-1.log" "$work/timed-2.log"
one3=$(latency "$work/timed-3.log" 1)
eight3=$(latency "$work/timed-3.log" 8)
moved_exactly() {
    [ -n "$one3" ] && [ -n "$eight3" ] && [ -n "$one" ] && [ -n "$eight" ] &&
        [ $((one3 - one)) -eq $((20000 + 1000 - req - sec)) ] &&
        [ $((eight3 - eight)) -eq $((20000 + 8000 - req - 8 * sec)) ]
}
check "cycles: the parameters move the latency by exactly their change" moved_exactly

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
