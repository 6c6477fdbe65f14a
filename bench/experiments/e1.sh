#!/bin/sh
# E1: one-way call and return latency, and round trip, in cycles on the Rocket-like model:
# the seL4-style fastpath, the Zircon-style channel, and XPC (docs/experiments.md).
#   e1.sh            writes $RESULTS/e1.txt, e1.csv, e1.png (RESULTS defaults to build/results)
. "$(dirname "$0")/lib.sh"
log=$(kernel_bench_log)
txt=$RESULTS/e1.txt csv=$RESULTS/e1.csv

# The engine alone (bare metal, no kernel), the reference for the XPC rows when the kernel-level
# XPC benchmark has not run.
set -- $(bench_xcall)
bare_call=$1 bare_ret=$2

echo "exp,series,x,mean,stddev,paper" >"$csv"
row() { # series label paper-key
    v=$(result "$log" E1 "$1" 0)
    p=$(paper E1 "$3")
    if [ -n "$v" ]; then
        set -- "$1" "$2" "$3" $v
        printf '  %-40s %10s %8s   %s\n' "$2" "$4" "$5" "$p"
        echo "E1,$1,0,$4,$5,$p" >>"$csv"
    else
        printf '  %-40s %10s %8s   %s\n' "$2" "not measured" "" "$p"
    fi
}
{
    echo "E1: one-way call and return latency (cycles, xpcsim --timing=rocket; mean and stddev)"
    printf '  %-40s %10s %8s   %s\n' "series" "ours" "stddev" "paper"
    row sel4_call "seL4-style call, one-way (fastpath)" sel4_oneway
    row sel4_reply "seL4-style reply_recv, one-way" sel4_u540_reply
    row sel4_roundtrip "seL4-style call + reply round trip" none
    row channel_call "Zircon-style channel_call round trip" none
    row channel_oneway "Zircon-style channel, one-way (rt / 2)" none
    row xpc_call "XPC xcall, one-way (kernel, libxpc)" xpc_oneway
    row xpc_ret "XPC xret, one-way (kernel, libxpc)" none
    row xpc_roundtrip "XPC round trip (kernel, libxpc)" none
    printf '  %-40s %10s %8s   %s\n' "XPC xcall, one-way (bare-metal engine)" "$bare_call" 0 \
        "$(paper E1 xpc_oneway)"
    printf '  %-40s %10s %8s   %s\n' "XPC xret, one-way (bare-metal engine)" "$bare_ret" 0 "-"
    echo "E1,xpc_call_baremetal,0,$bare_call,0,$(paper E1 xpc_oneway)" >>"$csv"
    echo "E1,xpc_ret_baremetal,0,$bare_ret,0,-" >>"$csv"
    echo "  paper: seL4 on HiFive U540 (sel4bench): call $(paper E1 sel4_u540_call), reply" \
        "$(paper E1 sel4_u540_reply); seL4 fastpath on the paper's Rocket: $(paper E1 sel4_oneway)"

    xpc_mode_note "$log"
    sel4=$(result "$log" E1 sel4_call 0 | cut -d' ' -f1)
    xpc=$(result "$log" E1 xpc_call 0 | cut -d' ' -f1)
    which="kernel-level xpc_call"
    if [ -z "$xpc" ]; then
        xpc=$bare_call
        which="bare-metal xcall (the kernel-level XPC benchmark has not run)"
    elif xpc_emulated "$log"; then
        xpc=$bare_call
        which="bare-metal xcall (the kernel emulated XPC)"
    fi
    want=$(paper E1 speedup_wanted)
    if [ -n "$sel4" ] && [ -n "$xpc" ] && [ "$xpc" -gt 0 ]; then
        ratio=$(awk -v a="$sel4" -v b="$xpc" 'BEGIN {printf "%.1f", a / b}')
        verdict=$(awk -v r="$ratio" -v w="$want" 'BEGIN {print (r >= w) ? "meets" : "BELOW"}')
        echo "  ratio seL4-style one-way call / XPC one-way call: $sel4 / $xpc = ${ratio}x" \
            "($which; paper $(paper E1 sel4_oneway) / $(paper E1 xpc_oneway) =" \
            "$(awk 'BEGIN {printf "%.1f", 664 / 21}')x; issue 5 wants >= ${want}x: $verdict)"
        echo "E1,ratio_sel4_call_over_xpc_call,0,$ratio,0,$(awk 'BEGIN {printf "%.1f", 664 / 21}')" >>"$csv"
    else
        echo "  ratio seL4-style one-way call / XPC one-way call: not measured"
    fi
} | tee "$txt"

# Bars: ours beside the paper's, log scale (the channel is two orders above XPC).
plot "set terminal $(png_terminal)
set output '$RESULTS/e1.png'
set title 'E1: one-way IPC latency (cycles, log scale)'
set datafile separator ','
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [1:*]
set ylabel 'cycles'
set xtics rotate by -30
set key top right
plot '< grep -v -e ratio -e ^exp $csv' using 4:xtic(2) title 'ours (xpcsim rocket)', \
     '' using (\$6 > 0 ? \$6 : 1/0) title 'paper'"
echo "wrote $txt $csv $RESULTS/e1.png"
