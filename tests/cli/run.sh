#!/bin/sh
# Bad input to xpcsim: each case must end quickly with the expected exit status and exactly one
# line on stderr that names the problem, never a crash (a signal) or a hang.
#   run.sh XPCSIM WORKDIR
set -u
xpcsim=$1
work=$2
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
mkdir -p "$work"
pass=0
fail=0

# expect STATUS PATTERN -- ARGS...: run, then check status, one stderr line, and the pattern.
expect() {
    want=$1 pattern=$2
    shift 3
    timeout 20 "$xpcsim" "$@" </dev/null >"$work/out" 2>"$work/err"
    got=$?
    lines=$(wc -l <"$work/err")
    if [ "$got" -eq "$want" ] && [ "$lines" -eq 1 ] && grep -q -- "$pattern" "$work/err"; then
        pass=$((pass + 1))
        echo "PASS  xpcsim $* -> $got: $(cat "$work/err")"
    else
        fail=$((fail + 1))
        echo "FAIL  xpcsim $* -> exit $got (want $want), $lines stderr lines, want /$pattern/:"
        head -5 "$work/err"
    fi
}

# Malformed images, made from a real one so that every header field is plausible but one.
cp "$fw" "$work/good.elf"
head -c 40 "$fw" >"$work/truncated-header.elf"
head -c 2000 "$fw" >"$work/truncated-segments.elf"
cat "$fw" >"$work/elf32.elf"
printf '\001' | dd of="$work/elf32.elf" bs=1 seek=4 conv=notrunc 2>/dev/null # ELFCLASS32
head -c $((2 * 1024 * 1024)) /dev/zero >"$work/two-mib.bin" 2>/dev/null
cat "$fw" >"$work/wrong-machine.elf"
printf '\076\000' | dd of="$work/wrong-machine.elf" bs=1 seek=18 conv=notrunc 2>/dev/null # EM_X86_64
head -c $((200 * 1024 * 1024)) /dev/zero >"$work/too-big.bin" 2>/dev/null
printf 'not a device tree' >"$work/bad.dtb"

expect 2 "unknown option" -- --bogus
expect 2 "needs a value" -- -kernel
expect 2 "bad RAM size" -- -m lots
expect 2 "only the 'virt' machine" -- -machine sifive_u
expect 2 "only one hart" -- -smp 4
expect 2 "--timing takes off or rocket" -- --timing=fast
expect 2 "takes on or off" -- --xpc=maybe
expect 2 "takes on or off" -- --xpc-cache maybe
expect 2 "takes 0..64" -- --xpc-cache-entries 65
expect 2 "unknown option '--stats=yes'" -- --stats=yes
expect 2 "must be at least 10000000" -- --core-hz=9
expect 2 "" -- --timing-param no_such_parameter=1
expect 2 "" -- --timing-param base_cpi=banana
printf 'trap 10 zz\n' >"$work/bad.map"
expect 2 "cannot open phase map" -- --timing=rocket --phase-map /nonexistent/map
expect 2 "takes an address" -- --timing=rocket --phase-start zz
expect 2 "hexadecimal" -- --timing=rocket --phase-map "$work/bad.map"
expect 2 "needs --timing=rocket" -- --phase-map "$work/bad.map"
expect 1 "cannot open" -- -bios /nonexistent/firmware.elf
expect 1 "cannot open" -- -bios none -kernel "$work/missing.elf"
expect 1 "truncated" -- -bios "$work/truncated-header.elf"
expect 1 "truncated\|outside\|extends" -- -bios "$work/truncated-segments.elf"
expect 1 "64-bit" -- -bios "$work/elf32.elf"
expect 1 "RISC-V" -- -bios "$work/wrong-machine.elf"
expect 1 "does not fit\|outside" -- -m 128M -bios none -kernel "$work/too-big.bin"
expect 1 "outside RAM\|does not fit" -- -m 1M -bios none -kernel "$work/two-mib.bin"
expect 1 "not a valid device tree" -- -dtb "$work/bad.dtb" -bios "$fw"
expect 1 "needs -kernel" -- -bios "$fw" -initrd "$work/good.elf"
expect 1 "multiple of 10 MHz" -- --core-hz 15000000 -bios none
# A guest that traps on every instruction (an illegal word at the reset vector and at mtvec)
# retires nothing: --max-insns counts its traps and stops it.
printf '\000\000\000\000' >"$work/trap-loop.bin"
expect 3 "traps (--max-insns)" -- -bios none -kernel "$work/trap-loop.bin" --max-insns 100000

