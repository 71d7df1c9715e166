#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make demo / make run: a Debian guest on the AST2600 EVB, or on another
board (BOARD=raspi2b ...), its GPIO controller served on gpiodev sockets,
and qemu-gpio on the host.

  demo.py [--board B] QEMU-BUILD HOST-BUILD GUEST-DIR   play the scenario
  demo.py --interactive [--board B] QEMU-BUILD HOST-BUILD GUEST-DIR
                                                        boot and hand over

The scenario prints what each side does and sees, and exits 0 when
every step was observed, or non-zero naming the step that was not.
"""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from harness import (AST2600_GPIO, AST2600_GPIO_1_8V, BOARDS,  # noqa: E402
                     BoardGuest, Guest, LineReader, board_command)

TIMEOUT = 60.0


class StepFailed(Exception):
    pass


class Tool:
    """A qemu-gpio command running on the host, its output shown."""

    def __init__(self, tool, env, *args):
        print(f"    host$  qemu-gpio {' '.join(args)}", flush=True)
        self.proc = subprocess.Popen([tool, *args], env=env,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.out = LineReader(self.proc.stdout.fileno(), args[0], TIMEOUT)

    def line(self):
        line = self.out.line()
        print(f"    host:  {line}", flush=True)
        return line

    def wait(self):
        try:
            return self.proc.wait(TIMEOUT)
        finally:
            self.kill()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def step(number, text):
    print(f"\n[{number}] {text}", flush=True)


def expect(cond, what):
    if not cond:
        raise StepFailed(what)


def guest_run(guest, command):
    print(f"    guest# {command}", flush=True)
    status, out = guest.run(command)
    for line in out:
        print(f"    guest: {line}", flush=True)
    return status, out


def scenario(guest, tool, env):
    step(1, "The host lists the machine's GPIO chips")
    det = Tool(tool, env, "detect")
    lines = [det.line(), det.line()]
    det.wait()
    expect(lines[0].startswith("gpio0 [ASPEED AST2600 GPIO 3.3V] (208"),
           "qemu-gpio detect lists the 3.3 V controller")
    expect(lines[1].startswith("gpio1 [ASPEED AST2600 GPIO 1.8V] (36"),
           "qemu-gpio detect lists the 1.8 V controller")

    step(2, "The guest lights an LED on gpioB0; the host watches it")
    mon = Tool(tool, env, "mon", "--banner", "-n", "2", "gpioB0")
    mon.line()
    guest_run(guest, "gpioset gpiochip0 8=1")
    guest_run(guest, "gpioset gpiochip0 8=0")
    got = [mon.line(), mon.line()]
    expect([x.split("\t")[1:] for x in got] ==
           [["rising", '"gpioB0"'], ["falling", '"gpioB0"']],
           "qemu-gpio mon reports the guest's rising and falling edges "
           "on gpioB0")
    mon.wait()

    step(3, "The host presses a button on gpioD0; the guest's gpiomon "
            "sees it")
    # notify ends when the guest's gpiomon has set up its interrupt; its
    # banner says it is watching, so that it cannot miss that.
    ready = Tool(tool, env, "notify", "--banner", "-n", "1", "-e",
                 "reconfigured", "gpioD0")
    ready.line()
    print("    guest# gpiomon --num-events=1 --rising-edge gpiochip0 24",
          flush=True)
    guest.send("gpiomon --num-events=1 --rising-edge gpiochip0 24; "
               "echo @@mon-$?")
    ready.line()
    ready.wait()
    press = Tool(tool, env, "set", "-t", "0", "gpioD0=1")
    press.wait()
    line = guest.wait_for("RISING EDGE offset: 24")
    print(f"    guest: {line}", flush=True)
    guest.wait_for("@@mon-0")
    status, out = guest_run(guest, "gpioget gpiochip0 24")
    expect(out == ["1"], "the guest reads the host's level on gpioD0")

    step(4, "The guest turns gpioB2 into an output; the host is told")
    notify = Tool(tool, env, "notify", "--banner", "-n", "1", "-F",
                  "%E %l %a", "gpioB2")
    notify.line()
    guest_run(guest, "gpioset gpiochip0 10=1")
    line = notify.line()
    notify.wait()
    expect(line == "reconfigured gpioB2 output",
           "qemu-gpio notify reports gpioB2 reconfigured as an output")

    step(5, "The 1.8 V controller is served too")
    info = Tool(tool, env, "info", "-c", "gpio1", "gpio18A0")
    line = info.line()
    info.wait()
    expect(line.startswith('gpio1 0\t"gpio18A0"'),
           "qemu-gpio info shows gpio18A0 on the 1.8 V controller")


def board_scenario(guest, tool, env, board):
    """The same scenario on a board of harness.BOARDS, on the first lines
    that nothing on the board or in the guest uses."""
    b = BOARDS[board]
    step(1, "The host lists the machine's GPIO chip")
    det = Tool(tool, env, "detect")
    line = det.line()
    det.wait()
    expect(line.startswith("gpio0 [") and f"({b['lines']} lines)" in line,
           f"qemu-gpio detect lists {b['controller']}")
    gchip = guest.chip()
    expect(gchip is not None, f"the guest has {b['guest_label']}")
    led, button, conf = guest.free_lines(gchip)[:3]

    step(2, f"The guest lights an LED on line {led}; the host watches it")
    mon = Tool(tool, env, "mon", "--banner", "-c", "gpio0", "-n", "2",
               str(led))
    mon.line()
    guest_run(guest, f"gpioset -t 0 -c {gchip} {led}=1")
    guest_run(guest, f"gpioset -t 0 -c {gchip} {led}=0")
    got = [mon.line(), mon.line()]
    expect([x.split("\t")[1] for x in got] == ["rising", "falling"],
           f"qemu-gpio mon reports the guest's edges on line {led}")
    mon.wait()

    step(3, f"The host presses a button on line {button}; the guest's "
            "gpiomon sees it")
    command = (f"gpiomon --banner -c {gchip} -n 1 -e rising {button}")
    print(f"    guest# {command}", flush=True)
    guest.send(f"{command}; echo @@mon-$?")
    # Its banner: the request is made, it cannot miss the edge.
    guest.wait_for(f"Monitoring line '{button}'")
    press = Tool(tool, env, "set", "-c", "gpio0", "-t", "0", f"{button}=1")
    press.wait()
    line = guest.wait_for("rising")
    print(f"    guest: {line}", flush=True)
    guest.wait_for("@@mon-0")
    status, out = guest_run(guest, f"gpioget --numeric -c {gchip} {button}")
    expect(out == ["1"], f"the guest reads the host's level on line {button}")

    step(4, f"The guest makes line {conf} an output; the host is told")
    notify = Tool(tool, env, "notify", "--banner", "-c", "gpio0", "-n", "1",
                  "-F", "%E %o %a", str(conf))
    notify.line()
    guest_run(guest, f"gpioset -t 0 -c {gchip} {conf}=1")
    line = notify.line()
    notify.wait()
    expect(line.startswith(f"reconfigured {conf} output"),
           f"qemu-gpio notify reports line {conf} reconfigured as an output")


def board_interactive(qemu_build, guest_top, board, tool, sock_dir):
    b = BOARDS[board]
    print(f"""Booting the Debian guest on {board}; its GPIO controller
{b['controller']} is served on {sock_dir}/gpio0.sock (the guest's
{b['guest_label']}).  From a second terminal, try:

    export QEMU_GPIO_DIR={sock_dir}
    {tool} info
    {tool} mon -c gpio0 4        # then, in the guest: gpioset -t 0 -c CHIP 4=1
    {tool} set -c gpio0 5=1      # then, in the guest: gpioget -c CHIP 5

