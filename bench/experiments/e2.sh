#!/bin/sh
# E2: where the cycles of one IPC go. The seL4-style one-way call and reply are profiled by
# xpcsim's phase profiler (--phase-map from the kernel's symbols, phasemap.sh) between the
# benchmark's E2 stamps (e2_call_start -> e2_call_end, e2_reply_start -> e2_reply_end in
# user/bench/bench.c); XPC's one-way xcall and xret are split by the cycle model's engine counters
# (--stats-json of the bare-metal bench_xcall). docs/experiments.md, "E2".
#   e2.sh            writes $RESULTS/e2.txt, e2.csv, e2.png (and e2.map, the phase map used)
. "$(dirname "$0")/lib.sh"
need "$XPCSIM" "make -C sim"
need "$KERNEL_BENCH" "make -C kernel"
need "$USER_BENCH" "make -C kernel (it builds user/ first)"
NM=${NM:-riscv64-unknown-elf-nm}
txt=$RESULTS/e2.txt csv=$RESULTS/e2.csv dat=$RESULTS/e2.dat map=$RESULTS/e2.map
"$EXPDIR/phasemap.sh" "$KERNEL_BENCH" >"$map"
PHASES="trap ipc switch restore copy user other"

sym() {
    a=$("$NM" "$USER_BENCH" | awk -v s="$1" '$3 == s {print "0x" $1}')
    [ -n "$a" ] || die "$USER_BENCH has no symbol $1 (an old bench without the E2 stamps?)"
    echo "$a"
}

# profile NAME START STOP -> writes $RESULTS/e2-NAME.{log,json}
profile() {
    echo "profiling the seL4-style $1 ($2 -> $3) ..." >&2
    timeout "$TIMEOUT" "$XPCSIM" --timing=rocket -m 128M -bios "$FW" -kernel "$KERNEL_BENCH" \
        --phase-map "$map" --phase-start "$2" --phase-stop "$3" \
        --stats-json "$RESULTS/e2-$1.json" </dev/null >"$RESULTS/e2-$1.log" 2>&1 ||
        die "the profiled kernel benchmark failed (log: $RESULTS/e2-$1.log)"
}

# phase JSON NAME -> "cycles instructions"
phase() {
    grep -o "{\"name\": \"$2\", \"cycles\": [0-9]*, \"instructions\": [0-9]*}" "$1" |
        sed 's/.*"cycles": \([0-9]*\), "instructions": \([0-9]*\)}/\1 \2/'
}

json_field() { # JSON KEY -> the number
    grep -o "\"$2\": [0-9]*" "$1" | head -1 | sed 's/.*: //'
}

# The two profiles at once (the machine has two cores; each run is the whole kernel benchmark).
cs=$(sym e2_call_start) ce=$(sym e2_call_end) rs=$(sym e2_reply_start) re=$(sym e2_reply_end)
profile call "$cs" "$ce" &
call_job=$!
profile reply "$rs" "$re" || { wait "$call_job"; exit 1; }
wait "$call_job" || exit 1
probes=$(sed -n 's/^E2 probe windows: \([0-9]*\) calls.*/\1/p' "$RESULTS/e2-call.log")
[ -n "$probes" ] || die "the benchmark printed no 'E2 probe windows' line ($RESULTS/e2-call.log)"
for w in call reply; do
    n=$(json_field "$RESULTS/e2-$w.json" phase_windows)
    [ "$n" = "$probes" ] || die "the $w profile saw $n windows, the benchmark made $probes" \
        "(another program ran code at the stamps' addresses?)"
done

per() { awk -v a="$1" -v n="$probes" 'BEGIN {printf "%.0f", a / n}'; }
measured() { result "$RESULTS/e2-call.log" E2 "$1" 0 | cut -d' ' -f1; }

# XPC: the engine's split of one xcall and one xret, averaged over the run's calls.
need "$BENCH_XCALL" "make -C tests/xpc"
timeout 30 "$XPCSIM" --timing=rocket -m 128M -bios "$BENCH_XCALL" --stats-json "$RESULTS/e2-xpc.json" \
    </dev/null >"$RESULTS/e2-xpc.log" 2>&1 || die "bench_xcall failed ($RESULTS/e2-xpc.log)"
xj=$RESULTS/e2-xpc.json
xcalls=$(json_field "$xj" xcalls)
[ "${xcalls:-0}" -gt 0 ] || die "bench_xcall made no xcall"
xper() { awk -v a="$(json_field "$xj" "$1")" -v n="$xcalls" 'BEGIN {printf "%.1f", a / n}'; }
x_oneway=$(sed -n 's/^BENCH xpc_xcall_oneway .* mean=\([0-9]*\) .*/\1/p' "$RESULTS/e2-xpc.log")
r_oneway=$(sed -n 's/^BENCH xpc_xret_oneway .* mean=\([0-9]*\) .*/\1/p' "$RESULTS/e2-xpc.log")

