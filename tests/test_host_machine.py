#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The README's host-chip commands, typed as a user types them on a
Debian 12 amd64 machine.

The machine is tests/hostchip/build-machine.sh's: Debian's bookworm with
systemd, udev, sudo, DKMS, gpiod and the headers of its own kernel,
booted under qemu-system-x86_64; the serial console is the terminal of a
logged-in sudoer.  The clone is a second disk holding what `make` leaves
in a clone (the README, kernel/ and build/host's tool and library, built
here for Debian 12 amd64 as on any such machine).  The QEMU that the
README has running is an ast2600-evb here, played over qtest; inside the
machine its socket is where the tools look for chips, forwarded by socat
to its gpiodev TCP socket.

Each indented block of the README's host-chip section is run line by
line: gpiochipN becomes the chip that the banner names, HOST:PORT the
QEMU here.  Only `meson install` is done for the machine, since the
machine has no build directory: its staged result (meson install
--destdir, run here) is copied to / instead.  What each block claims is
checked on both sides: the machine's tools, and the guest's registers.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

from harness import (AST2600_GPIO, AST2600_GPIO_BASE, GPIO_DATA,
                     GPIO_DIRECTION, GpioClient, Qemu, SerialVm, Tap,
                     listen_tcp, x86_accel)

tap = Tap()
BOOT_TIMEOUT = 300.0
SECTION = "## A real /dev/gpiochipN on the host"
LABEL = "ASPEED AST2600 GPIO 3.3V"
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLONE = "~/qemu-gpiodev"
# The files of kernel/ that a clone has.
KERNEL_FILES = ("Kbuild", "Makefile", "ugpio.c", "ugpio.h", "ugpio-msg.h",
                "dkms.conf", "60-ugpio.rules", "qemu-gpio-export@.service")


class Machine(SerialVm):
    """qemu-system-x86_64 booting the Debian 12 machine; its root disk is
    a snapshot, so every run starts from the machine as built."""

    def __init__(self, machine_dir, clone_image):
        def part(name):
            return os.path.join(machine_dir, name)
        args = ["qemu-system-x86_64", "-accel", x86_accel(), "-smp", "2",
                "-m", "1536", "-display", "none", "-monitor", "none",
                "-serial", "stdio", "-no-reboot",
                "-kernel", part("vmlinuz"), "-initrd", part("initrd.img"),
                "-append", "root=LABEL=qgpio-root ro console=ttyS0 quiet "
                "loglevel=1 systemd.show_status=0 panic=-1",
                "-drive", f"file={part('root.img')},if=virtio,format=raw,"
                "snapshot=on",
                "-drive", f"file={clone_image},if=virtio,format=raw",
                "-nic", "user,model=virtio-net-pci"]
        super().__init__(args, [], "qgpio-machine: ready", BOOT_TIMEOUT)

    def wait(self, condition, what, tries=600):
        """Wait until the shell @condition holds, checking every 100 ms:
        for state that udev or the kernel changes when an event arrives,
        which the shell cannot wait on directly."""
        status, _ = self.run(f"(i=0; until {condition}; do i=$((i+1)); "
                             f"[ $i -ge {tries} ] && exit 1; sleep 0.1; "
                             "done)")
        return tap.check(status == 0, what)


def readme_blocks():
    """The indented command blocks of the README's host-chip section."""
    with open(os.path.join(TOP, "README.md")) as f:
        text = f.read()
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks, current = [], []
    for line in section.splitlines():
        if line.startswith("    "):
            current.append(line[4:])
        elif current and line.strip() == "":
            continue
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def make_clone(tmp, host_build):
    """The clone disk: what `make` leaves in a clone, owned by the user
    (uid 1000), and meson install's staged result beside it."""
    clone = os.path.join(tmp, "clone")
    os.makedirs(os.path.join(clone, "kernel"))
    shutil.copy(os.path.join(TOP, "README.md"), clone)
    for name in KERNEL_FILES:
        shutil.copy(os.path.join(TOP, "kernel", name),
                    os.path.join(clone, "kernel"))
    for sub in ("tools", "lib"):
        os.makedirs(os.path.join(clone, "build/host", sub))
    shutil.copy(os.path.join(host_build, "tools/qemu-gpio"),
                os.path.join(clone, "build/host/tools"))
    for name in os.listdir(os.path.join(host_build, "lib")):
        if re.fullmatch(r"libqemu-gpio\.so[.0-9]*", name):
            shutil.copy(os.path.join(host_build, "lib", name),
                        os.path.join(clone, "build/host/lib"),
                        follow_symlinks=False)
    subprocess.run(["meson", "install", "-C", host_build, "--no-rebuild",
                    "--quiet", "--destdir",
                    os.path.join(clone, "build/host-install")],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["chown", "-R", "1000:1000", clone], check=True)
    image = os.path.join(tmp, "clone.img")
    subprocess.run(["mke2fs", "-q", "-t", "ext4", "-L", "qgpio-clone",
                    "-d", clone, image, "256M"], check=True)
    return image


