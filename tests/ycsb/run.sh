#!/bin/sh
# The ycsb suite (docs/experiments.md, "E6"): the generators and the host build of the driver
# (tests/ycsb/Makefile), then the guest driver on the machines: a small run of workloads over
# each transport must end with PRAGMA integrity_check ok, on xpcsim and QEMU; and the file
# system server killed inside transactions (ycsb --server-kill) on xpcsim. Prints the total as
# "N passed, N failed".
#   run.sh BUILD_DIR
set -u
build=$1
here=$(cd "$(dirname "$0")" && pwd)
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
kernel=$build/kernel/kernel.elf
logs=$build/ycsb-tests/guest
mkdir -p "$logs"
passed=0 failed=0

add() { # a log whose last "N passed, N failed" line counts
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    if [ -z "$line" ]; then
        failed=$((failed + 1))
        echo "FAIL $2: no count (log: $1)"
        return
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

make -s -C "$here" BUILD="$build" >"$logs/host.log" 2>&1
cat "$logs/host.log"
for l in $(grep -n 'passed, ' "$logs/host.log" | cut -d: -f1); do
    sed -n "${l}p" "$logs/host.log" >"$logs/host-$l.count"
    add "$logs/host-$l.count" "host tests"
done
grep -q 'passed, ' "$logs/host.log" || { failed=$((failed + 1)); echo "FAIL host tests did not run"; }

boot() { # emu name transport script
    case $1 in
    xpcsim) cmd="$build/sim/xpcsim -bios $fw -m 128M -nographic" ;;
    qemu) cmd="qemu-system-riscv64 -machine virt -bios $fw -m 128M -nographic" ;;
    esac
    timeout 600 $cmd -kernel "$kernel" -append "fs=$3 run=\"$4\"" </dev/null 2>&1 |
        tr -d '\r' >"$logs/$2-$1.log"
}
expect() { # log line-regex what
    if grep -qE -- "$2" "$1"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL ycsb guest: $3 (log: $1)"
    fi
}

# Small runs: workload a (reads and updates), e (scans and inserts) and d (latest, inserts)
# on one database each, over each transport, on xpcsim; on QEMU (where the kernel emulates XPC
# and every instruction of it traps) workload a alone, smaller.
for emu in xpcsim qemu; do
    for t in xpc endpoint channel; do
        if [ $emu = qemu ]; then
            n=12 ws=a
            script="ycsb --workload a --records $n --operations $n --load-batch 4; ycsb --check"
        else
            n=60 ws="a e d"
            script="ycsb --workload a --records $n --operations $n --load-batch 10; \
ycsb --workload e --records $n --operations $n --db /e.db --load-batch 10; \
ycsb --workload d --records $n --operations $n --db /d.db; ycsb --check --db /d.db"
        fi
        boot $emu run-$t $t "$script"
        log=$logs/run-$t-$emu.log
        for w in $ws; do
            expect "$log" "^YCSB run workload=$w ops=$n cycles=[0-9]+ ops_per_mcycle=[0-9.]+ not_found=0\$" \
                "[$emu $t] workload $w runs"
        done
        runs=$(($(echo $ws | wc -w) + 1))
        expect "$log" "^run: $runs commands, 0 failed\$" "[$emu $t] every command succeeds"
        c=$(grep -c '^ycsb: integrity_check: ok$' "$log")
        [ "$c" -eq $runs ] && passed=$((passed + 1)) || {
            failed=$((failed + 1))
            echo "FAIL ycsb guest: [$emu $t] integrity_check ok after every run ($c of $runs; log $log)"
        }
        echo "[$emu] ycsb over $t: done"
    done
done

# The server killed inside transactions (xpcsim; the test counts its own checks).
# Over the channel only: over XPC the restarted fsd fails the reads of the reopened database
# since fsd reads whole blocks in place into the client's relay segment (a known problem,
# docs/experiments.md).
for t in channel; do
    boot xpcsim kill-$t $t "ycsb --server-kill $t --records 100"
    add "$logs/kill-$t-xpcsim.log" "server kill over $t"
    echo "[xpcsim] fsd killed inside transactions over $t: done"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
