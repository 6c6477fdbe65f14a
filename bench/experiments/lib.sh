# Shared by e1.sh ... e5.sh (sourced): paths, running the benchmarks once, RESULT lookups, the
# paper's figures, and the plots. Every path can be overridden from the environment.
set -eu
EXPDIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$EXPDIR/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
RESULTS=${RESULTS:-$BUILD/results}
XPCSIM=${XPCSIM:-$BUILD/sim/xpcsim}
KERNEL_BENCH=${KERNEL_BENCH:-$BUILD/kernel/kernel-bench.elf}
# The same benchmark with a TLB flush on every address-space switch, as seL4 does on RISC-V.
KERNEL_BENCH_FLUSH=${KERNEL_BENCH_FLUSH:-$BUILD/kernel/kernel-bench-flush.elf}
USER_BENCH=${USER_BENCH:-$BUILD/user/bench.elf}
BENCH_XCALL=${BENCH_XCALL:-$BUILD/xpc/bench_xcall.elf}
FW=${FW:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf}
PAPER=${PAPER:-$EXPDIR/paper.txt}
TIMEOUT=${TIMEOUT:-300}
mkdir -p "$RESULTS"

die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

need() { # file what-builds-it
    [ -r "$1" ] || die "missing $1 (build it with: $2)"
}

# The kernel benchmark's console output, run once and kept in $RESULTS (the run is
# deterministic, so a log newer than the kernel image and the simulator is still valid).
#   kernel_bench_log [ELF] -> the log's path (default: $KERNEL_BENCH)
kernel_bench_log() {
    elf=${1:-$KERNEL_BENCH}
    log=$RESULTS/$(basename "$elf" .elf).log
    need "$XPCSIM" "make -C sim"
    need "$elf" "make -C kernel"
    if [ ! -s "$log" ] || [ "$elf" -nt "$log" ] || [ "$XPCSIM" -nt "$log" ]; then
        echo "running $(basename "$elf") on $(basename "$XPCSIM") --timing=rocket ..." >&2
        timeout "$TIMEOUT" "$XPCSIM" --timing=rocket -m 128M -bios "$FW" -kernel "$elf" \
            </dev/null >"$log.tmp" 2>&1 || {
            tail -5 "$log.tmp" >&2
            die "the kernel benchmark failed or timed out (log: $log.tmp)"
        }
        grep -q '^RESULT ' "$log.tmp" || die "no RESULT lines in $log.tmp"
        mv "$log.tmp" "$log"
    fi
    echo "$log"
}

# result LOG EXP SERIES X -> "mean stddev", or nothing when the line is absent.
result() {
    awk -v e="$2" -v s="$3" -v x="$4" '$1 == "RESULT" && $2 == e && $3 == s && $4 == x {
        print $5, $6; exit }' "$1"
}

# series_xs LOG EXP SERIES -> the x values present, in order.
series_xs() {
    awk -v e="$2" -v s="$3" '$1 == "RESULT" && $2 == e && $3 == s {print $4}' "$1"
}

# paper EXP KEY -> the paper's value ("-" when it has none).
paper() {
    awk -v e="$1" -v k="$2" '$1 == e && $2 == k {print $3; found = 1; exit}
        END {if (!found) print "-"}' "$PAPER"
}

# paper_note EXP KEY -> what the figure is.
paper_note() {
    awk -v e="$1" -v k="$2" '$1 == e && $2 == k {$1 = $2 = $3 = ""; sub(/^ +/, ""); print; exit}' \
        "$PAPER"
}

# A gnuplot PNG terminal: pngcairo if this gnuplot has it, else png.
png_terminal() {
    if gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo; then
        echo "pngcairo size 900,560 noenhanced"
    else
        echo "png size 900,560 noenhanced"
    fi
}

# plot SCRIPT: runs gnuplot, or says why there is no PNG.
plot() {
    if ! command -v gnuplot >/dev/null 2>&1; then
        echo "(no gnuplot: no PNG; apt-get install gnuplot-nox)" >&2
        return 0
    fi
    printf '%s\n' "$1" | gnuplot 2>"$RESULTS/gnuplot.err" || {
        cat "$RESULTS/gnuplot.err" >&2
        die "gnuplot failed"
    }
    rm -f "$RESULTS/gnuplot.err"
}

# One-way XPC xcall/xret on the bare-metal bench (flags select the engine) -> "xcall xret".
bench_xcall() {
    need "$BENCH_XCALL" "make -C tests/xpc"
    out=$(timeout 30 "$XPCSIM" --timing=rocket "$@" -m 128M -bios "$BENCH_XCALL" </dev/null 2>&1) ||
        die "bench_xcall failed under $*: $(echo "$out" | tail -2)"
    x=$(echo "$out" | sed -n 's/^BENCH xpc_xcall_oneway .* mean=\([0-9]*\) .*/\1/p')
    r=$(echo "$out" | sed -n 's/^BENCH xpc_xret_oneway .* mean=\([0-9]*\) .*/\1/p')
    [ -n "$x" ] && [ -n "$r" ] || die "bench_xcall printed no BENCH lines under $*"
    echo "$x $r"
}

# True when the kernel ran XPC by trap-and-emulate (its boot line "xpc: ... emulated"): then the
# kernel-level XPC figures measure the emulation, not the engine.
xpc_emulated() {
    grep -q '^xpc: .*emulated' "$1"
}

xpc_mode_note() {
    if xpc_emulated "$1"; then
        echo "  NOTE: the kernel emulated XPC in this run (boot line: $(grep '^xpc: ' "$1" | head -1));"
        echo "        its xpc* figures are trap-and-emulate costs, not the engine's"
    fi
}
