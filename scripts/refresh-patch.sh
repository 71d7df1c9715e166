#!/bin/bash
# Developer helper: fold the uncommitted edits in build/qemu-src into the
# patch PATCH-FILE of qemu/patches/series, and rewrite that patch file
# and every later one from the work tree's commits.
#
#   scripts/refresh-patch.sh 0003-hw-gpio-aspeed-gpio-controller.patch
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/qemu-src
patch=$1
git_q=(git -C "$tree" -c user.name=qemu-gpiodev -c user.email=build@localhost)

commit=$("${git_q[@]}" log --format=%H --grep="^$patch\$" -n 1)
if [ -z "$commit" ]; then
    echo "refresh-patch: no commit for $patch in $tree" >&2
    exit 1
fi
if ! "${git_q[@]}" diff --quiet; then
    "${git_q[@]}" commit -q -a --fixup="$commit"
    GIT_SEQUENCE_EDITOR=true "${git_q[@]}" rebase -q -i --autosquash \
        "$commit~1"
fi

# Rewrite the patch files from $patch on, keeping their mail headers.
found=
while read -r p _; do
    case $p in ''|'#'*|local) continue ;; esac
    [ "$p" = "$patch" ] && found=1
    [ -n "$found" ] || continue
    c=$("${git_q[@]}" log --format=%H --grep="^$p\$" -n 1)
    file=$top/qemu/patches/$p
    header=$(sed '/^diff --git /,$d' "$file")
    { printf '%s\n' "$header"; "${git_q[@]}" diff "$c~1" "$c"; } > "$file.new"
    mv "$file.new" "$file"
done < "$top/qemu/patches/series"

# The tree already matches the series: do not re-apply it.
sum=$(cd "$top/qemu/patches" &&
      cat series $(awk '!/^#/ && NF && $1 != "local" {print $1}' series) | sha256sum)
echo "$sum" > "$tree/.gpiodev-patches"
