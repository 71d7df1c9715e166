#!/bin/bash
# Fetch the pristine QEMU 10.0.x source into $1 (a directory under build/).
#
# Either QEMU_TARBALL names an upstream release tarball, or the source comes
# from Debian's "qemu" source package: trixie's, else bookworm-backports',
# from the archive that the machine's apt takes Debian's packages from.
# apt runs with a private state and sources directory under build/, so the
# system's apt configuration is left alone.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
. "$(dirname "$0")/lib/apt-sources.sh"

dest=$1
mkdir -p "$(dirname "$dest")"
work=$(cd "$(dirname "$dest")" && pwd)/apt
tarball=${QEMU_TARBALL:-}

if [ -z "$tarball" ]; then
    mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    site=$(debian_site)
    cat > "$work/sources.list" <<EOT
deb-src [signed-by=$keyring] $site trixie main
deb-src [signed-by=$keyring] $site bookworm-backports main
EOT
    apt_opts=(-q -o "Dir::Etc::SourceList=$work/sources.list"
              -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$work/lists"
              -o "Dir::Cache=$work/cache"
              -o Debug::NoLocking=1
              -o APT::Sandbox::User=root)
    apt-get "${apt_opts[@]}" update >/dev/null
    # Newest 10.0.x among the suites listed above.
    version=$(apt-cache "${apt_opts[@]}" showsrc qemu |
              sed -n 's/^Version: //p' | grep -E '^(1:)?10\.0\.' |
              sort -V | tail -n 1)
    if [ -z "$version" ]; then
        echo "fetch-qemu: no QEMU 10.0.x source package found" >&2
        exit 1
    fi
    (cd "$work/src" && apt-get "${apt_opts[@]}" source --download-only \
        "qemu=$version" >/dev/null)
    upstream=${version#*:}
    upstream=${upstream%-*}
    tarball=$(ls "$work/src/qemu_${upstream}.orig.tar."*)
fi

rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
tar -C "$dest.tmp" --strip-components=1 -xf "$tarball"
if ! grep -qE '^10\.0\.' "$dest.tmp/VERSION"; then
    echo "fetch-qemu: $tarball is QEMU $(cat "$dest.tmp/VERSION"), not 10.0.x" >&2
    exit 1
fi
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "fetch-qemu: QEMU $(cat "$dest/VERSION") from $(basename "$tarball")"
