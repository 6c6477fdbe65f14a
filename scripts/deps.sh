#!/bin/sh
# Install (as root, through apt-get) or name the Debian packages the build and tests need.
# This is the one list (.ci/run installs only build-essential and runs `make test`, which runs
# this). Versions: Debian 12 (bookworm); the packages whose exact output the tests compare are
# pinned, the rest follow bookworm's security updates (docs/building.md says why).
set -eu
PACKAGES="build-essential gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc
opensbi libfdt-dev device-tree-compiler libcriterion-dev gnuplot-nox python3 libslirp-dev=4.7.0-1 curl
verilator=5.006-3 yosys=0.23-6 gdb-multiarch=13.1-3 tcl=8.6.13 libsqlite3-dev=3.40.1-2+deb12u2
sqlite3=3.40.1-2+deb12u2"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "${p%%=*}" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >/dev/null
    exit 0
fi
echo "deps: missing Debian packages:$missing" >&2
echo "deps: install them with: sudo apt-get install$missing" >&2
exit 1
