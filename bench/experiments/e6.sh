#!/bin/sh
# E6: SQLite3 under YCSB's workloads A-F over the file system server, once per transport (the
# boot argument fs=xpc|endpoint|channel), on --timing=rocket: operations per million cycles,
# latencies, and the share of the run phase's cycles spent in IPC (xpcsim's phase profiler with
# ipcmap.sh's map, windowed on ycsb's run phase). docs/experiments.md, "E6".
#   e6.sh        writes $RESULTS/e6.txt, e6.csv, e6.png (and each run's log and stats JSON)
# RECORDS, OPERATIONS (default 1000, 500), WORKLOADS, TRANSPORTS and JOBS (runs at once,
# default 2) from the environment.
. "$(dirname "$0")/lib.sh"
KERNEL=${KERNEL:-$BUILD/kernel/kernel.elf}
YCSB_ELF=${YCSB_ELF:-$BUILD/user/ycsb.elf}
FSD_ELF=${FSD_ELF:-$BUILD/user/fsd.elf}
RECORDS=${RECORDS:-1000}
OPERATIONS=${OPERATIONS:-500}
WORKLOADS=${WORKLOADS:-a b c d e f}
TRANSPORTS=${TRANSPORTS:-xpc endpoint channel}
JOBS=${JOBS:-2}
IPCMAP=${IPCMAP:-$EXPDIR/ipcmap.sh}
NM=${NM:-riscv64-unknown-elf-nm}
need "$XPCSIM" "make -C sim"
need "$KERNEL" "make -C kernel"
need "$YCSB_ELF" "make -C user"
need "$FSD_ELF" "make -C user"
command -v python3 >/dev/null 2>&1 || die "python3 is missing (it reads xpcsim's --stats-json)"
txt=$RESULTS/e6.txt csv=$RESULTS/e6.csv dat=$RESULTS/e6.dat map=$RESULTS/e6.map
runs=$RESULTS/e6-runs
mkdir -p "$runs"

"$IPCMAP" "$KERNEL" "$YCSB_ELF" "$FSD_ELF" >"$map.new" || die "ipcmap.sh failed"
if cmp -s "$map.new" "$map"; then rm -f "$map.new"; else mv "$map.new" "$map"; fi
sym() { "$NM" "$YCSB_ELF" | awk -v s="$1" '$3 == s {print "0x" $1}'; }
start=${WINDOW_START:-$(sym ycsb_window_open)}
stop=${WINDOW_STOP:-$(sym ycsb_window_close)}
[ -n "$start" ] && [ -n "$stop" ] || die "no ycsb_window_open/close in $YCSB_ELF"

# One run: the database loaded (100 records per transaction: the load is not measured), then
# the operations, each its own transaction.
# A run whose log and profile are newer than the machine, the kernel and ycsb is reused (the
# model is deterministic: a rerun would print the same).
run_one() { # workload transport
    out=$runs/$1-$2
    if [ -s "$out.json" ] && grep -q '^YCSB run' "$out.log" 2>/dev/null &&
        [ "$out.json" -nt "$XPCSIM" ] && [ "$out.json" -nt "$KERNEL" ] &&
        [ "$out.json" -nt "$YCSB_ELF" ] && [ "$out.json" -nt "$map" ]; then
        echo "  $1 over $2: reused $out.log" >&2
        return 0
    fi
    timeout "$TIMEOUT" "$XPCSIM" --timing=rocket --phase-map "$map" --phase-start "$start" \
        --phase-stop "$stop" --stats-json "$out.json" -m 128M -bios "$FW" -kernel "$KERNEL" \
        -append "fs=$2 run=\"ycsb --workload $1 --records $RECORDS --operations $OPERATIONS --load-batch 100\"" \
        </dev/null 2>&1 | tr -d '\r' >"$out.log"
    echo "  $1 over $2: $(grep '^YCSB run' "$out.log" || echo FAILED)" >&2
}
echo "E6: $(echo $WORKLOADS | wc -w) workloads x $(echo $TRANSPORTS | wc -w) transports," \
    "$RECORDS records, $OPERATIONS operations each, $JOBS at once ..." >&2
for t in $TRANSPORTS; do for w in $WORKLOADS; do echo "$w $t"; done; done >"$runs/list"
n=0
while read -r w t; do
    run_one "$w" "$t" &
    n=$((n + 1))
    if [ "$n" -ge "$JOBS" ]; then
        wait
        n=0
    fi
done <"$runs/list"
wait

# Each run's figures: the driver's line, the integrity check, the profile's IPC share.
echo "workload,transport,ops,cycles,ops_per_mcycle,ipc_share" >"$csv"
for t in $TRANSPORTS; do
    for w in $WORKLOADS; do
        out=$runs/$w-$t
        line=$(grep "^YCSB run workload=$w " "$out.log") || die "$w over $t: no result (log: $out.log)"
        grep -qx 'ycsb: integrity_check: ok' "$out.log" || die "$w over $t: integrity_check not ok ($out.log)"
        ops=$(echo "$line" | sed 's/.* ops=\([0-9]*\).*/\1/')
        cycles=$(echo "$line" | sed 's/.* cycles=\([0-9]*\).*/\1/')
        share=$(python3 - "$out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if d.get("phase_windows") != 1:
    sys.exit("expected one window, got %s" % d.get("phase_windows"))
ipc = {"trap", "ipc", "switch", "restore", "copy", "transport"}
total = sum(p["cycles"] for p in d["phases"])
print("%.4f" % (sum(p["cycles"] for p in d["phases"] if p["name"] in ipc) / total))
PY
        ) || die "$w over $t: no phase profile ($out.json)"
        rate=$(awk -v o="$ops" -v c="$cycles" 'BEGIN {printf "%.3f", o * 1e6 / c}')
        echo "$w,$t,$ops,$cycles,$rate,$share" >>"$csv"
    done
