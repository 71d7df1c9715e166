# SPDX-License-Identifier: LGPL-2.1-or-later
"""Values and records of the client API, and their translation from
protocol messages.  Shared by the synchronous and asyncio clients."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, replace
from typing import Dict, Iterable, List, Mapping, Optional, Tuple, Union

from ._protocol import Message, ProtocolError, quote


class Value(enum.IntEnum):
    INACTIVE = 0
    ACTIVE = 1


class Direction(enum.Enum):
    """In line info, the guest's configuration; in a request, OUTPUT means
    that the request drives the line from outside."""
    AS_IS = "as-is"
    INPUT = "input"
    OUTPUT = "output"


class Edge(enum.Enum):
    NONE = "none"
    RISING = "rising"
    FALLING = "falling"
    BOTH = "both"


class Interrupt(enum.Enum):
    """The interrupt the guest configured on a line."""
    NONE = "none"
    RISING = "rising"
    FALLING = "falling"
    BOTH = "both"
    LEVEL_HIGH = "level-high"
    LEVEL_LOW = "level-low"


class Bias(enum.Enum):
    UNKNOWN = "unknown"
    DISABLED = "disabled"
    PULL_UP = "pull-up"
    PULL_DOWN = "pull-down"


class Drive(enum.Enum):
    PUSH_PULL = "push-pull"
    OPEN_DRAIN = "open-drain"
    OPEN_SOURCE = "open-source"


class Clock(enum.Enum):
    """GUEST: the machine's virtual time.  REALTIME: the host's clock."""
    GUEST = "guest"
    REALTIME = "realtime"


class InfoEventType(enum.Enum):
    LINE_REQUESTED = "requested"
    LINE_RELEASED = "released"
    LINE_CONFIG_CHANGED = "reconfigured"


class EdgeEventType(enum.Enum):
    RISING_EDGE = "rising"
    FALLING_EDGE = "falling"


@dataclass(frozen=True)
class ChipInfo:
    name: str
    label: str
    num_lines: int
    device: str
    type: str


@dataclass(frozen=True)
class LineInfo:
    offset: int
    name: Optional[str]
    present: bool
    consumer: Optional[str]
    direction: Direction
    drive: Drive
    bias: Bias
    interrupt: Interrupt
    value: Value

    @property
    def used(self) -> bool:
        """Driven from outside by some client."""
        return self.consumer is not None


@dataclass(frozen=True)
class InfoEvent:
    event_type: InfoEventType
    timestamp_ns: int
    realtime_ns: int
    line_info: LineInfo


@dataclass(frozen=True)
class EdgeEvent:
    event_type: EdgeEventType
    timestamp_ns: int
    line_offset: int
    global_seqno: int
    line_seqno: int


@dataclass(frozen=True)
class LineSettings:
    direction: Direction = Direction.AS_IS
    edge_detection: Edge = Edge.NONE
    active_low: bool = False
    event_clock: Clock = Clock.GUEST
    output_value: Value = Value.INACTIVE

    def __post_init__(self):
        if (self.edge_detection is not Edge.NONE
                and self.direction is Direction.OUTPUT):
            raise ValueError("edge detection needs an input line")


# A line: its offset, or its name.
LineId = Union[int, str]
LineConfig = Mapping[Union[LineId, Tuple[LineId, ...]], Optional[LineSettings]]

DEFAULT_TIMEOUT = float(os.environ.get("QEMU_GPIO_TIMEOUT_MS", "10000")) / 1000


def socket_dir() -> str:
    """$QEMU_GPIO_DIR, else $XDG_RUNTIME_DIR/qemu-gpio, else
    /tmp/qemu-gpio-UID: where chips are found by name."""
    if os.environ.get("QEMU_GPIO_DIR"):
        return os.environ["QEMU_GPIO_DIR"]
    if os.environ.get("XDG_RUNTIME_DIR"):
        return os.path.join(os.environ["XDG_RUNTIME_DIR"], "qemu-gpio")
    return f"/tmp/qemu-gpio-{os.getuid()}"


def tcp_address(chip: str) -> Optional[Tuple[str, int]]:
    """(host, port) of a chip given as tcp:HOST:PORT (HOST may be an
    IPv6 address in brackets), else None."""
    if not chip.startswith("tcp:"):
        return None
    host, sep, port = chip[4:].rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"{chip}: not tcp:HOST:PORT")
    return host.strip("[]"), int(port)


def chip_path(chip: str) -> str:
    """A chip's socket: a path or tcp:HOST:PORT as it is, a name looked
    up in socket_dir()."""
    if "/" in chip or tcp_address(chip):
        return chip
    base = os.path.join(socket_dir(), chip)
    return base + ".sock" if os.path.exists(base + ".sock") else base


def chip_info_from(msg: Message) -> ChipInfo:
    return ChipInfo(name=msg.fields.get("id", ""),
                    label=msg.fields.get("label", ""),
                    num_lines=msg.int("lines"),
                    device=msg.fields.get("device", ""),
                    type=msg.fields.get("type", ""))


def line_info_from(msg: Message, base: Optional[LineInfo] = None) -> LineInfo:
    f = msg.fields
    try:
        config = dict(direction=Direction(f["direction"]),
                      drive=Drive(f["drive"]), bias=Bias(f["bias"]),
                      interrupt=Interrupt(f["interrupt"]),
                      value=Value(int(f["level"])))
    except (KeyError, ValueError) as e:
        raise ProtocolError(f"malformed line info: {e}") from e
    if base is not None:
        return replace(base, **config)
    name = f.get("name") or None
    return LineInfo(offset=msg.int("offset"), name=name,
                    present=f.get("present") == "yes",
                    consumer=f.get("consumer"), **config)


def info_event_from(msg: Message,
                    watched: Dict[int, LineInfo]) -> Optional[InfoEvent]:
    """The info event a message makes, updating the watched line's info."""
    kind = msg.words[0] if msg.words else ""
    if kind not in ("config", "requested", "released"):
        return None
    offset = msg.int("offset")
    info = watched.get(offset)
    if info is None:
        return None
    if kind == "config":
        info = line_info_from(msg, info)
        etype = InfoEventType.LINE_CONFIG_CHANGED
    elif kind == "requested":
        info = replace(info, consumer=msg.fields.get("consumer", ""))
        etype = InfoEventType.LINE_REQUESTED
    elif kind == "released":
        info = replace(info, consumer=None)
        etype = InfoEventType.LINE_RELEASED
    else:
        return None
    watched[offset] = info
    return InfoEvent(etype, msg.int("guest-ns"), msg.int("host-ns"), info)


