#!/bin/sh
# Self-test of the experiment scripts: e1, e3, e4 and e5 run on a made-up kernel benchmark log
# and a stand-in for xpcsim that prints fixed BENCH lines, and their tables, CSVs and plots are
# checked against the numbers put in, with the XPC lines absent and then present; e6 on a
# stand-in machine; e9 runs on a stand-in synthesis runner.
#   selftest.sh        prints PASS/FAIL per check, exits non-zero on any failure
set -u
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
check() { # description command...
    d=$1
    shift
    if "$@" >/dev/null 2>&1; then
        pass=$((pass + 1))
        echo "PASS  $d"
    else
        fail=$((fail + 1))
        echo "FAIL  $d"
    fi
}
has() { grep -q -- "$2" "$1"; }

# The stand-in machine: bench_xcall's lines, xcall 20 cycles (30 with the engine cache off).
cat >"$t/xpcsim" <<'SIM'
#!/bin/sh
x=20
case "$*" in *--xpc-cache=off*) x=30 ;; esac
echo "BENCH xpc_xcall_oneway samples=4 mean=$x stddev=0 min=$x median=$x max=$x"
echo "BENCH xpc_xret_oneway samples=4 mean=24 stddev=0 min=24 median=24 max=24"
case "$*" in *kernel-bench*) [ -f "${0%/*}/kernel-xpc" ] && cat "${0%/*}/kernel-xpc" ;; esac
SIM
chmod +x "$t/xpcsim"
for f in kernel-bench.elf kernel-bench-flush.elf bench_xcall.elf; do : >"$t/$f"; done
touch -d '2000-01-01' "$t/xpcsim" "$t"/*.elf

baseline() {
    cat <<'LOG'
xpc: engine
RESULT E1 sel4_call 0 500 3
RESULT E1 sel4_reply 0 480 0
RESULT E1 sel4_roundtrip 0 990 0
RESULT E1 channel_call 0 4000 0
RESULT E1 channel_oneway 0 2000 0
RESULT E4 sel4 0 1000 0
RESULT E4 channel 0 4000 0
RESULT E4 sel4_shm 0 800 0
RESULT E4 sel4 4096 9000 5
RESULT E4 channel 4096 16000 0
RESULT E4 sel4_shm 4096 2500 0
RESULT E5 sel4_chain 1 10000 0
RESULT E5 sel4_chain 2 25000 0
RESULT E5 sel4_chain 3 41000 0
LOG
}

run() { # results-dir script
    env BUILD="$t" RESULTS="$1" XPCSIM="$t/xpcsim" KERNEL_BENCH="$t/kernel-bench.elf" \
        KERNEL_BENCH_FLUSH="$t/none.elf" BENCH_XCALL="$t/bench_xcall.elf" "$here/$2" \
        >"$1/$2.out" 2>&1
}

# 1. Baselines only.
r=$t/r1
mkdir -p "$r"
baseline >"$r/kernel-bench.log"
for e in e1.sh e3.sh e4.sh e5.sh; do check "$e runs without the XPC lines" run "$r" $e; done
check "e1 shows the seL4-style call" has "$r/e1.txt" "seL4-style call, one-way (fastpath) *500 *3 *664"
check "e1 says the kernel-level XPC call was not measured" has "$r/e1.txt" "XPC xcall, one-way (kernel's x-entry) *not measured"
check "e1's ratio falls back to the bare-metal xcall: 500 / 20" has "$r/e1.txt" "500 / 20 = 25.0x (meets"
check "e1.csv has the channel round trip" has "$r/e1.csv" "^E1,channel_call,0,4000,0,"
check "e3 ablation: engine cache off costs what the machine says" has "$r/e3.txt" "engine cache off *30 *24"
check "e3 without XPC in the kernel leaves its columns empty" has "$r/e3.txt" "engine cache off *30 *24 *- *-"
check "e4 table row for 4 KiB" has "$r/e4.txt" "4096 *9000 *16000 *2500 *-"
check "e4 without XPC says so" has "$r/e4.txt" "xpc: not measured"
check "e4: 4 KiB costs the endpoint 8000 more than 0 B" has "$r/e4.txt" "costs 8000 cycles more"
check "e5 per-server differences" has "$r/e5.txt" "3 *41000 *16000 *not measured"
check "e5.csv has every chain length" [ "$(grep -c '^E5,sel4_chain,' "$r/e5.csv")" -eq 3 ]
if command -v gnuplot >/dev/null 2>&1; then
    for e in e1 e3 e4 e5; do check "$e.png written" [ -s "$r/$e.png" ]; done
fi

# 2. With the kernel-level XPC lines.
r=$t/r2
mkdir -p "$r"
{
    baseline
    echo "RESULT E1 xpc_call 0 25 0"
    echo "RESULT E1 xpc_ret 0 24 0"
    echo "RESULT E4 xpc 0 150 0"
    echo "RESULT E4 xpc 4096 160 0"
    echo "RESULT E5 xpc_chain 1 200 0"
    echo "RESULT E5 xpc_chain 2 400 0"
    echo "RESULT E5 xpc_chain 3 650 0"
} >"$r/kernel-bench.log"
printf 'xpcbench: XPC engine\nRESULT E1 xpc_call 0 26 0\nRESULT E1 xpc_ret 0 23 0\n' >"$t/kernel-xpc"
for e in e1.sh e3.sh e4.sh e5.sh; do check "$e runs with the XPC lines" run "$r" $e; done
check "e1 takes the kernel-level xpc_call for the ratio: 500 / 25" has "$r/e1.txt" "500 / 25 = 20.0x (meets"
check "e3 lists the kernel-level xcall and xret" has "$r/e3.txt" "engine cache off *30 *24 *26 *23"
check "e4 xpc column" has "$r/e4.txt" "4096 *9000 *16000 *2500 *160"
check "e5 xpc per-server difference" has "$r/e5.txt" "3 *41000 *16000 *650 *250"

# 3. An emulated XPC run must not be taken for the engine.
r=$t/r3
mkdir -p "$r"
sed 's/^xpc: engine/xpc: no engine, emulated/' "$t/r2/kernel-bench.log" >"$r/kernel-bench.log"
check "e1 runs on an emulated-XPC log" run "$r" e1.sh
check "e1 notes the emulation" has "$r/e1.txt" "NOTE: the kernel emulated XPC"
check "e1's ratio then uses the bare-metal xcall" has "$r/e1.txt" "500 / 20 = 25.0x"

# 4. Bad input: no log lines, a missing machine.
r=$t/r4
mkdir -p "$r"
echo "no results here" >"$r/kernel-bench.log"
check "e4 refuses a log without E4 lines" sh -c "! env BUILD='$t' RESULTS='$r' XPCSIM='$t/xpcsim' KERNEL_BENCH='$t/kernel-bench.elf' '$here/e4.sh'"
check "e1 names a missing xpcsim" sh -c "env BUILD='$t' RESULTS='$r' XPCSIM='$t/nothing' '$here/e1.sh' 2>&1 | grep -q 'missing $t/nothing (build it with: make -C sim)'"

# 5. E9 on a stand-in synthesis runner: the CSV's columns and the share of the Rocket system.
r=$t/r5
mkdir -p "$r"
cat >"$t/synth" <<'SYN'
#!/bin/sh
for n in "$@"; do echo "xilinx7 $n $((1000 + 10 * n)) 2000 0 12"; echo "lut4 $n 3000 2000 0 30"; done
SYN
chmod +x "$t/synth"
e9() { env BUILD="$t" RESULTS="$r" SYNTH="$t/synth" SYNTH_STANDIN=1 SIZES="0 4" "$here/e9.sh"; }
check "e9 runs" e9
check "e9.csv header" [ "$(head -1 "$r/e9.csv")" = "cache_entries,luts,ffs,brams,logic_levels" ]
check "e9.csv has the 7-series line for 4 entries" has "$r/e9.csv" "^4,1040,2000,0,12$"
check "e9 shows 1040 LUTs as 10.0% of the Rocket system's 10384" has "$r/e9.txt" "1040 .* 10.0%"
check "e9 shows the paper's claim" has "$r/e9.txt" "paper: .*few percent"
printf '#!/bin/sh\nexit 1\n' >"$t/synth"
check "e9 stops when synthesis fails" sh -c "! env BUILD='$t' RESULTS='$r' SYNTH='$t/synth' SYNTH_STANDIN=1 '$here/e9.sh'"


# 6. E6 on a stand-in machine: XPC does a run in 1000 cycles, the endpoint in 1500 and the channel
# in 3000 (workload a: twice those); IPC takes 100 cycles of each run's profile.
r=$t/r6
mkdir -p "$r"
cat >"$t/xpcsim6" <<'SIM'
#!/bin/sh
json= app=
while [ $# -gt 0 ]; do
    case $1 in --stats-json) json=$2; shift ;; -append) app=$2; shift ;; esac
    shift
done
w=$(echo "$app" | sed 's/.*--workload \([a-f]\).*/\1/')
case $app in *fs=xpc*) c=1000 ;; *fs=endpoint*) c=1500 ;; *) c=3000 ;; esac
[ "$w" = a ] && c=$((c * 2))
echo "xpc: engine"
echo "YCSB run workload=$w ops=10 cycles=$c ops_per_mcycle=0 not_found=0"
echo "YCSB op workload=$w op=READ count=10 mean=$((c / 10)) p99=$((c / 5))"
echo "ycsb: integrity_check: ok"
printf '{"phase_windows": 1, "phases": [{"name": "ipc", "cycles": 60}, {"name": "transport", "cycles": 40}, {"name": "caller", "cycles": 0}, {"name": "client", "cycles": %d}]}\n' $((c - 100)) >"$json"
SIM
chmod +x "$t/xpcsim6"
printf '#!/bin/sh\necho "ipc 80000000 80001000"\n' >"$t/ipcmap6"
chmod +x "$t/ipcmap6"
: >"$t/kernel.elf"
e6() { env BUILD="$t" RESULTS="$r" XPCSIM="$t/xpcsim6" KERNEL="$t/kernel.elf" YCSB_ELF="$t/kernel.elf" \
    FSD_ELF="$t/kernel.elf" IPCMAP="$t/ipcmap6" WINDOW_START=0x100 WINDOW_STOP=0x104 \
    WORKLOADS="${1:-a b}" "$here/e6.sh" >"$r/e6.out" 2>&1; }
