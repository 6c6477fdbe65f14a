#!/bin/sh
# The YCSB driver built for the host (ASan/UBSan, Debian's libsqlite3 3.40.1): every workload
# loads and runs on a fresh database, reports its operations, and leaves PRAGMA integrity_check
# ok (checked again by Debian's sqlite3 shell when it is installed); the same seed gives the
# same database; bad options are refused. Prints "N passed, N failed".
#   host.sh YCSB_HOST WORKDIR
set -u
ycsb=$1
dir=$2/host
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() {
    failed=$((failed + 1))
    echo "FAIL ycsb host: $*"
}
check() { # description command...
    d=$1
    shift
    if "$@" >/dev/null 2>&1; then ok; else bad "$d"; fi
}

for w in a b c d e f; do
    log=$dir/$w.log
    "$ycsb" --workload $w --records 300 --operations 400 --seed 3 --db "$dir/$w.db" \
        >"$log" 2>&1
    check "workload $w exits 0 (log $log)" [ $? -eq 0 ]
    check "workload $w reports its run" grep -q "^YCSB run workload=$w ops=400 cycles=[0-9]* ops_per_mcycle=[0-9.]* not_found=0$" "$log"
    check "workload $w: integrity_check ok" grep -qx "ycsb: integrity_check: ok" "$log"
    if command -v sqlite3 >/dev/null 2>&1; then
        check "workload $w: Debian's sqlite3 finds the database sound" \
            sh -c "[ \"\$(sqlite3 '$dir/$w.db' 'PRAGMA integrity_check')\" = ok ]"
        inserts=$(sed -n 's/^YCSB op .* op=INSERT count=\([0-9]*\) .*/\1/p' "$log")
        check "workload $w: 300 records plus its inserts" \
            sh -c "[ \"\$(sqlite3 '$dir/$w.db' 'SELECT count(*) FROM usertable')\" = $((300 + ${inserts:-0})) ]"
        check "workload $w: ten fields of 100 bytes" \
            sh -c "[ \"\$(sqlite3 '$dir/$w.db' 'SELECT count(*) FROM usertable WHERE length(FIELD0) = 100 AND length(FIELD9) = 100')\" -gt 0 ]"
    fi
done
check "workload a reads and updates" grep -q "op=UPDATE count=" "$dir/a.log"
check "workload e scans" grep -q "op=SCAN count=" "$dir/e.log"
check "workload f reads, modifies, writes" grep -q "op=READ-MODIFY-WRITE count=" "$dir/f.log"
check "workload c only reads" sh -c "! grep -q 'op=UPDATE' '$dir/c.log'"

# Determinism: the same seed twice gives the same rows; another seed does not.
for s in 3 3 4; do
    rm -f "$dir/s$s.db"
done
"$ycsb" --workload a --records 100 --operations 200 --seed 3 --db "$dir/s3a.db" >/dev/null 2>&1
"$ycsb" --workload a --records 100 --operations 200 --seed 3 --db "$dir/s3b.db" >/dev/null 2>&1
"$ycsb" --workload a --records 100 --operations 200 --seed 4 --db "$dir/s4.db" >/dev/null 2>&1
if command -v sqlite3 >/dev/null 2>&1; then
    dump() { sqlite3 "$1" 'SELECT * FROM usertable ORDER BY YCSB_KEY' | md5sum; }
    check "the same seed, the same database" [ "$(dump "$dir/s3a.db")" = "$(dump "$dir/s3b.db")" ]
    check "another seed, another database" [ "$(dump "$dir/s3a.db")" != "$(dump "$dir/s4.db")" ]
fi

# Phases apart: load, then run on the loaded database, commits printed, check and keys.
"$ycsb" --workload d --records 50 --phase load --print-commits --db "$dir/p.db" >"$dir/p1.log" 2>&1
check "load phase prints each committed key" [ "$(grep -c '^COMMITTED user' "$dir/p1.log")" -eq 50 ]
"$ycsb" --workload d --records 50 --operations 100 --phase run --print-commits --db "$dir/p.db" \
    >"$dir/p2.log" 2>&1
check "run phase on the loaded database" grep -q "not_found=0" "$dir/p2.log"
"$ycsb" --check --dump-keys --db "$dir/p.db" >"$dir/p3.log" 2>&1
check "check: integrity ok" grep -qx "ycsb: integrity_check: ok" "$dir/p3.log"
check "every committed key is listed" sh -c "grep '^COMMITTED' '$dir/p1.log' '$dir/p2.log' | sed 's/.*COMMITTED //' | sort -u >'$dir/c.txt'; sed -n 's/^KEY //p' '$dir/p3.log' | sort >'$dir/k.txt'; comm -23 '$dir/c.txt' '$dir/k.txt' | grep -q . && exit 1; [ -s '$dir/c.txt' ]"
"$ycsb" --workload a --records 100 --load-batch 30 --operations 10 --db "$dir/batch.db" >"$dir/batch.log" 2>&1
check "a batched load" grep -q "loaded 100 records" "$dir/batch.log"

# Bad options: one line, status 2.
for args in "--workload g" "--records 1" "--records x" "--operations" "--phase nope" \
    "--load-batch 0" "--frobnicate"; do
    # shellcheck disable=SC2086
    out=$("$ycsb" $args 2>&1)
    st=$?
    check "refuses $args" sh -c "[ $st -eq 2 ] && [ $(echo "$out" | wc -l) -eq 1 ]"
done
check "--help" sh -c "'$ycsb' --help | grep -q 'usage: ycsb'"
"$ycsb" --db "$dir/nodir/x.db" >/dev/null 2>&1
check "a database it cannot create: status 1" [ $? -eq 1 ]
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
