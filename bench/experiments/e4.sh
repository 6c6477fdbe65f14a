#!/bin/sh
# E4: round-trip latency against message size, 0 B to 1 MiB: the message goes to the server, the
# reply is empty. seL4-style endpoint (IPC-buffer chunks), Zircon-style channel (4 KiB chunks),
# shared memory (copy into a shared VMO, then one call), and XPC (relay segment) when the
# kernel-level XPC benchmark has run. docs/experiments.md, "E4".
#   e4.sh            writes $RESULTS/e4.txt, e4.csv, e4.png
. "$(dirname "$0")/lib.sh"
log=$(kernel_bench_log)
txt=$RESULTS/e4.txt csv=$RESULTS/e4.csv dat=$RESULTS/e4.dat
SERIES="sel4 channel sel4_shm xpc"
sizes=$(series_xs "$log" E4 sel4)
[ -n "$sizes" ] || die "no RESULT E4 sel4 lines in $log"

echo "exp,series,bytes,mean,stddev" >"$csv"
: >"$dat"
{
    echo "E4: round trip against message size (cycles, mean; xpcsim --timing=rocket)"
    printf '  %10s' bytes
    for s in $SERIES; do printf ' %12s' "$s"; done
    echo
    for b in $sizes; do
        printf '  %10s' "$b"
        printf '%s' "$b" >>"$dat"
        for s in $SERIES; do
            v=$(result "$log" E4 "$s" "$b")
            if [ -n "$v" ]; then
                set -- $v
                printf ' %12s' "$1"
                printf ' %s' "$1" >>"$dat"
                echo "E4,$s,$b,$1,$2" >>"$csv"
            else
                printf ' %12s' "-"
                printf ' NaN' >>"$dat"
            fi
        done
        echo
        echo >>"$dat"
    done
    grep -q '^E4,xpc,' "$csv" || echo "  xpc: not measured (kernel-bench.elf printed no RESULT E4 xpc lines)"
    s4=$(result "$log" E4 sel4 4096 | cut -d' ' -f1)
    s0=$(result "$log" E4 sel4 0 | cut -d' ' -f1)
    m4=$(result "$log" E4 sel4_shm 4096 | cut -d' ' -f1)
    m0=$(result "$log" E4 sel4_shm 0 | cut -d' ' -f1)
    if [ -n "$s4" ] && [ -n "$s0" ]; then
        echo "  4 KiB over the endpoint costs $((s4 - s0)) cycles more than 0 B (kernel copy in" \
            "IPC-buffer chunks plus the client's copy into its buffer); into shared memory" \
            "$((m4 - m0)) more"
    fi
    x0=$(result "$log" E4 xpc 0 | cut -d' ' -f1)
    x1=$(result "$log" E4 xpc 1048576 | cut -d' ' -f1)
    [ -n "$x0" ] && [ -n "$x1" ] && echo "  XPC: 0 B $x0, 1 MiB $x1 cycles"
    echo "  paper: copying a 4 KiB message costs ~$(paper E4 copy_4k) cycles; XPC stays flat" \
        "(the relay segment is handed over, nothing is copied)"
    xpc_mode_note "$log"
} | tee "$txt"

plot "set terminal $(png_terminal)
set output '$RESULTS/e4.png'
set title 'E4: round-trip latency against message size'
set logscale xy
set xrange [32:2097152]
set xlabel 'message bytes (0 B plotted at 32)'
set ylabel 'cycles'
set key top left
set grid
plot '$dat' using (\$1 > 0 ? \$1 : 32):2 with linespoints title 'sel4 (endpoint, chunked)', \
     '' using (\$1 > 0 ? \$1 : 32):3 with linespoints title 'channel (chunked)', \
     '' using (\$1 > 0 ? \$1 : 32):4 with linespoints title 'sel4_shm (copy + call)', \
     '' using (\$1 > 0 ? \$1 : 32):5 with linespoints title 'xpc (relay segment)'"
echo "wrote $txt $csv $RESULTS/e4.png"
