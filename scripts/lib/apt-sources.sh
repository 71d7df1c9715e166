# What install-deps.sh reads from the machine's apt configuration (or
# from the one $APT_CONFIG names, as apt itself does).
# SPDX-License-Identifier: GPL-2.0-or-later

# The archive that apt takes SUITE's main component from (a mirror, a
# proxy's address, a local copy), or nothing.
apt_configured_site() {
    apt-get indextargets --no-release-info \
        --format '$(SITE) $(RELEASE) $(COMPONENT)' \
        'Created-By: Packages' |
        awk -v suite="$1" '!seen && $2 == suite && $3 == "main" {
            print $1; seen = 1
        }'
}

# The deb822 source for bookworm-backports, from the archive that serves
# bookworm: nothing when backports are configured already; fails when no
# source serves bookworm main, for then there is no archive to take.
backports_source() {
    local site keyring=/usr/share/keyrings/debian-archive-keyring.gpg

    [ -z "$(apt_configured_site bookworm-backports)" ] || return 0
    site=$(apt_configured_site bookworm)
    if [ -z "$site" ]; then
        echo "apt has no source for bookworm main, so no archive to take" \
             "bookworm-backports from; add one" >&2
        return 1
    fi
    echo "Types: deb"
    echo "URIs: $site"
    echo "Suites: bookworm-backports"
    echo "Components: main"
    [ ! -e "$keyring" ] || echo "Signed-By: $keyring"
}

# The archive that serves Debian's release (bookworm or trixie) to this
# machine; fails when apt has none.
debian_site() {
    local suite site
    for suite in bookworm trixie; do
        site=$(apt_configured_site "$suite")
        if [ -n "$site" ]; then
            echo "$site"
            return 0
        fi
    done
    echo "apt has no source for Debian bookworm or trixie main; add one," \
         "or set QEMU_TARBALL to an upstream QEMU 10.0.x tarball" >&2
    return 1
}

# apt_private DIR SOURCES-LINE...: an apt state of our own in DIR, whose
# sources are the given sources.list lines, leaving the machine's apt
# configuration and state alone; sets APT_OPTS for apt-get and apt-cache.
apt_private() {
    local dir=$1

    shift
    mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
    printf '%s\n' "$@" > "$dir/sources.list"
    APT_OPTS=(-q -o "Dir::Etc::SourceList=$dir/sources.list"
              -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$dir/lists"
              -o "Dir::Cache=$dir/cache"
              -o Dir::State::Status=/dev/null
              -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
}
