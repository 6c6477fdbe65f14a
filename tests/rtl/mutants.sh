#!/bin/sh
# Shows that the co-simulation can fail: each mutant is a copy of rtl/ with one deliberate bug
# (a wrong cause, a cycle too many, a broken LRU or cache tag, a comparator off by one, ...),
# built with 4 cache entries and run on the suite's stream; every mutant must be caught.
# Usage (from the Makefile): OUT=$BUILD/rtl mutants.sh    Prints "N passed, N failed".
#   ONLY="3 4"    run only those mutants
set -u
here=$(cd "$(dirname "$0")" && pwd)
rtl=$here/../../rtl
ops=${OPS:-20000}
pass=0 fail=0 i=0
mutant() { # file sed-expression description
    i=$((i + 1))
    case " ${ONLY:-$i} " in *" $i "*) ;; *) return ;; esac
    dir=$OUT/mutant-$i
    rm -rf "$dir"
    mkdir -p "$dir/rtl"
    cp "$rtl"/*.v "$rtl"/lint.vlt "$dir/rtl/"
    sed -i "$2" "$dir/rtl/$1"
    if cmp -s "$rtl/$1" "$dir/rtl/$1"; then
        fail=$((fail + 1))
        echo "FAIL  mutant $i ($3): the edit did not apply"
        return
    fi
    # -Wno-fatal: a mutant may leave a signal unused
    if ! make -s -C "$here" RTL="$dir/rtl" MODEL="$dir" VERILATOR_EXTRA=-Wno-fatal \
        VERILATOR_MAKEFLAGS="OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0" "$dir/cosim_c4" \
        >"$dir/build.log" 2>&1; then
        fail=$((fail + 1))
        echo "FAIL  mutant $i ($3): does not build (log: $dir/build.log)"
        return
    fi
    if "$dir/cosim_c4" --ops "$ops" --seed 1 >"$dir/run.log" 2>&1; then
        fail=$((fail + 1))
        echo "FAIL  mutant $i ($3): survived $ops operations"
    else
        pass=$((pass + 1))
        echo "PASS  mutant $i ($3) caught: $(grep -m1 'cosim: op' "$dir/run.log")"
    fi
}
mutant xpc_engine.v 's/retire(C_SEGMASK, r_id)/retire(C_OVERFLOW, r_id)/' \
    "xcall: a bad segment mask reported as link overflow"
mutant xpc_engine.v "s/(background_link ? 8'd0 : B_LINK)/(background_link ? 8'd1 : B_LINK)/" \
    "xcall: one cycle more than the model with the non-blocking link stack"
mutant xpc_engine.v 's/else if (!mask_fits)/else if (1 == 0)/' \
    "xcall: the segment-mask check left out"
mutant xpc_engine.v 's/given\[191:128\] == xseglen/1/' \
    "xret: the handed-back length not compared"
mutant xpc_cache.v 's/if (age\[i\] == N - 1)/if (age[i] == 0)/' \
    "cache: the most recently used line evicted instead of the least"
mutant xpc_cache.v 's/assign cap_hit   = hit \&\& tag_xcap\[m_index\] == xcap\[63:3\];/assign cap_hit = hit;/' \
    "cache: a cached cap bit trusted for another caller identity"
mutant xpc_seg_translate.v 's/below < size64/below <= size64/' \
    "segment: an access ending at the window base counted as straddling it"
mutant xpc_csrs.v "s/csr_priv == 2'd0) ? 64'd0 : value/csr_priv == 2'd1) ? 64'd0 : value/" \
    "CSRs: usegpa hidden from S-mode instead of U-mode"
mutant xpc_link_buffer.v "s/count <= probe_hit ? count - 1'b1 : {CW{1'b0}}/count <= count - 1'b1/" \
    "link buffer: a foreign xret does not empty it"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
