#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End to end: the Debian guest of guest/build-guest.sh, with Linux's
gpio-aspeed driver and libgpiod's tools inside, and host clients on the
gpiodev sockets outside.  Every test asserts what both sides saw.
Prints TAP.
"""

import os
import subprocess
import sys
import tempfile

from harness import (AST2600_GPIO, AST2600_GPIO_1_8V, Guest, LineReader,
                     Tap, edges, kinds, toggle_loop)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "python"))

from qemu_gpio import (Chip, Direction, Edge, EdgeEventType,  # noqa: E402
                       InfoEventType, Interrupt, LineSettings, Value)

tap = Tap()
EVENT_TIMEOUT = 60.0
BOTH = LineSettings(edge_detection=Edge.BOTH)
DRIVE = LineSettings(direction=Direction.OUTPUT)


def test_guest_outputs(guest, chip0, chip1):
    for chip, gpiochip, offset, name in ((chip0, "gpiochip0", 8, "gpioB0"),
                                         (chip1, "gpiochip1", 0,
                                          "gpio18A0")):
        with chip.request_lines({name: BOTH}) as mon:
            # The first set after boot: gpio-aspeed writes the value, then
            # the direction.
            status, _ = guest.run(f"gpioset {gpiochip} {offset}=1")
            got = edges(mon, 1)
            tap.check(status == 0 and kinds(got) == ["rising"] and
                      got[0].line_offset == offset and
                      chip.get_line_info(offset).name == name,
                      f"{gpiochip}: the first gpioset after boot is a "
                      f"rising edge on {name}")
            guest.run(f"gpioset {gpiochip} {offset}=0")
            tap.eq(kinds(edges(mon, 1)), ["falling"],
                   f"{gpiochip}: and gpioset 0 a falling one")


def test_host_inputs(guest, chip0):
    with chip0.request_lines({"gpioD0": DRIVE}, consumer="rig") as rig:
        for value in (Value.ACTIVE, Value.INACTIVE, Value.ACTIVE):
            rig.set_value("gpioD0", value)
            status, out = guest.run("gpioget gpiochip0 24")
            tap.eq((status, out), (0, [str(int(value))]),
                   f"the guest's gpioget reads the host's {int(value)}")

    chip0.watch_line_info("gpioD1")
    with chip0.request_lines({"gpioD1": DRIVE}, consumer="rig") as rig:
        chip0.read_info_event(EVENT_TIMEOUT)        # requested by rig
        # The line is low before each.  The guest's gpiomon prints each
        # edge as its interrupt handler reports it; the host drives the
        # next edge only then, as edges faster than an interrupt handler
        # merge on real hardware too.
        for flag, steps in (
                ("--rising-edge", [(1, "RISING EDGE"), (0, None)]),
                ("--falling-edge", [(1, None), (0, "FALLING EDGE")]),
                ("", [(1, "RISING EDGE"), (0, "FALLING EDGE")])):
            n = sum(1 for _, want in steps if want)
            guest.send(f"gpiomon --num-events={n} {flag} gpiochip0 25; "
                       "echo @@mon-$?")
            # gpiomon is listening once it has set the interrupt up.
            while True:
                ev = chip0.read_info_event(EVENT_TIMEOUT)
                if ev.line_info.interrupt is not Interrupt.NONE:
                    break
            seen = []
            for value, want in steps:
                rig.set_value("gpioD1", Value(value))
                if want:
                    seen.append(guest.wait_for(f"{want} offset: 25"))
            guest.wait_for("@@mon-0")
            tap.eq(len(seen), n, f"the guest's gpiomon {flag or '(both)'} "
                   "sees the host's edges")
            # gpiomon has exited: the interrupt is off again.
            while (chip0.read_info_event(EVENT_TIMEOUT).line_info.interrupt
                   is not Interrupt.NONE):
                pass
    chip0.unwatch_line_info("gpioD1")


def test_config_events(guest, chip0):
    chip0.watch_line_info("gpioB2")
    guest.run("gpioset gpiochip0 10=1")
    ev = chip0.read_info_event(EVENT_TIMEOUT)
    tap.check(ev.event_type is InfoEventType.LINE_CONFIG_CHANGED and
              ev.line_info.direction is Direction.OUTPUT,
              "the guest's gpioset makes gpioB2 an output: a config event")
    guest.run("gpioget gpiochip0 10")
    ev = chip0.read_info_event(EVENT_TIMEOUT)
    tap.check(ev.line_info.direction is Direction.INPUT,
              "and its gpioget an input again")
    chip0.unwatch_line_info("gpioB2")


def test_volume(guest, chip0):
    pairs = 500
    with chip0.request_lines({"gpioB4": BOTH}) as mon:
        status, out = guest.run(toggle_loop(12, pairs))
        got = edges(mon, 2 * pairs)
        seqnos = [e.line_seqno for e in got]
        stamps = [e.timestamp_ns for e in got]
        tap.check(status == 0 and out == [f"toggled {pairs}"],
                  f"the guest toggled gpioB4 {2 * pairs} times", out)
        tap.eq(kinds(got), ["rising", "falling"] * pairs,
               "the host saw every edge, alternating, in order")
        tap.check(seqnos == list(range(seqnos[0], seqnos[0] + 2 * pairs))
                  and stamps == sorted(stamps) and mon.lost_events == 0,
                  "consecutive line sequence numbers, non-decreasing "
                  "guest timestamps, nothing lost")
        tap.check(not mon.wait_edge_events(0.0), "and no edge more")


def test_two_clients(guest, chip0, tool, env):
    mon = subprocess.Popen([tool, "mon", "--banner", "-n", "2", "gpioD2"],
                           stdout=subprocess.PIPE, env=env)
    try:
        out = LineReader(mon.stdout.fileno(), "mon", EVENT_TIMEOUT)
        tap.eq(out.line(), "Monitoring line 'gpioD2'...",
               "qemu-gpio mon watches gpioD2")
        with chip0.request_lines({"gpioD2": DRIVE}, consumer="rig") as rig:
            rig.set_value("gpioD2", Value.ACTIVE)
            status, gout = guest.run("gpioget gpiochip0 26")
            rig.set_value("gpioD2", Value.INACTIVE)
        lines = [out.line(), out.line()]
        tap.check(gout == ["1"] and
                  [x.split("\t")[1:] for x in lines] ==
                  [["rising", '"gpioD2"'], ["falling", '"gpioD2"']],
                  "one client drives, the other sees it, and so does the "
                  "guest", (gout, lines))
        tap.eq(mon.wait(EVENT_TIMEOUT), 0, "mon exits after -n 2")
    finally:
        mon.kill()
        mon.wait()


def test_reconnect(guest, chip0):
    pairs = 1000
    guest.send("(" + toggle_loop(13, pairs) + ") > /tmp/loop 2>&1 &")
    with chip0.request_lines({"gpioB5": BOTH}) as first:
        seen = edges(first, 10)
    tap.eq(len(seen), 10, "a client sees the guest toggling gpioB5, "
           "then goes away")
    with chip0.request_lines({"gpioB5": BOTH}) as second:
        got = edges(second, 10)
        status, out = guest.run("wait; cat /tmp/loop; cat $v")
        tap.check(status == 0 and out[0] == f"toggled {pairs}",
                  "the guest's loop ran to its end, undisturbed", out)
        tap.check(len(got) == 10, "a new client sees the edges")
        level = second.get_value("gpioB5")
        tap.eq(int(level), int(out[1]),
               "and the line's current level, as the guest has it")


def main():
    build = os.environ["QEMU_GPIODEV_BUILD"]
    binary = os.path.join(build, "qemu-system-arm")
    guest_dir = os.environ["QEMU_GPIODEV_GUEST"]
    tool = os.path.join(os.environ["QEMU_GPIO_HOST_BUILD"], "tools",
                        "qemu-gpio")
    with tempfile.TemporaryDirectory(prefix="qemu-gpio-guest-") as tmp:
        env = dict(os.environ, QEMU_GPIO_DIR=tmp)
        guest = Guest(binary, guest_dir, {
            "gpio0": (AST2600_GPIO, os.path.join(tmp, "gpio0.sock")),
            "gpio1": (AST2600_GPIO_1_8V, os.path.join(tmp, "gpio1.sock"))})
        try:
            with Chip(os.path.join(tmp, "gpio0.sock")) as chip0, \
                 Chip(os.path.join(tmp, "gpio1.sock")) as chip1:
                test_guest_outputs(guest, chip0, chip1)
                test_host_inputs(guest, chip0)
                test_config_events(guest, chip0)
                test_volume(guest, chip0)
                test_two_clients(guest, chip0, tool, env)
                test_reconnect(guest, chip0)
        except Exception as e:  # every failure is a TAP failure
            tap.check(False, f"error: {type(e).__name__}: {e}",
                      "\n".join(guest.transcript[-30:]))
        finally:
            guest.stop()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
