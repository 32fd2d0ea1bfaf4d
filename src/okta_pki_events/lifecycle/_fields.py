"""``check="fields"``: the fold's fields of a line, checked, and nothing else built.

``FoldFields`` names what the lifecycle reads of an event (``uuid``, ``published``,
``eventType``, ``outcome.result``, the actor's ids, the targets' ids and types) with the
models' own types; every other value of the line is skipped (its JSON syntax checked, nothing
built). Two readers give it, with one answer:

- ``exact_fields``: pydantic-core (a ``TypedDict`` validator), always there;
- ``fast_fields()``: msgspec (the ``fast`` extra), a ``Struct`` of the same fields, about
  three times faster. It answers only where its answer is pydantic-core's: a line within the
  stream probe's guards (``_stream._probe.within_guards``: at most ``MAX_BYTES``, ASCII or
  strict UTF-8, at most ``MAX_BRACKETS`` brackets) that msgspec reads. Anything else it
  leaves to ``exact_fields`` (the caller's fallback). Within the guards, the two parsers
  accept the same JSON, decode escapes alike and let the last of duplicate keys win
  (``tests/test_fast_probe.py``); the fields are plain strings or ``null`` in both, and
  msgspec refuses a value of another type where pydantic-core would refuse it too (and then
  the exact reader has the last word).

Both give ``published`` as its text; ``Published`` reads it as ``ExactTimestamp`` reads it
(microseconds since the epoch), quickly for Okta's own form and exactly for any other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Optional

from pydantic import TypeAdapter, ValidationError
from typing_extensions import NotRequired, TypedDict

from .._stream._probe import msgspec_usable, within_guards
from ..models._timestamp import ExactTimestamp
from ..models.vocabulary import OpenOutcomeResult
from ._records import micros_of

__all__ = [
    "FoldFields",
    "Published",
    "exact_fields",
    "fast_fields",
    "within_guards",
]


class _Party(TypedDict, total=False):
    id: str | None
    alternateId: str | None
    type: str | None


class _Outcome(TypedDict, total=False):
    result: OpenOutcomeResult | None


class FoldFields(TypedDict):
    """The fold's fields of an event, by their wire names (``published`` as its text)."""

    uuid: str
    published: str
    eventType: str
    outcome: NotRequired[_Outcome | None]
    actor: NotRequired[_Party | None]
    target: NotRequired[list[_Party] | None]


exact_fields: Callable[[bytes | str], FoldFields] = TypeAdapter(FoldFields).validator.validate_json
"""pydantic-core's reading of a line's fold fields (raises ``ValidationError``)."""

_TIMESTAMP = TypeAdapter(Annotated[datetime, ExactTimestamp()]).validator.validate_python

_DAYS_KEPT = 1 << 12
"""The most days ``Published`` remembers (then it starts again): about 11 years, 0.5 MB."""


class Published:
    """``published`` texts as microseconds since the epoch, exactly as ``ExactTimestamp`` reads.

    Okta's own form (``2024-08-13T15:58:20.353Z``) is split into its day (``2024-08-13T``),
    its minute of the day (``15:58``), its seconds (``:20.``) and its milliseconds
    (``353Z``), each looked up in what this reader already validated: for a text in ``Z``
    with three fractional digits, the four are valid apart (the date, the hour and minute,
    the seconds, the milliseconds; no offset ties them) and the instant is their sum. Any
    other text, and the first of each day, minute, second and millisecond, is read by
    ``ExactTimestamp`` itself. One reader per file: its memory is bounded (at most
    ``_DAYS_KEPT`` days, 1,440 minutes, 60 seconds and 1,000 milliseconds) and dropped with it.
    """

    __slots__ = ("days", "millis", "minutes", "seconds")

    def __init__(self) -> None:
        self.days: dict[str, int] = {}
        self.minutes: dict[str, int] = {}
        self.seconds: dict[str, int] = {}
        self.millis: dict[str, int] = {}

    def parts(self) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int]]:
        """What it remembers: days, minutes, seconds, milliseconds (the hot loops read them)."""
        return self.days, self.minutes, self.seconds, self.millis

    def exact(self, text: str) -> int | None:
        """The instant of ``text`` (None where ``ExactTimestamp`` refuses it); remembered."""
        try:
            micros = micros_of(_TIMESTAMP(text))
        except ValidationError:
            return None
        if len(text) == 24 and text[16] == ":" and text[19] == "." and text[23] == "Z":
            # Okta's form (``ExactTimestamp`` took it, so the date and time are valid, the
            # hour 00-23, the minute and seconds 00-59): each part is valid with any other
            minute = (int(text[11:13]) * 60 + int(text[14:16])) * 60_000_000
            second = int(text[17:19]) * 1_000_000
            milli = int(text[20:23]) * 1_000
            if len(self.days) >= _DAYS_KEPT:
                self.days.clear()
            self.days[text[:11]] = micros - minute - second - milli
            self.minutes[text[11:16]] = minute
            self.seconds[text[16:20]] = second
            self.millis[text[20:]] = milli
        return micros

    def read(self, text: str) -> int | None:
        """The instant of ``text`` (None where refused): from what is remembered, else exact.

        (The hot loops inline this.)
        """
        try:
            return (
                self.days[text[:11]]
                + self.minutes[text[11:16]]
                + self.seconds[text[16:20]]
                + self.millis[text[20:]]
            )
        except KeyError:
            return self.exact(text)


_STRUCTS: Any = None


def fast_fields() -> Callable[[bytes], Any] | None:
    """The fast reading of a line's fold fields (msgspec), or None without msgspec.

    Call it only on a line ``within_guards``; it raises on anything it does not read (then
    ``exact_fields`` has the answer). The object it gives has the ``FoldFields`` keys as
    attributes by their Python names (``event_type``, ``alternate_id``: the names of the
    models' fields, as ``_checked.fast_check`` gives them too); ``outcome``, ``actor`` and
    the targets are objects too.
    """
    global _STRUCTS
    if _STRUCTS is None:
        _STRUCTS = _build() or False
    return _STRUCTS or None


def _build() -> Callable[[bytes], Any] | None:
    if not msgspec_usable():
        return None
    import msgspec

    text = Optional[str]  # noqa: UP045 (msgspec types, built at run time)
    alternate = ("alternate_id", text, msgspec.field(default=None, name="alternateId"))
    party = msgspec.defstruct(
        "Party", [("id", text, None), alternate, ("type", text, None)], gc=False
    )
    outcome = msgspec.defstruct("Outcome", [("result", text, None)], gc=False)
    fields = msgspec.defstruct(
        "Fields",
        [
            ("uuid", str),
            ("published", str),
            ("event_type", str, msgspec.field(name="eventType")),
            ("outcome", Optional[outcome], None),  # noqa: UP045
            ("actor", Optional[party], None),  # noqa: UP045
            ("target", Optional[list[party]], None),  # type: ignore[valid-type]  # noqa: UP045
        ],
        gc=False,
    )
    return msgspec.json.Decoder(fields).decode
