#!/bin/sh
# Runs the co-simulation suite: yosys must elaborate the engine, and each cache size's random
# stream must end with 0 mismatches. Counts operations; the last line is "N passed, N failed".
# Environment (set by the Makefile): OUT CACHES OPS SEED RTL.
set -u
pass=0 fail=0
if (cd "$OUT" && yosys -q -p "read_verilog -I$OUT $RTL/xpc_engine.v $RTL/xpc_csrs.v \
    $RTL/xpc_cache.v $RTL/xpc_seg_translate.v $RTL/xpc_link_buffer.v; \
    chparam -set CACHE_ENTRIES 4 xpc_engine; hierarchy -check -top xpc_engine; proc; check -assert") \
    >"$OUT/yosys-elaborate.log" 2>&1; then
    pass=$((pass + 1))
    echo "PASS  yosys elaborates xpc_engine (4 cache entries)"
else
    fail=$((fail + 1))
    echo "FAIL  yosys elaborates xpc_engine (log: $OUT/yosys-elaborate.log)"
fi
set -- $OPS
for c in $CACHES; do
    n=$1
    shift
    out=$("$OUT/cosim_c$c" --ops "$n" --seed "$SEED" 2>&1)
    rc=$?
    echo "$out" | grep -v ' passed, ' 
    p=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    [ -z "$p" ] && { p=0; f=1; }
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    pass=$((pass + p))
    fail=$((fail + f))
    [ "$f" -ne 0 ] && echo "FAIL  cache $c: rerun with: $OUT/cosim_c$c --ops $n --seed $SEED"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
