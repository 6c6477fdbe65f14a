#!/bin/sh
# E5: a chain of 1-8 server processes handing one 4 KiB message along (each forwards it to the
# next with seL4-style calls and replies back), round-trip total against the chain length; and
# XPC's chain (relay segment handed along) when the kernel-level XPC benchmark has run.
# docs/experiments.md, "E5".
#   e5.sh            writes $RESULTS/e5.txt, e5.csv, e5.png
. "$(dirname "$0")/lib.sh"
log=$(kernel_bench_log)
txt=$RESULTS/e5.txt csv=$RESULTS/e5.csv dat=$RESULTS/e5.dat
lengths=$(series_xs "$log" E5 sel4_chain)
[ -n "$lengths" ] || die "no RESULT E5 sel4_chain lines in $log"

echo "exp,series,chain_length,mean,stddev" >"$csv"
: >"$dat"
{
    echo "E5: chain of N servers, one 4 KiB message handed along (round trip, cycles, mean)"
    printf '  %6s %12s %12s %12s %12s\n' N sel4_chain per_server xpc_chain per_server
    prev_s= prev_x=
    for n in $lengths; do
        set -- $(result "$log" E5 sel4_chain "$n")
        s=$1
        echo "E5,sel4_chain,$n,$1,$2" >>"$csv"
        x=$(result "$log" E5 xpc_chain "$n")
        if [ -n "$x" ]; then
            set -- $x
            x=$1
            echo "E5,xpc_chain,$n,$1,$2" >>"$csv"
        fi
        ds=${prev_s:+$((s - prev_s))}
        dx=
        [ -n "$x" ] && [ -n "$prev_x" ] && dx=$((x - prev_x))
        printf '  %6s %12s %12s %12s %12s\n' "$n" "$s" "${ds:--}" "${x:-not measured}" "${dx:--}"
        echo "$n $s ${x:-NaN}" >>"$dat"
        prev_s=$s prev_x=$x
    done
    echo "  (per_server: what one more server in the chain adds)"
    echo "  paper: XPC's latency does not depend on the chain length (the relay segment is handed" \
        "along, nothing is copied); a copying IPC pays each hop's copy"
    xpc_mode_note "$log"
} | tee "$txt"

plot "set terminal $(png_terminal)
set output '$RESULTS/e5.png'
set title 'E5: chain of servers, one 4 KiB message (round trip)'
set xlabel 'servers in the chain'
set ylabel 'cycles'
set xrange [0.5:8.5]
set yrange [0:*]
set key top left
set grid
plot '$dat' using 1:2 with linespoints title 'seL4-style call chain (copies)', \
     '' using 1:3 with linespoints title 'XPC chain (relay segment)'"
echo "wrote $txt $csv $RESULTS/e5.png"
