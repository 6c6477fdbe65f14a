#!/bin/sh
# Run each test suite, show its output, and add up the results into one closing line.
# Usage: run-suites.sh "name:command" ...
# SUITES="a b" in the environment runs only the suites of those names (make test SUITES="fs storage").
set -u
only=${SUITES:-}
total_pass=0
total_fail=0
failed_suites=""
for spec in "$@"; do
    name=${spec%%:*}
    cmd=${spec#*:}
    if [ -n "$only" ] && ! printf ' %s ' "$only" | grep -q " $name "; then
        continue
    fi
    echo "==== $name"
    log=$(mktemp)
    sh -c "$cmd" >"$log" 2>&1
    rc=$?
    cat "$log"
    # "N passed, N failed" (our suites) or Criterion's "Synthesis: Tested: N | Passing: N | Failing: N".
    p=$(sed -n 's/^.*\b\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*$/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^.*\b\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*$/\2/p' "$log" | tail -n 1)
    if [ -z "$p" ]; then
        p=$(sed -n 's/.*Passing: \([0-9]*\).*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        f=$(sed -n 's/.*Failing: \([0-9]*\).*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        c=$(sed -n 's/.*Crashing: \([0-9]*\).*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        f=$((f + c))
    fi
    rm -f "$log"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # the suite failed without saying what: count it once
    fi
    [ "$f" -ne 0 ] && failed_suites="$failed_suites $name"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
done
echo "===="
[ -n "$failed_suites" ] && echo "failing suites:$failed_suites"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
