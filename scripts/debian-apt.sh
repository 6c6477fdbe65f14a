# Sourced by scripts/debian-*.sh: run apt-get on a private configuration under a directory of the
# build tree, so that the system's apt configuration is read but never changed.
#
# debian_apt_setup DIR ARCH: make DIR/{lists,cache,parts}; set APT_OPTS for apt-get/apt-cache.
#   ARCH empty: the host's architecture (for deb-src); else that one only (binary packages of
#   another architecture, with an empty dpkg status so the host's installed packages do not count).
# debian_archives: print "URI SUITE..." for each Debian archive the system's apt uses (one-line
#   and deb822 sources; third-party archives, without "debian" in their URI, are left out).
debian_apt_setup() {
    apt_dir=$1
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts"
    : >"$apt_dir/sources.list"
    APT_OPTS="-q -o Dir::Etc::SourceList=$apt_dir/sources.list -o Dir::Etc::SourceParts=$apt_dir/parts
        -o Dir::State::Lists=$apt_dir/lists -o Dir::Cache=$apt_dir/cache
        -o APT::Sandbox::User=$(id -un)"
    if [ -n "$2" ]; then
        APT_OPTS="$APT_OPTS -o APT::Architecture=$2 -o APT::Architectures::=$2
            -o Dir::State::status=/dev/null"
    fi
}

debian_archives() {
    if [ -f /etc/apt/sources.list ]; then
        awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                           if ($i ~ /debian/) print $i, $(i + 1) }' /etc/apt/sources.list
    fi
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'function flush() { if (types ~ /deb/ && uris ~ /debian/) print uris, suites
                                types = uris = suites = "" }
             /^[ \t]*$/ { flush(); next }
             /^Types:/ { types = $0 } /^URIs:/ { sub(/^URIs: */, ""); uris = $0 }
             /^Suites:/ { sub(/^Suites: */, ""); suites = $0 }
             END { flush() }' "$f"
    done
}

# debian_sources_entry TYPE URI SUITES ARCH: one deb822 stanza signed by Debian's archive key.
debian_sources_entry() {
    printf 'Types: %s\nURIs: %s\nSuites: %s\nComponents: main\n' "$1" "$2" "$3"
    if [ -n "$4" ]; then
        printf 'Architectures: %s\n' "$4"
    fi
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n'
}

# debian_apt_update KIND WHAT: apt-get update of the private lists, unless lists of KIND (Sources,
# Packages) are already there; WHAT names the entries in the error.
debian_apt_update() {
    if ls "$apt_dir"/lists/*"$1"* >/dev/null 2>&1; then
        return 0
    fi
    # shellcheck disable=SC2086
    apt-get $APT_OPTS update >&2 || {
        echo "$0: apt-get update of $2 failed (no network to the Debian archive?)" >&2
        exit 1
    }
}