echo "exp,operation,phase,cycles_per_op,instructions_per_op,paper" >"$csv"
{
    echo "E2: where one seL4-style IPC's cycles go (per operation, mean over $probes windows;"
    echo "    xpcsim --timing=rocket --phase-map, map from the kernel's symbols: $map)"
    printf '  %-10s %10s %8s %10s %8s   %s\n' phase call instr reply instr "paper (seL4, RISC-V)"
    tc=0 tr=0
    for p in $PHASES; do
        set -- $(phase "$RESULTS/e2-call.json" $p) $(phase "$RESULTS/e2-reply.json" $p)
        c=$(per "$1") ci=$(per "$2") r=$(per "$3") ri=$(per "$4")
        tc=$((tc + c)) tr=$((tr + r))
        case $p in
        trap) pp="~$(paper E2 trap) (trap and restore together)" ;;
        ipc) pp="~$(paper E2 ipc)" ;;
        switch) pp="~$(paper E2 switch)" ;;
        copy) pp="$(paper E2 copy_4k) for a 4 KiB message (0 words here)" ;;
        *) pp="-" ;;
        esac
        printf '  %-10s %10s %8s %10s %8s   %s\n' "$p" "$c" "$ci" "$r" "$ri" "$pp"
        echo "E2,sel4_call,$p,$c,$ci,$(paper E2 "$p")" >>"$csv"
        echo "E2,sel4_reply,$p,$r,$ri,-" >>"$csv"
        eval "call_$p=$c reply_$p=$r"
    done
    printf '  %-10s %10s %8s %10s %8s   %s\n' "trap+rest." $((call_trap + call_restore)) "" \
        $((reply_trap + reply_restore)) "" "~$(paper E2 trap)"
    printf '  %-10s %10s %8s %10s %8s   %s\n' total "$tc" "" "$tr" "" "$(paper E2 total)"
    printf '  %-10s %10s %8s %10s %8s   %s\n' "rdcycle" "$(measured sel4_call_measured)" "" \
        "$(measured sel4_reply_measured)" "" "(the benchmark's own stamps, warm-up excluded)"
    echo
    echo "XPC: one-way xcall and xret split by the engine's cycle counters (bare-metal bench_xcall,"
    echo "     mean over its $xcalls calls; the one-way figures include one rdcycle)"
    printf '  %-26s %8s %8s\n' part xcall xret
    printf '  %-26s %8s %8s\n' "cap check" "$(xper xcall_cap)" -
    printf '  %-26s %8s %8s\n' "x-entry load" "$(xper xcall_entry)" -
    printf '  %-26s %8s %8s\n' "link stack push / pop" "$(xper xcall_link)" "$(xper xret_link)"
    printf '  %-26s %8s %8s\n' "satp switch (redirect)" "$(xper xcall_switch)" "$(xper xret_switch)"
    printf '  %-26s %8s %8s\n' "engine (fixed work)" "$(xper xcall_engine)" "$(xper xret_engine)"
    xe=$(awk -v a="$(xper xcall_cap)" -v b="$(xper xcall_entry)" -v c="$(xper xcall_link)" \
        -v d="$(xper xcall_switch)" -v e="$(xper xcall_engine)" 'BEGIN {print a + b + c + d + e}')
    re=$(awk -v c="$(xper xret_link)" -v d="$(xper xret_switch)" -v e="$(xper xret_engine)" \
        'BEGIN {print c + d + e}')
    xo=$(awk -v t="$x_oneway" -v e="$xe" 'BEGIN {printf "%.1f", t - e}')
    ro=$(awk -v t="$r_oneway" -v e="$re" 'BEGIN {printf "%.1f", t - e}')
    printf '  %-26s %8s %8s\n' "other (issue, rdcycle)" "$xo" "$ro"
    printf '  %-26s %8s %8s   paper: %s\n' "one-way total" "$x_oneway" "$r_oneway" "$(paper E1 xpc_oneway)"
    for k in cap entry link switch engine; do
        echo "E2,xpc_xcall,$k,$(xper xcall_$k),,-" >>"$csv"
    done
    echo "E2,xpc_xcall,other,$xo,,-" >>"$csv"
    echo "E2,xpc_xcall,total,$x_oneway,,$(paper E1 xpc_oneway)" >>"$csv"
} | tee "$txt"

# Stacked bars: one per operation, one colour per phase.
{
    echo "bar trap ipc switch restore copy user other xpc_cap xpc_entry xpc_link xpc_switch xpc_engine"
    printf '"seL4-style call"'
    for p in $PHASES; do printf ' %s' "$(grep "^E2,sel4_call,$p," "$csv" | cut -d, -f4)"; done
    echo " 0 0 0 0 0"
    printf '"seL4-style reply"'
    for p in $PHASES; do printf ' %s' "$(grep "^E2,sel4_reply,$p," "$csv" | cut -d, -f4)"; done
    echo " 0 0 0 0 0"
    # The paper's total less its trap and logic leaves 164 for the switch (its ~150-200).
    echo "\"seL4 (paper)\" $(paper E2 trap) $(paper E2 ipc) $(($(paper E2 total) - $(paper E2 trap) - $(paper E2 ipc))) 0 0 0 0 0 0 0 0 0"
    echo "\"XPC xcall\" 0 0 0 0 0 0 $(grep '^E2,xpc_xcall,other,' "$csv" | cut -d, -f4) $(for k in cap entry link switch engine; do printf '%s ' "$(grep "^E2,xpc_xcall,$k," "$csv" | cut -d, -f4)"; done)"
} >"$dat"
plot "set terminal $(png_terminal)
set output '$RESULTS/e2.png'
set title 'E2: cycles of one one-way IPC by phase'
set style data histogram
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.6
set ylabel 'cycles'
set key outside right
set xtics rotate by -20
set linetype 1 lc rgb '#e41a1c'
set linetype 2 lc rgb '#377eb8'
set linetype 3 lc rgb '#4daf4a'
set linetype 4 lc rgb '#984ea3'
set linetype 5 lc rgb '#ff7f00'
set linetype 6 lc rgb '#a6cee3'
set linetype 7 lc rgb '#999999'
set linetype 8 lc rgb '#000000'
set linetype 9 lc rgb '#f781bf'
set linetype 10 lc rgb '#a65628'
set linetype 11 lc rgb '#ffff33'
set linetype 12 lc rgb '#1b9e77'
plot for [i=2:13] '$dat' using i:xtic(1) title columnheader(i)"
echo "wrote $txt $csv $RESULTS/e2.png"
