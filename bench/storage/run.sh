#!/bin/sh
# The storage benchmark (not a test; docs/storage.md, "Benchmark"): fsbench on fsd on a
# virtio-blk disk, over each transport, on xpcsim's Rocket-like cycle model. Per phase: modeled
# cycles per operation, and bandwidth at the model's clock; per transport: the share of all
# cycles spent in the kernel's IPC paths (xpcsim's phase profiler with
# bench/experiments/phasemap.sh's map plus the channel calls; user-level copies and xcall/xret,
# which run in user mode, are not in it).
# usage: bench/storage/run.sh [BUILD_DIR] [fsbench arguments]
set -eu
build=${1:-build}
[ $# -gt 0 ] && shift
args=${*:-}
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
out=$build/results/storage
mkdir -p "$out"
here=$(dirname "$0")
map=$out/ipc.map
"$here/../experiments/phasemap.sh" "$build/kernel/kernel.elf" >"$map"
riscv64-unknown-elf-nm -n "$build/kernel/kernel.elf" | awk '$2 ~ /^[tT]$/ {print $1, $3}' |
    awk '{a[NR] = $1; n[NR] = $2} END {
        for (i = 1; i < NR; i++) if (n[i] ~ /^(sys_)?channel_/ && a[i + 1] != a[i])
            printf "ipc      %s %s  # %s\n", a[i], a[i + 1], n[i] }' >>"$map"
hz=$("$build/sim/xpcsim" --timing=rocket --timing-params 2>/dev/null |
    awk '$1 == "core_hz" {print $3}')
hz=${hz:-1000000000}

for fs in xpc endpoint channel; do
    img=$out/disk-$fs.img
    rm -f "$img"
    "$build/tools/xpcfs-mkfs" -s 64M "$img" >/dev/null
    timeout 1200 "$build/sim/xpcsim" --timing=rocket --stats --phase-map "$map" -bios "$fw" \
        -m 128M -nographic -drive "file=$img,format=raw,if=none,id=d0" \
        -device virtio-blk-device,drive=d0 -kernel "$build/kernel/kernel.elf" \
        -append "fs=$fs disk=virtio run=\"fsbench $args\"" </dev/null 2>&1 |
        tr -d '\r' >"$out/$fs.log"
    rm -f "$img"
    grep -q '^fsbench: delete' "$out/$fs.log" || {
        echo "fsbench over $fs did not finish (log: $out/$fs.log)"
        exit 1
    }
done

printf '%-14s %-9s %14s %12s %10s\n' phase transport cycles/op MiB/s "vs endpoint"
for phase in seq-write seq-read rand-read-4k rand-write-4k create-1k delete; do
    for fs in xpc endpoint channel; do
        awk -v p="$phase" -v fs="$fs" -v hz="$hz" '$2 == p {print fs, $3, $5, $7}' "$out/$fs.log"
    done | awk -v p="$phase" -v hz="$hz" '
        {fs[NR] = $1; ops[NR] = $2; bytes[NR] = $3; cyc[NR] = $4; if ($1 == "endpoint") ep = $4}
        END {for (i = 1; i <= NR; i++) {
            bw = bytes[i] ? sprintf("%.1f", bytes[i] / (cyc[i] / hz) / 1048576) : "-"
            printf "%-14s %-9s %14d %12s %9.2fx\n", p, fs[i], cyc[i] / ops[i], bw, ep / cyc[i]
        }}'
done
echo
echo "share of cycles in the kernel's IPC paths (trap, ipc, switch, restore, copy; whole run):"
for fs in xpc endpoint channel; do
    awk -v fs="$fs" '
        /^  phase / || /^ *(trap|ipc|switch|restore|copy|user|other) +[0-9]+ cycles/ {
            for (i = 1; i <= NF; i++) if ($(i + 1) == "cycles") { c[$1] += $i; break } }
        END { k = c["trap"] + c["ipc"] + c["switch"] + c["restore"] + c["copy"]
              t = k + c["user"] + c["other"]
              if (t) printf "  %-9s %5.1f%% of %d cycles\n", fs, 100 * k / t, t
              else printf "  %-9s (no phase statistics)\n", fs }' "$out/$fs.log"
done