def guest_bit(qemu, bit):
    return bool(qemu.qtest.readl(AST2600_GPIO_BASE + GPIO_DATA) & (1 << bit))


def check_drives(s, command, offset, what):
    """@command, run in the machine, makes line @offset rise: as the
    rig's protocol client sees it, and in the guest's data register."""
    out = s.vm.ok(command)
    ev = ""
    if out is not None:
        while not ev.startswith(f"event edge offset={offset} "):
            ev = s.watcher.event()
    tap.check(out is not None and "edge=rising" in ev and
              guest_bit(s.qemu, offset), what, (out, ev))


class Session:
    """The user's terminal, and what they learnt: the chip's name."""

    def __init__(self, vm, port, qemu, watcher):
        self.vm, self.port, self.chip = vm, port, None
        self.qemu, self.watcher = qemu, watcher

    def typed(self, line):
        """@line as the user types it, with the README's placeholders
        filled in."""
        # The shell ignores comments: they are for the reader.
        line = re.sub(r"\s+#\s.*$", "", line)
        if self.chip:
            line = line.replace("gpiochipN", self.chip)
        line = line.replace("HOST:PORT", f"10.0.2.2:{self.port}")
        if re.match(r"sudo meson install -C build/host\b", line):
            line = line.replace(
                "sudo meson install -C build/host",
                "sudo cp -dR --no-preserve=ownership build/host-install/. /",
                1)
        return line

    def run_block(self, block, what):
        """Run each line of @block; a line that starts a bridge in the
        background waits for its banner.  True if every line succeeded."""
        for line in block:
            line = self.typed(line)
            status, out = self.vm.run(line)
            if not tap.check(status == 0, f"{what}: {line}", out):
                return False
            if "export --banner" in line and line.rstrip().endswith("&"):
                banner = self.banner()
                if not tap.check(" as gpiochip" in banner,
                                 f"{what}: the bridge's banner", banner):
                    return False
                self.chip = banner.split(" as ")[1].rstrip(".")
        return True

    def banner(self):
        """The background bridge's banner, or its error."""
        while True:
            line = self.vm.line()
            if " as gpiochip" in line or "qemu-gpio export:" in line:
                return line


def check_quick_start(s):
    blocks = readme_blocks()
    tap.eq(len(blocks), 3, "the README's host-chip section has 3 blocks")
    vm = s.vm
    if not s.run_block(blocks[0], "README"):
        return blocks
    out = vm.ok(f"sudo gpioinfo {s.chip}")
    lines = out or []
    b0 = [x for x in lines if '"gpioB0"' in x]
    d0 = [x for x in lines if '"gpioD0"' in x]
    tap.check(len(lines) == 209 and lines[0].startswith(f"{s.chip} - 208")
              and len(b0) == 1 and "output" in b0[0]
              and len(d0) == 1 and "input" in d0[0],
              "gpioinfo: 208 lines, the guest's names and directions",
              lines[:2] + b0 + d0)
    out = vm.ok("sudo gpiodetect")
    tap.check(out is not None and f"{s.chip} [{LABEL}] (208 lines)" in out,
              "gpiodetect: the controller's label", out)
    check_drives(s, f"sudo gpioset {s.chip} 24=1", 24,
                 "sudo gpioset on the chip drives the guest's gpioD0")
    vm.ok("sudo pkill -TERM -x qemu-gpio; wait $!")
    tap.check(vm.ok(f"test ! -e /dev/{s.chip}") is not None,
              "the bridge, killed, removes the chip")
    return blocks


def check_without_root(s, block):
    vm = s.vm
    # The user logs in again, for the new group to count.
    first, rest = block[:1], block[1:]
    if not s.run_block(first, "README, without root"):
        return False
    vm.send("exec sg gpio -c 'echo qgpio-machine: logged in again; "
            "exec bash --noediting --norc'")
    vm.wait_for("qgpio-machine: logged in again")
    out = vm.ok("id -nG")
    tap.check(out is not None and "gpio" in out[0].split(),
              "the user is in the group gpio", out)
    if not s.run_block(rest, "README, without root"):
        return False
    out = vm.ok(f"stat -c '%n %G %a' /dev/ugpio /dev/{s.chip}")
    tap.eq(out, ["/dev/ugpio gpio 660", f"/dev/{s.chip} gpio 660"],
           "udev gives /dev/ugpio and the chip to the group gpio")
    out = vm.ok("pgrep -u user -x qemu-gpio")
    tap.check(out is not None and len(out) == 1,
              "the bridge runs as the user, not root", out)
    status, out = vm.run(f"sudo -u nobody gpioinfo {s.chip}")
    tap.check(status != 0 and any("ermission denied" in x for x in out),
              "a user outside the group may not open the chip", out)
    check_drives(s, f"gpioset {s.chip} 26=1", 26,
                 "gpioset without root drives the guest's gpioD2")
    vm.ok("kill $!; wait $!")
    tap.check(vm.ok(f"test ! -e /dev/{s.chip}") is not None,
              "the user's bridge, killed, removes the chip")
    return True


