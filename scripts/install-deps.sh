#!/bin/bash
# Install the Debian packages needed to build and test qemu-gpiodev.
# Idempotent: does nothing when everything is already present.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
. "$(dirname "$0")/lib/apt-sources.sh"

# Packages from the release itself.
PKGS="build-essential ccache git ninja-build pkg-config flex bison
      libglib2.0-dev libfdt-dev libpixman-1-dev zlib1g-dev
      python3 python3-venv python3-setuptools python3-wheel python3-pip
      xz-utils dpkg-dev socat valgrind cpio binutils-arm-none-eabi
      binutils-riscv64-unknown-elf binutils-powerpc-linux-gnu
      stress-ng python3-sphinx python3-sphinx-rtd-theme
      qemu-system-x86 pahole kmod mmdebstrap e2fsprogs
      libgnutls28-dev gnutls-bin clang libclang-rt-14-dev qemu-utils strace"
# Packages that Debian 12 only has new enough in bookworm-backports.
BPO_PKGS="meson python3-pycotap"

missing() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null |
            grep -qx installed || echo "$p"
    done
}

meson_ok() {
    command -v meson >/dev/null &&
        dpkg --compare-versions "$(meson --version)" ge 1.5.0
}

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

# shellcheck disable=SC2086
need=$(missing $PKGS $BPO_PKGS)
if [ -z "$need" ] && meson_ok; then
    exit 0
fi

# Debian 12's backports, from the same archive as the release, unless
# the machine has them configured already.
add_backports_source() {
    local list=/etc/apt/sources.list.d/qemu-gpiodev-backports.sources
    local text

    text=$(backports_source) || exit 1
    [ -n "$text" ] || return 0
    echo "install-deps: adding bookworm-backports as $list:"
    printf '%s\n' "$text" | sed 's/^/    /'
    printf '%s\n' "$text" | $SUDO tee "$list" >/dev/null
}

. /etc/os-release
if [ "${VERSION_CODENAME:-}" = bookworm ]; then
    add_backports_source
    $SUDO apt-get update -q
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $PKGS
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends \
        -t bookworm-backports $BPO_PKGS
else
    $SUDO apt-get update -q
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $PKGS $BPO_PKGS
fi
meson_ok || { echo "install-deps: meson >= 1.5 is required" >&2; exit 1; }