done

field() { # workload transport column(4 cycles, 5 rate, 6 share)
    awk -F, -v w="$1" -v t="$2" -v c="$3" '$1 == w && $2 == t {print $c}' "$csv"
}
has_t() { echo " $TRANSPORTS " | grep -q " $1 "; }
: >"$dat"
{
    echo "E6: SQLite3 $(echo $WORKLOADS | tr 'a-f' 'A-F' | tr -d ' ') under YCSB over the file system server" \
        "($RECORDS records, $OPERATIONS operations; xpcsim --timing=rocket)"
    echo "  operations per million cycles, XPC's speed-up, and the share of cycles in IPC"
    printf '  %-8s' workload
    for t in $TRANSPORTS; do printf ' %10s' "$t"; done
    for t in $TRANSPORTS; do [ "$t" = xpc ] || printf ' %12s' "xpc/$t"; done
    for t in $TRANSPORTS; do printf ' %9s' "ipc:$t"; done
    echo
    for w in $WORKLOADS; do
        printf '  %-8s' "$(echo "$w" | tr a-f A-F)"
        printf '%s' "$w" >>"$dat"
        for t in $TRANSPORTS; do
            printf ' %10s' "$(field "$w" "$t" 5)"
            printf ' %s' "$(field "$w" "$t" 5)" >>"$dat"
        done
        echo >>"$dat"
        if has_t xpc; then
            for t in $TRANSPORTS; do
                [ "$t" = xpc ] && continue
                printf ' %11sx' "$(awk -v a="$(field "$w" "$t" 4)" -v b="$(field "$w" xpc 4)" \
                    'BEGIN {printf "%.2f", a / b}')"
            done
        fi
        for t in $TRANSPORTS; do
            printf ' %8s%%' "$(awk -v s="$(field "$w" "$t" 6)" 'BEGIN {printf "%.1f", s * 100}')"
        done
        echo
    done
    if has_t xpc; then
        for t in $TRANSPORTS; do
            [ "$t" = xpc ] && continue
            g=$(awk -F, -v t="$t" '$2 == t {c[$1] = $4} $2 == "xpc" {x[$1] = $4}
                END {for (w in x) if (w in c) {s += log(c[w] / x[w]); n++}
                     if (n) printf "%.2f", exp(s / n)}' "$csv")
            echo "  geometric mean of XPC's speed-up over $t: ${g}x (paper: $(paper E6 speedup)x over seL4)"
        done
    fi
    echo "  paper: SQLite3 spent $(paper E6 ipc_share) of its time in IPC on seL4"
    echo "  latency per operation (cycles, mean / 99th percentile):"
    for t in $TRANSPORTS; do
        for w in $WORKLOADS; do
            printf '    %-9s %s:' "$t" "$(echo "$w" | tr a-f A-F)"
            grep "^YCSB op workload=$w " "$runs/$w-$t.log" |
                sed 's/.* op=\([^ ]*\) count=\([0-9]*\) mean=\([0-9]*\) p99=\([0-9]*\)/ \1 \3 \/ \4;/' |
                tr -d '\n'
            echo
        done
    done
    echo "  where the run phase's cycles go (all workloads together, % of cycles):"
    for t in $TRANSPORTS; do
        printf '    %-9s' "$t"
        python3 - $(for w in $WORKLOADS; do echo "$runs/$w-$t.json"; done) <<'PY'
import json, sys
tot = {}
for f in sys.argv[1:]:
    for p in json.load(open(f))["phases"]:
        tot[p["name"]] = tot.get(p["name"], 0) + p["cycles"]
all_ = sum(tot.values())
print(" ".join("%s %.1f" % (k, 100.0 * v / all_) for k, v in tot.items() if k != "caller"))
PY
    done
    xpc_mode_note "$runs/$(echo $WORKLOADS | cut -d' ' -f1)-$(echo $TRANSPORTS | cut -d' ' -f1).log"
} | tee "$txt"

cols=""
i=2
for t in $TRANSPORTS; do
    if [ -z "$cols" ]; then
        cols="'$dat' using $i:xtic(1) title '$t'"
    else
        cols="$cols, '' using $i title '$t'"
    fi
    i=$((i + 1))
done
plot "set terminal $(png_terminal)
set output '$RESULTS/e6.png'
set title 'E6: SQLite3 under YCSB over the file system server (higher is better)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'operations per million cycles'
set logscale y
set key top left
set grid ytics
plot $cols"
echo "wrote $txt $csv $RESULTS/e6.png"
