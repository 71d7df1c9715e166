#!/bin/bash
# The gpiodev code depends one way: backends (socket, protocol) and the
# monitor (qmp, hmp) -> backend base (gpiodev.c) -> core (gpio-core.c)
# -> the gpio-controller interface.  Checked on what the compiled
# objects call and include, so that a new call against the flow fails.
#
#   tests/check_layering.sh QEMU-BUILD-DIR QEMU-SOURCE-DIR
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

objs=$1/libcommon.a.p
src=$2/gpiodev
n=0
fail=0

# check NAME OBJECT PATTERN: OBJECT calls no symbol matching PATTERN.
check() {
    local bad
    n=$((n + 1))
    bad=$(nm -u "$objs/gpiodev_$2.c.o" | awk '{print $2}' | grep -E "$3")
    if [ -n "$bad" ]; then
        echo "not ok $n - $1:" $bad
        fail=1
    else
        echo "ok $n - $1"
    fi
}

# check_includes NAME FILE PATTERN: FILE includes no header matching PATTERN.
check_includes() {
    local bad
    n=$((n + 1))
    bad=$(grep -E '^#include' "$src/$2" | grep -E "$3")
    if [ -n "$bad" ]; then
        echo "not ok $n - $1: $bad"
        fail=1
    else
        echo "ok $n - $1"
    fi
}

monitor='^(qmp_|hmp_|qapi_event_|monitor_)|_(qmp|hmp)_'
backends='^(gpiodev_socket|gpio_session|gpio_request|gpio_format|gpio_edge)'
check "the core calls neither QMP nor HMP" gpio-core "$monitor"
check "the core calls no backend" gpio-core "$backends"
check "the core does not call the backend base" gpio-core '^gpiodev_(new|find|delete|foreach)'
check "the backend base calls neither QMP nor HMP" gpiodev "$monitor"
check "the backend base calls no backend type" gpiodev "$backends"
check "the socket backend calls neither QMP nor HMP" socket "$monitor"
check "the protocol codec calls neither QMP nor HMP" protocol "$monitor"
check "QMP calls no backend type" qmp "$backends"
for f in gpio-core.c gpiodev.c socket.c protocol.c; do
    check_includes "$f includes no monitor header" "$f" \
        'qapi-commands|qapi-events|monitor/'
done
echo "1..$n"
exit $fail
