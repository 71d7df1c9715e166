#!/bin/bash
# The project's own scripts, as a user runs them:
#  - the apt sources that install-deps.sh and fetch-qemu.sh use come from
#    the machine's apt configuration, not from a hard-coded archive;
#  - qemu-series.sh refuses to write a series without a git identity, and
#    with one writes a signed-off series (at least eight patches and a
#    cover letter) without the local changes, that QEMU's checkpatch.pl
#    passes (errors, and warnings but MAINTAINERS for new files);
#  - Linux's checkpatch.pl passes the ugpio module.
#
#   tests/test_scripts.sh PRISTINE-DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
pristine=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
status=0

tap() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        status=1
    fi
}

# An apt configuration of our own: SOURCES-LINES... as its sources.list.
fake_apt() {
    local dir=$tmp/apt-$n
    mkdir -p "$dir/parts" "$dir/lists"
    printf '%s\n' "$@" > "$dir/sources.list"
    cat > "$dir/apt.conf" <<EOT
Dir::Etc::SourceList "$dir/sources.list";
Dir::Etc::SourceParts "$dir/parts";
Dir::State::Lists "$dir/lists";
EOT
    echo "$dir/apt.conf"
}

apt_sources() {
    APT_CONFIG=$1 bash -c ". '$top/scripts/lib/apt-sources.sh'; $2"
}

# apt sources
conf=$(fake_apt "deb http://mirror.example.org/debian bookworm main contrib")
out=$(apt_sources "$conf" backports_source)
echo "$out" | grep -qx "URIs: http://mirror.example.org/debian" &&
    echo "$out" | grep -qx "Suites: bookworm-backports"
tap $? "backports come from the machine's mirror: $(echo $out)"
out=$(apt_sources "$conf" debian_site)
[ "$out" = http://mirror.example.org/debian ]
tap $? "QEMU's source package comes from the machine's mirror: $out"

conf=$(fake_apt "deb http://mirror.example.org/debian bookworm main" \
                "deb http://other.example.org/debian bookworm-backports main")
out=$(apt_sources "$conf" backports_source)
[ -z "$out" ]
tap $? "no backports source is added when apt has one: '$out'"

conf=$(fake_apt "deb http://mirror.example.org/ubuntu jammy main")
out=$(apt_sources "$conf" backports_source 2>&1)
rc=$?
[ "$rc" -ne 0 ] && echo "$out" | grep -q "no source for bookworm main"
tap $? "no bookworm source: a clear error ($out)"

# The series: refused without an identity.
out=$(env -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL HOME="$tmp" \
      GIT_CONFIG_NOSYSTEM=1 XDG_CONFIG_HOME="$tmp" \
      bash "$top/scripts/qemu-series.sh" "$pristine" "$tmp/none" 2>&1)
rc=$?
[ "$rc" -ne 0 ] && echo "$out" | grep -q "no git identity" &&
    [ ! -e "$tmp/none" ]
tap $? "qemu-series refuses to write a series without a git identity"

# ... and written with one.
series=$tmp/series
GIT_AUTHOR_NAME="Series Check" GIT_AUTHOR_EMAIL=check@example.org \
    bash "$top/scripts/qemu-series.sh" "$pristine" "$series" > "$tmp/log" 2>&1
tap $? "qemu-series writes the series: $(tail -1 "$tmp/log")"
patches=("$series"/0*.patch)
[ -e "$series/0000-cover-letter.patch" ] && [ "${#patches[@]}" -ge 9 ]
tap $? "a cover letter and at least eight patches: $((${#patches[@]} - 1))"
bad=0
for p in "${patches[@]}"; do
    grep -qx "From: Series Check <check@example.org>" "$p" || bad=1
    case $p in */0000-cover-letter.patch) continue ;; esac
    grep -qx "Signed-off-by: Series Check <check@example.org>" "$p" || bad=1
done
tap $bad "every patch is by, and signed off by, the identity that wrote it"
# Lines a patch changes, and the files it touches; not its context.
! cat "${patches[@]}" | grep -E '^([-+]|diff --git )' |
    grep -vE '^(\+\+\+|---) ' | grep -q "edk2\|gpiodev.mak"
tap $? "the local changes (edk2 blobs, device config) are not in it"
! grep -q "^+M:" "${patches[@]}"
tap $? "no MAINTAINERS entry with an invented name"
grep -q "^Cc: qemu-stable@nongnu.org" "$series"/0001-*.patch
tap $? "the ASPEED fix comes first, marked for stable"

bash "$top/scripts/checkpatch.sh" "$pristine" "$series" > "$tmp/log" 2>&1
tap $? "checkpatch: $(tail -1 "$tmp/log")"

bash "$top/scripts/kernel-checkpatch.sh" "$top/build/linux-checkpatch" \
    > "$tmp/log" 2>&1
tap $? "Linux's checkpatch: $(tail -1 "$tmp/log")"

echo "1..$n"
exit "$status"
