"""``lifecycles_from``: the lifecycle straight from files, line by line.

For a line-delimited file (``.ndjson``/``.jsonl``, gzip or not) each line is parsed on its
own, without the stream reader's framing, until a line starts a document that goes on over
lines (a pretty-printed event, an array over several lines): from that line on, the file is
read by ``iter_records`` (``format="auto"`` frames it). The lines are split a chunk at a
time (``_line_batches``: ``open_lines``' lines, in one ``split`` per chunk while no line is
too long). A line over ``max_record_bytes`` is one failure, never held, unless it opens an
array or an object: from there on the file is read by ``iter_records`` too (an array is
streamed, objects one after the other on a line are read each).

No event model is built for a certificate event: with ``check="full"`` (the default) a line
is validated by ``check_event`` (the models' schemas giving dicts: it accepts exactly what
``parse_event`` accepts), with ``check="fields"`` by a minimal validator of the fields the
fold reads (``uuid``, ``published``, ``eventType``, ``outcome.result``, the actor's ids, the
targets' ids and types), every other value skipped (``_fields``: msgspec's reading with the
``fast`` extra where it is certain, pydantic-core's otherwise). Either way a certificate
event becomes a ``Record`` directly, and everything else takes the full path, exactly as
``iter_records`` reads it (CA events and CRL failures, envelopes and arrays, and any line
the validator refuses). Other files (``.json`` documents) are read by ``iter_records`` whole.
"""

from __future__ import annotations

import dataclasses
import glob
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import timedelta
from itertools import chain
from os import PathLike
from pathlib import Path
from typing import Any, Literal, NamedTuple, Union

from pydantic import ValidationError

from .._gc import gc_paused
from .._stream import (
    DEFAULT_MAX_RECORD_BYTES,
    OversizeLine,
    ParseFailure,
    RecordError,
    SourceError,
    StreamStats,
    iter_records,
)
from .._stream._probe import MAX_BRACKETS, MAX_BYTES, strict_utf8
from .._stream.framing import continues_as_document
from .._stream.sources import Chunk, _split_lines, chunks, utf8
from ..models.events import EVENT_MODELS, BasePkiEvent
from ..models.log_event import LogEvent
from ._checked import check_event, fast_check
from ._fields import Published, exact_fields, fast_fields
from ._machine import TYPE_CODE
from ._records import (
    CERT,
    CERT_TARGET,
    Record,
    cert_and_device,
    micros_of,
    record_of,
    target_code,
)
from ._report import LifecycleReport
from ._tracker import LifecycleTracker

__all__ = [
    "LINE_SUFFIXES",
    "Item",
    "Skipped",
    "SourceLike",
    "expand_sources",
    "feed_items",
    "items_of_lines",
    "items_of_path",
    "lifecycles_from",
]

SourceLike = Union[str, "PathLike[str]", Iterable[Union[str, "PathLike[str]"]]]
"""A path, a directory, a glob pattern, or an iterable of them."""

Check = Literal["full", "fields"]
"""How ``lifecycles_from`` checks a certificate event: all of it, or the fields it reads."""

LINE_SUFFIXES = (".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz")
"""Files read line by line through the minimal validator."""
_DOCUMENT_SUFFIXES = (".json", ".json.gz", *LINE_SUFFIXES)


def expand_sources(source: SourceLike) -> list[Path]:
    """The files a source names, in order.

    A file; a directory (its JSON files, recursively, sorted); a glob pattern (sorted); or
    an iterable of these. A name matching nothing is a ``ValueError``.
    """
    items = [source] if isinstance(source, (str, PathLike)) else list(source)
    out: list[Path] = []
    for item in items:
        text = str(item)
        path = Path(text)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.endswith(_DOCUMENT_SUFFIXES)
            )
            out.extend(found)
        elif path.exists():
            out.append(path)
        elif glob.has_magic(text):
            matches = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
            if not matches:
                raise ValueError(f"no file matches {text!r}")
            out.extend(matches)
        else:
            raise ValueError(f"no such file or directory: {text!r}")
    return out


