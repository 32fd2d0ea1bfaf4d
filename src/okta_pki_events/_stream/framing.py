"""The records stage: UTF-8 text -> records (NDJSON lines, or values of JSON documents).

``Framer(items, format, max_record_bytes, probe).records()`` yields, in source order:

- ``(line, index, text, probe)`` for a record as JSON text: ``line`` is where its document
  starts, ``index`` its position in a JSON array (else None), ``probe`` the probe's answer
  (the record's ``EnvelopeKeys``, an event's type, ``SKIP``, or the ``ValidationError`` of
  its JSON) when this stage has read it, else None;
- ``(line, None, None, Decoded(value))`` for a record an iterable gave already decoded;
- ``Broken(line, index, error, raw)`` for text that is no record: invalid JSON that cannot be
  framed, a record over ``max_record_bytes``, an error of the source (which ends it);
- ``n`` (an ``int``) for the ``n`` NDJSON lines before the next item that the probe answered
  ``SKIP`` (records skipped by rule, never yielded one by one: the reader counts them);
- in a lazy stream's fast path only (``Framer``'s ``lazy``), a lazy event itself: a line the
  lazy probe answered with an event, and each line of the run after it, parsed at once.

Formats: ``"ndjson"`` takes each non-blank line as a record. ``"json"`` reads JSON values
(one document, concatenated values, NDJSON), streaming a top-level array element by element.
``"auto"`` decides line by line: a line that is a JSON value on its own is a record; a line
opening with ``[``, or whose JSON ends early or is followed by more text, starts a document,
read as ``"json"`` reads it until a line ends at the top level, as does a line that opens
an object and is longer than ``max_record_bytes`` (objects one after the other with no line
break, as Firehose writes them to S3, are each read); any other line is a record (the parser
reports what is wrong with it).

Memory stays bounded: a record over ``max_record_bytes`` is reported and skipped without
being held (a value still open that many bytes after its start: one failure; reading goes on
after it when it ends on its first line, else at the line after its first line, as after a
broken value, so that the lines it took in are read again; see ``_Over`` for the values read
again there that go over the limit in turn). Time stays linear: each byte is scanned once
(a string longer than a chunk is re-scanned at most a logarithmic number of times, as reads
grow geometrically), and a multi-line value is checked for a syntax error at line ends once
its size has doubled.

A value found broken (a syntax error, the text ending inside it, or brackets that balance
over a syntax error when it spans lines) is one failure: the rest of its first line. Reading
goes on at the next line, so every line the value took in is read again: on its own in
``"auto"`` (an event, a failure, or a new document), as the next elements when the value
was an element of an array. An array broken between elements (a missing comma, a stray
comma or bracket) is one failure, and reading goes on at the line after its last token.
Nothing is swallowed; a value read again that was still open where the one before it broke
breaks there too, and is not framed twice (``_remember``): a chain of cut lines stays linear.
"""

from __future__ import annotations

import bisect
import json
import re
import sys
from array import array
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, Union

from pydantic import ValidationError

from ._probe import SKIP, Skipper
from .results import SourceError
from .sources import Chunk, Decoded

__all__ = ["Broken", "Format", "Framed", "Framer", "continues_as_document"]

Format: TypeAlias = Literal["auto", "ndjson", "json"]
"""How the text is cut into records: per line, as JSON values, or decided line by line."""


@dataclass(frozen=True)
class Broken:
    """Text that is no record (or an error of the source): reported as one failure."""

    line: int
    index: int | tuple[int, ...] | None  # a tuple: nested (every position, outermost first)
    error: ValueError
    raw: bytes


Framed: TypeAlias = Union[tuple[int, int | None, bytes | None, Any], Broken, int]
"""An item of the records stage: a record, a failure, or a count of skipped lines; and, only
in a lazy stream's fast path (``Framer``'s ``lazy``), a lazy event itself."""

Probe: TypeAlias = Callable[[bytes], Any]

LazyRun: TypeAlias = tuple[Callable[[bytes], Any], frozenset[type], Callable[[], None]]
"""A lazy stream's fast path (``Framer``'s ``lazy``): its lazy parser, the classes of the
events it makes, and the call that ends the lazy probe's run."""
_NO_RUN: LazyRun = (lambda text: None, frozenset(), lambda: None)

_BLANK = b" \t\r"
_OPEN = (0x7B, 0x5B)  # { [
_CLOSE = (0x7D, 0x5D)  # } ]
# Everything up to the next bracket, newline or unterminated string; strings are skipped
# whole (with their escapes), so a bracket inside a string never counts. Written unrolled
# (no nested ambiguity): the regex engine runs in linear time.
_SCAN = re.compile(rb'[^"\[\]{}\n]*(?:"[^"\\\n]*(?:\\[^\n][^"\\\n]*)*"[^"\[\]{}\n]*)*')
# A value that is not an object or an array: a string, or a run of other characters.
_SCALAR = re.compile(rb'"[^"\\\n]*(?:\\[^\n][^"\\\n]*)*"|[^ \t\r\n,\]}\[{"]+')
# Inside a string (after its opening quote): up to the closing quote, escapes skipped.
_STRING_BODY = re.compile(rb'[^"\\\n]*(?:\\[^\n][^"\\\n]*)*')
_OUTSIDE = re.compile(rb'[^"\[\]{}\n]*')
_RUN = re.compile(rb'[^ \t\r\n,\]}\[{"]*')  # a number, a literal, ...: to its delimiter
# a syntax check only: numbers are kept as their text (an integer of more than 4,300 digits
# is no syntax error, and converting it raises ValueError)
_DECODER = json.JSONDecoder(parse_int=str)
_JSON_BLANK = b" \t\n\r"
_RAW_LIMIT = 100_000
_OVER = ("over", 0, "")
"""``_open_string``'s answer for a string whose line ends past the limit."""


