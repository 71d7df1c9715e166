#!/bin/bash
# Let a QEMU run from its build directory find the firmware that the
# source tree carries (Debian's tarball keeps only what it can build from
# source, such as the NPCM7xx boot ROM that npcm750-evb loads):
# --disable-install-blobs leaves the build's qemu-bundle without it.
#
#   scripts/link-firmware.sh QEMU-SRC QEMU-BUILD
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

src=$1
datadir=$2/qemu-bundle/usr/local/share/qemu
mkdir -p "$datadir"
for f in "$src"/pc-bios/*.bin; do
    ln -sfn "$(realpath "$f")" "$datadir/"
done
