#!/bin/sh
# The differential SQL test: every tests/sql/*.sql runs in the guest's sqlite3 (over the file
# system server on a virtio-blk disk; on xpcsim over each transport, on QEMU over the endpoint)
# and in Debian's host sqlite3 of the same version; the outputs must be identical byte for byte
# and each script must end in PRAGMA integrity_check's "ok". Scripts NAME-1.sql, NAME-2.sql share
# the database NAME.db and run in that order, each in a new process (a reopened database).
# Prints "N passed, N failed".
# usage: run.sh BUILD_DIR [EMU...]   (EMU: xpcsim, qemu; default both)
set -u
build=$1
shift
emus=${*:-xpcsim qemu}
here=$(cd "$(dirname "$0")" && pwd)
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
work=$build/sql
rm -rf "$work" && mkdir -p "$work/host"
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

command -v sqlite3 >/dev/null || { echo "run.sh: the host's sqlite3 is missing"; exit 1; }
scripts=$(cd "$here" && ls *.sql | LC_ALL=C sort)
# The guest's command line: one sqlite3 per script, -init runs the script, .quit ends it.
cmds=""
for s in $scripts; do
    n=${s%.sql}
    cmds="$cmds${cmds:+; }sqlite3 -batch -init /$s /${n%%-*}.db .quit"
    (cd "$work/host" && stdbuf -o0 -e0 sqlite3 -batch -init "$here/$s" "${n%%-*}.db" .quit \
        >"$n.out" 2>&1)
    if [ "$(tail -n 1 "$work/host/$n.out")" != ok ]; then
        fail "host $s: the last line is not integrity_check's ok ($work/host/$n.out)"
    fi
done

# guest EMU FS: boots with every script on a fresh disk, splits the console per script.
guest() {
    emu=$1 fs=$2
    dir=$work/$emu-$fs
    mkdir -p "$dir"
    img=$dir/disk.img
    "$build/tools/xpcfs-mkfs" -s 32M "$img" >/dev/null || return 1
    for s in $scripts; do "$build/tools/xpcfs" "$img" put "$here/$s" "/$s" || return 1; done
    case $emu in
    xpcsim) cmd="$build/sim/xpcsim -bios $fw -m 128M -nographic -drive file=$img,format=raw,if=virtio" ;;
    qemu) cmd="qemu-system-riscv64 -machine virt -bios $fw -m 128M -nographic \
-global virtio-mmio.force-legacy=false -drive file=$img,format=raw,if=none,id=d0 \
-device virtio-blk-device,drive=d0" ;;
    esac
    timeout 600 $cmd -kernel "$build/kernel/kernel.elf" \
        -append "fs=$fs disk=virtio run=\"$cmds\"" </dev/null 2>&1 | tr -d '\r' >"$dir/console.log"
    # The output of the command "$ sqlite3 ... /S ..." runs to the next "$ " or "run:" line.
    for s in $scripts; do
        n=${s%.sql}
        awk -v start="\$ sqlite3 -batch -init /$s /${n%%-*}.db .quit" '
            $0 == start { on = 1; next }
            on && (/^\$ / || /^run: [0-9]+ commands/) { exit }
            on { print }' "$dir/console.log" >"$dir/$n.out"
        if cmp -s "$work/host/$n.out" "$dir/$n.out"; then
            pass
        else
            fail "[$emu fs=$fs] $s: output differs from the host's sqlite3:"
            diff "$work/host/$n.out" "$dir/$n.out" | head -10
        fi
    done
    if grep -qx "run: $(echo "$scripts" | wc -w) commands, 0 failed" "$dir/console.log"; then
        pass
    else
        fail "[$emu fs=$fs] not every sqlite3 exited with 0 ($dir/console.log)"
    fi
    echo "[$emu fs=$fs] done"
}

for emu in $emus; do
    case $emu in
    xpcsim) for fs in xpc endpoint channel; do guest xpcsim $fs; done ;;
    # On QEMU the kernel emulates XPC, where long runs of file calls over XPC stall
    # (docs/storage.md, known problems): the endpoint there.
    qemu) guest qemu endpoint ;;
    esac
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
