#!/bin/bash
# Build a libFuzzer target and run it.
#
#   scripts/fuzz.sh TARGET [SECONDS]
#   FUZZ_RUNS=N scripts/fuzz.sh TARGET SECONDS   (stop after N executions,
#                                                 or SECONDS, whichever first)
#
# TARGET is one of the targets below (fuzz/TARGET-fuzz.c); SECONDS (60 by
# default) is how long it runs, on one job.  The target is built with
# clang into build/fuzz/, with AddressSanitizer, UndefinedBehaviorSanitizer
# and leak checks; qemu-protocol is QEMU's own gpiodev-protocol target
# (qemu/tests/qtest/fuzz/gpiodev_fuzz.c), which `make qemu-asan` builds
# into qemu-fuzz-arm (QEMU_FUZZ overrides where it is).  Each
# runs from its seed corpus (fuzz/corpus/TARGET/,
# which it does not change) and a working corpus in build/fuzz/corpus/,
# which grows from run to run.  Prints the executions count and libFuzzer's
# final coverage figures; exits non-zero on any crash, leak, timeout or
# sanitizer report, leaving the input in build/fuzz/artifacts/TARGET/.
# The log is build/fuzz/TARGET.log: run one TARGET at a time.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/fuzz
CC=${CC:-clang}

targets="lib-parser ugpio-msg qemu-protocol"

usage() {
    echo "usage: $0 TARGET [SECONDS]; targets: $targets" >&2
    exit 2
}

[ $# -ge 1 ] && [ $# -le 2 ] || usage
target=$1
seconds=${2:-60}
case $seconds in
    ''|*[!0-9]*) usage ;;
esac

# Each target: its sources, compiler flags and libFuzzer options.
case $target in
lib-parser)
    # The library's own sources, its connect() played by the harness.
    sources=("$top"/lib/*.c "$top/fuzz/lib-parser-fuzz.c")
    cflags=(-I"$top/lib" -DQGPIO_VERSION='"fuzz"'
            $(pkg-config --cflags gnutls))
    ldflags=($(pkg-config --libs gnutls))
    lib_cflags=(-Dconnect=qgpio_fuzz_connect)
    # Lines up to the library's limit and past it.
    run_opts=(-max_len=20000 -dict="$top/fuzz/lib-parser.dict")
    ;;
ugpio-msg)
    # The ugpio module's message checks, from its own header.
    sources=("$top/fuzz/ugpio-msg-fuzz.c")
    cflags=(-I"$top/kernel")
    ldflags=()
    lib_cflags=()
    run_opts=(-max_len=4096)
    ;;
qemu-protocol)
    # Built by QEMU's build, with its fuzzing support.
    sources=()
    fuzzer=${QEMU_FUZZ:-$top/build/qemu-asan/qemu-fuzz-arm}
    fuzzer_args=(--fuzz-target=gpiodev-protocol)
    # Past the 4096-byte line limit, in chunks of up to 64 bytes.
    run_opts=(-max_len=16384)
    ;;
*)
    usage
    ;;
esac

mkdir -p "$build/obj/$target" "$build/corpus/$target" \
         "$build/artifacts/$target"
if [ ${#sources[@]} -gt 0 ]; then
    flags=(-g -O1 -std=gnu11 -Wall -Wextra -Werror
           -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
           -fno-omit-frame-pointer)
    objs=()
    for src in "${sources[@]}"; do
        obj=$build/obj/$target/$(basename "$src" .c).o
        extra=()
        case $src in
            "$top"/lib/*) extra=("${lib_cflags[@]}") ;;
        esac
        "$CC" "${flags[@]}" "${cflags[@]}" "${extra[@]}" -c "$src" -o "$obj"
        objs+=("$obj")
    done
    fuzzer=$build/$target-fuzz
    fuzzer_args=()
    "$CC" "${flags[@]}" "${objs[@]}" "${ldflags[@]}" -o "$fuzzer"
elif [ ! -x "$fuzzer" ]; then
    echo "$target: no $fuzzer (make qemu-asan builds it)" >&2
    exit 1
fi

log=$build/$target.log
status=0
started=$SECONDS
# Leaks count as failures; so does a single input that takes too long.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$fuzzer" "${fuzzer_args[@]}" -max_total_time="$seconds" -timeout=10 \
    ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target/" "${run_opts[@]}" \
    "$build/corpus/$target" "$top/fuzz/corpus/$target" > "$log" 2>&1 ||
    status=$?

# The log may hold the bytes of an input: read it as text regardless.
grep -aE '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
echo "$target: ${execs:-0} executions in $((SECONDS - started)) s" \
     "($(grep -aEo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1))"
if [ "$status" -ne 0 ] ||
   grep -aqE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' \
        "$log"; then
    echo "$target: FAILED (exit $status); log: $log" >&2
    grep -aE 'ERROR:|runtime error:|SUMMARY:|Test unit written' "$log" |
        head -n 20 >&2
    exit 1
fi
echo "$target: no crash, leak or sanitizer report"