where CHIP is the guest's chip that gpiodetect lists as {b['guest_label']}.
Ctrl-A X quits QEMU.
""", flush=True)
    args = board_command(qemu_build, guest_top, board, serial="mon:stdio",
                         batch=False)
    args += ["-gpiodev", f"socket,id=gpio0,device={b['controller']},"
             f"addr.type=unix,addr.path={sock_dir}/gpio0.sock"]
    return subprocess.call(args)


def interactive(binary, guest_dir, tool, sock_dir):
    print(f"""Booting the Debian guest on an AST2600 EVB; its GPIO controllers
are served on:

    {sock_dir}/gpio0.sock   (3.3 V, 208 lines, guest's gpiochip0)
    {sock_dir}/gpio1.sock   (1.8 V, 36 lines, guest's gpiochip1)

From a second terminal, try:

    export QEMU_GPIO_DIR={sock_dir}
    {tool} info gpioD0
    {tool} mon gpioB0            # then, in the guest: gpioset gpiochip0 8=1
    {tool} set gpioD0=1          # then, in the guest: gpioget gpiochip0 24

The guest's shell is below (gpiodetect, gpioinfo, gpioset, gpioget,
gpiomon).  Ctrl-A X quits QEMU.
""", flush=True)
    args = [binary, "-M", "ast2600-evb", "-nographic", "-no-reboot",
            "-kernel", os.path.join(guest_dir, "vmlinuz"),
            "-dtb", os.path.join(guest_dir, "ast2600-evb.dtb"),
            "-initrd", os.path.join(guest_dir, "initrd.gz"),
            "-append", "console=ttyS4,115200 quiet"]
    for gid, device in (("gpio0", AST2600_GPIO),
                        ("gpio1", AST2600_GPIO_1_8V)):
        args += ["-gpiodev", f"socket,id={gid},device={device},"
                 f"addr.type=unix,addr.path={sock_dir}/{gid}.sock"]
    return subprocess.call(args)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interactive", action="store_true",
                    help="boot the guest on this terminal instead")
    ap.add_argument("--board", default="ast2600-evb",
                    choices=["ast2600-evb", *BOARDS],
                    help="the board (default: ast2600-evb)")
    ap.add_argument("qemu_build")
    ap.add_argument("host_build")
    ap.add_argument("guest_dir")
    args = ap.parse_args()
    binary = os.path.join(args.qemu_build, "qemu-system-arm")
    tool = os.path.abspath(os.path.join(args.host_build, "tools",
                                        "qemu-gpio"))

    board = None if args.board == "ast2600-evb" else args.board

    with tempfile.TemporaryDirectory(prefix="qemu-gpiodev-demo-") as tmp:
        if args.interactive and board:
            return board_interactive(args.qemu_build, args.guest_dir, board,
                                     tool, tmp)
        if args.interactive:
            return interactive(binary, args.guest_dir, tool, tmp)
        env = dict(os.environ, QEMU_GPIO_DIR=tmp)
        print(f"Booting the Debian guest (Linux, libgpiod's tools) on "
              f"{args.board}...", flush=True)
        guest = None
        try:
            if board:
                guest = BoardGuest(args.qemu_build, args.guest_dir, board, {
                    "gpio0": (BOARDS[board]["controller"],
                              os.path.join(tmp, "gpio0.sock"))})
                board_scenario(guest, tool, env, board)
            else:
                guest = Guest(binary, args.guest_dir, {
                    "gpio0": (AST2600_GPIO, os.path.join(tmp, "gpio0.sock")),
                    "gpio1": (AST2600_GPIO_1_8V,
                              os.path.join(tmp, "gpio1.sock"))})
                scenario(guest, tool, env)
        except StepFailed as e:
            print(f"\ndemo: FAILED: {e}", file=sys.stderr)
            return 1
        except (TimeoutError, EOFError, RuntimeError, OSError,
                subprocess.TimeoutExpired) as e:
            print(f"\ndemo: FAILED: {type(e).__name__}: {e}",
                  file=sys.stderr)
            return 1
        finally:
            if guest:
                guest.stop()
    print("\ndemo: every step was observed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
