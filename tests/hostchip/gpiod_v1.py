#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Inside the host-chip test VM, with bookworm's python3-libgpiod (the
libgpiod 1.6 API): read gpioB0, which the guest drives, and drive
gpioD4 high, found by name.

  gpiod_v1.py CHIP
"""

import sys

import gpiod


def main():
    chip = gpiod.Chip(sys.argv[1])
    b0 = chip.find_line("gpioB0")
    b0.request(consumer="py-v1", type=gpiod.LINE_REQ_DIR_IN)
    print(f"B0={b0.get_value()}", flush=True)
    b0.release()
    d4 = chip.find_line("gpioD4")
    d4.request(consumer="py-v1", type=gpiod.LINE_REQ_DIR_OUT,
               default_vals=[1])
    print("D4 driven", flush=True)
    d4.release()


if __name__ == "__main__":
    main()
