#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Bare-metal firmware (firmware/) on the boards that have no Debian
guest, with the host on gpiodev sockets.  Each firmware pulses its LED
pin, then reports on its UART each interrupt of its button pin with the
level it read, and drives the LED to that level.  Every check asserts
what both sides saw: the host sees the firmware's first edge and every
one after it, and the firmware reads the host's level in the interrupt
it takes.  Prints TAP.

    test_firmware.py [BOARD...]      (default: every board)
"""

import contextlib
import os
import sys
import tempfile

from harness import SerialVm, Tap, edges, kinds, socket_args

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "python"))
sys.path.insert(0, os.path.join(os.environ["QEMU_GPIODEV_SRC"], "python"))

from qemu.qmp.legacy import QEMUMonitorProtocol  # noqa: E402
from qemu_gpio import (Chip, Direction, Edge, Interrupt,  # noqa: E402
                       LineSettings, Value)

tap = Tap()
TIMEOUT = 60.0
TOGGLES = 3         # as firmware/meson.build builds them

# Each board: its QEMU binary, the firmware, and the controllers (QOM
# path) and names of its LED and button pins, and of the pins it pulses
# after the LED's, if any.  The button interrupts on both edges, or,
# with edge="toggled", on the one edge that the firmware arms away from
# the level it last read (the OMAP has one edge per pin).
BOARDS = {
    "lm3s6965evb": dict(target="arm", firmware="stellaris-lm3s6965evb.elf",
                        led=("/machine/soc/gpio-f", "PF0"),
                        button=("/machine/soc/gpio-b", "PB0"),
                        label="Stellaris GPIO port F"),
    "lm3s811evb": dict(target="arm", firmware="stellaris-lm3s811evb.elf",
                       led=("/machine/soc/gpio-c", "PC5"),
                       button=("/machine/soc/gpio-c", "PC4"),
                       label="Stellaris GPIO port C"),
    "b-l475e-iot01a": dict(target="arm", firmware="stm32l4.elf",
                           led=("/machine/soc/gpiob", "PB14"),
                           button=("/machine/soc/gpioc", "PC13"),
                           label="STM32L4x5 GPIO port B"),
    "microbit": dict(target="arm", firmware="nrf51.elf",
                     led=("/machine/nrf51/gpio", "P0.13"),
                     button=("/machine/nrf51/gpio", "P0.17"),
                     label="nRF51 GPIO"),
    "npcm750-evb": dict(target="arm", firmware="npcm7xx.elf",
                        led=("/machine/soc/gpio[1]", "GPIO38"),
                        button=("/machine/soc/gpio[1]", "GPIO37"),
                        label="NPCM GPIO bank 1"),
    "sifive_e": dict(target="riscv64", firmware="sifive-e.elf",
                     led=("/machine/soc/riscv.sifive.e.gpio0", "GPIO19"),
                     button=("/machine/soc/riscv.sifive.e.gpio0", "GPIO2"),
                     label="SiFive GPIO"),
    "collie": dict(target="arm", firmware="collie.elf",
                   led=("/machine/scoop", "PA11"),
                   button=("/machine/sa1110/gpio", "GPIO0"),
                   pulsed=[("/machine/sa1110/ppc", "LDD0")],
                   label="SCOOP"),
    "ppce500": dict(target="ppc", firmware="ppce500.elf",
                    led=("/machine/gpio", "GPIO5"),
                    button=("/machine/gpio", "GPIO4"),
                    label="MPC8xxx GPIO"),
    "sx1": dict(target="arm", firmware="sx1.elf",
                led=("/machine/omap1/gpio", "GPIO3"),
                button=("/machine/omap1/gpio", "GPIO2"),
                pulsed=[("/machine/omap1/mpuio", "MPUIO1")],
                edge="toggled", label="OMAP GPIO"),
}


def button_interrupt(board, level):
    """What the button interrupts on while at @level."""
    if BOARDS[board].get("edge") == "toggled":
        return Interrupt.FALLING if level else Interrupt.RISING
    return Interrupt.BOTH


class Firmware(SerialVm):
    """A board running its firmware, stopped (-S) until cont, its UART0
    on the console."""

    def __init__(self, board, gpiodevs, qmp_path):
        b = BOARDS[board]
        self.listeners = {}
        args = [os.path.join(os.environ["QEMU_GPIODEV_BUILD"],
                             f"qemu-system-{b['target']}"),
                "-M", board, "-display", "none", "-monitor", "none",
                "-serial", "stdio", "-S", "-kernel",
                os.path.join(os.environ["QEMU_GPIO_HOST_BUILD"], "firmware",
                             b["firmware"])]
        args += socket_args(self.listeners, gpiodevs, qmp_path)
        fds = [s.fileno() for s in self.listeners.values()]
        super().__init__(args, fds, None, TIMEOUT)


def uart(fw, prefix):
    """The firmware's next UART line starting with @prefix."""
    return fw.wait_for(prefix)