def continues_as_document(error: ValidationError) -> bool:
    """Whether a line's JSON error says that the line may start a document.

    It ends early (an object or array still open) or a value is followed by more text.
    """
    first = error.errors(include_url=False, include_input=False)[0]
    if first["type"] != "json_invalid":
        return False
    message = str(first.get("ctx", {}).get("error", ""))
    return message.startswith(("EOF while parsing", "trailing characters"))


class Framer:
    """Cut UTF-8 text (and decoded items) into records: see the module's docstring."""

    def __init__(
        self,
        items: Iterator[Chunk],
        format: Format,
        max_record_bytes: int,
        probe: Probe,
        probe_lines: bool = False,
        skipper: Skipper | None = None,
        lazy: LazyRun | None = None,
    ) -> None:
        """Read ``items`` (the text stage's output) as ``format``, probing JSON records.

        ``probe_lines``: probe every line (else only those that may start a document, in
        ``"auto"``: an NDJSON line then goes out unprobed). ``skipper``: passes, in one
        call, the lines from a line start that the probe would answer ``SKIP`` (given only
        with ``probe_lines``); it is called while one of the last two lines was skipped
        (after a skipped line, after one kept line among skipped ones, after a refill).
        ``lazy``: for a lazy stream whose events go out as they are (the reader's lazy
        probe, ``iter_events`` without ``on_unknown="raise"``): its lazy parser (a lazy event
        of a kept type, None for an event of a type not kept, ``ValidationError`` for text it
        refuses), the classes of its events, and the call that ends the probe's run. A line
        the probe answers with such an event goes out bare, not in a tuple, and the lines
        after it are parsed at once (as the probe parses a run of them) and go out bare, up to
        the first line that is not such an event, which is read as any other line.
        """
        self._items = items
        self._format = format
        self._max = max_record_bytes
        self._probe = probe
        self._probe_lines = probe_lines
        self._skipper = skipper
        self._lazy = lazy
        self._buf = b""
        self._pos = 0
        self._base = 0  # the offset in the whole text of the buffer's first byte
        self._line = 1
        # The last value found broken: where (offset in the whole text, line, message), and
        # the offsets of the values opened on an earlier line and still open there (see
        # ``_remember``).
        self._error: tuple[int, int, str] = (-1, 0, "")
        self._open_at_error = _Levels()  # about a byte each, however deep
        self._open_base = 0  # where the buffer started in the text when they were noted
        # The last value found over the limit after its first line (see ``_frame_continued``)
        self._over: _Over | None = None
        self._end = False  # no more text for now: the source ended, or a held item is next
        self._held: Decoded | SourceError | None = None
        self._failed = False  # the source failed inside a value: nothing more to read

    # -- the buffer ----------------------------------------------------------------------

    def _fill(self, want: int = 0) -> bool:
        """Append text to the buffer (at least ``want`` bytes when there is that much).

        Rebases the buffer to start at the current position. False when no text was added:
        the source ended, or a decoded record or an error is next (``_held``).
        """
        if self._end:
            return False
        parts: list[bytes] = []
        size = 0
        while True:
            item = next(self._items, None)
            if type(item) is not bytes:
                self._end = True
                self._held = item  # type: ignore[assignment]
                break
            parts.append(item)
            size += len(item)
            if size >= want:
                break
        if not parts:
            return False
        self._base += self._pos
        # one copy: the rest of the buffer is not sliced first (it may be the limit's size)
        self._buf = b"".join([memoryview(self._buf)[self._pos :], *parts])
        self._pos = 0
        return True

    def _skip_line(self) -> None:
        """Drop the text up to and including the next line break, without holding it."""
        while True:
            newline = self._buf.find(b"\n", self._pos)
            if newline >= 0:
                self._pos = newline + 1
                self._line += 1
                return
            self._base += len(self._buf)
            self._buf, self._pos = b"", 0
            if not self._fill():
                return

    def _advance(self, to: int) -> None:
        """Move the position to ``to`` (absolute in the buffer), counting the lines passed."""
        self._line += self._buf.count(b"\n", self._pos, to)
        self._pos = to

    def _resume_after_line(self) -> None:
        """After a broken value (at the position): read on at the start of the next line.

        The rest of the value's first line is the failure; every line after it is read again.
        """
        newline = self._buf.find(b"\n", self._pos)
        if newline >= 0:
            self._advance(newline + 1)
            return
        self._advance(len(self._buf))
        self._skip_line()

    def _broken(self, index: int | None, line: int, error: ValueError) -> Broken:
        """A failure for the value at the position: its text is the rest of its line.

        The line is read on as far as needed (at most ``_RAW_LIMIT`` bytes), so that the text
        does not depend on where the source's reads ended.
        """
        while True:
            buf, start = self._buf, self._pos
            newline = buf.find(b"\n", start, start + _RAW_LIMIT)
            if newline >= 0 or len(buf) - start >= _RAW_LIMIT or not self._fill(1):
                break
        end = min(len(buf) if newline < 0 else newline, start + _RAW_LIMIT)
        return Broken(line, index, error, buf[start:end].rstrip(_BLANK))

    def _error_line(self, error_at: int) -> int:
        """The line of a value's error at ``error_at`` (relative to the position)."""
        if self._base + self._pos + error_at == self._error[0]:
            return self._error[1]
        return self._line + self._buf.count(b"\n", self._pos, self._pos + error_at)

    def _remember(self, break_at: int, message: str) -> None:
        """Note where the value at the position broke, and which values were open there.

        A value opened on a line before the break's, and still open at the break, cannot be
        read as one record: read again on its own, it breaks too (it has the same text up to
        there, in the same brackets), so it is not framed a second time. This keeps a chain of
        cut lines, each continuing the one before, linear.
        """
        buf, start = self._buf, self._pos
        stop = start + break_at
        last_line = buf.rfind(b"\n", start, stop)
        # only the brackets opened on a line before the break's are kept (about a byte each,
        # in ``_Levels``); those opened after it are counted (a closer closes them first)
        stack = _Levels()
        after = 0
        at = start
        while (cursor := _end(_SCAN, buf, at)) < stop:
            byte = buf[cursor]
            if byte in _OPEN:
                if cursor < last_line:
                    stack.push(cursor, byte + 2)
                else:
                    after += 1
            elif byte in _CLOSE:
                if after:
                    after -= 1
                elif len(stack):
                    stack.pop()
            elif byte != 0x0A:
                break  # a string that its line ends inside: the break is on this line
            at = cursor + 1
        line = self._line + buf.count(b"\n", start, stop)
        self._error = (self._base + stop, line, message)
        self._open_at_error = stack  # offsets in the buffer at ``_open_base``
        self._open_base = self._base

    def _source_failure(self, source_error: SourceError) -> Broken:
        line = self._line + self._buf.count(b"\n", self._pos)
        return Broken(line, None, source_error, self._buf[self._pos :][-_RAW_LIMIT:])

    def _oversize(self, line: int, index: int | None) -> Broken:
        """The failure of a record over the limit at the position: its first bytes as its text."""
        text = self._buf[self._pos : self._pos + min(200, self._max)]
        message = f"record over max_record_bytes ({self._max:,} bytes): not read"
        return Broken(line, index, ValueError(message), text)

    # -- the stage -----------------------------------------------------------------------

    def records(self) -> Iterator[Framed]:
        """Every record and failure of the text, in order."""
        while True:
            if self._format == "json":
                yield from self._document(auto=False)
            else:
                yield from self._lines()
            held = self._held
            if held is None:
                return
            if isinstance(held, SourceError):
                yield self._source_failure(held)
                return
            yield (self._line, None, None, held)
            self._line += 1
            self._held = None
            self._end = False

    def _lines(self) -> Iterator[Framed]:
        """Line by line (``"ndjson"``, ``"auto"``); documents are handed to ``_document``.

        A line the probe answers ``SKIP`` is counted, not yielded: the count goes out as an
        ``int`` before the next item and whenever the buffer's lines are done, so the
        reader's stats are complete at each item it yields.
        """
        auto = self._format == "auto"
        probe = self._probe
        probe_all = self._probe_lines
        skipper = self._skipper
        limit = self._max
        skipped = 0  # lines skipped by the probe since the last item
        # non-skipped lines read since the last skipped one: the skipper reads on while
        # fewer than 2 (after a skipped line, after one line among skipped ones, and across
        # a refill), so that most of a mixed stream's lines never reach this loop
        kept = 2
        # a lazy stream's run (see ``lazy``): after a lazy event, each line is parsed at once
        bare = self._lazy is not None
        parse_run, events, end_run = self._lazy or _NO_RUN
        in_run = False
        while True:
            buf, pos, line = self._buf, self._pos, self._line
            find = buf.find
            stop: Any = None  # why the lines stopped before the buffer's end
            # the complete lines in the buffer, with the position and line count kept local
            while True:
                while in_run:  # each line an event, parsed at once, until one is not
                    if (newline := find(b"\n", pos)) < 0:
                        break  # the run goes on after the refill
                    text = buf[pos:newline].strip(_BLANK)
                    in_run = bool(text) and text[0] == 0x7B and newline - pos <= limit
                    if not in_run:
                        break  # a blank line, an array, another value, over the limit
                    try:
                        event = parse_run(text)
                    except ValidationError:
                        in_run = False
                        break  # read as any other line: the probe says what it is
                    pos = newline + 1
                    line += 1
                    if event is None:  # of a type not kept: what the probe answers, SKIP
                        end_run()
                        in_run = False
                        skipped += 1
                        if skipper is not None:
                            kept = 0
                        break
                    kept += 1
                    yield event
                if kept < 2 and skipper is not None:
                    pos, count = skipper(buf, pos)
                    if count:
                        line += count
                        skipped += count
                        kept = 0
                if (newline := find(b"\n", pos)) < 0:
                    break
                text = buf[pos:newline].strip(_BLANK)
                if not text:
                    pos = newline + 1
                    line += 1
                    kept += 1
                    continue
                if auto and text[0] == 0x5B:  # an array: a document, streamed
                    stop = "array"
                    break
                if newline - pos > limit:  # the line as it is, blanks included
                    # a line opening an object may hold values within the limit one after
                    # the other (concatenated JSON, as Firehose writes to S3): a document
                    stop = "document" if auto and text[0] == 0x7B else "oversize"
                    break
                keys: Any = None
                if auto and text[0] == 0x7B:
                    try:
                        keys = probe(text)
                    except ValidationError as exc:
                        if continues_as_document(exc):  # a value that goes on: a document
                            stop = exc
                            break
                        keys = exc
                elif probe_all:
                    try:
                        keys = probe(text)
                    except ValidationError as exc:
                        keys = exc
                pos = newline + 1
                line += 1
                if keys is SKIP:
                    skipped += 1
                    if skipper is not None:  # the skipper reads the run of lines it starts
                        kept = 0
                    continue
                kept += 1
                if skipped:
                    yield skipped
                    skipped = 0
                if bare and type(keys) in events:  # the lazy probe's event: a run starts
                    in_run = True
                    yield keys
                    continue
                yield (line - 1, None, text, keys)
            self._pos, self._line = pos, line
            if skipped:
                yield skipped
                skipped = 0
            if isinstance(stop, ValidationError):
                del buf, find  # the buffer may be replaced while the document is read
                yield from self._document(auto=True, line_error=stop)
            elif stop in ("array", "document"):
                del buf, find
                yield from self._document(auto=True)
            elif stop == "oversize":
                yield self._oversize(line, None)
                self._advance(newline)
                self._skip_line()
            elif auto and buf[pos:].lstrip(_BLANK)[:1] == b"[":
                # an array on a line longer than the buffer: streamed, never held whole
                yield from self._document(auto=True)
            elif len(buf) - pos > limit:
                if auto and buf[pos:].lstrip(_BLANK)[:1] == b"{":  # as a complete line's
                    yield from self._document(auto=True)
                else:
                    yield self._oversize(line, None)
                    self._skip_line()
            elif not self._fill():
                if isinstance(self._held, SourceError) or not buf[pos:].strip(_BLANK):
                    return
                self._buf += b"\n"  # the last line, without a line break
            if self._failed:
                return

    def _skip_blank(self, cross_lines: bool) -> int | None:
        """Skip blanks; the next byte, -1 at a line break not to cross, None at the end."""
        while True:
            buf = self._buf
            pos = self._pos
            length = len(buf)
            while pos < length:
                byte = buf[pos]
                if byte == 0x0A:
                    pos += 1
                    self._line += 1
                    if not cross_lines:
                        self._pos = pos
                        return -1
                elif byte in _BLANK:
                    pos += 1
                else:
                    self._pos = pos
                    return byte
            self._pos = pos
            if not self._fill():
                return None

    def _document(
        self, auto: bool, line_error: ValueError | None = None
    ) -> Generator[Framed, None, None]:
        """JSON values from the position on; with ``auto``, until a line ends at top level.

        ``line_error``: the error of the first line read on its own; reported instead of the
        document's when the document fails within that line (a cut line is a cut line).
        """
        first = True
        while True:
            byte = self._skip_blank(cross_lines=not auto or first)
            if byte is None or byte == -1:
                return
            line = self._line
            if byte == 0x5B:
                resynced = yield from self._array(line)
            else:
                resynced = yield from self._value(line, None, line_error if first else None)
            first = False
            if self._failed or (resynced and auto):
                return

    def _array(self, line: int) -> Generator[Framed, None, bool]:
        """The elements of an array, each a record with its index; True if it broke.

        An element that breaks is one failure, and the lines after its first one are read
        again as the array's next elements. A break between elements (a missing comma, a
        stray comma or bracket, the end of the text) ends the array with one failure: the
        rest of the line where the array last read a token; reading goes on at the next line.
        """
        self._pos += 1
        index = 0
        state = "first"  # first | value (a value was read) | comma | recover (after a failure)
        token_line = self._line  # the line of the array's last token: `[`, an element, `,`
        while True:
            byte = self._skip_blank(cross_lines=True)
            if byte is None:
                if isinstance(self._held, SourceError):
                    self._failed = True
                    return False
                if state == "recover":
                    return False  # the failed element already reports the cut
                yield Broken(line, index, ValueError("invalid JSON: the array is not closed"), b"")
                return False
            if byte == 0x5D and state != "comma":
                self._pos += 1
                return False
            if state == "value" or (byte == 0x2C and state == "recover"):
                if byte == 0x2C:
                    self._pos += 1
                    state = "comma"
                    token_line = self._line
                    continue
                yield from self._between(line, index, token_line, "expected ',' or ']'")
                return True
            if byte in (0x2C, 0x5D):
                yield from self._between(line, index, token_line, "expected a value")
                return True
            resynced = yield from self._value(line, index)
            index += 1
            state = "recover" if resynced else "value"
            token_line = self._line
            if self._failed:
                return False

    def _between(self, line: int, index: int, token_line: int, message: str) -> Iterator[Framed]:
        """The array breaks at the position, between elements: one failure, then the next line.

        Only blanks lie between the array's last token (on ``token_line``) and the position:
        when a line ends between them, reading goes on here (the line after the token's).
        """
        error = ValueError(f"invalid JSON: {message} (line {self._line})")
        yield self._broken(index, line, error)
        if self._line == token_line:
            self._resume_after_line()

    def _value(
        self, line: int, index: int | None, line_error: ValueError | None = None
    ) -> Generator[Framed, None, bool]:
        """Frame one value at the position: a record, or a failure; True if it broke.

        A broken value is one failure (``line_error`` instead of its own error, when given:
        the error of the document's first line read on its own), and reading goes on at the
        line after the value's first line: the lines it took in are read again.
        """
        start = self._pos
        opening = self._buf[start]
        known = (
            opening in _OPEN and self._open_at_error.find(self._base - self._open_base + start) >= 0
        )
        continued = False
        if known:  # read before inside a value broken at a known error: it breaks there too
            status, end, message = "broken", self._error[0] - self._base - start, self._error[2]
        elif opening in _OPEN:
            over = self._over
            floor = -1 if over is None else over.floor(self._base + start)
            if over is not None and floor >= 0:
                continued = True
                status, end, message = self._frame_continued(over, floor)
                over = None  # (dropped below when the value broke)
            else:
                del over  # (a new one may replace it: one at a time is held)
                status, end, message = self._frame_container()
        else:
            status, end, message = self._frame_scalar()
        start = self._pos  # framing may have read on (and moved the buffer)
        if status == "closed":
            text = self._buf[start : start + end]
            try:
                keys = self._probe(text)
            except ValidationError as exc:
                keys = exc
                # brackets that balance over a syntax error: a value that took in lines
                # breaks as any other does (its lines are read again)
                found = _json_error(text, final=True) if b"\n" in text and _syntax(exc) else None
                if found is not None:
                    status, (end, message) = "broken", found
            if status == "closed":
                self._advance(start + end)
                yield (line, index, text, keys)
                return False
        if status == "oversize":
            # one failure; read on after the value when it ends on its first line, else at
            # the line after its first line (the lines it took in are read again)
            yield self._oversize(line, index)
            if message == "lines":
                self._resume_after_line()
                return True
            return self._discard()
        if status == "eof":
            if isinstance(self._held, SourceError) and self._buf.find(b"\n", start) < 0:
                self._failed = True  # the source's failure takes in the value on its line
                return False
            found = _json_error(memoryview(self._buf)[start : start + end], final=True)
            if found is not None:
                status, (end, message) = "broken", found
            else:  # where the text ends (not after the blanks that end it)
                end -= _trailing_blanks(memoryview(self._buf)[start : start + end])
                message = "the input ends inside a value"
        if opening in _OPEN and not known:
            if continued:
                # every bracket ``_over`` holds after this value's start is open at the break
                # and opened on a line before it: ``_remember`` notes them, one copy is held
                self._over = None
            self._remember(end, message)
        error = line_error or ValueError(f"invalid JSON: {message} (line {self._error_line(end)})")
        yield self._broken(index, line, error)
        self._resume_after_line()
        return True

    def _frame_scalar(self) -> tuple[str, int, str]:
        """Find where a value that is no object or array ends (a string, a number, ...).

        Such a value never spans lines: one longer than the limit, or a string whose line
        ends past the limit before it closes, is over the limit (``"oversize"``).
        """
        while True:
            buf, start = self._buf, self._pos
            match = _SCALAR.match(buf, start)
            if match is None:
                # an open string (it may go on in the next chunk) or a stray delimiter
                newline = buf.find(b"\n", start)
                if buf[start] == 0x22:
                    if newline - start > self._max or (
                        newline < 0 and len(buf) - start > self._max
                    ):
                        return "oversize", 0, ""
                    if newline < 0 and self._fill(len(buf) - start):
                        continue
                found = _json_error(buf[start : start + 1], final=True)
                return "broken", 0, found[1] if found else "expected a value"
            end = match.end() - start
            if end > self._max:
                return "oversize", 0, ""
            if match.end() < len(buf) or not self._fill(len(buf) - start):
                return "closed", end, ""

    def _frame_container(self) -> tuple[str, int, str]:
        """Find where the object or array at the position ends (brackets matched).

        Returns ``("closed", end)``, ``("broken", error_at, message)`` (a syntax error found
        on the way), ``("eof", end)`` or ``("oversize", 0)``; offsets are relative to the
        position, which stays at the value's start (except after an oversize value, which
        is skipped: the position is then after it).
        """
        stack = bytearray()  # the closers of the brackets open (a byte a level)
        at = 0  # scan offset, relative to the position
        checked = 0  # size at the last syntax check at a line end
        limit = self._max
        while True:
            buf, start = self._buf, self._pos
            cursor = _end(_SCAN, buf, start + at)
            if cursor - start >= limit:  # the value ends past the limit, wherever it ends
                stack.clear()  # (``_Over`` keeps the brackets in less)
                return self._over_limit(cursor)
            if cursor < len(buf):
                byte = buf[cursor]
                if byte in _OPEN:
                    stack.append(byte + 2)  # the matching closer: { -> }, [ -> ]
                    at = cursor + 1 - start
                    continue
                if byte in _CLOSE:
                    if not stack or stack.pop() != byte:
                        found = _json_error(buf[start : cursor + 1], final=True)
                        if found is None:
                            return "unchecked", cursor - start, f"unexpected {chr(byte)!r}"
                        return "broken", found[0], found[1]
                    at = cursor + 1 - start
                    if not stack:
                        return "closed", at, ""
                    continue
                if byte == 0x0A:
                    at = cursor + 1 - start
                    if at >= 2 * checked:
                        found = _json_error(memoryview(buf)[start : start + at], final=False)
                        if found is not None:
                            return "broken", found[0], found[1]
                        checked = at
                    continue
                ended = self._open_string(cursor)
                if ended is not None:
                    if ended is _OVER:
                        stack.clear()
                        return self._over_limit(cursor)
                    return ended
            at = cursor - start
            if not self._fill(len(self._buf) - self._pos):
                return "eof", len(self._buf) - self._pos, ""

    def _open_string(self, cursor: int) -> tuple[str, int, str] | None:
        """A container's scan stopped in a string still open at ``cursor``: what follows.

        None: it may close in the next chunk. ``_OVER``: the line it is on ends past the
        limit (or the text does, with no line end yet): the scan's own over-limit case.
        Else the value is broken where a line break ends the string (no JSON string spans
        lines). Both scans ask it (``_frame_container``, ``_frame_continued``).
        """
        buf, start, limit = self._buf, self._pos, self._max
        newline = buf.find(b"\n", cursor)
        if newline - start >= limit or (newline < 0 and len(buf) - start > limit):
            return _OVER
        if newline < 0:
            return None
        found = _json_error(buf[start : newline + 1], final=True)
        if found is None:  # pragma: no cover - a raw line break in a string
            return "unchecked", newline - start, "a line break inside a string"
        return "broken", found[0], found[1]

    def _over_limit(self, cursor: int) -> tuple[str, int, str]:
        """A value still open ``max_record_bytes`` after its start (the scan is at ``cursor``).

        A syntax error in its text to the last line end within the limit wins (``"broken"``).
        Else it is ``"oversize"``: with ``"lines"`` when its first line ends within the limit
        (reading goes on at the next line), and its brackets are kept for the values read
        again there (``_Over``, ``_frame_continued``).
        """
        buf, start = self._buf, self._pos
        cut = buf.rfind(b"\n", start, start + self._max + 1)
        if cut < 0:
            return "oversize", 0, ""  # its first line alone is over the limit
        found = _json_error(memoryview(buf)[start : cut + 1], final=False)
        if found is not None:
            return "broken", found[0], found[1]
        self._over = None  # (the one it replaces is not held while it is made)
        over = _Over()
        self._brackets(over, start, cut + 1)
        over.checked_to(over.line_end)
        self._brackets(over, cut + 1, cursor)
        over.end = self._base + cursor
        self._over = over
        return "oversize", 0, "lines"

    def _brackets(self, over: _Over, at: int, stop: int) -> None:
        """Open and close in ``over`` the brackets from ``at`` to ``stop`` (in the buffer).

        The text there was scanned before: no bracket or string in it is broken.
        """
        buf, base = self._buf, self._base
        while (cursor := _end(_SCAN, buf, at, stop)) < stop:
            byte = buf[cursor]
            if byte in _OPEN:
                over.open(base + cursor, byte + 2)
            elif byte in _CLOSE:
                over.close()
            elif byte == 0x0A:
                over.new_line(base + cursor)
            else:  # pragma: no cover - strings there close on their lines
                break
            at = cursor + 1

    def _frame_continued(self, over: _Over, floor: int) -> tuple[str, int, str]:
        """``_frame_container`` for a value read again that was open where ``over`` ended.

        Its brackets up to there are known (``over``'s from ``floor`` on), and its text was
        checked to ``over``'s last line end (a nested value of valid JSON text is valid):
        scanning goes on from where ``over`` ended, and going over the limit checks only the
        text after that line end. A chain of lines that each open a value the next one
        continues, followed by more than the limit, is read in linear time.
        """
        limit = self._max
        levels = over.levels
        at = over.end - (self._base + self._pos)
        while True:
            buf, start = self._buf, self._pos
            cursor = _end(_SCAN, buf, start + at)
            over.end = self._base + cursor
            if cursor - start >= limit:
                return self._over_limit_continued(over, floor)
            if cursor < len(buf):
                byte = buf[cursor]
                at = cursor + 1 - start
                if byte in _OPEN:
                    over.open(self._base + cursor, byte + 2)
                    continue
                if byte in _CLOSE:
                    if levels.closer(-1) != byte:
                        found = _json_error(buf[start : cursor + 1], final=True)
                        if found is None:
                            return "unchecked", cursor - start, f"unexpected {chr(byte)!r}"
                        return "broken", found[0], found[1]
                    over.close()
                    if len(levels) == floor:
                        over.end += 1
                        return "closed", at, ""
                    continue
                if byte == 0x0A:
                    over.new_line(self._base + cursor)
                    continue
                ended = self._open_string(cursor)
                if ended is not None:
                    return self._over_limit_continued(over, floor) if ended is _OVER else ended
            at = cursor - start
            if not self._fill(len(self._buf) - self._pos):
                return "eof", len(self._buf) - self._pos, ""

    def _over_limit_continued(self, over: _Over, floor: int) -> tuple[str, int, str]:
        """``_over_limit`` for a value read again (``_frame_continued``).

        Its text is known to be valid to ``over``'s last line end: only the rest is checked.
        """
        buf, start, base = self._buf, self._pos, self._base
        cut = buf.rfind(b"\n", start, start + self._max + 1)  # at or after over.cut
        if base + cut > over.cut and over.error_after(buf, base, floor, cut):
            found = _json_error(memoryview(buf)[start : cut + 1], final=False)
            if found is not None:
                return "broken", found[0], found[1]
        if base + cut > over.line_end:  # the scan stopped at that line end
            over.new_line(base + cut)
        over.checked_to(base + cut)
        return "oversize", 0, "lines"

    def _discard(self) -> bool:
        """Skip the value at the position, without holding it: to its end or its line's end.

        Brackets are counted and strings skipped; True when its line ended first (reading
        goes on at the next line), False when the value did (reading goes on after it).
        """
        depth = 0
        in_string = False
        escaped = False
        cursor = self._pos
        if self._buf[cursor] not in _OPEN and self._buf[cursor] != 0x22:  # a number, ...
            depth = -1
        while True:
            buf = self._buf
            length = len(buf)
            while cursor < length:
                if escaped:
                    escaped = False
                    if buf[cursor] == 0x0A:
                        break
                    cursor += 1
                elif in_string:
                    cursor = _end(_STRING_BODY, buf, cursor)
                    if cursor < length:
                        byte = buf[cursor]
                        if byte == 0x0A:
                            break
                        escaped = byte == 0x5C  # a backslash at the end of the text
                        in_string = escaped
                        cursor += 1
                        if not in_string and depth == 0:
                            self._advance(cursor)
                            return False  # a string value, closed
                elif depth < 0:  # a run of other bytes
                    cursor = _end(_RUN, buf, cursor)
                    if cursor < length:
                        self._advance(cursor)
                        return False
                else:
                    cursor = _end(_OUTSIDE, buf, cursor)
                    if cursor < length:
                        byte = buf[cursor]
                        if byte == 0x0A:
                            break
                        cursor += 1
                        if byte == 0x22:
                            in_string = True
                        elif byte in _OPEN:
                            depth += 1
                        else:
                            depth -= 1
                            if depth <= 0:
                                self._advance(cursor)
                                return False
            if cursor < length:  # at a line break: the value's line ends first
                self._advance(cursor)
                self._skip_line()
                return True
            self._advance(cursor)
            self._base += len(self._buf)
            self._buf, self._pos, cursor = b"", 0, 0
            if not self._fill():
                return True


