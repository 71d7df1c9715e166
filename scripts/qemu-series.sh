#!/bin/bash
# Write our QEMU changes as a git format-patch series, with a cover letter,
# that applies with "git am" to the pristine source: one commit per patch
# of qemu/patches/series, holding that patch's hunks plus the new files
# that it adds, each in the version it has at that point of the series.
# Author and Signed-off-by are the git identity of whoever runs it.
#
#   scripts/qemu-series.sh PRISTINE-DIR OUTPUT-DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

pristine=$(cd "$1" && pwd)
out=$2
. "$(dirname "$0")/lib/series.sh"
identity=$(series_identity)
series_read_owners
mapfile -t patches < <(series_patches)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ident_name=${identity% <*}
ident_email=${identity##*<}
ident_email=${ident_email%>}
export GIT_AUTHOR_NAME=$ident_name GIT_AUTHOR_EMAIL=$ident_email
export GIT_COMMITTER_NAME=$ident_name GIT_COMMITTER_EMAIL=$ident_email
git_q=(git -C "$work/qemu" -c commit.gpgsign=false -c core.autocrlf=false
       -c gc.auto=0)

# The version of each new file right after each patch: start from the
# final versions and undo the patches' hunks on new files, last patch
# first.  Before undoing patch N, what the stage holds of the files that
# N adds is their version in N.
stage=$work/stage
mkdir -p "$stage"
for f in "${!series_owner[@]}"; do
    mkdir -p "$(dirname "$stage/$f")"
    cp "$series_overlay/$f" "$stage/$f"
done
for ((i = ${#patches[@]} - 1; i >= 0; i--)); do
    p=${patches[i]}
    for f in "${!series_owner[@]}"; do
        [ "${series_owner[$f]}" = "$p" ] || continue
        mkdir -p "$(dirname "$work/adds/$p/$f")"
        mv "$stage/$f" "$work/adds/$p/$f"
    done
    series_split "$series_overlay/patches/$p" new > "$work/hunks"
    grep -q '^diff --git ' "$work/hunks" || continue
    if ! (cd "$stage" && git apply -R "$work/hunks"); then
        echo "qemu-series: $p's hunks on new files do not undo from" \
             "the files under qemu/ and the later patches; regenerate them" >&2
        exit 1
    fi
done

cp -a "$pristine" "$work/qemu"
"${git_q[@]}" init -q
"${git_q[@]}" add -A
"${git_q[@]}" commit -q -m "QEMU $(cat "$pristine/VERSION")"
base=$("${git_q[@]}" rev-parse HEAD)

for p in "${patches[@]}"; do
    file=$series_overlay/patches/$p
    if ! "${git_q[@]}" apply --index "$file"; then
        echo "qemu-series: $p does not apply" >&2
        exit 1
    fi
    if [ -d "$work/adds/$p" ]; then
        cp -a "$work/adds/$p/." "$work/qemu/"
        (cd "$work/adds/$p" && find . -type f) | "${git_q[@]}" add \
            --pathspec-from-file=-
    fi
    series_message "$file" > "$work/message"
    "${git_q[@]}" commit -q -s -F "$work/message"
done

# The end of the series is what the build uses.
for f in "${!series_owner[@]}"; do
    [ "${series_owner[$f]}" = local ] && continue
    if ! cmp -s "$series_overlay/$f" "$work/qemu/$f"; then
        echo "qemu-series: $f at the end of the series differs from" \
             "qemu/$f" >&2
        exit 1
    fi
done

# The cover letter: qemu/patches/cover-letter, and what the series is for.
{
    cat "$series_overlay/patches/cover-letter"
    printf '\nThe series applies to QEMU %s.\n' "$(cat "$pristine/VERSION")"
} > "$work/cover"
"${git_q[@]}" branch -q -m series
"${git_q[@]}" config branch.series.description "$(cat "$work/cover")"
rm -rf "$out"
mkdir -p "$out"
"${git_q[@]}" format-patch -q --no-signature --cover-letter \
    --cover-from-description=subject -o "$(cd "$out" && pwd)" "$base"..HEAD
ls "$out"
