#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Two socat clients at once on a gpiodev socket, the guest played by qtest.

The "Done when" of the core issue, as a test: qemu-system-arm -M
ast2600-evb with a socket gpiodev and no guest kernel serves the protocol
to two `socat - UNIX-CONNECT:...` clients at once, and register writes
made through qtest show up as events in both.  Prints TAP.

Both sockets are created here and handed to QEMU as file descriptors
(addr.type=fd for the gpiodev, fd= for the qtest chardev), so there is
nothing to wait for before connecting.
"""

import os
import select
import socket
import subprocess
import sys
import tempfile

TIMEOUT = 20.0
GPIO_BASE = 0x1E780000
DATA, DIRECTION = 0x000, 0x004

tap_count = 0


def tap(ok, what):
    global tap_count
    tap_count += 1
    print(f"{'ok' if ok else 'not ok'} {tap_count} - {what}", flush=True)
    return ok


class LineReader:
    """Reads whole lines from a file descriptor, failing after TIMEOUT."""

    def __init__(self, fd, name):
        self.fd, self.name, self.buf = fd, name, b""

    def line(self):
        while b"\n" not in self.buf:
            ready, _, _ = select.select([self.fd], [], [], TIMEOUT)
            if not ready:
                raise TimeoutError(f"{self.name}: nothing within {TIMEOUT}s")
            chunk = os.read(self.fd, 4096)
            if not chunk:
                raise EOFError(f"{self.name}: closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()


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


class Qtest:
    """The raw qtest protocol: one command a line, "OK ..." replies."""

    def __init__(self, sock):
        self.sock = sock
        self.reader = LineReader(sock.fileno(), "qtest")

    def cmd(self, text):
        self.sock.sendall(text.encode() + b"\n")
        while True:
            line = self.reader.line()
            if not line.startswith("IRQ"):
                break
        if not line.startswith("OK"):
            raise RuntimeError(f"qtest: {text!r} -> {line!r}")
        return line

    def writel(self, offset, value):
        self.cmd(f"writel 0x{GPIO_BASE + offset:x} 0x{value:x}")


def main():
    qemu = os.path.join(os.environ["QEMU_GPIODEV_BUILD"], "qemu-system-arm")
    tmp = tempfile.TemporaryDirectory(prefix="gpiodev-socat-")
    path = os.path.join(tmp.name, "gpio.sock")
    qtest_path = os.path.join(tmp.name, "qtest.sock")

    gpio_listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    gpio_listener.bind(path)
    gpio_listener.listen(8)
    qtest_listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    qtest_listener.bind(qtest_path)
    qtest_listener.listen(1)
    fds = (gpio_listener.fileno(), qtest_listener.fileno())

    procs = []
    qemu_proc = subprocess.Popen(
        [qemu, "-M", "ast2600-evb", "-display", "none", "-monitor", "none",
         "-serial", "none", "-accel", "qtest", "-qtest-log", "/dev/null",
         "-chardev", f"socket,id=qt,fd={fds[1]},server=on,wait=off",
         "-qtest", "chardev:qt",
         "-gpiodev", f"socket,id=g0,device=/machine/soc/gpio,"
                     f"addr.type=fd,addr.str={fds[0]}"],
        pass_fds=fds)
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

        qt_sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        qt_sock.connect(qtest_path)
        qt = Qtest(qt_sock)
        qt.writel(DIRECTION, 1 << 8)
        qt.writel(DATA, 1 << 8)
        qt.writel(DATA, 0)

        for edge in ("rising", "falling"):
            events = [c.out.line() for c in clients]
            expect = f"event edge offset=8 name=gpioB0 edge={edge} "
            tap(all(e.startswith(expect) for e in events),
                f"both see the {edge} edge: {events}")
    except (TimeoutError, EOFError, RuntimeError) as e:
        tap(False, f"error: {e}")
        return 1
    finally:
        for p in procs:
            p.close()
        qemu_proc.kill()
        qemu_proc.wait()
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
