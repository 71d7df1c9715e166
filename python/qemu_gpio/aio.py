# SPDX-License-Identifier: LGPL-2.1-or-later
"""The asyncio client: the same API as qemu_gpio's, with coroutines.

    chip = await qemu_gpio.aio.open_chip("gpio0")
    req = await chip.request_lines({"gpioB0": LineSettings(
        edge_detection=Edge.BOTH)})
    async for event in req.edge_events(timeout=5):
        ...
"""

from __future__ import annotations

import asyncio
import collections
import ssl
from typing import AsyncIterator, Deque, Dict, List, Optional, Tuple

from ._protocol import (Message, ProtocolError, ReplyCollector,
                        ServerError, greeting_error)
from ._sync import connect_error
from ._types import (DEFAULT_TIMEOUT, ChipInfo, EdgeEvent, InfoEvent,
                     LineConfig, LineId, LineInfo, LineSettings, Value,
                     chip_info_from, chip_path, edge_event_from,
                     flatten_config, get_request, info_event_from,
                     tcp_address,
                     line_info_from, reconfigure_batches, set_request,
                     settings_requests, values_from_get, with_output_values)


class AsyncConnection:
    def __init__(self, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter, timeout: float):
        self.reader, self.writer, self.timeout = reader, writer, timeout
        self.events: Deque[Message] = collections.deque()
        self.pending: List[str] = []
        self.next_tag = 0
        self.broken = False

    @classmethod
    async def open(cls, path: str, timeout: float,
                   tls: Optional[ssl.SSLContext] = None
                   ) -> "AsyncConnection":
        tcp = tcp_address(path)
        if tls is not None and not tcp:
            raise ValueError(f"{path}: TLS is for tcp:HOST:PORT chips")
        try:
            if tcp:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(*tcp, ssl=tls), timeout)
            else:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_unix_connection(path), timeout)
        except OSError as e:
            raise connect_error(path, e) from None
        conn = cls(reader, writer, timeout)
        hello = await conn._message(timeout)
        error = greeting_error(path, hello)
        if error:
            await conn.close()
            raise error
        return conn

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except OSError:
            pass

    async def _message(self, timeout: Optional[float]) -> Message:
        # wait_for() with no time left gives up even on a buffered line.
        if timeout is not None:
            timeout = max(timeout, 0.001)
        line = await asyncio.wait_for(self.reader.readline(), timeout)
        if not line.endswith(b"\n"):
            raise ConnectionResetError("the server closed the connection")
        return Message.parse(line[:-1].decode("utf-8", "replace"))

    async def request(self, request: str) -> Tuple[List[Message], Message]:
        await self.send(request)
        return await self.recv()

    async def send(self, request: str) -> None:
        self._check()
        tag = f"@{self.next_tag}"
        self.next_tag += 1
        self.writer.write(f"{tag} {request}\n".encode())
        self.pending.append(tag)
        await self.writer.drain()

    def _check(self) -> None:
        if self.broken:
            raise ConnectionError("the connection to the server is broken "
                                  "(a reply was not waited for)")

    async def recv(self) -> Tuple[List[Message], Message]:
        """The next reply; a reply abandoned (timeout, cancellation)
        would answer the next request, so the connection is then broken."""
        self._check()
        try:
            return await self._recv()
        except ServerError:
            raise
        except BaseException:
            self.broken = True
            raise

    async def _recv(self) -> Tuple[List[Message], Message]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        reply = ReplyCollector(self.pending[0], self.events)
        while True:
            try:
                msg = await self._message(max(0, deadline - loop.time()))
            except asyncio.TimeoutError:
                raise TimeoutError("the server did not reply in time") from None
            try:
                final = reply.feed(msg)
            except ServerError:
                self.pending.pop(0)
                raise
            if final:
                self.pending.pop(0)
                return reply.lines, final

    async def pipeline(self, requests: List[str]) -> None:
        for r in requests:
            self.writer.write(f"@{self.next_tag} {r}\n".encode())
            self.pending.append(f"@{self.next_tag}")
            self.next_tag += 1
        await self.writer.drain()
        error = None
        for _ in requests:
            try:
                await self.recv()
            except ServerError as e:
                error = error or e
        if error:
            raise error

    async def poll_events(self, timeout: Optional[float]) -> bool:
        if self.events:
            return True
        try:
            msg = await self._message(timeout)
        except asyncio.TimeoutError:
            return False
        if msg.kind != "event":
            raise ProtocolError(f"unexpected {msg.kind} from server")
        self.events.append(msg)
        return True


async def open_chip(chip: str, timeout: float = DEFAULT_TIMEOUT,
                    tls: Optional[ssl.SSLContext] = None) -> "AsyncChip":
    """Open a chip by socket path, tcp:HOST:PORT or name; @tls secures
    the connection (and checks the server's certificate)."""
    path = chip_path(chip)
    conn = await AsyncConnection.open(path, timeout, tls)
    _, ok = await conn.request("chip")
    return AsyncChip(path, conn, chip_info_from(ok), timeout, tls)


