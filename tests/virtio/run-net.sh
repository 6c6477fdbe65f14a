#!/bin/sh
# virtio-net on xpcsim against QEMU, both on -netdev user (libslirp): the bare-metal driver
# vnet.elf runs on both machines with the same flags; its output (every frame slirp sent back,
# in full) must be identical byte for byte but for the "cycles" lines, which depend on the
# host's pace on QEMU. Nothing is masked in the frames: slirp answers DHCP, ARP and ICMP to its
# own addresses from its own state (IP ids count from zero, no timestamps), so they are
# deterministic. Then, on xpcsim alone, the card's modeled cost (net_packet_cycles,
# net_byte_cycles), the short -nic form, and the slot order with a disk.
#   run-net.sh VNET_ELF XPCSIM WORKDIR
set -u
elf=$1
xpcsim=$2
work=$3
mkdir -p "$work"
pass=0
fail=0

check() { # name command...
    name=$1
    shift
    if "$@"; then
        pass=$((pass + 1))
        echo "PASS  $name"
    else
        fail=$((fail + 1))
        echo "FAIL  $name"
    fi
}

run_xpcsim() { # log args...
    log=$1
    shift
    timeout 60 "$xpcsim" -m 128M -bios "$elf" "$@" </dev/null >"$log" 2>"$log.err"
}
run_qemu() { # log args...
    log=$1
    shift
    timeout 60 qemu-system-riscv64 -machine virt -global virtio-mmio.force-legacy=false \
        -nographic -m 128M -bios "$elf" "$@" </dev/null >"$log" 2>"$log.err"
}
passed() { [ "$(tail -n 1 "$1")" = "PASS vnet" ]; }
same_output() { # the two logs without the cycle lines
    grep -v '^cycles' "$1" >"$1.cmp"
    grep -v '^cycles' "$2" >"$2.cmp"
    cmp -s "$1.cmp" "$2.cmp" || diff "$1.cmp" "$2.cmp" | head -20
    cmp -s "$1.cmp" "$2.cmp"
}
card="-netdev user,id=n0 -device virtio-net-device,netdev=n0"

# 1. One card: DHCP, ARP, ICMP through slirp, frame for frame as on QEMU.
for m in xpcsim qemu; do
    # shellcheck disable=SC2086
    run_$m "$work/$m-one.log" $card
done
check "one card: xpcsim passes" passed "$work/xpcsim-one.log"
check "one card: qemu passes" passed "$work/qemu-one.log"
check "one card: in slot 7, as on qemu" grep -q "network card in slot 7" "$work/xpcsim-one.log"
check "one card: DHCP offer, ACK, ARP reply and two echo replies received" \
    test "$(grep -c 'used len' "$work/xpcsim-one.log")" -eq 5
check "one card: output identical on xpcsim and qemu" \
    same_output "$work/xpcsim-one.log" "$work/qemu-one.log"

# 2. A disk named first takes slot 7, the card slot 6, on both machines.
head -c 65536 /dev/zero >"$work/disk.img"
for m in xpcsim qemu; do
    # shellcheck disable=SC2086
    run_$m "$work/$m-disk.log" -drive "file=$work/disk.img,format=raw,if=none,id=d0,snapshot=on" \
        -device virtio-blk-device,drive=d0 $card
done
check "with a disk: the card is in slot 6" grep -q "network card in slot 6" "$work/xpcsim-disk.log"
check "with a disk: output identical on xpcsim and qemu" \
    same_output "$work/xpcsim-disk.log" "$work/qemu-disk.log"

# 3. -nic user is the same card (QEMU's -nic makes a PCI card on virt, so xpcsim only).
run_xpcsim "$work/xpcsim-nic.log" -nic user
check "-nic user: the same as -netdev/-device on qemu" \
    same_output "$work/xpcsim-nic.log" "$work/qemu-one.log"

# 4. The cost model: send to receive of the ARP exchange (42 bytes out, 64 back) is two frames'
#    cost plus the few instructions between the notify store and the read of the cycle counter.
latency() { sed -n 's/^cycles: send to receive = //p' "$1" | sed -n 3p; }
# shellcheck disable=SC2086
run_xpcsim "$work/timed-1.log" --timing=rocket $card
# shellcheck disable=SC2086
run_xpcsim "$work/timed-2.log" --timing=rocket $card
# shellcheck disable=SC2086
run_xpcsim "$work/timed-3.log" --timing=rocket --timing-param net_packet_cycles=10000 \
    --timing-param net_byte_cycles=8 $card
pkt=$("$xpcsim" --timing-params | sed -n 's/^net_packet_cycles *= *\([0-9]*\).*/\1/p')
byte=$("$xpcsim" --timing-params | sed -n 's/^net_byte_cycles *= *\([0-9]*\).*/\1/p')
arp=$(latency "$work/timed-1.log")
arp3=$(latency "$work/timed-3.log")
echo "      defaults: net_packet_cycles=$pkt net_byte_cycles=$byte;" \
    "measured: ARP request and reply $arp cycles"
within() { [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le $(($2 + 100)) ]; }
check "cycles: ARP = 2 frames + 106 bytes (+ <100)" within "$arp" $((2 * pkt + 106 * byte))
check "cycles: two runs give the same output" cmp -s "$work/timed-1.log" "$work/timed-2.log"
moved_exactly() {
    [ -n "$arp" ] && [ -n "$arp3" ] &&
        [ $((arp3 - arp)) -eq $((2 * 10000 + 106 * 8 - 2 * pkt - 106 * byte)) ]
}
check "cycles: the parameters move the latency by exactly their change" moved_exactly

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
