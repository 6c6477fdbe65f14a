#!/bin/sh
# Runs each bare-metal XPC program on one emulator with a timeout and judges it by its exit
# status (the finisher's code) and its last line ("PASS <name>"). Usage:
#   run.sh LOGDIR TIMEOUT "EMULATOR-COMMAND-UP-TO-THE-IMAGE" prog.elf...
# Ends with "N passed, N failed" and exits 1 if anything failed.
set -u
logs=$1 timeout_s=$2 emu=$3
shift 3
mkdir -p "$logs"
passed=0 failed=0
for elf in "$@"; do
    name=$(basename "$elf" .elf)
    log="$logs/$name.log"
    # shellcheck disable=SC2086 # the emulator command is meant to be split into words
    timeout "$timeout_s" $emu "$elf" </dev/null >"$log" 2>&1
    status=$?
    last=$(tail -n 1 "$log")
    if [ "$status" -eq 0 ] && [ "$last" = "PASS $name" ]; then
        passed=$((passed + 1))
        echo "PASS  $name"
    else
        failed=$((failed + 1))
        if [ "$status" -eq 124 ]; then why="timed out after ${timeout_s}s"; else why="exit $status"; fi
        echo "FAIL  $name ($why; log $log)"
        grep -E "MISMATCH|unexpected|ABORT|^FAIL" "$log" | head -n 10 | sed 's/^/      /'
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