class Skipped(NamedTuple):
    """An event the lifecycle does not apply: non-PKI (``pki`` False) or of an unknown type."""

    event_type: str
    """Its type."""
    pki: bool
    """Whether it is a ``pki.*`` event (of a type this library does not know)."""
    published: int | None = None
    """A PKI event's publication time (microseconds since the epoch), for ``keep``."""
    uuid: str = ""
    """A PKI event's uuid, for ``keep``."""
    outcome: str | None = None
    """A PKI event's ``outcome.result``, for ``keep``."""

    def as_record(self) -> Record:
        """The record ``keep`` judges an unknown PKI event by (kind ``unknown``)."""
        return Record(UNKNOWN, self.published or 0, self.uuid, self.event_type, self.outcome, None)


_RAW_LIMIT = 100_000
"""The most bytes of an unfinished line kept as a source error's text (``iter_records``')."""

UNKNOWN = "unknown"
"""The kind of the records ``keep`` sees for PKI events of a type this library does not know."""


Item = Union[Record, ParseFailure, Skipped]
"""What reading gives for each record: a record for the fold, a failure, or a skip."""


def _items_of_events(
    source: object,
    name: str,
    line: int | None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    from_line: int = 0,
) -> Iterator[Item]:
    """Read ``source`` as ``iter_records`` does: records of its events, its failures.

    ``from_line``: only the records whose document starts on that line or after it.
    """
    for item in iter_records(  # type: ignore[call-overload]
        source, on_error="collect", only_pki=False, max_record_bytes=max_record_bytes
    ):
        if item.line < from_line:
            continue
        if isinstance(item, ParseFailure):
            yield dataclasses.replace(item, line=item.line if line is None else line, source=name)
            continue
        yield _item_of(item.event)


def _items_of_line(line: bytes | str, name: str, number: int) -> Iterator[Item]:
    """One line of a file, read as ``iter_records`` reads it inside its file.

    Behind four blank lines, so that the line's own first bytes (a byte-order mark, a zero
    byte) never pick an encoding: the file's was decided at its start, and a line is UTF-8.
    """
    head = "\n\n\n\n" if isinstance(line, str) else b"\n\n\n\n"
    return _items_of_events([head + line], name, number)  # type: ignore[operator]


def _blank(line: bytes | str) -> bool:
    """Whether a line is JSON's blanks only (``iter_records`` skips it).

    Not ``strip()``'s whitespace: a line of form feeds is a failure, as in ``iter_records``.
    """
    return not line.strip(" \t\r\n" if isinstance(line, str) else b" \t\r\n")  # type: ignore[arg-type]


def _item_of(event: LogEvent) -> Record | Skipped:
    """The item of a parsed event: its record, or why it is skipped."""
    record = record_of(event)
    if record is not None:
        return record
    if isinstance(event, BasePkiEvent):
        outcome = event.outcome.result if event.outcome is not None else None
        return Skipped(event.event_type, True, micros_of(event.published), event.uuid, outcome)
    return Skipped(event.event_type, False)


def items_of_lines(
    lines: Iterable[tuple[int, bytes | str | OversizeLine]],
    name: str,
    check: Check = "full",
    documents: bool = False,
) -> Iterator[Item]:
    """The items of numbered lines, each a bare event or anything ``iter_records`` reads.

    With ``check="full"`` every line is validated as ``parse_event`` validates it, by
    ``check_event`` (the models' schemas giving dicts); with ``"fields"`` a line takes the
    minimal validator of the fold's fields (``_fields``: msgspec's where the ``fast`` extra
    is installed and certain, pydantic-core's otherwise). A line either refuses is read by
    ``iter_records`` (an envelope, an array, or a failure at its line); CA events and CRL
    failures take the full models. An ``OversizeLine`` (from ``open_lines``) is one failure.
    With ``documents``, a line that starts a multi-line document raises
    ``_DocumentStartError`` (the lines are a file's: the caller reads on as ``iter_records``).
    """
    batches = ((number, (line,)) for number, line in lines)
    return _items_of_batches(batches, name, check, documents)


