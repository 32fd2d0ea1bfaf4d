"""A plain reference reader of streams: the rules of ``iter_events``, written without tricks.

It holds the whole text in memory, walks it byte by byte and line by line, and decides each
record with the rules the library documents (``okta_pki_events._stream.framing``):

- a line that is a JSON value on its own is a record; a line opening an array, or whose JSON
  ends early or is followed by more text, starts a document, read value by value until a
  line ends at the top level; any other line is a record (the parser reports it);
- a value is framed by its brackets (strings skipped); at each line end inside it, once its
  size has doubled since the last check, its text so far is checked for a syntax error;
- a broken value (including one whose brackets balance over a syntax error, when it spans
  lines) is one failure, and reading resumes at the line after the value's first line: every
  line it took in is read again (on its own, or in an array as the array's next elements);
- an array broken between elements (a missing comma, a stray comma or bracket) is one
  failure, and reading resumes at the line after the one of the array's last token (its
  ``[``, an element's end, a comma);
- a record over ``max_record_bytes`` is one failure;
- an error of the source (``cut``: the text is what came before it) is one failure, at the
  line where the text ends; it takes in that line when the line is incomplete (unless it opens
  an array, whose whole elements are read, or is over the limit), and a value open there that
  starts on that line; a value open there that starts on an earlier line is broken as usual.

The envelopes are opened and the events parsed with the library's own pure functions
(``open_envelope``, ``parse_event``): what is compared is the reading of the text.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import from_json

from okta_pki_events import StreamStats, parse_event
from okta_pki_events.envelopes import detect_envelope, open_envelope
from okta_pki_events.models.events import BasePkiEvent

Outcome = tuple[Any, ...]  # ("event", uuid, line, index) or ("failure", line, index)

BLANK = b" \t\r"


def json_error(text: bytes, final: bool) -> int | None:
    """Where the first syntax error of ``text`` is (None: none, or only that it ends early)."""
    try:
        string = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    try:
        _, end = json.JSONDecoder().raw_decode(string)
    except json.JSONDecodeError as exc:
        if not final and exc.msg.startswith("Expecting") and exc.pos >= len(string.rstrip()):
            return None
        return len(string[: exc.pos].encode("utf-8"))
    except RecursionError:
        return None
    if end < len(string.rstrip()):
        return len(string[:end].encode("utf-8"))
    return None


def string_end(text: bytes, start: int) -> int:
    """Where the string opening at ``start`` ends: its closing quote, a line end, or the end.

    A backslash escapes the next byte, unless that is a line end (which ends the string).
    """
    position = start + 1
    while position < len(text):
        byte = text[position : position + 1]
        if byte in (b'"', b"\n"):
            return position
        if byte == b"\\" and text[position + 1 : position + 2] not in (b"\n", b""):
            position += 2
        else:
            position += 1
    return position


def broken_json(text: bytes) -> bool:
    """Whether a value whose brackets balance is no JSON (for the parser, and where)."""
    try:
        from_json(text)
    except ValueError:
        return json_error(text, final=True) is not None
    return False


def alone(text: bytes) -> str:
    """How a line reads on its own: "value", "goes on" (a document starts) or "broken"."""
    try:
        from_json(text)
    except ValueError as exc:
        message = str(exc)
        if message.startswith(("EOF while parsing", "trailing characters")):
            return "goes on"
        return "broken"
    return "value"


class StopReadingError(Exception):
    """The error of the source takes in what is left: reading stops."""


@dataclass
class Reader:
    """One reading of a whole text (``cut``: it ends at an error of the source)."""

    text: bytes
    limit: int
    cut: bool = False
    records: list[Outcome] = field(default_factory=list)  # ("record", line, index, text)

    def line_of(self, position: int) -> int:
        return self.text.count(b"\n", 0, position) + 1

    def line_end(self, position: int) -> int:
        found = self.text.find(b"\n", position)
        return len(self.text) if found < 0 else found

    def record(self, line: int, index: int | None, text: bytes) -> None:
        self.records.append(("record", line, index, text))

    def failure(self, line: int, index: int | None) -> None:
        self.records.append(("failure", line, index))

    # -- lines -----------------------------------------------------------------------------

    def read(self, format: str = "auto") -> list[Outcome]:
        with contextlib.suppress(StopReadingError):
            if format == "json":
                self.values()
            else:
                self.lines()
        return self.records

    def values(self) -> None:
        """``format="json"``: JSON values one after the other, across lines."""
        position = 0
        while True:
            position, _ = self.skip_blank(position, cross_lines=True)
            if position >= len(self.text):
                return
            line = self.line_of(position)
            if self.text[position : position + 1] == b"[":
                position, _ = self.array(position, line)
            else:
                position, _ = self.value(position, line, None)

    def lines(self) -> None:
        position = 0
        while position < len(self.text):
            end = self.line_end(position)
            line_text = self.text[position:end]
            stripped = line_text.strip(BLANK)
            line = self.line_of(position)
            if not stripped:
                position = end + 1
            elif stripped[:1] == b"[":
                position = self.document(position)
            elif len(line_text) > self.limit:
                self.failure(line, None)
                position = end + 1
            elif self.cut and end == len(self.text):
                raise StopReadingError  # an incomplete last line: the source's failure
            elif stripped[:1] == b"{" and alone(stripped) == "goes on":
                position = self.document(position)
            else:
                self.record(line, None, stripped)
                position = end + 1

    # -- documents -------------------------------------------------------------------------

    def skip_blank(self, position: int, cross_lines: bool) -> tuple[int, bool]:
        """The next non-blank position; and whether a line end stopped the walk."""
        while position < len(self.text):
            byte = self.text[position : position + 1]
            if byte == b"\n":
                if not cross_lines:
                    return position + 1, True
                position += 1
            elif byte in (b" ", b"\t", b"\r"):
                position += 1
            else:
                return position, False
        return position, False

    def document(self, position: int) -> int:
        first = True
        while True:
            position, stopped = self.skip_blank(position, cross_lines=first)
            if stopped or position >= len(self.text):
                return position
            line = self.line_of(position)
            if self.text[position : position + 1] == b"[":
                position, resynced = self.array(position, line)
            else:
                position, resynced = self.value(position, line, None)
            first = False
            if resynced:
                return position

    def array(self, position: int, line: int) -> tuple[int, bool]:
        position += 1
        index = 0
        state = "first"
        token = position  # just after the array's last token: its `[`, an element, a comma
        while True:
            position, _ = self.skip_blank(position, cross_lines=True)
            if position >= len(self.text):
                if self.cut:
                    raise StopReadingError
                if state != "recover":
                    self.failure(line, index)
                return position, False
            byte = self.text[position : position + 1]
            if byte == b"]" and state != "comma":
                return position + 1, False
            if state == "value" or (byte == b"," and state == "recover"):
                if byte == b",":
                    position += 1
                    token = position
                    state = "comma"
                    continue
                self.failure(line, index)
                return self.line_end(token) + 1, True
            if byte in (b",", b"]"):
                self.failure(line, index)
                return self.line_end(token) + 1, True
            position, resynced = self.value(position, line, index)
            token = position
            index += 1
            state = "recover" if resynced else "value"

    def value(self, start: int, line: int, index: int | None) -> tuple[int, bool]:
        """Frame the value at ``start``; its end (or where reading resumes), and if it broke."""
        status, where = self.frame(start)
        if status == "closed":
            text = self.text[start:where]
            if not (b"\n" in text and broken_json(text)):
                self.record(line, index, text)
                return where, False
        elif status == "oversize":
            self.failure(line, index)
            return where, False
        elif status == "eof" and self.cut and b"\n" not in self.text[start:]:
            raise StopReadingError  # open where the source failed, on its line: the failure
        # broken: one failure; the lines after the value's first line are read again
        self.failure(line, index)
        return self.line_end(start) + 1, True

    def frame(self, start: int) -> tuple[str, int]:
        """("closed", end) | ("broken", error) | ("eof", end) | ("oversize", resume)."""
        text = self.text
        opening = text[start : start + 1]
        if opening not in (b"{", b"["):
            return self.scalar(start)
        stack: list[bytes] = []
        checked = 0
        position = start
        while position < len(text):
            if position - start >= self.limit:
                return self.over_limit(start)
            byte = text[position : position + 1]
            if byte == b'"':
                close = string_end(text, position)
                if close >= len(text) or text[close : close + 1] == b"\n":
                    newline = text.find(b"\n", position)
                    if newline - start >= self.limit or (
                        newline < 0 and len(text) - start > self.limit
                    ):
                        return self.over_limit(start)
                    if newline < 0:
                        return "eof", len(text)
                    found = json_error(text[start : newline + 1], final=True)
                    return "broken", start + (found if found is not None else newline - start)
                position = close + 1
                continue
            if byte in (b"{", b"["):
                stack.append(b"}" if byte == b"{" else b"]")
            elif byte in (b"}", b"]"):
                if not stack or stack.pop() != byte:
                    found = json_error(text[start : position + 1], final=True)
                    return "broken", start + (found if found is not None else position - start)
                if not stack:
                    return "closed", position + 1
            elif byte == b"\n":
                size = position + 1 - start
                if size >= 2 * checked:
                    found = json_error(text[start : position + 1], final=False)
                    if found is not None:
                        return "broken", start + found
                    checked = size
            position += 1
        if len(text) - start >= self.limit:
            return self.over_limit(start)
        return "eof", len(text)

    def over_limit(self, start: int) -> tuple[str, int]:
        cut = self.text.rfind(b"\n", start, start + self.limit + 1)
        if cut >= 0:
            found = json_error(self.text[start : cut + 1], final=False)
            if found is not None:
                return "broken", start + found
        return "oversize", self.skip_value(start)

    def skip_value(self, start: int) -> int:
        """Past the value's closing bracket (strings skipped), or the end of the text."""
        depth = 0
        position = start
        in_string = False
        while position < len(self.text):
            byte = self.text[position : position + 1]
            if in_string:
                if byte == b"\\":
                    position += 1
                elif byte == b'"':
                    in_string = False
            elif byte == b'"':
                in_string = True
            elif byte in (b"{", b"["):
                depth += 1
            elif byte in (b"}", b"]"):
                depth -= 1
                if depth <= 0:
                    return position + 1
            position += 1
        return position

    def scalar(self, start: int) -> tuple[str, int]:
        text = self.text
        if text[start : start + 1] == b'"':
            close = string_end(text, start)
            if close < len(text) and text[close : close + 1] == b'"':
                end = close + 1
            else:
                newline = text.find(b"\n", start)
                if newline - start > self.limit or (newline < 0 and len(text) - start > self.limit):
                    return "oversize", self.line_end(start) + 1
                return "broken", start
        else:
            end = start
            while end < len(text) and text[end : end + 1] not in b' \t\r\n,]}[{"':
                end += 1
            if end == start:
                return "broken", start
        if end - start > self.limit:
            return "oversize", self.line_end(start) + 1
        return "closed", end


