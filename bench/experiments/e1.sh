#!/bin/sh
# E1: one-way call and return latency, and round trip, in cycles on the Rocket-like model:
# the seL4-style fastpath, the Zircon-style channel, and XPC (docs/experiments.md). The baselines
# run twice: with ASID-tagged address-space switches, and flushing the TLB on every switch as
# seL4 does on RISC-V (kernel-bench-flush.elf, when it has been built).
#   e1.sh            writes $RESULTS/e1.txt, e1.csv, e1.png (RESULTS defaults to build/results)
. "$(dirname "$0")/lib.sh"
log=$(kernel_bench_log)
flog=
if [ -r "$KERNEL_BENCH_FLUSH" ]; then
    flog=$(kernel_bench_log "$KERNEL_BENCH_FLUSH")
else
    echo "(no $KERNEL_BENCH_FLUSH: the flush-on-switch rows are left out)" >&2
fi
txt=$RESULTS/e1.txt csv=$RESULTS/e1.csv

# The engine alone (bare metal, no kernel), the reference for the XPC rows when the kernel-level
# XPC benchmark has not run on the engine.
set -- $(bench_xcall)
bare_call=$1 bare_ret=$2

FMT='  %-46s %12s %8s   %s\n'
echo "exp,series,x,mean,stddev,paper" >"$csv"
row() { # log series csv-name label paper-key
    v=
    [ -n "$1" ] && v=$(result "$1" E1 "$2" 0)
    p=$(paper E1 "$5")
    if [ -n "$v" ]; then
        set -- "$1" "$2" "$3" "$4" "$5" $v
        printf "$FMT" "$4" "$6" "$7" "$p"
        echo "E1,$3,0,$6,$7,$p" >>"$csv"
    else
        printf "$FMT" "$4" "not measured" "" "$p"
    fi
}
ratio() { # label sel4-cycles xpc-cycles
    r=$(awk -v a="$2" -v b="$3" 'BEGIN {printf "%.1f", a / b}')
    v=$(awk -v r="$r" -v w="$(paper E1 speedup_wanted)" 'BEGIN {print (r >= w) ? "meets" : "BELOW"}')
    echo "    $1: $2 / $3 = ${r}x ($v the issue's >= $(paper E1 speedup_wanted)x)"
    echo "E1,ratio_$(echo "$1" | tr -c 'a-zA-Z0-9\n' _),0,$r,0,$(awk 'BEGIN {printf "%.1f", 664 / 21}')" >>"$csv"
}
{
    echo "E1: one-way call and return latency (cycles, xpcsim --timing=rocket; mean and stddev)"
    printf "$FMT" series ours stddev paper
    echo "  ASID-tagged address-space switches ($(basename "$KERNEL_BENCH")):"
    row "$log" sel4_call sel4_call "seL4-style call, one-way (fastpath)" sel4_oneway
    row "$log" sel4_reply sel4_reply "seL4-style reply_recv, one-way" sel4_u540_reply
    row "$log" sel4_roundtrip sel4_roundtrip "seL4-style call + reply round trip" none
    row "$log" channel_call channel_call "Zircon-style channel_call round trip" none
    row "$log" channel_oneway channel_oneway "Zircon-style channel, one-way (rt / 2)" none
    row "$log" xpc_call xpc_call "XPC xcall, one-way (kernel's x-entry)" xpc_oneway
    row "$log" xpc_ret xpc_ret "XPC xret, one-way (kernel's x-entry)" none
    row "$log" xpc_roundtrip xpc_roundtrip "XPC round trip (kernel's x-entry)" none
    row "$log" xpc_lib_call xpc_lib_call "XPC via libxpc: xpc_call to the handler" none
    row "$log" xpc_lib_ret xpc_lib_ret "XPC via libxpc: handler back to caller" none
    row "$log" xpc_lib_roundtrip xpc_lib_roundtrip "XPC via libxpc: null call round trip" none
    xpc_mode_note "$log"
    if [ -n "$flog" ]; then
        echo "  TLB flushed on every switch, as seL4 on RISC-V ($(basename "$KERNEL_BENCH_FLUSH")):"
        row "$flog" sel4_call sel4_call_flush "seL4-style call, one-way (fastpath)" sel4_oneway
        row "$flog" sel4_reply sel4_reply_flush "seL4-style reply_recv, one-way" sel4_u540_reply
        row "$flog" sel4_roundtrip sel4_roundtrip_flush "seL4-style call + reply round trip" none
        row "$flog" channel_call channel_call_flush "Zircon-style channel_call round trip" none
    fi
    echo "  the engine alone (bare-metal bench_xcall):"
    printf "$FMT" "XPC xcall, one-way" "$bare_call" 0 "$(paper E1 xpc_oneway)"
    printf "$FMT" "XPC xret, one-way" "$bare_ret" 0 "-"
    echo "E1,xpc_call_baremetal,0,$bare_call,0,$(paper E1 xpc_oneway)" >>"$csv"
    echo "E1,xpc_ret_baremetal,0,$bare_ret,0,-" >>"$csv"
    echo "  paper: seL4 on HiFive U540 (sel4bench): call $(paper E1 sel4_u540_call), reply" \
        "$(paper E1 sel4_u540_reply); seL4 fastpath on the paper's Rocket: $(paper E1 sel4_oneway)"

    xpc=$(result "$log" E1 xpc_call 0 | cut -d' ' -f1)
    which="the kernel-level xpc_call"
    if [ -z "$xpc" ]; then
        xpc=$bare_call
        which="the bare-metal xcall (the kernel-level XPC benchmark has not run)"
    elif xpc_emulated "$log"; then
        xpc=$bare_call
        which="the bare-metal xcall (the kernel emulated XPC)"
    fi
    echo "  ratio seL4-style one-way call / XPC one-way call ($which;" \
        "paper $(paper E1 sel4_oneway) / $(paper E1 xpc_oneway) = $(awk 'BEGIN {printf "%.1f", 664 / 21}')x):"
    s=$(result "$log" E1 sel4_call 0 | cut -d' ' -f1)
    [ -n "$s" ] && [ "${xpc:-0}" -gt 0 ] && ratio "ASID-tagged switches" "$s" "$xpc"
    s=
    [ -n "$flog" ] && s=$(result "$flog" E1 sel4_call 0 | cut -d' ' -f1)
    [ -n "$s" ] && [ "${xpc:-0}" -gt 0 ] && ratio "flush on every switch (seL4 on RISC-V)" "$s" "$xpc"
    true
} | tee "$txt"

# Bars: ours beside the paper's, log scale (the channel is two orders above XPC).
grep -v -e ratio -e '^exp' "$csv" >"$RESULTS/e1.dat"
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
plot '$RESULTS/e1.dat' using 4:xtic(2) title 'ours (xpcsim rocket)', \
     '' using (\$6 > 0 ? \$6 : 1/0) title 'paper'"
echo "wrote $txt $csv $RESULTS/e1.png"
