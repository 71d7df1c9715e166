#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Event timestamps from a running guest.

bench/echo.S, a bare-metal program on ast2600-evb (TCG), copies gpioD0
to gpioB0 as soon as it changes.  A client drives gpioD0 and receives
gpioB0's edge: its host-ns must lie between the client's clock readings
before the request and after the event.  QEMU derives host-ns from the
guest's clock while the guest runs, reading the host's clock again
after a millisecond of guest time, so pauses of the VM must not shift
it: right after an echo, the VM is stopped, gpioD0 is set, and the VM
goes on, whose echo then comes well within that millisecond of guest
time.  guest-ns must not count the pauses.  Prints TAP.
"""

import os
import select
import subprocess
import sys
import tempfile
import time

from harness import TIMEOUT, GpioClient, die_with_parent, listen_unix, Tap

tap = Tap()
SAMPLES = 300
PAUSES = 20
PAUSE_S = 0.05


def field(event, key):
    for word in event.split():
        if word.startswith(key + "="):
            return int(word[len(key) + 1:])
    raise KeyError(f"no {key} in {event!r}")


class Echo:
    """gpioD0, toggled by the client, and its echo on gpioB0."""

    def __init__(self, client):
        self.client, self.level = client, 0

    def set(self):
        self.level ^= 1
        if self.client.request(f"set gpioD0={self.level}") != ["ok"]:
            raise RuntimeError("set failed")

    def event(self):
        event = self.client.event()
        if "name=gpioB0" not in event or field(event, "level") != self.level:
            raise RuntimeError(f"unexpected event {event!r}")
        return field(event, "host-ns"), field(event, "guest-ns")

    def samples(self, count=SAMPLES):
        """(sent, host-ns, received, guest-ns) for each of @count echoes."""
        samples = []
        for _ in range(count):
            sent = time.time_ns()
            self.set()
            host_ns, guest_ns = self.event()
            samples.append((sent, host_ns, time.time_ns(), guest_ns))
        return samples

    def after_pause(self, monitor):
        """Echo once, stop the VM, set gpioD0, let the VM go on: the echo
        of that set is the guest's first action after the pause."""
        self.samples(1)
        monitor.cmd("stop")
        # The stimulus, not a wait for something: a stopped guest.
        time.sleep(PAUSE_S)
        sent = time.time_ns()
        self.set()
        monitor.cmd("cont")
        host_ns, guest_ns = self.event()
        return (sent, host_ns, time.time_ns(), guest_ns)


def wait_ready(console):
    """echo.S prints 'R' once it spins on the data register."""
    seen = b""
    while b"R" not in seen:
        ready, _, _ = select.select([console], [], [], TIMEOUT)
        if not ready:
            raise TimeoutError(f"the guest printed {seen!r} in {TIMEOUT}s")
        chunk = os.read(console.fileno(), 64)
        if not chunk:
            raise EOFError(f"QEMU exited; the guest printed {seen!r}")
        seen += chunk


def check_window(samples, what):
    early = [s for s in samples if s[1] < s[0]]
    late = [s for s in samples if s[1] > s[2]]
    tap.check(not early and not late,
              f"{what}: host-ns lies between the request and the event",
              f"{len(early)} early, {len(late)} late; first: "
              f"{(early + late)[:1]}")
    stamps = [s[1] for s in samples]
    tap.check(stamps == sorted(stamps), f"{what}: host-ns never goes back")


def main():
    sys.path.insert(0, os.path.join(os.environ["QEMU_GPIODEV_SRC"],
                                    "python"))
    from qemu.qmp.legacy import QEMUMonitorProtocol  # QEMU's python/

    binary = os.path.join(os.environ["QEMU_GPIODEV_BUILD"],
                          "qemu-system-arm")
    elf = os.path.join(os.environ["QEMU_GPIO_HOST_BUILD"], "bench",
                       "echo.elf")
    with tempfile.TemporaryDirectory(prefix="qemu-gpio-ts-") as tmp:
        gpio = listen_unix(os.path.join(tmp, "gpio.sock"))
        qmp = listen_unix(os.path.join(tmp, "qmp.sock"), 1)
        proc = subprocess.Popen(
            [binary, "-M", "ast2600-evb", "-display", "none",
             "-monitor", "none", "-serial", "stdio", "-kernel", elf,
             "-gpiodev", "socket,id=g,device=/machine/soc/gpio,"
             f"addr.type=fd,addr.str={gpio.fileno()}",
             "-chardev", f"socket,id=qmp,fd={qmp.fileno()},server=on,"
             "wait=off", "-mon", "chardev=qmp,mode=control"],
            pass_fds=[gpio.fileno(), qmp.fileno()], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, start_new_session=True,
            preexec_fn=die_with_parent)
        monitor = None
        try:
            wait_ready(proc.stdout)
            client = GpioClient(os.path.join(tmp, "gpio.sock"))
            client.request("subscribe both gpioB0")
            monitor = QEMUMonitorProtocol(os.path.join(tmp, "qmp.sock"))
            monitor.connect()
            monitor.settimeout(TIMEOUT)

            echo = Echo(client)
            before = echo.samples()
            check_window(before, "guest running")
            paused = [echo.after_pause(monitor) for _ in range(PAUSES)]
            check_window(paused, "right after a pause")
            after = echo.samples()
            check_window(after, "after the pauses")

            host_gap = after[0][1] - before[-1][1]
            guest_gap = after[0][3] - before[-1][3]
            tap.check(host_gap >= PAUSES * PAUSE_S * 1e9,
                      "host-ns counts the pauses", host_gap)
            tap.check(0 <= guest_gap < host_gap - PAUSES * PAUSE_S * 1e9,
                      "guest-ns does not count them",
                      f"guest {guest_gap} host {host_gap}")
        finally:
            if monitor:
                monitor.close()
            proc.kill()
            proc.wait()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
