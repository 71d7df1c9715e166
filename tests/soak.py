#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Soak: QEMU's gpiodev under client churn and abuse while the Debian
guest toggles a line, and what it costs.

While the guest toggles gpioB4 (sysfs, as fast as its shell goes) and a
well-behaved client watches every edge:
- N clients connect, ping and disconnect, one after another;
- N/10 clients are killed with SIGKILL in the middle of a request;
- 10 clients subscribe to the toggling line and never read, far past
  their queue limit;
- a second backend on the same controller is hot-plugged and unplugged
  N/10 times over QMP, with a client on it each time.
Then QEMU's open file descriptors and threads must be back to what they
were before, its resident memory within SOAK_RSS_MARGIN_KIB, the
well-behaved client must have seen every edge (consecutive line
sequence numbers, no overflow), and the longest pause of the guest,
measured on its own clock (the guest timestamps of consecutive edges
of its loop), is reported and must stay under SOAK_MAX_PAUSE_MS.

    tests/soak.py [--scale S] [--json FILE]

--scale 1 is the full run (1,000 clients; a few minutes); make check
runs --scale 0.05 so that it cannot rot.  Prints TAP.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from harness import (AST2600_GPIO, GpioClient, Guest, Tap, die_with_parent,
                     toggle_loop)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.path.join(os.environ["QEMU_GPIODEV_BUILD"], "qemu-system-arm")
GUEST = os.environ["QEMU_GPIODEV_GUEST"]
# What a run may leave behind: glibc's per-thread malloc arenas (each of
# the 1,200 sessions' writer threads takes one, and freed memory stays
# in them), GLib's thread pool.  Descriptors and threads must come back;
# leaks themselves are LeakSanitizer's job (make check-asan).  The last
# full run grew by 12 MiB.
RSS_MARGIN_KIB = int(os.environ.get("SOAK_RSS_MARGIN_KIB", 32 * 1024))
MAX_PAUSE_MS = float(os.environ.get("SOAK_MAX_PAUSE_MS", 500))
OFFSET, NAME = 12, "gpioB4"
QUEUE_LIMIT = 65536

tap = Tap()


def proc_figures(pid):
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    threads = len(os.listdir(f"/proc/{pid}/task"))
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f
                   if line.startswith("VmRSS:"))
    return {"fds": fds, "threads": threads, "rss_kib": rss}


