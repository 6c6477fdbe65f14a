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

echo "exp,series,configuration,xcall,xret,kernel_xcall,kernel_xret,paper" >"$csv"
# The same configuration through the kernel: kernel-bench.elf's xpcbench, one boot each.
kernel_xcall() { # flags... -> "xcall xret" (or "- -" when the kernel emulated XPC)
    out=$(timeout "$TIMEOUT" "$XPCSIM" --timing=rocket "$@" -m 128M -bios "$FW" \
        -kernel "$KERNEL_BENCH" </dev/null 2>&1 | grep '^RESULT E1 xpc_\|^xpcbench:' || true)
    if [ -z "$out" ] || echo "$out" | grep -q 'emulated'; then
        echo "- -" # not measured: no XPC lines, or no engine
        return
    fi
    c=$(echo "$out" | awk '$3 == "xpc_call" {print $5}')
    r=$(echo "$out" | awk '$3 == "xpc_ret" {print $5}')
    echo "${c:--} ${r:--}"
}
line() { # series label flags...
    s=$1 l=$2
    shift 2
    set -- $(bench_xcall "$@") $(kernel_xcall "$@")
    p=-
    [ "$s" = all_on ] && p=$(paper E3 xpc_all)
    printf '  %-40s %8s %8s %8s %8s   %s\n' "$l" "$1" "$2" "$3" "$4" "$p"
    echo "E3,$s,$l,$1,$2,$3,$4,$p" >>"$csv"
}
{
    echo "E3: XPC one-way xcall and xret (cycles, xpcsim --timing=rocket; each figure includes one"
    echo "    rdcycle): bare-metal bench_xcall, and through the kernel (xpcbench's bare x-entry)"
    printf '  %-40s %8s %8s %8s %8s   %s\n' configuration xcall xret "k.xcall" "k.xret" paper
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