class _Levels:
    """A stack of open brackets: their offsets in the text (increasing) and their closers.

    A level takes one byte, however deep the brackets go: the gap from the offset of the level
    below it (up to 126; a longer one is written 127 and kept whole in ``_far``) and whether
    it closes with ``}``. Every 256th level's offset is kept whole (``_marks``, with how many
    of ``_far``'s gaps lie up to it), so that ``find`` reads at most 255 of the bytes.
    """

    __slots__ = ("_bytes", "_far", "_far_at", "_marks", "_top")

    def __init__(self) -> None:
        """No level."""
        self._bytes = bytearray()
        self._far = array("q")
        self._marks = array("q")
        self._far_at = array("q")
        self._top = 0  # the innermost level's offset (0 when there is none)

    def __len__(self) -> int:
        return len(self._bytes)

    def push(self, offset: int, closer: int) -> None:
        """Open a level at ``offset`` (after the innermost), closed by ``closer``."""
        gap = offset - self._top
        if gap >= 127:
            self._far.append(gap)
            gap = 127
        self._bytes.append(gap << 1 | (closer == 0x7D))
        self._top = offset
        if len(self._bytes) & 255 == 1:
            self._marks.append(offset)
            self._far_at.append(len(self._far))

    def pop(self) -> int:
        """Close the innermost level: its closer."""
        byte = self._bytes.pop()
        gap = byte >> 1
        if gap == 127:
            gap = self._far.pop()
        self._top -= gap
        if len(self._bytes) & 255 == 0:
            self._marks.pop()
            self._far_at.pop()
        return 0x7D if byte & 1 else 0x5D

    def closer(self, level: int) -> int:
        """The closer of the level ``level`` (0: the outermost, -1: the innermost)."""
        return 0x7D if self._bytes[level] & 1 else 0x5D

    def find(self, offset: int) -> int:
        """The level of the bracket at ``offset``; -1 when none of them is there."""
        if offset > self._top:  # past the innermost (every value after the broken one)
            return -1
        mark = bisect.bisect_right(self._marks, offset) - 1
        if mark < 0:
            return -1
        level = mark << 8
        at = self._marks[mark]
        far = self._far_at[mark]
        for byte in self._bytes[level + 1 : level + 256]:
            if at >= offset:
                break
            gap = byte >> 1
            if gap == 127:
                gap = self._far[far]
                far += 1
            at += gap
            level += 1
        return level if at == offset else -1