def edge_event_from(msg: Message,
                    settings: Dict[int, LineSettings]) -> Optional[EdgeEvent]:
    if not msg.words or msg.words[0] != "edge":
        return None
    offset = msg.int("offset")
    s = settings.get(offset)
    if s is None:
        return None
    rising = bool(msg.int("level")) ^ s.active_low
    clock = "host-ns" if s.event_clock is Clock.REALTIME else "guest-ns"
    return EdgeEvent(EdgeEventType.RISING_EDGE if rising
                     else EdgeEventType.FALLING_EDGE,
                     msg.int(clock), offset, msg.int("seqno"),
                     msg.int("line-seqno"))


def physical(s: LineSettings, value: Value) -> int:
    return int(value) ^ int(s.active_low)


def physical_edge(s: LineSettings) -> Edge:
    """The edges of the pin to subscribe to: active-low swaps them."""
    if s.active_low and s.edge_detection is Edge.RISING:
        return Edge.FALLING
    if s.active_low and s.edge_detection is Edge.FALLING:
        return Edge.RISING
    return s.edge_detection


def settings_requests(settings: Dict[int, LineSettings], fresh: bool,
                      consumer: Optional[str] = None) -> List[str]:
    """The requests that bring a connection to @settings."""
    reqs = []
    if consumer:
        reqs.append(f"hello name={quote(consumer)}")
    outputs = [(o, s) for o, s in settings.items()
               if s.direction is Direction.OUTPUT]
    if outputs:
        reqs.append("set " + " ".join(f"{o}={physical(s, s.output_value)}"
                                      for o, s in outputs))
    if not fresh:
        others = [o for o, s in settings.items()
                  if s.direction is not Direction.OUTPUT]
        if others:
            reqs.append("release " + " ".join(map(str, others)))
        reqs.append("unsubscribe all")
    for edge in (Edge.RISING, Edge.FALLING, Edge.BOTH):
        lines = [o for o, s in settings.items() if physical_edge(s) is edge]
        if lines:
            reqs.append(f"subscribe {edge.value} " + " ".join(map(str, lines)))
    return reqs


def flatten_config(config: LineConfig) -> Iterable[Tuple[LineId, LineSettings]]:
    for key, s in config.items():
        keys = key if isinstance(key, tuple) else (key,)
        for k in keys:
            yield k, s if s is not None else LineSettings()


# Line requests: what the synchronous and asyncio clients send and how
# they read the replies, in one place.

def get_request(offsets: List[int]) -> str:
    return "get " + " ".join(map(str, offsets))


def values_from_get(ok: Message, offsets: List[int],
                    settings: Dict[int, LineSettings]) -> List[Value]:
    if len(ok.words) != len(offsets):
        raise ProtocolError("malformed reply to get")
    return [Value(int(w.rpartition("=")[2]) ^ int(settings[o].active_low))
            for o, w in zip(offsets, ok.words)]


def set_request(values: Dict[int, Value],
                settings: Dict[int, LineSettings]) -> str:
    """The request driving @values (by offset); the lines must be outputs."""
    parts = []
    for offset, value in values.items():
        s = settings[offset]
        if s.direction is not Direction.OUTPUT:
            raise PermissionError(f"line {offset} is not requested as an "
                                  "output")
        parts.append(f"{offset}={physical(s, Value(value))}")
    return "set " + " ".join(parts)


def with_output_values(settings: Dict[int, LineSettings],
                       values: Dict[int, Value]) -> None:
    for offset, value in values.items():
        settings[offset] = replace(settings[offset], output_value=Value(value))


def reconfigure_batches(settings: Dict[int, LineSettings]) -> List[List[str]]:
    """The requests that reconfigure a request, in pipelined batches:
    driving the new outputs can be refused, so it goes first and alone,
    and a refusal changes nothing."""
    reqs = settings_requests(settings, False)
    if reqs and reqs[0].startswith("set "):
        return [reqs[:1], reqs[1:]]
    return [reqs]
