# SPDX-License-Identifier: LGPL-2.1-or-later
"""Words, quoting and messages of the gpiodev protocol.

Specified in qemu/docs/interop/gpiodev-protocol.rst.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from typing import Dict, List, Optional

PROTOCOL_VERSION = 1

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}

# errno for each error code of the protocol, as the C library maps them.
ERROR_ERRNO = {
    "busy": errno.EBUSY,
    "wired": errno.EBUSY,
    "is-output": errno.EBUSY,
    "no-such-line": errno.EINVAL,
    "not-present": errno.ENXIO,
    "bad-request": errno.EINVAL,
    "unknown-command": errno.ENOSYS,
    "unsupported": errno.EPROTONOSUPPORT,
    "too-long": errno.EMSGSIZE,
}


class ProtocolError(OSError):
    """The server sent something this client does not understand."""

    def __init__(self, message: str):
        super().__init__(errno.EPROTO, message)


class ServerError(OSError):
    """The server refused a request: ``code`` is the protocol's error code."""

    def __init__(self, code: str, message: str):
        super().__init__(ERROR_ERRNO.get(code, errno.EIO), message)
        self.code = code


def greeting_error(path: str, hello: Message) -> Optional[OSError]:
    """Why the server's first message is no greeting of our version, or
    None.  A full server answers "err busy" instead of greeting."""
    if hello.kind == "err" and len(hello.words) >= 2:
        return ServerError(hello.words[0], f"{path}: {hello.words[1]}")
    if hello.kind != "hello" or hello.fields.get("proto") != str(
            PROTOCOL_VERSION):
        return ProtocolError(f"{path} does not speak gpiodev protocol "
                             f"{PROTOCOL_VERSION}")
    return None


def quote(word: str) -> str:
    """The protocol's spelling of ``word``: bare when it can be, else quoted."""
    if word and not any(c <= " " or c in '"\\\x7f' for c in word):
        return word
    out = ['"']
    for c in word:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c < " " or c == "\x7f":
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def split_words(line: str) -> List[str]:
    """Split a message into words, undoing the quoting."""
    words: List[str] = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return words
        word = []
        while i < n and line[i] not in " \t":
            c = line[i]
            i += 1
            if c != '"':
                word.append(c)
                continue
            while True:
                if i >= n:
                    raise ProtocolError(f"unterminated quote in {line!r}")
                c = line[i]
                i += 1
                if c == '"':
                    break
                if c != "\\":
                    word.append(c)
                    continue
                esc = line[i:i + 1]
                i += 1
                if esc in _ESCAPES:
                    word.append(_ESCAPES[esc])
                elif esc == "x" and len(line) >= i + 2:
                    try:
                        word.append(chr(int(line[i:i + 2], 16)))
                    except ValueError:
                        raise ProtocolError(f"bad escape in {line!r}") from None
                    i += 2
                else:
                    raise ProtocolError(f"bad escape in {line!r}")
        words.append("".join(word))


@dataclass
class Message:
    """One line from the server: its kind, tag, fields and plain words."""

    kind: str
    tag: Optional[str] = None
    fields: Dict[str, str] = field(default_factory=dict)
    words: List[str] = field(default_factory=list)

    @classmethod
    def parse(cls, line: str) -> "Message":
        if line.startswith("err "):
            return cls._parse_error(line)
        words = split_words(line)
        if not words:
            raise ProtocolError("empty message from server")
        msg = cls(kind=words[0])
        rest = words[1:]
        if rest and rest[0].startswith("@"):
            msg.tag = rest[0]
            rest = rest[1:]
        for w in rest:
            key, eq, value = w.partition("=")
            if eq and key and key.replace("-", "").isalnum():
                msg.fields[key] = value
            msg.words.append(w)
        return msg

    @classmethod
    def _parse_error(cls, line: str) -> "Message":
        """err [@TAG] CODE MESSAGE: the message is free text, kept whole."""
        rest = line[4:].lstrip(" \t")
        msg = cls(kind="err")
        if rest.startswith("@"):
            msg.tag, _, rest = rest.partition(" ")
            rest = rest.lstrip(" \t")
        code, _, text = rest.partition(" ")
        msg.words = [code, text.lstrip(" \t")]
        return msg

    def int(self, key: str) -> int:
        try:
            return int(self.fields[key])
        except (KeyError, ValueError) as e:
            raise ProtocolError(f"no number {key}= in {self.kind}") from e


class ReplyCollector:
    """The messages of the reply to the request tagged @tag, fed one at
    a time as they arrive; events met on the way go to @events."""

    def __init__(self, tag: str, events):
        self.tag = tag
        self.events = events
        self.lines: List[Message] = []

    def feed(self, msg: Message) -> Optional[Message]:
        """The final "ok" once it came; ServerError for an "err"."""
        if msg.kind == "event":
            self.events.append(msg)
            return None
        if msg.kind == "#":
            return None
        # A framing error (too long) has no tag: it answers this request.
        if msg.kind == "err" and (msg.tag is None or msg.tag == self.tag):
            raise ServerError(msg.words[0], msg.words[1])
        if msg.tag != self.tag:
            raise ProtocolError(f"reply {msg.kind} {msg.tag} is out of "
                                f"step with request {self.tag}")
        if msg.kind == "line":
            self.lines.append(msg)
            return None
        if msg.kind == "ok":
            return msg
        raise ProtocolError(f"unexpected {msg.kind} from server")