class _Over:
    """The brackets of a value found over the limit after its first line.

    They are kept for the values read again inside it (``_frame_continued``), and extended as
    those are read; in about a byte a level (``_Levels``), since hostile text nests as deep as
    it is long.

    ``levels``: the brackets open where scanning stopped (``end``), as offsets in the whole
    text (increasing) and closing bytes, outermost first. ``cut``: the line end to which the
    text was checked; the brackets open there are the first ``cut_kept`` of ``levels`` and
    then ``cut_count`` closed since, whose closers are ``cut_closed`` (innermost first; only
    the first ``keep``, as the decoder gives up on deeper text). ``line_end``: the last line
    end scanned, and the same for the brackets open there.
    """

    def __init__(self) -> None:
        """No bracket and no text yet (``_brackets`` then opens its text's)."""
        self.levels = _Levels()
        self.end = -1
        self.cut = -1
        self.cut_kept = 0
        self.cut_closed = bytearray()
        self.cut_count = 0
        self.line_end = -1
        self.line_kept = 0
        self.line_closed = bytearray()
        self.line_count = 0
        self.keep = sys.getrecursionlimit()
        self.state: bytes | None = None  # what the text expects at ``cut`` (when needed)

    def open(self, offset: int, closer: int) -> None:
        self.levels.push(offset, closer)

    def close(self) -> None:
        closer = self.levels.pop()
        depth = len(self.levels)
        if depth < self.cut_kept:
            self.cut_kept = depth
            self.cut_count += 1
            if len(self.cut_closed) < self.keep:
                self.cut_closed.append(closer)
        if depth < self.line_kept:
            self.line_kept = depth
            self.line_count += 1
            if len(self.line_closed) < self.keep:
                self.line_closed.append(closer)

    def new_line(self, offset: int) -> None:
        """A line end at ``offset``, scanned."""
        self.line_end = offset
        self.line_kept = len(self.levels)
        self.line_closed = bytearray()
        self.line_count = 0

    def checked_to(self, offset: int) -> None:
        """The text is valid to the line end at ``offset`` (the last one scanned, or ``cut``)."""
        if offset != self.cut:
            self.cut = offset
            self.cut_kept = self.line_kept
            self.cut_closed = bytearray(self.line_closed)
            self.cut_count = self.line_count
            self.state = None

    def floor(self, offset: int) -> int:
        """Where the value read again at ``offset`` is among ``levels``.

        -1: it was not open at ``end``, or it started after ``cut`` (its text is not known).
        """
        if offset > self.cut:
            return -1
        return self.levels.find(offset)

    def error_after(self, buf: bytes, base: int, floor: int, cut: int) -> bool:
        """Whether the text from ``self.cut`` to ``cut`` (in ``buf``) may have a syntax error.

        It is read inside the brackets open at ``self.cut`` from ``floor`` on: the innermost of
        them that the text can close, and what the text expects there, are written as a short
        valid prefix (``{"":[0,``), and the text after it is checked: only its own length is
        read. (A decoder that would give up on the whole text for its depth may find an error
        here, and closers not kept make it unknown: the caller checks the whole text then.)
        """
        depth = self.cut_kept - floor + self.cut_count
        if depth >= sys.getrecursionlimit():
            return False  # as deep as that, the decoder gives up on the whole text too
        rest = buf[self.cut - base + 1 : cut + 1]
        need = min(depth, rest.count(b"]") + rest.count(b"}") + 1)
        if need > len(self.cut_closed) < self.cut_count:
            return True  # deeper than what was kept (the recursion limit was raised since)
        closed = list(reversed(self.cut_closed[:need]))  # the innermost closed
        kept = need - len(closed)
        levels = self.levels
        closers = [levels.closer(level) for level in range(self.cut_kept - kept, self.cut_kept)]
        closers += closed
        if self.state is None:
            innermost = self.cut_closed[0] if self.cut_count else levels.closer(self.cut_kept - 1)
            self.state = _expected(buf, self.cut - base, innermost)
        outer = b"".join(b"[" if closer == 0x5D else b'{"":' for closer in closers[:-1])
        prefix = outer + _PREFIXES[(closers[-1], self.state)]
        return _json_error(prefix + rest, final=False) is not None


