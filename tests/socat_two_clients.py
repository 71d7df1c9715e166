#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Two socat clients at once on a gpiodev socket, the guest played by qtest.

The "Done when" of the core issue, as a test: qemu-system-arm -M
ast2600-evb with a socket gpiodev and no guest kernel serves the protocol
to two `socat - UNIX-CONNECT:...` clients at once, and register writes
made through qtest show up as events in both.  Prints TAP.
"""

import os
import subprocess
import sys
import tempfile

from harness import (AST2600_GPIO, AST2600_GPIO_BASE, GPIO_DATA,
                     GPIO_DIRECTION, LineReader, Qemu)

tap_count = 0


def tap(ok, what):
    global tap_count
    tap_count += 1
    print(f"{'ok' if ok else 'not ok'} {tap_count} - {what}", flush=True)
    return ok


class Socat:
    """A socat process connected to the gpiodev socket."""

    def __init__(self, path, name):
        self.proc = subprocess.Popen(
            ["socat", "-", f"UNIX-CONNECT:{path}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.out = LineReader(self.proc.stdout.fileno(), name)

    def send(self, text):
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()

    def close(self):
        self.proc.kill()
        self.proc.wait()


def main():
    binary = os.path.join(os.environ["QEMU_GPIODEV_BUILD"], "qemu-system-arm")
    procs = []
    with tempfile.TemporaryDirectory(prefix="gpiodev-socat-") as tmp:
        path = os.path.join(tmp, "gpio.sock")
        qemu = Qemu(binary, tmp, {"g0": (AST2600_GPIO, path)})
        try:
            print("1..4", flush=True)
            clients = [Socat(path, "socat-a"), Socat(path, "socat-b")]
            procs.extend(clients)
            greetings = [c.out.line() for c in clients]
            tap(all(g.startswith("hello proto=1 ") for g in greetings),
                "both socat clients are greeted")

            for c in clients:
                c.send("subscribe both gpioB0")
            replies = [c.out.line() for c in clients]
            tap(replies == ["ok", "ok"], f"both subscribe: {replies}")

            gpio = AST2600_GPIO_BASE
            qemu.qtest.writel(gpio + GPIO_DIRECTION, 1 << 8)
            qemu.qtest.writel(gpio + GPIO_DATA, 1 << 8)
            qemu.qtest.writel(gpio + GPIO_DATA, 0)

            for edge in ("rising", "falling"):
                events = [c.out.line() for c in clients]
                expect = f"event edge offset=8 name=gpioB0 edge={edge} "
                tap(all(e.startswith(expect) for e in events),
                    f"both see the {edge} edge: {events}")
        except (TimeoutError, EOFError, RuntimeError, OSError) as e:
            tap(False, f"error: {e}")
            return 1
        finally:
            for p in procs:
                p.close()
            qemu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
