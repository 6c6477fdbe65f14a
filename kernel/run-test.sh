#!/bin/sh
# Boots the test image under an emulator with a timeout, keeps the UART log and passes only if
# the last "N passed, N failed" line reports no failure.
# usage: run-test.sh "<emulator command ending in -kernel>" <kernel.elf> <timeout s> <log>
set -u
emu="$1"; kernel="$2"; limit="$3"; log="$4"
timeout "$limit" $emu "$kernel" </dev/null >"$log" 2>&1
status=$?
tr -d '\r' <"$log" | tail -n 40
line=$(tr -d '\r' <"$log" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [ -z "$line" ]; then
    echo "run-test: no result line (emulator exit $status)" >&2
    exit 1
fi
failed=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed$/\1/')
passed=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
    echo "run-test: FAILED ($line)" >&2
    exit 1
fi
echo "run-test: OK ($line)"
