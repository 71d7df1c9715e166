#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The host chip: an emulated ASPEED controller as a real /dev/gpiochipN.

For each kernel of the rig (tests/hostchip/build-rig.sh: Debian 12's 6.1
and bookworm-backports' 6.12), boot it under qemu-system-x86_64 with the
ugpio module; inside, `qemu-gpio export` connects out to the gpiodev TCP
socket of an ast2600-evb QEMU running here, whose guest is played over
qtest.  Debian's unmodified libgpiod tools and Python bindings (bookworm's
1.6, and trixie's 2.2 in a chroot) then work on the chip, and each check
asserts what both sides saw: the VM's tools, and the guest's registers
or a protocol client of the same controller.
"""

import os
import socket
import sys
import tempfile

from harness import (AST2600_GPIO, AST2600_GPIO_BASE, GPIO_DATA,
                     GPIO_DIRECTION, GpioClient, Qemu, SerialVm, Tap,
                     listen_tcp, x86_accel)

tap = Tap()
BOOT_TIMEOUT = 180.0
LABEL = "ASPEED AST2600 GPIO 3.3V"
TOGGLES = 1000


class HostVm(SerialVm):
    """qemu-system-x86_64 booting a kernel of the rig, with user-mode
    networking: the host is 10.0.2.2 from inside."""

    def __init__(self, kernel_dir):
        args = ["qemu-system-x86_64", "-accel", x86_accel(), "-m", "768",
                "-display", "none", "-monitor", "none", "-serial", "stdio",
                "-no-reboot", "-kernel", os.path.join(kernel_dir, "vmlinuz"),
                "-initrd", os.path.join(kernel_dir, "initrd.gz"),
                "-append", "console=ttyS0 quiet panic=-1",
                "-nic", "user,model=virtio-net-pci"]
        super().__init__(args, [], "hostchip: batch", BOOT_TIMEOUT)


def wait_in_vm(vm, condition, what, tries=3000):
    """Wait in the VM until the shell @condition holds, checking every
    20 ms, at most @tries times: for state the kernel changes when an
    event arrives, which nothing in the VM can wait on directly."""
    # In a subshell: its exit must not end the VM's shell.
    status, _ = vm.run(f"(i=0; until {condition}; do i=$((i+1)); "
                       f"[ $i -ge {tries} ] && exit 1; usleep 20000; done)")
    return tap.check(status == 0, what)


def guest_direction(qts, bit, output):
    qts.set_bit(GPIO_DIRECTION, bit, output)


def guest_data(qts):
    return qts.readl(AST2600_GPIO_BASE + GPIO_DATA)


def event_for(client, prefix):
    """The client's next event that starts with @prefix."""
    while True:
        ev = client.event()
        if ev.startswith(prefix):
            return ev


def start_qemu(binary, tmp, port):
    """The board, its 3.3 V controller on a gpiodev TCP socket at @port,
    and the same controller on a unix socket for a protocol client."""
    tcp = listen_tcp(port)
    for name in ("g0.sock", "qmp.sock"):
        # The files of the QEMU this one replaces.
        if os.path.exists(os.path.join(tmp, name)):
            os.unlink(os.path.join(tmp, name))
    qemu = Qemu(binary, tmp, {"tcp": (AST2600_GPIO, tcp),
                              "g0": (AST2600_GPIO,
                                     os.path.join(tmp, "g0.sock"))},
                qmp_path=os.path.join(tmp, "qmp.sock"))
    return qemu, tcp.getsockname()[1]


def qmp_command(tmp, command):
    """Run one QMP command on a fresh connection; the reply."""
    import json
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.path.join(tmp, "qmp.sock"))
    f = s.makefile("rw")
    f.readline()
    f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
    f.flush()
    f.readline()
    f.write(json.dumps(command) + "\n")
    f.flush()
    while True:
        reply = json.loads(f.readline())
        if "return" in reply or "error" in reply:
            s.close()
            return reply


def start_bridge(vm, port):
    # The banner says the chip exists; the bridge runs on.
    out = vm.ok(f"mkfifo /tmp/banner; qemu-gpio export --banner "
                f"tcp:10.0.2.2:{port} >/tmp/banner 2>/tmp/export.err & "
                "read -r line </tmp/banner; echo \"$line\"")
    ok = out is not None and len(out) == 1 and " as gpiochip" in out[0]
    tap.check(ok, "qemu-gpio export creates the chip", out)
    return out[0].split(" as ")[1].rstrip(".") if ok else None


