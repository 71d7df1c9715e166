# SPDX-License-Identifier: LGPL-2.1-or-later
"""The synchronous client: Chip and LineRequest."""

from __future__ import annotations

import collections
import select
import socket
import ssl
import time
from typing import Callable, Deque, Dict, Iterator, List, Optional, Tuple

from ._protocol import (Message, ProtocolError, ReplyCollector,
                        ServerError, greeting_error)
from ._types import (DEFAULT_TIMEOUT, ChipInfo, EdgeEvent, InfoEvent,
                     LineConfig, LineId, LineInfo, LineSettings, Value,
                     chip_info_from, chip_path, edge_event_from,
                     flatten_config, get_request, info_event_from,
                     tcp_address,
                     line_info_from, reconfigure_batches, set_request,
                     settings_requests, values_from_get, with_output_values)


def connect_error(path: str, e: OSError) -> OSError:
    if isinstance(e, FileNotFoundError):
        return FileNotFoundError(e.errno, f"{path}: no such chip")
    if isinstance(e, ConnectionRefusedError):
        return ConnectionRefusedError(
            e.errno, f"{path}: nothing serves this socket (has QEMU exited?)")
    return e


def open_socket(path: str, timeout: float,
                tls: Optional[ssl.SSLContext]) -> socket.socket:
    """A connection to a unix socket path or to tcp:HOST:PORT, the
    latter secured by @tls if given (the context decides how the
    server's certificate is checked; against HOST by default)."""
    tcp = tcp_address(path)
    if tls is not None and not tcp:
        raise ValueError(f"{path}: TLS is for tcp:HOST:PORT chips")
    try:
        if tcp:
            sock = socket.create_connection(tcp, timeout=timeout)
        else:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(path)
    except OSError as e:
        if not tcp:
            sock.close()
        raise connect_error(path, e) from None
    try:
        if tls is not None:
            sock = tls.wrap_socket(sock, server_hostname=tcp[0] if tcp
                                   else None)
        sock.settimeout(None)
    except OSError:
        sock.close()
        raise
    return sock


