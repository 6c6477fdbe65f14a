#!/bin/sh
# Differential test: run the generator on each emulator and compare with the host's sim/fpu/.
#
#   run.sh OUTDIR HOST_BIN GEN_ELF XPCSIM "EMUS" [SOFT_HOST_BIN [EXTRA_COUNTS]]
#
# SOFT_HOST_BIN is the host generator built on the software core alone: its lines must equal the
# fast-path build's. EXTRA_COUNTS is a file "passed failed" from other checks (hostcheck) that
# enters the final tally (missing = one failure).
# Every result line is one check; a line missing on either side, an emulator that traps, times
# out or exits non-zero, all count as failures. Prints the first mismatches of each emulator and
# ends with "N passed, N failed"; exits 1 if anything failed.
set -u
timeout_s=${TIMEOUT:-60}
out=$1 host=$2 elf=$3 xpcsim=$4 emus=$5 soft=${6:-} extra=${7:-}
mkdir -p "$out"
passed=0 failed=0
compared=0 detail=""

if ! "$host" > "$out/host.out"; then
    echo "fp: host generator failed" >&2
    echo "fp: 0 passed, 1 failed (the host generator)"
    exit 1
fi

if [ -n "$extra" ]; then
    if [ -r "$extra" ] && read -r p f < "$extra"; then
        if [ "$f" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
        compared=$((compared + p + f)) detail="$detail, hostcheck $((p + f))"
    else
        echo "fp: no counts from $extra" >&2
        failed=$((failed + 1))
    fi
fi

for emu in ${soft:+soft} $emus; do
    case $emu in
    soft) cmd="$soft" ;;
    qemu) cmd="qemu-system-riscv64 -machine virt -nographic -m 128M -bios $elf" ;;
    xpcsim)
        if [ ! -x "$xpcsim" ]; then
            echo "fp: xpcsim: $xpcsim not built (make -C sim), counted as a failure" >&2
            failed=$((failed + 1))
            continue
        fi
        cmd="$xpcsim -m 128M -bios $elf" ;;
    *)
        echo "fp: unknown emulator '$emu' (known: qemu xpcsim)" >&2
        failed=$((failed + 1))
        continue ;;
    esac
    echo "fp: $emu: $cmd"
    timeout "$timeout_s" $cmd < /dev/null > "$out/$emu.raw" 2> "$out/$emu.err"
    rc=$?
    tr -d '\r' < "$out/$emu.raw" > "$out/$emu.out"
    if [ $rc -ne 0 ]; then
        echo "fp: $emu: exit status $rc ($( [ $rc -eq 124 ] && echo timeout || echo failure))"
        grep -a '^TRAP' "$out/$emu.out" | head -3
    fi
    # Compare line by line. Firmware banners before the first result line are not expected
    # (-bios runs the generator directly) but would show up here as mismatches, not be hidden.
    counts=$(awk -v emu="$emu" '
        NR == FNR { want[FNR] = $0; n = FNR; next }
        { got[FNR] = $0; m = FNR }
        END {
            p = 0; f = 0; shown = 0
            last = n > m ? n : m
            for (i = 1; i <= last; i++) {
                if (i in want && i in got && want[i] == got[i]) { p++; continue }
                f++
                split((i in want) ? want[i] : got[i], w, " ")
                by_op[w[1]]++
                if (shown++ < 20)
                    printf("fp: %s: line %d\n    host: %s\n    %s: %s\n", emu, i,
                           (i in want) ? want[i] : "(missing)", emu,
                           (i in got) ? got[i] : "(missing)") > "/dev/stderr"
            }
            for (op in by_op)
                printf("fp: %s: %d mismatches in %s\n", emu, by_op[op], op) > "/dev/stderr"
            print p, f
        }' "$out/host.out" "$out/$emu.out")
    set -- $counts
    echo "fp: $emu: $1 lines match, $2 differ"
    if [ "$rc" -eq 0 ] && [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    compared=$((compared + $1 + $2)) detail="$detail, $emu $(($1 + $2))"
done

echo "fp: $passed passed, $failed failed ($compared results compared: ${detail#, })"
[ "$failed" -eq 0 ]
