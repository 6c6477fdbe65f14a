#!/bin/sh
# Fetch and unpack a Debian binary package of another architecture (Debian 13's riscv64 Linux
# kernel and busybox-static) into the build tree: `apt-get download` through a sources entry this
# script writes into its own ignored directory, on the Debian archive the system's apt already uses.
#
# Usage: scripts/debian-binary.sh PACKAGE VERSION ARCH SUITE DEST [META]
#   Unpacks the package into DEST/PACKAGE (the pinned one) and prints that path. When the archive
#   no longer has VERSION (Debian keeps only a suite's current version), it says so on stderr and
#   takes the current one instead: the documented fallback (docs/building.md). A kernel's package
#   name carries its version, so for it META names the meta-package (linux-image-riscv64) whose
#   dependency is the current kernel. A second run does nothing.
set -eu
if [ $# -ne 5 ] && [ $# -ne 6 ]; then
    echo "usage: $0 PACKAGE VERSION ARCH SUITE DEST [META]" >&2
    exit 2
fi
pkg=$1
version=$2
arch=$3
suite=$4
dest=$5
meta=${6:-}
tree=$dest/$pkg
if [ -f "$tree/.unpacked" ]; then
    echo "$tree"
    exit 0
fi
. "$(dirname "$0")/debian-apt.sh"
mkdir -p "$dest"
apt_dir=$(cd "$dest" && pwd)/apt-$arch-$suite
debian_apt_setup "$apt_dir" "$arch"
# The main archive (not the security one, which has no riscv64): the first URI ending in /debian.
uri=$(debian_archives | awk '$1 ~ /\/debian\/?$/ { print $1; exit }')
if [ -z "$uri" ]; then
    echo "$0: no Debian archive found in /etc/apt/sources.list{,.d}" >&2
    exit 1
fi
debian_sources_entry deb "$uri" "$suite" "$arch" >"$apt_dir/parts/debian.sources"
debian_apt_update Packages "$uri $suite/$arch"
# shellcheck disable=SC2086
versions() {
    # shellcheck disable=SC2086
    apt-cache $APT_OPTS madison "$1" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }'
}
have=$(versions "$pkg")
take=$version
if [ -z "$have" ] && [ -n "$meta" ]; then
    # shellcheck disable=SC2086
    current=$(apt-cache $APT_OPTS depends "$meta" 2>/dev/null | awk '/Depends:/ { print $2; exit }')
    echo "$0: $pkg is no longer in the archive; taking $current, $meta's kernel (docs/building.md)" >&2
    pkg=$current
    have=$(versions "$pkg")
fi
if ! printf '%s\n' "$have" | grep -qxF "$version"; then
    take=$(printf '%s\n' "$have" | head -n 1)
    if [ -z "$take" ]; then
        echo "$0: $pkg is not in $uri $suite/$arch" >&2
        exit 1
    fi
    echo "$0: $pkg $version is no longer in the archive; taking $take (docs/building.md)" >&2
fi
mkdir -p "$apt_dir/download"
rm -f "$apt_dir/download/${pkg}_"*.deb
# shellcheck disable=SC2086
(cd "$apt_dir/download" && apt-get $APT_OPTS download "$pkg=$take" >&2) || {
    echo "$0: apt-get download $pkg=$take failed" >&2
    exit 1
}
rm -rf "$tree"
dpkg-deb -x "$apt_dir/download/${pkg}_"*.deb "$tree"
echo "$take" >"$tree/.unpacked"
echo "$tree"