check "e6 runs" e6
check "e6.csv header" [ "$(head -1 "$r/e6.csv")" = "workload,transport,ops,cycles,ops_per_mcycle,ipc_share" ]
check "e6.csv: a over xpc, 10 ops in 2000 cycles, IPC 100 of 2000" has "$r/e6.csv" "^a,xpc,10,2000,5000.000,0.0500$"
check "e6.csv: b over the channel" has "$r/e6.csv" "^b,channel,10,3000,3333.333,0.0333$"
check "e6.csv has one row per workload and transport" [ "$(wc -l <"$r/e6.csv")" -eq 7 ]
check "e6: XPC's speed-up over the endpoint per workload" has "$r/e6.txt" "^  A .* 1.50x *3.00x"
check "e6: geometric mean against the paper's 1.6x" has "$r/e6.txt" "over endpoint: 1.50x (paper: 1.6x"
check "e6: the IPC share in percent" has "$r/e6.txt" "^  B .* 10.0% .* 6.7% .* 3.3%"
if command -v gnuplot >/dev/null 2>&1; then check "e6.png written" [ -s "$r/e6.png" ]; fi
sed -i 's/ycsb: integrity_check: ok/ycsb: integrity_check: bad/' "$t/xpcsim6"
check "e6 stops when integrity_check is not ok" sh -c "! env BUILD='$t' RESULTS='$r' XPCSIM='$t/xpcsim6' KERNEL='$t/kernel.elf' YCSB_ELF='$t/kernel.elf' FSD_ELF='$t/kernel.elf' IPCMAP='$t/ipcmap6' WINDOW_START=1 WINDOW_STOP=2 WORKLOADS=a '$here/e6.sh'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