Batch = Sequence[Union[bytes, str, OversizeLine]]
"""Lines numbered on from a first number (a chunk's lines, ``_Numbered``; or one line)."""


def _items_of_batches(
    batches: Iterable[tuple[int, Batch]],
    name: str,
    check: Check,
    documents: bool,
    unbroken: bool = False,
    direct: Direct | None = None,
) -> Iterator[Item]:
    """``items_of_lines`` of batches of lines, each numbered on from its first number.

    One loop, no stage per line. ``unbroken``: the lines are ``_line_batches``', without
    their line break. ``direct``: a certificate event goes straight to its tracker (and is
    counted there), not as a ``Record``.
    """
    add = direct.add if direct is not None else None
    full = check == "full"
    validate: Callable[[str | bytes | bytearray], Mapping[str, Any]] = check_event
    event_type_key, alternate = "event_type", "alternate_id"  # the models' field names
    fast = fast_check()  # msgspec's reading, where it is certain (the fast extra)
    if not full:
        validate = exact_fields  # type: ignore[assignment]
        event_type_key, alternate = "eventType", "alternateId"  # the wire names
        fast = fast_fields()
    published = Published()
    days, times, seconds, millis = published.parts()
    exact_micros, read_micros = published.exact, published.read
    cert_types = TYPE_CODE
    for first, batch in batches:
        for number, line in enumerate(batch, first):
            if (
                fast is not None
                and type(line) is bytes
                and len(line) <= MAX_BYTES  # within_guards, inline
                and (line.isascii() or strict_utf8(line))
                and len(line) - len(line.replace(b"{", b"").replace(b"[", b"")) <= MAX_BRACKETS
            ):
                try:
                    got = fast(line)
                except Exception:  # msgspec's errors, a RecursionError: pydantic-core decides
                    pass
                else:
                    text = got.published
                    micros: int | None
                    try:  # published.read(text), inline
                        micros = (
                            days[text[:11]]
                            + times[text[11:16]]
                            + seconds[text[16:20]]
                            + millis[text[20:]]
                        )
                    except KeyError:
                        micros = exact_micros(text)
                    if micros is not None:  # else refused: the exact path says why
                        event_type = got.event_type
                        if event_type in cert_types:
                            cert_id, device_id = cert_and_device(got.target or ())
                            outcome = got.outcome
                            result = outcome.result if outcome is not None else None
                            actor = got.actor
                            by = (actor.alternate_id or actor.id) if actor is not None else None
                            if add is not None and cert_id is not None:
                                add(micros, got.uuid, event_type, result, cert_id, device_id, by)
                                direct.count += 1  # type: ignore[union-attr]
                            else:
                                yield _cert_record(
                                    micros, got.uuid, event_type, result, cert_id, device_id, by
                                )
                        elif not event_type.startswith("pki."):
                            yield Skipped(event_type, False)
                        elif event_type in EVENT_MODELS or not full:  # CA, CRL failure: models
                            yield from _items_of_line(line, name, number)
                        else:  # a pki.* type outside the catalogue, checked in full
                            outcome = got.outcome
                            result = outcome.result if outcome is not None else None
                            yield Skipped(event_type, True, micros, got.uuid, result)
                        continue
            if isinstance(line, OversizeLine):
                if documents and line.head.lstrip(b" \t\r")[:1] in (b"[", b"{", b""):
                    # the stream reader reads such a line as a document (an array element by
                    # element, objects one after the other): as iter_records frames it
                    raise _DocumentStartError(number) from None
                yield _oversize(number, line, name)
                continue
            try:  # a line's break never makes it valid or not: read first without it
                fields = validate(line)
            except ValidationError as exc:
                error = exc
                if unbroken:  # the break decides what a broken line is (see _with_break)
                    line = _with_break(line)  # type: ignore[arg-type]
                    error = _refusal(validate, line) or exc
                if documents and _starts_document(line, error):
                    raise _DocumentStartError(number) from None
                if not _blank(line):  # an envelope, an array, a failure: as iter_records reads it
                    yield from _items_of_line(line, name, number)
                continue
            if full:
                micros = micros_of(fields["published"])
            else:
                micros = read_micros(fields["published"])
                if micros is None:  # refused: the models say why, at its line
                    yield from _items_of_line(_as_read(line, unbroken), name, number)
                    continue
            event_type = fields[event_type_key]
            if event_type not in cert_types:
                if event_type in EVENT_MODELS or (not full and event_type.startswith("pki.")):
                    # a CA event, a CRL failure (few; "fields": an unknown type too): the models
                    yield from _items_of_line(_as_read(line, unbroken), name, number)
                elif event_type.startswith("pki."):
                    outcome = fields.get("outcome")
                    result = outcome.get("result") if outcome else None
                    yield Skipped(event_type, True, micros, fields["uuid"], result)
                else:
                    yield Skipped(event_type, False)
                continue
            outcome = fields.get("outcome")
            actor = fields.get("actor")
            cert_id, device_id = _picked(fields.get("target"))
            result = outcome.get("result") if outcome else None
            by = (actor.get(alternate) or actor.get("id")) if actor else None
            if add is not None and cert_id is not None:
                add(micros, fields["uuid"], event_type, result, cert_id, device_id, by)
                direct.count += 1  # type: ignore[union-attr]
            else:
                yield _cert_record(
                    micros, fields["uuid"], event_type, result, cert_id, device_id, by
                )