# What a valid JSON text expects, by its last token before a line end, inside its innermost
# bracket (a closer, and "start", "key", "colon", "value" or "comma"), as a short text that
# expects the same.
_PREFIXES = {
    (0x5D, b"start"): b"[",
    (0x5D, b"value"): b"[0",
    (0x5D, b"comma"): b"[0,",
    (0x7D, b"start"): b"{",
    (0x7D, b"key"): b'{""',
    (0x7D, b"colon"): b'{"":',
    (0x7D, b"value"): b'{"":0',
    (0x7D, b"comma"): b'{"":0,',
}


def _last_token(buf: bytes, before: int) -> int:
    """Where the last byte that is no JSON blank before ``before`` is."""
    at = before - 1
    while buf[at] in _JSON_BLANK:
        at -= 1
    return at


def _expected(buf: bytes, cut: int, innermost: int) -> bytes:
    """What valid JSON text expects at the line end at ``cut``, inside ``innermost``.

    ``innermost``: the closing byte of the innermost bracket open there.
    """
    end = _last_token(buf, cut)
    byte = buf[end]
    if byte in _OPEN:
        return b"start"
    if byte == 0x2C:
        return b"comma"
    if byte == 0x3A:
        return b"colon"
    if byte != 0x22 or innermost == 0x5D:
        return b"value"
    # a string in an object: a key when a `{` or `,` is before it, else a value
    opening = end
    while True:
        opening = buf.rfind(b'"', 0, opening)
        backslashes = 0
        while buf[opening - 1 - backslashes] == 0x5C:
            backslashes += 1
        if backslashes % 2 == 0:
            break
    return b"key" if buf[_last_token(buf, opening)] in b"{," else b"value"


