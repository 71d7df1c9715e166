#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qemu-gpio's subcommands against a real QEMU, checked line for line
against the formats of libgpiod v2's tools (docs/libgpiod-tools-compat.md).

The guest is played over qtest, whose virtual clock only moves when told
to, so event timestamps are exact.  Prints TAP.
"""

import datetime
import os
import re
import subprocess
import sys
import tempfile

from harness import (AST2600_GPIO, AST2600_GPIO_1_8V, LineReader, Qemu, Tap,
                     listen_tcp)

GPIO_DATA, GPIO_DIRECTION = 0x000, 0x004
GPIO_INT_ENABLE, GPIO_INT_SENS_0 = 0x008, 0x00C
# Offsets of set ABCD: gpioA0 = 0, gpioB0 = 8, gpioC0 = 16, gpioD0 = 24.
B, C, D = 8, 16, 24

tap = Tap()
TOOL = None
ENV = None
QT = None


# $QEMU_GPIO_VALGRIND: run the one-shot commands under valgrind, whose
# findings then fail the test through the exit status and stderr.
VALGRIND = (["valgrind", "-q", "--leak-check=full",
             "--errors-for-leak-kinds=definite", "--error-exitcode=99"]
            if os.environ.get("QEMU_GPIO_VALGRIND") else [])


def run(*args, stdin=None, timeout=60):
    p = subprocess.run([*VALGRIND, TOOL, *args], input=stdin,
                       capture_output=True, text=True, env=ENV,
                       timeout=timeout)
    if "==" in p.stderr:
        tap.check(False, f"valgrind is clean for {' '.join(args)}",
                  p.stderr)
    return p.returncode, p.stdout, p.stderr


def message(err):
    """stderr lines without the program prefix."""
    return [line.split(": ", 1)[1] for line in err.splitlines()]


class Bg:
    """A long-running subcommand whose output is read line by line."""

    procs = []

    def __init__(self, *args, stdin=None):
        self.proc = subprocess.Popen([TOOL, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     stdin=subprocess.PIPE if stdin else
                                     subprocess.DEVNULL,
                                     text=False, env=ENV)
        Bg.procs.append(self)
        self.out = LineReader(self.proc.stdout.fileno(), args[0])

    def line(self):
        return self.out.line()

    def wait(self, timeout=20):
        rc = self.proc.wait(timeout)
        rest = self.out.buf + self.proc.stdout.read()
        return rc, rest.decode(), self.proc.stderr.read().decode()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    @classmethod
    def kill_all(cls):
        for p in cls.procs:
            p.kill()


def now_ns():
    """The machine's virtual time."""
    return QT.now


def step(ns):
    return QT.clock_step(ns)


def ts(ns):
    return f"{ns // 10**9}.{ns % 10**9:09d}"


def test_detect(sock_dir):
    rc, out, err = run("detect")
    tap.eq((rc, out), (0, "gpio0 [ASPEED AST2600 GPIO 3.3V] (208 lines)\n"
                          "gpio1 [ASPEED AST2600 GPIO 1.8V] (36 lines)\n"),
           "detect lists both controllers in gpiodetect's format")
    rc, out, err = run("detect", "gpio1")
    tap.eq((rc, out), (0, "gpio1 [ASPEED AST2600 GPIO 1.8V] (36 lines)\n"),
           "detect CHIP")
    rc, out, err = run("detect", "nonesuch", os.path.join(sock_dir,
                                                          "gpio0.sock"))
    tap.eq((rc, out, message(err)),
           (1, "gpio0 [ASPEED AST2600 GPIO 3.3V] (208 lines)\n",
            ["cannot find GPIO chip character device 'nonesuch'"]),
           "detect: an unknown chip is reported, the others listed, exit 1")
    rc, out, err = run("detect", "--bogus")
    tap.check(rc == 1 and "unrecognized option '--bogus'" in err
              and err.rstrip().endswith("--help"),
              "an unknown option: getopt's message, then 'try ... --help'",
              err)
    rc, out, err = run("detect", "--help")
    tap.check(rc == 0 and out.startswith("Usage: "), "detect --help")
    rc, out, err = run("--version")
    tap.check(rc == 0 and "qemu-gpio" in out.splitlines()[0], "--version")
    rc, out, err = run("get", "--version")
    tap.check(rc == 0 and out.splitlines()[0].startswith(
                  "qemu-gpio get (qemu-gpio) v"),
              "get --version names the program by its base name, as "
              "libgpiod does", out)
    # libgpiod takes --v for --version; our extra --vcd must not make
    # it ambiguous, while --vc still means --vcd.
    rc, out, err = run("mon", "--v")
    tap.check(rc == 0 and out.startswith("qemu-gpio mon (qemu-gpio) v"),
              "mon --v is --version, as in libgpiod", (out, err))
    rc, out, err = run("mon", "--vc")
    tap.check(rc == 1 and "requires an argument" in err,
              "mon --vc is --vcd", err)
    rc, out, err = run("mon", "-c", "--v", "--ver")
    tap.check(rc == 0 and out.startswith("qemu-gpio mon (qemu-gpio) v"),
              "an option's argument is not taken for an option", (out, err))
    link = os.path.join(sock_dir, "gpiodetect")
    os.symlink(TOOL, link)
    p = subprocess.run([link], capture_output=True, text=True, env=ENV)
    os.unlink(link)
    tap.check(p.returncode == 0 and p.stdout.startswith("gpio0 [") and
              len(p.stdout.splitlines()) == 2,
              "run as gpiodetect, it is gpiodetect", p.stderr)


