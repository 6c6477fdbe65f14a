#!/bin/sh
# The binder suite (docs/binder.md): bindertest through the shell's boot script, with the service
# manager on each transport (binder=kernel, binder=xpc), on xpcsim (the XPC engine, and the kernel
# emulating it) and on QEMU (emulated). Each boot's bindertest ends with "N passed, N failed";
# this adds them up and prints the total the same way.
# usage: run.sh BUILD_DIR [EMU...]   (EMU: xpcsim, qemu; default both)
set -u
build=$1
shift
emus=${*:-xpcsim qemu}
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
kernel=$build/kernel/kernel.elf
logdir=$build/binder
mkdir -p "$logdir"
passed=0
failed=0

# run EMU NAME BOOTARGS: one boot; its counts join the total
run() {
    emu=$1 name=$2 args=$3
    log=$logdir/$name-$emu.log
    case $emu in
    xpcsim) cmd="$build/sim/xpcsim -bios $fw -m 128M -nographic" ;;
    qemu) cmd="qemu-system-riscv64 -machine virt -bios $fw -m 128M -nographic" ;;
    esac
    timeout 300 $cmd -kernel "$kernel" -append "$args run=\"bindertest\"" </dev/null 2>&1 |
        tr -d '\r' >"$log"
    line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "FAIL [$emu] $name: bindertest printed no result (log: $log)"
        failed=$((failed + 1))
        return
    fi
    p=${line%% passed*}
    f=${line#*passed, }
    f=${f%% failed}
    passed=$((passed + p))
    failed=$((failed + f))
    grep -a '^FAIL' "$log" | sed "s|^|[$emu $name] |"
    echo "[$emu] $name: $line"
}

for emu in $emus; do
    run "$emu" kernel "binder=kernel"
    run "$emu" xpc "binder=xpc"
    if [ "$emu" = xpcsim ]; then
        run "$emu" xpc-emulated "binder=xpc xpc=emulate"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