def _picked(targets: list[Mapping[str, Any]] | None) -> tuple[Any, Any]:
    """The ids of the first certificate and of the first device target among dicts.

    ``cert_and_device``'s rule, on the exact check's dicts (whose keys may be missing).
    """
    cert_id = device_id = None
    found = 0
    for target in targets or ():
        code = target_code(target.get("type"))
        if code and not found & code:
            found |= code
            if code == CERT_TARGET:
                cert_id = target.get("id")
            else:
                device_id = target.get("id")
    return cert_id, device_id


def _refusal(
    validate: Callable[[str | bytes | bytearray], Mapping[str, Any]], line: bytes
) -> ValidationError | None:
    """Why ``validate`` refuses ``line`` (None if it takes it)."""
    try:
        validate(line)
    except ValidationError as exc:
        return exc
    return None


def _as_read(line: bytes | str, unbroken: bool) -> bytes | str:
    """A line as ``open_lines`` gives it (``_with_break`` when ``unbroken``), for the models."""
    return _with_break(line) if unbroken else line  # type: ignore[arg-type]


new_record = tuple.__new__


def _cert_record(
    published: int,
    uuid: str,
    event_type: str,
    outcome: str | None,
    cert_id: str | None,
    device_id: str | None,
    actor: str | None,
) -> Record:
    """A certificate event's ``Record`` (``Record(...)`` without its Python-level ``__new__``)."""
    fields = (CERT, published, uuid, event_type, outcome, cert_id, device_id, actor)
    return new_record(Record, (*fields, *_NO_CA_FIELDS))


_NO_CA_FIELDS = Record(CERT, 0, "", "", None, None)[8:]
"""A certificate record's values of the fields after ``actor`` (their defaults)."""


def _oversize(number: int, line: OversizeLine, name: str) -> ParseFailure:
    message = f"record over max_record_bytes ({line.limit:,} bytes): not read"  # as iter_events
    return ParseFailure(number, None, ValueError(message), line.head.decode(errors="replace"), name)


