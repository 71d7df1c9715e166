#!/bin/bash
# Build the host-chip test rig from Debian's own packages: for each of
# Debian 12's kernels (6.1, and 6.12 from bookworm-backports) the amd64
# kernel, the ugpio module built against its headers and an initramfs
# for qemu-system-x86_64 that holds the module, the network drivers,
# busybox, the bridge (qemu-gpio export), bookworm's libgpiod 1.6 tools
# and Python bindings, and a trixie directory with libgpiod 2.2's tools
# and bindings and their own libc, to be run with chroot.
#
#   tests/hostchip/build-rig.sh OUT-DIR HOST-BUILD-DIR
#
# writes OUT-DIR/KERNEL-RELEASE/{vmlinuz,initrd.gz,ugpio.ko} and does
# nothing when they are newer than what they are made of.  apt runs with
# a private state, from the archive that the machine's apt uses.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/scripts/lib/apt-sources.sh"
out=$(mkdir -p "$1" && cd "$1" && pwd)
host_build=$(cd "$2" && pwd)
bridge=("$host_build/tools/qemu-gpio" "$host_build"/lib/libqemu-gpio.so.*[0-9])

recipe_sum=$(cat "$0" "$here"/init "$here"/*.py "$top"/kernel/Kbuild \
                 "$top"/kernel/*.[ch] "${bridge[@]}" | sha256sum)
if [ "$(cat "$out/.recipe" 2>/dev/null)" = "$recipe_sum" ]; then
    exit 0
fi

site=$(debian_site)
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
debs=$out/debs
mkdir -p "$debs"

# download APT-DIR PACKAGE...: fetch the packages into $debs (once).
download() {
    local dir=$1
    shift
    apt_private "$dir" "${SOURCES[@]}"
    (cd "$debs" && apt-get "${APT_OPTS[@]}" download "$@" >/dev/null)
}

# unpack DIR PACKAGE...: unpack the packages' newest downloaded .debs.
unpack() {
    local dir=$1 p deb
    shift
    mkdir -p "$dir"
    for p in "$@"; do
        deb=$(ls -t "$debs/${p}_"*.deb 2>/dev/null | head -n 1)
        if [ -z "$deb" ]; then
            echo "build-rig: $p was not downloaded" >&2
            exit 1
        fi
        dpkg-deb -x "$deb" "$dir"
    done
}

# The package names in the Depends of PACKAGE's stanza whose Version
# matches VERSION-GLOB.
depends_of() {
    apt-cache "${APT_OPTS[@]}" show "$1" | awk -v want="$2" '
        /^Version: / { v = $2 }
        /^Depends: / { d = substr($0, 10) }
        /^$/ { if (v ~ want) print d; v = ""; d = "" }
        END { if (v ~ want) print d }' |
        head -n 1 | tr ',' '\n' | sed 's/^ *//; s/ .*//'
}

SOURCES=("deb [signed-by=$keyring] $site bookworm main"
         "deb [signed-by=$keyring] $site bookworm-backports main")
bw_apt=$out/apt-bookworm
apt_private "$bw_apt" "${SOURCES[@]}"
apt-get "${APT_OPTS[@]}" update >/dev/null

# The kernel releases that linux-image-amd64 points to in bookworm and in
# bookworm-backports.
releases=$({ depends_of linux-image-amd64 '^[0-9.]*-[0-9]*$'
             depends_of linux-image-amd64 'bpo12'; } |
           sed -n 's/^linux-image-//p' | sort -u)
if [ "$(echo "$releases" | wc -l)" -ne 2 ]; then
    echo "build-rig: expected two kernels, found: $releases" >&2
    exit 1
fi

# Userspace, shared by both kernels.
# The bridge's libqemu-gpio links GnuTLS (TLS to tcp: chips): it and
# what it needs.
bw_pkgs="busybox-static libc6 libgcc-s1 libstdc++6 gpiod libgpiod2
         python3-libgpiod python3.11-minimal libpython3.11-minimal
         libexpat1 zlib1g libgnutls30 libp11-kit0 libidn2-0 libunistring2
         libtasn1-6 libnettle8 libhogweed6 libgmp10 libffi8"
# shellcheck disable=SC2086
download "$bw_apt" $bw_pkgs
TRIXIE=("deb [signed-by=$keyring] $site trixie main")
tx_apt=$out/apt-trixie
apt_private "$tx_apt" "${TRIXIE[@]}"
apt-get "${APT_OPTS[@]}" update >/dev/null
tx_pkgs="libc6 libgcc-s1 libstdc++6 gpiod libgpiod3 python3-libgpiod
         python3.13-minimal libpython3.13-minimal libexpat1 zlib1g"
tx_debs=$out/debs-trixie
mkdir -p "$tx_debs"
# shellcheck disable=SC2086
(cd "$tx_debs" && apt-get "${APT_OPTS[@]}" download $tx_pkgs >/dev/null)