class AsyncChip:
    def __init__(self, path: str, conn: AsyncConnection, info: ChipInfo,
                 timeout: float, tls: Optional[ssl.SSLContext] = None):
        self.path, self._conn, self._info = path, conn, info
        self._timeout, self._tls = timeout, tls
        self._names: Optional[Dict[str, int]] = None
        self._watched: Dict[int, LineInfo] = {}

    async def __aenter__(self) -> "AsyncChip":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def close(self) -> None:
        await self._conn.close()

    def get_info(self) -> ChipInfo:
        return self._info

    async def line_offset(self, line: LineId) -> int:
        if isinstance(line, int):
            if not 0 <= line < self._info.num_lines:
                raise ValueError(f"offset {line} is out of range")
            return line
        if self._names is None:
            lines, _ = await self._conn.request("info")
            self._names = {m.fields["name"]: m.int("offset") for m in lines
                           if m.fields.get("present") == "yes"}
        try:
            return self._names[line]
        except KeyError:
            raise FileNotFoundError(f"{self._info.name} has no line named "
                                    f"{line!r}") from None

    async def get_line_info(self, line: LineId) -> LineInfo:
        offset = await self.line_offset(line)
        lines, _ = await self._conn.request(f"info {offset}")
        return line_info_from(lines[0])

    async def watch_line_info(self, line: LineId) -> LineInfo:
        offset = await self.line_offset(line)
        await self._conn.request(f"subscribe config {offset}")
        info = await self.get_line_info(offset)
        self._watched[offset] = info
        return info

    async def unwatch_line_info(self, line: LineId) -> None:
        offset = await self.line_offset(line)
        await self._conn.request(f"unsubscribe config {offset}")
        self._watched.pop(offset, None)

    async def read_info_event(self, timeout: Optional[float] = None
                              ) -> InfoEvent:
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            left = None if deadline is None else deadline - loop.time()
            if not await self._conn.poll_events(left):
                raise TimeoutError("no info event in time")
            ev = info_event_from(self._conn.events.popleft(), self._watched)
            if ev is not None:
                return ev

    async def request_lines(self, config: LineConfig,
                            consumer: Optional[str] = None
                            ) -> "AsyncLineRequest":
        settings = {await self.line_offset(line): s
                    for line, s in flatten_config(config)}
        conn = await AsyncConnection.open(self.path, self._timeout,
                                          self._tls)
        try:
            await conn.pipeline(settings_requests(settings, True, consumer))
        except BaseException:
            await conn.close()
            raise
        return AsyncLineRequest(self, conn, settings)


class AsyncLineRequest:
    def __init__(self, chip: AsyncChip, conn: AsyncConnection,
                 settings: Dict[int, LineSettings]):
        self.chip, self._conn, self._settings = chip, conn, settings
        self.lost_events = 0

    async def __aenter__(self) -> "AsyncLineRequest":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.release()

    @property
    def offsets(self) -> List[int]:
        return list(self._settings)

    async def release(self) -> None:
        try:
            await self._conn.request("release")
        except OSError:
            pass
        await self._conn.close()

    async def _offset(self, line: LineId) -> int:
        offset = await self.chip.line_offset(line)
        if offset not in self._settings:
            raise ValueError(f"line {line!r} is not in the request")
        return offset

    async def get_values(self, lines: Optional[List[LineId]] = None
                         ) -> List[Value]:
        offsets = ([await self._offset(x) for x in lines] if lines
                   else self.offsets)
        _, ok = await self._conn.request(get_request(offsets))
        return values_from_get(ok, offsets, self._settings)

    async def get_value(self, line: LineId) -> Value:
        return (await self.get_values([line]))[0]

    async def set_values(self, values: Dict[LineId, Value]) -> None:
        by_offset = {await self._offset(line): v
                     for line, v in values.items()}
        await self._conn.request(set_request(by_offset, self._settings))
        with_output_values(self._settings, by_offset)

    async def set_value(self, line: LineId, value: Value) -> None:
        await self.set_values({line: value})

    async def reconfigure_lines(self, config: LineConfig) -> None:
        new = {o: LineSettings() for o in self._settings}
        for line, s in flatten_config(config):
            new[await self._offset(line)] = s
        for batch in reconfigure_batches(new):
            await self._conn.pipeline(batch)
        self._settings = new

    async def read_edge_events(self, timeout: Optional[float] = None
                               ) -> List[EdgeEvent]:
        """Ready events, waiting up to @timeout for the first."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        events: List[EdgeEvent] = []
        while not events:
            left = None if deadline is None else deadline - loop.time()
            if not await self._conn.poll_events(left):
                raise TimeoutError("no edge event in time")
            while self._conn.events:
                msg = self._conn.events.popleft()
                if msg.words and msg.words[0] == "overflow":
                    self.lost_events += msg.int("lost")
                    continue
                ev = edge_event_from(msg, self._settings)
                if ev is not None:
                    events.append(ev)
        return events

    async def edge_events(self, timeout: Optional[float] = None
                          ) -> AsyncIterator[EdgeEvent]:
        """Edge events as they come; ends after @timeout seconds of quiet."""
        while True:
            try:
                batch = await self.read_edge_events(timeout)
            except TimeoutError:
                return
            for ev in batch:
                yield ev
