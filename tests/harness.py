# SPDX-License-Identifier: GPL-2.0-or-later
"""Pieces shared by the Python test programs and the demo.

A QEMU started here gets its gpiodev and qtest sockets as listening file
descriptors created beforehand, so nothing has to poll for a socket file
to appear; everything that reads waits on select() with a deadline.
"""

import ctypes
import os
import select
import signal
import shutil
import socket
import subprocess
import tempfile

TIMEOUT = 20.0

# The AST2600's two GPIO controllers, as QOM paths and MMIO bases.
AST2600_GPIO = "/machine/soc/gpio"
AST2600_GPIO_1_8V = "/machine/soc/gpio_1_8v"
AST2600_GPIO_BASE = 0x1E780000
AST2600_GPIO_1_8V_BASE = 0x1E780800
# Registers of the first set (lines 0-31, gpioA0 to gpioD7).
GPIO_DATA, GPIO_DIRECTION = 0x000, 0x004


class LineReader:
    """Whole lines from a file descriptor, failing after a deadline."""

    def __init__(self, fd, name, timeout=TIMEOUT):
        self.fd, self.name, self.timeout, self.buf = fd, name, timeout, b""

    def line(self):
        while b"\n" not in self.buf:
            ready, _, _ = select.select([self.fd], [], [], self.timeout)
            if not ready:
                raise TimeoutError(f"{self.name}: nothing within "
                                   f"{self.timeout}s")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise EOFError(f"{self.name}: connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode(errors="replace")


class GpioClient:
    """A plain protocol client on a gpiodev unix socket."""

    def __init__(self, path, name=None):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.reader = LineReader(self.sock.fileno(), f"gpio {path}")
        self.greeting = self.reader.line()
        self.events = []
        if name:
            self.request(f"hello name={name}")

    def request(self, text):
        """Send one request; return its reply lines, keeping events."""
        self.sock.sendall(text.encode() + b"\n")
        lines = []
        while True:
            line = self.reader.line()
            if line.startswith("event "):
                self.events.append(line)
                continue
            lines.append(line)
            if line.startswith("ok") or line.startswith("err"):
                return lines

    def event(self):
        if self.events:
            return self.events.pop(0)
        line = self.reader.line()
        if not line.startswith("event "):
            raise RuntimeError(f"expected an event, got {line!r}")
        return line

    def close(self):
        self.sock.close()


class Qtest:
    """The raw qtest protocol: one command a line, "OK ..." replies."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.reader = LineReader(self.sock.fileno(), "qtest")
        self.now = 0

    def cmd(self, text):
        self.sock.sendall(text.encode() + b"\n")
        while True:
            line = self.reader.line()
            if not line.startswith("IRQ"):
                break
        if not line.startswith("OK"):
            raise RuntimeError(f"qtest: {text!r} -> {line!r}")
        return line

    def writel(self, addr, value):
        self.cmd(f"writel 0x{addr:x} 0x{value:x}")

    def readl(self, addr):
        return int(self.cmd(f"readl 0x{addr:x}").split()[1], 16)

    def clock_step(self, ns):
        """Advance the machine's virtual clock by @ns nanoseconds; return
        its new time.  Under qtest it moves only when told to, from 0."""
        self.now = int(self.cmd(f"clock_step {ns}").split()[1])
        return self.now

    def set_bit(self, reg, bit, on):
        """Set or clear one bit of a register of the 3.3 V controller."""
        addr = AST2600_GPIO_BASE + reg
        value = self.readl(addr)
        self.writel(addr, value | (1 << bit) if on else value & ~(1 << bit))


def die_with_parent():
    """In a child: be killed when the test that started us dies, even by
    SIGKILL, so that no QEMU outlives its test."""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def listen_unix(path, backlog=8):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    sock.listen(backlog)
    return sock


def listen_tcp(port=0, backlog=8):
    """A TCP socket listening on 127.0.0.1:port (0: any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(backlog)
    return sock


def socket_args(listeners, gpiodevs, qmp_path=None):
    """QEMU's arguments for gpiodevs and a QMP monitor on sockets bound
    here (kept in @listeners, passed as file descriptors).  @gpiodevs
    maps a gpiodev id to (controller QOM path, socket path, or a
    listening socket[, more -gpiodev options such as ",tls-creds=x"])."""
    args = []
    for gid, (device, path, *more) in gpiodevs.items():
        s = path if isinstance(path, socket.socket) else listen_unix(path)
        listeners[gid] = s
        args += ["-gpiodev", f"socket,id={gid},device={device},"
                 f"addr.type=fd,addr.str={s.fileno()}{''.join(more)}"]
    if qmp_path:
        s = listeners["qmp"] = listen_unix(qmp_path, 1)
        args += ["-chardev", f"socket,id=qmp,fd={s.fileno()},server=on,"
                 "wait=off", "-mon", "chardev=qmp,mode=control"]
    return args


class Qemu:
    """qemu-system-arm -M ast2600-evb with the guest played over qtest.

    gpiodevs maps a gpiodev id to (controller QOM path, socket path, or
    a listening socket); each socket is bound here, or given, and passed
    to QEMU as addr.type=fd.
    """

    def __init__(self, binary, tmpdir, gpiodevs, extra=(), qmp_path=None):
        self.listeners = {}
        args = [binary, "-M", "ast2600-evb", "-display", "none",
                "-monitor", "none", "-serial", "none", "-accel", "qtest",
                "-qtest-log", "/dev/null"]
        # Not beside the gpiodev sockets: tools list those as chips.
        self.qtest_dir = tempfile.mkdtemp(prefix="qemu-qtest-")
        qtest_path = os.path.join(self.qtest_dir, "qtest.sock")
        qt = listen_unix(qtest_path, 1)
        self.listeners["qtest"] = qt
        args += ["-chardev", f"socket,id=qt,fd={qt.fileno()},server=on,"
                 "wait=off", "-qtest", "chardev:qt"]
        args += socket_args(self.listeners, gpiodevs, qmp_path)
        args += list(extra)
        fds = [s.fileno() for s in self.listeners.values()]
        self.proc = subprocess.Popen(args, pass_fds=fds,
                                     start_new_session=True,
                                     preexec_fn=die_with_parent)
        self.qtest = Qtest(qtest_path)

    def kill(self):
        """Kill QEMU abruptly: its clients find out on their own."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for s in self.listeners.values():
            s.close()
        shutil.rmtree(self.qtest_dir, ignore_errors=True)


def x86_accel():
    """TCG: KVM hangs nested guests on the machines we run on, and the
    Debian kernels boot in seconds under TCG.  QEMU_GPIO_KVM=1 tries it."""
    if os.environ.get("QEMU_GPIO_KVM") == "1" and os.access("/dev/kvm",
                                                            os.W_OK):
        return "kvm"
    return "tcg"


class SerialVm:
    """A virtual machine whose shell is driven over its serial console,
    on QEMU's stdio: commands run one at a time, and each ends with a
    marker line carrying its exit status, which is what we wait for.
    The console must print @ready once it takes commands; with no
    @ready (a machine whose state is yet to be loaded), nothing is
    waited for."""

    def __init__(self, args, fds, ready, timeout):
        self.listeners = getattr(self, "listeners", {})
        self.proc = subprocess.Popen(args, pass_fds=fds,
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True,
                                     preexec_fn=die_with_parent)
        self.console = LineReader(self.proc.stdout.fileno(), "vm console",
                                  timeout)
        self.transcript = []
        self.count = 0
        self.ready_line = self.wait_for(ready) if ready else None

    def line(self):
        line = self.console.line().replace("\r", "")
        self.transcript.append(line)
        return line

    def wait_for(self, text):
        """The next console line that contains @text."""
        while True:
            line = self.line()
            if text in line:
                return line

    def send(self, command):
        """Start a command without waiting for it."""
        self.proc.stdin.write(command.encode() + b"\n")
        self.proc.stdin.flush()

    def run(self, command):
        """Run a command in the VM: (exit status, output lines)."""
        self.count += 1
        marker = f"@@done-{self.count}-"
        # One line: a command reading the console must not take the
        # marker's; one that ends in "&" is followed by it directly.
        sep = " " if command.rstrip().endswith("&") else "; "
        self.send(f"{command}{sep}echo {marker}$?")
        out = []
        while True:
            line = self.line()
            if line.startswith(marker):
                return int(line[len(marker):]), out
            out.append(line)

    def ok(self, command):
        """Run @command; its output lines, or None if it failed."""
        status, out = self.run(command)
        return out if status == 0 else None

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for s in self.listeners.values():
            s.close()


# The ASPEED guest's shell commands that make line @offset of the 3.3 V
# controller a sysfs output ($v its value file), and toggle it.
SYSFS_LINE = ("b=$(for c in /sys/class/gpio/gpiochip*; do "
              "[ $(cat $c/ngpio) = 208 ] && cat $c/base; done); "
              "n=$((b + {offset})); echo $n > /sys/class/gpio/export; "
              "echo out > /sys/class/gpio/gpio$n/direction; "
              "v=/sys/class/gpio/gpio$n/value")


def toggle_loop(offset, pairs):
    return (SYSFS_LINE.format(offset=offset) +
            f"; i=0; while [ $i -lt {pairs} ]; do echo 1 > $v; "
            "echo 0 > $v; i=$((i + 1)); done; echo toggled $i")


class Guest(SerialVm):
    """qemu-system-arm -M ast2600-evb booting the Debian guest of
    guest/build-guest.sh.

    gpiodevs maps a gpiodev id to (controller QOM path, socket path).
    extra: more of QEMU's arguments; booted=False: do not wait for the
    guest to boot (for a machine started with -incoming).
    """

    def __init__(self, binary, guest_dir, gpiodevs, timeout=120,
                 qmp_path=None, extra=(), booted=True):
        self.listeners = {}
        args = [binary, "-M", "ast2600-evb", "-display", "none",
                "-monitor", "none", "-serial", "stdio", "-no-reboot",
                "-kernel", os.path.join(guest_dir, "vmlinuz"),
                "-dtb", os.path.join(guest_dir, "ast2600-evb.dtb"),
                "-initrd", os.path.join(guest_dir, "initrd.gz"),
                "-append", "console=ttyS4,115200 quiet qgpio.batch"]
        args += socket_args(self.listeners, gpiodevs, qmp_path)
        args += list(extra)
        fds = [s.fileno() for s in self.listeners.values()]
        super().__init__(args, fds, "qgpio-guest: batch" if booted else None,
                         timeout)


# The boards of guest/build-guest.sh's armhf and arm64 profiles: which
# binary, machine and guest boot them, and what the guest's driver calls
# the controller.  serial: the board's UART that the console is on
# (QEMU's -serial options fill them in order); chips: how many GPIO chips
# the guest registers; controllers: how many of them are controllers of
# the model (not the firmware's GPIO expander of the Raspberry Pi 3 and
# 4, say); wired: the lines the board uses itself.
# mem=None: the board's fixed RAM size; append: more kernel arguments;
# bios: the firmware of the guest's profile that boots the kernel;
# idle: the level of an unused line (1 where the chip pulls its inputs
# up); interrupts=False: the controller cannot interrupt the guest;
# led: (controller, line, name) of an LED that the guest's LED class
# drives, on another controller; devices: -device options; setup: a
# guest command that makes the chip, run once the guest is up.
def _board(target, machine, profile, dtb, console, serial, chips,
           controller, guest_label, lines, wired=None, cpu=None, mem="512",
           append="", controllers=None, bios=None, idle=0, interrupts=True,
           led=None, devices=(), setup=None):
    return dict(target=target, machine=["-M", machine] +
                (["-cpu", cpu] if cpu else []) +
                (["-m", mem] if mem else []) +
                [arg for dev in devices for arg in ("-device", dev)],
                profile=profile, dtb=dtb, console=console, serial=serial,
                chips=chips, controllers=controllers or chips,
                controller=controller, guest_label=guest_label,
                lines=lines, wired=wired or {}, append=append, bios=bios,
                idle=idle, interrupts=interrupts, led=led, setup=setup)


BOARDS = {
    "virt-arm": _board("arm", "virt", "armhf", None, "ttyAMA0", 0, 1,
                       "/machine/gpio", "9030000.pl061", 8,
                       wired={3: "gpio-key"}),
    "virt": _board("aarch64", "virt", "arm64", None, "ttyAMA0", 0, 1,
                   "/machine/gpio", "9030000.pl061", 8,
                   wired={3: "gpio-key"}, cpu="cortex-a57"),
    "sabrelite": _board("arm", "sabrelite", "armhf", "imx6q-sabrelite.dtb",
                        "ttymxc1", 1, 7, "/machine/soc/gpio1",
                        "209c000.gpio", 32),
    "mcimx6ul-evk": _board("arm", "mcimx6ul-evk", "armhf",
                           "imx6ul-14x14-evk.dtb", "ttymxc0", 0, 5,
                           "/machine/soc/gpio0", "209c000.gpio", 32),
    "mcimx7d-sabre": _board("arm", "mcimx7d-sabre", "armhf", "imx7d-sdb.dtb",
                            "ttymxc0", 0, 7, "/machine/soc/gpio0",
                            "30200000.gpio", 32),
    "imx8mp-evk": _board("aarch64", "imx8mp-evk", "arm64",
                         "freescale/imx8mp-evk.dtb", "ttymxc1", 1, 5,
                         "/machine/soc/gpio1", "30200000.gpio", 32,
                         mem="1G"),
    "raspi2b": _board("arm", "raspi2b", "armhf", "bcm2836-rpi-2-b.dtb",
                      "ttyAMA0", 0, 1, "/machine/soc/peripherals/gpio",
                      "pinctrl-bcm2835", 54, mem=None),
    # The PL011 is Bluetooth's on the 3 and 4: the console is the mini
    # UART.
    "raspi3b": _board("aarch64", "raspi3b", "arm64",
                      "broadcom/bcm2837-rpi-3-b.dtb", "ttyS1", 1, 2,
                      "/machine/soc/peripherals/gpio", "pinctrl-bcm2835", 54,
                      mem=None, controllers=1),
    # Linux panics on blocks that the model does not have without these.
    "raspi4b": _board("aarch64", "raspi4b", "arm64",
                      "broadcom/bcm2711-rpi-4-b.dtb", "ttyS1", 1, 2,
                      "/machine/soc/peripherals/gpio", "pinctrl-bcm2711", 58,
                      mem=None, controllers=1,
                      append="clk_ignore_unused initcall_blacklist="
                      "brcmstb_l2_driver_init,brcmstb_i2c_driver_init"),
    # Rainier's TCA9554 on I2C bus 0, with gpio-pca953x: its inputs are
    # pulled up, and it has no INT output in the model (nor in the
    # device tree).
    "rainier-bmc": _board("arm", "rainier-bmc", "armhf",
                          "aspeed-bmc-ibm-rainier.dtb", "ttyS4", 0, 3,
                          "/machine/soc/i2c/bus[0]/pca9554@20", "0-0020", 8,
                          mem=None, controllers=1, idle=1,
                          interrupts=False,
                          led=("/machine/soc/i2c/bus[7]/pca9552@30", 0,
                               "pca955x:pcieslot0")),
    # A PCF8574 added with -device on rainier's bus 0, which the guest
    # instantiates with gpio-pcf857x through new_device, as a user with
    # no device tree entry for it would.
    "rainier-bmc-pcf8574": _board(
        "arm", "rainier-bmc", "armhf", "aspeed-bmc-ibm-rainier.dtb",
        "ttyS4", 0, 3, "/machine/peripheral/expander", "pcf8574", 8,
        mem=None, controllers=1, idle=1, interrupts=False,
        devices=["pcf8574,id=expander,bus=aspeed.i2c.bus.0,address=0x27"],
        setup="echo pcf8574 0x27 > /sys/bus/i2c/devices/i2c-0/new_device"),
    "sifive_u": _board("riscv64", "sifive_u", "riscv64", None, "ttySIF0", 0,
                       1, "/machine/soc/gpio", "10060000.gpio", 16,
                       wired={10: "gpio-restart"}, mem="1G",
                       bios="fw_dynamic.bin"),
}


def board_command(qemu_build, guest_top, board, serial="stdio",
                  batch=True):
    """The QEMU command line that boots @board with its Debian guest, its
    console on -serial @serial; @batch: a shell for programs (no prompt,
    no echo).  guest_top is the directory of guest/build-guest.sh's
    aspeed profile, which holds the other profiles' directories."""
    b = BOARDS[board]
    guest = os.path.join(guest_top, b["profile"])
    args = [os.path.join(qemu_build, f"qemu-system-{b['target']}"),
            *b["machine"], "-display", "none", "-monitor", "none",
            *["-serial", "null"] * b["serial"], "-serial", serial,
            "-no-reboot",
            "-kernel", os.path.join(guest, "vmlinuz"),
            "-initrd", os.path.join(guest, "initrd.gz"),
            "-append", f"console={b['console']} quiet "
            f"qgpio.chips={b['chips']} {b['append']}" +
            (" qgpio.batch" if batch else "")]
    if b["dtb"]:
        args += ["-dtb", os.path.join(guest, "dtbs", b["dtb"])]
    if b["bios"]:
        args += ["-bios", os.path.join(guest, b["bios"])]
    return args


class BoardGuest(SerialVm):
    """A board of BOARDS booting its Debian guest, whose shell takes
    commands on the console.

    gpiodevs maps a gpiodev id to (controller QOM path, socket path).
    """

    def __init__(self, qemu_build, guest_top, board, gpiodevs, timeout=180,
                 qmp_path=None):
        self.board = BOARDS[board]
        self.listeners = {}
        args = board_command(qemu_build, guest_top, board)
        args += socket_args(self.listeners, gpiodevs, qmp_path)
        fds = [s.fileno() for s in self.listeners.values()]
        super().__init__(args, fds, "qgpio-guest: batch", timeout)

    def chip(self):
        """The guest's gpiochip of the board's controller, found by its
        label, or None."""
        b = self.board
        for line in self.ok("gpiodetect") or []:
            name, rest = line.split(" ", 1)
            if rest == f"[{b['guest_label']}] ({b['lines']} lines)":
                return name
        return None

    def free_lines(self, chip):
        """Lines of @chip that nothing on the board or in the guest uses,
        in order."""
        used = set(self.board["wired"])
        for line in self.ok(f"gpioinfo -c {chip}") or []:
            words = line.split()
            if words[0] == "line" and "consumer=" in line:
                used.add(int(words[1].rstrip(":")))
        return [i for i in range(self.board["lines"]) if i not in used]


def edges(req, n, timeout=60.0):
    """The next @n edge events of a qemu_gpio line request."""
    got = []
    while len(got) < n and req.wait_edge_events(timeout):
        got += req.read_edge_events(n - len(got))
    return got


def kinds(events):
    """The types of edge events, as "rising" and "falling"."""
    return [e.event_type.value for e in events]


class Tap:
    """Minimal TAP output: each check is a test; failures do not stop."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        self.count += 1
        if not ok:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} {self.count} - {what}", flush=True)
        if not ok and detail:
            for line in str(detail).splitlines():
                print(f"#   {line}", flush=True)
        return ok

    def eq(self, got, want, what):
        return self.check(got == want, what, f"got:  {got!r}\nwant: {want!r}")

    def done(self):
        print(f"1..{self.count}", flush=True)
        return 1 if self.failed else 0
