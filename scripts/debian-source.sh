#!/bin/sh
# Fetch and unpack a pinned Debian source package (SQLite3, lwIP) into the build tree, as the
# project's standards ask: `apt-get source` through deb-src entries this script writes into its own
# ignored directory, for the Debian archives the system's apt already uses.
#
# Usage: scripts/debian-source.sh PACKAGE VERSION DEST
#   Unpacks PACKAGE=VERSION (Debian's patches applied) into DEST/PACKAGE-VERSION and prints that path.
#   A second run with the tree already there does nothing.
set -eu
if [ $# -ne 3 ]; then
    echo "usage: $0 PACKAGE VERSION DEST" >&2
    exit 2
fi
pkg=$1
version=$2
dest=$3
tree=$dest/$pkg-$version
if [ -f "$tree/.unpacked" ]; then
    echo "$tree"
    exit 0
fi
for tool in apt-get dpkg-source; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "$0: $tool is missing (Debian packages apt and dpkg-dev)" >&2
        exit 1
    fi
done
. "$(dirname "$0")/debian-apt.sh"
mkdir -p "$dest"
apt_dir=$(cd "$dest" && pwd)/apt-src
debian_apt_setup "$apt_dir" ""
debian_archives | while read -r uri suites; do
    debian_sources_entry deb-src "$uri" "$suites" ""
done >"$apt_dir/parts/debian.sources"
if ! grep -q URIs "$apt_dir/parts/debian.sources"; then
    echo "$0: no Debian archive found in /etc/apt/sources.list{,.d}" >&2
    exit 1
fi
debian_apt_update Sources "the deb-src entries"
mkdir -p "$apt_dir/download"
# shellcheck disable=SC2086
(cd "$apt_dir/download" && apt-get $APT_OPTS source --download-only "$pkg=$version" >&2) || {
    echo "$0: apt-get source $pkg=$version failed (is the version still in the archive?)" >&2
    exit 1
}
rm -rf "$tree"
dpkg-source --no-check -x "$apt_dir/download/${pkg}_$(echo "$version" | sed 's/^[0-9]*://').dsc" \
    "$tree" >&2
touch "$tree/.unpacked"
echo "$tree"
