#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A machine that migrates or reloads a snapshot comes back with the
lines it had, as the Debian guest and the host both see them.

1. The host holds a button (gpioD0) high; the machine migrates to a
   file; a new QEMU loads it: the guest's gpioget and the host's
   qemu-gpio get both read 1 there, and a client connected before the
   state arrived is told of the rising edge.
2. savevm on a qcow2 image with the button high; the host lowers it
   and lets go; loadvm: a client that stays connected sees one rising
   edge, and both sides read 1 again.
3. A new QEMU started with -loadvm: both sides read 1.
Prints TAP.
"""

import os
import subprocess
import sys
import tempfile

from harness import AST2600_GPIO, GpioClient, Guest, Tap

tap = Tap()
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ["QEMU_GPIODEV_BUILD"]
QEMU = os.path.join(BUILD, "qemu-system-arm")
GUEST = os.environ["QEMU_GPIODEV_GUEST"]
TOOL = os.path.join(os.environ["QEMU_GPIO_HOST_BUILD"], "tools", "qemu-gpio")


def qmp_connect(path):
    from qemu.qmp.legacy import QEMUMonitorProtocol

    qmp = QEMUMonitorProtocol(path)
    qmp.connect()
    qmp.cmd("migrate-set-capabilities", capabilities=[
        {"capability": "events", "state": True}])
    return qmp


def wait_migration(qmp):
    """The status that ends the migration: completed or failed."""
    while True:
        ev = qmp.pull_event(wait=600)
        if ev and ev["event"] == "MIGRATION" and \
                ev["data"]["status"] in ("completed", "failed"):
            return ev["data"]["status"]


def hmp(qmp, command):
    return qmp.cmd("human-monitor-command", **{"command-line": command})


def both_read(guest, sock, what):
    """The guest's gpioget and the host's qemu-gpio get of gpioD0."""
    status, out = guest.run("gpioget gpiochip0 24")
    tap.eq((status, out), (0, ["1"]), f"{what}: the guest's gpioget reads 1")
    host = subprocess.run([TOOL, "get", "-c", sock, "gpioD0"],
                          capture_output=True, text=True, timeout=60)
    tap.eq((host.returncode, host.stdout.strip()), (0, '"gpioD0"=active'),
           f"{what}: the host's qemu-gpio get reads 1")


def start(tmp, name, extra=(), booted=True):
    sock = os.path.join(tmp, f"{name}.sock")
    qmp_path = os.path.join(tmp, f"{name}-qmp.sock")
    drive = ["-drive", "if=none,id=d0,format=qcow2,file=" +
             os.path.join(tmp, "disk.qcow2")]
    guest = Guest(QEMU, GUEST, {"gpio0": (AST2600_GPIO, sock)},
                  qmp_path=qmp_path, extra=drive + list(extra),
                  booted=booted)
    return guest, sock, qmp_path


def migrate(tmp):
    state = os.path.join(tmp, "state")
    src, sock, qmp_path = start(tmp, "src")
    try:
        button = GpioClient(sock, "button")
        button.request("set gpioD0=1")
        status, out = src.run("gpioget gpiochip0 24")
        tap.eq(out, ["1"], "before: the guest reads the host's button")
        qmp = qmp_connect(qmp_path)
        qmp.cmd("migrate", uri=f"file:{state}")
        tap.eq(wait_migration(qmp), "completed", "migrate to a file")
        qmp.close()
    finally:
        src.stop()

    dst, sock, qmp_path = start(tmp, "dst", ["-incoming", "defer"],
                                booted=False)
    try:
        watcher = GpioClient(sock, "watcher")
        tap.eq(watcher.request("subscribe both gpioD0"), ["ok"],
               "a client watches the new QEMU before the state arrives")
        qmp = qmp_connect(qmp_path)
        qmp.cmd("migrate-incoming", uri=f"file:{state}")
        tap.eq(wait_migration(qmp), "completed", "the new QEMU loads it")
        ev = watcher.event()
        tap.check(ev.startswith("event edge offset=24 name=gpioD0 "
                                "edge=rising level=1 "),
                  "that client is told of the rising edge", ev)
        both_read(dst, sock, "after migration")
        qmp.close()
        watcher.close()
    finally:
        dst.stop()


def snapshots(tmp):
    guest, sock, qmp_path = start(tmp, "snap")
    try:
        qmp = qmp_connect(qmp_path)
        button = GpioClient(sock, "button")
        button.request("set gpioD0=1")
        tap.eq(hmp(qmp, "savevm s1"), "", "savevm with the button high")
        button.request("set gpioD0=0")
        button.close()
        status, out = guest.run("gpioget gpiochip0 24")
        tap.eq(out, ["0"], "the button let go low: the guest reads 0")
        watcher = GpioClient(sock, "watcher")
        watcher.request("subscribe both gpioD0")
        tap.eq(hmp(qmp, "loadvm s1"), "", "loadvm")
        ev = watcher.event()
        tap.check(ev.startswith("event edge offset=24 name=gpioD0 "
                                "edge=rising level=1 "),
                  "a connected client sees one rising edge", ev)
        tap.eq(watcher.request("ping"), ["ok"], "and nothing else")
        tap.eq(watcher.events, [], "no spurious edge from the reset")
        both_read(guest, sock, "after loadvm")
        watcher.close()
        qmp.close()
    finally:
        guest.stop()

    # The guest's shell is where it was when the snapshot was taken.
    guest, sock, qmp_path = start(tmp, "loadvm", ["-loadvm", "s1"],
                                  booted=False)
    try:
        both_read(guest, sock, "a new QEMU with -loadvm")
    finally:
        guest.stop()


def main():
    sys.path.insert(0, os.path.join(os.environ["QEMU_GPIODEV_SRC"],
                                    "python"))
    with tempfile.TemporaryDirectory(prefix="qemu-gpio-migration-") as tmp:
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                        os.path.join(tmp, "disk.qcow2"), "16M"], check=True)
        for scenario in (migrate, snapshots):
            try:
                scenario(tmp)
            except Exception as e:  # every failure is a TAP failure
                tap.check(False, f"{scenario.__name__}: "
                          f"{type(e).__name__}: {e}")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
