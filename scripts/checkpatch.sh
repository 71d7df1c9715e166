#!/bin/bash
# Run QEMU's scripts/checkpatch.pl over the series that qemu-series.sh
# wrote.  Fails on any error and on any warning but one: that new files
# have no MAINTAINERS entry, which the series leaves to its submitter
# (docs/design.md, "The QEMU series").
#
#   scripts/checkpatch.sh PRISTINE-DIR SERIES-DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

pristine=$1
series_dir=$(cd "$2" && pwd)
allowed='added, moved or deleted file(s), does MAINTAINERS need updating?'
status=0
n=0
for p in "$series_dir"/0*.patch; do
    case $p in */0000-cover-letter.patch) continue ;; esac
    n=$((n + 1))
    # checkpatch.pl looks for the tree it checks against in the cwd.
    report=$(cd "$pristine" && perl scripts/checkpatch.pl --no-tree "$p" 2>&1)
    problems=$(printf '%s\n' "$report" | grep -E '^(ERROR|WARNING):' |
               grep -vF "WARNING: $allowed")
    if [ -n "$problems" ]; then
        echo "== $(basename "$p")"
        printf '%s\n' "$report" | grep -vF "$allowed"
        status=1
    fi
done
if [ "$status" -eq 0 ]; then
    echo "checkpatch: $n patches, no errors, no warnings but MAINTAINERS for new files"
fi
exit "$status"
