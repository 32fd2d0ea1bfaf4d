"""``iter_events`` and ``iter_records``: the stages chained, and the one place that counts.

source -> chunks (gzip streamed) -> UTF-8 text -> records: each stage a generator over the
one before it. Then one loop takes each record: envelopes unwrapped -> parse -> accounting.
A record the probe already told an event is decided in the loop itself; each record passes
through each stage once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, Literal, TypeAlias, TypeVar, Union, overload

from pydantic import ValidationError
from pydantic_core import from_json, to_json

from .._lazy import lazy_classes, stream_parser
from .._parsing import OnUnknown, UnknownEventTypeError, parse_event
from ..envelopes import ENVELOPE_NAMES, EnvelopeName, detect_envelope, open_envelope
from ..models.events import PKI_PREFIX, BaseKnownPkiEvent, BasePkiEvent, NonPkiEvent, PkiEvent
from ..models.log_event import LogEvent
from ._probe import SKIP, Probe, exact_probe, fast_probe, keeping, skipper
from .framing import Broken, Format, Framed, Framer, LazyRun
from .results import ParseFailure, Record, RecordError, StreamStats
from .sources import Source, check_source, chunks, source_name, utf8

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "EnvelopeOption",
    "EventStream",
    "OnError",
    "RecordStream",
    "iter_events",
    "iter_records",
]

OnError: TypeAlias = Literal["raise", "collect", "skip"]
"""What to do with a bad record: raise, yield a ``ParseFailure`` in its place, or drop it."""

EnvelopeOption: TypeAlias = Union[Literal["auto", "none"], EnvelopeName, None]
"""The envelope records arrive in: ``None`` or ``"none"`` (records are events, as the CLI's
``--envelope none``), one by name, or ``"auto"``."""

DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024
"""The default of ``max_record_bytes``: 16 MiB (Okta's events are a few KiB)."""

T = TypeVar("T")

# The one check of a record's JSON before it is parsed (see ``_probe``).
_PROBE = exact_probe
_FORMATS = ("auto", "ndjson", "json")
# A lazy stream tries the lazy parse first once this many events in a row were of kept types.
_LAZY_RUN = 2


def _lazy_probe(
    probe: Probe, keep: str, parse: Callable[[bytes], Any]
) -> tuple[Probe, Callable[[], None]]:
    """The probe with ``lazy=True`` and envelopes told by their keys: one JSON pass per event.

    In a run of events of kept types (their ``eventType`` starts with ``keep``), a record is
    parsed lazily at once, which checks its JSON as the probe does, and is an event by its
    ``uuid`` and ``eventType``: the answer is the lazy event, or ``SKIP`` for an event of a
    type not kept (as the probe answers it); a record the lazy parse refuses is probed.
    Elsewhere (at the start, after a record that was not such an event) the probe comes
    first, and a record it tells an event is parsed by the reader. The order follows the
    stream only for speed: a run of PKI events never pays the probe, a mixed stream never pays
    a lazy parse of each event it skips, and the outcome is the probe's either way.

    ``parse`` is the stream's lazy parser (``stream_parser(keep)``). Returns the probe, and
    the call that ends a run (the framer's fast path parses a run's lines with ``parse``).
    """
    run = 0  # events of kept types in a row, as far as the last record tells

    def lazy_probe(text: bytes) -> Any:
        nonlocal run
        if run >= _LAZY_RUN:
            try:
                event = parse(text)
            except ValidationError:
                run = 0
                return probe(text)
            if event is not None:
                return event
            run = 0
            return SKIP  # an event of a type not kept, as the probe answers it
        keys = probe(text)
        kind = type(keys)
        if kind is str or (kind is dict and _kept(keys, keep)):
            run += 1
        else:
            run = 0
        return keys

    def end_run() -> None:
        nonlocal run
        run = 0

    return lazy_probe, end_run


def _kept(keys: dict[str, Any], keep: str) -> bool:
    """Whether the exact probe's keys are an event's with a type ``keep`` starts."""
    event_type = keys.get("eventType")
    return "uuid" in keys and type(event_type) is str and event_type.startswith(keep)


_RAW_LIMIT = 100_000
# Envelopes nested deeper are one failure: JSON text cannot nest them so deep (pydantic-core
# refuses JSON nested past 200 levels), decoded records could, past the recursion limit.
_MAX_NESTING = 200

# The envelopes around a payload, outermost first (None: metadata that did not validate)
_Chain: TypeAlias = tuple[Any, ...]
# Where a record is in its document: its index, or (nested) every position (see ``_within``)
_Where: TypeAlias = Union[int, tuple[int, ...], None]
# An unwrapped record: (line, index, its envelopes or None, payload as JSON text or decoded,
# its keys)
_Unwrapped: TypeAlias = Union[tuple[int, Union[int, None], Any, Any, Any], Broken]


class _Skipped:
    """The outcome of a record skipped by rule (not PKI, with ``only_pki``)."""


_SKIPPED = _Skipped()


class _Reader:
    """One pass over a source: the stages, and the stats they add up to."""

    def __init__(
        self,
        source: Source,
        *,
        format: Format,
        envelope: EnvelopeOption,
        on_error: OnError,
        only_pki: bool,
        on_unknown: OnUnknown,
        max_record_bytes: int,
        records: bool,
        lazy: bool = False,
    ) -> None:
        if format not in _FORMATS:
            raise ValueError(f"format must be one of {_FORMATS}, not {format!r}")
        if envelope == "none":
            envelope = None
        if envelope is not None and envelope != "auto" and envelope not in ENVELOPE_NAMES:
            raise ValueError(
                f"envelope must be None, 'none', 'auto' or one of {ENVELOPE_NAMES}, "
                f"not {envelope!r}"
            )
        if on_error not in ("raise", "collect", "skip"):
            raise ValueError(f"on_error must be 'raise', 'collect' or 'skip', not {on_error!r}")
        if on_unknown not in ("generic", "raise"):
            raise ValueError(f"on_unknown must be 'generic' or 'raise', not {on_unknown!r}")
        if not isinstance(max_record_bytes, int) or max_record_bytes < 1:
            raise ValueError(f"max_record_bytes must be a positive int, not {max_record_bytes!r}")
        self.source = source
        self.format = format
        self.envelope = envelope
        self.on_error = on_error
        self.only_pki = only_pki
        self.on_unknown = on_unknown
        self.max_record_bytes = max_record_bytes
        self.records = records
        self.lazy = lazy
        self.fast: LazyRun | None = None  # a lazy stream's fast path (``Framer``'s ``lazy``)
        # Records are events, or told from envelopes by their keys: the probe's answer
        # decides (and with lazy=True a PKI event is parsed once, at the probe). Envelopes
        # by name are opened whole: the exact probe only tells objects from arrays there.
        self.keyed = envelope in ("auto", None)
        probe: Probe = _PROBE
        if self.keyed:
            # an event of another type than PKI_PREFIX's, with only_pki: the probe answers
            # SKIP (and the records stage counts it, without yielding it)
            keep, events = (PKI_PREFIX if only_pki else ""), envelope is None
            probe = fast_probe(keep, events) or keeping(keep, events)
            if lazy:
                parse = stream_parser(keep)
                probe, end_run = _lazy_probe(probe, keep, parse)
                if on_unknown != "raise" and not records:  # lazy events go out as they are
                    self.fast = (parse, lazy_classes(), end_run)
        self.probe = probe
        check_source(source)
        self.name = source_name(source)
        self.stats = StreamStats()

    def __iter__(self) -> Iterator[Any]:
        text = utf8(chunks(self.source))
        # NDJSON lines need their keys (the probe) only for a filter, lazy parsing or
        # envelopes told by their keys; else each is parsed as it is
        probe_lines = self.keyed and (self.envelope is not None or self.only_pki or self.lazy)
        skip = None
        if self.keyed and self.only_pki:
            skip = skipper(PKI_PREFIX, self.envelope is None, self.max_record_bytes)
        framer = Framer(
            text, self.format, self.max_record_bytes, self.probe, probe_lines, skip, self.fast
        )
        return self._read(framer.records())

    # -- the loop ------------------------------------------------------------------------

    def _read(self, framed: Iterator[Framed]) -> Iterator[Any]:
        """The one loop and the one place that counts: each record parsed, failed or skipped.

        A record of JSON text that its keys tell an event (most records of most streams) is
        decided here: yielded as the lazy event the probe parsed, or parsed; one the probe
        answered ``SKIP`` is skipped (the records stage sends a run of skipped lines as
        their count). Any other record (decoded, an envelope, broken) is unwrapped
        (``_unwrap``) and each of its payloads decided by ``_outcome``. The outcome is the
        same either way; the counts of skipped records are kept in locals and added to
        ``stats`` before every yield and at the end.
        """
        stats, on_error = self.stats, self.on_error
        keyed, events = self.keyed, self.envelope is None
        # the classes of the lazy probe's events: a set lookup, where isinstance would pay
        # the model metaclass's ABC check on every event
        lazy_kinds: frozenset[type] = lazy_classes() if self.lazy else frozenset()
        read = skipped = 0  # skipped records not yet added to stats
        try:
            for item in framed:
                outcomes: Iterable[Any]
                if keyed and type(item) is tuple:
                    keys = item[3]
                    kind = type(keys)
                    if (
                        kind is str  # the fast probe's answer: an event of this type
                        or keys is None  # unprobed: records are events, parsed as they are
                        or (kind is dict and (events or ("uuid" in keys and "eventType" in keys)))
                    ):
                        outcomes = (self._parsed(item[0], item[1], None, item[2]),)
                    elif keys is SKIP:  # an element of a document, skipped by rule
                        read += 1
                        skipped += 1
                        continue
                    elif kind in lazy_kinds:  # the lazy probe's event, of a kept type
                        outcomes = (self._lazy(item[0], item[1], item[2], keys),)
                    else:  # decoded, broken, an array, or an envelope's keys
                        outcomes = map(self._outcome, self._unwrap(*item[:3], keys))
                elif type(item) in lazy_kinds:  # a lazy event, bare (the framer's fast path)
                    stats.read += read + 1
                    if skipped:
                        stats.skipped += skipped
                    stats.parsed += 1
                    read = skipped = 0
                    yield item
                    continue
                elif isinstance(item, int):  # lines the probe answered SKIP
                    read += item
                    skipped += item
                    continue
                elif isinstance(item, Broken):
                    outcomes = (self._outcome(item),)
                else:  # in a named envelope
                    outcomes = map(self._outcome, self._unwrap(*item))
                for outcome in outcomes:
                    read += 1
                    if outcome is _SKIPPED:
                        skipped += 1
                        continue
                    stats.read += read
                    stats.skipped += skipped
                    read = skipped = 0
                    if type(outcome) is ParseFailure:
                        stats.failed += 1
                        if on_error == "raise":
                            raise RecordError(outcome) from outcome.error
                        if on_error == "collect":
                            yield outcome
                    else:
                        stats.parsed += 1
                        yield outcome
        finally:
            stats.read += read
            stats.skipped += skipped

    # -- envelopes -----------------------------------------------------------------------

    def _unwrap(self, line: int, index: int | None, text: Any, keys: Any) -> Iterator[_Unwrapped]:
        """A record -> its events: every payload of an envelope its own record, with its index."""
        mode = self.envelope
        if text is None:  # a decoded record (from an iterable)
            yield from self._open(line, index, keys.value, mode)
            return
        if mode is None:
            yield (line, index, None, text, keys)
            return
        if keys is None:
            try:
                keys = _PROBE(text)
            except ValidationError as exc:
                keys = exc
        # ``index`` is set: the record is an element of an array the framer streamed (a page
        # already opened): an event, never a page or (by name) an envelope of its own
        if type(keys) is dict:
            if (mode == "api_page" and index is not None) or (
                mode == "auto"
                and (
                    ("uuid" in keys and "eventType" in keys) or detect_envelope(keys) == "log_event"
                )
            ):
                yield (line, index, None, text, keys)  # the keys say: an event
                return
            yield from self._open(line, index, from_json(text), mode)
        elif isinstance(keys, ValidationError) and _is_array(keys) and index is None:
            yield from self._open(line, index, from_json(text), mode)
        else:  # broken, or an array inside a page (no event): the parse stage reports it
            yield (line, index, None, text, keys)

    def _open(
        self, line: int, index: _Where, document: Any, mode: Any, chain: _Chain = ()
    ) -> Iterator[Any]:
        """A decoded record: an event, or (``mode`` an envelope or ``"auto"``) its payloads.

        ``chain``: the envelopes it is inside, outermost first (None for one whose metadata
        does not validate); it goes with each event, in the envelope slot.
        """
        kind = detect_envelope(document) if mode == "auto" else mode
        if kind is None or kind == "log_event":
            yield (line, index, chain or None, document, None)
            return
        if len(chain) >= _MAX_NESTING:
            error = ValueError(f"envelopes nested more than {_MAX_NESTING} deep: not opened")
            yield Broken(line, index, error, b"")
            return
        try:
            for position, envelope, payload in open_envelope(
                kind, document, max_bytes=self.max_record_bytes
            ):
                where = index if position is None else _within(index, position)
                if kind == "api_page":
                    yield from self._element(line, where, (*chain, envelope), payload, mode)
                else:
                    yield from self._payload(line, where, (*chain, envelope), payload)
        except ValueError as exc:
            yield Broken(line, index, exc, _dumps(document).encode())

    def _element(
        self, line: int, index: _Where, chain: _Chain, element: Any, mode: Any
    ) -> Iterator[Any]:
        """An element of a decoded page, read as the framer reads a page's elements as text.

        An object is an event (always, in a page named by ``mode="api_page"``) or an envelope
        (opened in turn); anything else (text, an array, a number) is no event: the failure
        of its JSON's probe, never JSON text to read nor a page to open.
        """
        if isinstance(element, Mapping):
            if mode == "api_page":
                yield (line, index, chain, element, None)
            else:
                yield from self._payload(line, index, chain, element)
            return
        error = ValidationError.from_exception_data(
            "LogEvent", [{"type": "dict_type", "loc": (), "input": element}], input_type="json"
        )  # the probe's error for its JSON, built without writing it (it may not be JSON)
        try:
            raw: Any = to_json(element, serialize_unknown=True)  # compact, as it may have come
        except ValueError:  # text that is not UTF-8 encodable, say: its failure shows it
            raw = element
        yield (line, index, chain, raw, error)

    def _payload(self, line: int, index: _Where, chain: _Chain, payload: Any) -> Iterator[Any]:
        """A payload of an envelope: an event, or a nested envelope (opened in turn)."""
        if isinstance(payload, ValueError):
            yield Broken(line, index, payload, b"")
            return
        if not isinstance(payload, (str, bytes)):
            if detect_envelope(payload) == "log_event":
                yield (line, index, chain, payload, None)
            else:
                yield from self._open(line, index, payload, "auto", chain)
            return
        text = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload
        text = text.strip(b" \t\r\n")
        if len(text) > self.max_record_bytes:
            message = f"record over max_record_bytes ({self.max_record_bytes:,} bytes): not read"
            yield Broken(line, index, ValueError(message), text[:200])
            return
        try:
            keys: Any = _PROBE(text)
        except ValidationError as exc:
            keys = exc
        if (type(keys) is dict and detect_envelope(keys) != "log_event") or (
            isinstance(keys, ValidationError) and _is_array(keys)
        ):
            yield from self._open(line, index, from_json(text), "auto", chain)
        else:
            yield (line, index, chain, text, keys)

    # -- parsing -------------------------------------------------------------------------

    def _outcome(self, item: _Unwrapped) -> Any:
        """An event -> its outcome: a parsed event or record, a failure, or skipped."""
        if isinstance(item, Broken):
            return self._failure(item.line, item.index, item.error, item.raw)
        line, index, envelope, payload, keys = item
        if type(keys) is ValidationError:
            if self.envelope is None and index is None and _not_object(keys):
                # JSON that is no object where events are expected: parse_event's error (for
                # an API page it names the page and the envelope that reads it), as for a
                # record that was not probed, whatever made the stream probe it. An element
                # of an array is read as the element of a page: no event, never a page.
                return self._parsed(line, index, envelope, payload)
            return self._failure(line, index, keys, payload)
        if self.only_pki:
            if type(keys) is dict:
                event_type = keys.get("eventType")
            elif isinstance(payload, Mapping):
                event_type = payload.get("eventType")
            else:
                event_type = None
            if isinstance(event_type, str) and not event_type.startswith(PKI_PREFIX):
                return _SKIPPED
        return self._parsed(line, index, envelope, payload)

    def _lazy(self, line: int, index: int | None, text: Any, event: LogEvent) -> Any:
        """An event the lazy probe parsed: the record, or a failure (``on_unknown="raise"``)."""
        if self.on_unknown == "raise" and not isinstance(event, BaseKnownPkiEvent):
            return self._failure(line, index, UnknownEventTypeError(event.event_type), text)
        return Record(event, None, line, index, self.name) if self.records else event

    def _parsed(self, line: int, index: _Where, chain: _Chain | None, payload: Any) -> Any:
        """An event parsed: the event (or record), a failure, or skipped (not PKI)."""
        try:
            event = parse_event(payload, on_unknown=self.on_unknown, lazy=self.lazy)
        except ValueError as exc:
            return self._failure(line, index, exc, payload)
        if self.only_pki and not isinstance(event, BasePkiEvent):
            return _SKIPPED
        if self.records:
            if not chain:
                assert not isinstance(index, tuple)  # nested only inside an envelope
                return Record(event, None, line, index, self.name)
            envelopes = tuple(e for e in chain if e is not None)
            if isinstance(index, tuple):  # nested in more than one multi-record document
                return Record(event, chain[-1], line, index[0], self.name, envelopes, index)
            return Record(event, chain[-1], line, index, self.name, envelopes)
        return event

    def _failure(self, line: int, index: _Where, error: ValueError, raw: Any) -> ParseFailure:
        if isinstance(raw, bytes):
            text = raw[:_RAW_LIMIT].strip().decode("utf-8", "replace")
        else:
            text = _dumps(raw)
        if isinstance(index, tuple):  # nested in more than one multi-record document
            return ParseFailure(line, index[0], error, text, self.name, index)
        return ParseFailure(line, index, error, text, self.name)


def _within(index: _Where, position: int) -> _Where:
    """Where a payload is: at ``position`` in an envelope (or array) that is at ``index``.

    An int for one position; a tuple of every position, outermost first, when the envelope
    is itself an element of another (the log events of a Firehose record, an array in the
    body of an SQS message): the failure and the record name them all.
    """
    if index is None:
        return position
    return (*index, position) if isinstance(index, tuple) else (index, position)


def _not_object(error: ValidationError) -> bool:
    """Whether the probe failed because the record is JSON but no object."""
    return error.errors(include_url=False)[0]["type"] == "dict_type"


def _is_array(error: ValidationError) -> bool:
    """Whether the probe failed because the record is a JSON array (an API page)."""
    first = error.errors(include_url=False)[0]
    return first["type"] == "dict_type" and isinstance(first.get("input"), list)


def _dumps(value: Any) -> str:
    """A decoded record's text for its failure: its JSON, else its ``repr``, cut."""
    try:
        return json.dumps(value, default=str)[:_RAW_LIMIT]
    except (TypeError, ValueError, RecursionError):  # not JSON, or nested too deep for it
        pass
    try:
        return repr(value)[:_RAW_LIMIT]
    except (RecursionError, ValueError):  # ValueError: an int too long to write out
        return f"<{type(value).__name__} nested too deep to show>"


class EventStream(Iterator[T], Generic[T]):
    """The iterator ``iter_events`` returns: the events, and ``.stats`` as it goes."""

    def __init__(self, reader: _Reader) -> None:
        """Wrap a reader: yield what it yields (events, or records)."""
        self._reader = reader
        self._items: Iterator[T] = iter(reader)

    @property
    def stats(self) -> StreamStats:
        """Counts so far: read, parsed, failed, skipped (final once exhausted)."""
        return self._reader.stats

    def __iter__(self) -> Iterator[T]:
        """The reader's own generator: a ``for`` loop then runs without this wrapper's call.

        It is the same iteration as this object's (``next()`` on either takes the next item).
        """
        return self._items

    def __next__(self) -> T:
        return next(self._items)


RecordStream = EventStream
"""The iterator ``iter_records`` returns: records with their envelope and position."""

_Any = Union[PkiEvent, NonPkiEvent]
_MAX = DEFAULT_MAX_RECORD_BYTES


@overload
def iter_events(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: Literal["collect"],
    only_pki: Literal[True] = True,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> EventStream[PkiEvent | ParseFailure]: ...
@overload
def iter_events(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: Literal["collect"],
    only_pki: bool,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> EventStream[_Any | ParseFailure]: ...
@overload
def iter_events(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: Literal["raise", "skip"] = "raise",
    only_pki: Literal[True] = True,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> EventStream[PkiEvent]: ...
@overload
def iter_events(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: Literal["raise", "skip"] = "raise",
    only_pki: bool,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> EventStream[_Any]: ...
@overload
def iter_events(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: OnError = "raise",
    only_pki: bool = True,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> EventStream[_Any | ParseFailure]: ...
def iter_events(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: OnError = "raise",
    only_pki: bool = True,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> EventStream[Any]:
    """Parse every event of a file, stream or iterable, lazily.

    Args:
        source: a path (``str`` or ``os.PathLike``: a ``str`` is always a path), JSON text
            as ``bytes``, a binary or text file object (``sys.stdin.buffer``), or an
            iterable of lines (``str``/``bytes``) or decoded records (mappings). Gzip is
            decompressed as it is read (known by its content, not its name); a byte-order
            mark, UTF-16 and UTF-32 are decoded.
        format: how the text is cut into records. ``"ndjson"``: one record per line.
            ``"json"``: JSON values (one document, concatenated values); a top-level array
            is read element by element. ``"auto"`` (the default) decides line by line: a
            line that is JSON on its own is a record; a line opening an array, a value that
            goes on over the next lines, or values one after the other on one line (longer
            than ``max_record_bytes`` too: Firehose's objects in S3) starts a document.
        envelope: what records are delivered in. ``None`` (or ``"none"``): records are events.
            ``"api_page"``, ``"event_hook"``, ``"eventbridge"``: every record is that
            envelope. ``"auto"`` (the default) tells each record by its own required keys
            (an object with ``uuid`` and ``eventType`` is always an event). Each event of an
            envelope is its own record, with its index: a bad one fails alone.
        on_error: ``"raise"`` (the default) raises ``RecordError`` naming the line and the
            field path; ``"collect"`` yields a ``ParseFailure`` in place of the bad record
            and goes on; ``"skip"`` drops it (it is still counted in ``stats.failed``).
        only_pki: yield PKI events only; other records are skipped (counted in
            ``stats.skipped``) after a cheap check of their ``eventType``, never a full
            validation. A broken record is a failure, never a skip.
        on_unknown: passed to ``parse_event``; ``"raise"`` makes an unknown ``pki.*`` type
            (or, without ``only_pki``, a non-PKI type) a failure.
        max_record_bytes: a record longer than this (16 MiB by default) is one failure,
            found without holding it in memory, and the stream goes on; as after a broken
            value, the lines after a multi-line one's first line are read again.
        lazy: parse each event with ``parse_event(..., lazy=True)``: six fields validated
            now, the record's text kept (without its line ending) and the rest validated on
            first read; ``model_dump_json()`` returns the record's text. An event that
            reaches the parse already decoded (a mapping of an iterable, the events of an
            event-hook delivery or of an EventBridge event) has no text of its own and is
            parsed eagerly.

    The returned iterator's ``.stats`` counts ``read``, ``parsed``, ``failed`` and
    ``skipped`` records (``parsed + failed + skipped == read``), final once exhausted.
    Errors of the source itself (it cannot be opened or read, truncated or corrupt gzip,
    invalid UTF-16) are a failure at the line where they happen (a ``SourceError``), after
    every record before it. Nothing but a ``ValueError`` leaves the iterator.

    """
    return EventStream(
        _Reader(
            source,
            format=format,
            envelope=envelope,
            on_error=on_error,
            only_pki=only_pki,
            on_unknown=on_unknown,
            max_record_bytes=max_record_bytes,
            lazy=lazy,
            records=False,
        )
    )


@overload
def iter_records(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: Literal["collect"],
    only_pki: Literal[True] = True,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> RecordStream[Record[PkiEvent] | ParseFailure]: ...
@overload
def iter_records(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: Literal["collect"],
    only_pki: bool,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> RecordStream[Record[_Any] | ParseFailure]: ...
@overload
def iter_records(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: Literal["raise", "skip"] = "raise",
    only_pki: Literal[True] = True,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> RecordStream[Record[PkiEvent]]: ...
@overload
def iter_records(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: Literal["raise", "skip"] = "raise",
    only_pki: bool,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> RecordStream[Record[_Any]]: ...
@overload
def iter_records(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: OnError = "raise",
    only_pki: bool = True,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> RecordStream[Record[_Any] | ParseFailure]: ...
def iter_records(
    source: Source,
    *,
    format: Format = "auto",
    envelope: EnvelopeOption = "auto",
    on_error: OnError = "raise",
    only_pki: bool = True,
    on_unknown: OnUnknown = "generic",
    max_record_bytes: int = _MAX,
    lazy: bool = False,
) -> RecordStream[Any]:
    """Like ``iter_events``, but yield ``Record``s: the event, its envelope and its position.

    With ``on_error="collect"`` a ``ParseFailure`` is yielded in place of a bad record; the
    item type holds ``ParseFailure`` only then.
    """
    return EventStream(
        _Reader(
            source,
            format=format,
            envelope=envelope,
            on_error=on_error,
            only_pki=only_pki,
            on_unknown=on_unknown,
            max_record_bytes=max_record_bytes,
            lazy=lazy,
            records=True,
        )
    )
