#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make bench, the host chip: libgpiod 2 in a VM of the rig's first
kernel, through the ugpio chip that `qemu-gpio export` makes of the
AST2600 of a QEMU here running bench/echo.S (gpioB0 follows gpioD0).

  hostchip_bench.py QEMU-BUILD HOST-BUILD HOSTCHIP-DIR OUT.json

Prints a table and writes OUT.json.  The VM's figures are on its own
clock; a protocol client of the same controller also times, on the
host's clock, each reaction of the VM's consumer: from the guest's edge
on gpioB0 to the consumer's next drive of gpioD0 reaching QEMU, which
is the way through the chip twice, to the consumer and back.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from harness import (AST2600_GPIO, GpioClient, LineReader,  # noqa: E402
                     die_with_parent, listen_tcp, listen_unix)
from test_host_chip import HostVm  # noqa: E402

# make check runs it small (HOSTCHIP_BENCH_SAMPLES, _SECONDS), so that
# it cannot rot; it checks no figure.
SAMPLES = int(os.environ.get("HOSTCHIP_BENCH_SAMPLES", 2000))
SECONDS = float(os.environ.get("HOSTCHIP_BENCH_SECONDS", 3))


def start_echo(binary, elf, tmp):
    tcp = listen_tcp()
    unix = listen_unix(os.path.join(tmp, "g.sock"))
    proc = subprocess.Popen(
        [binary, "-M", "ast2600-evb", "-display", "none", "-monitor", "none",
         "-serial", "stdio", "-kernel", elf,
         "-gpiodev", f"socket,id=tcp,device={AST2600_GPIO},"
                     f"addr.type=fd,addr.str={tcp.fileno()}",
         "-gpiodev", f"socket,id=g,device={AST2600_GPIO},"
                     f"addr.type=fd,addr.str={unix.fileno()}"],
        pass_fds=[tcp.fileno(), unix.fileno()], stdout=subprocess.PIPE,
        start_new_session=True, preexec_fn=die_with_parent)
    # echo.S prints 'R' once gpioB0 is an output and it copies gpioD0.
    reader = LineReader(proc.stdout.fileno(), "echo.elf console", 60)
    while b"R" not in reader.buf:
        reader.buf += os.read(proc.stdout.fileno(), 64)
    return proc, tcp.getsockname()[1], (tcp, unix)


def reactions(events):
    """From each gpioB0 edge to the next gpioD0 edge, in ns, in order."""
    out, last_b0 = [], None
    for ev in events:
        fields = dict(f.split("=", 1) for f in ev.split()[2:] if "=" in f)
        if fields.get("name") == "gpioB0":
            last_b0 = int(fields["host-ns"])
        elif fields.get("name") == "gpioD0" and last_b0 is not None:
            out.append(int(fields["host-ns"]) - last_b0)
            last_b0 = None
    return out


class EventLog(threading.Thread):
    """Read a protocol client's events as they come, so that QEMU never
    has to queue them for it."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client, self.events, self.stop = client, [], False
        client.reader.timeout = 0.2

    def run(self):
        while not self.stop:
            try:
                self.events.append(self.client.event())
            except TimeoutError:
                pass


def main():
    qemu_build, host_build, rig, out = sys.argv[1:5]
    binary = os.path.join(qemu_build, "qemu-system-arm")
    elf = os.path.join(host_build, "bench", "echo.elf")
    with open(os.path.join(rig, "releases")) as f:
        release = f.read().split()[0]
    with tempfile.TemporaryDirectory(prefix="qemu-gpio-hcb-") as tmp:
        qemu, port, socks = start_echo(binary, elf, tmp)
        vm = None
        try:
            client = GpioClient(os.path.join(tmp, "g.sock"), "bench-clock")
            client.request("subscribe both gpioB0 gpioD0")
            log = EventLog(client)
            log.start()
            vm = HostVm(os.path.join(rig, release))
            status, lines = vm.run(
                f"mkfifo /tmp/b; qemu-gpio export --banner "
                f"tcp:10.0.2.2:{port} >/tmp/b 2>/tmp/e & read -r l </tmp/b;"
                " echo \"$l\"")
            chip = lines[-1].split(" as ")[1].rstrip(".")
            status, lines = vm.run(
                f"chroot /trixie python3 /usr/local/bin/chip_bench.py "
                f"/dev/{chip} {SAMPLES} {SECONDS}")
            if status:
                raise RuntimeError("chip_bench.py: " + " ".join(lines))
            result = json.loads(lines[-1])
            log.stop = True
            log.join()
            # The round trips come last: their reactions, not the drives'.
            ns = sorted(reactions(log.events)[-(SAMPLES - 1):])
            result["reaction_median_us"] = statistics.median(ns) / 1000
            result["reaction_p99_us"] = ns[int(len(ns) * 0.99)] / 1000
            result["kernel"] = release
        finally:
            if vm:
                vm.stop()
            qemu.kill()
            qemu.wait()
            for s in socks:
                s.close()
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"\nhost chip ({release} in a TCG VM, libgpiod 2.2 bindings):")
    rows = [
        ("gpioget-style reads/s (request, read, release)",
         f"{result['reads_per_s']:,.0f}"),
        ("gpioset-style drives/s (request, guest echo, release)",
         f"{result['drives_per_s']:,.0f}"),
        ("round trip through the chip, median / p99 (us)",
         f"{result['rtt_median_us']:,.0f} / {result['rtt_p99_us']:,.0f}"),
        ("guest edge to the consumer's reaction in QEMU, median / p99 (us)",
         f"{result['reaction_median_us']:,.0f} / "
         f"{result['reaction_p99_us']:,.0f}"),
    ]
    for name, value in rows:
        print(f"{name:<66} {value:>16}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
