#!/bin/bash
# Check the series that qemu-series.sh wrote as a maintainer would: every
# patch applies in order with "git am" to the pristine source, and after
# each one QEMU builds and the qtests that exist at that point pass; at
# the end, QEMU's manuals build.
#
#   scripts/qemu-series-check.sh PRISTINE-DIR SERIES-DIR WORK-DIR CONFIGURE-OPTIONS...
#
# WORK-DIR/qemu-src is the tree and WORK-DIR/qemu its build directory,
# named as the main build's are, so that ccache serves what did not change.
# The local changes (qemu/patches/series) are laid over each step, not
# committed: they are what this machine's build needs, not the series.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

pristine=$(cd "$1" && pwd)
series_dir=$(cd "$2" && pwd)
work=$3
shift 3
. "$(dirname "$0")/lib/series.sh"
series_read_owners
tree=$work/qemu-src
build=$work/qemu
git_q=(git -C "$tree" -c user.name=series-check -c user.email=check@localhost
       -c commit.gpgsign=false -c gc.auto=0)
# TARGET:QTEST, run after each patch that the qtest's source exists at
qtests=(arm:aspeed_gpio-test arm:gpiodev-aspeed-test arm:pl061-test
        arm:imx-gpio-test arm:bcm2835-gpio-test arm:stm32l4x5_gpio-test
        arm:stm32l4x5_syscfg-test arm:npcm7xx_gpio-test arm:microbit-test
        arm:pca9554-test arm:pcf8574-test arm:collie-test
        arm:omap-gpio-test ppc:mpc8xxx-gpio-test ppc:gpiodev-models-test
        arm:gpiodev-models-test riscv64:sifive-gpio-test
        riscv64:gpiodev-models-test)

rm -rf "$work"
mkdir -p "$work"
cp -a "$pristine" "$tree"
"${git_q[@]}" init -q
"${git_q[@]}" add -A
"${git_q[@]}" commit -q -m "QEMU $(cat "$pristine/VERSION")"

lay_local() {
    local p f
    for p in $(series_local_patches); do
        "${git_q[@]}" apply "$series_overlay/patches/$p"
    done
    for f in "${!series_owner[@]}"; do
        [ "${series_owner[$f]}" = local ] || continue
        mkdir -p "$(dirname "$tree/$f")"
        cp "$series_overlay/$f" "$tree/$f"
    done
}

lift_local() {
    "${git_q[@]}" reset -q --hard
    "${git_q[@]}" clean -q -fd
}

export CCACHE_NOHASHDIR=1
n=0
for patch in "$series_dir"/0*.patch; do
    case $patch in */0000-cover-letter.patch) continue ;; esac
    n=$((n + 1))
    name=$(basename "$patch")
    echo "== $name"
    if ! "${git_q[@]}" am -q "$patch"; then
        echo "series-check: $name does not apply with git am" >&2
        exit 1
    fi
    lay_local
    if [ ! -e "$build/build.ninja" ]; then
        mkdir -p "$build"
        (cd "$build" && ../qemu-src/configure "$@" >/dev/null)
    fi
    # qemu-system-ppc only from the first patch that needs it, which
    # saves its link on every patch before
    targets=(qemu-system-arm qemu-system-riscv64)
    if "${git_q[@]}" diff --name-only HEAD~1 | grep -q '^hw/ppc/'; then
        targets+=(qemu-system-ppc)
    fi
    runs=()
    for tt in "${qtests[@]}"; do
        t=${tt#*:}
        [ -e "$tree/tests/qtest/$t.c" ] || continue
        [[ " ${targets[*]} " = *" qemu-system-${tt%%:*} "* ]] ||
            targets+=("qemu-system-${tt%%:*}")
        targets+=("tests/qtest/$t")
        runs+=("$tt")
    done
    if ! ninja -C "$build" "${targets[@]}" > "$work/build.log" 2>&1; then
        tail -40 "$work/build.log" >&2
        echo "series-check: QEMU does not build after $name" >&2
        exit 1
    fi
    bash "$(dirname "$0")/link-firmware.sh" "$tree" "$build"
    for tt in "${runs[@]}"; do
        target=${tt%%:*} t=${tt#*:}
        if ! QTEST_QEMU_BINARY=$build/qemu-system-$target \
             "$build/tests/qtest/$t" > "$work/qtest.log" 2>&1; then
            tail -40 "$work/qtest.log" >&2
            echo "series-check: $t ($target) fails after $name" >&2
            exit 1
        fi
        echo "   $t ($target): $(grep -c '^ok ' "$work/qtest.log") passed"
    done
    lift_local
done

# The manuals, as upstream builds them (sphinx with warnings as errors):
# the rst pages, the QAPI reference and the option help of the series.
lay_local
(cd "$build" && ../qemu-src/configure "$@" --enable-docs >/dev/null)
if ! ninja -C "$build" docs/docs.stamp > "$work/docs.log" 2>&1; then
    tail -40 "$work/docs.log" >&2
    echo "series-check: the manuals do not build at the end of the series" >&2
    exit 1
fi
lift_local
echo "series-check: $n patches apply with git am, build and pass their" \
     "qtests; the manuals build"
