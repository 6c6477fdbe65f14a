#!/bin/sh
# xpcsim's GDB stub driven by Debian's gdb-multiarch in batch mode, and by a hostile client.
#   run.sh XPCSIM XPC_CALLS_ELF KERNEL_ELF WORKDIR
# The kernel boots with -append bench: init runs the benchmarks and powers off, in seconds.
# Each expectation is one check; the last line is "N passed, N failed".
set -u
xpcsim=$1 calls=$2 kernel=$3 work=$4
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf
gdb=${GDB:-gdb-multiarch}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
pass=0
fail=0

check() { # what, then a command that succeeds when it holds
    what=$1
    shift
    if "$@" >/dev/null 2>&1; then
        pass=$((pass + 1))
        echo "PASS  $what"
    else
        fail=$((fail + 1))
        echo "FAIL  $what"
    fi
}
has() { grep -qF -- "$2" "$1"; }

if ! command -v "$gdb" >/dev/null 2>&1; then
    echo "error: $gdb is not installed (scripts/deps.sh installs gdb-multiarch)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start NAME XPCSIM-ARGS...: xpcsim in the background, -S on a free port; waits until it listens.
start() {
    name=$1
    shift
    port=$(free_port)
    "$xpcsim" -S -gdb "tcp:127.0.0.1:$port" "$@" </dev/null >"$work/$name.out" \
        2>"$work/$name.err" &
    pid=$!
    for _ in $(seq 100); do
        grep -q "waiting for a debugger" "$work/$name.err" 2>/dev/null && return
        sleep 0.05
    done
}

# finish NAME: waits for xpcsim (at most 20 s); its exit status in $status.
finish() {
    for _ in $(seq 200); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        echo "      xpcsim did not exit: killed"
    fi
    wait "$pid"
    status=$?
}

# debug NAME ELF: gdb-multiarch -batch on the script $work/NAME.gdb (port substituted).
debug() {
    sed "s/@PORT@/$port/" "$work/$1.gdb.in" >"$work/$1.gdb"
    timeout 30 "$gdb" -q -nx -batch -x "$work/$1.gdb" "$2" >"$work/$1.log" 2>&1
}

# ---- 1. a bare-metal XPC program: a breakpoint in a callee, xcaller, the monitor, a step,
# a watchpoint, and on to a clean exit
cat >"$work/calls.gdb.in" <<'GDB'
set pagination off
set confirm off
target remote 127.0.0.1:@PORT@
break entry_record
continue
printf "priv in the callee: %d\n", $priv
printf "xcaller %#lx, the caller's xcap %#lx\n", $xcaller, &world.cap_a
monitor xpc
stepi
stepi
printf "two steps: pc - entry_record = %d\n", $pc - (long)entry_record
watch callee_log.slot[0].runs
continue
delete
hbreak entry_chain
continue
printf "hbreak: pc - entry_chain = %d\n", $pc - (long)entry_chain
delete
rwatch callee_log.chain_mask
continue
delete
monitor triggers
continue
GDB
start calls "$calls"
debug calls "$calls"
finish
log=$work/calls.log
check "xpc_calls: the breakpoint in the callee is hit" has "$log" "Breakpoint 1, entry_record ()"
check "xpc_calls: the callee runs in U-mode" has "$log" "priv in the callee: 0"
check "xpc_calls: xcaller (a CSR by name) is the caller's xcap" \
    grep -qE '^xcaller (0x[0-9a-f]+), the caller.s xcap \1$' "$log"
