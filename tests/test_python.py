#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The qemu_gpio Python package: installed offline with pip, then used,
synchronously and with asyncio, against a real QEMU.  Prints TAP."""

import asyncio
import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile

from harness import (AST2600_GPIO, AST2600_GPIO_BASE, GPIO_DATA,
                     GPIO_DIRECTION, Qemu, Tap)

tap = Tap()
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# pip must not reach for the network: if it tried, it would fail at
# once rather than retry.
PIP_ENV = {"PIP_NO_INPUT": "1", "PIP_RETRIES": "0", "PIP_TIMEOUT": "5",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_CACHE_DIR": "1"}


def copy_python(dest):
    """The package's source tree, as a clone has it."""
    shutil.copytree(os.path.join(TOP, "python"), dest,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))


def install(target):
    """pip install into @target, offline, for the tests below to use."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "python")
        copy_python(src)
        p = subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                            "--no-index", "--target", target, src],
                           capture_output=True, text=True,
                           env=dict(os.environ, **PIP_ENV))
    tap.check(p.returncode == 0, "pip installs the package offline",
              p.stderr)
    sys.path.insert(0, target)


def readme_install_commands():
    """The commands of python/README.md's "Install" section."""
    commands, section = [], None
    with open(os.path.join(TOP, "python", "README.md"),
              encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                section = line[3:].strip()
            elif section == "Install" and line.startswith("    "):
                commands.append(line.strip())
    return commands


def interpreters():
    """Debian's python3, and the first other python3 on the PATH (a
    pyenv one, say)."""
    found = ["/usr/bin/python3"]
    for d in os.environ.get("PATH", "").split(os.pathsep):
        path = os.path.join(d, "python3")
        if (os.access(path, os.X_OK) and
                os.path.realpath(path) != os.path.realpath(found[0])):
            found.append(path)
            break
    return found


def venv_run(cwd, bindir, command):
    """@command as a user types it in @cwd, python3 being @bindir's."""
    env = dict(os.environ, **PIP_ENV)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONPATH", None)
    return subprocess.run(["sh", "-c", command], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_readme_install(tmp):
    """The README's commands, in a new virtual environment, with each
    Python: the package installs with nothing downloaded, and imports."""
    commands = readme_install_commands()
    tap.check(any("-m venv" in c for c in commands) and
              any("pip install" in c for c in commands),
              "python/README.md says how to install into a venv", commands)
    for n, python in enumerate(interpreters()):
        work = os.path.join(tmp, f"readme-{n}")
        bindir = os.path.join(work, "bin")
        os.makedirs(bindir)
        os.symlink(python, os.path.join(bindir, "python3"))
        copy_python(os.path.join(work, "python"))
        failed = None
        for command in commands:
            p = venv_run(work, bindir, command)
            if p.returncode != 0:
                failed = (command, p.stdout + p.stderr)
                break
        tap.check(failed is None,
                  f"{python}: the README's commands install the package "
                  "into a new venv, offline", failed)
        p = venv_run(work, bindir, "venv/bin/python -c 'import qemu_gpio, "
                     "importlib.metadata as m; print(qemu_gpio.__file__); "
                     "print(m.version(\"qemu-gpio\"))'")
        out = p.stdout.split()
        tap.check(p.returncode == 0 and len(out) == 2 and
                  out[0].startswith(os.path.join(work, "venv")) and
                  out[1] == "0.1.0",
                  f"{python}: the venv's Python imports it from the venv, "
                  "version 0.1.0", (p.stdout, p.stderr))


def test_sdist(tmp):
    """The source distribution that the backend writes installs too."""
    src = os.path.join(tmp, "sdist-src")
    copy_python(src)
    p = subprocess.run([sys.executable, "-c",
                        "import sys; sys.path.insert(0, 'build_backend'); "
                        "import qemu_gpio_build as b; "
                        f"print(b.build_sdist({tmp!r}))"],
                       cwd=src, capture_output=True, text=True)
    sdist = os.path.join(tmp, p.stdout.strip())
    venv = os.path.join(tmp, "sdist-venv")
    q = subprocess.run([sys.executable, "-m", "venv", venv],
                       capture_output=True, text=True)
    r = subprocess.run([os.path.join(venv, "bin", "pip"), "install",
                        "--no-index", sdist], capture_output=True, text=True,
                       env=dict(os.environ, **PIP_ENV))
    tap.check(p.returncode == 0 and q.returncode == 0 and r.returncode == 0,
              "the backend's sdist installs into a venv, offline",
              (p.stderr, q.stderr, r.stderr))


def bit(qt, b):
    return bool(qt.readl(AST2600_GPIO_BASE + GPIO_DATA) & (1 << b))


def test_sync(qg, qt, sock_dir):
    from qemu_gpio import (Chip, Clock, Direction, Edge, EdgeEventType,
                           InfoEventType, LineSettings, ServerError, Value)

    with Chip("gpio0") as chip:
        info = chip.get_info()
        tap.eq((info.name, info.label, info.num_lines, info.device),
               ("gpio0", "ASPEED AST2600 GPIO 3.3V", 208, AST2600_GPIO),
               "Chip by name: its info")
        li = chip.get_line_info("gpioD0")
        tap.eq((li.offset, li.name, li.direction, li.used),
               (24, "gpioD0", Direction.INPUT, False), "line info by name")
        try:
            chip.get_line_info("gpioQQ")
            tap.check(False, "an unknown name raises")
        except FileNotFoundError:
            tap.check(True, "an unknown name raises FileNotFoundError")

        out = LineSettings(direction=Direction.OUTPUT,
                           output_value=Value.ACTIVE)
        with chip.request_lines({"gpioD7": out}, consumer='say "cheese"'):
            try:
                chip.request_lines({"gpioD7": out})
                tap.check(False, "busy")
            except ServerError as e:
                tap.check(e.errno == errno.EBUSY and
                          str(e).endswith('named say "cheese"'),
                          "an error naming a consumer with quotes", str(e))
        with chip.request_lines({("gpioD0", "gpioD1"): out},
                                consumer="py-test") as req:
            tap.check(bit(qt, 24) and bit(qt, 25),
                      "request two outputs: the guest sees both high")
            tap.eq(chip.get_line_info(24).consumer, "py-test",
                   "the consumer is shown")
            try:
                chip.request_lines({"gpioD0": out})
                tap.check(False, "a held line is busy")
            except ServerError as e:
                tap.check(e.errno == errno.EBUSY and "py-test" in str(e),
                          "a held line is busy, naming its holder")
            req.set_values({"gpioD0": Value.INACTIVE})
            tap.eq(req.get_values(), [Value.INACTIVE, Value.ACTIVE],
                   "set_values and get_values")
            tap.check(not bit(qt, 24), "the guest sees the change")
        tap.eq(chip.get_line_info(24).consumer, None,
               "released on leaving the with block")

        chip.watch_line_info("gpioD2")
        with chip.request_lines({"gpioD2": out}, consumer="w"):
            ev = chip.read_info_event(timeout=10)
            tap.check(ev.event_type is InfoEventType.LINE_REQUESTED and
                      ev.line_info.consumer == "w", "info event: requested")
        ev = chip.read_info_event(timeout=10)
        tap.check(ev.event_type is InfoEventType.LINE_RELEASED,
                  "info event: released")
        qt.set_bit(GPIO_DIRECTION, 26, True)
        ev = chip.read_info_event(timeout=10)
        tap.check(ev.event_type is InfoEventType.LINE_CONFIG_CHANGED and
                  ev.line_info.direction is Direction.OUTPUT,
                  "info event: the guest reconfigured the line")
        qt.set_bit(GPIO_DIRECTION, 26, False)
        ev = chip.read_info_event(timeout=10)
        tap.check(ev.line_info.direction is Direction.INPUT,
                  "info event: and back to an input")
        try:
            chip.read_info_event(timeout=0.05)
            tap.check(False, "no more info events")
        except TimeoutError:
            tap.check(True, "read_info_event times out when nothing comes")

        qt.set_bit(GPIO_DIRECTION, 8, True)
        with chip.request_lines({"gpioB0": LineSettings(
                edge_detection=Edge.BOTH)}) as mon, \
             chip.request_lines({"gpioB0": LineSettings(
                 edge_detection=Edge.RISING, active_low=True,
                 event_clock=Clock.REALTIME)}) as inv:
            t0 = qt.clock_step(1000)
            qt.set_bit(GPIO_DATA, 8, True)
            t1 = qt.clock_step(1000)
            qt.set_bit(GPIO_DATA, 8, False)
            evs = []
            while len(evs) < 2 and mon.wait_edge_events(10):
                evs += mon.read_edge_events()
            tap.eq([(e.event_type, e.timestamp_ns, e.line_offset)
                    for e in evs],
                   [(EdgeEventType.RISING_EDGE, t0, 8),
                    (EdgeEventType.FALLING_EDGE, t1, 8)],
                   "edge events in guest time")
            tap.eq(evs[1].line_seqno, evs[0].line_seqno + 1,
                   "consecutive line sequence numbers")
            ev = inv.read_edge_events()[0]
            tap.check(ev.event_type is EdgeEventType.RISING_EDGE and
                      ev.timestamp_ns > 10**18,
                      "active-low: the pin falling is a rising edge, in "
                      "realtime")
            tap.check(not mon.wait_edge_events(0.05),
                      "wait_edge_events times out when nothing comes")
        qt.set_bit(GPIO_DIRECTION, 8, False)


async def test_async(qt):
    from qemu_gpio import Direction, Edge, LineSettings, Value, aio

    chip = await aio.open_chip("gpio0")
    async with chip:
        tap.eq(chip.get_info().num_lines, 208, "aio: open_chip")
        li = await chip.get_line_info("gpioC3")
        tap.eq(li.offset, 19, "aio: line info by name")
        req = await chip.request_lines({"gpioC3": LineSettings(
            direction=Direction.OUTPUT, output_value=Value.ACTIVE)})
        async with req:
            tap.check(bit(qt, 19), "aio: an output request drives the pin")
            await req.set_value("gpioC3", Value.INACTIVE)
            tap.eq(await req.get_value("gpioC3"), Value.INACTIVE,
                   "aio: set and get")
        qt.set_bit(GPIO_DIRECTION, 20, True)
        mon = await chip.request_lines({"gpioC4": LineSettings(
            edge_detection=Edge.BOTH)})
        async with mon:
            qt.set_bit(GPIO_DATA, 20, True)
            qt.set_bit(GPIO_DATA, 20, False)
            got = []
            async for ev in mon.edge_events(timeout=10):
                got.append(ev.event_type.value)
                if len(got) == 2:
                    break
            tap.eq(got, ["rising", "falling"], "aio: edge_events")
        qt.set_bit(GPIO_DIRECTION, 20, False)


def test_server_gone(binary, sock_dir):
    from qemu_gpio import Chip, Direction, LineSettings

    path = os.path.join(sock_dir, "gone.sock")
    qemu = Qemu(binary, sock_dir, {"gone": (AST2600_GPIO, path)})
    try:
        with Chip(path) as chip:
            req = chip.request_lines({"gpioA0": LineSettings(
                direction=Direction.INPUT)})
            req._conn.timeout = 0.3
            # A QEMU that stops answering: the call times out, and the
            # connection, whose next reply would be the late one, is
            # unusable from then on.
            os.kill(qemu.proc.pid, signal.SIGSTOP)
            try:
                req.get_value("gpioA0")
                tap.check(False, "a stopped server times out")
            except TimeoutError:
                tap.check(True, "a stopped server times out")
            os.kill(qemu.proc.pid, signal.SIGCONT)
            try:
                req.get_value("gpioA0")
                tap.check(False, "after a timeout the request is broken")
            except ConnectionError:
                tap.check(True, "after a timeout the request is broken")
            req = chip.request_lines({"gpioA0": LineSettings(
                direction=Direction.INPUT)})
            # Killed while a request waits for its reply: the request is
            # sent to a stopped QEMU, which is then killed.
            os.kill(qemu.proc.pid, signal.SIGSTOP)
            req._conn.timeout = 30
            req._conn.send("get 0")
            qemu.kill()
            try:
                req._conn.recv()
                tap.check(False, "a dead server raises")
            except (ConnectionError, OSError) as e:
                tap.check(not isinstance(e, TimeoutError),
                          "a request to a dead server fails at once: "
                          f"{type(e).__name__}")
            req.release()
    finally:
        qemu.stop()
    try:
        Chip(path)
        tap.check(False, "a chip whose QEMU is gone cannot be opened")
    except OSError as e:
        tap.check(e.errno in (errno.ENOENT, errno.ECONNREFUSED),
                  "a chip whose QEMU is gone cannot be opened")


def test_server_full(qg, binary, sock_dir):
    """A server with max-clients sessions refuses one more, and says so."""
    path = os.path.join(sock_dir, "full.sock")
    qemu = Qemu(binary, sock_dir, {"full": (AST2600_GPIO, path,
                                            ",max-clients=1")})
    try:
        with qg.Chip(path):
            try:
                qg.Chip(path)
                tap.check(False, "a full server refuses one more client")
            except qg.ServerError as e:
                tap.check(e.errno == errno.EBUSY and e.code == "busy" and
                          "the server is full (max-clients=1)" in str(e),
                          "a full server refuses one more client: EBUSY, "
                          "with the server's words", e)
    finally:
        qemu.stop()


def main():
    binary = os.path.join(os.environ["QEMU_GPIODEV_BUILD"], "qemu-system-arm")
    with tempfile.TemporaryDirectory(prefix="qemu-gpio-py-") as tmp:
        test_readme_install(tmp)
        test_sdist(tmp)
        install(os.path.join(tmp, "site"))
        os.environ["QEMU_GPIO_DIR"] = tmp
        qemu = Qemu(binary, tmp, {
            "gpio0": (AST2600_GPIO, os.path.join(tmp, "gpio0.sock"))})
        try:
            import qemu_gpio
            tap.check(qemu_gpio.__file__.startswith(tmp),
                      "the installed package is the one imported")
            test_sync(qemu_gpio, qemu.qtest, tmp)
            asyncio.run(test_async(qemu.qtest))
            test_server_gone(binary, tmp)
            test_server_full(qemu_gpio, binary, tmp)
        except Exception as e:  # every failure is a TAP failure
            tap.check(False, f"error: {type(e).__name__}: {e}")
        finally:
            qemu.stop()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
