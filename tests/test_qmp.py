#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gpiodev over QMP with qemu.qmp, from QEMU's own python/ tree, on a
running ast2600-evb with the Debian guest: attach a gpiodev, find a line
by name, drive it, receive GPIO_LINE_CHANGED for a watched output the
guest drives, and detach it, without restarting QEMU.  Prints TAP.
"""

import asyncio
import os
import sys
import tempfile

from harness import Guest, Tap

tap = Tap()
TIMEOUT = 60


async def scenario(guest, qmp_path, sock):
    from qemu.qmp import QMPClient

    qmp = QMPClient("gpiodev-test")
    await qmp.connect(qmp_path)
    try:
        ctrls = await qmp.execute("query-gpio-controllers")
        tap.eq(sorted((c["path"], c["lines"]) for c in ctrls),
               [("/machine/soc/gpio", 208), ("/machine/soc/gpio_1_8v", 36)],
               "query-gpio-controllers finds both controllers")
        schema = await qmp.execute("query-qmp-schema")
        names = {e["name"] for e in schema if "name" in e}
        tap.check({"gpiodev-add", "gpiodev-del", "query-gpiodevs",
                   "query-gpio-lines", "gpio-set", "gpio-get",
                   "GPIO_LINE_CHANGED"} <= names,
                  "query-qmp-schema shows the commands and the event")

        # No gpiodev on the 1.8 V controller: QMP reaches it by path.
        await qmp.execute("gpio-set", {"device": "gpio_1_8v",
                                       "line": "gpio18A1", "level": True})
        status, out = guest.run("gpioget gpiochip1 1")
        tap.eq(out, ["1"], "gpio-set on a controller with no gpiodev "
               "drives the line the guest reads")
        got = await qmp.execute("gpio-get", {
            "device": "/machine/soc/gpio_1_8v", "line": "1"})
        tap.eq(got, {"level": True}, "gpio-get by path and offset")

        await qmp.execute("gpiodev-add", {
            "type": "socket", "id": "gpio0", "device": "/machine/soc/gpio",
            "addr": {"type": "unix", "path": sock}})
        tap.check(os.path.exists(sock), "gpiodev-add: the socket is there")
        lines = await qmp.execute("query-gpio-lines", {"gpiodev": "gpio0"})
        d0 = [x for x in lines if x["name"] == "gpioD0"]
        tap.check(len(d0) == 1 and d0[0]["offset"] == 24,
                  "query-gpio-lines finds gpioD0 by name")

        await qmp.execute("gpio-set", {"gpiodev": "gpio0",
                                       "line": "gpioD0", "level": True})
        status, out = guest.run("gpioget gpiochip0 24")
        tap.eq(out, ["1"], "gpio-set drives the line the guest reads")

        with qmp.listener("GPIO_LINE_CHANGED") as listener:
            await qmp.execute("gpio-watch", {"gpiodev": "gpio0",
                                             "line": "gpioB0"})
            guest.run("gpioset gpiochip0 8=1")
            event = await asyncio.wait_for(listener.get(), TIMEOUT)
        data = event["data"]
        tap.check(data["name"] == "gpioB0" and data["offset"] == 8 and
                  data["level"] and data["edge"] == "rising",
                  "GPIO_LINE_CHANGED for the guest's gpioset", data)

        await qmp.execute("gpiodev-del", {"id": "gpio0"})
        tap.eq(await qmp.execute("query-gpiodevs"), [],
               "gpiodev-del detaches it")
        status, out = guest.run("gpioget gpiochip0 24")
        tap.eq((status, out), (0, ["1"]),
               "the guest carries on, the line keeps its level")
    finally:
        await qmp.disconnect()


def main():
    sys.path.insert(0, os.path.join(os.environ["QEMU_GPIODEV_SRC"],
                                    "python"))
    binary = os.path.join(os.environ["QEMU_GPIODEV_BUILD"],
                          "qemu-system-arm")
    with tempfile.TemporaryDirectory(prefix="qemu-gpio-qmp-") as tmp:
        qmp_path = os.path.join(tmp, "qmp.sock")
        guest = Guest(binary, os.environ["QEMU_GPIODEV_GUEST"], {},
                      qmp_path=qmp_path)
        try:
            asyncio.run(scenario(guest, qmp_path,
                                 os.path.join(tmp, "gpio0.sock")))
        except Exception as e:  # every failure is a TAP failure
            tap.check(False, f"error: {type(e).__name__}: {e}",
                      "\n".join(guest.transcript[-20:]))
        finally:
            guest.stop()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
