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

# boot EMU NAME SCRIPT [extra boot arguments]: the console log in $logdir/NAME-EMU.log
boot() {
    emu=$1 name=$2 script=$3 extra=${4:-}
    log=$logdir/$name-$emu.log
    case $emu in
    xpcsim) cmd="$build/sim/xpcsim -bios $fw -m 128M -nographic" ;;
    qemu) cmd="qemu-system-riscv64 -machine virt -bios $fw -m 128M -nographic" ;;
    esac
    timeout 300 $cmd -kernel "$kernel" -append "$extra run=\"$script\"" </dev/null 2>&1 |
        tr -d '\r' >"$log"
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
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