def check_service(s, block, release):
    vm = s.vm
    # The module the README loaded by hand goes: DKMS's must be used.
    vm.ok("sudo rmmod ugpio")
    s.chip = None
    if not s.run_block(block, "README, as a service"):
        print("\n".join(f"# {x}" for x in
                        vm.ok("sudo journalctl -b --no-pager -n 40") or []))
        return
    out = vm.ok("/sbin/modinfo -n ugpio")
    tap.eq(out, [f"/lib/modules/{release}/updates/dkms/ugpio.ko"],
           "modprobe takes the module that DKMS built and installed")
    out = vm.ok("gpiodetect")
    chips = [x.split()[0] for x in out or [] if LABEL in x]
    tap.check(len(chips) == 1,
              "the service is started once the chip exists (Type=notify)",
              out)
    if not chips:
        return
    check_drives(s, f"gpioset {chips[0]} 27=1", 27,
                 "the service's chip drives the guest's gpioD3")
    unit = f"qemu-gpio-export@tcp:10.0.2.2:{s.port}.service"
    out = vm.ok(f"systemctl show -p User -p MainPID --value {unit}")
    tap.check(out is not None and out[0] not in ("", "root"),
              "the service's bridge runs as a dynamic user", out)
    vm.ok(f"sudo systemctl stop {unit}")
    tap.check(vm.ok(f"test ! -e /dev/{chips[0]}") is not None,
              "systemctl stop removes the chip")


def run(qemu_binary, host_build, machine_dir, release):
    with tempfile.TemporaryDirectory(prefix="qemu-gpio-hm-") as tmp:
        tcp = listen_tcp(0)
        port = tcp.getsockname()[1]
        # The gpiodev's id is the chip name the README's QEMU has; the
        # rig watches the lines on a socket of its own.
        watch_path = os.path.join(tmp, "watch.sock")
        qemu = Qemu(qemu_binary, tmp, {"gpio0": (AST2600_GPIO, tcp),
                                       "watch": (AST2600_GPIO, watch_path)})
        watcher = GpioClient(watch_path, "rig")
        watcher.request("subscribe both gpioD0 gpioD2 gpioD3")
        vm = None
        try:
            # The guest drives gpioB0 (line 8).
            qemu.qtest.set_bit(GPIO_DIRECTION, 8, True)
            vm = Machine(machine_dir, make_clone(tmp, host_build))
            tap.check(vm.ready_line.endswith(release),
                      f"the Debian 12 machine boots its {release} kernel",
                      vm.ready_line)
            out = vm.ok("echo $XDG_RUNTIME_DIR; "
                        "/lib/systemd/systemd-networkd-wait-online --any "
                        "--timeout=120 && echo online")
            tap.eq(out, ["/run/user/1000", "online"],
                   "the user's session and the network are up")
            # QEMU "running as above": its socket where the tools look.
            vm.ok("mkdir -p $XDG_RUNTIME_DIR/qemu-gpio; "
                  "socat UNIX-LISTEN:$XDG_RUNTIME_DIR/qemu-gpio/gpio0.sock,"
                  f"fork TCP:10.0.2.2:{port} & cd {CLONE}")
            vm.wait("[ -S $XDG_RUNTIME_DIR/qemu-gpio/gpio0.sock ]",
                    "QEMU's socket is where the tools look")
            out = vm.ok("build/host/tools/qemu-gpio detect")
            tap.eq(out, [f"gpio0 [{LABEL}] (208 lines)"],
                   "qemu-gpio detect reaches the QEMU")
            blocks = check_quick_start(Session(vm, port, qemu, watcher))
            s = Session(vm, port, qemu, watcher)
            if len(blocks) == 3 and check_without_root(s, blocks[1]):
                check_service(s, blocks[2], release)
            out = vm.ok("sudo dmesg | grep -E 'BUG|WARNING|Oops|"
                        "Call Trace|general protection' || true")
            tap.eq(out, [], "no kernel warning, oops or BUG")
        except (TimeoutError, EOFError, OSError,
                subprocess.CalledProcessError) as e:
            tap.check(False, f"the machine: {e}")
            if vm:
                print("\n".join(f"# {x}" for x in vm.transcript[-40:]))
        finally:
            if vm:
                vm.stop()
            watcher.close()
            qemu.stop()
            tcp.close()


def main():
    rig = os.environ["QEMU_GPIO_HOSTCHIP"]
    machine_dir = os.path.join(rig, "machine")
    with open(os.path.join(machine_dir, "release")) as f:
        release = f.read().strip()
    run(os.path.join(os.environ["QEMU_GPIODEV_BUILD"], "qemu-system-arm"),
        os.environ["QEMU_GPIO_HOST_BUILD"], machine_dir, release)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
