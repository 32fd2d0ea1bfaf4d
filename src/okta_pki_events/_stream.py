"""Streaming parse: ``iter_events`` and ``iter_records`` over files, streams and iterables.

Every record read is accounted for: parsed, failed (reported, with its line) or skipped
(non-PKI, when ``only_pki``). Memory stays flat: files are read line by line, and a JSON
array spanning many lines is read element by element.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Generic, Literal, TypeAlias, TypeVar, Union, overload

from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict

from ._parsing import OnUnknown, parse_event, parse_json_of_type
from .envelopes import EVENT_HOOK_EVENT_TYPE, Envelope, detect_envelope, unwrap
from .models.events import PKI_PREFIX, BasePkiEvent, PkiEvent
from .models.log_event import LogEvent

__all__ = [
    "EventStream",
    "OnError",
    "ParseFailure",
    "Record",
    "RecordError",
    "RecordStream",
    "Source",
    "StreamStats",
    "iter_events",
    "iter_records",
]

Source: TypeAlias = Union[
    str,
    bytes,
    "os.PathLike[str]",
    IO[bytes],
    IO[str],
    Iterable[Union[str, bytes, Mapping[str, Any]]],
]
"""What the stream functions read: a path (``.ndjson``, ``.jsonl``, ``.json``, any of them
``.gz``), JSON text itself (``bytes``, or a ``str`` starting with ``{`` or ``[``), a binary or
text file object, or an iterable of lines, bytes or decoded dicts."""

OnError: TypeAlias = Literal["raise", "collect", "skip"]
"""What to do with a bad record: raise, yield a ``ParseFailure`` in its place, or drop it."""

T = TypeVar("T")


@dataclass
class StreamStats:
    """Counts of a stream: ``parsed + failed + skipped == read``, final once exhausted."""

    read: int = 0
    """Records read (an envelope's events each count; blank lines do not)."""
    parsed: int = 0
    """Records parsed and yielded."""
    failed: int = 0
    """Records that could not be parsed (reported, or raised)."""
    skipped: int = 0
    """Non-PKI records skipped (with ``only_pki``)."""


@dataclass(frozen=True)
class ParseFailure:
    """A record that could not be parsed, yielded in its place with ``on_error="collect"``."""

    line: int
    """The 1-based line in the source where the record (or its document) starts."""
    index: int | None
    """The record's position in its multi-record document (array, envelope); else None."""
    error: ValueError
    """The error: a ``pydantic.ValidationError`` names the field path."""
    raw: str
    """The record's text (or its JSON, for a record inside a document), for the report."""
    source: str | None = None
    """The source's name, when it has one."""

    @property
    def message(self) -> str:
        """One line per problem: ``source:line[index]: field.path: message``."""
        where = f"{self.source or '<input>'}:{self.line}"
        if self.index is not None:
            where += f"[{self.index}]"
        return "\n".join(f"{where}: {problem}" for problem in describe_error(self.error))


def describe_error(error: ValueError) -> list[str]:
    """The problems of an error, each as ``field.path: message``."""
    if isinstance(error, ValidationError):
        out = []
        for item in error.errors(include_url=False):
            path = ".".join(str(part) for part in item["loc"]) or "(record)"
            out.append(f"{path}: {item['msg']}")
        return out
    return [str(error)]


class RecordError(ValueError):
    """Raised with ``on_error="raise"``: names the line, the field path and the problem."""

    def __init__(self, failure: ParseFailure) -> None:
        """Wrap the failure of one record."""
        self.failure = failure
        super().__init__(failure.message)


@dataclass(frozen=True)
class Record(Generic[T]):
    """A parsed event with where it came from (``iter_records``)."""

    event: T
    """The parsed event."""
    envelope: Envelope | None
    """The envelope it was delivered in (EventBridge, event hook), else None."""
    line: int
    """The 1-based line where the record (or its document) starts."""
    index: int | None
    """The record's position in its multi-record document, else None."""
    source: str | None = None
    """The source's name, when it has one."""


class _Probe(TypedDict):
    eventType: str


# Validates the JSON syntax of a whole record but builds only eventType: the cheap
# pre-filter of mixed streams (jiter skips the values of every other key).
_PROBE = TypeAdapter(_Probe)

_HEAD = 512
_DENSE = 2
_BLANK_STARTS = frozenset({b"", b" ", b"\t", b"\n", b"\r", "", " ", "\t", "\n", "\r"})
_LINE_MODE_SUFFIXES = (".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz")
_CHUNK = 1 << 16


class _Reader:
    """The shared engine of iter_events and iter_records."""

    def __init__(
        self,
        source: Source,
        on_error: OnError,
        only_pki: bool,
        on_unknown: OnUnknown,
        records: bool,
    ) -> None:
        self.records = records
        self.source = source
        self.on_error = on_error
        self.only_pki = only_pki
        self.on_unknown = on_unknown
        self.stats = StreamStats()
        self.name: str | None = None

    # -- outcomes ------------------------------------------------------------------------

    def _fail(
        self, line: int, index: int | None, error: ValueError, raw: Any
    ) -> Iterator[ParseFailure]:
        self.stats.failed += 1
        if isinstance(raw, (bytes, str)):
            raw = raw.strip()
        if not isinstance(raw, str):
            raw = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else _dumps(raw)
        failure = ParseFailure(line, index, error, raw, self.name)
        if self.on_error == "raise":
            raise RecordError(failure) from error
        if self.on_error == "collect":
            yield failure

    def _event(
        self, data: Any, line: int, index: int | None, envelope: Envelope | None
    ) -> Iterator[Any]:
        """Parse one record (text or decoded) and yield it, or its failure, or nothing."""
        stats = self.stats
        stats.read += 1
        if self.only_pki and isinstance(data, (bytes, str)):
            try:
                event_type = _PROBE.validate_json(data)["eventType"]
            except ValidationError as exc:
                yield from self._fail(line, index, exc, data)
                return
            if not event_type.startswith(PKI_PREFIX):
                stats.skipped += 1
                return
        elif self.only_pki and isinstance(data, Mapping):
            raw_type = data.get("eventType")
            if isinstance(raw_type, str) and not raw_type.startswith(PKI_PREFIX):
                stats.skipped += 1
                return
        try:
            event = parse_event(data, on_unknown=self.on_unknown)
        except ValueError as exc:
            yield from self._fail(line, index, exc, data)
            return
        if self.only_pki and not isinstance(event, BasePkiEvent):
            stats.skipped += 1
            return
        stats.parsed += 1
        yield Record(event, envelope, line, index, self.name) if self.records else event

    def _document(self, document: Any, line: int, index: int | None = None) -> Iterator[Any]:
        """Unwrap a decoded document (an event, an array, an envelope) into its events."""
        kind = detect_envelope(document)
        if kind == "log_event":
            yield from self._event(document, line, index, None)
            return
        if kind == "api_page":
            for position, item in enumerate(document):
                if detect_envelope(item) == "log_event":
                    yield from self._event(item, line, position, None)
                else:
                    yield from self._document(item, line, position)
            return
        try:
            envelope, events = unwrap(document)
        except ValidationError as exc:
            self.stats.read += 1
            yield from self._fail(line, index, exc, document)
            return
        for position, item in enumerate(events):
            where = position if len(events) > 1 or kind == "event_hook" else index
            yield from self._event(item, line, where, envelope)

    def _line(self, text: str | bytes, line: int, *, document: bool = False) -> Iterator[Any]:
        stripped = text.strip()
        if not stripped:
            return
        if not document and not _is_document(stripped):
            yield from self._event(stripped, line, None, None)
            return
        try:
            document = json.loads(stripped)
        except ValueError as exc:
            self.stats.read += 1
            yield from self._fail(line, None, _json_error(exc), stripped)
            return
        yield from self._document(document, line)

    # -- sources -------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Any]:
        source = self.source
        if isinstance(source, (bytes, bytearray)) or (
            isinstance(source, str) and source.lstrip()[:1] in ("{", "[")
        ):
            # JSON text itself (an API response body, say), not a path
            text = source.encode() if isinstance(source, str) else bytes(source)
            yield from self._lines(io.BytesIO(text), False)
            return
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            self.name = str(path)
            with _open_binary(path) as handle:
                force_lines = path.name.lower().endswith(_LINE_MODE_SUFFIXES)
                yield from self._lines(handle, force_lines)
            return
        if isinstance(source, (io.IOBase, IO)) or hasattr(source, "readline"):
            name = getattr(source, "name", None)
            self.name = name if isinstance(name, str) else None
            yield from self._lines(_maybe_gunzip(source), False)  # type: ignore[arg-type]
            return
        yield from self._items(source)

    def _items(self, items: Iterable[str | bytes | Mapping[str, Any]]) -> Iterator[Any]:
        yield from self._line_mode(
            (n, bytes(i) if isinstance(i, bytearray) else i) for n, i in enumerate(items, start=1)
        )

    def _lines(self, handle: Iterable[str | bytes], force_lines: bool) -> Iterator[Any]:
        lines: Iterator[tuple[int, str | bytes]] = iter(enumerate(handle, start=1))
        for number, text in lines:
            stripped = text.strip()
            if not stripped:
                continue
            if force_lines or _complete_line(stripped):
                yield from self._line(text, number)
                yield from self._line_mode(lines)
                return
            yield from self._multiline_document(text, number, lines)
            return

    def _line_mode(self, lines: Iterator[tuple[int, Any]]) -> Iterator[Any]:
        """The hot loop of NDJSON: one record per line, inlined for speed.

        Two strategies give the same results and adapt to the stream: after two PKI records
        in a row the next line is parsed straight away (PKI-dense exports); otherwise it
        is first probed, a validator that checks the JSON and reads only the top-level
        ``eventType`` (Log Streaming, where PKI is rare), so that a non-PKI record is skipped
        without a full validation, or validated straight against its type's model. Either
        way a record whose JSON is valid and whose type is not PKI is skipped (with
        ``only_pki``), and any other record is parsed or reported. Envelopes are recognised
        by their first 512 characters (where their ``source`` or ``eventType`` stands) and,
        when a line fails as a bare event, by a scan of the whole line.
        """
        stats = self.stats
        only_pki, records, name = self.only_pki, self.records, self.name
        on_unknown = self.on_unknown
        probe = _PROBE.validator.validate_json
        pki_run = _DENSE  # consecutive PKI records: parse straight away once it reaches _DENSE
        skips = 0  # skipped records not yet added to stats (added before any yield)
        stripped: Any
        try:
            for number, text in lines:
                if type(text) is bytes:
                    stripped = text.strip() if text[:1] in _BLANK_STARTS else text
                    if not stripped:
                        continue
                    head = stripped[:_HEAD]
                    document = (
                        head[:1] == b"["
                        or b"aws.partner/okta.com" in head
                        or b"com.okta.event_hook" in head
                    )
                elif isinstance(text, (bytes, str)):
                    stripped = text.strip() if text[:1] in _BLANK_STARTS else text
                    if not stripped:
                        continue
                    document = _is_document(stripped[:_HEAD])
                else:
                    stripped, document = text, True
                event_type: str | None = None
                if not document and pki_run < _DENSE:
                    try:
                        event_type = probe(stripped)["eventType"]
                    except ValidationError:
                        document = _maybe_envelope(stripped)
                        event_type = None
                        # broken, unless an envelope: the full parse below reports it precisely
                    else:
                        if only_pki and not event_type.startswith(PKI_PREFIX):
                            if event_type == EVENT_HOOK_EVENT_TYPE and _maybe_envelope(stripped):
                                document = True
                            else:
                                skips += 1
                                continue
                if skips:
                    stats.read += skips
                    stats.skipped += skips
                    skips = 0
                if document:
                    if isinstance(stripped, (bytes, str)):
                        yield from self._line(stripped, number, document=True)
                    else:
                        yield from self._document(stripped, number)
                    continue
                try:
                    if event_type is None:
                        event = parse_event(stripped, on_unknown=on_unknown)
                    else:
                        event = parse_json_of_type(stripped, event_type, on_unknown)
                except ValueError as exc:
                    if _maybe_envelope(stripped):
                        yield from self._line(stripped, number, document=True)
                        continue
                    stats.read += 1
                    if only_pki and event_type is None and _valid_non_pki(probe, stripped):
                        stats.skipped += 1
                        pki_run = 0
                        continue
                    yield from self._fail(number, None, _error_without_eol(exc, stripped), stripped)
                    continue
                stats.read += 1
                if isinstance(event, BasePkiEvent):
                    pki_run += 1
                else:
                    pki_run = 0
                    if only_pki:
                        stats.skipped += 1
                        continue
                stats.parsed += 1
                yield Record(event, None, number, None, name) if records else event
        finally:
            stats.read += skips
            stats.skipped += skips

    def _multiline_document(
        self, first: str | bytes, start: int, rest: Iterator[tuple[int, str | bytes]]
    ) -> Iterator[Any]:
        """A JSON document over many lines: an array is read element by element."""
        chunks = _text_chunks(first, rest)
        buffer = next(chunks, "")
        opening = buffer.lstrip()[:1]
        if opening != "[":
            text = buffer + "".join(chunks)
            try:
                document = json.loads(text)
            except ValueError as exc:
                self.stats.read += 1
                yield from self._fail(start, None, _json_error(exc), text[:2000])
                return
            yield from self._document(document, start)
            return
        for position, element in enumerate(_array_elements(buffer, chunks)):
            if isinstance(element, ValueError):
                self.stats.read += 1
                yield from self._fail(start, position, element, "")
                return
            if detect_envelope(element) == "log_event":
                yield from self._event(element, start, position, None)
            else:
                yield from self._document(element, start, position)


def _is_document(stripped: str | bytes) -> bool:
    """Whether a line may hold an array or an envelope (to decode and unwrap first)."""
    if isinstance(stripped, bytes):
        return (
            stripped[:1] == b"[" or b"aws.partner/okta.com" in stripped or b'"events"' in stripped
        )
    return stripped[:1] == "[" or "aws.partner/okta.com" in stripped or '"events"' in stripped


def _error_without_eol(error: ValueError, text: str | bytes) -> ValueError:
    """The error of a record parsed with its line ending, as it reads without it.

    The hot loop parses lines with their trailing newline (the JSON parser ignores it); a
    record cut short would then be reported as broken "at line 2". Parsing the stripped
    text again (only on failure) gives the error as the user sees the line.
    """
    stripped = text.strip()
    if len(stripped) == len(text):
        return error
    try:
        parse_event(stripped)
    except ValueError as clean:
        return clean
    return error


def _valid_non_pki(probe: Callable[[Any], Any], text: str | bytes) -> bool:
    """Whether a record that failed to parse is valid JSON with a non-PKI ``eventType``."""
    try:
        event_type = probe(text)["eventType"]
    except ValidationError:
        return False
    return not event_type.startswith(PKI_PREFIX)


def _maybe_envelope(stripped: str | bytes) -> bool:
    """Whether a line that failed as a bare event may be an envelope (a whole-line scan)."""
    if isinstance(stripped, bytes):
        return b"aws.partner/okta.com" in stripped or b'"events"' in stripped
    return "aws.partner/okta.com" in stripped or '"events"' in stripped


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value, default=str)[:100_000]
    except (TypeError, ValueError):
        return repr(value)[:100_000]


def _json_error(exc: ValueError) -> ValueError:
    return ValueError(f"invalid JSON: {exc}")


def _complete_line(stripped: str | bytes) -> bool:
    """Whether a source is NDJSON, judged by its first non-blank line.

    A JSON document spread over many lines opens with a line that is not valid JSON on its
    own and ends with ``[``, ``{`` or ``,`` (``[``, ``{``, ``[{``, ``{"data": {``, ...). Any
    other first line means NDJSON, even when that line is broken: it is then reported as
    a bad record, and the lines after it are still read.
    """
    try:
        json.loads(stripped)
    except ValueError:
        return stripped[-1:] not in (b"[", b"{", b",", "[", "{", ",")
    return True


def _open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading, decompressing it when it is gzip (whatever its name)."""
    return _maybe_gunzip(path.open("rb"))


def _maybe_gunzip(handle: IO[Any]) -> IO[Any]:
    """Decompress a buffered binary stream that starts with the gzip magic number."""
    if isinstance(handle, (io.BufferedReader, io.BufferedRandom)) and (
        handle.peek(2)[:2] == b"\x1f\x8b"
    ):
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


def _text_chunks(first: str | bytes, rest: Iterator[tuple[int, str | bytes]]) -> Iterator[str]:
    """The document's text in chunks of about 64 KiB, decoding bytes as UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    parts: list[str] = []
    size = 0
    for text in _chain(first, rest):
        piece = decoder.decode(text) if isinstance(text, bytes) else text
        parts.append(piece)
        size += len(piece)
        if size >= _CHUNK:
            yield "".join(parts)
            parts, size = [], 0
    parts.append(decoder.decode(b"", final=True))
    tail = "".join(parts)
    if tail:
        yield tail


def _chain(first: str | bytes, rest: Iterator[tuple[int, str | bytes]]) -> Iterator[str | bytes]:
    yield first
    for _, text in rest:
        yield text


_DECODER = json.JSONDecoder()
_WS = " \t\n\r"


def _array_elements(buffer: str, chunks: Iterator[str]) -> Iterator[Any]:
    """The elements of a JSON array, decoded one at a time; a ValueError ends a broken one."""
    pos = buffer.index("[") + 1
    expect_value = True
    while True:
        while True:
            while pos < len(buffer) and buffer[pos] in _WS:
                pos += 1
            if pos < len(buffer):
                break
            more = next(chunks, None)
            if more is None:
                yield ValueError("invalid JSON: the array is not closed")
                return
            buffer, pos = buffer[pos:] + more, 0
        char = buffer[pos]
        if char == "]":
            return
        if not expect_value:
            if char != ",":
                yield ValueError(f"invalid JSON: expected ',' or ']' but found {char!r}")
                return
            pos += 1
            expect_value = True
            continue
        while True:
            try:
                element, end = _DECODER.raw_decode(buffer, pos)
                break
            except json.JSONDecodeError as exc:
                more = next(chunks, None)
                if more is None:
                    yield _json_error(exc)
                    return
                buffer, pos = buffer[pos:] + more, 0
        yield element
        buffer, pos = buffer[end:], 0
        expect_value = False


class EventStream(Iterator[T]):
    """The iterator ``iter_events`` returns: the events, and ``.stats`` as it goes."""

    def __init__(self, reader: _Reader) -> None:
        """Wrap a reader: yield what it yields (events, or records)."""
        self._reader = reader
        self._next = iter(reader).__next__

    @property
    def stats(self) -> StreamStats:
        """Counts so far: read, parsed, failed, skipped (final once exhausted)."""
        return self._reader.stats

    def __iter__(self) -> EventStream[T]:
        return self

    def __next__(self) -> T:
        item: T = self._next()
        return item


RecordStream = EventStream
"""The iterator ``iter_records`` returns: records with their envelope and position."""

_Any = Union[PkiEvent, LogEvent]


@overload
def iter_events(
    source: Source,
    *,
    on_error: Literal["collect"],
    only_pki: Literal[True] = True,
    on_unknown: OnUnknown = "generic",
) -> EventStream[PkiEvent | ParseFailure]: ...
@overload
def iter_events(
    source: Source,
    *,
    on_error: Literal["collect"],
    only_pki: bool,
    on_unknown: OnUnknown = "generic",
) -> EventStream[_Any | ParseFailure]: ...
@overload
def iter_events(
    source: Source,
    *,
    on_error: Literal["raise", "skip"] = "raise",
    only_pki: Literal[True] = True,
    on_unknown: OnUnknown = "generic",
) -> EventStream[PkiEvent]: ...
@overload
def iter_events(
    source: Source,
    *,
    on_error: Literal["raise", "skip"] = "raise",
    only_pki: bool,
    on_unknown: OnUnknown = "generic",
) -> EventStream[_Any]: ...
@overload
def iter_events(
    source: Source,
    *,
    on_error: OnError = "raise",
    only_pki: bool = True,
    on_unknown: OnUnknown = "generic",
) -> EventStream[_Any | ParseFailure]: ...
def iter_events(
    source: Source,
    *,
    on_error: OnError = "raise",
    only_pki: bool = True,
    on_unknown: OnUnknown = "generic",
) -> EventStream[Any]:
    """Parse every event of a file, stream or iterable, lazily.

    Args:
        source: a path (``.ndjson``, ``.jsonl``, ``.json``, any of them gzip-compressed),
            a binary or text file object (``sys.stdin.buffer``), or an iterable of lines,
            bytes or decoded dicts. Each line or document may be a bare LogEvent, a JSON
            array of them (an API page), an EventBridge event or an event-hook delivery:
            envelopes are detected and unwrapped. A ``.json`` file may hold one document
            (an object or an array, over many lines) or NDJSON.
        on_error: ``"raise"`` (the default) raises ``RecordError`` naming the line and the
            field path; ``"collect"`` yields a ``ParseFailure`` in place of the bad record
            and goes on; ``"skip"`` drops it (it is still counted in ``stats.failed``).
        only_pki: yield PKI events only; other records are skipped (counted in
            ``stats.skipped``) after a cheap check of their ``eventType``, never a full
            validation. A broken record is a failure, never a skip.
        on_unknown: passed to ``parse_event``; ``"raise"`` makes an unknown ``pki.*`` type
            (or, without ``only_pki``, a non-PKI type) a failure.

    The returned iterator's ``.stats`` counts ``read``, ``parsed``, ``failed`` and
    ``skipped`` records (``parsed + failed + skipped == read``), final once exhausted.

    """
    return EventStream(_Reader(source, on_error, only_pki, on_unknown, records=False))


def iter_records(
    source: Source,
    *,
    on_error: OnError = "raise",
    only_pki: bool = True,
    on_unknown: OnUnknown = "generic",
) -> RecordStream[Record[_Any] | ParseFailure]:
    """Like ``iter_events``, but yield ``Record``s: the event, its envelope and its position.

    With ``on_error="collect"`` a ``ParseFailure`` is yielded in place of a bad record.
    """
    return EventStream(_Reader(source, on_error, only_pki, on_unknown, records=True))
