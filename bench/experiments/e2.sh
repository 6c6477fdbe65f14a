#!/bin/sh
# E2: where the cycles of one IPC go. The seL4-style one-way call and reply are profiled by
# xpcsim's phase profiler (--phase-map from the kernel's symbols, phasemap.sh) between the
# benchmark's E2 stamps (e2_call_start -> e2_call_end, e2_reply_start -> e2_reply_end in
# user/bench/bench.c); XPC's one-way xcall and xret are split by the cycle model's engine counters
# (--stats-json of the bare-metal bench_xcall). docs/experiments.md, "E2".
#   e2.sh            writes $RESULTS/e2.txt, e2.csv, e2.png (and e2-asid.map, e2-flush.map: the
#                    phase maps used)
. "$(dirname "$0")/lib.sh"
need "$XPCSIM" "make -C sim"
need "$KERNEL_BENCH" "make -C kernel"
need "$USER_BENCH" "make -C kernel (it builds user/ first)"
NM=${NM:-riscv64-unknown-elf-nm}
txt=$RESULTS/e2.txt csv=$RESULTS/e2.csv dat=$RESULTS/e2.dat
PHASES="trap ipc switch restore copy user other"
# Two address-space switch modes: ASID-tagged, and a TLB flush on every switch (seL4 on RISC-V).
MODES=asid
[ -r "$KERNEL_BENCH_FLUSH" ] && MODES="asid flush"

sym() {
    a=$("$NM" "$USER_BENCH" | awk -v s="$1" '$3 == s {print "0x" $1}')
    [ -n "$a" ] || die "$USER_BENCH has no symbol $1 (an old bench without the E2 stamps?)"
    echo "$a"
}

elf_of() { if [ "$1" = flush ]; then echo "$KERNEL_BENCH_FLUSH"; else echo "$KERNEL_BENCH"; fi; }

# profile MODE OP START STOP -> $RESULTS/e2-MODE-OP.{log,json}
profile() {
    elf=$(elf_of "$1")
    echo "profiling the seL4-style $2, $1 mode ($3 -> $4) ..." >&2
    timeout "$TIMEOUT" "$XPCSIM" --timing=rocket -m 128M -bios "$FW" -kernel "$elf" \
        --phase-map "$RESULTS/e2-$1.map" --phase-start "$3" --phase-stop "$4" \
        --stats-json "$RESULTS/e2-$1-$2.json" </dev/null >"$RESULTS/e2-$1-$2.log" 2>&1 ||
        die "the profiled kernel benchmark failed (log: $RESULTS/e2-$1-$2.log)"
}

# phase JSON NAME -> "cycles instructions"
phase() {
    grep -o "{\"name\": \"$2\", \"cycles\": [0-9]*, \"instructions\": [0-9]*}" "$1" |
        sed 's/.*"cycles": \([0-9]*\), "instructions": \([0-9]*\)}/\1 \2/'
}

json_field() { # JSON KEY -> the number
    grep -o "\"$2\": [0-9]*" "$1" | head -1 | sed 's/.*: //'
}

# Call and reply of one mode at once (the machine has two cores; each run is the whole kernel
# benchmark), the modes one after the other.
cs=$(sym e2_call_start) ce=$(sym e2_call_end) rs=$(sym e2_reply_start) re=$(sym e2_reply_end)
for mode in $MODES; do
    "$EXPDIR/phasemap.sh" "$(elf_of $mode)" >"$RESULTS/e2-$mode.map"
    profile $mode call "$cs" "$ce" &
    call_job=$!
    profile $mode reply "$rs" "$re" || { wait "$call_job"; exit 1; }
    wait "$call_job" || exit 1
