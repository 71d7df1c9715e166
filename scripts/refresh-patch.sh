#!/bin/bash
# Developer helper: fold the uncommitted edits to the pristine source's
# files in build/qemu-src into the patch PATCH-FILE of qemu/patches/series,
# and rewrite that patch file and every later one from the work tree's
# commits, keeping each one's message and its hunks on new files.
#
#   scripts/refresh-patch.sh 0006-hw-gpio-aspeed-implement-gpio-controller.patch
#
# Edits to new files go to the files under qemu/ themselves.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib/series.sh"
tree=$top/build/qemu-src
patch=$1
git_q=(git -C "$tree" -c user.name=qemu-gpiodev -c user.email=build@localhost
       -c commit.gpgsign=false -c gc.auto=0)

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

# Rewrite the patch files from $patch on.
found=
for p in $(series_patches) $(series_local_patches); do
    [ "$p" = "$patch" ] && found=1
    [ -n "$found" ] || continue
    c=$("${git_q[@]}" log --format=%H --grep="^$p\$" -n 1)
    file=$series_overlay/patches/$p
    {
        series_split "$file" old | sed '/^diff --git /,$d'
        "${git_q[@]}" diff "$c~1" "$c"
        series_split "$file" new | sed -n '/^diff --git /,$p'
    } > "$file.new"
    mv "$file.new" "$file"
done

# The tree already matches the series: do not re-apply it.
sum=$(cd "$series_overlay/patches" &&
      cat series $(series_patches) $(series_local_patches) | sha256sum)
echo "$sum" > "$tree/.gpiodev-patches"