class Connection:
    """A session on a gpiodev socket: tagged requests answered in order,
    events queued as they come."""

    def __init__(self, path: str, timeout: float = DEFAULT_TIMEOUT,
                 tls: Optional[ssl.SSLContext] = None):
        self.timeout = timeout
        self.events: Deque[Message] = collections.deque()
        self.pending: List[str] = []
        self.next_tag = 0
        self.buf = b""
        # A reply abandoned (timeout, interrupt) would answer the next
        # request: after that the connection is unusable.
        self.broken = False
        self.sock = open_socket(path, timeout, tls)
        hello = self._next_message(time.monotonic() + timeout)
        error = greeting_error(path, hello)
        if error:
            self.close()
            raise error

    def close(self) -> None:
        self.sock.close()

    def fileno(self) -> int:
        return self.sock.fileno()

    def _fill(self, deadline: Optional[float]) -> bool:
        wait = None if deadline is None else max(0, deadline - time.monotonic())
        # TLS may hold decrypted bytes that select() cannot see.
        pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending()
        ready = pending or select.select([self.sock], [], [], wait)[0]
        if not ready:
            return False
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionResetError("the server closed the connection")
        self.buf += data
        return True

    def _take_message(self) -> Optional[Message]:
        line, nl, rest = self.buf.partition(b"\n")
        if not nl:
            return None
        self.buf = rest
        return Message.parse(line.decode("utf-8", "replace"))

    def _next_message(self, deadline: float) -> Message:
        while True:
            msg = self._take_message()
            if msg is not None:
                return msg
            if not self._fill(deadline) and time.monotonic() >= deadline:
                raise TimeoutError("the server did not reply in time")

    def _check(self) -> None:
        if self.broken:
            raise ConnectionError("the connection to the server is broken "
                                  "(a reply was not waited for)")

    def send(self, request: str) -> None:
        self._check()
        tag = f"@{self.next_tag}"
        self.next_tag += 1
        self.sock.sendall(f"{tag} {request}\n".encode())
        self.pending.append(tag)

    def recv(self) -> Tuple[List[Message], Message]:
        """The next reply: its "line" messages and its final ok."""
        self._check()
        try:
            return self._recv()
        except ServerError:
            raise
        except BaseException:
            self.broken = True
            raise

    def _recv(self) -> Tuple[List[Message], Message]:
        deadline = time.monotonic() + self.timeout
        reply = ReplyCollector(self.pending[0], self.events)
        while True:
            try:
                final = reply.feed(self._next_message(deadline))
            except ServerError:
                self.pending.pop(0)
                raise
            if final:
                self.pending.pop(0)
                return reply.lines, final

    def request(self, request: str) -> Tuple[List[Message], Message]:
        self.send(request)
        return self.recv()

    def pipeline(self, requests: List[str]) -> None:
        """Send all, then read all replies; raise the first error."""
        for r in requests:
            self.send(r)
        error = None
        for _ in requests:
            try:
                self.recv()
            except ServerError as e:
                error = error or e
        if error:
            raise error

    def wait_deliverable(self, timeout: Optional[float],
                         deliverable: Callable[[Message], bool]) -> bool:
        """Wait for an event that @deliverable accepts, dropping others."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = (None if deadline is None
                    else max(0.0, deadline - time.monotonic()))
            if not self.poll_events(left):
                return False
            while self.events:
                if deliverable(self.events[0]):
                    return True
                self.events.popleft()
            if deadline is not None and time.monotonic() >= deadline:
                return False

    def poll_events(self, timeout: Optional[float]) -> bool:
        """Wait up to @timeout seconds (None: forever) for an event."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            while (msg := self._take_message()) is not None:
                if msg.kind != "event":
                    raise ProtocolError(f"unexpected {msg.kind} from server")
                self.events.append(msg)
            if self.events:
                return True
            if not self._fill(deadline):
                return False


