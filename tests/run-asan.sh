#!/bin/bash
# The tests that exercise gpiodev's and the host side's C code, on the
# sanitizer builds (make check-asan): any AddressSanitizer, LeakSanitizer
# or UndefinedBehaviorSanitizer report fails the program it came from.
# Prints "N passed, N failed".
#
#   tests/run-asan.sh QEMU-ASAN-BUILD HOST-ASAN-BUILD "QTEST..."
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

qemu_build=$(cd "$1" && pwd)
host_build=$(cd "$2" && pwd)
qtests=$3
top=$(cd "$(dirname "$0")/.." && pwd)
log_dir=$top/build/test-logs/asan
mkdir -p "$log_dir"
PYTHON=/usr/bin/python3

# Reports end the process with an error; UBSan's are fatal too.
# Full stacks (GLib has no frame pointers), for the suppressions.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87
export LSAN_OPTIONS=suppressions=$top/tests/lsan.supp:print_suppressions=0
export QEMU_GPIODEV_BUILD=$qemu_build
export QEMU_GPIO_HOST_BUILD=$host_build
export QEMU_GPIODEV_SRC=$top/build/qemu-src
export QTEST_QEMU_BINARY=$qemu_build/qemu-system-arm

. "$top/tests/tap-run.sh"

# A sanitizer report in a log fails its program even if the exit status
# was lost (a QEMU child of a test, say).
check_reports() {
    local name=$1
    if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
            "$log_dir/$name.log"; then
        echo "FAIL $name: sanitizer report in $log_dir/$name.log"
        grep -E -m 5 -A 5 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
            "$log_dir/$name.log" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
}

for t in $qtests; do
    run "qtest-$t" 900 "$qemu_build/tests/qtest/$t" --tap
    check_reports "qtest-$t"
done
run host-lib 600 "$host_build/tests/host/test-lib"
check_reports host-lib
run tools 900 "$PYTHON" "$top/tests/test_tools.py"
check_reports tools
run python-client 600 "$PYTHON" "$top/tests/test_python.py"
check_reports python-client
run tls 600 "$PYTHON" "$top/tests/test_tls.py"
check_reports tls

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
