#!/bin/bash
# Build a test guest from Debian's own packages: a kernel, its device
# trees and GPIO driver modules, busybox, libgpiod's tools and the C
# library, in an initramfs whose /init is guest/init.
#
#   guest/build-guest.sh OUT-DIR [PROFILE]
#
# PROFILE is one of
#   aspeed  (the default) bookworm's armhf armmp kernel for
#           qemu-system-arm -M ast2600-evb, libgpiod 1.6's tools
#   armhf   trixie's armhf armmp kernel, every device tree it has,
#           libgpiod 2's tools: for the 32-bit Arm boards
#   arm64   trixie's arm64 kernel and device trees, libgpiod 2's tools
#   riscv64 trixie's riscv64 kernel and device trees, libgpiod 2's
#           tools, and OpenSBI's fw_dynamic.bin for -bios
#
# writes OUT-DIR/vmlinuz, OUT-DIR/initrd.gz and the device trees (the
# aspeed profile: OUT-DIR/ast2600-evb.dtb; the others: OUT-DIR/dtbs/,
# as the kernel package lays them out), and does nothing when they are
# newer than this recipe.  apt runs with a private state and sources
# directory, from the archive the machine's apt uses; the host's
# architecture and apt configuration are left alone.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
. "$(dirname "$0")/../scripts/lib/apt-sources.sh"

out=$(mkdir -p "$1" && cd "$1" && pwd)
profile=${2:-aspeed}
here=$(cd "$(dirname "$0")" && pwd)
recipe_sum=$( (cat "$here/build-guest.sh" "$here/init"; echo "$profile") |
             sha256sum)
if [ -e "$out/initrd.gz" ] && [ "$(cat "$out/.recipe" 2>/dev/null)" = "$recipe_sum" ]; then
    exit 0
fi

# ARCH: Debian's; TRIPLET: its multiarch directory; LOADER: the dynamic
# loader's name; FLAVOUR: the kernel's; MODULES: the GPIO drivers that
# the kernel builds as modules, loaded in this order (drivers built in
# need nothing).
case $profile in
aspeed)
    SUITE=${GUEST_SUITE:-bookworm} ARCH=armhf TRIPLET=arm-linux-gnueabihf
    LOADER=ld-linux-armhf.so.3 FLAVOUR=armmp LIBGPIOD=libgpiod2
    MODULES="drivers/gpio/gpio-aspeed.ko"
    ;;
armhf)
    SUITE=trixie ARCH=armhf TRIPLET=arm-linux-gnueabihf
    LOADER=ld-linux-armhf.so.3 FLAVOUR=armmp LIBGPIOD=libgpiod3
    # i.MX's GPIO; rainier-bmc's: the SoC's GPIO, the I2C controller
    # and the expanders on its buses
    MODULES="drivers/gpio/gpio-mxc.ko drivers/gpio/gpio-aspeed.ko
             drivers/i2c/busses/i2c-aspeed.ko drivers/gpio/gpio-pca953x.ko
             drivers/gpio/gpio-pcf857x.ko drivers/leds/leds-pca955x.ko"
    ;;
arm64)
    SUITE=trixie ARCH=arm64 TRIPLET=aarch64-linux-gnu
    LOADER=ld-linux-aarch64.so.1 FLAVOUR=arm64 LIBGPIOD=libgpiod3
    MODULES=
    ;;
riscv64)
    SUITE=trixie ARCH=riscv64 TRIPLET=riscv64-linux-gnu
    LOADER=ld-linux-riscv64-lp64d.so.1 FLAVOUR=riscv64 LIBGPIOD=libgpiod3
    MODULES= FIRMWARE=opensbi
    ;;
*)
    echo "build-guest: unknown profile '$profile'" \
         "(aspeed, armhf, arm64 or riscv64)" >&2
    exit 2
    ;;
esac
PKGS="busybox-static gpiod $LIBGPIOD libc6 ${FIRMWARE:-}"
apt=$out/apt
rm -rf "$apt" "$out/pkgs" "$out/root"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$out/pkgs" \
         "$out/root"