check "xpc_calls: monitor xpc shows the link record" has "$log" "#0 at 0x"
check "xpc_calls: monitor xpc shows the relay segment" has "$log" "relay segment: va 0x"
check "xpc_calls: monitor xpc shows the engine cache" has "$log" "[0] id 0 of table"
check "xpc_calls: two single steps" has "$log" "two steps: pc - entry_record = 8"
check "xpc_calls: the hardware watchpoint fires" has "$log" "Hardware watchpoint 2: callee_log.slot[0].runs"
check "xpc_calls: with the old and new values" grep -qzE 'Old value = 0.New value = 1' "$log"
check "xpc_calls: a hardware breakpoint (a debugger trigger)" has "$log" "hbreak: pc - entry_chain = 0"
check "xpc_calls: a read watchpoint" grep -qzE 'Hardware read watchpoint 4: callee_log.chain_mask[[:space:]]+Value = ' "$log"
check "xpc_calls: deleted, the debugger's triggers are free again" \
    has "$log" "trigger 3: tdata1 0x2000000000000000 tdata2 0x0"
check "xpc_calls: gdb sees a clean exit" has "$log" "exited normally"
check "xpc_calls: the program passes under the debugger" has "$work/calls.out" "PASS xpc_calls"
check "xpc_calls: xpcsim exits 0" test "$status" -eq 0

# ---- 2. the debugger costs no simulated time: the same cycles with and without it
cat >"$work/plain.gdb.in" <<'GDB'
target remote 127.0.0.1:@PORT@
continue
GDB
"$xpcsim" --timing=rocket --stats "$calls" </dev/null >/dev/null 2>"$work/alone.err"
start plain --timing=rocket --stats "$calls"
debug plain "$calls"
finish
cycles() { grep -E '^(cycles|instructions) ' "$1"; }
check "cycles and instructions equal with and without the debugger" \
    sh -c "[ -n \"\$(grep -E '^cycles ' '$work/alone.err')\" ] &&
           [ \"\$(grep -E '^(cycles|instructions) ' '$work/alone.err')\" = \
             \"\$(grep -E '^(cycles|instructions) ' '$work/plain.err')\" ]"

# ---- 3. the kernel under OpenSBI: stop in the system-call handler, step, on into U-mode, and
# on to the power-off
cat >"$work/kernel.gdb.in" <<'GDB'
set pagination off
set confirm off
target remote 127.0.0.1:@PORT@
break syscall_dispatch
continue
printf "priv in the handler: %d, scause %d\n", $priv, $scause
next
printf "still in the handler after a step: %d\n", $pc >= (long)syscall_dispatch
delete
tbreak *($sepc + 4)
continue
printf "back in the user program: priv %d\n", $priv
continue
GDB
start kernel -bios "$fw" -m 128M -kernel "$kernel" -append bench
debug kernel "$kernel"
finish
log=$work/kernel.log
check "kernel: the system-call handler's breakpoint is hit" has "$log" "Breakpoint 1, syscall_dispatch"
check "kernel: in S-mode, for an ecall from U" has "$log" "priv in the handler: 1, scause 8"
check "kernel: a source step stays in the handler" has "$log" "still in the handler after a step: 1"
check "kernel: stepping on into the user program (U-mode)" has "$log" "back in the user program: priv 0"
check "kernel: gdb sees a clean exit" has "$log" "exited normally"
check "kernel: xpcsim exits 0" test "$status" -eq 0

# ---- 4. bad packets, a vanishing client, Ctrl-C: the machine survives them all
printf '\157\000\000\000' >"$work/spin.bin" # j . : a hart that runs until stopped
start hostile "$work/spin.bin"
python3 "$here/client.py" "$port" garbage >"$work/garbage.log" 2>&1
check "bad packets are refused and answered" sh -c "! grep -q FAIL '$work/garbage.log'"
check "xpcsim outlives a client that vanishes mid-packet" kill -0 "$pid"
python3 "$here/client.py" "$port" ctrl-c >"$work/ctrl-c.log" 2>&1
check "the next client stops the hart with Ctrl-C and kills it" \
    sh -c "! grep -q FAIL '$work/ctrl-c.log' && grep -q 'ok   kill' '$work/ctrl-c.log'"
finish
check "killed by the debugger: xpcsim exits 0" test "$status" -eq 0
for f in garbage ctrl-c; do grep FAIL "$work/$f.log" | sed 's/^/      /'; done

[ "$fail" -ne 0 ] && echo "logs: $work"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
