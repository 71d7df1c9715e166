#!/bin/bash
# Run Linux's scripts/checkpatch.pl over the ugpio module (kernel/).
# The script comes from Debian's linux-source package of the newest
# kernel the module is built for, fetched once into WORK-DIR with a
# private apt state.  Fails on any error or warning.
#
#   scripts/kernel-checkpatch.sh WORK-DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib/apt-sources.sh"
work=$(mkdir -p "$1" && cd "$1" && pwd)
checkpatch=$work/scripts/checkpatch.pl

if [ ! -e "$checkpatch" ]; then
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    apt_private "$work/apt" \
        "deb [signed-by=$keyring] $(debian_site) bookworm-backports main"
    apt-get "${APT_OPTS[@]}" update >/dev/null
    pkg=$(apt-cache "${APT_OPTS[@]}" search --names-only '^linux-source-6\.' |
          awk '{print $1}' | sort -V | tail -n 1)
    rm -rf "$work/deb"
    mkdir -p "$work/deb"
    (cd "$work/deb" && apt-get "${APT_OPTS[@]}" download "$pkg" >/dev/null)
    dpkg-deb --fsys-tarfile "$work"/deb/*.deb |
        tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
        tar -xJ -C "$work" --strip-components=1 --wildcards \
            '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
            '*/scripts/const_structs.checkpatch'
    rm -rf "$work/deb" "$work/apt"
fi

cd "$top/kernel"
# --strict as for new drivers; the uapi header is held to the plain
# rules, as BIT() does not exist for userspace.
perl "$checkpatch" --no-tree --strict -q -f ugpio.c
perl "$checkpatch" --no-tree --strict -q -f ugpio-msg.h
perl "$checkpatch" --no-tree -q -f ugpio.h
echo "kernel-checkpatch: ugpio.c, ugpio-msg.h (--strict) and ugpio.h are clean"
