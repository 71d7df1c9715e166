# SPDX-License-Identifier: LGPL-2.1-or-later
"""qemu_gpio: drive and watch the GPIO lines of a QEMU machine.

A pure-Python client of QEMU's gpiodev sockets, speaking the protocol
of qemu/docs/interop/gpiodev-protocol.rst, with the concepts of
libgpiod's Python bindings::

    import qemu_gpio
    from qemu_gpio import Direction, Edge, LineSettings, Value

    with qemu_gpio.Chip("gpio0") as chip:
        print(chip.get_info())
        with chip.request_lines({"gpioD0": LineSettings(
                direction=Direction.OUTPUT, output_value=Value.ACTIVE)},
                consumer="my-test") as button:
            button.set_value("gpioD0", Value.INACTIVE)

A chip is a socket path, or a name looked up in socket_dir().  Line
info reports the guest's configuration; in a request, Direction.OUTPUT
means that the request drives the line from outside.  Blocking calls
take timeouts; requests fail with TimeoutError after DEFAULT_TIMEOUT
seconds without a reply.  The asyncio variant is qemu_gpio.aio.
"""

from ._protocol import ProtocolError, ServerError
from ._sync import Chip, LineRequest
from ._types import (DEFAULT_TIMEOUT, Bias, ChipInfo, Clock, Direction,
                     Drive, Edge, EdgeEvent, EdgeEventType, InfoEvent,
                     InfoEventType, Interrupt, LineInfo, LineSettings, Value,
                     chip_path, socket_dir)

__all__ = [
    "Bias", "Chip", "ChipInfo", "Clock", "DEFAULT_TIMEOUT", "Direction",
    "Drive", "Edge", "EdgeEvent", "EdgeEventType", "InfoEvent",
    "InfoEventType", "Interrupt", "LineInfo", "LineRequest", "LineSettings",
    "ProtocolError", "ServerError", "Value", "chip_path", "socket_dir",
]

__version__ = "0.1.0"
