#!/bin/bash
# Bring the QEMU work tree $2 up to date: the pristine source $1, plus the
# patches of qemu/patches/series, plus the local patches, plus every new
# file under qemu/ (see scripts/lib/series.sh for how these fit together).
#
# Only what changed is touched, so ninja rebuilds incrementally: the patches
# are re-applied (from a clean pristine state) only when one of them changed,
# and new files are copied only when their content differs.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

pristine=$1
tree=$(realpath -m "$2")
. "$(dirname "$0")/lib/series.sh"
git_q=(git -C "$tree" -c user.name=qemu-gpiodev -c user.email=build@localhost
       -c commit.gpgsign=false -c gc.auto=0)

if [ ! -d "$tree/.git" ]; then
    rm -rf "$tree"
    cp -a "$pristine" "$tree"
    "${git_q[@]}" init -q
    "${git_q[@]}" add -A
    "${git_q[@]}" commit -q -m "QEMU $(cat "$tree/VERSION") (pristine)"
    "${git_q[@]}" tag pristine
fi

# Patches: re-apply from pristine whenever the series or a patch changed.
# The work tree gets one commit per patch, holding its changes to the
# pristine source's files only (new files are copied below, in their
# final version), so that "git diff" shows the edits still to be turned
# into a patch and scripts/refresh-patch.sh knows where they go.
stamp=$tree/.gpiodev-patches
patches=$(series_patches)
locals=$(series_local_patches)
sum=$(cd "$series_overlay/patches" && cat series $patches $locals | sha256sum)
if [ ! -e "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    rm -f "$stamp"
    "${git_q[@]}" reset -q --hard pristine
    for patch in $patches $locals; do
        series_split "$series_overlay/patches/$patch" old > "$tree/.git/hunks"
        if grep -q '^diff --git ' "$tree/.git/hunks" &&
           ! "${git_q[@]}" apply --index --whitespace=nowarn \
               "$tree/.git/hunks"; then
            echo "prepare-qemu: $patch does not apply" >&2
            exit 1
        fi
        "${git_q[@]}" commit -q --allow-empty -m "$patch"
    done
    echo "$sum" > "$stamp"
fi

# New files: copy those whose content differs, keeping mtimes of the rest.
series_new_files | while read -r f; do
    if ! cmp -s "$series_overlay/$f" "$tree/$f"; then
        mkdir -p "$(dirname "$tree/$f")"
        cp "$series_overlay/$f" "$tree/$f"
    fi
done
