#!/bin/sh
# The phase map E6 charges IPC by (docs/experiments.md, "E6"), for xpcsim --phase-map:
#   ipcmap.sh KERNEL_ELF CLIENT_ELF SERVER_ELF > map
# CLIENT_ELF (ycsb, linked at 16 MiB) and SERVER_ELF (fsd, at 64 KiB) must not overlap, and each
# needs its link map beside it (ELF.map, written by user/Makefile). Phases:
#   trap, ipc, switch, restore, copy   the kernel's IPC paths, as E2 splits them (phasemap.sh),
#                       plus the channel calls and the kernel's XPC code in `ipc`
#   transport           user-space IPC code in either process: the transport library
#                       (transport*.c), libxpc (libxpc.c, xpc_call.S) and the file protocol's
#                       client stub (file_client.c)
#   caller              memcpy, memmove, memset of either process: charged to whoever called
#                       them (xpcsim's `caller` ranges), so the transports' copies are IPC and
#                       SQLite's and the file system's are not
#   kernel              the rest of the kernel
#   client, server      the rest of each program (SQLite and the driver; fsd and the file system)
# IPC is the sum of the first six; everything else (OpenSBI, other programs) is `other`.
set -eu
kernel=${1:?usage: ipcmap.sh KERNEL_ELF CLIENT_ELF SERVER_ELF}
client=${2:?usage: ipcmap.sh KERNEL_ELF CLIENT_ELF SERVER_ELF}
server=${3:?usage: ipcmap.sh KERNEL_ELF CLIENT_ELF SERVER_ELF}
NM=${NM:-riscv64-unknown-elf-nm}
here=$(cd "$(dirname "$0")" && pwd)
for f in "$client.map" "$server.map"; do
    [ -r "$f" ] || { echo "ipcmap.sh: cannot read $f (the link map; rebuild user/)" >&2; exit 1; }
done

# The kernel's IPC phases (E2's map without its `user` line), then the channel and XPC code.
"$here/phasemap.sh" "$kernel" | grep -v '^user '
"$NM" -n "$kernel" | awk '$2 ~ /^[tT]$/ {a[NR] = $1; n[NR] = $3} END {
    for (i = 1; i < NR; i++) {
        j = i + 1
        while (j <= NR && a[j] == a[i]) j++
        if (j <= NR && n[i] ~ /^(sys_channel_[a-z_]*|channel_[a-z_]*|xpc_[a-z_]*|sys_xpc_[a-z_]*|relay_[a-z_]*|sys_relay_[a-z_]*|sys_vm_check)$/)
            printf "ipc      %s %s  # %s\n", a[i], a[j], n[i]
    }
}'

# transport: the .text input sections of the IPC objects, from the link map (a long file name
# puts the address and size on the next line).
transport() { # map
    awk '
        function hex(s,   i, v, c) { sub(/^0x/, "", s); v = 0
            for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", tolower(substr(s, i, 1))) - 1; v = v * 16 + c }
            return v }
        function emit(addr, size, file) {
            if (file ~ /(transport[a-z_]*\.c\.o\)?|libxpc\.c\.o|xpc_call\.S\.o|file_client\.c\.o)$/ &&
                hex(size) > 0)
                printf "transport %x %x  # %s\n", hex(addr), hex(addr) + hex(size), file
        }
        pending && $1 ~ /^0x/ { emit($1, $2, $3); pending = 0; next }
        { pending = 0 }
        /^ \.text[ \t]*$/ { pending = 1; next }
        /^ \.text[ \t]+0x/ { emit($2, $3, $4) }
    ' "$1"
}
transport "$client.map"
transport "$server.map"

# caller: the shared leaf copies of each program.
for elf in "$client" "$server"; do
    "$NM" -n "$elf" | awk '$2 ~ /^[tT]$/ {a[NR] = $1; n[NR] = $3} END {
        for (i = 1; i < NR; i++) {
            j = i + 1
            while (j <= NR && a[j] == a[i]) j++
            if (j <= NR && n[i] ~ /^(memcpy|memmove|memset)$/)
                printf "caller   %s %s  # %s\n", a[i], a[j], n[i]
        }
    }'
done

# The rest, for the breakdown: the kernel, and each program's whole image.
span() { # name elf
    "$NM" -n "$2" | awk -v p="$1" '
        function hex(s,   i, v, c) { sub(/^0x/, "", s); v = 0
            for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", tolower(substr(s, i, 1))) - 1; v = v * 16 + c }
            return v }
        $2 ~ /^[tTdDbBrR]$/ && $1 !~ /^0+$/ {
        v = hex($1); if (v < 65536) next; if (!lo || v < lo) lo = v; if (v > hi) hi = v
    } END { printf "%-8s %x %x\n", p, lo, hi + 4096 }'
}
span kernel "$kernel"
span client "$client"
span server "$server"
