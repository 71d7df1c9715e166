#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make demo / make run: the AST2600 EVB's GPIO controllers on sockets.

  demo.py QEMU-BINARY               play a short scenario and check it
  demo.py --interactive QEMU-BINARY serve the sockets until you quit

Until the Debian guest of the end-to-end work exists, the guest side is
played by register writes through qtest, exactly as a driver would make
them.  The scenario exits 0 when every step was observed, and otherwise
names the step that was not.
"""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from harness import (AST2600_GPIO, AST2600_GPIO_1_8V,  # noqa: E402
                     AST2600_GPIO_1_8V_BASE, AST2600_GPIO_BASE, GPIO_DATA,
                     GPIO_DIRECTION, GpioClient, Qemu)


class StepFailed(Exception):
    pass


def step(number, text):
    print(f"\n[{number}] {text}", flush=True)


def show(who, line):
    print(f"    {who:6} {line}", flush=True)


def expect(cond, what):
    if not cond:
        raise StepFailed(what)


def scenario(qemu, paths):
    gpio = AST2600_GPIO_BASE
    step(1, "The host connects to the 3.3 V controller and asks what it is")
    host = GpioClient(paths["gpio0"], name="demo")
    show("host", f"<- {host.greeting}")
    chip = host.request("chip")[0]
    show("host", f"<- {chip}")
    expect("lines=208" in chip, "the 3.3 V controller reports 208 lines")

    step(2, "The host watches gpioB0 for edges and configuration changes")
    for req in ("subscribe both gpioB0", "subscribe config gpioB0"):
        show("host", f"-> {req}")
        expect(host.request(req) == ["ok"], f"'{req}' is accepted")

    step(3, "The guest makes gpioB0 an output and drives it high, then low")
    show("guest", "direction register |= bit 8; data register |= bit 8")
    qemu.qtest.writel(gpio + GPIO_DIRECTION, 1 << 8)
    qemu.qtest.writel(gpio + GPIO_DATA, 1 << 8)
    qemu.qtest.writel(gpio + GPIO_DATA, 0)
    for kind in ("config offset=8 name=gpioB0 direction=output",
                 "edge offset=8 name=gpioB0 edge=rising",
                 "edge offset=8 name=gpioB0 edge=falling"):
        ev = host.event()
        show("host", f"<- {ev}")
        expect(ev.startswith(f"event {kind}"), f"the host sees '{kind}'")

    step(4, "The host drives input gpioD0 high; the guest reads it")
    show("host", "-> set gpioD0=1")
    expect(host.request("set gpioD0=1") == ["ok"], "the host drives gpioD0")
    data = qemu.qtest.readl(gpio + GPIO_DATA)
    show("guest", f"data register = 0x{data:08x}")
    expect(data & (1 << 24), "the guest reads gpioD0 high")

    step(5, "A second host client finds gpioD0 busy, with its consumer")
    other = GpioClient(paths["gpio0"])
    reply = other.request("set gpioD0=0")[0]
    show("other", f"<- {reply}")
    expect(reply.startswith("err busy") and "demo" in reply,
           "a second client may not drive a line the first one holds")
    other.close()

    step(6, "The 1.8 V controller is served on its own socket")
    low = GpioClient(paths["gpio1"], name="demo")
    info = low.request("info gpio18A0")[0]
    show("host", f"<- {info}")
    expect(info.startswith("line offset=0 name=gpio18A0"),
           "the 1.8 V controller names its first line gpio18A0")
    low.request("set gpio18A0=1")
    data = qemu.qtest.readl(AST2600_GPIO_1_8V_BASE + GPIO_DATA)
    show("guest", f"1.8 V data register = 0x{data:08x}")
    expect(data & 1, "the guest reads gpio18A0 high")
    low.close()
    host.close()


def interactive(binary, rundir, paths):
    print("QEMU -M ast2600-evb (no guest kernel) serves its GPIO on:")
    for gid, path in paths.items():
        print(f"    {gid}: {path}")
    print(f"\nTry, from another terminal:\n"
          f"    socat - UNIX-CONNECT:{paths['gpio0']}\n"
          f"    then: help, chip, info gpioD0, subscribe both, set gpioD0=1\n"
          f"\nThe QEMU monitor is below; 'xp /1wx 0x1e780000' shows the\n"
          f"data register of gpioA0-gpioD7 as the guest would read it.\n"
          f"'quit' ends.\n", flush=True)
    args = [binary, "-M", "ast2600-evb", "-display", "none",
            "-serial", "none", "-monitor", "stdio", "-S"]
    for gid, path in paths.items():
        device = AST2600_GPIO if gid == "gpio0" else AST2600_GPIO_1_8V
        args += ["-gpiodev", f"socket,id={gid},device={device},"
                 f"addr.type=unix,addr.path={path}"]
    return subprocess.call(args)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interactive", action="store_true",
                    help="serve the sockets with the monitor on stdio")
    ap.add_argument("qemu", help="the qemu-system-arm binary")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="qemu-gpiodev-demo-") as tmp:
        paths = {"gpio0": os.path.join(tmp, "gpio0.sock"),
                 "gpio1": os.path.join(tmp, "gpio1.sock")}
        if args.interactive:
            return interactive(args.qemu, tmp, paths)
        qemu = Qemu(args.qemu, tmp,
                    {"gpio0": (AST2600_GPIO, paths["gpio0"]),
                     "gpio1": (AST2600_GPIO_1_8V, paths["gpio1"])})
        try:
            scenario(qemu, paths)
        except StepFailed as e:
            print(f"\ndemo: FAILED: {e}", file=sys.stderr)
            return 1
        except (TimeoutError, EOFError, RuntimeError, OSError) as e:
            print(f"\ndemo: FAILED: {e}", file=sys.stderr)
            return 1
        finally:
            qemu.stop()
    print("\ndemo: every step was observed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
