#!/bin/bash
# Build the "Debian 12 machine" of the host-chip tests: a bookworm amd64
# system made with mmdebstrap from the archive the machine's apt uses,
# with bookworm's kernel (linux-image-amd64) and its headers, systemd,
# udev, sudo, DKMS, the compiler, and Debian's gpiod, on an ext4 disk image that
# qemu-system-x86_64 boots (root on virtio, Debian's own initramfs).
# A user "user" (uid 1000, a sudoer) is logged in on the serial console.
# What a test puts on the machine comes on a second disk, mounted at
# /home/user/qemu-gpiodev: the machine itself holds nothing of ours.
#
#   tests/hostchip/build-machine.sh OUT-DIR
#
# writes OUT-DIR/{root.img,vmlinuz,initrd.img,release} and does nothing
# when they were made by this script.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/scripts/lib/apt-sources.sh"
out=$(mkdir -p "$1" && cd "$1" && pwd)

recipe_sum=$(sha256sum < "$0")
if [ "$(cat "$out/.recipe" 2>/dev/null)" = "$recipe_sum" ] &&
   [ -e "$out/root.img" ]; then
    exit 0
fi

site=$(debian_site)
root=$out/root
rm -rf "$root" "$out/root.img" "$out/.recipe"

packages=(systemd-sysv udev libpam-systemd dbus sudo kmod procps iproute2 socat
          make gcc libc6-dev dkms gpiod
          linux-image-amd64 linux-headers-amd64)
echo "build-machine: bookworm from $site"
# The package lists stay, as on an installed system.
mmdebstrap --quiet --variant=minbase --mode=root --skip=cleanup/apt/lists \
    --include="$(IFS=,; echo "${packages[*]}")" \
    bookworm "$root" "deb $site bookworm main"

# in_root COMMAND...: run a command of the machine, in its root.
in_root() {
    chroot "$root" "$@"
}

echo qgpio-machine > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tqgpio-machine\n' > "$root/etc/hosts"
cat > "$root/etc/fstab" <<'EOF'
LABEL=qgpio-root / ext4 errors=remount-ro 0 1
LABEL=qgpio-clone /home/user/qemu-gpiodev ext4 nofail,x-systemd.device-timeout=20s 0 2
EOF
in_root useradd --create-home --uid 1000 --shell /bin/bash \
    --groups sudo user
# A sudoer who is not asked for a password: the console has no one to type it.
echo 'user ALL=(ALL:ALL) NOPASSWD: ALL' > "$root/etc/sudoers.d/user"
chmod 440 "$root/etc/sudoers.d/user"
mkdir -p "$root/home/user/qemu-gpiodev"
in_root chown user:user /home/user/qemu-gpiodev

# The serial console logs the user in, as a terminal would.
getty=$root/etc/systemd/system/serial-getty@ttyS0.service.d
mkdir -p "$getty"
cat > "$getty/autologin.conf" <<'EOF'
[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin user --noclear --keep-baud 115200,57600,38400,9600 %I dumb
EOF
# The test harness types commands with no prompt, echo or line editing,
# and waits for this line.
cat > "$root/home/user/.bash_profile" <<'EOF'
if [ "$(tty)" = /dev/ttyS0 ]; then
    stty -echo
    export PS1= PS2=
    echo "qgpio-machine: ready $(uname -r)"
    exec bash --noediting --norc
fi
EOF
in_root chown user:user /home/user/.bash_profile

# User-mode networking: DHCP on the virtio NIC, QEMU's host at 10.0.2.2.
cat > "$root/etc/systemd/network/50-dhcp.network" <<'EOF'
[Match]
Name=en*
[Network]
DHCP=ipv4
EOF
in_root systemctl enable --quiet systemd-networkd
# Nothing of the boot that a test does not need.
in_root systemctl mask --quiet apt-daily.timer apt-daily-upgrade.timer \
    e2scrub_all.timer e2scrub_reap.service fstrim.timer 2>/dev/null || true

release=$(ls "$root/lib/modules")
if [ "$(echo "$release" | wc -l)" -ne 1 ]; then
    echo "build-machine: expected one kernel, found: $release" >&2
    exit 1
fi
echo "$release" > "$out/release"
cp "$root/boot/vmlinuz-$release" "$out/vmlinuz"
cp "$root/boot/initrd.img-$release" "$out/initrd.img"
mke2fs -q -t ext4 -L qgpio-root -d "$root" "$out/root.img" 4G
rm -rf "$root"
echo "$recipe_sum" > "$out/.recipe"
echo "build-machine: $release, $(du -h --apparent-size "$out/root.img" | cut -f1)" \
     "image, $(du -h "$out/root.img" | cut -f1) used"