def items_of_path(
    path: Path,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    check: Check = "full",
    direct: Direct | None = None,
) -> Iterator[Item]:
    """The items of one file: line by line for NDJSON, else as ``iter_records`` reads it.

    A line over ``max_record_bytes`` is one failure at its line, never held in memory.
    ``direct``: see ``_items_of_batches``.
    """
    name = str(path)
    if not path.name.endswith(LINE_SUFFIXES):
        yield from _items_of_events(path, name, None, max_record_bytes)
        return
    numbered = _Numbered()
    text = utf8(chunks(path))
    try:
        batches = numbered.batches(_line_batches(text, max_record_bytes))
        yield from _items_of_batches(batches, name, check, True, True, direct)
    except _SourceEndError as end:  # truncated or corrupt gzip, bad encoding: the stream ends
        number = numbered.last + (not end.same_line)
        raw = end.text[-_RAW_LIMIT:].strip().decode("utf-8", "replace")
        yield ParseFailure(number, None, end.error, raw, name)
    except SourceError as error:
        yield ParseFailure(numbered.last + 1, None, error, "", name)
    except _DocumentStartError as at:  # a multi-line document: the rest as iter_records frames it
        yield from _items_of_events(path, name, None, max_record_bytes, at.line)
    finally:
        text.close()  # type: ignore[attr-defined]  # a generator: closing it closes the file