def test_info():
    rc, out, err = run("info", "-c", "gpio1")
    lines = out.splitlines()
    tap.eq((rc, len(lines), lines[0], lines[1], lines[36]),
           (0, 37, "gpio1 - 36 lines:",
            '\tline   0:\t"gpio18A0"      \tinput',
            '\tline  35:\t"gpio18E3"      \tinput'),
           "info -c CHIP: gpioinfo's header and line format")
    rc, out, err = run("info", "-c", os.path.join(ENV["QEMU_GPIO_DIR"],
                                                  "gpio0.sock"))
    tap.check(rc == 0 and out.startswith("gpio0 - 208 lines:\n") and
              len(out.splitlines()) == 209,
              "info -c SOCKET-PATH prints the 208 AST2600 lines")
    rc, out, err = run("info")
    tap.check(rc == 0 and len(out.splitlines()) == 208 + 36 + 2 and
              '\tline 207:\t"gpioZ7"        \tinput' in out.splitlines(),
              "info lists every line of every chip")
    rc, out, err = run("info", "gpioD0", "gpioB1")
    tap.eq(out, 'gpio0 9\t"gpioB1"        \tinput\n'
                'gpio0 24\t"gpioD0"        \tinput\n',
           "info LINE...: by name, in chip and offset order")
    rc, out, err = run("info", "--unquoted", "-c", "gpio0", "24")
    tap.eq(out, "gpio0 24\tgpioD0          \tinput\n",
           "info --unquoted, a line by offset")

    # The guest's configuration: an output, and a rising-edge interrupt.
    QT.set_bit(GPIO_DIRECTION, B + 0, True)
    QT.set_bit(GPIO_INT_SENS_0, B + 1, True)
    QT.set_bit(GPIO_INT_ENABLE, B + 1, True)
    rc, out, err = run("info", "gpioB0", "gpioB1")
    tap.eq(out, 'gpio0 8\t"gpioB0"        \toutput\n'
                'gpio0 9\t"gpioB1"        \tinput edges=rising\n',
           "info shows the guest's direction and interrupt edges")
    QT.set_bit(GPIO_INT_ENABLE, B + 1, False)
    QT.set_bit(GPIO_DIRECTION, B + 0, False)

    rc, out, err = run("info", "nonesuch")
    tap.eq((rc, message(err)), (1, ["cannot find line 'nonesuch'"]),
           "info: an unknown line")
    rc, out, err = run("info", "-c", "nonesuch")
    tap.eq((rc, message(err)),
           (1, ["cannot find GPIO chip character device 'nonesuch'"]),
           "info: an unknown chip")