def test_pulses(board, fw, chip, name, mon):
    """The firmware's pulses of @name, first edge included."""
    got = edges(mon, 2 * TOGGLES, TIMEOUT)
    tap.eq(kinds(got), ["rising", "falling"] * TOGGLES,
           f"{board}: the host sees all {2 * TOGGLES} edges of {name}'s "
           "pulses, the first one included")
    tap.eq([e.line_seqno for e in got], list(range(1, 2 * TOGGLES + 1)),
           f"{board}: with no gap in their sequence numbers")
    line = uart(fw, "fw: ")
    tap.eq(line, f"fw: {name} pulsed {TOGGLES} times",
           f"{board}: the firmware pulsed {name} as the host saw it")
    info = chip.get_line_info(name)
    tap.check(info.direction is Direction.OUTPUT,
              f"{board}: {name} is an output for the host", info)


def test_start(board, fw, led_chip, led, mon, pulsed):
    """From the first instruction: the LED's pulses, then the others'."""
    info = led_chip.get_info()
    tap.eq(info.label, BOARDS[board]["label"],
           f"{board}: the LED's controller has the model's label")
    tap.check("fw: start" in uart(fw, "fw: start"),
              f"{board}: the firmware starts once the host is watching")
    test_pulses(board, fw, led_chip, led, mon)
    for chip, name, pulse_mon in pulsed:
        test_pulses(board, fw, chip, name, pulse_mon)


def test_button(board, fw, led_chip, led, mon, btn_chip, button):
    ready = uart(fw, "fw: ready ")
    level = int(ready.rsplit("=", 1)[1])
    info = btn_chip.get_line_info(button)
    tap.check(ready.startswith(f"fw: ready {button}=") and
              info.value == Value(level) and
              info.direction is Direction.INPUT and
              info.interrupt is button_interrupt(board, level),
              f"{board}: the host sees {button} as the firmware set it "
              "up: an input at the level it read, interrupting on "
              f"{button_interrupt(board, level).name.lower()} edges",
              (ready, info))
    setting = LineSettings(direction=Direction.OUTPUT,
                           output_value=Value(level))
    with btn_chip.request_lines({button: setting}, consumer="rig") as rig:
        # Each edge both ways, and one more after each: an interrupt
        # taken twice would show as the next line.
        for value in (1 - level, level, 1 - level, level):
            rig.set_value(button, Value(value))
            line = uart(fw, "fw: ")
            tap.eq(line, f"fw: irq {button}={value}",
                   f"{board}: the host's {button}={value} interrupts the "
                   "firmware, which reads it")
            got = edges(mon, 1, TIMEOUT)
            tap.eq(kinds(got), ["rising" if value else "falling"],
                   f"{board}: and the LED the firmware drives from it "
                   "follows, as the host sees")
            tap.eq(btn_chip.get_line_info(button).interrupt,
                   button_interrupt(board, value),
                   f"{board}: {button} then interrupts on "
                   f"{button_interrupt(board, value).name.lower()} edges")


def test_board(board, tmp):
    b = BOARDS[board]
    qmp_path = os.path.join(tmp, f"{board}.qmp")
    socks = {}
    gpiodevs = {}
    for path, _ in [b["led"], b["button"]] + b.get("pulsed", []):
        if path not in socks:
            socks[path] = os.path.join(tmp, f"{board}-{len(socks)}.sock")
            gpiodevs[f"gpio{len(gpiodevs)}"] = (path, socks[path])
    fw = Firmware(board, gpiodevs, qmp_path)
    qmp = QEMUMonitorProtocol(qmp_path)
    chips = {}
    try:
        qmp.connect()
        for path, sock in socks.items():
            chips[path] = Chip(sock)
        led_chip, led = chips[b["led"][0]], b["led"][1]
        btn_chip, button = chips[b["button"][0]], b["button"][1]
        watch = {"edge_detection": Edge.BOTH}
        with contextlib.ExitStack() as stack:
            mon = stack.enter_context(led_chip.request_lines(
                {led: LineSettings(**watch)}))
            pulsed = [(chips[path], name,
                       stack.enter_context(chips[path].request_lines(
                           {name: LineSettings(**watch)})))
                      for path, name in b.get("pulsed", [])]
            # The host watches before the firmware's first instruction.
            qmp.cmd("cont")
            test_start(board, fw, led_chip, led, mon, pulsed)
            test_button(board, fw, led_chip, led, mon, btn_chip, button)
        tap.check(all(not line.startswith("fw: fault")
                      for line in fw.transcript),
                  f"{board}: the firmware took no unexpected exception",
                  fw.transcript)
    finally:
        for chip in chips.values():
            chip.close()
        qmp.close()
        fw.stop()


def main():
    boards = sys.argv[1:] or list(BOARDS)
    with tempfile.TemporaryDirectory(prefix="qemu-gpio-firmware-") as tmp:
        for board in boards:
            try:
                test_board(board, tmp)
            except Exception as e:  # a board that fails stops only itself
                tap.check(False, f"{board}: {type(e).__name__}: {e}")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
