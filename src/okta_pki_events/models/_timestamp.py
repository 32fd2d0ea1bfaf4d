"""Okta timestamps (``published``): one stated grammar, read exactly, written back exactly.

The grammar is RFC 3339's ``date-time`` (section 5.6), a profile of ISO 8601's extended
format, with the ranges a Python ``datetime`` can hold::

    date-time  = year "-" month "-" day ("T" / "t") hour ":" minute ":" second
                 ["." 1*DIGIT] ("Z" / "z" / ("+" / "-") offset-hour ":" offset-minute)
    year       = 0001-9999 (4 digits)      month = 01-12     day = 01-31 (valid for the month)
    hour       = 00-23     minute = 00-59  second = 00-59 (no leap second)
    offset-hour = 00-23    offset-minute = 00-59

Anything else is refused: epochs in every form (numbers, ``"1700000000"``, ``"+0"``), a
missing offset, a space for ``T``, ISO 8601's basic format, ``+0100``-style offsets, week and
ordinal dates, and values that exist as written but not in UTC (``0001-01-01T00:00:00+01:00``).

Okta's own form, ``2024-08-13T15:58:20.353Z`` (UTC, three fractional digits, ``Z``), is read
by pydantic-core alone (a Rust regex and its datetime parser: no Python on the hot path) into a
plain ``datetime`` and written back from it. Every other accepted text (another offset, 0-2 or
4+ fractional digits, lowercase ``t``/``z``) becomes a ``WireDatetime``: a ``datetime`` that
remembers its text, written back exactly as it arrived. Digits beyond microseconds are kept in
that text; the ``datetime`` value holds the first six (truncated, never rounded).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

__all__ = [
    "OKTA_CANONICAL_PATTERN",
    "PUBLISHED_PATTERN",
    "ExactTimestamp",
    "WireDatetime",
    "format_okta_datetime",
    "wire_text",
]

_YEAR = r"(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
_TWO = {
    "month": r"(?:0[1-9]|1[0-2])",
    "day": r"(?:0[1-9]|[12][0-9]|3[01])",
    "hour": r"(?:[01][0-9]|2[0-3])",
    "minsec": r"[0-5][0-9]",
}

PUBLISHED_PATTERN = (
    rf"^{_YEAR}-{_TWO['month']}-{_TWO['day']}"
    rf"[Tt]{_TWO['hour']}:{_TWO['minsec']}:{_TWO['minsec']}(?:\.[0-9]+)?"
    rf"(?:[Zz]|[+-]{_TWO['hour']}:{_TWO['minsec']})$"
)
"""The grammar of ``published`` as a regular expression (ASCII digits; valid in Python, Rust
and ECMA-262, so it serves as the JSON Schema ``pattern``).

A text that matches may still be refused for its value: a day the month does not have
(``2023-02-29``), or a time that is out of range once converted to UTC.
"""

OKTA_CANONICAL_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"
"""The shape of the text Okta sends (``2024-08-13T15:58:20.353Z``): read and written back by
pydantic-core without keeping the text."""

_GRAMMAR = re.compile(PUBLISHED_PATTERN)
_MESSAGE = (
    "Input should be an RFC 3339 date-time with an offset, e.g. 2024-08-13T15:58:20.353Z "
    "(years 0001-9999, a valid date and time, representable in UTC; epochs are refused)"
)


class WireDatetime(datetime):
    """An aware ``datetime`` read from a text that is not Okta's canonical form.

    It compares, hashes and computes as the ``datetime`` it holds; ``wire_text`` is the exact
    text it was read from, which is what a JSON dump writes back.
    """

    __slots__ = ("_wire_text",)
    _wire_text: str

    @classmethod
    def from_text(cls, value: datetime, text: str) -> WireDatetime:
        """The ``datetime`` ``value`` remembering ``text`` (which must spell ``value``)."""
        made = cls(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            value.tzinfo,
            fold=value.fold,
        )
        made._wire_text = text
        return made

    @property
    def wire_text(self) -> str:
        """The exact text this value was read from.

        A value derived by ``replace()`` or arithmetic has no text of its own: it gives Okta's
        format of its value.
        """
        text: str | None = getattr(self, "_wire_text", None)
        return text if text is not None else format_okta_datetime(self)

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        """Pickle and copy with the text (``datetime``'s own reduction would drop it)."""
        plain = datetime(
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.microsecond,
            self.tzinfo,
            fold=self.fold,
        )
        return (WireDatetime.from_text, (plain, self.wire_text))


def format_okta_datetime(value: datetime) -> str:
    """Format an aware datetime the way Okta writes ``published``: UTC, milliseconds, ``Z``.

    A value with sub-millisecond precision keeps all six fractional digits, so that nothing
    is lost; Okta itself always sends three. Years below 1000 keep four digits.

    >>> from datetime import datetime, timezone
    >>> format_okta_datetime(datetime(2024, 8, 13, 15, 58, 20, 353000, tzinfo=timezone.utc))
    '2024-08-13T15:58:20.353Z'
    >>> format_okta_datetime(datetime(999, 6, 1, tzinfo=timezone.utc))
    '0999-06-01T00:00:00.000Z'
    """
    utc = value.astimezone(timezone.utc) if value.tzinfo is not None else value
    micro = utc.microsecond
    fraction = f"{micro // 1000:03d}" if micro % 1000 == 0 else f"{micro:06d}"
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{fraction}Z"
    )


