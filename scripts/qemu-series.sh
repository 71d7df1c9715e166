#!/bin/bash
# Write our QEMU changes as a git format-patch series that applies to the
# pristine source: one commit per line of qemu/patches/series, holding
# that patch's edits to existing files plus the new files the line names.
#
#   scripts/qemu-series.sh PRISTINE-DIR OUTPUT-DIR
#
# Fails when a file under qemu/ belongs to no line, or to more than one.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

pristine=$(cd "$1" && pwd)
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
overlay=$top/qemu
series=$overlay/patches/series
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git_q=(git -C "$work/qemu" -c user.name=qemu-gpiodev
       -c user.email=qemu-gpiodev@localhost -c commit.gpgsign=false)

# Which series line each new file belongs to.
declare -A owner
while read -r patch globs; do
    case $patch in ''|'#'*) continue ;; esac
    for g in $globs; do
        matched=
        for f in $(cd "$overlay" && compgen -G "$g" || true); do
            [ -f "$overlay/$f" ] || continue
            if [ -n "${owner[$f]:-}" ]; then
                echo "qemu-series: $f is listed by both ${owner[$f]}" \
                     "and $patch" >&2
                exit 1
            fi
            owner[$f]=$patch
            matched=1
        done
        if [ -z "$matched" ]; then
            echo "qemu-series: '$g' of $patch matches no file" >&2
            exit 1
        fi
    done
done < "$series"
orphans=$(cd "$overlay" && find . -path ./patches -prune -o -type f -print |
          sed 's|^\./||' | sort | while read -r f; do
              [ -n "${owner[$f]:-}" ] || echo "$f"
          done)
if [ -n "$orphans" ]; then
    echo "qemu-series: files under qemu/ in no line of the series:" >&2
    printf '  %s\n' $orphans >&2
    exit 1
fi

cp -a "$pristine" "$work/qemu"
"${git_q[@]}" init -q
"${git_q[@]}" add -A
"${git_q[@]}" commit -q -m "QEMU $(cat "$pristine/VERSION")"
base=$("${git_q[@]}" rev-parse HEAD)

while read -r patch _; do
    case $patch in ''|'#'*|local) continue ;; esac
    if ! "${git_q[@]}" am -q --keep-cr "$overlay/patches/$patch"; then
        echo "qemu-series: $patch does not apply" >&2
        exit 1
    fi
    for f in "${!owner[@]}"; do
        [ "${owner[$f]}" = "$patch" ] || continue
        mkdir -p "$(dirname "$work/qemu/$f")"
        cp "$overlay/$f" "$work/qemu/$f"
        "${git_q[@]}" add "$f"
    done
    "${git_q[@]}" commit -q --amend --no-edit
done < "$series"

rm -rf "$out"
mkdir -p "$out"
"${git_q[@]}" format-patch -q --no-signature -o "$(cd "$out" && pwd)" \
    "$base"..HEAD
ls "$out"
