#!/bin/sh
# Runs each test program on each emulator in $EMUS, checks its verdict, and compares the UART
# output between emulators byte for byte. Usage: run-tests.sh test... (see Makefile for the env).
#
# Verdicts: a test passes on an emulator when the emulator exits 0 and the last output line is
# "PASS <name>". A failing test exits with the number of failed checks (the finisher's code),
# and tests whose names contain xfail_ must fail in exactly that way, to show failures are noticed.
# Tests named xpcsim_* run on xpcsim only: HTIF (QEMU virt has none) and the spec rules QEMU 7.2
# breaks.
set -u

: "${OUT:?}" "${EMUS:?}" "${XPCSIM:?}" "${QEMU:?}" "${TIMEOUT:=10}"
# QEMU's rv64 CPU has extensions xpcsim lacks; turn them off so that "is this CSR or instruction
# legal" agrees (V, H, Zb*, Sstc's stimecmp), and give it all 29
# hpmcounters, as xpcsim has. Both have F and D (RV64GC).
: "${QEMU_CPU:=rv64,v=off,h=off,sstc=off,zba=off,zbb=off,zbc=off,zbs=off,pmu-num=29,priv_spec=v1.12.0}"
: "${XPCSIM_FLAGS:=}"
LOGS="$OUT/logs"
mkdir -p "$LOGS"

for emu in $EMUS; do
    case "$emu" in
    qemu)
        if ! command -v "$QEMU" >/dev/null 2>&1; then
            echo "error: EMUS includes qemu but '$QEMU' is not installed" >&2
            exit 2
        fi ;;
    xpcsim)
        if [ ! -x "$XPCSIM" ]; then
            echo "error: EMUS includes xpcsim but $XPCSIM does not exist; build it (make -C sim)" \
                "or run only QEMU with EMUS=qemu" >&2
            exit 2
        fi ;;
    *)
        echo "error: unknown emulator '$emu' in EMUS (known: xpcsim qemu)" >&2
        exit 2 ;;
    esac
done

run_one() { # emu elf out -> exit status
    case "$1" in
    qemu) timeout "$TIMEOUT" "$QEMU" -machine virt -cpu "$QEMU_CPU" -nographic -m 128M \
        -bios "$2" </dev/null >"$3" 2>"$3.err" ;;
    xpcsim) timeout "$TIMEOUT" "$XPCSIM" $XPCSIM_FLAGS -m 128M -bios "$2" </dev/null >"$3" \
        2>"$3.err" ;;
    esac
}

# Judges one run; prints nothing on success, a reason otherwise.
verdict() { # name out status
    name=$1 out=$2 status=$3
    last=$(tail -n 1 "$out")
    if [ "$status" -eq 124 ]; then
        echo "timed out after ${TIMEOUT}s"
        return
    fi
    case "$name" in
    *xfail_*)
        code=$(sed -n "s/^FAIL $name: \([0-9]*\) check(s) failed\$/\1/p" "$out" | tail -n 1)
        if [ -z "$code" ]; then
            echo "expected a FAIL line, got '$last' (exit $status)"
        elif [ "$status" -ne "$code" ]; then
            echo "FAIL line says $code but the exit status is $status"
        fi ;;
    *)
        if [ "$last" != "PASS $name" ]; then
            echo "last line '$last' is not 'PASS $name' (exit $status)"
        elif [ "$status" -ne 0 ]; then
            echo "PASS line but exit status $status"
        fi ;;
    esac
}

passed=0
failed=0
for name in "$@"; do
    elf="$OUT/$name.elf"
    problems=""
    ran=""
    for emu in $EMUS; do
        case "$name:$emu" in xpcsim_*:qemu) continue ;; esac
        out="$LOGS/$name.$emu.out"
        run_one "$emu" "$elf" "$out"
        why=$(verdict "$name" "$out" $?)
        if [ -n "$why" ]; then
            err=$(head -n 1 "$out.err")
            [ -n "$err" ] && why="$why [stderr: $err]"
            problems="$problems; $emu: $why"
        fi
        ran="$ran $emu"
    done
    if [ -z "$ran" ]; then
        printf 'SKIP  %-20s xpcsim only\n' "$name"
        continue
    fi
    first=${ran# }
    first=${first%% *}
    second=${ran##* }
    diff_out=""
    if [ "$first" != "$second" ] && ! cmp -s "$LOGS/$name.$first.out" "$LOGS/$name.$second.out"
    then
        problems="$problems; outputs differ ($first vs $second)"
        diff_out=$(diff -u "$LOGS/$name.$first.out" "$LOGS/$name.$second.out" | head -n 40)
    fi
    if [ -z "$problems" ]; then
        passed=$((passed + 1))
        if [ "$first" != "$second" ]; then
            printf 'PASS  %-20s%s, outputs identical\n' "$name" "$ran"
        else
            printf 'PASS  %-20s%s\n' "$name" "$ran"
        fi
    else
        failed=$((failed + 1))
        printf 'FAIL  %-20s%s\n' "$name" "${problems#;}"
        [ -n "$diff_out" ] && printf '%s\n' "$diff_out" | sed 's/^/      /'
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
