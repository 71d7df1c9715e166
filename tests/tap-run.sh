# The test runner's bookkeeping, sourced by run-all.sh and run-asan.sh:
# run() runs one TAP-speaking program with a time limit, logs it in
# $log_dir, and counts its tests in $passed and $failed.
# SPDX-License-Identifier: GPL-2.0-or-later

passed=0
failed=0

# run NAME TIMEOUT COMMAND...: run a TAP-speaking test program.
run() {
    local name=$1 limit=$2 log=$log_dir/$1.log status ok bad
    shift 2
    timeout --kill-after=10 "$limit" "$@" > "$log" 2>&1
    status=$?
    ok=$(grep -cE '^ok ' "$log")
    bad=$(grep -cE '^not ok ' "$log")
    if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
        bad=1
    fi
    # A program that is not TAP counts as one test, by its exit status.
    if [ "$status" -eq 0 ] && [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
        ok=1
    fi
    passed=$((passed + ok))
    failed=$((failed + bad))
    if [ "$bad" -ne 0 ]; then
        echo "FAIL $name ($ok passed, $bad failed, exit $status); log: $log"
        grep -E '^not ok |ERROR|Bail out' "$log" | head -n 20 | sed 's/^/    /'
    else
        echo "PASS $name ($ok tests)"
    fi
}