done
probes=$(sed -n 's/^E2 probe windows: \([0-9]*\) calls.*/\1/p' "$RESULTS/e2-asid-call.log")
[ -n "$probes" ] || die "the benchmark printed no 'E2 probe windows' line ($RESULTS/e2-asid-call.log)"
for mode in $MODES; do
    for w in call reply; do
        n=$(json_field "$RESULTS/e2-$mode-$w.json" phase_windows)
        [ "$n" = "$probes" ] || die "the $mode $w profile saw $n windows, the benchmark made" \
            "$probes (another program ran code at the stamps' addresses?)"
    done
done

per() { awk -v a="$1" -v n="$probes" 'BEGIN {printf "%.0f", a / n}'; }
measured() { # MODE SERIES
    [ -f "$RESULTS/e2-$1-call.log" ] || return 0
    result "$RESULTS/e2-$1-call.log" E2 "$2" 0 | cut -d' ' -f1
}

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
    echo "E2: where one seL4-style IPC's cycles go (cycles per one-way operation, mean over $probes"
    echo "    windows; xpcsim --timing=rocket --phase-map, maps from the kernels' symbols: $RESULTS/e2-*.map)"
    echo "    asid: ASID-tagged switches; flush: a TLB flush on every switch (seL4 on RISC-V)"
    F='  %-10s %8s %8s %8s %8s %8s   %s\n'
    printf "$F" phase "call" reply "call" reply "instr" "paper (seL4, RISC-V)"
    printf "$F" "" asid asid flush flush call ""
    for mode in asid flush; do eval "t_${mode}_call=0 t_${mode}_reply=0"; done
    for p in $PHASES; do
        for mode in asid flush; do
            for w in call reply; do
                j=$RESULTS/e2-$mode-$w.json
                c=- i=-
                case " $MODES " in *" $mode "*)
                    set -- $(phase "$j" $p)
                    c=$(per "$1") i=$(per "$2")
                    eval "t_${mode}_$w=\$((t_${mode}_$w + c))"
                    echo "E2,sel4_${w}_$mode,$p,$c,$i,$(paper E2 "$p")" >>"$csv"
                    ;;
                esac
                eval "${mode}_$w=$c ${mode}_${w}_i=$i"
                eval "${mode}_${w}_$p=$c"
            done
        done
        case $p in
        trap) pp="~$(paper E2 trap) (trap and restore together)" ;;
        ipc) pp="~$(paper E2 ipc)" ;;
        switch) pp="~$(paper E2 switch)" ;;
        copy) pp="$(paper E2 copy_4k) for a 4 KiB message (0 words here)" ;;
        *) pp="-" ;;
        esac
        printf "$F" "$p" "$asid_call" "$asid_reply" "$flush_call" "$flush_reply" "$asid_call_i" "$pp"
    done
    tr_() { # MODE OP
        eval "a=\${${1}_${2}_trap:-} b=\${${1}_${2}_restore:-}"
        if [ "$a" = - ] || [ -z "$a" ]; then echo -; else echo $((a + b)); fi
    }
    printf "$F" "trap+rest." "$(tr_ asid call)" "$(tr_ asid reply)" "$(tr_ flush call)" \
        "$(tr_ flush reply)" "" "~$(paper E2 trap)"
    tot() { case " $MODES " in *" $1 "*) eval "echo \$t_${1}_$2" ;; *) echo - ;; esac; }
    printf "$F" total "$(tot asid call)" "$(tot asid reply)" "$(tot flush call)" \
        "$(tot flush reply)" "" "$(paper E2 total)"
    printf "$F" rdcycle "$(measured asid sel4_call_measured)" "$(measured asid sel4_reply_measured)" \
        "$(measured flush sel4_call_measured)" "$(measured flush sel4_reply_measured)" "" \
        "(the stamps' own mean, warm-up excluded)"
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
    for mode in $MODES; do
        for w in call reply; do
            printf '"seL4-style %s (%s)"' "$w" "$mode"
            for p in $PHASES; do printf ' %s' "$(grep "^E2,sel4_${w}_$mode,$p," "$csv" | cut -d, -f4)"; done
            echo " 0 0 0 0 0"
        done
    done
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
