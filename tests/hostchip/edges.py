#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Inside the host-chip test VM, with libgpiod 2's Python bindings: a
fast consumer of a line's edges.

  edges.py CHIP-PATH OFFSET COUNT

Requests OFFSET for both edges with the largest buffer the kernel
allows (1024 events), prints "ready", reads COUNT edge events and prints a summary:
"edges N alternating|not-alternating consecutive|gaps lost L".
"""

import sys

import gpiod
from gpiod.line import Edge


def main():
    path, offset, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    settings = gpiod.LineSettings(edge_detection=Edge.BOTH)
    with gpiod.request_lines(path, consumer="edges",
                             config={offset: settings},
                             event_buffer_size=min(count, 1024)) as req:
        print("ready", flush=True)
        events = []
        while len(events) < count:
            events.extend(req.read_edge_events(count - len(events)))
    kinds = [e.event_type for e in events]
    alternating = all(a != b for a, b in zip(kinds, kinds[1:]))
    seqnos = [e.line_seqno for e in events]
    consecutive = seqnos == list(range(seqnos[0], seqnos[0] + count))
    print(f"edges {len(events)} "
          f"{'alternating' if alternating else 'not-alternating'} "
          f"{'consecutive' if consecutive else 'gaps'} "
          f"lost {seqnos[-1] - seqnos[0] + 1 - count}", flush=True)


if __name__ == "__main__":
    main()
