#!/bin/sh
# E9: the engine's hardware cost. Synthesizes rtl/ (the Verilog engine, co-simulated against
# sim/xpc by tests/rtl) with yosys for engine cache sizes 0, 4, 16 and 64, for a 7-series FPGA
# (synth_xilinx) and a generic 4-input-LUT target, and sets the 7-series figures beside a 64-bit
# Rocket system's published utilisation on a 7-series part. docs/rtl.md, "Cost"; slow (minutes).
#   e9.sh            writes $RESULTS/e9.txt and e9.csv (cache_entries,luts,ffs,brams,logic_levels)
#   SIZES="0 4"      other cache sizes;  SYNTH=script  another synthesis runner (the self-test's)
#   JOBS=2           synthesize that many sizes at once (default 1)
. "$(dirname "$0")/lib.sh"
SYNTH=${SYNTH:-$ROOT/rtl/synth.sh}
SIZES=${SIZES:-0 4 16 64}
command -v yosys >/dev/null 2>&1 || [ -n "${SYNTH_STANDIN:-}" ] ||
    die "missing yosys (apt-get install yosys=0.23-6)"
txt=$RESULTS/e9.txt csv=$RESULTS/e9.csv

# The reference core: LiteX's 64-bit RocketChip integration (ExampleRocketSystem: the Rocket core,
# its L1 caches and buses, no FPU), placed by Vivado on a Xilinx 7-series part; enjoy-digital/litex
# pull request 186 (2019), resource table of the CPU alone. docs/rtl.md cites it.
ROCKET_LUTS=10384 ROCKET_FFS=4175 ROCKET_BRAMS=3 # 1 RAMB36 + 4 RAMB18

JOBS=${JOBS:-1}
export BUILD SYNTH RESULTS
printf '%s\n' $SIZES | xargs -P "$JOBS" -I{} sh -c '"$SYNTH" {} >"$RESULTS/e9-{}.lines"' ||
    die "synthesis failed"
lines=$(for n in $SIZES; do cat "$RESULTS/e9-$n.lines"; done)
for n in $SIZES; do rm -f "$RESULTS/e9-$n.lines"; done
echo "cache_entries,luts,ffs,brams,logic_levels" >"$csv"
echo "$lines" | awk '$1 == "xilinx7" {print $2 "," $3 "," $4 "," $5 "," $6}' >>"$csv"
[ "$(wc -l <"$csv")" -gt 1 ] || die "no 7-series figures from $SYNTH"

pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f%%", 100 * a / b}'; }
{
    echo "E9: XPC engine hardware cost (yosys 0.23: rtl/ synthesized, cache sizes in x-entries)"
    echo "  7-series FPGA (synth_xilinx): LUTs (incl. LUTs as RAM), flip-flops, block RAM (RAMB36),"
    echo "  logic levels (longest flip-flop to flip-flop path, cells), and share of a Rocket system"
    printf '  %7s %7s %7s %6s %7s   %10s %10s\n' cache LUTs FFs BRAM levels "% LUTs" "% FFs"
    echo "$lines" | while read -r target n luts ffs brams lev; do
        [ "$target" = xilinx7 ] || continue
        printf '  %7s %7s %7s %6s %7s   %10s %10s\n' "$n" "$luts" "$ffs" "$brams" "$lev" \
            "$(pct "$luts" $ROCKET_LUTS)" "$(pct "$ffs" $ROCKET_FFS)"
    done
    echo "  generic 4-input LUTs (synth; abc -lut 4):"
    printf '  %7s %7s %7s %6s %7s\n' cache LUT4s FFs BRAM levels
    echo "$lines" | while read -r target n luts ffs brams lev; do
        [ "$target" = lut4 ] || continue
        printf '  %7s %7s %7s %6s %7s\n' "$n" "$luts" "$ffs" "$brams" "$lev"
    done
    echo "  Rocket (64-bit, no FPU, with L1 caches; LiteX PR 186, Vivado, 7-series):" \
        "$ROCKET_LUTS LUTs, $ROCKET_FFS FFs, $ROCKET_BRAMS RAMB36"
    echo "  paper: $(paper_note E9 core_share)"
} | tee "$txt"