def check_listing(vm, chip):
    out = vm.ok("gpiodetect")
    tap.eq(out, [f"{chip} [{LABEL}] (208 lines)"],
           "gpiodetect (libgpiod 1.6): the label and 208 lines")
    out = vm.ok("chroot /trixie gpiodetect")
    tap.eq(out, [f"{chip} [{LABEL}] (208 lines)"],
           "gpiodetect (libgpiod 2.2)")
    out = vm.ok(f"gpioinfo {chip}")
    lines = out or []
    tap.check(len(lines) == 209 and lines[0].startswith(f"{chip} - 208"),
              "gpioinfo lists 208 lines", lines[:2])
    b0 = [x for x in lines if '"gpioB0"' in x]
    d0 = [x for x in lines if '"gpioD0"' in x]
    tap.check(b0 and "output" in b0[0] and d0 and "input" in d0[0],
              "gpioinfo: the guest's names and directions "
              "(gpioB0 output, gpioD0 input)", b0 + d0)
    out = vm.ok(f"chroot /trixie gpioinfo -c {chip} gpioB0 gpioD0")
    tap.check(out is not None and len(out) == 2 and "output" in out[0] and
              "input" in out[1], "gpioinfo (libgpiod 2.2) by line name", out)


def check_direction_change(vm, qemu, chip):
    guest_direction(qemu.qtest, 9, True)
    wait_in_vm(vm, f"gpioinfo {chip} | grep -q '\"gpioB1\".* output'",
               "a guest direction change shows in gpioinfo")
    guest_direction(qemu.qtest, 9, False)
    wait_in_vm(vm, f"gpioinfo {chip} | grep -q '\"gpioB1\".* input'",
               "and back to input")


def check_host_drives(vm, qemu, chip, client):
    client.request("subscribe all gpioD0 gpioD1 gpioD2")
    out = vm.ok(f"gpioset {chip} 24=1")
    ev = event_for(client, "event edge offset=24")
    tap.check(out is not None and "edge=rising" in ev and
              guest_data(qemu.qtest) & (1 << 24),
              "host gpioset (1.6 syntax) drives gpioD0 for the guest", ev)
    out = vm.ok(f"chroot /trixie gpioset -c {chip} -t 0 gpioD1=1")
    ev = event_for(client, "event edge offset=25")
    tap.check(out is not None and "edge=rising" in ev and
              guest_data(qemu.qtest) & (1 << 25),
              "host gpioset (2.2 syntax) drives gpioD1", ev)

    # A held line is busy for the others, and free once the holder exits.
    vm.send(f"gpioset --mode=signal {chip} 26=1 & echo $! > /tmp/holder")
    ev = event_for(client, "event requested offset=26")
    tap.check("consumer=gpioset" in ev,
              "the host's holder is a client of QEMU by its name", ev)
    reply = client.request("set gpioD2=0")
    tap.check(reply[-1].startswith("err busy") and "gpioset" in reply[-1],
              "a socket client finds the line busy", reply)
    qmp = qmp_command(qemu.tmp, {"execute": "gpio-set", "arguments": {
        "device": AST2600_GPIO, "line": "gpioD2", "level": False}})
    tap.check("error" in qmp, "QMP finds it busy too", qmp)
    vm.ok("kill $(cat /tmp/holder); wait $(cat /tmp/holder)")
    ev = event_for(client, "event released offset=26")
    reply = client.request("set gpioD2=0")
    tap.check(reply == ["ok"], "released when the host process exits",
              reply)
    client.request("release gpioD2")

    # The other way: a line a socket client holds is busy on the host.
    client.request("hello name=rig")
    client.request("set gpioD3=1")
    wait_in_vm(vm, f"gpioinfo {chip} | grep -q '\"gpioD3\".*\"rig\"'",
               "a line a socket client drives shows as used by it")
    status, out = vm.run(f"gpioset {chip} 27=0")
    tap.check(status != 0 and any("busy" in x for x in out),
              "and host gpioset on it fails: busy", out)
    tap.check(guest_data(qemu.qtest) & (1 << 27),
              "the guest still sees the client's level")
    client.request("release gpioD3")


def check_output_refused(vm, qemu, chip):
    before = guest_data(qemu.qtest)
    status, out = vm.run(f"gpioset {chip} 8=1")
    tap.check(status != 0 and any("not permitted" in x for x in out),
              "host gpioset on a line the guest drives: EPERM", out)
    tap.eq(guest_data(qemu.qtest), before, "and the guest saw nothing")


def check_edges(vm, qemu, chip):
    qts = qemu.qtest
    vm.send(f"gpiomon --num-events=2 {chip} 8 > /tmp/mon 2>&1 & "
            "echo $! > /tmp/mon.pid")
    wait_in_vm(vm, "grep -q gpiomon /proc/interrupts",
               "gpiomon watches gpioB0")
    qts.set_bit(GPIO_DATA, 8, True)
    qts.set_bit(GPIO_DATA, 8, False)
    vm.ok("wait $(cat /tmp/mon.pid)")
    out = vm.ok("cat /tmp/mon") or []
    tap.check(len(out) == 2 and "RISING EDGE" in out[0] and
              "FALLING EDGE" in out[1],
              "gpiomon sees the guest's rising and falling edges, in order",
              out)

    # A fast consumer (libgpiod 2.2's bindings, a large buffer).
    vm.send(f"chroot /trixie python3 /usr/local/bin/edges.py /dev/{chip} "
            f"8 {2 * TOGGLES} > /tmp/edges 2>&1 & echo $! > /tmp/edges.pid")
    wait_in_vm(vm, "grep -q ready /tmp/edges", "the fast consumer is ready")
    for _ in range(TOGGLES):
        qts.set_bit(GPIO_DATA, 8, True)
        qts.set_bit(GPIO_DATA, 8, False)
    vm.ok("wait $(cat /tmp/edges.pid)")
    out = vm.ok("cat /tmp/edges") or []
    tap.eq(out[-1:], [f"edges {2 * TOGGLES} alternating consecutive lost 0"],
           f"{TOGGLES} guest toggles: every edge, in order, none twice")


