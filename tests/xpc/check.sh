# Shared by the cycle-assertion scripts (sourced): check DESCRIPTION COMMAND... runs the
# command as a condition, prints PASS or FAIL and counts; summary prints the totals line the
# suite runner reads and returns non-zero on any failure.
pass=0
fail=0
check() {
    d=$1
    shift
    if "$@" 2>/dev/null; then
        pass=$((pass + 1))
        echo "PASS  $d"
    else
        fail=$((fail + 1))
        echo "FAIL  $d"
    fi
}
summary() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