base=$out/base
rm -rf "$base"
# shellcheck disable=SC2086
unpack "$base" $bw_pkgs
rm -rf "$base"/usr/share/{doc,man,locale,lintian} "$base"/usr/lib/x86_64-linux-gnu/gconv
ln -sf python3.11 "$base/usr/bin/python3"
# trixie is merged-/usr: its top-level directories are links into /usr.
tx=$base/trixie
mkdir -p "$tx/usr/bin" "$tx/usr/lib" "$tx/usr/lib64" "$tx/usr/sbin"
for d in bin lib lib64 sbin; do
    ln -s "usr/$d" "$tx/$d"
done
for p in $tx_pkgs; do
    dpkg-deb -x "$(ls -t "$tx_debs/${p}_"*.deb | head -n 1)" "$tx"
done
rm -rf "$tx"/usr/share/{doc,man,locale,lintian} "$tx"/usr/lib/x86_64-linux-gnu/gconv
ln -sf python3.13 "$tx/usr/bin/python3"
mkdir -p "$tx"/{dev,proc,sys,tmp}
mkdir -p "$base"/{dev,proc,sys,tmp,etc,usr/local/bin,lib/modules}
cp "$here/init" "$base/init"
chmod 755 "$base/init"
mkdir -p "$tx/usr/local/bin"
cp "$here"/*.py "$base/usr/local/bin/"
cp "$here"/*.py "$tx/usr/local/bin/"
cp "$host_build/tools/qemu-gpio" "$base/usr/local/bin/"
cp -a "${bridge[@]:1}" "$base/usr/lib/x86_64-linux-gnu/"

# modules_for ROOT RELEASE MODULE...: the module files MODULE needs,
# dependencies first, as modules.dep lists them; nothing for built-ins.
modules_for() {
    local dep=$1/lib/modules/$2/modules.dep m
    shift 2
    for m in "$@"; do
        awk -v m="$m" '
            { f = $1; sub(/:$/, "", f); n = f; sub(/.*\//, "", n)
              sub(/\.ko(\.xz)?$/, "", n); gsub(/-/, "_", n) }
            n == m {
                for (i = NF; i >= 2; i--) print $i
                print f
            }' "$dep"
    done | awk '!seen[$0]++'
}

for release in $releases; do
    k=$out/$release
    root=$k/root
    rm -rf "$root" "$k/mod"
    mkdir -p "$k"
    apt_private "$bw_apt" "${SOURCES[@]}"
    headers=$(depends_of "linux-headers-$release" . |
              grep -E '^linux-(headers|kbuild)-')
    # shellcheck disable=SC2086
    (cd "$debs" && apt-get "${APT_OPTS[@]}" download \
        "linux-image-$release" "linux-headers-$release" $headers >/dev/null)
    # shellcheck disable=SC2086
    unpack "$root" "linux-image-$release" "linux-headers-$release" $headers
    # Module dependencies are found at installation, as here.
    depmod -b "$root" "$release"
    # The headers include their common part by an absolute path.
    sed -i "s|^include /usr/src/|include $root/usr/src/|" \
        "$root/usr/src/linux-headers-$release/Makefile"

    mkdir -p "$k/mod"
    cp "$top"/kernel/Kbuild "$top"/kernel/*.[ch] "$k/mod/"
    make -s -C "$root/usr/src/linux-headers-$release" M="$k/mod" modules
    cp "$k/mod/ugpio.ko" "$k/ugpio.ko"

    initrd=$k/initrd-root
    rm -rf "$initrd"
    cp -a "$base" "$initrd"
    : > "$initrd/lib/modules/load.list"
    for f in $(modules_for "$root" "$release" virtio_pci virtio_net); do
        name=$(basename "${f%.xz}")
        case $f in
        *.xz) xz -dc "$root/lib/modules/$release/$f" > "$initrd/lib/modules/$name" ;;
        *) cp "$root/lib/modules/$release/$f" "$initrd/lib/modules/$name" ;;
        esac
        echo "$name" >> "$initrd/lib/modules/load.list"
    done
    if ! grep -q virtio_net "$initrd/lib/modules/load.list"; then
        echo "build-rig: no virtio_net module in $release" >&2
        exit 1
    fi
    cp "$k/ugpio.ko" "$initrd/lib/modules/"
    (cd "$initrd" && find . | cpio -o -H newc --quiet | gzip -1n) > "$k/initrd.gz"
    cp "$root/boot/vmlinuz-$release" "$k/vmlinuz"
    rm -rf "$initrd" "$root"
    echo "build-rig: $release, $(du -h "$k/initrd.gz" | cut -f1) initramfs"
done
rm -rf "$base"
echo "$releases" > "$out/releases"
echo "$recipe_sum" > "$out/.recipe"