def test_get():
    rc, out, err = run("get", "gpioD0")
    tap.eq((rc, out), (0, '"gpioD0"=inactive\n'), "get: gpioget's format")
    QT.set_bit(GPIO_DIRECTION, B + 2, True)
    QT.set_bit(GPIO_DATA, B + 2, True)
    tap.eq(run("get", "gpioB2")[1], '"gpioB2"=active\n',
           "get reads what the guest drives")
    tap.eq(run("get", "--numeric", "gpioB2", "gpioD0")[1], "1 0\n",
           "get --numeric")
    tap.eq(run("get", "--unquoted", "gpioB2")[1], "gpioB2=active\n",
           "get --unquoted")
    tap.eq(run("get", "-l", "gpioB2")[1], '"gpioB2"=inactive\n',
           "get --active-low inverts")
    tap.eq(run("get", "-c", "gpio0", "10", "gpioD0")[1],
           '"10"=active "gpioD0"=inactive\n',
           "get -c: offsets and names, printed as given")
    QT.set_bit(GPIO_DATA, B + 2, False)
    QT.set_bit(GPIO_DIRECTION, B + 2, False)

    for args, msgs, what in [
        ((), ["at least one GPIO line must be specified"], "no line"),
        (("-c", "gpio0", "999"),
         ["offset 999 is out of range on chip 'gpio0'"], "offset too big"),
        (("gpioD0", "gpioD0"),
         ["lines 'gpioD0' and 'gpioD0' are the same line"], "a line twice"),
        (("gpioQ9", "gpioQ8"),
         ["cannot find line 'gpioQ9'", "cannot find line 'gpioQ8'"],
         "every unknown line is reported"),
        (("-p", "bad", "gpioD0"), ["invalid period: bad"], "a bad period"),
        (("-p", "100msx", "gpioD0"), ["invalid period: 100msx"],
         "a period with trailing text"),
        (("-b", "sideways", "gpioD0"), ["invalid bias: sideways"],
         "a bad bias"),
        (("gpioD0", "--numeric"), ["cannot find line '--numeric'"],
         "options end at the first line"),
    ]:
        rc, out, err = run("get", *args)
        tap.eq((rc, out, message(err)), (1, "", msgs), f"get: {what}")


def test_set():
    rc, out, err = run("set", "-t", "0", "gpioD2=1")
    tap.check(rc == 0 and QT.readl(0x1E780000) & (1 << (D + 2)),
              "set -t 0 drives the line for the guest and exits")
    tap.eq(run("info", "gpioD2")[1], 'gpio0 26\t"gpioD2"        \tinput\n',
           "after set exits the line is free and keeps its level")
    tap.eq(run("get", "gpioD2")[1], '"gpioD2"=active\n', "and reads back")

    holder = Bg("set", "--banner", "-C", "rig", "gpioD3=on", "gpioD1=off")
    tap.eq(holder.line(), "Setting lines 'gpioD3', and 'gpioD1'...",
           "set --banner")
    tap.check(QT.readl(0x1E780000) & (1 << (D + 3)), "the guest sees gpioD3")
    tap.eq(run("info", "gpioD3")[1],
           'gpio0 27\t"gpioD3"        \tinput consumer="rig"\n',
           "info names set's consumer")
    rc, out, err = run("set", "-t", "0", "gpioD3=0")
    tap.check(rc == 1 and message(err)[0].startswith(
        "unable to request lines on chip '") and
        message(err)[0].endswith("': Device or resource busy"),
        "a held line is busy for another set", err)
    holder.kill()
    rc, out, err = run("set", "-t", "0", "gpioD3=0")
    tap.check(rc == 0, "once the holder is gone the line is free")
    holder = Bg("set", "--banner", "-C", 'say "cheese"', "gpioD3=1")
    holder.line()
    rc, out, err = run("set", "-t", "0", "gpioD3=0")
    tap.check(rc == 1 and err.rstrip().endswith("Device or resource busy"),
              "busy, even when the holder's name has quotes", err)
    holder.kill()

    QT.set_bit(GPIO_DIRECTION, B + 3, True)
    rc, out, err = run("set", "-t", "0", "gpioB3=1")
    tap.check(rc == 1 and "Device or resource busy" in err,
              "a line the guest drives cannot be set", err)
    QT.set_bit(GPIO_DIRECTION, B + 3, False)

    for args, msgs, what in [
        (("gpioD0",), ["invalid line value: 'gpioD0'"], "no value"),
        (("gpioD0=2",), ["invalid line value: '2'"], "a bad value"),
        (("-i", "-t", "1s", "gpioD0=1"),
         ["can't combine interactive with toggle"], "-i with -t"),
        ((), ["at least one GPIO line value must be specified"], "no line"),
        (("-d", "weak", "gpioD0=1"), ["invalid drive: weak"], "bad drive"),
    ]:
        rc, out, err = run("set", *args)
        tap.eq((rc, message(err)), (1, msgs), f"set: {what}")


