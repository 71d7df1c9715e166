#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The life of a gpiodev unix socket file, as the kernel sees it.

- Its permissions and group are set before QEMU listens on it, so that
  no connection is made through wider ones, even with umask 0: strace
  shows the order of bind(), chmod(), chown() and listen().
- A termination signal that arrives while QEMU is still starting (the
  -gpiodev sockets exist before QEMU installs its signal handlers) ends
  QEMU cleanly, socket file removed: strace holds QEMU right after its
  listen() for as long as the test needs to send the signal.

(The qtest gpiodev-aspeed-test covers mode=, group=, their errors, and a
socket file replaced while QEMU runs.)
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TIMEOUT, Tap, die_with_parent  # noqa: E402

QEMU = os.path.join(os.environ["QEMU_GPIODEV_BUILD"], "qemu-system-arm")
STRACE = shutil.which("strace")


def qemu_args(path, opts=""):
    return [QEMU, "-M", "ast2600-evb", "-display", "none", "-monitor",
            "none", "-serial", "none", "-S", "-gpiodev",
            f"socket,id=g,device=gpio,addr.type=unix,addr.path={path}{opts}"]


def start(args, umask=None):
    def child():
        die_with_parent()
        if umask is not None:
            os.umask(umask)
    return subprocess.Popen(args, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, preexec_fn=child)


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    out = proc.communicate()[0]
    return out.decode(errors="replace")


def quit_qemu(proc, pid):
    """End QEMU (@pid, run by @proc) the way a user does: SIGTERM."""
    os.kill(pid, signal.SIGTERM)
    proc.wait(timeout=60)


def wait_until(cond, what):
    """Wait for @cond (the kernel gives us no event for these)."""
    deadline = time.monotonic() + TIMEOUT
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.005)


def connectable(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return s.recv(64).startswith(b"hello ")
    except OSError:
        return False
    finally:
        s.close()


def syscall_order(log, path):
    """The calls on the socket file and its descriptor, in order:
    ["bind", "chmod 0640", "chown 4242", "listen"]."""
    calls, fd = [], None
    for line in log.splitlines():
        m = re.search(r'bind\((\d+), \{sa_family=AF_UNIX, sun_path="([^"]*)"',
                      line)
        if m and m.group(2) == path:
            fd = m.group(1)
            calls.append("bind")
            continue
        m = re.search(r'(?:chmod|fchmodat)\((?:AT_FDCWD, )?"([^"]*)", (\d+)',
                      line)
        if m and m.group(1) == path:
            calls.append(f"chmod {m.group(2)}")
            continue
        m = re.search(r'(?:chown|fchownat|lchown)\((?:AT_FDCWD, )?"([^"]*)", '
                      r'(-?\d+), (-?\d+)', line)
        if m and m.group(1) == path:
            calls.append(f"chown {m.group(3)}")
            continue
        m = re.search(r'listen\((\d+), ', line)
        if m and fd is not None and m.group(1) == fd:
            calls.append("listen")
    return calls


def test_order(tap, tmp):
    """Permissions and group before listen(), whatever the umask."""
    path = os.path.join(tmp, "order.sock")
    log = os.path.join(tmp, "order.strace")
    gid = 4242 if os.geteuid() == 0 else os.getegid()
    proc = start([STRACE, "-f", "-qq", "-o", log, "-e",
                  "trace=bind,listen,chmod,fchmodat,chown,fchownat,lchown"] +
                 qemu_args(path, f",mode=0640,group={gid}"), umask=0)
    try:
        wait_until(lambda: connectable(path), "the socket never accepted")
        st = os.stat(path)
        tap.eq(oct(st.st_mode & 0o7777), oct(0o640),
               "umask 0: the socket file has the permissions asked for")
        tap.eq(st.st_gid, gid, "and the group asked for")
        quit_qemu(proc, qemu_child(proc))
    finally:
        stop(proc)
    with open(log) as f:
        calls = syscall_order(f.read(), path)
    tap.eq(calls, ["bind", "chmod 0640", f"chown {gid}", "listen"],
           "bind, chmod and chown come before listen")
    tap.check(not os.path.exists(path), "SIGTERM: the file goes with QEMU")

    # The default: only QEMU's user, whatever the umask.
    path = os.path.join(tmp, "default.sock")
    proc = start(qemu_args(path), umask=0)
    try:
        wait_until(lambda: connectable(path), "the socket never accepted")
        tap.eq(oct(os.stat(path).st_mode & 0o7777), oct(0o600),
               "umask 0: the default permissions are 0600")
        quit_qemu(proc, proc.pid)
    finally:
        stop(proc)


def qemu_child(tracer):
    """The pid of the QEMU that @tracer (strace) runs (strace forks
    children of its own to probe the kernel first)."""
    task = f"/proc/{tracer.pid}/task/{tracer.pid}/children"

    def qemu():
        with open(task) as f:
            for pid in f.read().split():
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as c:
                        if c.read().split(b"\0")[0] == QEMU.encode():
                            return int(pid)
                except OSError:
                    pass
        return None
    wait_until(qemu, "strace started no QEMU")
    return qemu()


def test_early_signal(tap, tmp, sig):
    """@sig while QEMU starts: it exits the usual way, file removed."""
    name = signal.Signals(sig).name
    path = os.path.join(tmp, f"early-{name}.sock")
    # Hold QEMU for 3 s right after its first listen(), the gpiodev's
    # (the machine has no other listener).
    proc = start([STRACE, "-f", "-qq", "-o", "/dev/null", "-e",
                  "trace=listen", "-e", "inject=listen:delay_exit=3000000:"
                  "when=1"] + qemu_args(path))
    try:
        pid = qemu_child(proc)
        wait_until(lambda: os.path.exists(path), "no socket file")
        os.kill(pid, sig)
        proc.wait(timeout=60)
    finally:
        out = stop(proc)
    tap.check(f"terminating on signal {sig}" in out,
              f"{name} before QEMU's handlers: QEMU terminates as usual", out)
    tap.check(not os.path.exists(path),
              f"{name} before QEMU's handlers: no socket file left")


def main():
    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="gpiodev-lifecycle-")
    try:
        if not STRACE:
            tap.check(False, "strace is installed (scripts/install-deps.sh)")
            return tap.done()
        test_order(tap, tmp)
        for sig in (signal.SIGTERM, signal.SIGINT):
            test_early_signal(tap, tmp, sig)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
