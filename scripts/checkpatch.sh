#!/bin/bash
# Run QEMU's scripts/checkpatch.pl over the series that qemu-series.sh
# wrote.  Exits non-zero if any patch has an error; warnings are shown.
#
#   scripts/checkpatch.sh PRISTINE-DIR SERIES-DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

pristine=$1
series_dir=$(cd "$2" && pwd)
status=0
for p in "$series_dir"/*.patch; do
    # checkpatch.pl looks for the tree it checks against in the cwd.
    if ! (cd "$pristine" && perl scripts/checkpatch.pl --no-tree -q "$p"); then
        status=1
    fi
done
[ "$status" -eq 0 ] && echo "checkpatch: no errors in $(ls "$series_dir"/*.patch | wc -l) patches"
exit "$status"