def read_events(
    text: bytes,
    *,
    only_pki: bool = True,
    max_record_bytes: int,
    cut: bool = False,
    format: str = "auto",
) -> tuple[list[Outcome], StreamStats]:
    """The outcomes (events and failures, in order) and stats of reading ``text``.

    ``cut``: the text is what a source gave before its error (truncated or corrupt gzip).
    ``format``: ``"auto"`` or ``"json"``.
    """
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    framed = Reader(text, max_record_bytes, cut).read(format)
    if cut:
        framed.append(("failure", text.count(b"\n") + 1, None))
    outcomes: list[Outcome] = []
    stats = StreamStats()

    def fail(line: int, index: int | None) -> None:
        stats.read += 1
        stats.failed += 1
        outcomes.append(("failure", line, index))

    def event(line: int, index: int | None, payload: Any, text: bytes | None) -> None:
        stats.read += 1
        event_type = payload.get("eventType") if isinstance(payload, dict) else None
        if only_pki and isinstance(event_type, str) and not event_type.startswith("pki."):
            stats.skipped += 1
            return
        try:
            parsed = parse_event(text if text is not None else payload)
        except ValueError:
            stats.failed += 1
            outcomes.append(("failure", line, index))
            return
        if only_pki and not isinstance(parsed, BasePkiEvent):
            stats.skipped += 1
            return
        stats.parsed += 1
        outcomes.append(("event", parsed.uuid, line, index))

    def unwrap(line: int, index: int | None, document: Any, text: bytes | None) -> None:
        kind = detect_envelope(document)
        if kind == "log_event":
            event(line, index, document, text)
            return
        try:
            opened = list(open_envelope(kind, document, max_bytes=max_record_bytes))
        except ValueError:
            fail(line, index)
            return
        for position, _, payload in opened:
            where = index if position is None else position
            if isinstance(payload, ValueError):
                fail(line, where)
                continue
            raw: bytes | None = None
            if isinstance(payload, (str, bytes)):
                raw = (
                    payload.encode("utf-8", "surrogatepass")
                    if isinstance(payload, str)
                    else payload
                )
                raw = raw.strip(b" \t\r\n")
                if len(raw) > max_record_bytes:
                    fail(line, where)
                    continue
                try:
                    payload = from_json(raw)
                except ValueError:
                    fail(line, where)
                    continue
            unwrap(line, where, payload, raw)

    for item in framed:
        if item[0] == "failure":
            fail(item[1], item[2])
            continue
        _, line, index, record = item
        try:
            document = from_json(record)
        except ValueError:
            fail(line, index)
            continue
        unwrap(line, index, document, record)
    return outcomes, stats