def check_python(vm, qemu, chip, client):
    client.request("subscribe both gpioD4")
    out = vm.ok("python3 /usr/local/bin/gpiod_v1.py " + chip)
    ev = event_for(client, "event edge offset=28")
    tap.check(out == ["B0=0", "D4 driven"] and "edge=rising" in ev and
              guest_data(qemu.qtest) & (1 << 28),
              "bookworm's python3-libgpiod reads gpioB0 and drives gpioD4",
              (out, ev))


def check_qemu_restart(vm, qemu, chip, binary, tmp, port):
    qemu.kill()
    wait_in_vm(vm, f"gpioinfo {chip} | grep -q '\"gpioD5\".*unreachable'",
               "QEMU killed: the bridge holds every line as unreachable")
    status, out = vm.run(f"gpioset {chip} 29=1")
    tap.check(status != 0 and any("busy" in x for x in out),
              "and host gpioset fails at once instead of hanging", out)
    status, out = vm.run(f"gpioget {chip} 24")
    tap.check(status != 0 and any("busy" in x for x in out),
              "so does gpioget", out)
    qemu.stop()
    qemu, _ = start_qemu(binary, tmp, port)
    qemu.tmp = tmp
    wait_in_vm(vm, f"! gpioinfo {chip} | grep -q unreachable",
               "QEMU restarted: the bridge reconnects")
    client = GpioClient(os.path.join(tmp, "g0.sock"), "rig")
    client.request("subscribe both gpioD5")
    out = vm.ok(f"gpioset {chip} 29=1")
    ev = event_for(client, "event edge offset=29")
    tap.check(out is not None and "edge=rising" in ev,
              "and the chip drives the new QEMU's guest", ev)
    client.close()
    return qemu


def run_kernel(binary, kernel_dir, release):
    print(f"# kernel {release}", flush=True)
    with tempfile.TemporaryDirectory(prefix="qemu-gpio-hc-") as tmp:
        qemu, port = start_qemu(binary, tmp, 0)
        qemu.tmp = tmp
        vm = None
        try:
            # The guest drives gpioB0 (line 8) before anyone looks.
            guest_direction(qemu.qtest, 8, True)
            vm = HostVm(kernel_dir)
            tap.check(vm.ready_line.endswith(release),
                      f"{release} boots with the ugpio module",
                      vm.ready_line)
            tap.check(vm.ok("python3 /usr/local/bin/ugpio_check.py > "
                            "/tmp/check 2>&1") is not None,
                      "the module against bad input (ugpio_check.py)",
                      "\n".join(vm.ok("cat /tmp/check") or []))
            chip = start_bridge(vm, port)
            if not chip:
                print("\n".join(vm.ok("cat /tmp/export.err") or []))
                return
            client = GpioClient(os.path.join(tmp, "g0.sock"), "rig")
            check_listing(vm, chip)
            check_direction_change(vm, qemu, chip)
            check_host_drives(vm, qemu, chip, client)
            check_output_refused(vm, qemu, chip)
            check_edges(vm, qemu, chip)
            check_python(vm, qemu, chip, client)
            client.close()
            qemu = check_qemu_restart(vm, qemu, chip, binary, tmp, port)
            qemu.tmp = tmp
            vm.ok("kill $(pidof qemu-gpio); wait $(pidof qemu-gpio)")
            tap.check(vm.ok(f"test ! -e /dev/{chip}") is not None,
                      "SIGTERM to the bridge removes the chip")
            out = vm.ok("dmesg | grep -E 'BUG|WARNING|Oops|Call Trace|"
                        "general protection' || true")
            tap.eq(out, [], "no kernel warning, oops or BUG")
        except (TimeoutError, EOFError, OSError) as e:
            tap.check(False, f"{release}: {e}")
            if vm:
                print("\n".join(f"# {x}" for x in vm.transcript[-30:]))
        finally:
            if vm:
                vm.stop()
            qemu.stop()


def main():
    rig = os.environ["QEMU_GPIO_HOSTCHIP"]
    binary = os.path.join(os.environ["QEMU_GPIODEV_BUILD"],
                          "qemu-system-arm")
    with open(os.path.join(rig, "releases")) as f:
        releases = f.read().split()
    # HOSTCHIP_KERNEL=RELEASE runs one kernel, for debugging.
    only = os.environ.get("HOSTCHIP_KERNEL")
    releases = [r for r in releases if not only or r == only]
    for release in releases:
        run_kernel(binary, os.path.join(rig, release), release)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
