#!/bin/bash
# Build the test guest for qemu-system-arm -M ast2600-evb from Debian's
# own armhf packages: the armmp kernel, its AST2600 EVB device tree and
# gpio-aspeed module, busybox, libgpiod's tools and the C library, in an
# initramfs whose /init is guest/init.
#
#   guest/build-guest.sh OUT-DIR
#
# writes OUT-DIR/vmlinuz, OUT-DIR/ast2600-evb.dtb and OUT-DIR/initrd.gz,
# and does nothing when they are newer than this recipe.  apt runs with
# a private state and sources directory, from the archive the machine's
# apt uses; the host's architecture and apt configuration are left alone.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
. "$(dirname "$0")/../scripts/lib/apt-sources.sh"

out=$(mkdir -p "$1" && cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
recipe_sum=$(cat "$here/build-guest.sh" "$here/init" | sha256sum)
if [ -e "$out/initrd.gz" ] && [ "$(cat "$out/.recipe" 2>/dev/null)" = "$recipe_sum" ]; then
    exit 0
fi

SUITE=${GUEST_SUITE:-bookworm}
PKGS="busybox-static gpiod libgpiod2 libc6"
apt=$out/apt
rm -rf "$apt" "$out/pkgs" "$out/root"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$out/pkgs" \
         "$out/root"
# From the archive that the machine's apt takes Debian from.
site=$(debian_site)
cat > "$apt/sources.list" <<EOT
deb [arch=armhf signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $site $SUITE main
EOT
apt_opts=(-q -o "Dir::Etc::SourceList=$apt/sources.list"
          -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$apt/lists"
          -o "Dir::Cache=$apt/cache"
          -o Dir::State::Status=/dev/null
          -o APT::Architecture=armhf -o APT::Architectures::=armhf
          -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update >/dev/null
# The kernel package that linux-image-armmp points to now.
kernel=$(apt-cache "${apt_opts[@]}" depends linux-image-armmp |
         sed -n 's/^ *Depends: \(linux-image-[0-9].*-armmp\)$/\1/p' | head -n 1)
if [ -z "$kernel" ]; then
    echo "build-guest: no linux-image-*-armmp in $SUITE" >&2
    exit 1
fi
# shellcheck disable=SC2086
(cd "$out/pkgs" && apt-get "${apt_opts[@]}" download "$kernel" $PKGS >/dev/null)
for deb in "$out"/pkgs/*.deb; do
    dpkg-deb -x "$deb" "$out/pkgs/tree"
done
tree=$out/pkgs/tree
version=${kernel#linux-image-}

# The initramfs: busybox, the dynamic loader, libc, libgpiod and its
# tools, and the GPIO driver.
root=$out/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules,usr/bin}
cp "$tree/bin/busybox" "$root/bin/busybox"
cp -a "$tree/lib/arm-linux-gnueabihf" "$root/lib/"
rm -rf "$root/lib/arm-linux-gnueabihf/gconv"
cp -a "$tree/lib/ld-linux-armhf.so.3" "$root/lib/"
cp -a "$tree"/usr/lib/arm-linux-gnueabihf/libgpiod.so.2* \
      "$root/lib/arm-linux-gnueabihf/"
cp "$tree"/usr/bin/gpio* "$root/usr/bin/"
cp "$tree/lib/modules/$version/kernel/drivers/gpio/gpio-aspeed.ko" \
   "$root/lib/modules/"
cp "$here/init" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9n) > "$out/initrd.gz.tmp"

cp "$tree/boot/vmlinuz-$version" "$out/vmlinuz"
cp "$tree/usr/lib/linux-image-$version/aspeed-ast2600-evb.dtb" \
   "$out/ast2600-evb.dtb"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
rm -rf "$out/pkgs" "$root" "$apt/cache"
echo "$recipe_sum" > "$out/.recipe"
echo "build-guest: $kernel, $(du -h "$out/initrd.gz" | cut -f1) initramfs"
