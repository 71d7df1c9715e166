#!/bin/bash
# Bring the QEMU work tree $2 up to date: the pristine source $1, plus the
# patches listed in qemu/patches/series, plus every new file under qemu/.
#
# Only what changed is touched, so ninja rebuilds incrementally: the patches
# are re-applied (from a clean pristine state) only when one of them changed,
# and overlay files are copied only when their content differs.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

pristine=$1
tree=$2
top=$(cd "$(dirname "$0")/.." && pwd)
overlay=$top/qemu
git_q=(git -C "$tree" -c user.name=qemu-gpiodev -c user.email=build@localhost)

if [ ! -d "$tree/.git" ]; then
    rm -rf "$tree"
    cp -a "$pristine" "$tree"
    "${git_q[@]}" init -q
    "${git_q[@]}" add -A
    "${git_q[@]}" commit -q -m "QEMU $(cat "$tree/VERSION") (pristine)"
    "${git_q[@]}" tag pristine
fi

# Patches: re-apply from pristine whenever the series or a patch changed.
series=$overlay/patches/series
stamp=$tree/.gpiodev-patches
sum=$(cd "$overlay/patches" && cat series $(awk '!/^#/ && NF && $1 != "local" {print $1}' series) | sha256sum)
if [ ! -e "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    "${git_q[@]}" reset -q --hard pristine
    while read -r patch _; do
        case $patch in ''|'#'*|local) continue ;; esac
        if ! "${git_q[@]}" apply --whitespace=nowarn "$overlay/patches/$patch"; then
            echo "prepare-qemu: $patch does not apply" >&2
            rm -f "$stamp"
            exit 1
        fi
        # One commit per patch, so that "git diff" in the tree shows only
        # edits still to be turned into a patch.
        "${git_q[@]}" commit -q -a -m "$patch"
    done < "$series"
    echo "$sum" > "$stamp"
fi

# New files: copy those whose content differs, keeping mtimes of the rest.
(cd "$overlay" && find . -path ./patches -prune -o -type f -print) |
while read -r f; do
    if ! cmp -s "$overlay/$f" "$tree/$f"; then
        mkdir -p "$(dirname "$tree/$f")"
        cp "$overlay/$f" "$tree/$f"
    fi
done
