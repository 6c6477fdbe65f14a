#!/bin/sh
# Fetch and unpack a pinned Debian source package (SQLite3, lwIP) into the build tree, as the
# project's standards ask: `apt-get source` through a deb-src entry this script writes into its own
# ignored directory. The system's apt configuration is read (to use the archive apt already uses)
# and never changed.
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

apt_dir=$(cd "$dest" 2>/dev/null || mkdir -p "$dest" && cd "$dest" && pwd)/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/download"

# One deb-src line per (archive, suite) of the system's Debian sources, both the one-line and the
# deb822 formats; third-party archives (no debian-archive keyring) are left out.
{
    cat /etc/apt/sources.list 2>/dev/null | awk '$1 == "deb" && /debian/ {
        sub(/^deb /, "deb-src "); print }'
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'function flush() {
                 if (types ~ /deb/ && uris ~ /debian/ && suites != "")
                     print "Types: deb-src\nURIs: " uris "\nSuites: " suites \
                           "\nComponents: " comps "\nSigned-By: " key "\n"
                 types = uris = suites = comps = key = "" }
             /^[ \t]*$/ { flush(); next }
             /^Types:/ { types = $0 } /^URIs:/ { sub(/^URIs: */, ""); uris = $0 }
             /^Suites:/ { sub(/^Suites: */, ""); suites = $0 }
             /^Components:/ { sub(/^Components: */, ""); comps = $0 }
             /^Signed-By:/ { sub(/^Signed-By: */, ""); key = $0 }
             END { flush() }' "$f"
    done
} >"$apt_dir/sources.tmp"
# One-line entries go to sources.list, deb822 stanzas to a .sources part.
grep '^deb-src ' "$apt_dir/sources.tmp" >"$apt_dir/sources.list" || true
mkdir -p "$apt_dir/parts"
grep -v '^deb-src ' "$apt_dir/sources.tmp" >"$apt_dir/parts/debian.sources" || true
rm -f "$apt_dir/sources.tmp"
if ! [ -s "$apt_dir/sources.list" ] && ! grep -q URIs "$apt_dir/parts/debian.sources"; then
    echo "$0: no Debian archive found in /etc/apt/sources.list{,.d}" >&2
    exit 1
fi

set -- -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts" \
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" \
    -o "APT::Sandbox::User=$(id -un)" -q
if ! ls "$apt_dir"/lists/*Sources* >/dev/null 2>&1; then
    apt-get "$@" update >&2 || {
        echo "$0: apt-get update of the deb-src entries failed (no network to the Debian archive?)" >&2
        exit 1
    }
fi
(cd "$apt_dir/download" && apt-get "$@" source --download-only "$pkg=$version" >&2) || {
    echo "$0: apt-get source $pkg=$version failed (is the version still in the archive?)" >&2
    exit 1
}
rm -rf "$tree"
dpkg-source --no-check -x "$apt_dir/download/${pkg}_$(echo "$version" | sed 's/^[0-9]*://').dsc" \
    "$tree" >&2
touch "$tree/.unpacked"
echo "$tree"
