r"""The ``fast`` extra: a msgspec probe in front of the exact one, answering only where it agrees.

A stream reads each record's ``eventType`` (and the keys that tell an event from an
envelope) before it parses anything: pydantic-core's probe (``exact_probe``) does it, and
checks the record's JSON on the way. With msgspec installed (``pip install
'okta-pki-events[fast]'``), msgspec reads a record first, about three times faster, and its
answer is taken only where msgspec and pydantic-core cannot disagree; every other record
goes to the exact probe, so that a record's fate (parsed, failed with the same message, or
skipped) never depends on the extra. msgspec's answer is taken when:

- the record is at most ``MAX_BYTES`` long: pydantic-core refuses integers of more than
  4,300 digits, msgspec reads them;
- it is ASCII, or else UTF-8 to Python's strict decoder (``strict_utf8``), which refuses what
  pydantic-core refuses (cut or overlong sequences, surrogates, past U+10FFFF): msgspec
  does not check the UTF-8 of the strings it skips;
- it holds at most ``MAX_BRACKETS`` ``{`` and ``[`` together, so it nests no deeper: pydantic-
  core refuses nesting past 200 levels, msgspec goes as deep as Python's recursion limit;
- msgspec reads it as one JSON object with a ``uuid`` and a string ``eventType``. Anything
  msgspec refuses (broken JSON, ``NaN``, another type, an envelope) is left to the exact probe,
  which reports it.

Escapes need no guard: msgspec (from ``MIN_MSGSPEC`` on) decodes escaped keys, refuses lone
surrogates and invalid escapes, and lets the last of duplicate keys win, as pydantic-core does.

The answer is then the record's ``eventType`` (a ``str``): an event of that type, as the exact
probe's keys would say. ``tests/test_fast_probe.py`` checks both on hostile records.

A stream that keeps only some types (``only_pki``) asks for a probe with ``keep``: an event
whose ``eventType`` does not start with it is answered ``SKIP``, by msgspec or by the exact
probe (``keeping``), and the records stage counts it without yielding it. After such a line,
a ``skipper`` reads the lines that follow in one call, each as the probe would, up to the
first it would not skip. The records stage reads that line itself, and gives the skipper
the line after it too (one kept line among skipped ones: a mixed stream's PKI event) and the
first line after a refill of its buffer: most lines of a mixed stream never leave that loop.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import SchemaValidator
from typing_extensions import TypedDict

from ..envelopes import EnvelopeKeys

__all__ = [
    "MAX_BRACKETS",
    "MAX_BYTES",
    "SKIP",
    "Probe",
    "Skipper",
    "exact_probe",
    "fast_probe",
    "keeping",
    "msgspec_usable",
    "skipper",
    "strict_utf8",
    "within_guards",
]

Probe = Callable[[bytes], Any]
"""A probe: a record's JSON text -> what tells an event from an envelope (or a ValidationError)."""

Skipper = Callable[[bytes, int], tuple[int, int]]
"""Text and the start of a line in it -> the end of the run of lines skipped, and their number."""

exact_probe = SchemaValidator(
    TypeAdapter(EnvelopeKeys).core_schema,
    {"title": "LogEvent"},  # its errors read "... for LogEvent", as a record's other failures
).validate_json
"""The exact probe: checks a record's JSON syntax (and UTF-8) and reads only the keys that
tell an event from an envelope (``EnvelopeKeys``; jiter skips the values of the others)."""


class _Event(TypedDict):
    """What the skipper reads of a record known to be an event: its type, a string."""

    eventType: str


class _KeyedEvent(_Event):
    """What the skipper reads of a record that is an event by its keys (``uuid`` too)."""

    uuid: Any


# pydantic-core parses a record's whole JSON before it validates: these check the same JSON
# as the exact probe, and fail where the rule keeps the record (no event, a type that is no
# string), reading less (2.3-2.4 µs a line against 2.56)
_EVENT = TypeAdapter(_Event).validator.validate_json
_KEYED_EVENT = TypeAdapter(_KeyedEvent).validator.validate_json

MAX_BYTES = 4096
"""Longer records go to the exact probe (no number in them can reach 4,300 digits)."""

MAX_BRACKETS = 128
"""Records with more ``{`` and ``[`` go to the exact probe (nesting stays under 200)."""