def test_set_interactive():
    script = ("get\nset gpioD4=1\nget gpioD4\ntoggle\nget\nsleep 1ms\n"
              "sleep\nget gpioQ\nbogus\n\nget \"gpioD5\" gpioD4\n"
              "get gpioQ gpioR\nexit\n")
    rc, out, err = run("set", "-i", "gpioD4=0", "gpioD5=active",
                       stdin=script)
    p = "gpioset> "
    tap.eq((rc, out), (0, p + '"gpioD4"=inactive "gpioD5"=active\n' +
                       p + p + '"gpioD4"=active\n' + p + p +
                       '"gpioD4"=inactive "gpioD5"=inactive\n' + p + p +
                       "a period must be specified\n" + p +
                       "unknown line: 'gpioQ'\n" + p +
                       "unknown command: 'bogus'\nTry the 'help' command\n"
                       + p + p + '"gpioD5"=inactive "gpioD4"=inactive\n' +
                       p + "unknown line: 'gpioQ'\nunknown line: 'gpioR'\n" +
                       p),
           "set -i: gpioset's interactive commands and prompts")
    data = QT.readl(0x1E780000)
    tap.check(not data & (3 << (D + 4)),
              "the guest saw the toggled values", hex(data))


def test_mon():
    QT.set_bit(GPIO_DIRECTION, B + 4, True)
    mon = Bg("mon", "--banner", "-n", "3", "gpioB4")
    tap.eq(mon.line(), "Monitoring line 'gpioB4'...", "mon --banner")
    t1 = step(1_000_000)
    QT.set_bit(GPIO_DATA, B + 4, True)
    t2 = step(2_500_000)
    QT.set_bit(GPIO_DATA, B + 4, False)
    t3 = step(1)
    QT.set_bit(GPIO_DATA, B + 4, True)
    rc, out, err = mon.wait()
    tap.eq((rc, out), (0, f'{ts(t1)}\trising\t"gpioB4"\n'
                          f'{ts(t2)}\tfalling\t"gpioB4"\n'
                          f'{ts(t3)}\trising\t"gpioB4"\n'),
           "mon: gpiomon's lines, in guest virtual time, exits after -n")

    mon = Bg("mon", "--banner", "-c", "gpio0", "-n", "2", "-e", "falling",
             "-F", "%o %l %c %e %E %S %x %%", "12")
    mon.line()
    t1 = step(10)
    QT.set_bit(GPIO_DATA, B + 4, False)
    QT.set_bit(GPIO_DATA, B + 4, True)
    t2 = step(10)
    QT.set_bit(GPIO_DATA, B + 4, False)
    rc, out, err = mon.wait()
    tap.eq(out, f"12 gpioB4 gpio0 2 falling {ts(t1)} %x %\n"
                f"12 gpioB4 gpio0 2 falling {ts(t2)} %x %\n",
           "mon -e falling -F: only falling edges, every specifier")

    mon = Bg("mon", "--banner", "-c", "gpio0", "-n", "1", "-l", "12")
    mon.line()
    t1 = step(10)
    QT.set_bit(GPIO_DATA, B + 4, True)
    rc, out, err = mon.wait()
    tap.eq(out, f'{ts(t1)}\tfalling\tgpio0 12 "gpioB4"\n',
           "mon -l: a rising pin is a falling edge; -c prints chip offset")

    for args, want in [(("-E", "realtime"), "Z"), (("--utc",), "Z"),
                       (("--localtime",), "")]:
        mon = Bg("mon", "--banner", "-n", "1", *args, "gpioB4")
        mon.line()
        QT.set_bit(GPIO_DATA, B + 4, False)
        rc, out, err = mon.wait()
        m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.\d{9}(Z?)"
                         r"\tfalling\t\"gpioB4\"\n", out)
        when = m and datetime.datetime.fromisoformat(m.group(1))
        host = (datetime.datetime.utcnow() if want else
                datetime.datetime.now())
        tap.check(m and m.group(2) == want and
                  abs((host - when).total_seconds()) < 120,
                  f"mon {' '.join(args)}: the host's time, as a date", out)
        QT.set_bit(GPIO_DATA, B + 4, True)

    mon = Bg("mon", "--banner", "-n", "2", "gpioD7")
    mon.line()
    run("set", "-t", "0,0", "gpioD7=1")
    rc, out, err = mon.wait()
    tap.check(rc == 0 and [x.split("\t")[1:] for x in out.splitlines()] ==
              [["rising", '"gpioD7"'], ["falling", '"gpioD7"']],
              "mon in one process sees set -t 0,0 in another", out)

    rc, out, err = run("mon", "--idle-timeout", "50ms", "gpioD7")
    tap.eq((rc, out), (0, ""), "mon --idle-timeout ends quietly")
    rc, out, err = run("mon", "-E", "hte", "gpioD7")
    tap.check(rc == 1 and err.rstrip().endswith("Operation not supported"),
              "mon -E hte is not supported", err)
    rc, out, err = run("mon", "-p", "10ms", "gpioD7")
    tap.check(rc == 1 and "debouncing is not available" in err,
              "mon -p: debouncing is refused, not ignored", err)
    rc, out, err = run("mon", "-e", "rising", "--vcd", "/dev/null", "gpioD7")
    tap.check(rc == 1 and "--vcd records both edges" in err,
              "mon --vcd with -e is refused", err)
    rc, out, err = run("mon", "-e", "up", "gpioD7")
    tap.eq(message(err), ["invalid edges: up"], "mon: bad edges")
    rc, out, err = run("mon", *[f"gpioA{i % 8}" for i in range(65)])
    tap.eq(message(err), ["too many lines given"], "mon: over 64 lines")
    QT.set_bit(GPIO_DIRECTION, B + 4, False)


