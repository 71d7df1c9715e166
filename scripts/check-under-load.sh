#!/bin/bash
# make check-under-load: "make check" and "make demo", ROUNDS times in a
# row (default 5), while stress-ng keeps two CPUs busy, as on a loaded CI
# machine.  Stops at the first round that fails.
#
#   scripts/check-under-load.sh QEMU-BUILD HOST-BUILD GUEST-DIR HOSTCHIP-DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-5}
hogs=${HOGS:-2}
log_dir=$top/build/under-load
mkdir -p "$log_dir"

setsid stress-ng --cpu "$hogs" --quiet &
stress=$!
trap 'kill -- -$stress 2>/dev/null; wait $stress 2>/dev/null' EXIT
sleep 1
if ! kill -0 "$stress" 2>/dev/null; then
    echo "check-under-load: stress-ng did not start" >&2
    exit 1
fi
echo "check-under-load: $rounds rounds with $hogs CPU hogs (stress-ng, pid $stress)"

for ((i = 1; i <= rounds; i++)); do
    start=$SECONDS
    if ! bash "$top/tests/run-all.sh" "$@" > "$log_dir/check-$i.log" 2>&1; then
        grep -E '^FAIL|passed, ' "$log_dir/check-$i.log"
        echo "check-under-load: make check failed in round $i;" \
             "log: $log_dir/check-$i.log"
        exit 1
    fi
    if ! /usr/bin/python3 "$top/scripts/demo.py" "${@:1:3}" \
         > "$log_dir/demo-$i.log" 2>&1; then
        tail -5 "$log_dir/demo-$i.log"
        echo "check-under-load: make demo failed in round $i;" \
             "log: $log_dir/demo-$i.log"
        exit 1
    fi
    if ! kill -0 "$stress" 2>/dev/null; then
        echo "check-under-load: stress-ng died during round $i" >&2
        exit 1
    fi
    echo "round $i: $(tail -1 "$log_dir/check-$i.log"), demo passed" \
         "($((SECONDS - start)) s)"
done
echo "check-under-load: $rounds of $rounds rounds passed"
