#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End to end on every board of harness.BOARDS: its Debian guest (the
armhf and arm64 profiles of guest/build-guest.sh, with the board's own
Linux GPIO driver and libgpiod 2's tools) inside, host clients on a
gpiodev socket outside.  One boot per board; every check asserts what
both sides saw.  Prints TAP.

    test_boards.py [BOARD...]      (default: every board)
"""

import os
import sys
import tempfile

from harness import BOARDS, BoardGuest, Tap, edges, kinds

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "python"))

sys.path.insert(0, os.path.join(os.environ["QEMU_GPIODEV_SRC"], "python"))

from qemu.qmp.legacy import QEMUMonitorProtocol  # noqa: E402
from qemu_gpio import (Chip, Direction, Edge, InfoEventType,  # noqa: E402
                       Interrupt, LineSettings, Value)

tap = Tap()
EVENT_TIMEOUT = 60.0
BOTH = LineSettings(edge_detection=Edge.BOTH)
DRIVE = LineSettings(direction=Direction.OUTPUT)


def test_controllers(board, qmp, guest_chips):
    """query-gpio-controllers lists as many controllers of the model as
    the guest has chips of it, the board's first among them."""
    b = BOARDS[board]
    # setup makes one chip more than the guest has at boot
    chips = b["chips"] + (1 if b["setup"] else 0)
    ctrls = qmp.cmd("query-gpio-controllers")
    ours = [c for c in ctrls if c["path"] == b["controller"]]
    same = [c for c in ctrls if ours and c["type"] == ours[0]["type"]]
    tap.check(len(ours) == 1 and ours[0]["lines"] == b["lines"] and
              ours[0]["gpiodevs"] == ["gpio0"] and
              len(same) == b["controllers"] and guest_chips == chips,
              f"{board}: query-gpio-controllers lists {b['controller']} "
              f"with its gpiodev, and {b['controllers']} controllers of its "
              f"type; the guest {chips} chips", (ctrls, guest_chips))


def test_chip(guest, board, chip, gchip):
    info = chip.get_info()
    tap.check(gchip is not None and info.num_lines == BOARDS[board]["lines"],
              f"{board}: the guest's gpiodetect shows the controller "
              f"({BOARDS[board]['guest_label']}), with the lines the host "
              "sees", info)


def test_guest_output(guest, board, chip, gchip, line):
    """The guest drives the line away from its idle level and back."""
    name = chip.get_line_info(line).name
    idle = BOARDS[board]["idle"]
    away, back = ("falling", "rising") if idle else ("rising", "falling")
    with chip.request_lines({line: BOTH}) as mon:
        status, _ = guest.run(f"gpioset -t 0 -c {gchip} {line}={1 - idle}")
        got = edges(mon, 1)
        tap.check(status == 0 and kinds(got) == [away] and
                  got[0].line_offset == line,
                  f"{board}: the guest's first gpioset is a {away} edge on "
                  f"{name}", got)
        guest.run(f"gpioset -t 0 -c {gchip} {line}={idle}")
        tap.eq(kinds(edges(mon, 1)), [back],
               f"{board}: and gpioset {idle} a {back} one")


def test_config(guest, board, chip, gchip, line):
    """The guest makes the line an output (driving it away from its idle
    level: a PCF8574 pin that outputs 1 is still an input), then an
    input again."""
    chip.watch_line_info(line)
    away = 1 - BOARDS[board]["idle"]
    guest.run(f"gpioset -t 0 -c {gchip} {line}={away}")
    ev = chip.read_info_event(EVENT_TIMEOUT)
    tap.check(ev.event_type is InfoEventType.LINE_CONFIG_CHANGED and
              ev.line_info.direction is Direction.OUTPUT,
              f"{board}: the guest's gpioset makes line {line} an output: "
              "a config event", ev)
    guest.run(f"gpioget -c {gchip} {line}")
    ev = chip.read_info_event(EVENT_TIMEOUT)
    tap.check(ev.line_info.direction is Direction.INPUT,
              f"{board}: and its gpioget an input again", ev)
    chip.unwatch_line_info(line)


def test_host_input(guest, board, chip, gchip, line):
    with chip.request_lines({line: DRIVE}, consumer="rig") as rig:
        for value in (Value.ACTIVE, Value.INACTIVE, Value.ACTIVE):
            rig.set_value(line, value)
            status, out = guest.run(f"gpioget --numeric -c {gchip} {line}")
            tap.eq((status, out), (0, [str(int(value))]),
                   f"{board}: the guest's gpioget reads the host's "
                   f"{int(value)}")


def wait_interrupt(chip, on):
    """Until the guest has the watched line's interrupt on (or off)."""
    while True:
        ev = chip.read_info_event(EVENT_TIMEOUT)
        if (ev.line_info.interrupt is not Interrupt.NONE) == on:
            return