def wire_text(value: datetime) -> str:
    """The text a JSON dump writes for a timestamp.

    That is the text it arrived as for a ``WireDatetime``, else Okta's format
    (``format_okta_datetime``).

    >>> from datetime import datetime, timezone
    >>> wire_text(datetime(2024, 8, 13, 15, 58, 20, 353000, tzinfo=timezone.utc))
    '2024-08-13T15:58:20.353Z'
    """
    if isinstance(value, WireDatetime):
        return value.wire_text
    return format_okta_datetime(value)


def _refuse() -> PydanticCustomError:
    return PydanticCustomError("okta_datetime", _MESSAGE)


def _utc_representable(value: datetime) -> bool:
    offset = value.utcoffset()
    if offset is None:
        return False
    try:
        value.astimezone(timezone.utc)
    except OverflowError:
        return False
    return True


def _parse_text(text: str) -> datetime:
    """Read a text of the grammar (raises ``ValueError`` when it is not one)."""
    if _GRAMMAR.fullmatch(text) is None:
        raise ValueError(text)
    rest = text[19:]
    micro = 0
    if rest.startswith("."):
        digits = len(rest) - len(rest.lstrip(".0123456789"))
        fraction, rest = rest[1:digits], rest[digits:]
        micro = int(fraction[:6].ljust(6, "0"))
    if rest in ("Z", "z"):
        tz = timezone.utc
    else:
        sign = -1 if rest[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(rest[1:3]), minutes=int(rest[4:6])))
    year, month, day = int(text[0:4]), int(text[5:7]), int(text[8:10])
    hour, minute, second = int(text[11:13]), int(text[14:16]), int(text[17:19])
    return datetime(year, month, day, hour, minute, second, micro, tz)


def _exact(value: Any) -> datetime:
    """The slow path: any accepted input that is not Okta's canonical text."""
    if isinstance(value, str):
        try:
            parsed = _parse_text(value)
        except ValueError:
            raise _refuse() from None
        if not _utc_representable(parsed):
            raise _refuse()
        if _canonical(value):
            return parsed  # canonical text the fast path could not take (strict mode)
        return WireDatetime.from_text(parsed, value)
    if isinstance(value, datetime) and _utc_representable(value):
        return value
    raise _refuse()


_CANONICAL = re.compile(OKTA_CANONICAL_PATTERN)


def _canonical(text: str) -> bool:
    return _CANONICAL.fullmatch(text) is not None


class ExactTimestamp:
    """Annotation that makes a ``datetime`` field follow ``PUBLISHED_PATTERN`` exactly.

    ``Annotated[datetime, ExactTimestamp()]``: Okta's canonical text is validated by
    pydantic-core alone; other accepted texts keep their spelling (``WireDatetime``); an aware
    ``datetime`` is accepted from Python; numbers, naive datetimes, ``date`` objects and
    every text outside the grammar are refused with one error at the field's path.
    """

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """A left-to-right union: canonical text in Rust first, then the exact Python path."""
        fast = core_schema.chain_schema(
            [
                core_schema.str_schema(pattern=OKTA_CANONICAL_PATTERN, strict=True),
                core_schema.datetime_schema(),
            ]
        )
        return core_schema.union_schema(
            [fast, core_schema.no_info_plain_validator_function(_exact)],
            mode="left_to_right",
            custom_error_type="okta_datetime",
            custom_error_message=_MESSAGE,
            serialization=core_schema.plain_serializer_function_ser_schema(
                wire_text, when_used="json"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A string of the ``date-time`` format, constrained by ``PUBLISHED_PATTERN``."""
        return {"type": "string", "format": "date-time", "pattern": PUBLISHED_PATTERN}
