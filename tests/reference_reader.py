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
- a record over ``max_record_bytes`` is one failure: a value still open that many bytes after
  its start (brackets matched, strings skipped) is broken if its text to its last line end
  within the limit has a syntax error, else over the limit; reading goes on at the line after
  its first line when that line ends within the limit (as after a broken value), else after
  the value or its line, whichever ends first;
- an error of the source (``cut``: the text is what came before it) is one failure, at the
  line where the text ends; it takes in that line when the line is incomplete (unless it opens
  an array, whose whole elements are read, or is over the limit), and a value open there that
  starts on that line; a value open there that starts on an earlier line is broken as usual.

Each failure has its error (compared as ``describe_error`` gives it) and its raw text:

- a broken value: ``invalid JSON: <the first syntax error> (line <its line>)``, or, for the
  first value of a document that a ``{`` line started (a line that goes on), the error of that
  line read on its own; its raw text is the rest of the value's first line;
- an array broken between elements: ``invalid JSON: expected ',' or ']'`` (or ``expected a
  value``) at the token's line, raw the rest of that line; ``the array is not closed``, no raw;
- a record over the limit: ``record over max_record_bytes (N bytes): not read``, raw its first
  200 bytes;
- a record whose text is not a JSON object: the error of the check of its keys (the library's
  ``EnvelopeKeys``: its JSON, and that it is an object), raw its text; an event that does not
  validate: ``parse_event``'s error, raw its text (or its JSON, when it was decoded inside an
  envelope); an element of an envelope that is broken, the error ``open_envelope`` gives, no
  raw; an envelope that cannot be opened, its error, raw its JSON;
- the error of the source: its message, raw the text it took in (the incomplete last line, or
  the value open there).

