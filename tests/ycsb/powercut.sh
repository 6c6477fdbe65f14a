#!/bin/sh
# Power cuts during YCSB (issue 11): ycsb's load and run phases (workload d: autocommit inserts
# in both) on a virtio-blk disk with a volatile write cache (cache=writeback), the machine
# stopped at a random instruction (--max-insns), then a boot on the same image where
# `ycsb --check --dump-keys` must find PRAGMA integrity_check ok and every key the driver printed
# as COMMITTED before the cut (it prints each once its COMMIT returned). Cut points come from a
# seeded generator; the seed is printed and SEED=N repeats a run. After the pattern of
# tests/storage/powercut.sh. Prints "N passed, N failed".
#   powercut.sh BUILD_DIR [CUTS]     (default 10)
set -u
build=$1
cuts=${2:-10}
seed=${SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
tools=$build/tools
dir=$build/ycsb-tests/powercut
mkdir -p "$dir"
passed=0 failed=0
echo "ycsb powercut: seed $seed, $cuts cuts"
workload="ycsb --workload d --records 30 --operations 60 --seed $seed --print-commits --db /y.db"

machine() { # image log [xpcsim flags...] -- bootargs
    image=$1 log=$2
    shift 2
    flags=
    while [ "$1" != -- ]; do flags="$flags $1"; shift; done
    shift
    timeout 300 "$build/sim/xpcsim" $flags --stats -bios "$fw" -m 128M -nographic \
        -drive "file=$image,format=raw,if=none,id=d0,cache=writeback" \
        -device virtio-blk-device,drive=d0 -kernel "$build/kernel/kernel.elf" -append "$1" \
        </dev/null 2>&1 | tr -d '\r' >"$log"
}
insns() { awk '$1 == "instructions" {print $2}' "$1"; }
fresh() { rm -f "$1" && "$tools/xpcfs-mkfs" -s 16M "$1" >/dev/null; }

# The span to cut in: from ycsb's start (a run with nothing to do) to the end of the workload.
fresh "$dir/cal.img"
machine "$dir/cal.img" "$dir/cal-start.log" -- "disk=virtio run=\"ycsb --check --db /y.db\""
fresh "$dir/cal.img"
machine "$dir/cal.img" "$dir/cal-end.log" -- "disk=virtio run=\"$workload\""
start=$(insns "$dir/cal-start.log")
end=$(insns "$dir/cal-end.log")
if [ -z "$start" ] || [ -z "$end" ] || [ "$end" -le "$start" ] ||
    ! grep -q "^ycsb: integrity_check: ok" "$dir/cal-end.log"; then
    echo "FAIL ycsb powercut: the workload did not run to its end (log: $dir/cal-end.log)"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "ycsb powercut: workload from instruction $start to $end"
points=$(awk -v s="$seed" -v n="$cuts" -v a="$start" -v b="$end" \
    'BEGIN {srand(s); for (i = 0; i < n; i++) printf "%d\n", a + int(rand() * (b - a))}')

i=0
for point in $points; do
    i=$((i + 1))
    img=$dir/cut$i.img
    fresh "$img"
    machine "$img" "$dir/cut$i.log" --max-insns "$point" -- "disk=virtio run=\"$workload\""
    problem=
    grep -q "stopped after .* (--max-insns)" "$dir/cut$i.log" || problem="the machine was not cut"
    if [ -z "$problem" ]; then
        machine "$img" "$dir/boot$i.log" -- "disk=virtio run=\"ycsb --check --dump-keys --db /y.db\""
        grep -qx "ycsb: integrity_check: ok" "$dir/boot$i.log" ||
            problem="integrity_check after the reboot is not ok (log: $dir/boot$i.log)"
    fi
    committed=$(grep -c '^COMMITTED ' "$dir/cut$i.log")
    if [ -z "$problem" ]; then
        sed -n 's/^COMMITTED //p' "$dir/cut$i.log" | sort -u >"$dir/cut$i.keys"
        sed -n 's/^KEY //p' "$dir/boot$i.log" | sort -u >"$dir/boot$i.keys"
        lost=$(comm -23 "$dir/cut$i.keys" "$dir/boot$i.keys" | wc -l)
        [ "$lost" -eq 0 ] || problem="$lost committed keys lost (first: $(comm -23 "$dir/cut$i.keys" "$dir/boot$i.keys" | head -1))"
    fi
    if [ -z "$problem" ]; then
        passed=$((passed + 1))
        echo "ycsb powercut: cut $i at instruction $point: integrity ok, all $committed committed keys there"
    else
        failed=$((failed + 1))
        echo "FAIL ycsb powercut: cut $i at instruction $point (seed $seed): $problem"
    fi
    rm -f "$img"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
