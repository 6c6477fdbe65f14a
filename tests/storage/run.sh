#!/bin/sh
# Scripted use of the shell through the boot argument run="...", on xpcsim and on QEMU: each case
# boots the kernel with a script, then checks what the console shows. Prints "N passed, N failed".
# usage: run.sh BUILD_DIR [EMU...]   (EMU: xpcsim, qemu; default both)
set -u
build=$1
shift
emus=${*:-xpcsim qemu}
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
kernel=$build/kernel/kernel.elf
logdir=$build/storage
mkdir -p "$logdir"
passed=0
failed=0

tools=$build/tools
# boot EMU NAME SCRIPT [extra boot arguments] [disk image]: the console log in
# $logdir/NAME-EMU.log. A disk is the first virtio-blk device (QEMU: virtio 1.x, as xpcsim).
boot() {
    emu=$1 name=$2 script=$3 extra=${4:-} image=${5:-}
    log=$logdir/$name-$emu.log
    case $emu in
    xpcsim) cmd="$build/sim/xpcsim -bios $fw -m 128M -nographic" ;;
    qemu) cmd="qemu-system-riscv64 -machine virt -bios $fw -m 128M -nographic" ;;
    esac
    if [ -n "$image" ]; then
        [ "$emu" = qemu ] && cmd="$cmd -global virtio-mmio.force-legacy=false"
        cmd="$cmd -drive file=$image,format=raw,if=none,id=d0 -device virtio-blk-device,drive=d0"
    fi
    timeout 300 $cmd -kernel "$kernel" -append "$extra run=\"$script\"" </dev/null 2>&1 |
        tr -d '\r' >"$log"
}

# check NAME EMU WHAT COMMAND...: the command succeeds
check() {
    name=$1 emu=$2 what=$3
    shift 3
    if "$@" >"$logdir/$name-$emu.out" 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL [$emu] $name: $what (output: $logdir/$name-$emu.out)"
    fi
}

# expect NAME EMU TEXT: the log holds the line TEXT
expect() {
    if grep -qxF -- "$3" "$logdir/$1-$2.log"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL [$2] $1: no line \"$3\" (log: $logdir/$1-$2.log)"
    fi
}

for emu in $emus; do
    # The script runs in order, a failing command is counted and does not stop it, a program
    # gets its arguments, and the machine powers off at the end.
    boot "$emu" script "echo hello   world; nosuchprogram; hello a b; echo done"
    expect script "$emu" '$ echo hello   world'
    expect script "$emu" 'hello world'
    expect script "$emu" 'nosuchprogram: not found'
    expect script "$emu" 'done'
    expect script "$emu" 'run: 4 commands, 1 failed'
    echo "[$emu] run= script: done"
    # The shell's file commands on the file system server, over each transport.
    for fs in xpc endpoint channel; do
        boot "$emu" files-$fs "mkdir /d; echo hello file > /d/x; cp /d/x /d/y; mv /d/y /d/z; \
ls -l /d; rm /d/x; ls /d; cd /d; pwd; echo more >> z; cat z; rmdir /d; cat /d/x; df; sync" "fs=$fs"
        expect files-$fs "$emu" '-       11 x'
        expect files-$fs "$emu" '-       11 z'
        expect files-$fs "$emu" 'z'
        expect files-$fs "$emu" '/d'
        expect files-$fs "$emu" 'hello file'
        expect files-$fs "$emu" 'more'
        expect files-$fs "$emu" 'rmdir: /d: Directory not empty'
        expect files-$fs "$emu" 'cat: /d/x: No such file or directory'
        expect files-$fs "$emu" 'run: 15 commands, 2 failed'
        echo "[$emu] shell file commands over $fs: done"
    done
    # fsd on a virtio-blk disk (disk=virtio): an image made and filled on the host, changed by
    # the guest over XPC, read and changed again after a reboot over the endpoint, then read
    # back on the host and checked by fsck.
    img=$logdir/disk-$emu.img
    rm -f "$img"
    "$tools/xpcfs-mkfs" -s 16M "$img" >/dev/null
    head -c 200000 /dev/urandom >"$logdir/big-$emu"
    printf 'from the host\n' >"$logdir/note-$emu"
    "$tools/xpcfs" "$img" put "$logdir/big-$emu" /big
    "$tools/xpcfs" "$img" put "$logdir/note-$emu" /note
    boot "$emu" disk-xpc "cat /note; mkdir /g; echo written over xpc > /g/a; cp /big /g/big; ls -l /g" \
        "fs=xpc disk=virtio" "$img"
    expect disk-xpc "$emu" 'from the host'
    expect disk-xpc "$emu" '-   200000 big'
    expect disk-xpc "$emu" 'run: 5 commands, 0 failed'
    check disk-xpc "$emu" "reads went down to the driver in place in the client's segment" \
        grep -qE '^fsd: unmounted \(clean\); block requests [0-9]+, [1-9][0-9]* of them in place' \
        "$logdir/disk-xpc-$emu.log"
    boot "$emu" disk-endpoint "cat /g/a; echo again >> /g/a; rm /note; ls /" "fs=endpoint disk=virtio" "$img"
    expect disk-endpoint "$emu" 'written over xpc'
    expect disk-endpoint "$emu" 'run: 4 commands, 0 failed'
    check disk-host "$emu" "fsck clean after two boots" "$tools/xpcfs-fsck" "$img"
    printf 'written over xpc\nagain\n' >"$logdir/a-$emu.want"
    check disk-host-a "$emu" "/g/a as the guest left it" sh -c \
        "'$tools/xpcfs' '$img' cat /g/a | cmp - '$logdir/a-$emu.want'"
    check disk-host-big "$emu" "/g/big the same bytes as the host's" sh -c \
        "'$tools/xpcfs' '$img' cat /g/big | cmp - '$logdir/big-$emu'"
    check disk-host-rm "$emu" "/note removed" sh -c "! '$tools/xpcfs' '$img' stat /note"
    echo "[$emu] fsd on a virtio-blk disk across a reboot: done"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