# Disks (-drive, -device): bad images and bad options, each named in one line.
head -c 1024 /dev/zero >"$work/disk.img"
head -c 1000 /dev/zero >"$work/odd.img"
disk="file=$work/disk.img,format=raw"
expect 1 "cannot open $work/missing.img" -- -bios none -drive "file=$work/missing.img,format=raw,if=virtio"
expect 1 "not a multiple of 512" -- -bios none -drive "file=$work/odd.img,format=raw,if=virtio"
expect 1 "Is a directory" -- -bios none -drive "file=$work,format=raw,if=virtio"
expect 1 "not a regular file" -- -bios none -drive "file=$work,format=raw,if=virtio,readonly=on"
flock -x "$work/disk.img" sleep 10 &
locker=$!
sleep 0.5
expect 1 "in use by another process" -- -bios none -drive "$disk,if=virtio"
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null
expect 2 "cache=none is not supported" -- -bios none -drive "$disk,if=virtio,cache=none"
expect 2 "format 'qcow2' is not supported" -- -bios none -drive "file=$work/disk.img,format=qcow2,if=virtio"
expect 2 "if=scsi is not supported" -- -bios none -drive "$disk,if=scsi"
expect 2 "give if=none" -- -bios none -drive "$disk"
expect 2 "no file=" -- -bios none -drive "format=raw,if=virtio"
expect 2 "readonly takes on or off" -- -bios none -drive "$disk,if=virtio,readonly=maybe"
expect 2 "no -drive with if=none,id=nope" -- -bios none -drive "$disk,if=none,id=d0" -device virtio-blk-device,drive=nope
expect 2 "already in use" -- -bios none -drive "$disk,if=none,id=d0" -device virtio-blk-device,drive=d0 -device virtio-blk-device,drive=d0
expect 2 "'virtio-gpu-device' is not supported" -- -bios none -device virtio-gpu-device
expect 2 "unknown option 'bootindex'" -- -bios none -drive "$disk,if=none,id=d0" -device virtio-blk-device,drive=d0,bootindex=1
expect 2 "8 virtio-mmio slots" -- -bios none -drive "$disk,if=virtio,snapshot=on" -drive "$disk,if=virtio,snapshot=on" \
    -drive "$disk,if=virtio,snapshot=on" -drive "$disk,if=virtio,snapshot=on" -drive "$disk,if=virtio,snapshot=on" \
    -drive "$disk,if=virtio,snapshot=on" -drive "$disk,if=virtio,snapshot=on" -drive "$disk,if=virtio,snapshot=on" \
    -drive "$disk,if=virtio,snapshot=on"

# Network cards (-netdev, -device virtio-net-device, -nic): bad options and a host port in use.
nic="-device virtio-net-device,netdev=n0"
expect 2 "no netdev= given" -- -bios none -device virtio-net-device
expect 2 "-netdev user: unknown option 'smb'" -- -bios none -netdev user,id=n0,smb=/tmp $nic
expect 2 "'tap' is not supported (only user)" -- -bios none -netdev tap,id=n0 $nic
expect 2 "no id= given" -- -bios none -netdev user
expect 2 "duplicate id 'n0'" -- -bios none -netdev user,id=n0 -netdev user,id=n0 $nic
expect 2 "no network card uses it" -- -bios none -netdev user,id=n0
expect 2 "no -netdev with id=n1" -- -bios none -netdev user,id=n0 -device virtio-net-device,netdev=n1
expect 2 "netdev 'n0' is already in use" -- -bios none -netdev user,id=n0 $nic $nic
expect 2 "unknown option 'vhost'" -- -bios none -netdev user,id=n0 $nic,vhost=on
expect 2 "not a unicast MAC address" -- -bios none -netdev user,id=n0 $nic,mac=01:00:5e:00:00:01
expect 2 "bad hostfwd 'tcp:127.0.0.1:http-:80'" -- -bios none -netdev user,id=n0,hostfwd=tcp:127.0.0.1:http-:80 $nic
expect 2 "not an IPv4 address" -- -bios none -netdev user,id=n0,host=10.0.2.300 $nic
expect 2 "host is not in the guest network" -- -bios none -netdev user,id=n0,host=192.168.1.2 $nic
expect 2 "ipv6 takes on or off" -- -bios none -netdev user,id=n0,ipv6=maybe $nic
expect 2 "-nic: 'tap' is not supported" -- -bios none -nic tap
expect 2 "model=e1000 is not supported" -- -bios none -nic user,model=e1000
python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(10)' >"$work/port" &
holder=$!
i=0
while [ $i -lt 300 ] && ! [ -s "$work/port" ]; do # python may take a while to start under load
    sleep 0.1
    i=$((i + 1))
done
expect 1 "could not set up host forwarding rule 'tcp:127.0.0.1:$(cat "$work/port")-:80': Address already in use" \
    -- -bios none -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$(cat "$work/port")-:80" $nic
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# --help and a dumped device tree succeed.

# --help, both forms of a value, and a dumped device tree succeed.
if timeout 10 "$xpcsim" --xpc-cache-entries 8 -xpc-cache-entries=9 --timing=rocket --timing-params >/dev/null; then
    pass=$((pass + 1)); echo "PASS  a value as the next argument or after '='"
else
    fail=$((fail + 1)); echo "FAIL  a value as the next argument or after '='"
fi
if timeout 10 "$xpcsim" --help | grep -q "usage: xpcsim"; then
    pass=$((pass + 1)); echo "PASS  --help"
else
    fail=$((fail + 1)); echo "FAIL  --help"
fi
if timeout 10 "$xpcsim" -machine "virt,dumpdtb=$work/virt.dtb" && dtc -I dtb -O dts "$work/virt.dtb" 2>/dev/null | grep -q 'riscv,isa = "rv64imafdc'; then
    pass=$((pass + 1)); echo "PASS  dumpdtb writes a tree dtc reads"
else
    fail=$((fail + 1)); echo "FAIL  dumpdtb"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
