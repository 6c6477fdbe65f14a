#!/bin/sh
# Runs each workload on xpcsim, QEMU and the host; prints guest MIPS and the ratios.
# The guest instruction count is xpcsim's (the program is deterministic, so QEMU executes the same
# instructions); QEMU's and the host's times are wall-clock around the whole run.
set -eu
out=$1
xpcsim=$2
now() { date +%s.%N; }
printf "%-6s %12s %10s %10s %10s %10s %12s %12s %12s\n" workload instructions xpcsim_s qemu_s host_s \
    xpcsim_MIPS "xpcsim/qemu" "xpcsim/host" "rocket_MIPS"
for w in int mem fp; do
    expect=$("$out/$w.host" 2>"$out/$w.host.err")
    host_s=$(sed -n 's/^seconds //p' "$out/$w.host.err")
    got=$(timeout 300 "$xpcsim" --stats -bios "$out/$w.elf" </dev/null 2>"$out/$w.stats")
    [ "$got" = "$expect" ] || { echo "xpcsim result $got != host $expect" >&2; exit 1; }
    insns=$(sed -n 's/^ *instructions  *//p' "$out/$w.stats")
    xs=$(sed -n 's/^host_seconds //p' "$out/$w.stats")
    t0=$(now)
    got=$(timeout 300 qemu-system-riscv64 -machine virt -nographic -m 128M -bios "$out/$w.elf" </dev/null)
    t1=$(now)
    [ "$got" = "$expect" ] || { echo "qemu result $got != host $expect" >&2; exit 1; }
    qs=$(echo "$t1 $t0" | awk '{printf "%.3f", $1 - $2}')
    got=$(timeout 300 "$xpcsim" --timing=rocket --stats -bios "$out/$w.elf" </dev/null 2>"$out/$w.rocket")
    [ "$got" = "$expect" ] || { echo "xpcsim --timing=rocket result $got != host $expect" >&2; exit 1; }
    rs=$(sed -n 's/^host_seconds //p' "$out/$w.rocket")
    echo "$w $insns $xs $qs $host_s $rs" | awk '{printf "%-6s %12d %10.3f %10.3f %10.3f %10.1f %12.2f %12.1f %12.1f\n",
        $1, $2, $3, $4, $5, $2 / $3 / 1e6, $4 / $3, $3 / $5, $2 / $6 / 1e6}'
done
echo "(xpcsim/qemu > 1: xpcsim is faster; xpcsim/host: how many times slower than native;"
echo " rocket_MIPS: xpcsim with the cycle model on; QEMU's time includes its start-up)"
