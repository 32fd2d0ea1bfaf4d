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
- it is ASCII: msgspec does not check the UTF-8 of the strings it skips;
- it holds at most ``MAX_BRACKETS`` ``{`` and ``[`` together, so it nests no deeper: pydantic-
  core refuses nesting past 200 levels, msgspec goes as deep as Python's recursion limit;
- msgspec reads it as one JSON object with a ``uuid`` and a string ``eventType``. Anything
  msgspec refuses (broken JSON, ``NaN``, another type, an envelope) is left to the exact probe,
  which reports it.

Escapes need no guard: msgspec (from ``MIN_MSGSPEC`` on) decodes escaped keys, refuses lone
surrogates and invalid escapes, and lets the last of duplicate keys win, as pydantic-core does.

The answer is then the record's ``eventType`` (a ``str``): an event of that type, as the exact
probe's keys would say. ``tests/test_fast_probe.py`` checks both on hostile records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter

from ..envelopes import EnvelopeKeys

__all__ = ["MAX_BRACKETS", "MAX_BYTES", "Probe", "exact_probe", "fast_probe"]

Probe = Callable[[bytes], Any]
"""A probe: a record's JSON text -> what tells an event from an envelope (or a ValidationError)."""

exact_probe = TypeAdapter(EnvelopeKeys).validator.validate_json
"""The exact probe: checks a record's JSON syntax (and UTF-8) and reads only the keys that
tell an event from an envelope (``EnvelopeKeys``; jiter skips the values of the others)."""

MAX_BYTES = 4096
"""Longer records go to the exact probe (no number in them can reach 4,300 digits)."""

MAX_BRACKETS = 128
"""Records with more ``{`` and ``[`` go to the exact probe (nesting stays under 200)."""

MIN_MSGSPEC = (0, 22)
"""The msgspec whose answers were checked against pydantic-core's (older ones are not used)."""

_UNSET: Any = object()
_FAST: Any = _UNSET


def fast_probe() -> Probe | None:
    """The msgspec probe, or None without msgspec (imported on first use, then kept).

    The probe returns a record's ``eventType`` where msgspec's reading is certain to be
    pydantic-core's (see the module's docstring), else what ``exact_probe`` returns or raises.
    """
    global _FAST
    if _FAST is _UNSET:
        _FAST = _build()
    return _FAST  # type: ignore[no-any-return]


def _version(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for part in text.split(".")[:2]:
        digits = "".join(c for c in part if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def _build() -> Probe | None:
    try:
        import msgspec
    except ImportError:
        return None
    if _version(msgspec.__version__) < MIN_MSGSPEC:
        return None
    exact = exact_probe

    keys = msgspec.defstruct("Keys", [("uuid", msgspec.Raw), ("eventType", str)])
    decode: Callable[[bytes], Any] = msgspec.json.Decoder(keys).decode

    def probe(text: bytes) -> Any:
        if (
            len(text) <= MAX_BYTES
            and text.isascii()
            # the brackets counted: what deleting them removes (memchr-fast, unlike count)
            and len(text) - len(text.replace(b"{", b"").replace(b"[", b"")) <= MAX_BRACKETS
        ):
            try:
                return decode(text).eventType
            except Exception:  # msgspec's errors, a RecursionError: not certain
                pass
        return exact(text)

    return probe