class _DocumentStartError(Exception):
    """A line starts a document that ``iter_records`` reads across lines (``"auto"``)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _starts_document(line: bytes | str, error: ValidationError) -> bool:
    """Whether the stream reader (format ``"auto"``) reads on past this refused line.

    It does for a line opening with ``[`` (an array, streamed) or with ``{`` whose JSON ends
    early or goes on (see ``continues_as_document``).
    """
    text = line.encode() if isinstance(line, str) else line
    first = text.strip(b" \t\r\n")[:1]
    return first == b"[" or (first == b"{" and continues_as_document(error))


class _Numbered:
    """Numbers lines, a batch at a time, and remembers the last number given."""

    def __init__(self) -> None:
        self.last = 0

    def batches(
        self, batches: Iterable[list[bytes | OversizeLine]]
    ) -> Iterator[tuple[int, list[bytes | OversizeLine]]]:
        """Each batch with the number of its first line."""
        for batch in batches:
            yield self.last + 1, batch
            self.last += len(batch)


def _line_batches(items: Iterator[Chunk], limit: int) -> Iterator[list[bytes | OversizeLine]]:
    """The lines of UTF-8 chunks, a chunk's worth at a time: ``open_lines``' lines, faster.

    A chunk is cut at its line breaks at once (``_lines_of``), so a line comes without its
    line break: a last line that had none is a ``LastLine``. From the first chunk with a line
    over ``limit`` (or an error, or an item that is not text), the rest is split by
    ``open_lines``' own splitter, one line a batch, so that such a line is never held whole.
    """
    carry = b""
    for item in items:
        if type(item) is not bytes:
            yield from _slow_batches(chain([carry, item], items), limit)
            return
        before = carry
        lines, carry = _lines_of(before, item)
        if len(carry) > limit or (lines and max(map(len, lines)) > limit):
            yield from _slow_batches(chain([before + item], items), limit)
            return
        if lines:
            yield lines  # type: ignore[misc]
    if carry:
        yield [LastLine(carry)]


def _lines_of(before: bytes, chunk: bytes) -> tuple[list[bytes], bytes]:
    """The lines ``before + chunk`` completes (without their breaks), and the text after them.

    ``bytes.find`` looks for each break (``memchr``): about twice as fast on long lines as
    ``split``, which compares byte by byte.
    """
    find = chunk.find
    end = find(b"\n")
    if end < 0:
        return [], before + chunk
    lines = [before + chunk[:end]]
    append = lines.append
    start = end + 1
    end = find(b"\n", start)
    while end >= 0:
        append(chunk[start:end])
        start = end + 1
        end = find(b"\n", start)
    return lines, chunk[start:]


class LastLine(bytes):
    """The last line of a file, which has no line break (``_line_batches``)."""


def _slow_batches(items: Iterator[Chunk], limit: int) -> Iterator[list[bytes | OversizeLine]]:
    ended = _Ended()
    for line in _split_lines(ended.until_error(items), limit):
        if isinstance(line, bytes):
            if line.endswith(b"\n"):
                line = line[:-1]
            elif ended.error is not None:  # unfinished at the error: the error's text
                raise _SourceEndError(ended.error, line, same_line=False)
            else:
                line = LastLine(line)
        yield [line]
    if ended.error is not None:  # after an unfinished oversize line: at its line
        raise _SourceEndError(ended.error, b"", same_line=ended.open)


class _Ended:
    """Where a source's text ended: its error (if any), and whether within a line."""

    __slots__ = ("error", "open")

    def __init__(self) -> None:
        self.error: SourceError | None = None
        self.open = False

    def until_error(self, items: Iterator[Chunk]) -> Iterator[Chunk]:
        for item in items:
            if isinstance(item, SourceError):
                self.error = item
                return
            if type(item) is bytes and item:
                self.open = not item.endswith(b"\n")
            yield item


class _SourceEndError(Exception):
    """A source error after the lines before it, reported as ``iter_records`` reports it.

    ``text``: the unfinished line before it (the failure's text); ``same_line``: the error is
    at the line just read (an unfinished oversize line, itself one failure), else the next.
    """

    def __init__(self, error: SourceError, text: bytes, same_line: bool) -> None:
        super().__init__(error)
        self.error, self.text, self.same_line = error, text, same_line


def _with_break(line: bytes) -> bytes:
    """A line of ``_line_batches`` as ``open_lines`` gives it, line break included.

    The break decides what a broken line is: a string cut at the break has a control
    character in it (a failure), a string cut at the end of the text ends early (a line
    that may start a document).
    """
    return bytes(line) if type(line) is LastLine else line + b"\n"


class Direct:
    """Certificate events fed straight to an exact tracker without a ``Record``, counted.

    ``add`` takes what ``feed_record`` hands on of a certificate record with a key
    (``LifecycleTracker._add``: only an exact tracker, and only without ``keep``).
    """

    __slots__ = ("add", "count")

    def __init__(self, tracker: LifecycleTracker) -> None:
        self.add: Callable[..., None] = tracker._add
        self.count = 0


def feed_items(
    tracker: LifecycleTracker,
    items: Iterable[Item],
    on_error: str,
    stats: StreamStats | None = None,
    keep: Callable[[Record], bool] | None = None,
    direct: Direct | None = None,
) -> list[ParseFailure]:
    """Feed items to a tracker; the failures per ``on_error`` (raise, collect or skip).

    ``stats`` counts them as ``iter_events`` counts records (``read``, ``parsed``,
    ``failed``, ``skipped``), with those fed ``direct`` while reading; ``keep`` judges each
    PKI record (see ``lifecycles_from``).
    """
    failures: list[ParseFailure] = []
    feed_record = tracker.feed_record
    data = tracker._data
    read = parsed = failed = skipped = 0
    try:
        for item in items:
            read += 1
            if type(item) is Record:
                parsed += 1
                if keep is None or keep(item):
                    feed_record(item)
            elif isinstance(item, Skipped):
                if not item.pki:
                    skipped += 1
                    data.ignored += 1
                    continue
                parsed += 1
                if keep is None or keep(item.as_record()):
                    data.unknown[item.event_type] = data.unknown.get(item.event_type, 0) + 1
            elif isinstance(item, ParseFailure):
                failed += 1
                if on_error == "raise":
                    raise RecordError(item)
                if on_error == "collect":
                    failures.append(item)
            else:  # a subclass of Record
                parsed += 1
                if keep is None or keep(item):
                    feed_record(item)
    finally:
        if direct is not None:
            read += direct.count
            parsed += direct.count
            direct.count = 0
        if stats is not None:
            stats.read += read
            stats.parsed += parsed
            stats.failed += failed
            stats.skipped += skipped
    return failures


def lifecycles_from(
    source: SourceLike,
    *,
    window: timedelta | None = None,
    strict: bool = False,
    on_error: Literal["raise", "collect", "skip"] = "raise",
    keep: Callable[[Record], bool] | None = None,
    stats: StreamStats | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    check: Check = "full",
) -> LifecycleReport:
    """The lifecycle report of files, read without building full event models.

    Args:
        source: a path, a directory (its ``.ndjson``/``.jsonl``/``.json`` files, gzip or
            not, recursively, in name order), a glob pattern (``"logs/2026-*.ndjson.gz"``),
            or an iterable of these.
        window: None for exact mode, else windowed mode (see ``LifecycleTracker``).
        strict: raise ``LifecycleError`` at the first anomaly.
        on_error: ``"raise"`` (default) raises ``RecordError`` naming the file, the line and
            the field path; ``"collect"`` lists the failures in ``report.failures``;
            ``"skip"`` drops them.
        keep: apply only the records for which it is true (a filter by type, time, ...).
            It also judges PKI events of a type this library does not know (records of kind
            ``unknown``: counted in ``report.unknown_types`` only when kept); non-PKI
            records are counted in ``report.ignored`` whatever it says. ``event_type`` is
            the type on the wire (an alias stays an alias).
        stats: counts the records as ``iter_events`` does: ``read``, ``parsed`` (PKI),
            ``failed`` and ``skipped`` (non-PKI).
        max_record_bytes: a record (a line of NDJSON) longer than this is one failure at
            its line, never held in memory; the reading goes on after it.
        check: ``"full"`` (default) is exact: every line is validated as ``parse_event``
            validates it (the models' own schemas, giving dicts instead of models), so a
            record ``iter_events`` refuses is a failure here too, at its line, and the
            report, failures and ``stats`` equal ``iter_events``'. ``"fields"`` checks a
            certificate event only in the fields the lifecycle reads (``uuid``,
            ``published``, ``eventType``, ``outcome.result``, the actor's ids, the targets'
            ids and types) and a non-PKI record only in those fields too: faster, and it
            differs from ``iter_events`` on exactly these records: a lifecycle event, or a
            non-PKI record, valid in those fields and broken elsewhere (``"client": 5``)
            is applied (counted as ignored) where ``iter_events`` reports a failure. With
            the ``fast`` extra (msgspec) either check reads a line with msgspec first where
            msgspec's reading is certain to be pydantic-core's, and with pydantic-core
            otherwise: the same result either way.

    Measured (``benchmarks/RESULTS.md``, 100,000 certificate events, paired rounds, CPU
    time) against ``build_lifecycles(iter_events(...))``: with the ``fast`` extra the
    default ``check="full"`` about 3.1-3.6x faster and ``check="fields"`` about 3.9-4.5x;
    without it about 1.7-2.0x and 2.7-2.8x (the lower figures on a quiet machine, where the
    parse speeds up more).

    With ``check="full"`` the report equals ``build_lifecycles`` of the same files read with
    ``iter_events(..., only_pki=False)`` (non-PKI events are counted in ``report.ignored``),
    failures included: a line over ``max_record_bytes`` that opens an array or an object is
    read from there on as ``iter_events`` reads it (the array streamed, objects one after
    the other read each).

    """
    if on_error not in ("raise", "collect", "skip"):
        raise ValueError(f"on_error must be 'raise', 'collect' or 'skip', not {on_error!r}")
    if check not in ("full", "fields"):
        raise ValueError(f"check must be 'full' or 'fields', not {check!r}")
    tracker = LifecycleTracker(window=window, strict=strict)
    failures: list[ParseFailure] = []
    counts = stats if stats is not None else StreamStats()
    with gc_paused():  # a batch: the tracker keeps its records, no collector rescans of them
        # exact mode without keep: certificate events straight to the tracker
        direct = Direct(tracker) if window is None and keep is None else None
        for path in expand_sources(source):
            items = items_of_path(path, max_record_bytes, check, direct)
            failures += feed_items(tracker, items, on_error, counts, keep, direct)
        report = tracker.report()
    return dataclasses.replace(report, failures=tuple(failures))
