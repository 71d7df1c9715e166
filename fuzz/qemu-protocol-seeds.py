#!/usr/bin/env python3
# Write the seed corpus of QEMU's gpiodev-protocol fuzz target
# (qemu/tests/qtest/fuzz/gpiodev_fuzz.c) into fuzz/corpus/qemu-protocol/:
# the protocol document's requests and errors and the tests' sessions, in
# the target's input format (see the comment at the top of that file).
#
#   fuzz/qemu-protocol-seeds.py [DIR]
#
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import struct
import sys

# AST2600 3.3 V GPIO registers, as 4-byte word indexes into the target's
# window: data and direction of ports A-D, interrupt enable and the
# three sensitivity registers.
DATA_ABCD, DIR_ABCD, INT_EN, SENS0, SENS1, SENS2 = 0, 1, 2, 3, 4, 5


def send(client, text):
    """Records for @client sending @text, in chunks of at most 64 bytes."""
    data = text.encode() if isinstance(text, str) else text
    out = b""
    for i in range(0, len(data), 64):
        chunk = data[i:i + 64]
        out += bytes([((len(chunk) - 1) << 1) | client]) + chunk
    return out


def guest(reg, value):
    """A guest write of @value to register word @reg."""
    return bytes([0x80, reg]) + struct.pack("<I", value)


SEEDS = {
    "session": send(0, "hello name=rig proto=1\nchip\ninfo\n"
                       "info gpioD0 25\nget gpioD0 25 007\n"
                       "set gpioA0=1 gpioA1=0\nsubscribe all gpioA0\n"
                       "subscribe both\nrelease gpioA0\nunsubscribe all\n"
                       "ping\nhelp\nquit\n"),
    "tags": send(0, "@t1 ping\n@a.b-c_9 get gpioA0\n@ ping\n@x\n"
                    "@toolongtagtoolongtagtoolongtagtoolong ping\n"),
    "errors": send(0, "frob\nget 1x\nping x\nget 99999999999999999999\n"
                      "hello proto=2\nhello name=\nhello bogus=1\n"
                      "set gpioA0\nset gpioA0=2\nset gpioA0=1 gpioA0=0\n"
                      "subscribe\nsubscribe sideways\nget gpioQQ9\n"
                      "get 208\nset 500=1\n"),
    "quoting": send(0, 'hello name="a b"\nhello name="unterminated\n'
                       'hello name="bad \\q escape"\n'
                       "hello name='single'\nget \"gpioA0\"\n"
                       "get \x01\nping\r\n\r\n\n"),
    "nul": send(0, b"get gpio\x00A0\nping\n"),
    "overlong": send(0, "x" * 5000) + send(0, "\nping\n") +
                send(0, "y" * 4095 + "\n") + send(0, "z" * 4096 + "\n"),
    "split": send(0, "hel") + send(1, "pi") + send(0, "lo name=a\nset ") +
             send(1, "ng\n") + send(0, "gpioA0=1\n"),
    "busy": send(0, "hello name=first\nset gpioA0=1 gpioA1=1\n") +
            send(1, "subscribe config\nset gpioA0=0\nrelease gpioA0\n") +
            send(0, "release gpioA0\n") + send(1, "set gpioA0=0\n") +
            send(0, "quit\n") + send(0, "set gpioA1=0\n"),
    "guest-output": send(0, "subscribe all\nset gpioA0=1 gpioA2=1\n") +
                    guest(DIR_ABCD, 0x5) + guest(DATA_ABCD, 0x4) +
                    send(0, "set gpioA0=0\ninfo gpioA0 gpioA2\n") +
                    guest(DIR_ABCD, 0) + send(0, "get gpioA0 gpioA2\n"),
    "guest-interrupts": send(1, "subscribe both\nset gpioB0=0\n") +
                        guest(INT_EN, 0x100) + guest(SENS0, 0x100) +
                        guest(SENS1, 0) + guest(SENS2, 0x100) +
                        send(1, "set gpioB0=1\nset gpioB0=0\nrelease\n"),
    "other-ports": send(0, "get gpioE0 gpioM7 gpioY3 gpio18E0\n") +
                   bytes([0x81, 0x00]) + struct.pack("<I", 0xffffffff) +
                   send(0, "info\n"),
}


def main():
    top = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(top, "corpus", "qemu-protocol")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