class Chip:
    """One gpiodev, by socket path or by name (see socket_dir())."""

    def __init__(self, chip: str, timeout: float = DEFAULT_TIMEOUT,
                 tls: Optional[ssl.SSLContext] = None):
        self.path = chip_path(chip)
        self._timeout = timeout
        self._tls = tls
        self._conn = Connection(self.path, timeout, tls)
        self._info = chip_info_from(self._conn.request("chip")[1])
        self._names: Optional[Dict[str, int]] = None
        self._watched: Dict[int, LineInfo] = {}

    def __enter__(self) -> "Chip":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def fileno(self) -> int:
        return self._conn.fileno()

    def get_info(self) -> ChipInfo:
        return self._info

    def line_offset(self, line: LineId) -> int:
        """The offset of a line given by offset or by name."""
        if isinstance(line, int):
            if not 0 <= line < self._info.num_lines:
                raise ValueError(f"offset {line} is out of range "
                                 f"({self._info.name} has "
                                 f"{self._info.num_lines} lines)")
            return line
        if self._names is None:
            lines, _ = self._conn.request("info")
            self._names = {m.fields["name"]: m.int("offset") for m in lines
                           if m.fields.get("present") == "yes"}
        try:
            return self._names[line]
        except KeyError:
            raise FileNotFoundError(f"{self._info.name} has no line named "
                                    f"{line!r}") from None

    def get_line_info(self, line: LineId) -> LineInfo:
        lines, _ = self._conn.request(f"info {self.line_offset(line)}")
        return line_info_from(lines[0])

    def watch_line_info(self, line: LineId) -> LineInfo:
        offset = self.line_offset(line)
        self._conn.request(f"subscribe config {offset}")
        info = self.get_line_info(offset)
        self._watched[offset] = info
        return info

    def unwatch_line_info(self, line: LineId) -> None:
        offset = self.line_offset(line)
        self._conn.request(f"unsubscribe config {offset}")
        self._watched.pop(offset, None)

    def wait_info_event(self, timeout: Optional[float] = None) -> bool:
        return self._conn.wait_deliverable(
            timeout, lambda m: info_event_from(m, dict(self._watched))
            is not None)

    def read_info_event(self, timeout: Optional[float] = None) -> InfoEvent:
        """The next info event; TimeoutError if none comes in time."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if not self._conn.poll_events(left):
                raise TimeoutError("no info event in time")
            ev = info_event_from(self._conn.events.popleft(), self._watched)
            if ev is not None:
                return ev

    def request_lines(self, config: LineConfig,
                      consumer: Optional[str] = None) -> "LineRequest":
        """Request lines: ``{line_or_lines: LineSettings}``."""
        settings = {self.line_offset(line): s
                    for line, s in flatten_config(config)}
        return LineRequest(self, settings, consumer)


class LineRequest:
    """Lines held by a connection of their own; released on close."""

    def __init__(self, chip: Chip, settings: Dict[int, LineSettings],
                 consumer: Optional[str]):
        self.chip = chip
        self._settings = dict(settings)
        self._conn = Connection(chip.path, chip._timeout, chip._tls)
        self.lost_events = 0
        try:
            self._conn.pipeline(settings_requests(self._settings, True,
                                                  consumer))
        except BaseException:
            self._conn.close()
            raise

    def __enter__(self) -> "LineRequest":
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    @property
    def offsets(self) -> List[int]:
        return list(self._settings)

    def fileno(self) -> int:
        return self._conn.fileno()

    def release(self) -> None:
        """Stop driving the lines (they keep their levels) and close."""
        try:
            self._conn.request("release")
        except OSError:
            pass
        self._conn.close()

    def _offset(self, line: LineId) -> int:
        offset = self.chip.line_offset(line)
        if offset not in self._settings:
            raise ValueError(f"line {line!r} is not in the request")
        return offset

    def get_values(self, lines: Optional[List[LineId]] = None) -> List[Value]:
        offsets = [self._offset(x) for x in lines] if lines else self.offsets
        _, ok = self._conn.request(get_request(offsets))
        return values_from_get(ok, offsets, self._settings)

    def get_value(self, line: LineId) -> Value:
        return self.get_values([line])[0]

    def set_values(self, values: Dict[LineId, Value]) -> None:
        by_offset = {self._offset(line): v for line, v in values.items()}
        self._conn.request(set_request(by_offset, self._settings))
        with_output_values(self._settings, by_offset)

    def set_value(self, line: LineId, value: Value) -> None:
        self.set_values({line: value})

    def reconfigure_lines(self, config: LineConfig) -> None:
        new = {o: LineSettings() for o in self._settings}
        for line, s in flatten_config(config):
            new[self._offset(line)] = s
        for batch in reconfigure_batches(new):
            self._conn.pipeline(batch)
        self._settings = new

    def _deliverable(self, msg: Message) -> bool:
        """An edge of ours; an overflow notice is counted, then dropped."""
        if msg.words and msg.words[0] == "overflow":
            self.lost_events += msg.int("lost")
            return False
        return edge_event_from(msg, self._settings) is not None

    def wait_edge_events(self, timeout: Optional[float] = None) -> bool:
        return self._conn.wait_deliverable(timeout, self._deliverable)

    def read_edge_events(self, max_events: int = 64) -> List[EdgeEvent]:
        """Ready events, waiting for the first if none is ready."""
        self.wait_edge_events(None)
        events: List[EdgeEvent] = []
        while self._conn.events and len(events) < max_events:
            msg = self._conn.events.popleft()
            if self._deliverable(msg):
                events.append(edge_event_from(msg, self._settings))
        return events

    def edge_events(self, timeout: Optional[float] = None
                    ) -> Iterator[EdgeEvent]:
        """Edge events as they come; ends after @timeout seconds of quiet."""
        while self.wait_edge_events(timeout):
            yield from self.read_edge_events()
