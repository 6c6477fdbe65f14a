#!/bin/sh
# E3: the engine's optimisations one by one: the x-entry cache, the non-blocking link stack and
# the ASID-tagged TLB, each switched off alone (ablation) and switched on one after another from
# none (the paper's optimisation steps), on the bare-metal one-way xcall/xret benchmark; plus the
# kernel-level XPC benchmark's RESULT E3 lines when it has run. docs/experiments.md, "E3".
#   e3.sh            writes $RESULTS/e3.txt, e3.csv, e3.png
. "$(dirname "$0")/lib.sh"
need "$XPCSIM" "make -C sim"
txt=$RESULTS/e3.txt csv=$RESULTS/e3.csv

CACHE_OFF=--xpc-cache=off
LINK_OFF=--xpc-nonblocking-link=off
ASID_OFF="--timing-param asid_tlb=0"

echo "exp,series,configuration,xcall,xret,paper" >"$csv"
line() { # series label flags...
    s=$1 l=$2
    shift 2
    set -- $(bench_xcall "$@")
    p=-
    [ "$s" = all_on ] && p=$(paper E3 xpc_all)
    printf '  %-48s %8s %8s   %s\n' "$l" "$1" "$2" "$p"
    echo "E3,$s,$l,$1,$2,$p" >>"$csv"
}
{
    echo "E3: XPC one-way xcall and xret (cycles, bare-metal bench_xcall, xpcsim --timing=rocket;"
    echo "    each figure includes one rdcycle)"
    printf '  %-48s %8s %8s   %s\n' configuration xcall xret paper
    echo "  ablation: one optimisation off"
    line all_on "all three on (the paper's engine)"
    line no_cache "engine cache off" $CACHE_OFF
    line no_nonblocking "non-blocking link stack off" $LINK_OFF
    line no_asid "ASID-tagged TLB off" $ASID_OFF
    echo "  steps: optimisations added one after another"
    line step0_none "none" $CACHE_OFF $LINK_OFF $ASID_OFF
    line step1_cache "+ engine cache" $LINK_OFF $ASID_OFF
    line step2_nonblocking "+ non-blocking link stack" $ASID_OFF
    line step3_asid "+ ASID-tagged TLB (all three)"

    log=$(kernel_bench_log)
    xpc_mode_note "$log"
    if grep -q '^RESULT E3 ' "$log"; then
        echo "  kernel level (the lead's XPC benchmark in kernel-bench.elf):"
        awk '$1 == "RESULT" && $2 == "E3" {
            printf "  %-48s %8s %8s   x=%s stddev=%s\n", $3, $5, "", $4, $6 }' "$log"
        awk '$1 == "RESULT" && $2 == "E3" {print "E3,kernel_" $3 "," $4 "," $5 ",," "-"}' "$log" >>"$csv"
    else
        echo "  kernel level: not measured (kernel-bench.elf printed no RESULT E3 lines)"
    fi
    echo "  paper: $(paper E3 xpc_all) cycles one-way with all three ($(paper_note E3 xpc_all))"
} | tee "$txt"

awk -F, 'NR > 1 && $2 !~ /^kernel_/ {print}' "$csv" >"$RESULTS/e3.dat"
plot "set terminal $(png_terminal)
set output '$RESULTS/e3.png'
set title 'E3: XPC one-way latency under each engine configuration'
set datafile separator ','
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'cycles'
set yrange [0:*]
set xtics rotate by -30
set key top left
plot '$RESULTS/e3.dat' using 4:xtic(3) title 'xcall', '' using 5 title 'xret'"
echo "wrote $txt $csv $RESULTS/e3.png"