def parse_vcd(text):
    """The variables, initial values and changes of a VCD file."""
    names, initial, changes, time = {}, {}, [], None
    in_dump = False
    for line in text.splitlines():
        words = line.split()
        if words[:2] == ["$var", "wire"]:
            names[words[3]] = words[4]
        elif line.startswith("#"):
            time = int(line[1:])
        elif line == "$dumpvars":
            in_dump = True
        elif line == "$end" and in_dump:
            in_dump = False
        elif line[:1] in "01" and line[1:] in names:
            if in_dump:
                initial[names[line[1:]]] = int(line[0])
            else:
                changes.append((time, names[line[1:]], int(line[0])))
    return names, initial, changes


def test_vcd(sock_dir):
    path = os.path.join(sock_dir, "edges.vcd")
    QT.set_bit(GPIO_DIRECTION, C + 1, True)
    QT.set_bit(GPIO_DIRECTION, C + 2, True)
    QT.set_bit(GPIO_DATA, C + 2, True)
    mon = Bg("mon", "--banner", "-q", "-n", "5", "--vcd", path,
             "gpioC1", "gpioC2")
    mon.line()
    expect = []
    for i, (bit, level) in enumerate([(1, 1), (2, 0), (1, 0), (1, 1),
                                      (2, 1)]):
        t = step(1000 * (i + 1))
        QT.set_bit(GPIO_DATA, C + bit, bool(level))
        expect.append((t, f"gpioC{bit}", level))
    rc, out, err = mon.wait()
    with open(path) as f:
        text = f.read()
    names, initial, changes = parse_vcd(text)
    tap.check(rc == 0 and out == "" and "$timescale 1 ns $end" in text and
              "$scope module gpio0 $end" in text,
              "mon -q --vcd: a VCD file with a 1 ns timescale", text)
    tap.eq(initial, {"gpioC1": 0, "gpioC2": 1},
           "the VCD starts with the lines' levels")
    tap.eq(changes, expect, "every edge, value by value, in guest time")
    QT.set_bit(GPIO_DIRECTION, C + 1, False)
    QT.set_bit(GPIO_DIRECTION, C + 2, False)


def test_notify():
    nt = Bg("notify", "--banner", "-n", "3", "gpioC0")
    tap.eq(nt.line(), "Watching line 'gpioC0'...", "notify --banner")
    run("set", "-t", "0", "-C", "rig", "gpioC0=1")
    t = now_ns()
    QT.set_bit(GPIO_DIRECTION, C + 0, True)
    rc, out, err = nt.wait()
    tap.eq((rc, out), (0, f'{ts(t)}\trequested\t"gpioC0"\n'
                          f'{ts(t)}\treleased\t"gpioC0"\n'
                          f'{ts(t)}\treconfigured\t"gpioC0"\n'),
           "notify: requested and released by set, reconfigured by the "
           "guest")
    QT.set_bit(GPIO_DIRECTION, C + 0, False)

    nt = Bg("notify", "--banner", "-n", "1", "-e", "requested", "-F",
            "%o %l %c %e %E %C [%a]", "-c", "gpio0", "16")
    nt.line()
    holder = Bg("set", "--banner", "-C", "rig", "gpioC0=0")
    holder.line()
    rc, out, err = nt.wait()
    tap.eq(out, '16 gpioC0 gpio0 1 requested rig [input consumer="rig"]\n',
           "notify -e requested -F: every specifier")
    holder.kill()
    rc, out, err = run("notify", "-e", "moved", "gpioC0")
    tap.eq(message(err), ["invalid edge: moved"], "notify: bad event type")


