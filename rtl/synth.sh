#!/bin/sh
# Synthesizes the engine with yosys for each engine cache size given (default 0 4 16 64), for a
# 7-series FPGA (synth_xilinx, the paper's FPGA family) and for a generic 4-input-LUT target
# (synth; abc -lut 4), and prints one line per target and size:
#   <target> <cache_entries> <luts> <ffs> <brams> <logic_levels>
# LUTs count LUTs used as memory too (RAM32M/RAM64M are 4 LUTs, RAM32X1D/RAM64X1D 2), as a
# vendor report does; brams are RAMB18 halves counted as 0.5 of a RAMB36; logic levels are the
# longest path between flip-flops or ports in cells (yosys ltp, flip-flops and I/O buffers left
# out; on 7-series a CARRY4 and a MUXF7/F8 count as a level each, as in a vendor report). Logs go to $BUILD/rtl/synth-<target>-<size>.log.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$here/../build}
OUT=$BUILD/rtl
[ -r "$OUT/xpc_params.vh" ] || make -s -C "$here" BUILD="$BUILD" "$OUT/xpc_params.vh"
SRCS="$here/xpc_engine.v $here/xpc_csrs.v $here/xpc_cache.v $here/xpc_seg_translate.v $here/xpc_link_buffer.v"
[ $# -eq 0 ] && set -- 0 4 16 64

count() { # log cell-regex -> the sum of those cells' counts in yosys's last `stat`
    awk -v re="$2" '/Number of cells/ {delete n} $1 ~ "^" re "$" && NF == 2 {n[$1] = $2}
        END {s = 0; for (c in n) s += n[c]; print s}' "$1"
}
weighted() { # log -> LUTs used as distributed RAM, in LUTs
    awk '/Number of cells/ {delete n} NF == 2 && $1 ~ /^RAM(32M|64M|32X1D|64X1D|32X1S|64X1S|128X1D)$/ {n[$1] = $2}
        END {s = 0; for (c in n) {w = 1; if (c ~ /M$/) w = 4; else if (c ~ /X1D$/) w = 2; s += w * n[c]} print s}' "$1"
}
levels() { # log -> the longest path in cells
    sed -n 's/^Longest topological path in .* (length=\(-*[0-9]*\)).*/\1/p' "$1" | tail -n 1
}

for n in "$@"; do
    case "$n" in *[!0-9]* | '') echo "synth.sh: not a cache size: $n" >&2; exit 2 ;; esac
    log=$OUT/synth-xilinx-$n.log
    (cd "$OUT" && yosys -p "read_verilog -I$OUT $SRCS; chparam -set CACHE_ENTRIES $n xpc_engine;
        synth_xilinx -top xpc_engine -flatten -noiopad; stat;
        ltp -noff w:* t:* %u t:FD* t:BUFG %u %d") >"$log" 2>&1 ||
        { tail -5 "$log" >&2; echo "synth.sh: yosys failed (log: $log)" >&2; exit 1; }
    luts=$(($(count "$log" 'LUT[1-6]') + $(weighted "$log")))
    ffs=$(count "$log" 'FD[A-Z]*')
    b36=$(count "$log" 'RAMB36E1')
    b18=$(count "$log" 'RAMB18E1')
    brams=$(awk -v a="$b36" -v b="$b18" 'BEGIN {printf "%g", a + b / 2}')
    echo "xilinx7 $n $luts $ffs $brams $(levels "$log")"

    log=$OUT/synth-lut4-$n.log
    (cd "$OUT" && yosys -p "read_verilog -I$OUT $SRCS; chparam -set CACHE_ENTRIES $n xpc_engine;
        synth -top xpc_engine -flatten; memory_map; opt -full; abc -lut 4; opt_clean; stat;
        ltp -noff") >"$log" 2>&1 ||
        { tail -5 "$log" >&2; echo "synth.sh: yosys failed (log: $log)" >&2; exit 1; }
    echo "lut4 $n $(count "$log" '\$lut') $(count "$log" '\$_[A-Z]*DFF[A-Z0-9_]*_') 0 $(levels "$log")"
done
