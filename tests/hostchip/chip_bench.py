#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Inside the host-chip VM, with libgpiod 2's Python bindings: make
bench's host-chip figures, against the AST2600 running bench/echo.S,
which copies gpioD0 to gpioB0.

  chip_bench.py CHIP-PATH SAMPLES SECONDS

Prints one JSON object: gpioget-style reads per second (request, read,
release), gpioset-style drives per second (request as an output, see
the guest's echo, release), and the round trip through the chip with
held requests (set gpioD0, see gpioB0's echo edge), SAMPLES times:
median and 99th percentile in microseconds, on this VM's clock.
"""

import json
import sys
import time

import gpiod
from gpiod.line import Direction, Edge, Value

B0, D0 = 8, 24


def level(i):
    return Value.ACTIVE if i % 2 == 0 else Value.INACTIVE


def reads_per_second(path, seconds):
    n, end = 0, time.monotonic() + seconds
    settings = gpiod.LineSettings(direction=Direction.INPUT)
    while time.monotonic() < end:
        with gpiod.request_lines(path, consumer="bench-get",
                                 config={B0: settings}) as req:
            req.get_value(B0)
        n += 1
    return n / seconds


def wait_edge(watch):
    if not watch.wait_edge_events(10):
        raise TimeoutError("no echo from the guest within 10 s")
    watch.read_edge_events()


def drives_per_second(path, watch, seconds, start):
    n, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        settings = gpiod.LineSettings(direction=Direction.OUTPUT,
                                      output_value=level(start + n))
        with gpiod.request_lines(path, consumer="bench-set",
                                 config={D0: settings}):
            wait_edge(watch)
        n += 1
    return n / seconds, start + n


def round_trips(path, watch, samples, start):
    out = gpiod.LineSettings(direction=Direction.OUTPUT,
                             output_value=level(start + 1))
    rtts = []
    with gpiod.request_lines(path, consumer="bench-echo",
                             config={D0: out}) as req:
        wait_edge(watch)
        for i in range(start, start + samples):
            t0 = time.monotonic_ns()
            req.set_value(D0, level(i))
            wait_edge(watch)
            rtts.append((time.monotonic_ns() - t0) / 1000)
    rtts.sort()
    return rtts[len(rtts) // 2], rtts[int(len(rtts) * 0.99)]


def main():
    path, samples, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    result = {"reads_per_s": reads_per_second(path, seconds)}
    with gpiod.request_lines(path, consumer="bench-watch", config={
            B0: gpiod.LineSettings(edge_detection=Edge.BOTH)}) as watch:
        # gpioD0 is low and the guest copies it: the first drive is 1.
        result["drives_per_s"], n = drives_per_second(path, watch, seconds, 0)
        # The round trips start from the level the drives left.
        result["rtt_median_us"], result["rtt_p99_us"] = round_trips(
            path, watch, samples, n + 1)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