# From the archive that the machine's apt takes Debian from.
site=$(debian_site)
cat > "$apt/sources.list" <<EOT
deb [arch=$ARCH signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $site $SUITE main
EOT
apt_opts=(-q -o "Dir::Etc::SourceList=$apt/sources.list"
          -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$apt/lists"
          -o "Dir::Cache=$apt/cache"
          -o Dir::State::Status=/dev/null
          -o APT::Architecture=$ARCH -o APT::Architectures::=$ARCH
          -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update >/dev/null
# The kernel package that linux-image-$FLAVOUR points to now.
kernel=$(apt-cache "${apt_opts[@]}" depends "linux-image-$FLAVOUR" |
         sed -n "s/^ *Depends: \(linux-image-[0-9].*-$FLAVOUR\)\$/\1/p" |
         head -n 1)
if [ -z "$kernel" ]; then
    echo "build-guest: no linux-image-*-$FLAVOUR in $SUITE" >&2
    exit 1
fi
# shellcheck disable=SC2086
(cd "$out/pkgs" && apt-get "${apt_opts[@]}" download "$kernel" $PKGS >/dev/null)
for deb in "$out"/pkgs/*.deb; do
    dpkg-deb -x "$deb" "$out/pkgs/tree"
done
tree=$out/pkgs/tree
version=${kernel#linux-image-}

# Bookworm has /lib and /bin; trixie merged them into /usr.
usr_tree() {
    if [ -e "$tree/$1" ]; then echo "$tree/$1"; else echo "$tree/usr/$1"; fi
}

# The initramfs: busybox, the dynamic loader, libc, libgpiod and its
# tools, and the GPIO drivers that are modules, uncompressed for
# busybox's insmod; /lib/modules/order lists them in loading order.
root=$out/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules,usr/bin}
cp "$(usr_tree bin/busybox)" "$root/bin/busybox"
mkdir -p "$root/lib/$TRIPLET"
for d in "$tree/lib/$TRIPLET" "$tree/usr/lib/$TRIPLET"; do
    [ ! -d "$d" ] || cp -a "$d/." "$root/lib/$TRIPLET/"
done
rm -rf "$root/lib/$TRIPLET/gconv"
cp -a "$(usr_tree "lib/$LOADER")" "$root/lib/"
cp -a "$tree"/usr/lib/$TRIPLET/libgpiod.so.* "$root/lib/$TRIPLET/"
cp "$tree"/usr/bin/gpio* "$root/usr/bin/"
moddir=$(usr_tree "lib/modules/$version")/kernel
: > "$root/lib/modules/order"
for m in $MODULES; do
    name=$(basename "$m")
    if [ -e "$moddir/$m" ]; then
        cp "$moddir/$m" "$root/lib/modules/$name"
    else
        xz -dc "$moddir/$m.xz" > "$root/lib/modules/$name"
    fi
    echo "$name" >> "$root/lib/modules/order"
done
cp "$here/init" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9n) > "$out/initrd.gz.tmp"

# riscv64's kernel is an uncompressed Image, named vmlinux.
for k in vmlinuz vmlinux; do
    [ ! -e "$tree/boot/$k-$version" ] || cp "$tree/boot/$k-$version" "$out/vmlinuz"
done
if [ -n "${FIRMWARE:-}" ]; then
    cp "$(find "$tree/usr/lib" -path '*opensbi/generic/fw_dynamic.bin' |
          head -n 1)" "$out/fw_dynamic.bin"
fi
if [ "$profile" = aspeed ]; then
    cp "$tree/usr/lib/linux-image-$version/aspeed-ast2600-evb.dtb" \
       "$out/ast2600-evb.dtb"
else
    rm -rf "$out/dtbs"
    cp -a "$tree/usr/lib/linux-image-$version" "$out/dtbs"
fi
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
rm -rf "$out/pkgs" "$root" "$apt/cache"
echo "$recipe_sum" > "$out/.recipe"
echo "build-guest: $kernel, $(du -h "$out/initrd.gz" | cut -f1) initramfs"
