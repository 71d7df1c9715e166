#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Inside the host-chip test VM: the ugpio module against bad input.

Writes a table of malformed and truncated messages to /dev/ugpio and
checks each one's errno, then checks that the chip it creates still
works, and that removing it while a consumer holds a line and while
gpiomon waits in read() leaves the kernel sound.  Prints TAP lines for
the harness to count.
"""

import errno
import os
import select
import struct
import subprocess
import sys
import time

UGPIO_VERSION = 1
MSG_CREATE, MSG_LEVELS, MSG_LINE = 1, 2, 3
LINE_DRIVEN, LINE_BUSY, LINE_ABSENT = 1, 2, 4
EV_OUTPUT, EV_SET, EV_CHIP = 4, 5, 7
EVENT = struct.Struct("=IIIIQQII32s")
count = 0
failed = 0


def tap(ok, what):
    global count, failed
    count += 1
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} {count} - {what}", flush=True)


def create(nlines=8, version=UGPIO_VERSION, label=b"ugpio-check",
           lines=None, size_delta=0):
    if lines is None:
        lines = [(b"l%d" % i, LINE_ABSENT if i == nlines - 1 else 0, 0)
                 for i in range(nlines)]
    body = struct.pack("=II32s", version, nlines, label)
    body += b"".join(struct.pack("=32sII32s", n, f, v, b"")
                     for n, f, v in lines)
    size = 8 + len(body) + size_delta
    return struct.pack("=II", MSG_CREATE, size) + body


def levels(changes, padding=0, count_delta=0):
    body = struct.pack("=II", len(changes) + count_delta, padding)
    body += b"".join(struct.pack("=II", o, v) for o, v in changes)
    return struct.pack("=II", MSG_LEVELS, 8 + len(body)) + body


def line(offset, flags=0, level=0, padding=0, consumer=b""):
    return struct.pack("=IIIIII32s", MSG_LINE, 56, offset, flags, level,
                       padding, consumer)


def expect_errno(fd, msg, err, what):
    try:
        os.write(fd, msg)
        got = 0
    except OSError as e:
        got = e.errno
    tap(got == err, f"{what}: {errno.errorcode.get(err, err)}"
        f"{'' if got == err else f' (got {errno.errorcode.get(got, got)})'}")


def expect_ok(fd, msg, what):
    try:
        tap(os.write(fd, msg) == len(msg), what)
    except OSError as e:
        tap(False, f"{what}: {e}")


def drain(fd):
    """Every record queued now, as tuples of struct ugpio_event."""
    records = []
    while select.select([fd], [], [], 0)[0]:
        data = os.read(fd, EVENT.size * 64)
        records += [EVENT.unpack_from(data, i)
                    for i in range(0, len(data), EVENT.size)]
    return records


def wait_for(condition, tries=3000):
    """Check @condition every 20 ms, at most @tries times: for state the
    kernel changes, which nothing here can wait on directly."""
    for _ in range(tries):
        if condition():
            return True
        time.sleep(0.02)
    return False


def main():
    fd = os.open("/dev/ugpio", os.O_RDWR)
    before = [
        (b"\x01\x00\x00\x00", errno.EINVAL, "shorter than a header"),
        (struct.pack("=II", MSG_CREATE, 9999), errno.EINVAL,
         "header size not the write's"),
        (struct.pack("=II", 99, 8), errno.EOPNOTSUPP, "unknown type"),
        (create(version=2), errno.EPROTONOSUPPORT, "unknown version"),
        (create(nlines=0, lines=[]), errno.EINVAL, "no lines"),
        (create(nlines=1025), errno.EINVAL, "more lines than allowed"),
        (create(nlines=4, lines=[(b"a", 0, 0)] * 3), errno.EINVAL,
         "fewer lines than said"),
        (create(label=b""), errno.EINVAL, "empty label"),
        (create(label=b"L" * 32), errno.EINVAL, "label not terminated"),
        (create(lines=[(b"n" * 32, 0, 0)] * 8), errno.EINVAL,
         "line name not terminated"),
        (create(lines=[(b"x", 1 << 7, 0)] * 8), errno.EINVAL,
         "unknown line flag"),
        (create(lines=[(b"x", 0, 2)] * 8), errno.EINVAL, "level 2"),
        (create()[:60], errno.EINVAL, "truncated create"),
        (levels([(0, 1)]), errno.ENODEV, "levels before create"),
        (line(0), errno.ENODEV, "line before create"),
        (struct.pack("=II", MSG_CREATE, 1 << 20) + bytes((1 << 20) - 8),
         errno.EINVAL, "a megabyte"),
    ]
    for msg, err, what in before:
        expect_errno(fd, msg, err, what)
    try:
        os.read(fd, 8)
        tap(False, "read with a buffer smaller than a record: EINVAL")
    except OSError as e:
        tap(e.errno == errno.EINVAL,
            "read with a buffer smaller than a record: EINVAL")

    expect_ok(fd, create(), "create after all that")
    if not select.select([fd], [], [], 10)[0]:
        tap(False, "a record after create")
        return 1
    ev = EVENT.unpack(os.read(fd, EVENT.size))
    chip = ev[8].rstrip(b"\0").decode()
    tap(ev[0] == EV_CHIP and chip.startswith("gpiochip"),
        f"the first record names the chip: {chip}")
    after = [
        (create(), errno.EBUSY, "second create"),
        (levels([(8, 1)]), errno.EINVAL, "level of a line out of range"),
        (levels([(0, 2)]), errno.EINVAL, "level 2"),
        (levels([(0, 1)], count_delta=1), errno.EINVAL,
         "more changes than sent"),
        (levels([(0, 1)], padding=1), errno.EINVAL, "padding not zero"),
        (levels([(0, 1), (9, 1)]), errno.EINVAL,
         "a bad change after a good one"),
        (line(8), errno.EINVAL, "line out of range"),
        (line(7), errno.EINVAL, "an absent line"),
        (line(0, flags=LINE_ABSENT), errno.EINVAL, "making a line absent"),
        (line(0, padding=3), errno.EINVAL, "line padding not zero"),
        (line(0)[:20], errno.EINVAL, "truncated line message"),
        (line(0, consumer=b"c" * 32), errno.EINVAL,
         "consumer not terminated"),
    ]
    for msg, err, what in after:
        expect_errno(fd, msg, err, what)

    # Nothing of the bad messages took effect; the chip works.
    info = subprocess.run(["gpioinfo", chip], capture_output=True,
                          text=True)
    tap(info.returncode == 0 and info.stdout.count("unused") == 7 and
        '"l0"' in info.stdout,
        "the chip still has its eight lines, l0 to l6 unused",)
    get = subprocess.run(["gpioget", chip, "0"], capture_output=True,
                         text=True)
    tap(get.stdout.strip() == "0",
        "line 0 is still low after the refused level 2 and the bad batch")

    # A consumer far faster than the reader: records are dropped and
    # counted, and the line's last state is said again, not lost.
    drain(fd)
    import gpiod
    line4 = gpiod.Chip(chip).get_line(4)
    line4.request(consumer="flood", type=gpiod.LINE_REQ_DIR_OUT,
                  default_vals=[0])
    for i in range(3000):
        line4.set_value(i & 1)
    records = drain(fd)
    lost = sum(r[6] for r in records)
    last = [r for r in records if r[1] == 4][-1]
    tap(lost > 0 and last[0] in (EV_OUTPUT, EV_SET) and last[2] == 1,
        f"3000 sets unread: {lost} records lost, the last level kept "
        f"(type {last[0]}, level {last[2]})")
    line4.release()
    drain(fd)

    # An edge reaches gpiomon (which flushes its output when it exits).
    mon = subprocess.Popen(["gpiomon", "--num-events=1", chip, "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    tap(wait_for(lambda: "gpiomon" in open("/proc/interrupts").read()),
        "gpiomon's interrupt is set up")
    expect_ok(fd, levels([(2, 1)]), "an edge for gpiomon")
    out = mon.communicate(timeout=20)[0].decode()
    tap("RISING EDGE" in out and "offset: 2" in out,
        f"gpiomon sees it: {out.strip()}")

    # Removal while a consumer holds a line and gpiomon is in read().
    holder = subprocess.Popen(["gpioset", "--mode=signal", chip, "1=1"])
    mon = subprocess.Popen(["gpiomon", chip, "3"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
    tap(wait_for(lambda: "gpiomon" in open("/proc/interrupts").read() and
                 "gpioset" in subprocess.run(["gpioinfo", chip],
                                             capture_output=True,
                                             text=True).stdout),
        "a holder and a waiting gpiomon")
    os.close(fd)
    get = subprocess.run(["gpioget", chip, "0"], capture_output=True,
                         text=True)
    tap(get.returncode != 0,
        "closed while gpiomon holds an interrupt: the chip refuses "
        f"requests ({get.stderr.strip()})")
    holder.terminate()
    tap(holder.wait(20) is not None, "the holder exits when asked")
    mon.kill()
    tap(mon.wait(20) is not None, "gpiomon can be killed")
    tap(wait_for(lambda: not os.path.exists(f"/dev/{chip}")),
        "and with its interrupt freed, the chip is gone")
    dmesg = subprocess.run(["dmesg"], capture_output=True, text=True).stdout
    bad = [x for x in dmesg.splitlines()
           if any(w in x for w in ("BUG", "WARNING", "Oops", "Call Trace",
                                   "general protection"))]
    tap(not bad, "no kernel warning, oops or BUG" +
        (f": {bad[:3]}" if bad else ""))
    print(f"1..{count}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