def test_guest_monitor(guest, board, chip, gchip, line):
    chip.watch_line_info(line)
    with chip.request_lines({line: DRIVE}, consumer="rig") as rig:
        chip.read_info_event(EVENT_TIMEOUT)         # requested by rig
        # The line is low before each.  The host drives the next edge
        # only once the guest has printed the previous one, as edges
        # faster than an interrupt handler merge on hardware too.
        for edge, steps in (("rising", [(1, "rising"), (0, None)]),
                            ("falling", [(1, None), (0, "falling")]),
                            ("both", [(1, "rising"), (0, "falling")])):
            n = sum(1 for _, want in steps if want)
            guest.send(f"gpiomon --banner -c {gchip} -e {edge} -n {n} "
                       f"-F '@@edge %E %o' {line}; echo @@mon-$?")
            # gpiomon prints its banner once its request is made; the
            # interrupt is on before, but the kernel drops edges until
            # the request is complete.
            guest.wait_for(f"Monitoring line '{line}'")
            wait_interrupt(chip, True)
            seen = []
            for value, want in steps:
                rig.set_value(line, Value(value))
                if want:
                    seen.append(guest.wait_for(f"@@edge {want} {line}"))
            guest.wait_for("@@mon-0")
            tap.eq(len(seen), n, f"{board}: the guest's gpiomon -e {edge} "
                   "sees the host's edges")
            wait_interrupt(chip, False)
    chip.unwatch_line_info(line)


def test_wired(board, chip):
    for line, user in BOARDS[board]["wired"].items():
        info = chip.get_line_info(line)
        try:
            with chip.request_lines({line: DRIVE}):
                refused = None
        except OSError as e:
            refused = e
        tap.check(info.consumer == user and refused is not None and
                  f"wires this line to {user}" in str(refused),
                  f"{board}: line {line}, wired to {user} inside the board, "
                  "shows it as consumer and cannot be driven", refused)


def test_led(guest, board, sock):
    """The guest's LED class lights the LED, fully then dimmed (PWM), and
    turns it off: the host sees the LED's line follow."""
    controller, line, name = BOARDS[board]["led"]
    brightness = f"/sys/class/leds/{name}/brightness"
    with Chip(sock) as chip, \
            chip.request_lines({line: BOTH}) as mon:
        for value, want in (("255", "rising"), ("0", "falling"),
                            ("128", "rising"), ("0", "falling")):
            status, _ = guest.run(f"echo {value} > {brightness}")
            got = edges(mon, 1)
            tap.check(status == 0 and kinds(got) == [want],
                      f"{board}: the guest's {name} at brightness {value}: "
                      f"the host sees a {want} edge on {controller} line "
                      f"{line}", got)
            if value == "255":
                info = chip.get_line_info(line)
                tap.check(info.direction is Direction.OUTPUT,
                          f"{board}: a lit LED's line is an output", info)


def test_board(qemu_build, guest_top, board, tmp):
    sock = os.path.join(tmp, f"{board}.sock")
    qmp_path = os.path.join(tmp, f"{board}.qmp")
    gpiodevs = {"gpio0": (BOARDS[board]["controller"], sock)}
    led_sock = os.path.join(tmp, f"{board}-led.sock")
    if BOARDS[board]["led"]:
        gpiodevs["gpio1"] = (BOARDS[board]["led"][0], led_sock)
    guest = BoardGuest(qemu_build, guest_top, board, gpiodevs,
                       qmp_path=qmp_path)
    qmp = QEMUMonitorProtocol(qmp_path)
    try:
        qmp.connect()
        if BOARDS[board]["setup"]:
            guest.ok(BOARDS[board]["setup"])
        with Chip(sock) as chip:
            gchip = guest.chip()
            test_controllers(board, qmp, len(guest.ok("gpiodetect") or []))
            test_chip(guest, board, chip, gchip)
            if gchip is None:
                return
            out, cfg, drive, mon = guest.free_lines(gchip)[:4]
            test_guest_output(guest, board, chip, gchip, out)
            test_config(guest, board, chip, gchip, cfg)
            test_host_input(guest, board, chip, gchip, drive)
            if BOARDS[board]["interrupts"]:
                test_guest_monitor(guest, board, chip, gchip, mon)
            test_wired(board, chip)
        if BOARDS[board]["led"]:
            test_led(guest, board, led_sock)
    finally:
        qmp.close()
        guest.stop()


def main():
    qemu_build = os.environ["QEMU_GPIODEV_BUILD"]
    guest_top = os.environ["QEMU_GPIODEV_GUEST"]
    boards = sys.argv[1:] or list(BOARDS)
    with tempfile.TemporaryDirectory(prefix="qemu-gpio-boards-") as tmp:
        for board in boards:
            try:
                test_board(qemu_build, guest_top, board, tmp)
            except Exception as e:  # a board that fails stops only itself
                tap.check(False, f"{board}: {type(e).__name__}: {e}")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
