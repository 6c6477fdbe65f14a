#!/bin/sh
# Power cuts: fscut's random workload on a virtio-blk disk with a volatile write cache
# (cache=writeback: writes not yet flushed are lost), the machine stopped at a random
# instruction (--max-insns), then fsck on the host, a boot on the same image (fsd mounts it and
# replays its log), fsck again, and every file fscut announced as durable checked byte for byte
# (powercut_check.py). Cut points come from a seeded generator; the seed is printed, and SEED=N
# repeats a run. Prints "N passed, N failed".
# usage: powercut.sh BUILD_DIR [CUTS] [OPS]   (defaults: 20 cuts of a 150-operation workload)
set -u
build=$1
cuts=${2:-20}
ops=${3:-150}
seed=${SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
here=$(dirname "$0")
tools=$build/tools
dir=$build/storage/powercut
mkdir -p "$dir"
passed=0
failed=0
echo "powercut: seed $seed, $cuts cuts"

# machine IMAGE LOG [xpcsim flags...] -- BOOTARGS: xpcsim on IMAGE with the write cache
machine() {
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

# The workload's span in instructions: from fscut's start (one operation) to its end.
fresh "$dir/cal.img"
machine "$dir/cal.img" "$dir/cal-start.log" -- "disk=virtio run=\"fscut seed=$seed ops=1\""
fresh "$dir/cal.img"
machine "$dir/cal.img" "$dir/cal-end.log" -- "disk=virtio run=\"fscut seed=$seed ops=$ops\""
start=$(insns "$dir/cal-start.log")
end=$(insns "$dir/cal-end.log")
if [ -z "$start" ] || [ -z "$end" ] || [ "$end" -le "$start" ] ||
    ! grep -q "^fscut: done, $ops operations" "$dir/cal-end.log"; then
    echo "FAIL powercut: the workload did not run to its end (log: $dir/cal-end.log)"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "powercut: workload from instruction $start to $end"

# Random points in [start, end) from the seed (awk's generator, seeded: repeatable).
points=$(awk -v s="$seed" -v n="$cuts" -v a="$start" -v b="$end" \
    'BEGIN {srand(s); for (i = 0; i < n; i++) printf "%d\n", a + int(rand() * (b - a))}')

i=0
for point in $points; do
    i=$((i + 1))
    img=$dir/cut$i.img
    fresh "$img"
    machine "$img" "$dir/cut$i.log" --max-insns "$point" -- \
        "disk=virtio run=\"fscut seed=$seed ops=$ops\""
    problem=
    grep -q "stopped after .* (--max-insns)" "$dir/cut$i.log" || problem="the machine was not cut"
    [ -z "$problem" ] && ! "$tools/xpcfs-fsck" "$img" >"$dir/cut$i.fsck" 2>&1 &&
        problem="fsck after the cut: $(head -3 "$dir/cut$i.fsck" | tr '\n' ' ')"
    if [ -z "$problem" ]; then
        machine "$img" "$dir/boot$i.log" -- "disk=virtio run=\"ls /cut\""
        grep -q "^run: 1 commands, 0 failed" "$dir/boot$i.log" ||
            problem="the reboot did not mount the disk (log: $dir/boot$i.log)"
    fi
    [ -z "$problem" ] && ! "$tools/xpcfs-fsck" "$img" >"$dir/boot$i.fsck" 2>&1 &&
        problem="fsck after the reboot: $(head -3 "$dir/boot$i.fsck" | tr '\n' ' ')"
    if [ -z "$problem" ] &&
        ! "$here/powercut_check.py" "$tools/xpcfs" "$img" "$dir/cut$i.log" >"$dir/cut$i.check"; then
        problem="$(grep -v '^checked' "$dir/cut$i.check" | head -3 | tr '\n' ' ')"
    fi
    durable=$(grep -c "^fscut: \(file\|gone\|prefix\) .* end$" "$dir/cut$i.log")
    if [ -z "$problem" ]; then
        passed=$((passed + 1))
        echo "powercut: cut $i at instruction $point: clean, the $durable durable changes announced all hold"
    else
        failed=$((failed + 1))
        echo "FAIL powercut: cut $i at instruction $point (seed $seed): $problem"
    fi
    rm -f "$img"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
