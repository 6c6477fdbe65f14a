#!/bin/sh
# The host reaches a TCP server in the guest through -netdev user,hostfwd=...: the kernel boots
# with lwipresp=3 (init starts the virtio-net driver server and lwIP's responder on
# 10.0.2.15:80), and the host's curl fetches from 127.0.0.1:PORT three times; the guest powers
# off by itself after the third connection. On xpcsim and on QEMU with the same kernel and flags.
#   hostfwd.sh BUILD
set -u
build=$1
kernel=$build/kernel/kernel.elf
xpcsim=$build/sim/xpcsim
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
work=$build/net
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

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
printf 'hello from lwIP on XPC\n' >"$work/expected-body"

for m in xpcsim qemu; do
    port=$(free_port)
    flags="-m 128M -nographic -bios $fw -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$port-:80
           -device virtio-net-device,netdev=n0 -append lwipresp=3 -kernel $kernel"
    log=$work/$m-hostfwd.log
    if [ $m = xpcsim ]; then
        # shellcheck disable=SC2086
        timeout 120 "$xpcsim" $flags </dev/null >"$log" 2>&1 &
    else
        # shellcheck disable=SC2086
        timeout 120 qemu-system-riscv64 -machine virt -global virtio-mmio.force-legacy=false \
            $flags </dev/null >"$log" 2>&1 &
    fi
    machine=$!
    i=0
    while [ $i -lt 300 ] && ! grep -q "lwipresp: listening" "$log"; do
        sleep 0.2
        i=$((i + 1))
    done
    check "$m: lwIP listens on 10.0.2.15:80" grep -q "lwipresp: listening on 10.0.2.15:80" "$log"
    curl -s --max-time 20 "http://127.0.0.1:$port/" >"$work/$m-body-1"
    check "$m: curl gets the body, byte for byte" cmp -s "$work/$m-body-1" "$work/expected-body"
    curl -s -i --max-time 20 "http://127.0.0.1:$port/index.html" | tr -d '\r' >"$work/$m-head"
    check "$m: status line and Content-Length" sh -c "head -n 1 '$work/$m-head' | grep -qx 'HTTP/1.0 200 OK' &&
        grep -qx 'Content-Length: 23' '$work/$m-head'"
    curl -s --max-time 20 -H 'X-Padding: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' \
        "http://127.0.0.1:$port/third" >"$work/$m-body-3"
    check "$m: a third connection" cmp -s "$work/$m-body-3" "$work/expected-body"
    wait "$machine"
    status=$?
    check "$m: the guest served 3 connections and powered off (exit 0)" \
        sh -c "[ $status -eq 0 ] && grep -q 'lwipresp: served 3 connections' '$log'"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