Each event goes with the envelopes it came in (outermost first, ``None`` for one whose metadata
does not validate, as ``open_envelope`` gives them). Each event and failure has its index in its
document; a payload of an envelope (or array) that is itself an element of another (the log
events of a Firehose record from CloudWatch Logs, an array in an SQS message's body) has every
position, outermost first, and its index is the outermost.

The envelopes are opened and the events parsed with the library's own pure functions
(``open_envelope``, ``parse_event``): what is compared is the reading of the text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import SchemaValidator, from_json

from okta_pki_events import StreamStats, parse_event
from okta_pki_events._stream import describe_error
from okta_pki_events.envelopes import EnvelopeKeys, detect_envelope, open_envelope
from okta_pki_events.models.events import BasePkiEvent

# ("event", uuid, line, index, positions, envelope, envelopes) or
# ("failure", line, index, positions, messages, raw)
Outcome = tuple[Any, ...]
Chain = tuple[Any, ...]  # the envelopes around a payload, outermost first
# Where a payload is: None, its index, or every position, outermost first (nested)
Where = Any

BLANK = b" \t\r"
RAW_LIMIT = 100_000
# The check of a record's keys (its JSON, and that it is an object), as the library's
KEYS = SchemaValidator(TypeAdapter(EnvelopeKeys).core_schema, {"title": "LogEvent"})


def keys_error(text: bytes) -> ValidationError | None:
    """The error of the check of a record's keys, None when it is a JSON object."""
    try:
        KEYS.validate_json(text)
    except ValidationError as exc:
        return exc
    return None


def first_error(text: bytes, final: bool) -> tuple[int, str] | None:
    """The first syntax error of ``text``: where and what (None: none, or only that it ends).

    An error where the text ends is at its last non-blank byte; ``final``: the text is all
    there is (its blanks at the end are not read).
    """
    try:
        string = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a syntax error before the bad byte comes first (a string still open there is not one)
        before = first_error(text[: exc.start], final=False)
        if before is not None and not before[1].startswith("Unterminated string"):
            return before
        return exc.start, f"invalid UTF-8 ({exc.reason})"
    text_end = len(string.rstrip(" \t\n\r"))
    if final:
        string = string[:text_end]
    try:
        _, end = json.JSONDecoder(parse_int=str).raw_decode(string)  # no int conversion
    except json.JSONDecodeError as exc:
        if not final and exc.msg.startswith("Expecting") and exc.pos >= text_end:
            return None
        return len(string[: min(exc.pos, text_end)].encode("utf-8")), exc.msg
    except RecursionError:
        return None
    if end < text_end:
        return len(string[:end].encode("utf-8")), "unexpected text after the value"
    return None


def raw_of(value: Any) -> str:
    """A failure's raw text: text cut and stripped, a decoded value as its JSON."""
    if isinstance(value, bytes):
        return value[:RAW_LIMIT].strip().decode("utf-8", "replace")
    try:
        return json.dumps(value, default=str)[:RAW_LIMIT]
    except (TypeError, ValueError):
        return repr(value)[:RAW_LIMIT]


def within(index: Where, position: int | None) -> Where:
    """Where a payload at ``position`` of an envelope at ``index`` is (a list when nested)."""
    if position is None:
        return index
    if index is None:
        return position
    if isinstance(index, list):
        return [*index, position]
    return [index, position]


def split(where: Where) -> tuple[int | None, tuple[int, ...]]:
    """A record's ``index`` and ``positions``: every position when nested, else none."""
    if isinstance(where, list):
        return where[0], tuple(where)
    return where, ()


def oversize(limit: int) -> str:
    return f"record over max_record_bytes ({limit:,} bytes): not read"


def json_error(text: bytes, final: bool) -> int | None:
    """Where the first syntax error of ``text`` is (None: none, or only that it ends early)."""
    found = first_error(text, final)
    return None if found is None else found[0]


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
    """The error of the source takes in what is left (from ``position``): reading stops."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


@dataclass
class Reader:
    """One reading of a whole text (``cut``: it ends at an error of the source)."""

    text: bytes
    limit: int
    cut: ValueError | None = None  # the source's error, where the text ends
    # ("record", line, index, text) or ("failure", line, index, error, raw)
    records: list[Outcome] = field(default_factory=list)

    def line_of(self, position: int) -> int:
        return self.text.count(b"\n", 0, position) + 1

    def line_end(self, position: int) -> int:
        found = self.text.find(b"\n", position)
        return len(self.text) if found < 0 else found

    def record(self, line: int, index: int | None, text: bytes) -> None:
        self.records.append(("record", line, index, text))

    def failure(self, line: int, index: int | None, error: ValueError | str, raw: bytes) -> None:
        if isinstance(error, str):
            error = ValueError(error)
        self.records.append(("failure", line, index, error, raw))

    def rest_of_line(self, position: int) -> bytes:
        return self.text[position : self.line_end(position)][:RAW_LIMIT].rstrip(BLANK)

    def broken(self, start: int, line: int, index: int | None, where: int, message: str) -> None:
        """A broken value at ``start``: its error at ``where``; its raw, its first line's rest."""
        error = f"invalid JSON: {message} (line {self.line_of(where)})"
        self.failure(line, index, error, self.rest_of_line(start))

    # -- lines -----------------------------------------------------------------------------

    def read(self, format: str = "auto") -> list[Outcome]:
        taken = len(self.text)
        try:
            if format == "json":
                self.values()
            else:
                self.lines()
        except StopReadingError as stop:
            taken = stop.position
        if self.cut is not None:
            line = self.text.count(b"\n") + 1
            self.failure(line, None, self.cut, self.text[taken:][-RAW_LIMIT:])
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
            elif len(line_text) > self.limit and stripped[:1] == b"{":
                position = self.document(position)  # values one after the other, each read
            elif len(line_text) > self.limit:
                self.failure(line, None, oversize(self.limit), line_text[: min(200, self.limit)])
                position = end + 1
            elif self.cut is not None and end == len(self.text):
                raise StopReadingError(position)  # an incomplete last line: the source's failure
            elif stripped[:1] == b"{" and alone(stripped) == "goes on":
                position = self.document(position, keys_error(stripped))
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

    def document(self, position: int, line_error: ValueError | None = None) -> int:
        """Values from ``position`` until a line ends at the top level.

        ``line_error``: the error of the document's first line read on its own (a ``{`` line
        that goes on): the failure of its first value, when that value breaks.
        """
        first = True
        while True:
            position, stopped = self.skip_blank(position, cross_lines=first)
            if stopped or position >= len(self.text):
                return position
            line = self.line_of(position)
            if self.text[position : position + 1] == b"[":
                position, resynced = self.array(position, line)
            else:
                error = line_error if first else None
                position, resynced = self.value(position, line, None, error)
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
                if self.cut is not None:
                    raise StopReadingError(position)
                if state != "recover":
                    self.failure(line, index, "invalid JSON: the array is not closed", b"")
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
                self.between(position, line, index, "expected ',' or ']'")
                return self.line_end(token) + 1, True
            if byte in (b",", b"]"):
                self.between(position, line, index, "expected a value")
                return self.line_end(token) + 1, True
            position, resynced = self.value(position, line, index)
            token = position
            index += 1
            state = "recover" if resynced else "value"

    def between(self, position: int, line: int, index: int, message: str) -> None:
        """An array broken between elements at ``position``: one failure."""
        error = f"invalid JSON: {message} (line {self.line_of(position)})"
        self.failure(line, index, error, self.rest_of_line(position))

    def value(
        self, start: int, line: int, index: int | None, line_error: ValueError | None = None
    ) -> tuple[int, bool]:
        """Frame the value at ``start``; its end (or where reading resumes), and if it broke."""
        status, where, message = self.frame(start)
        if status == "closed":
            text = self.text[start:where]
            if not (b"\n" in text and broken_json(text)):
                self.record(line, index, text)
                return where, False
            where, message = first_error(text, final=True) or (0, "")
            where += start
        elif status == "oversize":  # one failure; "next line": the lines it took in are read
            raw = self.text[start : start + min(200, self.limit)]
            self.failure(line, index, oversize(self.limit), raw)
            return where, message == "next line"
        elif status == "eof":
            if self.cut is not None and b"\n" not in self.text[start:]:
                raise StopReadingError(start)  # open where the source failed, on its line
            found = first_error(self.text[start:], final=True)
            if found is None:  # where the text ends (not after the blanks that end it)
                end = len(self.text[start:].rstrip(b" \t\n\r"))
                found = end, "the input ends inside a value"
            where, message = start + found[0], found[1]
        # broken: one failure; the lines after the value's first line are read again
        if line_error is not None:
            self.failure(line, index, line_error, self.rest_of_line(start))
        else:
            self.broken(start, line, index, where, message)
        return self.line_end(start) + 1, True

    def frame(self, start: int) -> tuple[str, int, str]:
        """("closed", end) | ("broken", error, message) | ("eof", end) | ("oversize", resume,
        "next line" when reading goes on at the line after the value's first line).

        A broken value's error: where its first syntax error is, and what it is.
        """
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
                        return "eof", len(text), ""
                    found = first_error(text[start : newline + 1], final=True)
                    if found is None:
                        return "broken", newline, "a line break inside a string"
                    return "broken", start + found[0], found[1]
                position = close + 1
                continue
            if byte in (b"{", b"["):
                stack.append(b"}" if byte == b"{" else b"]")
            elif byte in (b"}", b"]"):
                if not stack or stack.pop() != byte:
                    found = first_error(text[start : position + 1], final=True)
                    if found is None:  # the decoder gave up (nesting): the bracket is the error
                        return "broken", position, f"unexpected {byte.decode()!r}"
                    return "broken", start + found[0], found[1]
                if not stack:
                    return "closed", position + 1, ""
            elif byte == b"\n":
                size = position + 1 - start
                if size >= 2 * checked:
                    found = first_error(text[start : position + 1], final=False)
                    if found is not None:
                        return "broken", start + found[0], found[1]
                    checked = size
            position += 1
        if len(text) - start >= self.limit:
            return self.over_limit(start)
        return "eof", len(text), ""

    def over_limit(self, start: int) -> tuple[str, int, str]:
        """A value still open ``limit`` bytes after its start: broken, or over the limit.

        A syntax error to its last line end within the limit makes it broken. Else, when its
        first line ends within the limit, reading goes on at the next line; when its first
        line alone is over the limit, after its end or its line's end, whichever is first.
        """
        cut = self.text.rfind(b"\n", start, start + self.limit + 1)
        if cut < 0:
            return self.skip(start)
        found = first_error(self.text[start : cut + 1], final=False)
        if found is not None:
            return "broken", start + found[0], found[1]
        return "oversize", self.line_end(start) + 1, "next line"

    def skip(self, start: int) -> tuple[str, int, str]:
        """An oversize value on its line: past its end, or past its line's end (first)."""
        depth = 0
        position = start
        in_string = False
        scalar = self.text[start : start + 1] not in (b"{", b"[", b'"')
        while position < len(self.text):
            byte = self.text[position : position + 1]
            if byte == b"\n":
                return "oversize", position + 1, "next line"
            if scalar:
                if byte in b' \t\r,]}[{"':
                    return "oversize", position, ""
            elif in_string:
                if byte == b"\\" and self.text[position + 1 : position + 2] != b"\n":
                    position += 1
                elif byte == b'"':
                    in_string = False
                    if depth == 0:
                        return "oversize", position + 1, ""
            elif byte == b'"':
                in_string = True
            elif byte in (b"{", b"["):
                depth += 1
            elif byte in (b"}", b"]"):
                depth -= 1
                if depth <= 0:
                    return "oversize", position + 1, ""
            position += 1
        return "oversize", position, "next line"

    def scalar(self, start: int) -> tuple[str, int, str]:
        """A value that is no object or array; broken: its first byte is the error."""
        text = self.text
        found = first_error(text[start : start + 1], final=True)
        broken = ("broken", start, found[1] if found else "expected a value")
        if text[start : start + 1] == b'"':
            close = string_end(text, start)
            if close < len(text) and text[close : close + 1] == b'"':
                end = close + 1
            else:
                newline = text.find(b"\n", start)
                if newline - start > self.limit or (newline < 0 and len(text) - start > self.limit):
                    return self.skip(start)
                return broken
        else:
            end = start
            while end < len(text) and text[end : end + 1] not in b' \t\r\n,]}[{"':
                end += 1
            if end == start:
                return broken
        if end - start > self.limit:
            return self.skip(start)
        return "closed", end, ""


def read_events(
    text: bytes,
    *,
    only_pki: bool = True,
    max_record_bytes: int,
    cut: ValueError | None = None,
    format: str = "auto",
) -> tuple[list[Outcome], StreamStats]:
    """The outcomes (events and failures, in order) and stats of reading ``text``.

    ``cut``: the error of the source, when the text is what it gave before it (truncated or
    corrupt gzip). ``format``: ``"auto"`` or ``"json"``.
    """
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    framed = Reader(text, max_record_bytes, cut).read(format)
    outcomes: list[Outcome] = []
    stats = StreamStats()

    def fail(line: int, index: Where, error: ValueError, raw: Any) -> None:
        stats.read += 1
        stats.failed += 1
        first, positions = split(index)
        outcomes.append(("failure", line, first, positions, describe_error(error), raw_of(raw)))

    def event(line: int, index: Where, chain: Chain, payload: Any, text: bytes | None) -> None:
        """An event: skipped by its eventType, parsed, or failed."""
        event_type = payload.get("eventType") if isinstance(payload, dict) else None
        if only_pki and isinstance(event_type, str) and not event_type.startswith("pki."):
            stats.read += 1
            stats.skipped += 1
            return
        try:
            parsed = parse_event(text if text is not None else payload)
        except ValueError as exc:
            fail(line, index, exc, text if text is not None else payload)
            return
        stats.read += 1
        if only_pki and not isinstance(parsed, BasePkiEvent):
            stats.skipped += 1
            return
        stats.parsed += 1
        envelopes = tuple(e for e in chain if e is not None)
        innermost = chain[-1] if chain else None
        first, positions = split(index)
        outcomes.append(("event", parsed.uuid, line, first, positions, innermost, envelopes))

    def text_record(line: int, index: Where, chain: Chain, raw: bytes, page: bool) -> None:
        """JSON text: failed by the check of its keys, an event, or an envelope opened.

        ``page``: an array is a page to open (else, inside a page, it is no event).
        """
        error = keys_error(raw)
        try:
            document = from_json(raw)
        except ValueError:
            document = None
        if error is not None and not (page and isinstance(document, list)):
            fail(line, index, error, raw)
        elif detect_envelope(document) == "log_event":
            event(line, index, chain, document, raw)
        else:
            unwrap(line, index, chain, document)

    def unwrap(line: int, index: Where, chain: Chain, document: Any) -> None:
        """A decoded envelope (or page): each of its payloads."""
        kind = detect_envelope(document)
        if kind == "log_event":
            event(line, index, chain, document, None)
            return
        try:
            opened = list(open_envelope(kind, document, max_bytes=max_record_bytes))
        except ValueError as exc:
            fail(line, index, exc, json.dumps(document, default=str)[:RAW_LIMIT].encode())
            return
        for position, envelope, payload in opened:
            where = within(index, position)
            inner = (*chain, envelope)
            if isinstance(payload, ValueError):
                fail(line, where, payload, b"")
            elif kind == "api_page" and not isinstance(payload, dict):
                # an element of a page that is no object: no event (not text, not a page)
                raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
                fail(line, where, keys_error(raw) or ValueError("an object"), raw)
            elif isinstance(payload, (str, bytes)):
                raw = (
                    payload.encode("utf-8", "surrogatepass")
                    if isinstance(payload, str)
                    else payload
                )
                raw = raw.strip(b" \t\r\n")
                if len(raw) > max_record_bytes:
                    fail(line, where, ValueError(oversize(max_record_bytes)), raw[:200])
                else:
                    text_record(line, where, inner, raw, page=True)
            else:
                unwrap(line, where, inner, payload)

    for item in framed:
        if item[0] == "failure":
            _, line, index, error, raw = item
            fail(line, index, error, raw)
        else:
            _, line, index, record = item
            text_record(line, index, (), record, page=index is None)
    return outcomes, stats