class Watcher(threading.Thread):
    """The well-behaved client: reads every edge of the line as it
    comes, and keeps what it needs to judge them."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.client = GpioClient(path, "watcher")
        self.client.request(f"subscribe both {NAME}")
        self.client.reader.timeout = 600
        self.edges, self.seqnos, self.stamps = 0, [], []
        self.overflows, self.bad = 0, []
        self.stop = False
        # Set when the reply to "@end ping" comes: every edge sent
        # before it has been read.
        self.ended = threading.Event()

    def run(self):
        while not self.stop:
            try:
                line = self.client.reader.line()
            except (EOFError, OSError, TimeoutError):
                return
            if line.startswith("event overflow"):
                self.overflows += 1
            elif line.startswith("event edge"):
                f = dict(w.split("=", 1) for w in line.split()[2:]
                         if "=" in w)
                self.edges += 1
                self.seqnos.append(int(f["line-seqno"]))
                self.stamps.append(int(f["guest-ns"]))
            elif line == "ok @end":
                self.ended.set()
            else:
                self.bad.append(line)


def churn(path, n):
    for _ in range(n):
        c = GpioClient(path)
        if c.request("ping") != ["ok"]:
            return False
        c.close()
    return True


KILLED_CLIENT = r"""
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.recv(4096)
# A request the server is in the middle of, and half of another.
s.sendall(b"subscribe both 12\ninfo\nset gpioD")
print("ready", flush=True)
sys.stdin.read()
"""


def kill_mid_request(path, n):
    for _ in range(n):
        p = subprocess.Popen([sys.executable, "-c", KILLED_CLIENT, path],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             preexec_fn=die_with_parent)
        if p.stdout.readline().strip() != b"ready":
            p.kill()
            return False
        p.kill()
        p.wait()
    return True


def stall(path, n):
    """Clients that subscribe and never read again."""
    stalled = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(path)
        s.sendall(f"subscribe both {NAME}\n".encode())
        stalled.append(s)
    return stalled


def hotplug(qmp, tmp, n):
    path = os.path.join(tmp, "hot.sock")
    for i in range(n):
        qmp.cmd("gpiodev-add", type="socket", id="hot",
                device=AST2600_GPIO, addr={"type": "unix", "path": path})
        c = GpioClient(path, f"hot{i}")
        ok = c.request("ping") == ["ok"]
        qmp.cmd("gpiodev-del", id="hot")
        c.close()
        if not ok:
            return False
    return True


def settle(pid, want, deadline=60.0):
    """QEMU's figures once its sessions are all gone (their ends are
    processed by its main loop, after the clients close)."""
    end = time.monotonic() + deadline
    while True:
        got = proc_figures(pid)
        if (got["fds"] <= want["fds"] and got["threads"] <= want["threads"]) \
                or time.monotonic() > end:
            return got
        time.sleep(0.1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--json")
    args = ap.parse_args()
    n = max(10, int(1000 * args.scale))
    pairs = max(2000, int(40000 * args.scale))
    sys.path.insert(0, os.path.join(os.environ["QEMU_GPIODEV_SRC"],
                                    "python"))
    from qemu.qmp.legacy import QEMUMonitorProtocol

    results = {"scale": args.scale, "clients": n, "pairs": pairs}
    with tempfile.TemporaryDirectory(prefix="gpiodev-soak-") as tmp:
        path = os.path.join(tmp, "gpio0.sock")
        qmp_path = os.path.join(tmp, "qmp.sock")
        guest = Guest(QEMU, GUEST, {"gpio0": (
            AST2600_GPIO, path, f",queue-limit={QUEUE_LIMIT}")},
            qmp_path=qmp_path, timeout=300)
        stalled = []
        try:
            qmp = QEMUMonitorProtocol(qmp_path)
            qmp.connect()
            pid = guest.proc.pid
            # Steady state: one session and one hot-plug done before.
            churn(path, 2)
            hotplug(qmp, tmp, 1)
            before = settle(pid, proc_figures(pid))
            results["before"] = before

            watcher = Watcher(path)
            watcher.start()
            guest.send(f"({toggle_loop(OFFSET, pairs)}) > /tmp/soak 2>&1 &")
            start = time.monotonic()
            tap.check(churn(path, n), f"{n} clients connect, ping and "
                      "disconnect")
            tap.check(kill_mid_request(path, n // 10),
                      f"{n // 10} clients killed in the middle of a request")
            stalled = stall(path, 10)
            tap.check(hotplug(qmp, tmp, n // 10),
                      f"a backend hot-plugged and unplugged {n // 10} times")
            status, out = guest.run("wait; cat /tmp/soak")
            results["seconds"] = round(time.monotonic() - start, 1)
            tap.check(status == 0 and out == [f"toggled {pairs}"],
                      f"the guest toggled {NAME} {2 * pairs} times", out)
            # The last edge is seen once the watcher's ping comes back.
            watcher.client.sock.sendall(b"@end ping\n")
            tap.check(watcher.ended.wait(120) and not watcher.bad,
                      "the well-behaved client's ping is answered, and "
                      "nothing but edges came before", watcher.bad[:5])
            watcher.stop = True
            for s in stalled:
                s.close()
            stalled = []
            seq = watcher.seqnos
            tap.check(watcher.edges == 2 * pairs and watcher.overflows == 0
                      and seq == list(range(seq[0], seq[0] + len(seq))),
                      "the well-behaved client saw every edge, in order",
                      f"{watcher.edges} edges, {watcher.overflows} "
                      f"overflows")
            gaps = [b - a for a, b in zip(watcher.stamps, watcher.stamps[1:])]
            pause_ms = max(gaps) / 1e6 if gaps else float("inf")
            results["max_pause_ms"] = round(pause_ms, 2)
            results["median_edge_us"] = round(
                sorted(gaps)[len(gaps) // 2] / 1e3, 1) if gaps else None
            # A time, so a bound only for make soak: make check's smoke
            # run shares a loaded machine and must not depend on timing.
            if args.scale >= 1:
                tap.check(pause_ms < MAX_PAUSE_MS,
                          f"the guest never paused {MAX_PAUSE_MS} ms or "
                          f"more (longest: {pause_ms:.1f} ms)")
            else:
                print(f"# longest guest pause: {pause_ms:.1f} ms (bounded "
                      "only in the full run)", flush=True)
            # Its thread is still reading: shutdown() ends that read.
            watcher.client.sock.shutdown(socket.SHUT_RDWR)
            watcher.join()
            watcher.client.close()

            after = settle(pid, before)
            results["after"] = after
            tap.eq(after["fds"], before["fds"],
                   "QEMU's open file descriptors are back")
            tap.eq(after["threads"], before["threads"],
                   "QEMU's threads are back")
            grown = after["rss_kib"] - before["rss_kib"]
            results["rss_growth_kib"] = grown
            tap.check(grown < RSS_MARGIN_KIB,
                      f"QEMU's resident memory grew by less than "
                      f"{RSS_MARGIN_KIB} KiB ({grown} KiB)")
            qmp.close()
        except Exception as e:  # every failure is a TAP failure
            tap.check(False, f"error: {type(e).__name__}: {e}",
                      "\n".join(guest.transcript[-10:]))
        finally:
            for s in stalled:
                s.close()
            guest.stop()
    print("# " + json.dumps(results), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
