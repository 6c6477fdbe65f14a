#!/bin/sh
# --trace: the Chrome trace-event file of XPC calls and traps (docs/trace.md).
# Usage: run.sh BUILD
set -u
BUILD=${1:?usage: run.sh BUILD}
here=$(cd "$(dirname "$0")" && pwd)
sim=$BUILD/sim/xpcsim
out=$BUILD/trace-test
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
mkdir -p "$out"
pass=0
fail=0
check() {
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
# A checker's own "N passed, N failed" folded into ours.
checker() {
    echo "-- $1"
    shift
    python3 "$here/check.py" "$@" >"$out/check.log" 2>&1
    sed '$d' "$out/check.log"
    p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out/check.log")
    f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out/check.log")
    pass=$((pass + ${p:-0}))
    fail=$((fail + ${f:-1}))
}

# Bare metal: one call, a chain A -> B -> C a hundred times, each returning by xret.
"$sim" --timing=rocket --trace "$out/calls.json" "$BUILD/xpc/xpc_calls.elf" >"$out/calls.log" 2>&1
check "xpc_calls passes under --trace" grep -q '^PASS xpc_calls' "$out/calls.log"
checker "xpc_calls: 100 chains A -> B -> C" "$out/calls.json" 100 2 --all-xret

# The kernel's E5 chain: 8 servers, each handing the relay segment on by xcall; 16 warm-up
# rounds and 128 measured ones at length 8.
"$sim" --timing=rocket -bios "$FW" -kernel "$BUILD/kernel/kernel-bench.elf" \
    --trace "$out/bench.json" >"$out/bench.log" 2>&1
check "the kernel benchmark runs under --trace" grep -q '^RESULT E5 xpc_chain 8 ' "$out/bench.log"
checker "kernel: the E5 chain of 8 servers" "$out/bench.json" 144 8 --all-xret

# Tracing observes; it must not change a modeled cycle.
"$sim" --timing=rocket "$BUILD/xpc/bench_xcall.elf" >"$out/plain.log" 2>&1
"$sim" --timing=rocket --trace "$out/xcall.json" "$BUILD/xpc/bench_xcall.elf" >"$out/traced.log" 2>&1
check "the same cycles with and without --trace" cmp -s "$out/plain.log" "$out/traced.log"

"$sim" --trace /nonexistent/dir/t.json "$BUILD/xpc/xpc_calls.elf" >"$out/bad.log" 2>&1
rc=$?
check "an unwritable --trace file: one line, exit 1" \
    sh -c "[ $rc -eq 1 ] && [ \$(wc -l <'$out/bad.log') -eq 1 ] && grep -q 'cannot write' '$out/bad.log'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