MIN_MSGSPEC = (0, 22)
"""The msgspec whose answers were checked against pydantic-core's (older ones are not used)."""


class _Skip:
    """The type of ``SKIP``."""

    def __repr__(self) -> str:
        return "SKIP"


SKIP: Any = _Skip()
"""What a probe made with ``keep`` answers for an event whose ``eventType`` (a string) does
not start with ``keep``: the stream skips it by rule, unparsed."""

_UNSET: Any = object()
_FAST: Any = _UNSET
_DECODE: Callable[[bytes], Any] | None = None  # msgspec's decoder, once ``_build`` found it


def keeping(keep: str, events: bool) -> Probe:
    """The exact probe, answering ``SKIP`` for an event whose type does not start with ``keep``.

    ``keep=""``: no skipping (the exact probe itself). See ``_skipped`` for the rule.
    """
    if not keep:
        return exact_probe
    exact = exact_probe

    def probe(text: bytes) -> Any:
        keys = exact(text)
        return SKIP if _skipped(keys, keep, events) else keys

    return probe


def _skipped(keys: Any, keep: str, events: bool) -> bool:
    """Whether the exact probe's keys are those of an event of a type not kept.

    An event: any object when records are known to be events (``events``), else an object
    with a ``uuid`` and an ``eventType`` (never an envelope). An ``eventType`` that is no
    string is never skipped: the parse reports it.
    """
    if events or ("uuid" in keys and "eventType" in keys):
        event_type = keys.get("eventType")
        return type(event_type) is str and not event_type.startswith(keep)
    return False


def fast_probe(keep: str = "", events: bool = False) -> Probe | None:
    """The msgspec probe, or None without msgspec (imported on first use, then kept).

    The probe returns a record's ``eventType`` where msgspec's reading is certain to be
    pydantic-core's (see the module's docstring), else what ``keeping(keep, events)``
    returns or raises. With ``keep``, an event whose ``eventType`` does not start with it
    is ``SKIP`` either way.
    """
    global _FAST
    if _FAST is _UNSET:
        _FAST = _build()
    if _FAST is None or not keep:
        return _FAST  # type: ignore[no-any-return]
    assert _DECODE is not None
    return _probe(_DECODE, keeping(keep, events), keep)


def skipper(keep: str, events: bool, max_bytes: int) -> Skipper | None:
    """Many NDJSON lines at once, each read as the probe would: while a stream is skipping.

    ``skip(text, start)`` reads the complete lines of ``text`` from ``start`` (a line's
    start) and stops at the first one that the probe (``fast_probe(keep, events)``, or
    ``keeping(keep, events)`` without msgspec) would not answer ``SKIP``, or that is over
    ``max_bytes``; it returns where that line starts and how many lines it passed. Where it
    stops, the records stage goes on with its own probe: the skipper may stop early (at a
    line msgspec's answer is not taken for, a broken one), never late. Lines are read as
    they are, blanks included: both parsers skip JSON's blanks around a value, which are
    the ones a line is stripped of. One call for a run of lines spares each its own pass
    through the records stage. None with nothing to skip (``keep=""``).
    """
    if not keep:
        return None
    decode = _DECODE if fast_probe() is not None else None
    exact = _EVENT if events else _KEYED_EVENT
    # Each line is read with its line break, which both parsers take for a blank after the
    # value (no JSON string holds a raw one): BytesIO's iteration finds and copies the lines
    # in C, without a find, a slice and a position per line in Python (0.13 µs a line).
    # The position is worked out where the run stops: before the line it stopped at, or at
    # the end; a last line without its break is not complete (more text may follow), never
    # passed.
    longest = max_bytes + 1  # with its line break

    def skip_exact(text: bytes, start: int) -> tuple[int, int]:
        lines = BytesIO(text)
        lines.seek(start)
        count = size = 0
        for line in lines:
            size = len(line)
            if size > longest:
                break
            try:
                if exact(line)["eventType"].startswith(keep):
                    break
            except ValidationError:  # broken, or no event of a string type: not skipped
                break
            count += 1
        else:
            return _ended(text, count, size)
        return lines.tell() - size, count

    if decode is None:
        return skip_exact
    most = min(MAX_BYTES, max_bytes) + 1
    last: tuple[bytes | None, bool] = (None, False)  # the last text, and whether it is ASCII

    def skip_fast(text: bytes, start: int) -> tuple[int, int]:
        # A text all ASCII needs no check per line: checked once (the records stage calls
        # again on the same text after a kept line), each line checked only if it is not
        # (ASCII, or else UTF-8)
        nonlocal last
        if last[0] is not text:
            last = (text, text.isascii())
        ascii = last[1]
        lines = BytesIO(text)
        lines.seek(start)
        count = size = 0
        for line in lines:
            size = len(line)
            if size > most or not (ascii or line.isascii() or strict_utf8(line)):
                break
            try:
                if decode(line).eventType.startswith(keep):
                    break
            except Exception:  # msgspec's errors, a RecursionError: not certain
                break
            # the brackets counted: what deleting them removes (memchr-fast, unlike count);
            # after msgspec, so that a kept line or the buffer's cut last line is spared it
            if size - len(line.replace(b"{", b"").replace(b"[", b"")) > MAX_BRACKETS:
                break
            count += 1
        else:
            return _ended(text, count, size)
        return lines.tell() - size, count

    return skip_fast


