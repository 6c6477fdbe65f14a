#!/bin/sh
# Deterministic cycle assertions for XPC on the Rocket-like model, and the ablation table:
# one-way xcall and xret cycles (bench_xcall, which subtracts nothing: each figure includes one
# rdcycle) with each of the engine's three optimisations switched off in turn.
#   cycles.sh XPCSIM BENCH_ELF
set -u
xpcsim=$1
elf=$2

measure() { # flags... -> "xcall xret"
    out=$(timeout 30 "$xpcsim" --timing=rocket "$@" -m 128M -bios "$elf" </dev/null 2>&1)
    x=$(echo "$out" | sed -n 's/^BENCH xpc_xcall_oneway .* mean=\([0-9]*\) .*/\1/p')
    r=$(echo "$out" | sed -n 's/^BENCH xpc_xret_oneway .* mean=\([0-9]*\) .*/\1/p')
    echo "${x:-missing} ${r:-missing}"
}

. "$(dirname "$0")/check.sh"

set -- $(measure)
all_x=$1 all_r=$2
set -- $(measure --xpc-cache=off)
nocache_x=$1 nocache_r=$2
set -- $(measure --xpc-nonblocking-link=off)
block_x=$1 block_r=$2
set -- $(measure --timing-param asid_tlb=0)
noasid_x=$1 noasid_r=$2
set -- $(measure --xpc-cache=off --xpc-nonblocking-link=off --timing-param asid_tlb=0)
none_x=$1 none_r=$2
set -- $(measure)
again_x=$1 again_r=$2

printf '%-44s %8s %8s\n' "configuration (--timing=rocket)" "xcall" "xret"
printf '%-44s %8s %8s\n' "all three optimisations (the paper's engine)" "$all_x" "$all_r"
printf '%-44s %8s %8s\n' "engine cache off" "$nocache_x" "$nocache_r"
printf '%-44s %8s %8s\n' "non-blocking link stack off" "$block_x" "$block_r"
printf '%-44s %8s %8s\n' "ASID-tagged TLB off" "$noasid_x" "$noasid_r"
printf '%-44s %8s %8s\n' "all three off" "$none_x" "$none_r"
printf '%-44s %8s %8s\n' "paper (ISCA 2019, Rocket on FPGA)" "21" "-"

check "one-way xcall with all optimisations is at most 25 cycles ($all_x)" [ "$all_x" -le 25 ]
check "the same run gives the same cycles ($all_x $all_r = $again_x $again_r)" \
    [ "$all_x" = "$again_x" -a "$all_r" = "$again_r" ]
check "engine cache off costs more ($nocache_x > $all_x)" [ "$nocache_x" -gt "$all_x" ]
check "blocking link stack costs more ($block_x > $all_x)" [ "$block_x" -gt "$all_x" ]
check "untagged TLB costs more on the call or the return ($noasid_x/$noasid_r vs $all_x/$all_r)" \
    [ $((noasid_x + noasid_r)) -gt $((all_x + all_r)) ]
check "all three off costs the most ($none_x)" \
    [ "$none_x" -ge "$nocache_x" -a "$none_x" -ge "$block_x" -a "$none_x" -ge "$noasid_x" ]
summary