def test_export(tcp_port):
    """What export checks before it needs the ugpio module; the bridge
    itself runs in test_host_chip.py's VMs, where the module is."""
    cases = [
        ((), "a chip must be given"),
        (("gpio0", "gpio1"), "only one chip"),
        (("-l", "", "gpio0"), "a label has 1 to 31 characters"),
        (("-r", "1x", "gpio0"), "invalid period: 1x"),
        (("-d", "/nonexistent/ugpio", "gpio0"),
         "/nonexistent/ugpio: No such file or directory (is the ugpio "
         "module loaded?)"),
        (("-d", "/dev/null", "-r", "0", "tcp:127.0.0.1:1"),
         "tcp:127.0.0.1:1: nothing listens there (has QEMU exited?)"),
    ]
    for args, want in cases:
        rc, out, err = run("export", *args)
        tap.check(rc == 1 and want in err,
                  f"export {' '.join(args) or '(no chip)'}: {want}", err)
    rc, out, err = run("export", "--help")
    tap.check(rc == 0 and "tcp:HOST:PORT" in out, "export --help", out)
    # The library reaches a gpiodev over TCP too.
    rc, out, err = run("info", "-c", f"tcp:127.0.0.1:{tcp_port}", "gpioD0")
    tap.check(rc == 0 and '"gpioD0"' in out,
              "info on a chip given as tcp:HOST:PORT", (out, err))


def test_qemu_gone(binary, sock_dir):
    """QEMU killed under running tools: they notice and end."""
    qemu = Qemu(binary, sock_dir, {
        "gpio2": (AST2600_GPIO, os.path.join(sock_dir, "gpio2.sock"))})
    try:
        mon = Bg("mon", "--banner", "-c", "gpio2", "gpioD0")
        mon.line()
        holder = Bg("set", "--banner", "-c", "gpio2", "gpioD1=1")
        holder.line()
        qemu.kill()
        rc, out, err = mon.wait()
        tap.check(rc == 1 and "error reading line events" in err,
                  "mon: QEMU gone is an error", err)
        rc, out, err = holder.wait()
        tap.eq(rc, 0, "set: QEMU gone ends it")
    finally:
        qemu.stop()
    os.unlink(os.path.join(sock_dir, "gpio2.sock"))
    rc, out, err = run("get", "-c", "gpio2", "0")
    tap.check(rc == 1 and "cannot find GPIO chip" in err,
              "a chip whose QEMU is gone cannot be found", err)


def main():
    global TOOL, ENV, QT
    build = os.environ["QEMU_GPIODEV_BUILD"]
    binary = os.path.join(build, "qemu-system-arm")
    host_build = os.path.abspath(os.environ["QEMU_GPIO_HOST_BUILD"])
    TOOL = os.path.join(host_build, "tools", "qemu-gpio")
    with tempfile.TemporaryDirectory(prefix="qemu-gpio-tools-") as tmp:
        ENV = dict(os.environ, QEMU_GPIO_DIR=tmp, TZ="UTC")
        tcp = listen_tcp()
        qemu = Qemu(binary, tmp, {
            "gpio0": (AST2600_GPIO, os.path.join(tmp, "gpio0.sock")),
            "gpio1": (AST2600_GPIO_1_8V, os.path.join(tmp, "gpio1.sock")),
            "gpiot": (AST2600_GPIO, tcp)})
        QT = qemu.qtest
        try:
            test_detect(tmp)
            test_info()
            test_get()
            test_set()
            test_set_interactive()
            test_mon()
            test_vcd(tmp)
            test_notify()
            test_export(tcp.getsockname()[1])
            test_qemu_gone(binary, tmp)
        except (TimeoutError, EOFError, RuntimeError, OSError,
                subprocess.TimeoutExpired) as e:
            tap.check(False, f"error: {type(e).__name__}: {e}")
        finally:
            Bg.kill_all()
            qemu.stop()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
