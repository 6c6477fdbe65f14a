#!/bin/sh
# -d int: xpcsim's log of every trap, in QEMU's format, diffed against qemu-system-riscv64 -d int
# on each bare-metal ISA program. Two differences the privileged spec allows are evened out first,
# each where it can occur only: the cause of an access fault on an AMO (the spec: store/AMO; QEMU
# 7.2: load, for it reads first), on lines whose epc is an AMO or SC; and the tval of a breakpoint
# (the spec allows the address or 0; QEMU writes 0). See tests/isa/exceptions.c and sdtrig.c.
# Usage: log-diff.sh BUILD
set -u
BUILD=${1:?usage: log-diff.sh BUILD}
OUT=$BUILD/isa
QEMU_CPU=${QEMU_CPU:-rv64,v=off,h=off,sstc=off,zba=off,zbb=off,zbc=off,zbs=off,pmu-num=29,priv_spec=v1.12.0}
logs=$BUILD/isa-log
mkdir -p "$logs"
pass=0
fail=0
traps=0
for elf in "$OUT"/*.elf; do
    t=$(basename "$elf" .elf)
    case $t in xpcsim_*) continue ;; esac # xpcsim only (HTIF), no QEMU to compare with
    "$BUILD/sim/xpcsim" -d int -D "$logs/$t.xpcsim" "$elf" >/dev/null 2>&1
    timeout 20 qemu-system-riscv64 -machine virt -cpu "$QEMU_CPU" -nographic -bios none \
        -kernel "$elf" -d int -D "$logs/$t.qemu" >/dev/null 2>&1
    amos=$(riscv64-unknown-elf-objdump -d "$elf" | awk '$3 ~ /^(amo|sc\.)/ { sub(":", "", $1); print $1 }' |
        while read -r a; do printf '0x%016x\n' "$((0x$a))"; done)
    for m in xpcsim qemu; do
        awk -v amos="$amos" 'BEGIN { n = split(amos, a, "\n"); for (i = 1; i <= n; i++) amo[a[i]] = 1 }
            { line = $0
              if (match(line, /epc:0x[0-9a-f]+/)) epc = substr(line, RSTART + 4, RLENGTH - 4)
              if (epc in amo && line ~ /desc=fault_(load|store)$/) {
                  sub(/cause:000000000000000[57]/, "cause:access", line)
                  sub(/desc=fault_(load|store)$/, "desc=fault_amo", line) }
              if (line ~ /desc=breakpoint$/) sub(/tval:0x[0-9a-f]+/, "tval:either", line)
              print line }' "$logs/$t.$m" >"$logs/$t.$m.even"
    done
    if cmp -s "$logs/$t.xpcsim.even" "$logs/$t.qemu.even"; then
        pass=$((pass + 1))
        traps=$((traps + $(wc -l <"$logs/$t.qemu")))
        echo "PASS  $t: $(wc -l <"$logs/$t.qemu") traps, the same log"
    else
        fail=$((fail + 1))
        echo "FAIL  $t: the -d int logs differ"
        diff "$logs/$t.xpcsim.even" "$logs/$t.qemu.even" | head -6
    fi
done
# The other items, on programs that provoke them.
other() { # NAME ITEM PROGRAM PATTERN
    "$BUILD/sim/xpcsim" -d "$2" -D "$logs/$2.log" "$OUT/$3.elf" >/dev/null 2>&1
    if grep -q "$4" "$logs/$2.log"; then
        pass=$((pass + 1))
        echo "PASS  $1"
    else
        fail=$((fail + 1))
        echo "FAIL  $1"
    fi
}
other "-d guest_errors: the unmapped loads of exceptions" guest_errors exceptions \
    "^Invalid read at addr 0x90000000, size 8, region '(none)', reason: unassigned$"
other "-d unimp: csr_map's probes of CSRs that do not exist" unimp csr_map \
    '^csr: unimplemented CSR 0x[0-9a-f]* read at pc 0x'
other "-d mmu: vm_sv39's walks, translations and faults" mmu vm_sv39 '^mmu: S-mode R va .* -> pa '
other "-d mmu: ... and its page faults" mmu vm_sv39 '^mmu: .* -> page fault$'

# Guard against two empty logs agreeing: the programs take hundreds of traps between them.
if [ "$traps" -ge 200 ]; then
    pass=$((pass + 1))
    echo "PASS  $traps traps logged alike in all"
else
    fail=$((fail + 1))
    echo "FAIL  only $traps traps logged: is -d int working?"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