def _end(pattern: re.Pattern[bytes], text: bytes, at: int, stop: int | None = None) -> int:
    """Where a match of ``pattern`` (which may match nothing) from ``at`` (to ``stop``) ends."""
    match = pattern.match(text, at) if stop is None else pattern.match(text, at, stop)
    return match.end() if match is not None else at


def _syntax(error: ValidationError) -> bool:
    """Whether a record's error is of its JSON text (not of its content)."""
    return bool(error.errors(include_url=False, include_input=False)[0]["type"] == "json_invalid")


def _json_error(text: bytes | memoryview, final: bool) -> tuple[int, str] | None:
    """The first syntax error of JSON text (its byte offset and message), None if none.

    With ``final=False`` the text may go on: an error only because the text ends (an open
    object or array) is none. The text ends at a line break or at a delimiter, never in a
    token. With ``final=True`` the text is read without the blanks that end it (an error at
    its end is the same whether a line break ends it or not). A large text is best given as
    a ``memoryview`` of the buffer: it is decoded once, not copied before or after.
    """
    blanks = _trailing_blanks(text)  # JSON's blanks are ASCII: as many characters as bytes
    whole = text
    if final and blanks:
        text = memoryview(text)[: len(text) - blanks]
        blanks = 0
    try:
        string = str(text, "utf-8")
    except UnicodeDecodeError as exc:
        error = exc
        if whole is not text:  # the error as the whole text gives it (its reason may differ)
            try:
                str(whole, "utf-8")
            except UnicodeDecodeError as whole_error:
                error = whole_error
        # the first error in the text's order: a syntax error before the bad byte wins, so
        # that the answer does not depend on how much text followed when it was checked
        before = _json_error(whole[: error.start], final=False)
        if before is not None and not before[1].startswith("Unterminated string"):
            return before
        return error.start, f"invalid UTF-8 ({error.reason})"
    text_end = len(string) - blanks
    try:
        _, end = _DECODER.raw_decode(string)
    except json.JSONDecodeError as exc:
        if exc.pos >= text_end:  # where the text ends (not after the blanks that end it)
            if not final and exc.msg.startswith("Expecting"):
                return None
            return len(text) - blanks, exc.msg
        return _byte_offset(string, exc.pos), exc.msg
    except RecursionError:
        return None
    if end < text_end:
        return _byte_offset(string, end), "unexpected text after the value"
    return None


def _trailing_blanks(text: bytes | memoryview) -> int:
    """How many JSON blanks end ``text`` (read back 4 KiB at a time: no copy of the text)."""
    end = len(text)
    while end:
        chunk = bytes(text[max(0, end - 4096) : end])
        kept = len(chunk.rstrip(_JSON_BLANK))
        if kept:
            return len(text) - end + len(chunk) - kept
        end -= len(chunk)
    return len(text)


def _byte_offset(string: str, at: int) -> int:
    """The offset in bytes (UTF-8) of ``string``'s character ``at``."""
    return at if string.isascii() else len(string[:at].encode("utf-8"))
