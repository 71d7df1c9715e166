#!/bin/bash
# Run every test of the project and print "N passed, N failed".
#
#   tests/run-all.sh QEMU-BUILD-DIR HOST-BUILD-DIR GUEST-DIR HOSTCHIP-DIR
#
# Each test program speaks TAP; a program that dies without reporting a
# failure counts as one failed test.
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

qemu_build=$(cd "$1" && pwd)
host_build=$(cd "$2" && pwd)
guest_dir=$(cd "$3" && pwd)
hostchip_dir=$(cd "$4" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
log_dir=$top/build/test-logs
mkdir -p "$log_dir"
export QTEST_QEMU_BINARY=$qemu_build/qemu-system-arm
export QEMU_GPIODEV_BUILD=$qemu_build
export QEMU_GPIO_HOST_BUILD=$host_build
export QEMU_GPIODEV_GUEST=$guest_dir
export QEMU_GPIO_HOSTCHIP=$hostchip_dir
# QEMU's source tree, for its python/ (qemu.qmp).
export QEMU_GPIODEV_SRC=$top/build/qemu-src
# Debian's interpreter, whose packages install-deps.sh provides.
PYTHON=/usr/bin/python3

. "$top/tests/tap-run.sh"

# qtest-TARGET-TEST: QEMU's qtests and ours, on each target's binary.
declare -A qtests=(
    [arm]="gpiodev-aspeed-test aspeed_gpio-test pl061-test imx-gpio-test
           bcm2835-gpio-test stm32l4x5_gpio-test stm32l4x5_syscfg-test
           npcm7xx_gpio-test microbit-test pca9554-test pcf8574-test
           collie-test omap-gpio-test
           gpiodev-models-test qom-test
           device-introspect-test"
    [aarch64]="gpiodev-aspeed-test ast2700-gpio-test pl061-test
               bcm2835-gpio-test gpiodev-models-test bcm2835-dma-test
               bcm2835-i2c-test qom-test device-introspect-test"
    [riscv64]="sifive-gpio-test gpiodev-models-test qom-test
               device-introspect-test"
    [ppc]="mpc8xxx-gpio-test gpiodev-models-test device-introspect-test"
)
for target in arm aarch64 riscv64 ppc; do
    for t in ${qtests[$target]}; do
        QTEST_QEMU_BINARY=$qemu_build/qemu-system-$target \
            run "qtest-$target-$t" 600 "$qemu_build/tests/qtest/$t" --tap
    done
done
# The socket file's permissions and early signals, as strace sees them;
# migration and snapshots with the Debian guest.
run socket-lifecycle 300 "$PYTHON" "$top/tests/test_socket_lifecycle.py"
run migration 600 "$PYTHON" "$top/tests/test_migration.py"
# The soak, on a small scale so that it cannot rot (make soak: full).
run soak-smoke 600 "$PYTHON" "$top/tests/soak.py" --scale 0.05
# TLS and authorization with GnuTLS's certtool certificates.
run tls 300 "$PYTHON" "$top/tests/test_tls.py"
# Core, backends and monitor code depend one way only.
run layering 60 bash "$top/tests/check_layering.sh" "$qemu_build" \
    "$top/build/qemu-src"
# Host side, under valgrind so that leaks and bad accesses fail.
VALGRIND=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite
          --error-exitcode=3)
run host-lib 300 "${VALGRIND[@]}" "$host_build/tests/host/test-lib"
# Each allocation of a session failing in turn (the failmalloc shim,
# preloaded; valgrind must leave the shim's malloc() alone).
run host-nomem 600 env LD_PRELOAD="$host_build/tests/host/libfailmalloc.so" \
    VALGRIND_OPTS=--soname-synonyms=somalloc=nouserintercepts \
    "${VALGRIND[@]}" "$host_build/tests/host/test-nomem"
# The libFuzzer targets, 30 seconds each: a crash, leak or sanitizer
# report fails (make fuzz runs them longer).  qemu-protocol is QEMU's,
# from the sanitizer build (make qemu-asan).
for target in lib-parser ugpio-msg qemu-protocol; do
    run "fuzz-$target" 300 bash "$top/scripts/fuzz.sh" "$target" 30
done
# The one-shot tool runs under valgrind too.
export QEMU_GPIO_VALGRIND=1
run tools 900 "$PYTHON" "$top/tests/test_tools.py"
unset QEMU_GPIO_VALGRIND
run python-client 300 "$PYTHON" "$top/tests/test_python.py"
run guest 600 "$PYTHON" "$top/tests/test_guest.py"
run boards 1200 "$PYTHON" "$top/tests/test_boards.py"
# Bare-metal firmware on the microcontroller boards.
run firmware 300 "$PYTHON" "$top/tests/test_firmware.py"
run qmp 300 "$PYTHON" "$top/tests/test_qmp.py"
# The host chip: the ugpio module and the bridge in VMs of Debian's kernels.
run host-chip 900 "$PYTHON" "$top/tests/test_host_chip.py"
# The README's host-chip commands, on a Debian 12 machine in a VM.
run host-machine 900 "$PYTHON" "$top/tests/test_host_machine.py"
run timestamps 120 "$PYTHON" "$top/tests/test_timestamps.py"
# The benchmark, on a tiny count so that it cannot rot; no timing is
# checked here.
run bench-smoke 120 "$host_build/bench/bench" -n 50 -r 1 \
    -g "$host_build/bench/toggle-smoke.elf" -t 100000 \
    -e "$host_build/bench/echo.elf" -l 20 \
    -o "$log_dir/bench-smoke.json"
HOSTCHIP_BENCH_SAMPLES=50 HOSTCHIP_BENCH_SECONDS=0.5 \
    run hostchip-bench-smoke 300 "$PYTHON" "$top/bench/hostchip_bench.py" \
    "$qemu_build" "$host_build" "$hostchip_dir" "$log_dir/hostchip-bench.json"
run socat-two-clients 120 "$PYTHON" "$top/tests/socat_two_clients.py"
run demo 300 "$PYTHON" "$top/scripts/demo.py" "$qemu_build" "$host_build" "$guest_dir"
run demo-raspi2b 300 "$PYTHON" "$top/scripts/demo.py" --board raspi2b \
    "$qemu_build" "$host_build" "$guest_dir"
# The scripts: apt sources from the machine's configuration; our QEMU
# changes as a signed-off series that applies to the pristine source and
# that QEMU's own checkpatch.pl passes.
run scripts 600 bash "$top/tests/test_scripts.sh" "$top/build/qemu-pristine"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