def _ended(text: bytes, count: int, size: int) -> tuple[int, int]:
    """Where a run ends that passed every line of ``text`` from its start.

    ``count`` lines, the last ``size`` bytes long: the run ends at the end of the text, or
    before its last line if that has no line break (not complete: it is not passed).
    """
    if count and not text.endswith(b"\n"):
        return len(text) - size, count - 1
    return len(text), count


def strict_utf8(text: bytes) -> bool:
    """Whether ``text`` is UTF-8 as pydantic-core reads it.

    Python's strict decoder refuses what pydantic-core refuses: bytes that start no
    character, cut or overlong sequences, surrogates, code points past U+10FFFF.
    """
    try:
        text.decode()
    except UnicodeDecodeError:
        return False
    return True


def within_guards(text: bytes) -> bool:
    """Whether msgspec's reading of ``text`` is certain to be pydantic-core's (the guards).

    At most ``MAX_BYTES``, ASCII or else UTF-8 to Python's strict decoder, at most
    ``MAX_BRACKETS`` brackets. The hot loops (the probe, the skipper, ``lifecycles_from``)
    write it inline; the differential tests hold them to the same answers.
    """
    return (
        len(text) <= MAX_BYTES
        and (text.isascii() or strict_utf8(text))
        and len(text) - len(text.replace(b"{", b"").replace(b"[", b"")) <= MAX_BRACKETS
    )


def _version(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for part in text.split(".")[:2]:
        digits = "".join(c for c in part if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def msgspec_usable() -> bool:
    """Whether msgspec is installed at ``MIN_MSGSPEC`` or later.

    The one gate of every msgspec path (this probe, and the lifecycle's checks): an older
    msgspec's answers were never checked against pydantic-core's, so it is not used.
    """
    try:
        import msgspec
    except ImportError:
        return False
    return _version(msgspec.__version__) >= MIN_MSGSPEC


def _build() -> Probe | None:
    global _DECODE
    if not msgspec_usable():
        return None
    import msgspec

    # gc=False: a Raw and a str hold no reference cycle (4% off the decode, 0.91 -> 0.875 µs)
    keys = msgspec.defstruct("Keys", [("uuid", msgspec.Raw), ("eventType", str)], gc=False)
    _DECODE = msgspec.json.Decoder(keys).decode
    return _probe(_DECODE, exact_probe, "")


def _probe(decode: Callable[[bytes], Any], slow: Probe, keep: str) -> Probe:
    """The probe: msgspec's answer where it is certain (a type, or ``SKIP``), else ``slow``'s."""

    def probe(text: bytes) -> Any:
        if (
            len(text) <= MAX_BYTES
            and (text.isascii() or strict_utf8(text))
            # the brackets counted: what deleting them removes (memchr-fast, unlike count)
            and len(text) - len(text.replace(b"{", b"").replace(b"[", b"")) <= MAX_BRACKETS
        ):
            try:
                event_type = decode(text).eventType
            except Exception:  # msgspec's errors, a RecursionError: not certain
                pass
            else:
                return event_type if event_type.startswith(keep) else SKIP
        return slow(text)

    return probe
